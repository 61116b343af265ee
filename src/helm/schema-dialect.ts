/**
 * A values.schema.json's dialect as jsonschema v6 (Helm 4.1.4) reads its `$schema`, and v6's
 * errors for one Helm cannot load.
 */
import type { Draft } from "./schema-accept.js";
import { SUBSCHEMA_KEYWORDS, SUBSCHEMA_LIST_KEYWORDS, SUBSCHEMA_MAP_KEYWORDS } from "./schema-keywords.js";

const DRAFT_URLS: Record<string, Draft> = {
  "json-schema.org/schema": "2020",
  "json-schema.org/draft/2020-12/schema": "2020",
  "json-schema.org/draft/2019-09/schema": "2019",
  "json-schema.org/draft-07/schema": "7",
  "json-schema.org/draft-06/schema": "6",
  "json-schema.org/draft-04/schema": "4",
};

/**
 * The draft of a schema as jsonschema v6 reads its `$schema` (loader.go getDraft, draft.go
 * draftFromURL): a draft's URL, with or without http(s):// and an empty fragment; otherwise v6
 * loads the URL, and json-schema.org's metaschemas are built in (openMeta), each naming its own
 * draft, so `http://json-schema.org/draft-07/schema#x` is draft-07 too; a `urn:` loads Helm's
 * permissive schema, which names none (the latest). Anything else is `unknown`.
 */
