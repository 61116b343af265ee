import { SlipwayError } from "../../errors.js";
import { GoRegexp } from "../../re2.js";
import type { SecretPaths } from "../../secrets/paths.js";
import { pathOfContainer } from "../../secrets/witness.js";
import { parseYaml } from "../../yaml/index.js";
import { checkYamlNesting } from "../../yaml/limits.js";
import { cloneValue } from "../clone.js";
import type { ResId } from "../resid.js";
import { resIdString } from "../resid.js";
import { effectiveNamespace, type ResMap } from "../resmap.js";
import type { Resource } from "../resource.js";
import { matchesRequirements, parseLabelSelector } from "../selector.js";
import { isMap, type YamlMap, type YamlValue } from "../types.js";

/** kustomize's types.FieldOptions. */
export interface ReplacementOptions {
  delimiter?: string;
  index?: number;
  create?: boolean;
}

/** A resource id pattern: empty parts match anything; name and namespace match exactly. */
export interface ReplacementId {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

export interface ReplacementSelector extends ReplacementId {
  labelSelector?: string;
  annotationSelector?: string;
}

export interface ReplacementSource extends ReplacementId {
  /** Defaults to `metadata.name`. */
  fieldPath?: string;
  options?: ReplacementOptions;
}

export interface ReplacementTarget {
  select: ReplacementSelector;
  reject: ReplacementSelector[];
  /** Defaults to `["metadata.name"]`. */
  fieldPaths: string[];
  options?: ReplacementOptions;
}

export interface ReplacementSpec {
  source: ReplacementSource;
  targets: ReplacementTarget[];
}

/** An item of `replacements:` as written: inline, or `path:` to a file holding one or a list. */
export type ReplacementEntry = { path?: string } | ReplacementSpec;

const defaultFieldPath = "metadata.name";

// ---------------------------------------------------------------------------
// Parsing. kustomize decodes kustomization.yaml strictly (unknown fields are errors,
// names match case-insensitively, as Go's encoding/json does); files named by `path:`
// are decoded leniently.

interface Decoder {
  file?: string;
  strict: boolean;
}

function fields(v: YamlValue, allowed: string[], what: string, d: Decoder): Map<string, YamlValue> {
  if (!isMap(v)) throw new SlipwayError(`${what} must be a mapping`, { file: d.file });
  const out = new Map<string, YamlValue>();
  for (const [k, x] of Object.entries(v)) {
    const canonical = allowed.find((a) => a.toLowerCase() === k.toLowerCase());
    if (!canonical) {
      if (d.strict)
        throw new SlipwayError(`invalid Kustomization: json: unknown field "${k}"`, { file: d.file });
      continue;
    }
    if (x !== null) out.set(canonical, x);
  }
  return out;
}

function str(m: Map<string, YamlValue>, key: string, what: string, d: Decoder): string | undefined {
  const v = m.get(key);
  if (v === undefined) return undefined;
  if (typeof v !== "string") {
    throw new SlipwayError(`json: cannot unmarshal ${jsonKind(v)} into ${what}.${key} of type string`, {
      file: d.file,
    });
  }
  return v;
}

function jsonKind(v: YamlValue): string {
  if (Array.isArray(v)) return "array";
  if (isMap(v)) return "object";
  return typeof v === "boolean" ? "bool" : typeof v === "string" ? "string" : "number";
}

const idKeys = ["group", "version", "kind", "name", "namespace"] as const;

function readId<T extends ReplacementId>(m: Map<string, YamlValue>, what: string, d: Decoder, into: T): T {
  for (const k of idKeys) {
    const s = str(m, k, what, d);
    if (s !== undefined && s !== "") into[k] = s;
  }
  return into;
}

function readOptions(v: YamlValue | undefined, d: Decoder): ReplacementOptions | undefined {
  if (v === undefined) return undefined;
  const m = fields(v, ["delimiter", "index", "encoding", "create"], "options", d);
  const o: ReplacementOptions = {};
  const delimiter = str(m, "delimiter", "FieldOptions", d);
  if (delimiter) o.delimiter = delimiter;
  const index = m.get("index");
  if (index !== undefined) {
    if (typeof index !== "number" || !Number.isInteger(index)) {
      throw new SlipwayError(
        `json: cannot unmarshal ${jsonKind(index)} into FieldOptions.index of type int`,
        {
          file: d.file,
        },
      );
    }
    o.index = index;
  }
  const create = m.get("create");
  if (create !== undefined) {
    if (typeof create !== "boolean") {
      throw new SlipwayError(
        `json: cannot unmarshal ${jsonKind(create)} into FieldOptions.create of type bool`,
        {
          file: d.file,
        },
      );
    }
    o.create = create;
  }
  return o;
}

function readSelector(v: YamlValue, d: Decoder): ReplacementSelector {
  const m = fields(v, [...idKeys, "labelSelector", "annotationSelector"], "selector", d);
  const s = readId<ReplacementSelector>(m, "Selector", d, {});
  const ls = str(m, "labelSelector", "Selector", d);
  if (ls) s.labelSelector = ls;
  const as = str(m, "annotationSelector", "Selector", d);
  if (as) s.annotationSelector = as;
  return s;
}

function readSpec(m: Map<string, YamlValue>, d: Decoder): ReplacementSpec {
  const rawSource = m.get("source");
  const rawTargets = m.get("targets");
  if (rawSource === undefined || rawTargets === undefined) {
    throw new SlipwayError("replacements must specify a source and at least one target", { file: d.file });
  }
  const sm = fields(rawSource, [...idKeys, "fieldPath", "options"], "source", d);
  const source = readId<ReplacementSource>(sm, "SourceSelector", d, {});
  const fp = str(sm, "fieldPath", "SourceSelector", d);
  if (fp) source.fieldPath = fp;
  const so = readOptions(sm.get("options"), d);
  if (so) source.options = so;
  if (!Array.isArray(rawTargets))
    throw new SlipwayError("replacement targets must be a list", { file: d.file });
  const targets = rawTargets.map((t): ReplacementTarget => {
    const tm = fields(t, ["select", "reject", "fieldPaths", "options"], "target", d);
    const sel = tm.get("select");
    if (sel === undefined)
      throw new SlipwayError("target must specify resources to select", { file: d.file });
    const rej = tm.get("reject") ?? [];
    if (!Array.isArray(rej))
      throw new SlipwayError("replacement target reject must be a list", { file: d.file });
    const fps = tm.get("fieldPaths") ?? [];
    if (!Array.isArray(fps) || fps.some((x) => typeof x !== "string")) {
      throw new SlipwayError("replacement target fieldPaths must be a list of strings", { file: d.file });
    }
    const target: ReplacementTarget = {
      select: readSelector(sel, d),
      reject: rej.filter((r) => r !== null).map((r) => readSelector(r, d)),
      fieldPaths: fps as string[],
    };
    const to = readOptions(tm.get("options"), d);
    if (to) target.options = to;
    return target;
  });
  return { source, targets };
}

/**
 * Reads `replacements:` of a kustomization: inline entries, and `path:` entries whose file
 * (read through `loadFile`, relative to the kustomization) holds one replacement or a list.
 */
export function parseReplacements(
  raw: YamlValue,
  file: string,
  loadFile?: (path: string) => string,
): ReplacementSpec[] {
  if (raw === null || raw === undefined) return [];
  if (!Array.isArray(raw)) throw new SlipwayError("'replacements' must be a list", { file });
  const out: ReplacementSpec[] = [];
  const strict: Decoder = { file, strict: true };
  for (const entry of raw) {
    const m = fields(entry, ["path", "source", "targets"], "replacement", strict);
    const path = str(m, "path", "ReplacementField", strict);
    if (path) {
      if (m.has("source") || m.has("targets")) {
        throw new SlipwayError("cannot specify both path and inline replacement", { file });
      }
      if (!loadFile) throw new SlipwayError(`cannot load replacement file '${path}'`, { file });
      out.push(...parseReplacementFile(loadFile(path), path));
    } else {
      out.push(readSpec(m, strict));
    }
  }
  return out;
}

/** A replacement file: one replacement, or a list of them. */
export function parseReplacementFile(content: string, file: string): ReplacementSpec[] {
  let doc: YamlValue;
  try {
    checkYamlNesting(content, file);
    // sigs.k8s.io/yaml.Unmarshal: go-yaml v2 scalars (`create: yes` is true), first document.
    doc = parseYaml(content, file, { allowDuplicateKeys: true, yamlToJson: true });
  } catch (e) {
    throw new SlipwayError(`invalid replacement file: ${(e as Error).message}`, { file });
  }
  const lenient: Decoder = { file, strict: false };
  if (Array.isArray(doc))
    return doc.map((r) => readSpec(fields(r, ["source", "targets"], "replacement", lenient), lenient));
  if (doc === null || doc === undefined) {
    throw new SlipwayError("replacements must specify a source and at least one target", { file });
  }
  return [readSpec(fields(doc, ["source", "targets"], "replacement", lenient), lenient)];
}

// ---------------------------------------------------------------------------
// Selection, as kustomize's ResId.IsSelectedBy: exact name, effective namespace, gvk parts.

function idSelected(id: ResId, sel: ReplacementId): boolean {
  if (sel.name && sel.name !== id.name) return false;
  if (
    sel.namespace &&
    effectiveNamespace({ group: sel.group ?? "", kind: sel.kind ?? "", namespace: sel.namespace }) !==
      effectiveNamespace(id)
  )
    return false;
  if (sel.group && sel.group !== id.group) return false;
  if (sel.version && sel.version !== id.version) return false;
  if (sel.kind && sel.kind !== id.kind) return false;
  return true;
}

function idIsEmpty(sel: ReplacementId): boolean {
  return !sel.name && !sel.namespace && !sel.group && !sel.version && !sel.kind;
}

function allIds(r: Resource): ResId[] {
  return [r.curId(), ...r.previousIds()];
}

function selectorString(sel: ReplacementId): string {
  return resIdString({
    group: sel.group ?? "",
    version: sel.version ?? "",
    kind: sel.kind || "[noKind]",
    name: sel.name || "[noName]",
    namespace: sel.namespace ?? "",
  });
}

function matchesLabelsAndAnnotations(r: Resource, sel: ReplacementSelector): boolean {
  if (sel.labelSelector && !matchesRequirements(parseLabelSelector(sel.labelSelector), r.labels()))
    return false;
  if (
    sel.annotationSelector &&
    !matchesRequirements(parseLabelSelector(sel.annotationSelector), r.annotations())
  ) {
    return false;
  }
  return true;
}

function isTarget(r: Resource, t: ReplacementTarget): boolean {
  if (!matchesLabelsAndAnnotations(r, t.select)) return false;
  for (const rej of t.reject) {
    if (!rej.labelSelector && !rej.annotationSelector) continue;
    if (matchesLabelsAndAnnotations(r, rej)) return false;
  }
  const ids = allIds(r);
  if (!ids.some((id) => idSelected(id, t.select))) return false;
  return !t.reject.some((rej) => !idIsEmpty(rej) && ids.some((id) => idSelected(id, rej)));
}

// ---------------------------------------------------------------------------
// Values. A scalar keeps its YAML tag and text separately, because kustomize copies
// only the text into an existing scalar (whose tag stays) and lets a created field's
// type be resolved from the text.

type Tag = "str" | "int" | "float" | "bool" | "null";
type Value = { scalar: true; tag: Tag; text: string } | { scalar: false; node: YamlMap | YamlValue[] };

function tagOf(v: YamlValue): Tag {
  if (v === null) return "null";
  if (typeof v === "string") return "str";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int";
  return Number.isInteger(v as number) ? "int" : "float";
}

function scalarText(v: YamlValue): string {
  if (v === null) return "null";
  return String(v);
}

const yamlFloat = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** Plain-scalar resolution as go-yaml v3 does it (YAML 1.2 core schema, plus `0777` octals). */
export function resolvePlainScalar(text: string): { tag: Tag; value: YamlValue } {
  switch (text) {
    case "":
    case "~":
    case "null":
    case "Null":
    case "NULL":
      return { tag: "null", value: null };
    case "true":
    case "True":
    case "TRUE":
      return { tag: "bool", value: true };
    case "false":
    case "False":
    case "FALSE":
      return { tag: "bool", value: false };
    case ".inf":
    case ".Inf":
    case ".INF":
    case "+.inf":
    case "+.Inf":
    case "+.INF":
      return { tag: "float", value: Number.POSITIVE_INFINITY };
    case "-.inf":
    case "-.Inf":
    case "-.INF":
      return { tag: "float", value: Number.NEGATIVE_INFINITY };
    case ".nan":
    case ".NaN":
    case ".NAN":
      return { tag: "float", value: Number.NaN };
  }
  const plain = text.replaceAll("_", "");
  const int = parseGoInt(plain);
  if (int !== undefined) return { tag: "int", value: int };
  if (yamlFloat.test(plain)) return { tag: "float", value: Number.parseFloat(plain) };
  const m = /^([-+]?)0o([0-7]+)$/.exec(plain);
  if (m) return { tag: "int", value: toNumber(BigInt(`0o${m[2]}`) * (m[1] === "-" ? -1n : 1n)) };
  return { tag: "str", value: text };
}

function toNumber(b: bigint): number | bigint {
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

/** Go's strconv.ParseInt(s, 0, 64) (or ParseUint): decimal, 0x, 0b, 0o and leading-0 octal. */
function parseGoInt(s: string): number | bigint | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  let digits = m[2]!;
  if (/^0[0-7]+$/.test(digits)) digits = `0o${digits.slice(1)}`;
  let b = BigInt(digits.toLowerCase());
  if (m[1] === "-") b = -b;
  if (b > 18446744073709551615n || b < -9223372036854775808n) return undefined;
  return toNumber(b);
}

/** go-yaml's decoding of a scalar whose tag is `tag` and text `text`; "" means untagged. */
function decodeScalar(tag: Tag | "", text: string): YamlValue {
  if (tag === "str") return text;
  const r = resolvePlainScalar(text);
  if (tag === "" || r.tag === tag) return r.value;
  if (tag === "float" && r.tag === "int") return Number(r.value);
  // Our numbers do not remember `2.0` vs `2`: accept a float into a whole-number field.
  if (tag === "int" && r.tag === "float") return r.value;
  throw new SlipwayError(`cannot decode !!${r.tag} \`${text}\` as a !!${tag}`);
}

function valueFrom(v: YamlValue): Value {
  if (isMap(v) || Array.isArray(v)) return { scalar: false, node: v };
  return { scalar: true, tag: tagOf(v), text: scalarText(v) };
}

function valueText(v: Value): string {
  return v.scalar ? v.text : "";
}

function valueNode(v: Value): YamlValue {
  return v.scalar ? decodeScalar(v.tag, v.text) : cloneValue(v.node);
}

function isNilOrEmpty(v: YamlValue | undefined): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  return isMap(v) && Object.keys(v).length === 0;
}

