/**
 * Go values as Go's text/template (and Helm's and sprig's functions) see them.
 *
 * Helm hands templates Go values: YAML values are decoded through JSON (sigs.k8s.io/yaml),
 * so every number from a values file is a float64 and every mapping a
 * map[string]interface{}; literals in templates, `--set` numbers and many sprig results
 * are Go integers of a specific kind. Printing, comparison (`eq 1 1.0` fails), `printf`
 * verbs and `typeOf` all depend on the dynamic Go type, so the JavaScript representation
 * keeps it:
 *
 * | Go                                  | JavaScript                                     |
 * |-------------------------------------|------------------------------------------------|
 * | invalid reflect.Value ("no value")  | `undefined` (missing map key, missing field)   |
 * | nil (untyped, nil interface)        | `null`                                         |
 * | bool                                | `boolean`                                      |
 * | string                              | `string` (UTF-16 here; Go strings are bytes:   |
 * |                                     |  len/slice/printf work on the UTF-8 encoding)  |
 * | float64                             | `number`                                       |
 * | int, int8…int64, uint…uint64        | `GoInt` (kind + bigint value, wraps like Go)   |
 * | map[string]T (any named map type)   | `GoMap` (a Map with its Go type name)          |
 * | []T                                 | JavaScript array; element type via `sliceOf`   |
 * | []byte                              | `Uint8Array`                                   |
 * | structs, pointers, time.Time, …     | `GoObject` (fields and methods by name)        |
 *
 * Maps are `Map`s, never plain objects, so a key such as `__proto__` or `constructor`
 * from a hostile values file is just a key.
 */

import { sortGoStrings } from "../../go/compare.js";

export type GoValue =
  | undefined
  | null
  | boolean
  | string
  | number
  | GoInt
  | GoMap
  | GoValue[]
  | Uint8Array
  | GoObject;

export type IntKind =
  | "int"
  | "int8"
  | "int16"
  | "int32"
  | "int64"
  | "uint"
  | "uint8"
  | "uint16"
  | "uint32"
  | "uint64";

const INT_BITS: Record<IntKind, { bits: number; signed: boolean }> = {
  int: { bits: 64, signed: true },
  int8: { bits: 8, signed: true },
  int16: { bits: 16, signed: true },
  int32: { bits: 32, signed: true },
  int64: { bits: 64, signed: true },
  uint: { bits: 64, signed: false },
  uint8: { bits: 8, signed: false },
  uint16: { bits: 16, signed: false },
  uint32: { bits: 32, signed: false },
  uint64: { bits: 64, signed: false },
};

/** A Go integer of a definite kind. The value is already wrapped to the kind's width. */
export class GoInt {
  readonly kind: IntKind;
  readonly value: bigint;

  constructor(kind: IntKind, value: bigint | number) {
    const v = typeof value === "bigint" ? value : BigInt(Math.trunc(value));
    const { bits, signed } = INT_BITS[kind];
    this.kind = kind;
    this.value = signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
  }

  isSigned(): boolean {
    return INT_BITS[this.kind].signed;
  }

  toNumber(): number {
    return Number(this.value);
  }

  toString(): string {
    return this.value.toString();
  }
}

const SMALL_INTS: GoInt[] = [];

/**
 * Shorthands for the two kinds that appear most. `goInt` of a small non-negative number is
 * shared (GoInts are immutable), which saves allocations in loops and `len`.
 */
export const goInt = (v: bigint | number): GoInt => {
  if (typeof v === "number" && v >= 0 && v < 1024 && Number.isInteger(v)) {
    let g = SMALL_INTS[v];
    if (g === undefined) SMALL_INTS[v] = g = new GoInt("int", v);
    return g;
  }
  return new GoInt("int", v);
};
export const goInt64 = (v: bigint | number): GoInt => new GoInt("int64", v);

/**
 * A map whose contents a cache has taken as they are (toYaml's, src/helm/funcs/go/to-yaml.ts):
 * `id` names the map in the cache's keys and `height` is how deep maps and lists nest in it (0:
 * none inside), both valid while `generation` is watchedMaps.generation. A change to a watched
 * map moves the generation on, which ends every watch at once and tells the cache to forget
 * what it holds. Lists need no watch: no function changes a list in place.
 */
export interface MapWatch {
  generation: number;
  id: number;
  height: number;
}

export const watchedMaps = { generation: 0 };

const mapSet = Map.prototype.set;

/** The Go type name of a plain decoded mapping. */
export const MAP_TYPE = "map[string]interface {}";

/**
 * A Go map with string keys. `goType` is what `typeOf` prints: `map[string]interface {}`
 * for decoded YAML/JSON and sprig's `dict`, `common.Values` for `.Values`,
 * `map[string]string` for sprig's `split`.
 */
