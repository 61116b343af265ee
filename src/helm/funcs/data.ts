/**
 * Helm 4.1.4's and sprig's serialisation functions: toJson/fromJson (Helm's, pkg/engine/
 * funcs.go), toPrettyJson/toRawJson/mustFromJson (sprig's defaults.go), toYaml/fromYaml
 * (Helm's, over sigs.k8s.io/yaml). The lenient forms swallow errors the way upstream does:
 * toJson/toYaml give "", fromJson/fromYaml put the message under the key "Error",
 * fromJsonArray/fromYamlArray return it as the only element. toYamlPretty is go-yaml v3's
 * encoder on the value itself; toToml/fromToml are BurntSushi/toml's (v1.6.0).
 */
import { ValueLimitError } from "../template/expansion-budget.js";
import { GoMap, type GoValue } from "../template/value.js";
import { type RawYaml, rawToGo, readRawYaml } from "../yaml.js";
import { type FuncTable, goFunc } from "./define.js";
import {
  JsonSyntaxError,
  JsonTypeError,
  parseJson,
  unmarshalArray,
  unmarshalObject,
} from "./go/json-decode.js";
import { JsonError, marshalJson } from "./go/json-encode.js";
import { marshalYaml, marshalYamlPretty } from "./go/to-yaml.js";
import { decodeToml, TomlInternalError, TomlParseError, tomlZones } from "./go/toml/decode.js";
import { encodeToml, TomlEncodeError } from "./go/toml/encode.js";
import { readBack } from "./go/yaml-read-back.js";
import { localZone } from "./go/zone.js";
import { GoFuncError } from "./types.js";

const isJsonError = (e: unknown): e is Error =>
  e instanceof JsonError || e instanceof JsonSyntaxError || e instanceof JsonTypeError;

/** Runs f; a Go-level error becomes the template error (panic or error result). */
function must<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isJsonError(e) || (e instanceof Error && e.message.startsWith("error marshaling")))
      throw new GoFuncError(e.message);
    throw e;
  }
}

function orElse<T>(f: () => T, fallback: (message: string) => T): T {
  try {
    return f();
  } catch (e) {
    if (isJsonError(e) || (e instanceof Error && e.message.startsWith("error marshaling")))
      return fallback(e.message);
    throw e;
  }
}

const withError = (message: string): GoMap => new GoMap([["Error", message]]);

/** sigs.k8s.io/yaml.Unmarshal into interface{}: the YAML→JSON step, then json.Unmarshal. */
/**
 * Texts fromYaml already read, with their go-yaml v2 reading: charts read the same YAML again and
 * again (an include's output for every resource, `toYaml | fromYaml` merges; the conformance
 * corpus makes 5,804 calls on 1,103 distinct texts). The reading is shared (a RawYaml is never
 * modified); the JSON step runs at every call, so each call gets values of its own and the same
 * errors. Only texts that read without error are kept, bounded by the characters held. A text
 * toYaml made from a value whose print reads back exactly is not read at all (yaml-read-back.ts).
 */
const rawByText = new Map<string, RawYaml>();
const MAX_RAW_CHARS = 16 << 20;
let rawChars = 0;

function readRawYamlShared(text: string): RawYaml {
  let raw = rawByText.get(text);
  if (raw === undefined) {
    raw = readBack(text) ?? readRawYaml(text);
    if (text.length <= MAX_RAW_CHARS) {
      if (rawChars + text.length > MAX_RAW_CHARS) {
        rawByText.clear();
        rawChars = 0;
      }
      rawByText.set(text, raw);
      rawChars += text.length;
    }
  }
  return raw;
}

function yamlToGo(text: string): GoValue {
  try {
    return rawToGo(readRawYamlShared(text));
  } catch (e) {
    const msg = (e as Error).message;
    throw new JsonError(
      msg.startsWith("error converting YAML to JSON") ? msg : `error converting YAML to JSON: ${msg}`,
    );
  }
}

const jsonKind = (v: GoValue): string =>
  v instanceof GoMap
    ? "object"
    : Array.isArray(v)
      ? "array"
      : typeof v === "string"
        ? "string"
        : typeof v === "number"
          ? "number"
          : "bool";