// ---------------------------------------------------------------------------
// Paths.

/** kyaml's SmarterPathSplitter: `\.` escapes a dot; `[k=v.w]` stays whole; `[a.b]` names a key. */
export function splitReplacementPath(path: string): string[] {
  const raw = path.split(".");
  const parts: string[] = [raw[0]!];
  for (let i = 1; i < raw.length; i++) {
    const last = parts.length - 1;
    if (parts[last]!.endsWith("\\")) parts[last] = `${parts[last]!.slice(0, -1)}.${raw[i]}`;
    else parts.push(raw[i]!);
  }
  const joined: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.startsWith("[") && !p.endsWith("]")) {
      const group = [p];
      while (i < parts.length - 1) {
        i++;
        group.push(parts[i]!);
        if (parts[i]!.endsWith("]")) break;
      }
      joined.push(group.join("."));
    } else {
      joined.push(p);
    }
  }
  return joined.map((p) => (p.startsWith("[") && p.endsWith("]") && !p.includes("=") ? p.slice(1, -1) : p));
}

function isListIndex(p: string): boolean {
  return p.startsWith("[") && p.endsWith("]");
}

function splitIndexNameValue(p: string): [string, string] {
  const inner = p.slice(1, -1);
  const eq = inner.indexOf("=");
  if (eq < 0)
    throw new SlipwayError("list path element must contain fieldName=fieldValue for element to match");
  return [inner.slice(0, eq), inner.slice(eq + 1)];
}