export class GoMap extends Map<string, GoValue> {
  // Declared, and set by the constructor: a field with an initializer is defined by a separate
  // initializer function after super() (one more call per map; a release makes over a thousand).
  declare goType: string;
  /** Set while a cached result stands for this map's contents (see MapWatch). */
  declare watch: MapWatch | null;

  constructor(entries?: Iterable<readonly [string, GoValue]> | null, goType: string = MAP_TYPE) {
    // Filled by a loop: Map's constructor fills a subclass through its generic path, which
    // looks up and calls `set` per entry (~1.6× slower for the small maps templates make).
    super();
    this.goType = goType;
    this.watch = null;
    // A Map (copies) by forEach: an unoptimized for-of with [k, v] steps two iterators per entry.
    // Map's own set: nothing watches a map being made (GoMap.set's check is one more call).
    if (entries instanceof Map) {
      entries.forEach((v: GoValue, k: string) => {
        mapSet.call(this, k, v);
      });
    } else if (entries) for (const [k, v] of entries) mapSet.call(this, k, v);
  }

  override set(key: string, value: GoValue): this {
    // Setting a key to the value it holds changes nothing (charts `set` a name again and again).
    if (
      this.watch !== null &&
      this.watch.generation === watchedMaps.generation &&
      !(super.has(key) && Object.is(super.get(key), value))
    )
      watchedMaps.generation++;
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    if (this.watch !== null && this.watch.generation === watchedMaps.generation) watchedMaps.generation++;
    return super.delete(key);
  }

  override clear(): void {
    if (this.watch !== null && this.watch.generation === watchedMaps.generation) watchedMaps.generation++;
    super.clear();
  }

  /** Keys in Go's iteration order for templates (`range`, printing): sorted by byte order. */
  sortedKeys(): string[] {
    return sortGoStrings([...this.keys()]);
  }

  /**
   * Methods of a named map type, which a template reaches before the keys (Go looks up a
   * method first: with common.Values, `.Values.Table "a"` is a call and a key named
   * "Table" is shadowed). Plain maps have none; subclasses for named types override this.
   */
  method(_name: string): GoMethod | undefined {
    return undefined;
  }
}

/**
 * A Go struct, pointer or other named type with fields and methods reachable from a
 * template (`.Capabilities.KubeVersion.Major`, `.Files.Get "x"`, a semver.Version, a
 * time.Time). Field and method lookup is by exact (exported) name, as Go does.
 */
export interface GoObject {
  /** Go type name as `typeOf` prints it, e.g. `*semver.Version`, `time.Time`. */
  readonly goType: string;
  /** `reflect.Kind` as `kindOf` prints it: `struct`, `ptr`, `slice`, … */
  readonly goKind: string;
  /** A field's value, or `NO_FIELD` when the type has no such field. */
  field(name: string): GoValue | typeof NO_FIELD;
  /** A method, or undefined. Methods throw an Error for a non-nil Go error result. */
  method(name: string): GoMethod | undefined;
  /** fmt's Stringer/error: how `{{ . }}` and `%v` print it. Absent: printed as a struct. */
  goString?(): string;
  /**
   * The String method has a pointer receiver on a struct value (Helm's
   * `func (kv *KubeVersion) String()`): `{{ .Capabilities.KubeVersion }}` uses it (the
   * template prints the addressable field), but fmt's verbs get a copy and print the struct
   * (`printf "%v"` → `{v1.35.0 v1.35.0 1 35}`).
   */
  stringerNeedsAddress?: boolean;
  /** Field names in declaration order, for printing `{a b}` and `%+v` (unexported ones too). */
  fieldNames?(): string[];
  /** A field's value for printing, unexported fields included (default: `field`). */
  fmtField?(name: string): GoValue;
  /**
   * For named non-struct types (Helm's `files` is a `map[string][]byte` with methods): the
   * underlying value that fmt prints and `range`/`index`/`len` see. Absent for structs.
   */
  fmtValue?(): GoValue;
  /**
   * encoding/json's view of a struct (toJson, toYaml): its exported fields under their JSON
   * names, in declaration order. Absent: `fieldNames` and `field`.
   */
  jsonFields?(): [string, GoValue][];
}

export const NO_FIELD: unique symbol = Symbol("no field");

export interface GoMethod {
  /** Parameter types in Go syntax (`string`, `int`, `...interface {}`); see `GoFunc`. */
  params: string[];
  variadic?: boolean;
  call(args: GoValue[]): GoValue;
}

export function isGoObject(v: unknown): v is GoObject {
  return (
    typeof v === "object" &&
    v !== null &&
    !(v instanceof GoMap) &&
    typeof (v as GoObject).method === "function" &&
    "goType" in v
  );
}

/**
 * The element types of typed Go slices (`[]string`, `[]int`); an array not in here is a
 * []interface {}. Kept beside the arrays, not on them: Object.defineProperty on an array is slow
 * in V8 (a symbol-keyed tag cost a render worker ~9 ms for ~2,300 slices in the cold check of
 * bjw-s home-ops), and a plain symbol property would be enumerable (Object.assign, test equality).
 */
