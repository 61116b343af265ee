import { SlipwayError } from "../../errors.js";
import { pathOfContainer } from "../../secrets/witness.js";
import { type FieldSpec, fieldSpecSelects, visitFieldPath } from "../fieldspec.js";
import { type Gvk, gvkEquals, gvkSelected, isClusterScoped, type ResId } from "../resid.js";
import { effectiveNamespace, type ResMap } from "../resmap.js";
import type { Resource } from "../resource.js";
import { isMap, type YamlValue } from "../types.js";

/** One entry of the deprecated `vars:` field (kustomize's types.Var), with defaults applied. */
export interface VarSpec {
  name: string;
  objRef: Gvk & { name: string; namespace: string };
  /** Dotted path into the referenced object; `metadata.name` unless given. */
  fieldPath: string;
}

const defaultFieldPath = "metadata.name";

function pick(
  v: YamlValue | undefined,
  allowed: string[],
  what: string,
  file?: string,
): Map<string, YamlValue> {
  const out = new Map<string, YamlValue>();
  if (v === undefined || v === null) return out;
  if (!isMap(v)) throw new SlipwayError(`${what} must be a mapping`, { file });
  for (const [k, x] of Object.entries(v)) {
    const canonical = allowed.find((a) => a.toLowerCase() === k.toLowerCase());
    if (!canonical) throw new SlipwayError(`invalid Kustomization: json: unknown field "${k}"`, { file });
    if (x === null) continue;
    if (typeof x === "object" && !isMap(x) && canonical !== "objref" && canonical !== "fieldref") {
      throw new SlipwayError(`${what}.${canonical} must be a string`, { file });
    }
    out.set(canonical, x);
  }
  return out;
}

function str(m: Map<string, YamlValue>, key: string, what: string, file?: string): string {
  const v = m.get(key);
  if (v === undefined) return "";
  if (typeof v !== "string")
    throw new SlipwayError(`json: cannot unmarshal into ${what}.${key} of type string`, { file });
  return v;
}

/** Reads `vars:` of a kustomization (decoded as strictly as kustomize decodes the file). */
export function parseVars(raw: YamlValue | undefined, file?: string): VarSpec[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new SlipwayError("'vars' must be a list", { file });
  return raw.map((entry) => {
    const m = pick(entry, ["name", "objref", "fieldref"], "var", file);
    const ref = pick(
      m.get("objref"),
      ["apiVersion", "group", "version", "kind", "name", "namespace"],
      "objref",
      file,
    );
    const fieldRef = pick(m.get("fieldref"), ["fieldPath"], "fieldref", file);
    const objRef = {
      group: str(ref, "group", "Target", file),
      version: str(ref, "version", "Target", file),
      kind: str(ref, "kind", "Target", file),
      name: str(ref, "name", "Target", file),
      namespace: str(ref, "namespace", "Target", file),
    };
    // kustomize's Target.GVK(): apiVersion, when given, overrides group and version.
    const apiVersion = str(ref, "apiVersion", "Target", file);
    if (apiVersion !== "") {
      const parts = apiVersion.split("/");
      if (parts.length === 2) {
        objRef.group = parts[0]!;
        objRef.version = parts[1]!;
      } else if (parts.length === 1) {
        objRef.version = parts[0]!;
      }
    }
    return {
      name: str(m, "name", "Var", file),
      objRef,
      fieldPath: str(fieldRef, "fieldPath", "FieldSelector", file) || defaultFieldPath,
    };
  });
}

/** `{NAME Kind.version.group {fieldPath}}`, as kustomize prints a var in errors. */
export function varString(v: VarSpec): string {
  const g = v.objRef.group || "[noGrp]";
  const ver = v.objRef.version || "[noVer]";
  const k = v.objRef.kind || "[noKind]";
  return `{${v.name} ${k}.${ver}.${g} {${v.fieldPath}}}`;
}

/**
 * The vars one kustomization knows: its own plus those of every kustomization below it
 * (kustomize's VarSet). Names are unique across the whole tree.
 */
export class VarSet {
  private readonly byName = new Map<string, VarSpec>();

