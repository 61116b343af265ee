import { SlipwayError } from "../errors.js";
import { parseYamlDocuments } from "../yaml/index.js";
import { cloneValue } from "./clone.js";
import type { Loader } from "./loader.js";
import {
  applyJson6902,
  isJson6902Patch,
  type Json6902Op,
  parseJson6902Patch,
  type SchemaRegistry,
  strategicMergePatch,
} from "./patch/index.js";
import type { ResMap } from "./resmap.js";
import type { PatchRecord, Resource } from "./resource.js";
import { type Selector, SelectorMatcher, selectorFrom } from "./selector.js";
import { isMap, type KObject, type YamlValue } from "./types.js";

export interface PatchOptions {
  allowNameChange?: boolean;
  allowKindChange?: boolean;
}

/** One entry of `patches:` (or a legacy patch) after its content has been read and classified. */
export type PatchEntry =
  | {
      kind: "smp";
      docs: KObject[];
      target?: Selector;
      options: PatchOptions;
      file?: string;
      /** Line of each document in `file`; absent for inline patches. */
      lines?: number[];
    }
  | {
      kind: "json6902";
      ops: Json6902Op[];
      target?: Selector;
      options: PatchOptions;
      file?: string;
      inline?: boolean;
    };

/**
 * Reads a `patches:` entry ({path | patch, target, options}); a patch whose text parses as a
 * list of JSON 6902 operations is one, anything else is a strategic merge patch.
 */
export function patchEntryFrom(
  raw: YamlValue,
  load: (p: string) => string,
  kfile: string,
  loader: Loader,
  legacyJson6902 = false,
): PatchEntry {
  if (!isMap(raw)) throw new SlipwayError("patch entries must be maps", { file: kfile });
  const p = raw.path;
  const inline = raw.patch;
  const hasPath = typeof p === "string" && p !== "";
  const hasInline = typeof inline === "string" && inline !== "";
  if (hasPath && hasInline)
    throw new SlipwayError("patch and path can't be set at the same time", { file: kfile });
  if (!hasPath && !hasInline) throw new SlipwayError("must specify one of patch and path", { file: kfile });
  const text = hasPath ? load(p) : (inline as string);
  const file = hasPath ? loader.resolve(p) : kfile;
  const target = selectorFrom(raw.target, kfile);
  const opts = isMap(raw.options) ? raw.options : {};
  const options: PatchOptions = {
    allowNameChange: opts.allowNameChange === true,
    allowKindChange: opts.allowKindChange === true,
  };
  if (legacyJson6902 || isJson6902Patch(text)) {
    if (!target)
      throw new SlipwayError(`must specify a target for JSON patch ${text.trim()}`, { file: kfile });
    return { kind: "json6902", ops: parseJson6902Patch(text, file), target, options, file, inline: !hasPath };
  }
  const parsed = parseYamlDocuments(text, file).filter(
    (d) => isMap(d.value) && Object.keys(d.value).length > 0,
  );
  const docs = parsed.map((d) => d.value as KObject);
  return {
    kind: "smp",
    docs,
    target,
    options,
    file,
    ...(hasPath ? { lines: parsed.map((d) => d.line) } : {}),
  };
}

export function applyPatch(
  resources: ResMap,
  entry: PatchEntry,
  schema: SchemaRegistry,
  kfile: string,
): void {
  if (entry.kind === "json6902") {
    const matcher = new SelectorMatcher(entry.target!);
    for (const r of resources.resources()) {
      if (!matcher.matches(r)) continue;
      r.storePreviousId();
      r.patches.push({ file: entry.file ?? kfile, line: 1, inline: entry.inline ?? true, ops: entry.ops });
      try {
        r.obj = applyJson6902(r.obj, entry.ops, entry.file) as KObject;
      } catch (e) {
        if (e instanceof SlipwayError)
          throw new SlipwayError(`${e.message} (patching ${r.idString()})`, {
            file: e.file ?? entry.file ?? kfile,
          });
        throw e;
      }
    }
    return;
  }
  for (const [i, doc] of entry.docs.entries()) {
    const line = entry.lines?.[i];
    const record: PatchRecord = {
      file: entry.file ?? kfile,
      line: line ?? 1,
      inline: line === undefined,
      smp: doc,
    };
    let targets: Resource[];
    if (entry.target) {
      const matcher = new SelectorMatcher(entry.target);
      targets = resources.resources().filter((r) => matcher.matches(r));
    } else {
      const md = isMap(doc.metadata) ? doc.metadata : {};
      const apiVersion = typeof doc.apiVersion === "string" ? doc.apiVersion : "";
      const slash = apiVersion.lastIndexOf("/");
      const id = {
        group: slash < 0 ? "" : apiVersion.slice(0, slash),
        version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1),
        kind: typeof doc.kind === "string" ? doc.kind : "",
        name: md.name === undefined || md.name === null ? "" : String(md.name),
        namespace: md.namespace === undefined || md.namespace === null ? "" : String(md.namespace),
      };
      try {
        targets = [resources.getById(id)];
      } catch (e) {
        if (e instanceof SlipwayError) throw new SlipwayError(e.message, { file: entry.file ?? kfile });
        throw e;
      }
    }
    for (const r of targets) {
      r.patches.push(record);
      applySmp(resources, r, doc, entry.options, schema);
    }
  }
}

/** kustomize's Resource.ApplySmPatch: identity is kept unless the options allow a change. */
function applySmp(
  resources: ResMap,
  r: Resource,
  patch: KObject,
  options: PatchOptions,
  schema: SchemaRegistry,
): void {
  const name = r.name;
  const namespace = r.namespace;
  const kind = r.kind;
  if (options.allowNameChange || options.allowKindChange) r.storePreviousId();
  const p = cloneValue(patch);
  p.apiVersion = r.apiVersion;
  if (patch.kind === undefined) p.kind = kind;
  const merged = strategicMergePatch(r.obj, p, undefined, schema);
  if (merged === null || Object.keys(merged).length === 0) {
    resources.remove(r);
    return;
  }
  r.obj = merged;
  if (!options.allowKindChange) r.obj.kind = kind;
  if (!options.allowNameChange) r.setName(name);
  if (namespace === "") {
    const md = r.metadata;
    if (md && "namespace" in md) delete md.namespace;
  } else r.setNamespace(namespace);
}
