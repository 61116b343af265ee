/**
 * Plain-scalar resolution as kustomize sees it when it reads a resource: go-yaml v3 rules
 * (YAML 1.2 bools and nulls, ints with 0x/0o/0b and legacy 0777 octal, underscores,
 * `.inf`/`.nan`, timestamps), then the value as `json.Marshal` would carry it: timestamps
 * become RFC 3339 strings, integers stay exact (bigint beyond 2^53).
 */

import { decodeGoBinary, INVALID_BINARY } from "./binary.js";
import { goParseDecimalFloat, goParseInt, goParseUint, intValue, smallDecimal } from "./numbers.js";
import { formatRfc3339Nano, parseGoYamlTimestamp } from "./timestamp.js";

export type ResolvedTag = "str" | "bool" | "null" | "int" | "float" | "timestamp" | "merge";

export interface Resolved {
  tag: ResolvedTag;
  value: string | number | bigint | boolean | null;
}

const SPECIAL: ReadonlyMap<string, Resolved> = new Map<string, Resolved>([
  ...["true", "True", "TRUE"].map((s): [string, Resolved] => [s, { tag: "bool", value: true }]),
  ...["false", "False", "FALSE"].map((s): [string, Resolved] => [s, { tag: "bool", value: false }]),
  ...["", "~", "null", "Null", "NULL"].map((s): [string, Resolved] => [s, { tag: "null", value: null }]),
  ...[".nan", ".NaN", ".NAN"].map((s): [string, Resolved] => [s, { tag: "float", value: Number.NaN }]),
  ...[".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"].map((s): [string, Resolved] => [
    s,
    { tag: "float", value: Number.POSITIVE_INFINITY },
  ]),
  ...["-.inf", "-.Inf", "-.INF"].map((s): [string, Resolved] => [
    s,
    { tag: "float", value: Number.NEGATIVE_INFINITY },
  ]),
  ["<<", { tag: "merge", value: "<<" }],
]);

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
// Go's ParseFloat on text that starts with "." (underscores only between digits).
const DOT_FLOAT = /^\.[0-9]+(_[0-9]+)*([eE][-+]?[0-9]+(_[0-9]+)*)?$/;

/** go-yaml v3 `resolve("", s)` for an untagged plain scalar. */
export function resolvePlain(s: string, allowTimestamp = true): Resolved {
  const special = SPECIAL.get(s);
  if (special) return special;
  const c = s.charCodeAt(0);
  if (c === 0x2e /* . */) {
    if (DOT_FLOAT.test(s)) {
      const f = goParseDecimalFloat(s);
      if (f !== undefined) return { tag: "float", value: f };
    }
    return { tag: "str", value: s };
  }
  const isDigit = c >= 0x30 && c <= 0x39;
  if (!isDigit && c !== 0x2b && c !== 0x2d) return { tag: "str", value: s };
  if (isDigit && allowTimestamp) {
    const t = parseGoYamlTimestamp(s);
    if (t) return { tag: "timestamp", value: formatRfc3339Nano(t) ?? null };
  }
  const plain = s.includes("_") ? s.replace(/_/g, "") : s;
  const small = smallDecimal(plain);
  if (small !== undefined) return { tag: "int", value: small };
  const i = goParseInt(plain);
  if (i !== undefined) return { tag: "int", value: intValue(i) };
  const u = goParseUint(plain);
  if (u !== undefined) return { tag: "int", value: intValue(u) };
  if (YAML_STYLE_FLOAT.test(plain)) {
    const f = goParseDecimalFloat(plain);
    if (f !== undefined) return { tag: "float", value: f };
  }
  return { tag: "str", value: s };
}

const V2_BOOLS: ReadonlyMap<string, boolean> = new Map([
  ...["y", "Y", "yes", "Yes", "YES", "on", "On", "ON"].map((k): [string, boolean] => [k, true]),
  ...["n", "N", "no", "No", "NO", "off", "Off", "OFF"].map((k): [string, boolean] => [k, false]),
]);

/**
 * go-yaml v2 `resolve("", s)` as sigs.k8s.io/yaml.YAMLToJSON uses it (Flux re-reading a
 * substituted object, Helm reading values): YAML 1.1 booleans (`yes`, `on`, `y`, …) on top of
 * v3's rules, and a timestamp stays its own text (v2 hands timestamps to `interface{}` as the
 * original string). Numbers follow the same Go parsers as v3: `.`, `-.`, `._`, `.e1` are text.
 */
export function resolvePlainV2(s: string): Resolved {
  const bool = V2_BOOLS.get(s);
  if (bool !== undefined) return { tag: "bool", value: bool };
  const r = resolvePlain(s);
  return r.tag === "timestamp" ? { tag: "str", value: s } : r;
}

/** Thrown for values go-yaml refuses; the parser adds file and position. */
export class ResolveError extends Error {}

const TAG_NAMES: Record<string, ResolvedTag> = {
  "tag:yaml.org,2002:str": "str",
  "tag:yaml.org,2002:bool": "bool",
  "tag:yaml.org,2002:int": "int",
  "tag:yaml.org,2002:float": "float",
  "tag:yaml.org,2002:timestamp": "timestamp",
  "tag:yaml.org,2002:null": "null",
  "tag:yaml.org,2002:binary": "str",
};

/**
 * A scalar with an explicit tag. go-yaml v3 checks the text against the standard tags it
 * knows (`!!int "12"` is 12, `!!int abc` is an error), decodes `!!binary`, and keeps the text
 * of any other tag as a string.
 */
export function resolveTagged(tag: string, s: string, quoted: boolean): Resolved {
  if (tag === "tag:yaml.org,2002:binary") {
    const value = decodeGoBinary(s);
    if (value === undefined) throw new ResolveError(INVALID_BINARY);
    return { tag: "str", value };
  }
  if (tag === "!") return quoted ? { tag: "str", value: s } : resolvePlain(s);
  const want = TAG_NAMES[tag];
  if (want === undefined || want === "str") return { tag: "str", value: s };
  const r = resolvePlain(s);
  if (want === "null") return r.tag === "null" ? r : { tag: "str", value: s };
  if (r.tag === want) return r;
  if (want === "float" && r.tag === "int") return { tag: "float", value: Number(r.value) };
  throw new ResolveError(`cannot decode !!${r.tag === "merge" ? "merge" : r.tag} \`${s}\` as a !!${want}`);
}