const elemTypes = new WeakMap<GoValue[], string>();
const ANY_SLICE_ELEM = "interface {}";

/** Marks an array as a typed Go slice (`[]string`, `[]int`), for `typeOf` and assignability. */
export function sliceOf<T extends GoValue[]>(items: T, elemType: string): T {
  if (elemType === ANY_SLICE_ELEM) elemTypes.delete(items);
  else elemTypes.set(items, elemType);
  return items;
}

/** The element type of a slice: `interface {}` unless tagged by `sliceOf`. */
export function elemTypeOf(items: GoValue[]): string {
  return elemTypes.get(items) ?? ANY_SLICE_ELEM;
}

/** Go's type name for a value, as sprig's `typeOf` prints it (`%T`). */
export function goTypeName(v: GoValue): string {
  if (v === undefined || v === null) return "<nil>";
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "string":
      return "string";
    case "number":
      return "float64";
  }
  if (v instanceof GoInt) return v.kind;
  if (v instanceof GoMap) return v.goType;
  if (Array.isArray(v)) return `[]${elemTypeOf(v)}`;
  if (v instanceof Uint8Array) return "[]uint8";
  return v.goType;
}

/** Go's reflect.Kind name, as sprig's `kindOf` prints it. */
export function goKindName(v: GoValue): string {
  if (v === undefined || v === null) return "invalid";
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "string":
      return "string";
    case "number":
      return "float64";
  }
  if (v instanceof GoInt) return v.kind;
  if (v instanceof GoMap) return "map";
  if (Array.isArray(v) || v instanceof Uint8Array) return "slice";
  return v.goKind;
}

/**
 * text/template's truth: false, 0, nil, and empty strings, slices and maps are false;
 * structs are always true. (exec.go isTrue)
 */
export function isTrue(v: GoValue): boolean {
  if (v === undefined || v === null) return false;
  switch (typeof v) {
    case "boolean":
      return v;
    case "string":
      return v.length > 0;
    case "number":
      return v !== 0;
  }
  if (v instanceof GoInt) return v.value !== 0n;
  if (v instanceof GoMap) return v.size > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Uint8Array) return v.length > 0;
  return true;
}

/**
 * A decoded YAML/JSON document (plain JavaScript: objects, arrays, numbers, strings,
 * booleans, null) as Go sees it after `json.Unmarshal` into interface{}: objects become
 * `GoMap`s, numbers float64.
 */
export function fromJsonValue(v: unknown): GoValue {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(fromJsonValue);
  if (typeof v === "object") {
    // Keys, not entries, and Map's own set (nothing watches a map being made): a release's
    // values were converted through a [key, value] pair per entry, the largest allocation
    // of a warm changed-only diff after the cached objects themselves.
    const o = v as Record<string, unknown>;
    const m = new GoMap();
    const keys = Object.keys(o);
    for (let i = 0; i < keys.length; i++) mapSet.call(m, keys[i]!, fromJsonValue(o[keys[i]!]));
    return m;
  }
  if (typeof v === "bigint") return Number(v);
  return v as boolean | string | number;
}

/** Is a Go type name an interface type (for nil assignability and boxing)? */
export function isInterfaceType(t: string): boolean {
  return (
    t === "interface {}" ||
    t === "any" ||
    t.startsWith("interface {") ||
    t === "error" ||
    t === "fmt.Stringer"
  );
}

/** Can an untyped nil be assigned to the type (reflect's canBeNil)? */
export function canBeNil(t: string): boolean {
  return (
    isInterfaceType(t) ||
    t === "reflect.Value" ||
    t.startsWith("map[") ||
    t.startsWith("[]") ||
    t.startsWith("*") ||
    t.startsWith("func(") ||
    t.startsWith("chan ")
  );
}

const INT_KINDS = new Set(Object.keys(INT_BITS));

/**
 * reflect.Zero(type) as a value of this model: "" for string, 0 of the kind for numbers,
 * false, an empty map or slice of the type for maps and slices (Go's nil map/slice prints
 * and ranges the same), and nil (null) for interfaces, pointers and everything else.
 */
export function zeroValue(t: string): GoValue {
  if (t === "string") return "";
  if (t === "bool") return false;
  if (t === "float64" || t === "float32") return 0;
  if (INT_KINDS.has(t)) return new GoInt(t as IntKind, 0n);
  if (t === "[]uint8" || t === "[]byte") return new Uint8Array(0);
  if (t.startsWith("[]")) {
    const elem = t.slice(2);
    return isInterfaceType(elem) ? [] : sliceOf([], elem);
  }
  if (t.startsWith("map[")) return new GoMap(null, t);
  return null;
}