function goAtoi(p: string): number | undefined {
  return /^[-+]?[0-9]+$/.test(p) ? Number.parseInt(p, 10) : undefined;
}

function kindName(v: YamlValue | undefined): string {
  if (Array.isArray(v)) return "SequenceNode";
  if (isMap(v)) return "MappingNode";
  return "ScalarNode";
}

function wrongKind(expected: string, v: YamlValue | undefined): SlipwayError {
  return new SlipwayError(`wrong Node Kind for expected: ${expected} was ${kindName(v)}`);
}

/** kyaml's PathGetter (no create): the source side of a replacement. `at` receives its path. */
function lookupSource(
  root: YamlValue,
  path: string[],
  at: Array<string | number> = [],
): YamlValue | undefined {
  let cur: YamlValue | undefined = root;
  for (const raw of path) {
    const part = raw.trim();
    if (part === "") continue;
    if (cur === null || cur === undefined) return undefined;
    const idx = goAtoi(part);
    if (idx !== undefined || part === "-") {
      if (idx !== undefined && idx < 0) throw new SlipwayError(`array index ${idx} cannot be negative`);
      if (!Array.isArray(cur)) throw wrongKind("SequenceNode", cur);
      const i: number = part === "-" ? cur.length - 1 : idx!;
      at.push(i);
      cur = cur[i];
    } else if (isListIndex(part)) {
      const [k, v] = splitIndexNameValue(part);
      if (!Array.isArray(cur)) throw wrongKind("SequenceNode", cur);
      const i: number =
        k === ""
          ? cur.findIndex((e) => !isMap(e) && !Array.isArray(e) && e !== null && scalarText(e) === v)
          : cur.findIndex((e) => isMap(e) && e[k] !== undefined && e[k] !== null && plainText(e[k]) === v);
      at.push(i);
      cur = i < 0 ? undefined : cur[i];
    } else {
      if (!isMap(cur)) throw wrongKind("MappingNode", cur);
      at.push(part);
      cur = Object.hasOwn(cur, part) ? cur[part] : undefined;
    }
  }
  return cur;
}

