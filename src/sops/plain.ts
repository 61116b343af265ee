import type { YamlMap, YamlValue } from "../kustomize/types.js";
import { Branch, ByteString, Comment, Sequence, SopsTime, type TreeValue } from "./tree.js";

/**
 * Conversions between the sops tree and Slipway's plain YAML values (for rendering): ints
 * become numbers when exact and bigint otherwise, times and byte strings become strings.
 */
export function toYamlValue(v: TreeValue): YamlValue {
  if (v instanceof Branch) {
    const out: YamlMap = {};
    for (const it of v.items) if (!(it instanceof Comment)) out[it.key] = toYamlValue(it.value);
    return out;
  }
  if (v instanceof Sequence)
    return v.items.filter((x) => !(x instanceof Comment)).map((x) => toYamlValue(x as TreeValue));
  if (typeof v === "bigint")
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  if (v instanceof SopsTime) return v.text;
  if (v instanceof ByteString) return v.bytes.toString("latin1");
  return v;
}

/** The reverse, for callers that build documents in code (numbers: integers → int). */
export function fromYamlValue(v: YamlValue): TreeValue {
  if (Array.isArray(v)) return new Sequence(v.map(fromYamlValue));
  if (v !== null && typeof v === "object") {
    return new Branch(Object.entries(v).map(([key, value]) => ({ key, value: fromYamlValue(value) })));
  }
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  return v;
}