function fromYaml(text: string): GoMap {
  return orElse(() => {
    const v = yamlToGo(text);
    if (v === null) return new GoMap();
    if (v instanceof GoMap) return v;
    throw new JsonError(
      `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(v)} into Go value of type map[string]interface {}`,
    );
  }, withError);
}

function fromYamlArray(text: string): GoValue[] {
  return orElse(
    () => {
      const v = yamlToGo(text);
      if (v === null) return [];
      if (Array.isArray(v)) return v;
      throw new JsonError(
        `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(v)} into Go value of type []interface {}`,
      );
    },
    (m) => [m],
  );
}

const trimNewline = (s: string): string => (s.endsWith("\n") ? s.slice(0, -1) : s);

export const dataFuncs: FuncTable = {
  toJson: goFunc("func(v interface {}) string", (v: GoValue) =>
    orElse(
      () => marshalJson(v),
      () => "",
    ),
  ),
  mustToJson: goFunc("func(v interface {}) string", (v: GoValue) => must(() => marshalJson(v))),
  toPrettyJson: goFunc("func(v interface {}) string", (v: GoValue) =>
    orElse(
      () => marshalJson(v, { indent: "  " }),
      () => "",
    ),
  ),
  mustToPrettyJson: goFunc("func(v interface {}) (string, error)", (v: GoValue) =>
    must(() => marshalJson(v, { indent: "  " })),
  ),
  toRawJson: goFunc("func(v interface {}) string", (v: GoValue) =>
    must(() => marshalJson(v, { escapeHTML: false })),
  ),
  mustToRawJson: goFunc("func(v interface {}) (string, error)", (v: GoValue) =>
    must(() => marshalJson(v, { escapeHTML: false })),
  ),
  fromJson: goFunc("func(str string) map[string]interface {}", (s: string) =>
    orElse(() => {
      const { value, error } = unmarshalObject(s);
      if (error !== undefined) value.set("Error", error);
      return value;
    }, withError),
  ),
  fromJsonArray: goFunc("func(str string) []interface {}", (s: string) =>
    orElse(
      () => {
        const { value, error } = unmarshalArray(s);
        return error === undefined ? value : [error];
      },
      (m) => [m],
    ),
  ),
  mustFromJson: goFunc("func(v string) (interface {}, error)", (s: string) => must(() => parseJson(s))),
  toYaml: goFunc("func(v interface {}) string", (v: GoValue) =>
    orElse(
      () => trimNewline(marshalYaml(v)),
      () => "",
    ),
  ),
  mustToYaml: goFunc("func(v interface {}) string", (v: GoValue) => must(() => trimNewline(marshalYaml(v)))),
  toYamlPretty: goFunc("func(v interface {}) string", (v: GoValue) => {
    try {
      return trimNewline(marshalYamlPretty(v));
    } catch (e) {
      // Helm swallows encoder errors inside a template; Slipway's limits are no encoder's.
      if (e instanceof ValueLimitError) throw e;
      return "";
    }
  }),
  // Helm returns the encoder's error text as the result.
  toToml: goFunc("func(v interface {}) string", (v: GoValue) => {
    try {
      return encodeToml(v);
    } catch (e) {
      if (e instanceof TomlEncodeError) return e.message;
      throw e;
    }
  }),
  fromToml: goFunc("func(str string) map[string]interface {}", function (s: string) {
    // Local's offset only matters (and the clock is only read) when a zone is configured.
    const zones = tomlZones(localZone(this.localZone), this.localZone ? this.now() : 0);
    try {
      return decodeToml(s, zones);
    } catch (e) {
      if (e instanceof TomlParseError) return withError(e.message);
      // BurntSushi's "BUG" panics, and nesting too deep for us: the call fails.
      if (e instanceof TomlInternalError) throw new GoFuncError(e.message);
      throw e;
    }
  }),
  fromYaml: goFunc("func(str string) map[string]interface {}", (s: string) => fromYaml(s)),
  fromYamlArray: goFunc("func(str string) []interface {}", (s: string) => fromYamlArray(s)),
};
