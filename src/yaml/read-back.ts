/**
 * What `parseYaml(emitYaml(value), file, { yamlToJson: true })` gives, without printing and
 * reading: go-yaml v2 marshals a map with its keys in keysort.ts order and reads them back in
 * that order; plain values read back as they were. Flux's rewritten kustomization file is
 * handed to the builder this way (issue 16: the print and the read of every Flux
 * Kustomization's own file were 66–77 ms of a cold bjw-s home-ops check).
 *
 * Only values whose reading is certain are taken: strings of printable characters (tab and
 * line feed allowed; no CR, NEL, line or paragraph separators, BOM, surrogates), safe integers
 * other than -0, booleans, null, and maps without a "<<" key (sigs.k8s.io/yaml drops it).
 * Anything else answers undefined, and the caller prints and reads the text as before.
 */
import { isMap, type YamlMap, type YamlValue } from "../kustomize/types.js";
import { sortKeys } from "./keysort.js";

/** Characters outside printable ASCII that the check below refuses; one test for the common text. */
const UNSURE_CHAR = /[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]/;

/** The value the YAML print of `value` reads back as (sigs.k8s.io/yaml), or undefined when unsure. */
export function readBackOfPrint(value: YamlValue): YamlValue | undefined {
  try {
    return readBack(value, 0);
  } catch (e) {
    if (e === UNSURE) return undefined;
    throw e;
  }
}

const UNSURE = Symbol("unsure");
/** Deeper than this is left to the text (the emitter and the reader have their own limits). */
const MAX_DEPTH = 64;

function readBack(v: YamlValue, depth: number): YamlValue {
  if (depth > MAX_DEPTH) throw UNSURE;
  if (v === null || typeof v === "boolean") return v;
  if (typeof v === "string") {
    if (UNSURE_CHAR.test(v)) throw UNSURE;
    return v;
  }
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v) || Object.is(v, -0)) throw UNSURE;
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => readBack(x, depth + 1));
  if (!isMap(v)) throw UNSURE;
  const out: YamlMap = {};
  for (const key of sortKeys(Object.keys(v))) {
    if (key === "<<" || UNSURE_CHAR.test(key)) throw UNSURE;
    const x = v[key];
    if (x === undefined) throw UNSURE;
    out[key] = readBack(x, depth + 1);
  }
  return out;
}