export function draftOf(schema: unknown): Draft | { unknown: string } {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return "2020";
  const s = (schema as Record<string, unknown>).$schema;
  if (typeof s !== "string") return "2020";
  const [url, frag] = s.split("#", 2) as [string, string | undefined];
  const bare = url.replace(/^https?:\/\//, "");
  const d = frag ? undefined : DRAFT_URLS[bare];
  if (d !== undefined) return d;
  if (/^https?:\/\/json-schema\.org\//.test(url) && Object.hasOwn(DRAFT_URLS, bare)) return DRAFT_URLS[bare]!;
  if (/^urn:/i.test(url)) return "2020";
  return { unknown: url };
}

/**
 * v6's error for a URL Helm has no loader for (Helm registers file, http, https and urn):
 * `no URLLoader registered for "ftp://…"`, deterministic, so worded as Helm words it. Only for a
 * URL Go's url.String() prints as written (no character it escapes).
 */
export function noLoaderFor(url: string): string | undefined {
  if (/^(?:https?|file|urn):/i.test(url)) return undefined;
  if (!/^[A-Za-z0-9._~:/?@!$&'()*+,;=-]*$/.test(url)) return undefined;
  return `failing loading "${url}": no URLLoader registered for "${url}"`;
}

/** The error for a `$schema` URL Slipway cannot load: Helm's where Helm is deterministic. */
export function dialectError(url: string): string {
  const why = /^file:/i.test(url)
    ? "Slipway reads no schema outside the chart's values.schema.json"
    : "Slipway does not fetch metaschemas over the network";
  return noLoaderFor(url) ?? `failing loading "${url}": ${why} (use --skip-schema-validation)`;
}

const ONE_OR_LIST = new Set([...SUBSCHEMA_KEYWORDS, ...SUBSCHEMA_LIST_KEYWORDS, "items"]);
const MAP = new Set([...SUBSCHEMA_MAP_KEYWORDS, "dependencies"]);

/**
 * The error for the first `$schema` below the root that v6 would have to load from outside (it
 * loads the dialect of each subschema that names one, before it checks the metaschema), or
 * undefined. A nested `$schema` naming a draft is left as it is when v6 ignores it, as it does
 * in a subschema without that draft's identifier (roots.go _collectResources: `id == ""`), and
 * Slipway validates the schema in its root's draft. One with an identifier starts a resource of
 * that draft, with its own metaschema and keywords (draft-04's boolean `exclusiveMaximum`):
 * Slipway validates in one draft, so it says it cannot, never a verdict from the wrong draft.
 */
export function nestedDialectError(root: unknown, rootDraft: Draft = "2020"): string | undefined {
  const visit = (s: unknown, top: boolean): string | undefined => {
    if (Array.isArray(s)) {
      for (const x of s) {
        const r = visit(x, false);
        if (r !== undefined) return r;
      }
      return undefined;
    }
    if (typeof s !== "object" || s === null) return undefined;
    const o = s as Record<string, unknown>;
    if (!top && typeof o.$schema === "string") {
      const d = draftOf({ $schema: o.$schema });
      if (typeof d === "object") {
        return dialectError(d.unknown);
      }
      const id = d === "4" ? o.id : o.$id;
      if (d !== rootDraft && typeof id === "string" && id !== "")
        return `values.schema.json: Slipway cannot validate values against a schema that nests a resource of another draft ('${o.$schema}' in "${id}"); use --skip-schema-validation`;
    }
    for (const [k, v] of Object.entries(o)) {
      if (ONE_OR_LIST.has(k)) {
        const r = visit(v, false);
        if (r !== undefined) return r;
      } else if (MAP.has(k) && typeof v === "object" && v !== null && !Array.isArray(v)) {
        for (const sub of Object.values(v)) {
          const r = visit(sub, false);
          if (r !== undefined) return r;
        }
      }
    }
    return undefined;
  };
  return visit(root, true);
}

/**
 * The `urn:` URLs Helm's compiler loads for a schema, in the order it meets them: the root's
 * `$schema`, then each `$ref` of a subschema it compiles (definitions only through a pointer to
 * them). Helm resolves none by default and logs each once per process
 * ("unresolved URN reference ignored; using permissive schema"), then uses `true`.
 */
export function urnRefs(root: unknown): string[] {
  const out: string[] = [];
  for (const url of urnsInCompileOrder(root)) {
    const bare = url.split("#", 1)[0]!;
    if (!out.includes(bare)) out.push(bare);
  }
  return out;
}

/**
 * v6's compile error for the first `urn:` `$ref` (in compile order) whose fragment is a JSON
 * pointer: the permissive schema Helm loads for the URN (`true`) holds nothing for it to point
 * at, so compiling fails whatever the values (`json-pointer in "urn:x#/ptr" not found`).
 */
export function urnPointerError(root: unknown): string | undefined {
  const isObject = (x: unknown): x is Record<string, unknown> =>
    typeof x === "object" && x !== null && !Array.isArray(x);
  const rootSchema = isObject(root) && typeof root.$schema === "string" ? root.$schema : undefined;
  for (const url of urnsInCompileOrder(root)) {
    if (url === rootSchema) continue;
    const hash = url.indexOf("#");
    if (hash >= 0 && url[hash + 1] === "/") return `json-pointer in "${url}" not found`;
  }
  return undefined;
}

/** The `urn:` URLs (fragments kept) of the root's `$schema` and of each compiled `$ref`, in v6's order. */
function urnsInCompileOrder(root: unknown): string[] {
  const out: string[] = [];
  const add = (url: string) => out.push(url);
  const isObject = (x: unknown): x is Record<string, unknown> =>
    typeof x === "object" && x !== null && !Array.isArray(x);
  if (isObject(root) && typeof root.$schema === "string" && /^urn:/i.test(root.$schema)) add(root.$schema);
  // Breadth first, as v6 compiles: a schema's `$ref` is loaded when the schema is compiled, its
  // subschemas queued behind the ones already waiting.
  const seen = new Set<unknown>();
  const queue: unknown[] = [root];
  const enqueue = (s: unknown) => {
    if (Array.isArray(s)) for (const x of s) enqueue(x);
    else if (isObject(s) && !seen.has(s)) {
      seen.add(s);
      queue.push(s);
    }
  };
  seen.add(root);
  for (let i = 0; i < queue.length; i++) {
    const s = queue[i];
    if (!isObject(s)) continue;
    const ref = s.$ref;
    if (typeof ref === "string") {
      if (/^urn:/i.test(ref)) add(ref);
      else if (ref === "#" || ref.startsWith("#/")) enqueue(pointerTarget(root, ref));
    }
    for (const [k, v] of Object.entries(s)) {
      if (ONE_OR_LIST.has(k)) enqueue(v);
      else if (MAP.has(k) && k !== "$defs" && k !== "definitions" && isObject(v))
        for (const sub of Object.values(v)) enqueue(sub);
    }
  }
  return out;
}

/** The value at a `#…` JSON pointer (URI-fragment encoded), or undefined. */
function pointerTarget(root: unknown, ref: string): unknown {
  let cur: unknown = root;
  for (const raw of ref === "#" ? [] : ref.slice(2).split("/")) {
    let t: string;
    try {
      t = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    } catch {
      return undefined;
    }
    if (typeof cur !== "object" || cur === null || !Object.hasOwn(cur, t)) return undefined;
    cur = (cur as Record<string, unknown>)[t];
  }
  return cur;
}
