/**
 * The bits of Go's reflect that sprig leans on: reflect.DeepEqual, sprig's `empty` (a
 * zero-value test adapted from text/template's isTrue), and treating any slice or array
 * (`[]interface {}`, `[]string`, `[]byte`) as a list of elements.
 */
import {
  elemTypeOf,
  GoInt,
  GoMap,
  type GoValue,
  goKindName,
  goTypeName,
  isGoObject,
} from "../../template/value.js";

/** reflect.DeepEqual over the value model: same dynamic type, then same contents. */
export function deepEqual(a: GoValue, b: GoValue): boolean {
  return equal(a, b, new Map());
}

/**
 * DeepEqual's `visited`: the pairs of maps and lists already being compared, which compare equal
 * when met again. Go keeps it to end cycles; it also makes a list shared twice, forty times over
 * (`$x = list $x $x`), compare in forty steps instead of 2^40.
 */
type Visited = Map<object, Set<object>>;

function seenBefore(a: object, b: object, visited: Visited): boolean {
  const partners = visited.get(a);
  if (partners?.has(b)) return true;
  if (partners === undefined) visited.set(a, new Set([b]));
  else partners.add(b);
  return false;
}

function equal(a: GoValue, b: GoValue, visited: Visited): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === b) return true; // NaN !== NaN, so NaN never gets here
  if (a === null || b === null) return false;
  if (typeof a !== "object" || typeof b !== "object") return false;
  if (goTypeName(a) !== goTypeName(b)) return false;
  if (a instanceof GoInt) return a.value === (b as GoInt).value;
  if (a instanceof GoMap) {
    const m = b as GoMap;
    if (a.size !== m.size) return false;
    if (seenBefore(a, m, visited)) return true;
    for (const [k, v] of a) {
      if (!m.has(k) || !equal(v, m.get(k), visited)) return false;
    }
    return true;
  }
  if (Array.isArray(a)) {
    const l = b as GoValue[];
    if (a.length !== l.length) return false;
    if (seenBefore(a, l, visited)) return true;
    return a.every((x, i) => equal(x, l[i], visited));
  }
  if (a instanceof Uint8Array) {
    const l = b as Uint8Array;
    return a.length === l.length && a.every((x, i) => x === l[i]);
  }
  if (isGoObject(a) && isGoObject(b)) {
    if (a.fmtValue && b.fmtValue) return equal(a.fmtValue(), b.fmtValue(), visited);
    if (a.goString && b.goString) return a.goString() === b.goString();
    const names = a.fieldNames?.() ?? [];
    return names.every((n) => equal(a.field(n) as GoValue, b.field(n) as GoValue, visited));
  }
  return false;
}

/** sprig's `empty`: nil, false, 0, "" and empty collections; structs never; pointers when nil. */
export function isEmpty(v: GoValue): boolean {
  if (v === null || v === undefined) return true;
  switch (typeof v) {
    case "boolean":
      return !v;
    case "string":
      return v.length === 0;
    case "number":
      return v === 0;
  }
  if (v instanceof GoInt) return v.value === 0n;
  if (v instanceof GoMap) return v.size === 0;
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length === 0;
  if (v.fmtValue) return isEmpty(v.fmtValue());
  return false;
}

/**
 * The value reflect sees for a named type with methods (Helm's `.Capabilities.APIVersions`
 * is a []string with a Has method, `.Files` a map): its underlying slice or map.
 */
export function underlying(v: GoValue): GoValue {
  if (isGoObject(v) && v.fmtValue) return v.fmtValue();
  return v;
}

/** Slice or array kind (what sprig's list functions accept). */
export function isList(v: GoValue): v is GoValue[] | Uint8Array {
  return Array.isArray(v) || v instanceof Uint8Array;
}

/** Elements of a slice as interface{} values (a []byte yields uint8s). */
export function listElems(v: GoValue[] | Uint8Array): GoValue[] {
  if (v instanceof Uint8Array) return Array.from(v, (b) => new GoInt("uint8", b));
  return v;
}

/** The element type of a slice value, for results that keep it (sprig's `slice`). */
export function sliceElemType(v: GoValue[] | Uint8Array): string {
  return v instanceof Uint8Array ? "uint8" : elemTypeOf(v);
}

/** reflect.Kind's name, as sprig's error messages print `reflect.TypeOf(x).Kind()`. */
export const kindName = goKindName;