/** A scalar's text; containers have none (kyaml compares `Node.Value`, which is empty for them). */
function plainText(v: YamlValue): string {
  return isMap(v) || Array.isArray(v) ? "" : scalarText(v);
}

/** A place a value can be written to, and whether it was just created (untagged). */
interface Slot {
  parent: YamlMap | YamlValue[];
  key: string | number;
  fresh: boolean;
}

type CreateKind = "scalar" | "map" | "seq" | undefined;

function newNodeFor(nextPart: string | undefined, create: Exclude<CreateKind, undefined>): YamlValue {
  if (nextPart === undefined) return create === "map" ? {} : create === "seq" ? [] : null;
  if (isListIndex(nextPart)) return [];
  const idx = goAtoi(nextPart);
  if (idx !== undefined && idx >= 0) return [];
  return {};
}

/** kyaml's PathMatcher: every place `path` reaches, descending into all matching list items. */
function matchTargets(slot: Slot, path: string[], create: CreateKind, out: Slot[]): void {
  if (path.length === 0) {
    out.push(slot);
    return;
  }
  const node = slot.parent[slot.key as never] as YamlValue;
  const part = path[0]!;
  const rest = path.slice(1);
  const idx = goAtoi(part);
  if (idx !== undefined && idx >= 0) {
    let list = node;
    if (list === null && create) {
      list = [];
      (slot.parent as Record<string | number, YamlValue>)[slot.key] = list;
    }
    if (list !== null && !Array.isArray(list)) throw wrongKind("SequenceNode", list);
    const elems = list ?? [];
    const appended = elems.length === idx && !!create;
    if (appended) elems.push(newNodeFor(rest[0], create));
    if (elems.length < idx + 1)
      throw new SlipwayError(`index ${idx} specified but only ${elems.length} elements found`);
    matchTargets(
      { parent: elems, key: idx, fresh: appended && rest.length === 0 && create === "scalar" },
      rest,
      create,
      out,
    );
    return;
  }
  if (isListIndex(part)) {
    const [field, pattern] = splitIndexNameValue(part);
    let re: GoRegexp;
    try {
      re = GoRegexp.compile(pattern);
    } catch (e) {
      throw new SlipwayError((e as Error).message);
    }
    let list = node;
    if (list === null) {
      if (!create) return;
      list = [];
      (slot.parent as Record<string | number, YamlValue>)[slot.key] = list;
    }
    if (!Array.isArray(list)) throw wrongKind("SequenceNode", list);
    const matched = list.flatMap((e, i) => {
      if (field === "")
        return e !== null && !isMap(e) && !Array.isArray(e) && re.test(scalarText(e)) ? [i] : [];
      if (!isMap(e)) return [];
      const fv = e[field];
      return fv !== undefined && fv !== null && re.test(plainText(fv).trim()) ? [i] : [];
    });
    const before = out.length;
    for (const i of matched) matchTargets({ parent: list, key: i, fresh: false }, rest, create, out);
    if (out.length > before || !create) return;
    list.push(field === "" ? pattern : { [field]: pattern });
    matchTargets({ parent: list, key: list.length - 1, fresh: false }, rest, create, out);
    return;
  }
  if (part === "*") {
    if (node === null) return;
    if (!Array.isArray(node)) throw wrongKind("SequenceNode", node);
    for (let i = 0; i < node.length; i++)
      matchTargets({ parent: node, key: i, fresh: false }, rest, create, out);
    return;
  }
  let map = node;
  if (map === null) {
    if (!create) return;
    map = {};
    (slot.parent as Record<string | number, YamlValue>)[slot.key] = map;
  }
  if (!isMap(map)) throw wrongKind("MappingNode", map);
  let fresh = false;
  if (!Object.hasOwn(map, part)) {
    if (!create) return;
    map[part] = newNodeFor(rest[0], create);
    fresh = rest.length === 0 && create === "scalar";
  }
  matchTargets({ parent: map, key: part, fresh }, rest, create, out);
}

