/**
 * A chart's values.yaml read through the persistent cache (src/cache/store.ts): a fresh process
 * takes the values a previous one read from the same text instead of running the YAML reader,
 * which V8 has not compiled yet in a new process (kube-prometheus-stack's six values.yaml files,
 * 330 KB, took ~90 ms of a fresh `helm template` under the profiler).
 *
 * Values are what sigs.k8s.io/yaml's JSON step leaves (yaml.ts): null, booleans, strings,
 * float64s, lists and maps. An entry is JSON in which every list and map is an array tagged by
 * its first element, so map keys keep their order (a JSON object would move integer-like keys
 * first) and -0 survives: `[0, …items]` a list, `[1, k, v, k, v, …]` a map, `[2]` -0.
 *
 * Keyed by the text alone (the file name only appears in errors, and failed reads are never
 * stored) with the code identity the store folds in. A damaged entry fails the store's seal; one
 * that decodes to anything but values is a miss too, and the text is read again.
 */
import { createHash } from "node:crypto";
import type { RenderCache } from "../cache/store.js";
import type { ValuesReader } from "./loader.js";
import { GoMap, type GoValue, MAP_TYPE } from "./template/value.js";
import { readValuesDocuments } from "./yaml.js";

const UNIT = "helm-values";
const FORMAT = 1;
/** Smaller values files are read faster than an entry is opened. */
const PERSIST_MIN_TEXT = 16 * 1024;
/** Deeper nesting is neither stored nor read (a recursion limit, far above real values). */
const MAX_DEPTH = 1_000;

const LIST = 0;
const MAP = 1;
const NEGATIVE_ZERO = 2;

type Encoded = null | boolean | number | string | Encoded[];

/** The values reader of `helm template`: readValuesDocuments with `store` in front of it. */
export function persistedValuesReader(store: RenderCache): ValuesReader {
  const { getBytes, putBytes } = store;
  if (getBytes === undefined || putBytes === undefined) return readValuesDocuments;
  return (text, file) => {
    if (text.length < PERSIST_MIN_TEXT) return readValuesDocuments(text, file);
    const key = store.key(UNIT, createHash("sha256").update(`${FORMAT}\0`).update(text).digest("hex"));
    const body = getBytes.call(store, key);
    const known = body === undefined ? undefined : decodeValues(body);
    if (known !== undefined) return known;
    const values = readValuesDocuments(text, file);
    const bytes = encodeValues(values);
    if (bytes !== undefined) putBytes.call(store, key, bytes);
    return values;
  };
}

/** An entry's bytes, or undefined for values this encoding does not hold. */
export function encodeValues(values: GoMap): Uint8Array | undefined {
  const encoded = encode(values, 0);
  return encoded === undefined ? undefined : Buffer.from(JSON.stringify(encoded), "utf8");
}

function encode(v: GoValue, depth: number): Encoded | undefined {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") {
    if (Object.is(v, -0)) return [NEGATIVE_ZERO];
    return Number.isFinite(v) ? v : undefined;
  }
  if (depth >= MAX_DEPTH) return undefined;
  if (Array.isArray(v)) {
    const out: Encoded[] = [LIST];
    for (const x of v) {
      const e = encode(x, depth + 1);
      if (e === undefined) return undefined;
      out.push(e);
    }
    return out;
  }
  // Only plain maps: a named map type or any other Go value is not what a values file reads to.
  if (!(v instanceof GoMap) || v.constructor !== GoMap || v.goType !== MAP_TYPE) return undefined;
  const out: Encoded[] = [MAP];
  for (const [k, x] of v) {
    const e = encode(x, depth + 1);
    if (e === undefined) return undefined;
    out.push(k, e);
  }
  return out;
}

/** The values an entry holds; undefined when it holds anything else (a miss). */
export function decodeValues(bytes: Uint8Array): GoMap | undefined {
  try {
    const v = decode(
      JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8")),
      0,
    );
    return v instanceof GoMap ? v : undefined;
  } catch (e) {
    if (e instanceof NotValues || e instanceof SyntaxError) return undefined;
    throw e;
  }
}

class NotValues extends Error {}

function decode(e: unknown, depth: number): GoValue {
  if (e === null || typeof e === "boolean" || typeof e === "string" || typeof e === "number") return e;
  if (!Array.isArray(e) || depth >= MAX_DEPTH) throw new NotValues();
  switch (e[0]) {
    case LIST: {
      const out: GoValue[] = new Array(e.length - 1);
      for (let i = 1; i < e.length; i++) out[i - 1] = decode(e[i], depth + 1);
      return out;
    }
    case MAP: {
      if (e.length % 2 !== 1) throw new NotValues();
      const m = new GoMap();
      for (let i = 1; i < e.length; i += 2) {
        const k = e[i];
        if (typeof k !== "string") throw new NotValues();
        m.set(k, decode(e[i + 1], depth + 1));
      }
      return m;
    }
    case NEGATIVE_ZERO:
      if (e.length !== 1) throw new NotValues();
      return -0;
  }
  throw new NotValues();
}
