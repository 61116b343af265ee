import { SlipwayError } from "../../errors.js";
import { GoRegexp } from "../../re2.js";
import { goFloatName } from "../../yaml/numbers.js";
import { resolvePlain } from "../../yaml/resolve.js";
import { type FieldSpec, fieldSpecSelects, splitFieldPath } from "../fieldspec.js";
import type { ResMap } from "../resmap.js";
import type { Resource } from "../resource.js";
import { isMap, type YamlMap, type YamlValue } from "../types.js";

/** One entry of `images:` (kustomize's types.Image). */
export interface ImageSpec {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
  tagSuffix?: string;
}

const imageFields = ["name", "newName", "newTag", "digest", "tagSuffix"] as const;

/** Reads `images:` (and the old `imageTags:`) entries, decoded strictly like kustomization.yaml. */
export function parseImages(raw: YamlValue | undefined, file?: string): ImageSpec[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new SlipwayError("'images' must be a list", { file });
  return raw.map((entry) => {
    if (!isMap(entry)) throw new SlipwayError("each entry of 'images' must be a mapping", { file });
    const spec: ImageSpec = { name: "" };
    for (const [k, v] of Object.entries(entry)) {
      const key = imageFields.find((f) => f.toLowerCase() === k.toLowerCase());
      if (!key) throw new SlipwayError(`invalid Kustomization: json: unknown field "${k}"`, { file });
      if (v === null) continue;
      if (typeof v !== "string") {
        throw new SlipwayError(
          `invalid Kustomization: json: cannot unmarshal ${typeof v === "object" ? "object" : typeof v} into Go struct field Image.images.${key} of type string`,
          { file },
        );
      }
      spec[key] = v;
    }
    return spec;
  });
}

/** kustomize's image.IsImageMatched: `name` (a regular expression) plus an optional tag and digest. */
export function isImageMatched(image: string, name: string): boolean {
  let re: GoRegexp;
  try {
    re = GoRegexp.compile(`^${name}(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$`);
  } catch {
    return false;
  }
  return re.test(image);
}

/** kustomize's image.Split: `[host[:port]/]path[:tag][@digest]` into its parts. */
export function splitImage(image: string): { name: string; tag: string; digest: string } {
  let slash = image.indexOf("/");
  let search = image;
  if (slash > 0) search = image.slice(slash);
  else slash = 0;
  let at = search.indexOf("@");
  let colon = search.indexOf(":");
  if (colon < 0 && at < 0) return { name: image, tag: "", digest: "" };
  if (at >= 0 && (at < colon || colon < 0)) {
    at += slash;
    return { name: image.slice(0, at), tag: "", digest: image.slice(at + 1) };
  }
  if (at >= 0 && colon >= 0) {
    at += slash;
    colon += slash;
    return { name: image.slice(0, colon), tag: image.slice(colon + 1, at), digest: image.slice(at + 1) };
  }
  colon += slash;
  return { name: image.slice(0, colon), tag: image.slice(colon + 1), digest: "" };
}

/** The new image reference for `image`, or undefined when `spec` does not apply to it. */
export function updatedImage(image: string, spec: ImageSpec): string | undefined {
  if (!isImageMatched(image, spec.name)) return undefined;
  let { name, tag, digest } = splitImage(image);
  if (spec.newName) name = spec.newName;
  if (spec.newTag && spec.digest) {
    tag = spec.newTag;
    digest = spec.digest;
  } else if (spec.newTag) {
    tag = spec.newTag;
    digest = "";
  } else if (spec.digest) {
    tag = "";
    digest = spec.digest;
  } else if (spec.tagSuffix) {
    tag += spec.tagSuffix;
    digest = "";
  }
  let out = name;
  if (tag !== "") out += `:${tag}`;
  if (digest !== "") out += `@${digest}`;
  return out;
}

function describeKind(v: YamlValue): string {
  return Array.isArray(v) ? "SequenceNode" : "MappingNode";
}