// ---------------------------------------------------------------------------

/** The source value, and which of it is secret (relative to the value; `[]`: all of it). */
function sourceValue(resources: Resource[], spec: ReplacementSpec): { value: Value; secrets?: SecretPaths } {
  const src = spec.source;
  const matches: Resource[] = [];
  for (const r of resources) {
    if (!allIds(r).some((id) => idSelected(id, src))) continue;
    if (matches.length > 0) throw new SlipwayError(`multiple matches for selector ${selectorString(src)}`);
    matches.push(r);
  }
  if (matches.length === 0) throw new SlipwayError(`nothing selected by ${selectorString(src)}`);
  const fieldPath = src.fieldPath || defaultFieldPath;
  let found: YamlValue | undefined;
  const at: Array<string | number> = [];
  try {
    found = lookupSource(matches[0]!.obj, splitReplacementPath(fieldPath), at);
  } catch (e) {
    throw new SlipwayError(`error looking up replacement source: ${(e as Error).message}`);
  }
  if (isNilOrEmpty(found)) {
    throw new SlipwayError(
      `fieldPath \`${fieldPath}\` is missing for replacement source ${selectorString(src)}`,
    );
  }
  const value = valueFrom(found!);
  const marked = matches[0]!.secretPaths();
  const secrets = marked?.touches(at) ? marked.under(at) : undefined;
  const opts = src.options;
  if (!opts?.delimiter) return { value, secrets };
  if (!value.scalar) throw new SlipwayError("delimiter option can only be used with scalar nodes");
  const parts = value.text.split(opts.delimiter);
  const index = opts.index ?? 0;
  if (index >= parts.length || index < 0) {
    // A secret source is not quoted.
    const shown = secrets ? "(a secret value)" : value.text;
    throw new SlipwayError(`options.index ${index} is out of bounds for value ${shown}`);
  }
  return { value: { ...value, text: parts[index]! }, secrets };
}

