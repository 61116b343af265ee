/**
 * Marking secret fields by their text, where a transformation loses which field a secret value
 * came from: a chart's templates (helmreleases.ts), and a Flux Kustomization whose own spec holds
 * values its parent decrypted (its `patches`, `images`, `commonMetadata` write them into the
 * objects it builds; the generated kustomization file carries them as text). The output is
 * searched for the values, in the forms `wanted` lists (secretForms, secretFragments), and every
 * string field holding one is marked: errs on the side of masking.
 */
import { isMap, type KObject, type YamlValue } from "../kustomize/types.js";
import { SecretPaths, valueAt } from "../secrets/paths.js";
import { parseYamlDocuments } from "../yaml/parse.js";

/** The string fields of `object` whose lower-cased text contains one of `wanted` (lower-cased); undefined: none. */
export function secretTextMarks(object: KObject, wanted: readonly string[]): SecretPaths | undefined {
  if (wanted.length === 0) return undefined;
  let found: SecretPaths | undefined;
  const walk = (v: YamlValue, at: Array<string | number>) => {
    if (typeof v === "string") {
      const folded = v.toLowerCase();
      if (wanted.some((s) => folded.includes(s))) (found ??= new SecretPaths()).add(at);
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(v[i] as YamlValue, [...at, i]);
    } else if (isMap(v)) for (const k of Object.keys(v)) walk(v[k] as YamlValue, [...at, k]);
  };
  walk(object, []);
  return found;
}

/**
 * The fields of a Flux Kustomization's spec whose values end up inside the objects it applies:
 * kustomize writes `patches` and `images` (the generated kustomization file), kustomize-controller
 * `commonMetadata` after the build. (Identity fields are refused whole: secret-spec.ts; variables
 * substituted from a secret are marked where they are written: src/flux/postbuild.ts.)
 */
export const KUSTOMIZATION_FIELDS_BUILT_IN = ["patches", "images"] as const;
const KUSTOMIZATION_FIELDS_WRITTEN = [...KUSTOMIZATION_FIELDS_BUILT_IN, "commonMetadata"] as const;

/** Whether `marks` cover a value of a Flux Kustomization's spec that its build writes into objects. */
export function buildReadsSecretSpec(marks: SecretPaths | undefined): boolean {
  return marks !== undefined && KUSTOMIZATION_FIELDS_BUILT_IN.some((f) => marks.touches(["spec", f]));
}

/**
 * The secret values a Flux Kustomization's spec writes into the objects it applies: those of
 * `images` and `commonMetadata`, and the values a secret patch sets (a JSON patch's `value`s, a
 * strategic merge patch's fields other than the ones naming its target). A patch's target
 * selector and its text as a whole are never written into an object; a patch that does not
 * read is taken by its lines.
 */
export function secretKustomizationStrings(object: KObject, marks: SecretPaths | undefined): string[] {
  if (!marks || !KUSTOMIZATION_FIELDS_WRITTEN.some((f) => marks.touches(["spec", f]))) return [];
  const out = new Set(secretSpecStrings(object, marks, ["images", "commonMetadata"]));
  const patches = valueAt(object, ["spec", "patches"]);
  if (Array.isArray(patches))
    patches.forEach((p, i) => {
      const text = isMap(p) ? p.patch : undefined;
      if (typeof text === "string" && marks.touches(["spec", "patches", i, "patch"]))
        for (const v of patchValues(text)) out.add(v);
    });
  return [...out];
}

/** What a patch's text writes: the leaves of its JSON patch `value`s or of its strategic merge patches. */
function patchValues(text: string): string[] {
  let docs: YamlValue[];
  try {
    docs = parseYamlDocuments(text, "<patch>").map((d) => d.value);
  } catch {
    return text.split(/\r?\n/).map((l) => l.trim());
  }
  const out: string[] = [];
  const leaves = (v: YamlValue | undefined) => {
    if (typeof v === "string") out.push(v);
    else if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") out.push(String(v));
    else if (Array.isArray(v)) for (const x of v) leaves(x);
    else if (isMap(v)) for (const x of Object.values(v)) leaves(x);
  };
  for (const doc of docs) {
    if (Array.isArray(doc)) {
      for (const op of doc) if (isMap(op)) leaves(op.value);
    } else if (isMap(doc)) {
      const { apiVersion: _a, kind: _k, metadata, ...rest } = doc;
      if (isMap(metadata)) {
        const { name: _n, namespace: _ns, ...meta } = metadata;
        leaves(meta);
      }
      leaves(rest);
    }
  }
  return out;
}

/** The strings (and numbers, as text) of `object`'s fields under `spec` that `marks` covers. */
export function secretSpecStrings(
  object: KObject,
  marks: SecretPaths | undefined,
  fields?: readonly string[],
): string[] {
  if (!marks) return [];
  const out: string[] = [];
  const collect = (v: YamlValue | undefined) => {
    if (typeof v === "string") out.push(v);
    else if (typeof v === "number" || typeof v === "bigint") out.push(String(v));
    else if (Array.isArray(v)) for (const x of v) collect(x);
    else if (isMap(v)) for (const x of Object.values(v)) collect(x);
  };
  for (const p of marks.paths())
    if (p[0] === "spec" && (fields === undefined || fields.includes(String(p[1]))))
      collect(valueAt(object, p));
  return out;
}