/** Updates `parent[key]` when it holds an image reference `spec` applies to. */
function updateAt(parent: YamlMap | YamlValue[], key: string | number, spec: ImageSpec, where: string): void {
  const p = parent as Record<string | number, YamlValue>;
  const v = p[key];
  if (v === undefined || v === null) return;
  if (typeof v === "object") {
    throw new SlipwayError(
      `wrong Node Kind for image of ${where}: expected ScalarNode was ${describeKind(v)}`,
    );
  }
  const next = updatedImage(String(v), spec);
  if (next !== undefined) p[key] = untaggedScalar(next);
}

/**
 * kustomize sets the new image as a scalar node with no tag (filtersutil.SetScalar), which its
 * output then resolves as go-yaml v3 does: an image named `0x10` prints as 16, `true` as true.
 */
function untaggedScalar(text: string): YamlValue {
  const r = resolvePlain(text);
  if (r.tag === "str" || r.tag === "merge") return text;
  if (typeof r.value === "number" && !Number.isFinite(r.value))
    throw new SlipwayError(`json: unsupported value: ${goFloatName(r.value)}`);
  if (r.tag === "timestamp" && r.value === null)
    throw new SlipwayError("Time.MarshalJSON: timezone hour outside of range [0,23]");
  return r.value as YamlValue;
}

/**
 * kustomize's legacy image filter: every `containers` / `initContainers` list anywhere in
 * the object (children first), so that CronJobs and custom resources are covered.
 */
function walkContainerLists(node: YamlValue, spec: ImageSpec, where: string): void {
  if (Array.isArray(node)) {
    for (const el of node) walkContainerLists(el, spec, where);
    return;
  }
  if (!isMap(node)) return;
  for (const [k, v] of Object.entries(node)) {
    walkContainerLists(v, spec, where);
    if ((k === "containers" || k === "initContainers") && Array.isArray(v)) {
      for (const c of v) {
        if (c === null) continue;
        if (!isMap(c)) throw new SlipwayError(`wrong Node Kind for ${k} of ${where}: expected MappingNode`);
        updateAt(c, "image", spec, where);
      }
    }
  }
}

/**
 * kustomize's fieldspec traversal without creation. As there, a null met where the path
 * says a list (`containers[]`) becomes an empty list.
 */
function walkFieldSpec(
  node: YamlValue,
  parts: string[],
  i: number,
  fn: (p: YamlMap, key: string) => void,
): void {
  if (Array.isArray(node)) {
    for (const el of node) walkFieldSpec(el, parts, i, fn);
    return;
  }
  if (!isMap(node)) throw new SlipwayError("expected sequence or mapping node");
  let name = parts[i]!;
  const isSeq = name.endsWith("[]");
  if (isSeq) name = name.slice(0, -2);
  if (!Object.hasOwn(node, name)) return;
  if (node[name] === null && isSeq) node[name] = [];
  if (i === parts.length - 1) {
    fn(node, name);
    return;
  }
  const value = node[name]!;
  if (value === null) return;
  walkFieldSpec(value, parts, i + 1, fn);
}

function applyOne(r: Resource, spec: ImageSpec, fieldSpecs: FieldSpec[]): void {
  // CustomResourceDefinitions describe containers; they never run them.
  if (r.kind === "CustomResourceDefinition") return;
  const where = r.idString();
  walkContainerLists(r.obj, spec, where);
  const gvk = r.gvk();
  for (const fs of fieldSpecs) {
    if (!fieldSpecSelects(fs, gvk)) continue;
    try {
      walkFieldSpec(r.obj, splitFieldPath(fs.path), 0, (p, key) => updateAt(p, key, spec, where));
    } catch (e) {
      throw new SlipwayError(`considering field '${fs.path}' of object ${where}: ${(e as Error).message}`);
    }
  }
}

/**
 * kustomize's ImageTagTransformer, one entry after the other: the legacy walk over all
 * container lists, then the `images` field specs (which never create fields).
 */
export function applyImages(resources: ResMap, images: ImageSpec[], fieldSpecs: FieldSpec[]): void {
  for (const spec of images) {
    for (const r of resources) applyOne(r, spec, fieldSpecs);
  }
}