function writeValue(slot: Slot, value: Value, opts: ReplacementOptions | undefined, secret: boolean): void {
  const target = slot.parent[slot.key as never] as YamlValue;
  const targetIsScalar = slot.fresh || !(isMap(target) || Array.isArray(target));
  let v = value;
  if (opts?.delimiter) {
    if (!targetIsScalar) throw new SlipwayError("delimiter option can only be used with scalar nodes");
    const parts = (slot.fresh ? "" : plainText(target)).split(opts.delimiter);
    const index = opts.index ?? 0;
    const text = valueText(value);
    if (index < 0) parts.unshift(text);
    else if (index >= parts.length) parts.push(text);
    else parts[index] = text;
    v = value.scalar
      ? { ...value, text: parts.join(opts.delimiter) }
      : { scalar: true, tag: "str", text: parts.join(opts.delimiter) };
  }
  const p = slot.parent as Record<string | number, YamlValue>;
  if (targetIsScalar) p[slot.key] = decodeTarget(slot.fresh ? "" : tagOf(target), valueText(v), secret);
  else p[slot.key] = valueNode(v);
}

/**
 * decodeScalar for a target field; a secret source is not quoted (kustomize quotes the text:
 * \`cannot decode !!str \`<the password>\` as a !!int\` for a Secret's value written into
 * `replicas`), as for options.index below.
 */