  /** Adds vars, failing on a name seen before (`var 'X' already encountered`). */
  add(vars: Iterable<VarSpec>): void {
    for (const v of vars) {
      if (this.byName.has(v.name)) throw new SlipwayError(`var '${v.name}' already encountered`);
      this.byName.set(v.name, v);
    }
  }
  /** Takes over the vars a sub-kustomization accumulated. */
  mergeSet(other: VarSet): void {
    this.add(other.byName.values());
  }
  /**
   * kustomize's MergeVars, run after a kustomization's own transformers: binds each of its
   * vars to the one resource its objref names (by original id), then adds the vars.
   */
  mergeVars(resources: ResMap, vars: VarSpec[], file?: string): void {
    bindVars(resources, vars, file);
    try {
      this.add(vars);
    } catch (e) {
      throw new SlipwayError((e as Error).message, { file });
    }
  }
  /** Sorted by name, as kustomize resolves them. */
  list(): VarSpec[] {
    return [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  get size(): number {
    return this.byName.size;
  }
}

/**
 * Marks the resource each var refers to (its `refVarNames`), matching the objref against
 * original ids: by gvk and name when the objref has no namespace (and the kind is
 * namespaced), else by gvk, name and namespace. More than one match is an error.
 */
export function bindVars(resources: ResMap, vars: VarSpec[], file?: string): void {
  for (const v of vars) {
    const ref = v.objRef;
    const withNs = ref.namespace !== "" || isClusterScoped(ref);
    const matched = resources.byOriginalId(
      (id: ResId) =>
        gvkEquals(id, ref) &&
        id.name === ref.name &&
        (!withNs || effectiveNamespace(id) === effectiveNamespace({ ...ref })),
    );
    if (matched.length > 1) {
      throw new SlipwayError(
        `merging vars: found ${matched.length} resId matches for var ${varString(v)} (unable to disambiguate)`,
        { file },
      );
    }
    if (matched.length === 1) matched[0]!.refVarNames.push(v.name);
  }
}

/** kyaml's RNode.GetFieldValue: `a.b[0].c` paths; the value keeps its type. */
function fieldValue(
  obj: YamlValue,
  fieldPath: string,
  at: Array<string | number> = [],
): YamlValue | undefined {
  const parts: string[] = [];
  for (const f of fieldPath.split(".")) {
    const m = f.endsWith("]") ? /^(.*)\[(\d+)\]$/.exec(f) : null;
    if (!m) parts.push(f);
    else {
      if (m[1] !== "") parts.push(m[1]!);
      parts.push(m[2]!);
    }
  }
  let cur: YamlValue | undefined = obj;
  for (const raw of parts) {
    const p = raw.trim();
    if (p === "") continue;
    if (cur === undefined || cur === null) return undefined;
    if (/^[-+]?\d+$/.test(p)) {
      const i = Number.parseInt(p, 10);
      if (i < 0) throw new SlipwayError(`array index ${i} cannot be negative`);
      if (!Array.isArray(cur)) throw new SlipwayError(`wrong Node Kind for ${p}: expected SequenceNode`);
      at.push(i);
      cur = cur[i];
    } else if (p.startsWith("[") && p.endsWith("]")) {
      const inner = p.slice(1, -1);
      const eq = inner.indexOf("=");
      if (eq < 0)
        throw new SlipwayError("list path element must contain fieldName=fieldValue for element to match");
      const [k, val] = [inner.slice(0, eq), inner.slice(eq + 1)];
      if (!Array.isArray(cur)) throw new SlipwayError(`wrong Node Kind for ${p}: expected SequenceNode`);
      const i: number = cur.findIndex((e) =>
        k === "" ? !isMap(e) && String(e) === val : isMap(e) && e[k] !== undefined && String(e[k]) === val,
      );
      at.push(i);
      cur = i < 0 ? undefined : cur[i];
    } else {
      if (!isMap(cur)) throw new SlipwayError(`wrong Node Kind for ${p}: expected MappingNode`);
      at.push(p);
      cur = Object.hasOwn(cur, p) ? cur[p] : undefined;
    }
  }
  return cur;
}

/** A var's value, and whether it comes from a secret field. */
function varValue(resources: Resource[], v: VarSpec): { value: YamlValue; secret: boolean } {
  for (const r of resources) {
    if (!r.refVarNames.includes(v.name)) continue;
    let value: YamlValue | undefined;
    const at: Array<string | number> = [];
    try {
      value = fieldValue(r.obj, v.fieldPath, at);
    } catch {
      value = undefined;
    }
    if (value === undefined) {
      throw new SlipwayError(`field specified in var '${varString(v)}' not found in corresponding resource`);
    }
    return { value: value === null ? "" : value, secret: r.secretPaths()?.touches(at) === true };
  }
  throw new SlipwayError(`var '${varString(v)}' cannot be mapped to a field in the set of known resources`);
}

/** Go's `%v` of a decoded YAML value, for a var used inside a longer string. */
function goFormat(v: YamlValue): string {
  if (Array.isArray(v)) return `[${v.map(goFormat).join(" ")}]`;
  if (isMap(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goFormat(v[k]!)}`).join(" ")}]`;
  }
  if (v === null) return "<nil>";
  return String(v);
}

/**
 * Expands `$(NAME)` references in `input` (kubernetes' expansion syntax): `$$` is a literal
 * `$`, unknown names stay as written, and an input that is exactly one reference takes the
 * value with its type.
 */
export function expandVarRefs(input: string, lookup: (name: string) => YamlValue | undefined): YamlValue {
  let out = "";
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== "$" || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const next = input[cursor + 1];
    let advance = 1;
    if (next === "$") {
      out += "$";
    } else if (next === "(") {
      const close = input.indexOf(")", cursor + 2);
      if (close < 0) {
        out += "$(";
      } else {
        const name = input.slice(cursor + 2, close);
        const value = lookup(name);
        const mapped = value === undefined ? `$(${name})` : value;
        if (input === `$(${name})`) return mapped;
        out += goFormat(mapped);
        advance = close - cursor;
      }
    } else {
      out += `$${next}`;
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

function replaced(s: string, lookup: (name: string) => YamlValue | undefined): YamlValue {
  const v = expandVarRefs(s, lookup);
  if (isMap(v) || Array.isArray(v)) {
    throw new SlipwayError(`var reference '${s}' names a map or list, which cannot replace a string`);
  }
  return v;
}

/**
 * kustomize's ResolveVars, run once on the fully built result: computes every var's value
 * from the resource it was bound to, then expands `$(NAME)` in the string fields the
 * varReference field specs name (strings in maps and lists there too).
 */
export function resolveVars(resources: ResMap, vars: VarSpec[] | VarSet, fieldSpecs: FieldSpec[]): void {
  const list = vars instanceof VarSet ? vars.list() : [...vars].sort((a, b) => (a.name < b.name ? -1 : 1));
  if (list.length === 0) return;
  const all = resources.resources();
  const values = new Map<string, YamlValue>();
  const secretVars = new Set<string>();
  for (const v of list) {
    const { value, secret } = varValue(all, v);
    values.set(v.name, value);
    if (secret) secretVars.add(v.name);
  }
  for (const r of all) {
    const gvk = r.gvk();
    const orgGvk = r.orgId();
    // A field into which a secret var was expanded is secret (marked once the walk is done).
    const written: Array<{ container: object; key: string | number }> = [];
    const expand = (container: object, key: string | number, s: string): YamlValue => {
      let usesSecret = false;
      const out = replaced(s, (name) => {
        if (secretVars.has(name)) usesSecret = true;
        return values.get(name);
      });
      if (usesSecret) written.push({ container, key });
      return out;
    };
    for (const fs of fieldSpecs) {
      if (!gvkSelected(orgGvk, fs) || !fieldSpecSelects(fs, gvk)) continue;
      visitFieldPath(r.obj, fs.path, { create: false, describe: r.idString() }, (parent, key) => {
        const p = parent as Record<string | number, YamlValue>;
        const node = p[key];
        if (node === undefined || node === null) return;
        if (typeof node === "string") p[key] = expand(p, key, node);
        else if (Array.isArray(node)) {
          for (const [i, item] of node.entries()) {
            if (typeof item !== "string") {
              throw new SlipwayError(
                `considering field '${fs.path}' of object ${r.idString()}: invalid value type expect a string`,
              );
            }
            node[i] = expand(node, i, item);
          }
        } else if (isMap(node)) {
          for (const [k, v] of Object.entries(node)) if (typeof v === "string") node[k] = expand(node, k, v);
        }
      });
    }
    for (const w of written) {
      const at = pathOfContainer(r.obj, w.container);
      if (at) r.markSecret([...at, w.key]);
    }
  }
}
