import { compareGoStrings } from "../go/compare.js";
import { quote as goQuote } from "../helm/template/quote.js";
import { type GoStruct, type GoType, goTypeName } from "./kustomization-schema.js";
import { isMap, type YamlMap, type YamlValue } from "./types.js";

/** The first error encoding/json saved while decoding, and the top-level field it was under. */
export interface GoJsonDecodeError {
  message: string;
  field?: string;
}

export type GoJsonDecoded = { value: YamlValue } | { error: GoJsonDecodeError };

/**
 * What `json.NewDecoder(…).DisallowUnknownFields().Decode(&v)` makes of a value that went through
 * sigs.k8s.io/yaml.YAMLToJSON (so its maps' keys come in sorted order): the value as the struct
 * holds it (fields under their tag names however the file cased them, nulls dropped or zeroed
 * as Go leaves them), or the first error the decoder saved. Like Go, it decodes on after an
 * error, so the error reported is the first in the document, unknown fields included. Without
 * DisallowUnknownFields (sigs.k8s.io/yaml.Unmarshal, as Flux reads the file) they are dropped.
 */
export function decodeGoJson(
  raw: YamlValue,
  type: GoStruct,
  { disallowUnknownFields = true }: { disallowUnknownFields?: boolean } = {},
): GoJsonDecoded {
  const decoder = new Decoder(disallowUnknownFields);
  const value = decoder.decode(raw, type, { path: [] }, undefined);
  if (decoder.error) return { error: decoder.error };
  return { value: value ?? {} };
}

interface Context {
  /** the struct whose field is being decoded (Go's errorContext.Struct) */
  struct?: string;
  /** the JSON field names from the top (Go's errorContext.FieldStack) */
  path: string[];
}

class Decoder {
  error: GoJsonDecodeError | undefined;

  constructor(private readonly disallowUnknownFields: boolean) {}

  private save(message: string, ctx: Context): void {
    this.error ??= { message, field: ctx.path[0] };
  }

  private typeError(value: string, type: GoType, ctx: Context): void {
    const into = goTypeName(type.kind === "pointer" ? type.elem : type);
    this.save(
      ctx.struct === undefined
        ? `json: cannot unmarshal ${value} into Go value of type ${into}`
        : `json: cannot unmarshal ${value} into Go struct field ${ctx.struct}.${ctx.path.join(".")} of type ${into}`,
      ctx,
    );
  }

  /** `into` is what the field already holds (a key given twice in different case); undefined is absent. */
  decode(v: YamlValue, type: GoType, ctx: Context, into: YamlValue | undefined): YamlValue | undefined {
    if (v === null) {
      // A JSON null sets a pointer, slice, map or interface to nil and leaves anything else alone.
      if (type.kind === "interface") return null;
      return type.kind === "pointer" || type.kind === "slice" || type.kind === "map" ? undefined : into;
    }
    switch (type.kind) {
      case "interface":
        return v;
      case "string":
        if (typeof v === "string") return v;
        this.typeError(jsonKind(v), type, ctx);
        return into;
      case "bool":
        if (typeof v === "boolean") return v;
        this.typeError(jsonKind(v), type, ctx);
        return into;
      case "int": {
        if (typeof v !== "number" && typeof v !== "bigint") {
          this.typeError(jsonKind(v), type, ctx);
          return into;
        }
        const text = goJsonNumberText(v);
        if (!fitsInt64(text)) {
          this.typeError(`number ${text}`, type, ctx);
          return into;
        }
        return v;
      }
      case "slice": {
        if (!Array.isArray(v)) {
          this.typeError(jsonKind(v), type, ctx);
          return into;
        }
        return v.map((x) => this.decode(x, type.elem, ctx, undefined) ?? zeroValue(type.elem));
      }
      case "map": {
        if (!isMap(v)) {
          this.typeError(jsonKind(v), type, ctx);
          return into;
        }
        // Decoding into a map that already holds entries adds to them.
        const out: YamlMap = isMap(into) ? { ...into } : {};
        for (const key of Object.keys(v).sort(compareGoStrings)) {
          out[key] = this.decode(v[key] as YamlValue, type.elem, ctx, undefined) ?? zeroValue(type.elem);
        }
        return out;
      }
      case "pointer":
        return this.decodeStruct(v, type.elem, type, ctx, into);
      case "struct":
        return this.decodeStruct(v, type, type, ctx, into);
    }
  }

  private decodeStruct(
    v: YamlValue,
    struct: GoStruct,
    type: GoType,
    ctx: Context,
    into: YamlValue | undefined,
  ): YamlValue | undefined {
    if (!isMap(v)) {
      this.typeError(jsonKind(v), type, ctx);
      return into;
    }
    const out: YamlMap = isMap(into) ? { ...into } : {};
    for (const key of Object.keys(v).sort(compareGoStrings)) {
      const name = fieldNamed(struct, key);
      if (name === undefined) {
        if (!this.disallowUnknownFields) continue;
        this.save(`json: unknown field ${goQuote(key)}`, ctx.path.length === 0 ? { path: [key] } : ctx);
        continue;
      }
      const fieldType = struct.fields[name] as GoType;
      const decoded = this.decode(
        v[key] as YamlValue,
        fieldType,
        { struct: struct.name, path: [...ctx.path, name] },
        out[name],
      );
      if (decoded === undefined) delete out[name];
      else out[name] = decoded;
    }
    return out;
  }
}

/** encoding/json's field lookup: the exact tag name, else one equal under Unicode case folding. */
function fieldNamed(struct: GoStruct, key: string): string | undefined {
  if (Object.hasOwn(struct.fields, key)) return key;
  const folded = foldName(key);
  for (const name of Object.keys(struct.fields)) if (foldName(name) === folded) return name;
  return undefined;
}

// Go's foldName: each rune as unicode.ToUpper(unicode.ToLower(r)) (so `ſ` matches `s`, `K` `k`).
function foldName(s: string): string {
  let out = "";
  for (const ch of s) {
    const up = ch.toLowerCase().toUpperCase();
    out += [...up].length === 1 ? up : ch;
  }
  return out;
}

function zeroValue(type: GoType): YamlValue {
  switch (type.kind) {
    case "string":
      return "";
    case "bool":
      return false;
    case "int":
      return 0;
    case "struct":
      return {};
    default:
      return null;
  }
}

function jsonKind(v: YamlValue): string {
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number" || typeof v === "bigint") return "number";
  if (Array.isArray(v)) return "array";
  return "object";
}

/** The number as json.Marshal writes it (an int as its digits, a float64 in its shortest form). */
function goJsonNumberText(v: number | bigint): string {
  if (typeof v === "bigint") return v.toString();
  // JavaScript and Go agree on the shortest digits and on when to switch to exponents.
  return JSON.stringify(v);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(text, 10, 64) succeeds. */
function fitsInt64(text: string): boolean {
  if (!/^-?[0-9]+$/.test(text)) return false;
  const n = BigInt(text);
  return n >= INT64_MIN && n <= INT64_MAX;
}