function decodeTarget(tag: Tag | "", text: string, secret: boolean): YamlValue {
  try {
    return decodeScalar(tag, text);
  } catch (e) {
    if (!secret || !(e instanceof SlipwayError)) throw e;
    throw new SlipwayError(e.message.replace(/`[^`]*`/, "(a secret value)"));
  }
}

function applyToTarget(r: Resource, value: Value, t: ReplacementTarget, secrets?: SecretPaths): void {
  const create: CreateKind = t.options?.create
    ? value.scalar
      ? "scalar"
      : Array.isArray(value.node)
        ? "seq"
        : "map"
    : undefined;
  const fieldPaths = t.fieldPaths.length > 0 ? t.fieldPaths : [defaultFieldPath];
  for (const fp of fieldPaths) {
    const what = create ? "unable to find or create field" : "unable to find field";
    const slots: Slot[] = [];
    const root = { root: r.obj as YamlValue };
    try {
      matchTargets({ parent: root, key: "root", fresh: false }, splitReplacementPath(fp), create, slots);
    } catch (e) {
      throw new SlipwayError(`${what} ${JSON.stringify(fp)} in replacement target: ${(e as Error).message}`);
    }
    if (slots.length === 0) throw new SlipwayError(`${what} ${JSON.stringify(fp)} in replacement target`);
    for (const s of slots) {
      writeValue(s, value, t.options, secrets !== undefined);
      if (secrets) markWritten(r, root, s, value.scalar || t.options?.delimiter ? undefined : secrets);
    }
  }
}

/** The value written at `slot` came from a secret field: mark it (`inner`: only these parts of it). */
function markWritten(
  r: Resource,
  root: { root: YamlValue },
  slot: Slot,
  inner: SecretPaths | undefined,
): void {
  const parent = slot.parent === (root as unknown) ? [] : pathOfContainer(r.obj, slot.parent);
  if (parent === undefined) return;
  const at = slot.parent === (root as unknown) ? [] : [...parent, slot.key];
  if (!inner || inner.covers([])) r.markSecret(at);
  else r.markSecrets(inner, at);
}

/**
 * kustomize's ReplacementTransformer: copies a field of the one source resource into the
 * fields of every selected target, in order. Sources and targets are matched by their
 * current or any previous id.
 */
export function applyReplacements(resources: ResMap, replacements: ReplacementSpec[], file?: string): void {
  const list = resources.resources();
  for (const spec of replacements) {
    try {
      const { value, secrets } = sourceValue(list, spec);
      for (const t of spec.targets) {
        for (const r of list) if (isTarget(r, t)) applyToTarget(r, value, t, secrets);
      }
    } catch (e) {
      if (e instanceof SlipwayError && !e.file && file) throw e.withContext(e.message, { file });
      throw e;
    }
  }
}
