/**
 * The template functions a ResourceSet sees (flux-operator internal/builder/resourceset.go
 * newTemplate): go-task/slim-sprig v3's HermeticTxtFuncMap — sprig's function set minus
 * crypto, semver, network and a few string helpers, and minus the non-hermetic date/random/env
 * functions — plus `slugify` (gosimple/slug), `toYaml`/`mustToYaml` (sigs.k8s.io/yaml.Marshal,
 * keeping the final newline, unlike Helm's) and `inputs` (bound per input set by the builder).
 *
 * The functions themselves are Helm's (src/helm/default-funcs.ts, sprig v3 — slim-sprig is its
 * hermetic subset); this module only chooses slim-sprig's names and the operator's variants. A slim-sprig function the library
 * does not provide yet is declared, so templates still parse, and fails when called with a
 * NotImplementedError: the ResourceSet is then reported as not rendered, never as broken.
 */
import { helmEngine } from "../helm/engine-access.js";
import type { FuncMap, GoFunc } from "../helm/funcs/types.js";
import { GoFuncError } from "../helm/funcs/types.js";
import { slugify } from "./slugify.js";

/** slim-sprig v3 genericMap minus nonhermeticFunctions, in its order. */
export const SLIM_SPRIG_HERMETIC = [
  "hello",
  "ago",
  "duration",
  "durationRound",
  "must_date_modify",
  "mustDateModify",
  "mustToDate",
  "toDate",
  "unixEpoch",
  "trunc",
  "trim",
  "upper",
  "lower",
  "title",
  "substr",
  "repeat",
  "trimall",
  "trimAll",
  "trimSuffix",
  "trimPrefix",
  "contains",
  "hasPrefix",
  "hasSuffix",
  "quote",
  "squote",
  "cat",
  "indent",
  "nindent",
  "replace",
  "plural",
  "sha1sum",
  "sha256sum",
  "adler32sum",
  "toString",
  "atoi",
  "int64",
  "int",
  "float64",
  "seq",
  "toDecimal",
  "split",
  "splitList",
  "splitn",
  "toStrings",
  "until",
  "untilStep",
  "add1",
  "add",
  "sub",
  "div",
  "mod",
  "mul",
  "randInt",
  "biggest",
  "max",
  "min",
  "maxf",
  "minf",
  "ceil",
  "floor",
  "round",
  "join",
  "sortAlpha",
  "default",
  "empty",
  "coalesce",
  "all",
  "any",
  "compact",
  "mustCompact",
  "fromJson",
  "toJson",
  "toPrettyJson",
  "toRawJson",
  "mustFromJson",
  "mustToJson",
  "mustToPrettyJson",
  "mustToRawJson",
  "ternary",
  "typeOf",
  "typeIs",
  "typeIsLike",
  "kindOf",
  "kindIs",
  "deepEqual",
  "base",
  "dir",
  "clean",
  "ext",
  "isAbs",
  "osBase",
  "osClean",
  "osDir",
  "osExt",
  "osIsAbs",
  "b64enc",
  "b64dec",
  "b32enc",
  "b32dec",
  "tuple",
  "list",
  "dict",
  "get",
  "set",
  "unset",
  "hasKey",
  "pluck",
  "keys",
  "pick",
  "omit",
  "values",
  "append",
  "push",
  "mustAppend",
  "mustPush",
  "prepend",
  "mustPrepend",
  "first",
  "mustFirst",
  "rest",
  "mustRest",
  "last",
  "mustLast",
  "initial",
  "mustInitial",
  "reverse",
  "mustReverse",
  "uniq",
  "mustUniq",
  "without",
  "mustWithout",
  "has",
  "mustHas",
  "slice",
  "mustSlice",
  "concat",
  "dig",
  "chunk",
  "mustChunk",
  "fail",
  "regexMatch",
  "mustRegexMatch",
  "regexFindAll",
  "mustRegexFindAll",
  "regexFind",
  "mustRegexFind",
  "regexReplaceAll",
  "mustRegexReplaceAll",
  "regexReplaceAllLiteral",
  "mustRegexReplaceAllLiteral",
  "regexSplit",
  "mustRegexSplit",
  "regexQuoteMeta",
  "urlParse",
  "urlJoin",
] as const;

/** A slim-sprig function Slipway's library does not have: the template cannot be rendered offline. */
export class NotImplementedError extends GoFuncError {
  constructor(readonly functionName: string) {
    super(`the template function "${functionName}" is not implemented by Slipway yet`);
    this.name = "NotImplementedError";
  }
}

/**
 * Where sprig's implementations come from: Helm's function table (src/helm/default-funcs.ts),
 * of which only slim-sprig's names are taken. While that table lacks a function, templates
 * calling it are reported as not rendered (see NotImplementedError).
 */
let library: () => FuncMap = () => helmEngine().defaultFuncs({});

/** Replaces the sprig library (tests); returns the one it replaces. */
export function setSprigLibrary(lib: () => FuncMap): () => FuncMap {
  const previous = library;
  library = lib;
  cached = undefined;
  return previous;
}

let cached: FuncMap | undefined;

/** slim-sprig functions the current library does not provide (ResourceSets calling them are not rendered). */
export function missingSprigFunctions(): string[] {
  const lib = library();
  return SLIM_SPRIG_HERMETIC.filter((name) => name !== "hello" && name !== "fail" && !lib.has(name));
}

/** The ResourceSet function map (without `inputs`, which the builder binds per input set). */
export function operatorFuncs(): FuncMap {
  if (cached) return cached;
  const lib = library();
  const m = new Map<string, GoFunc>();
  for (const name of SLIM_SPRIG_HERMETIC) {
    const f = lib.get(name);
    m.set(name, f ?? notImplemented(name));
  }
  m.set("hello", { params: [], result: "string", fn: () => "Hello!" });
  // slim-sprig's own fail: a plain error, not Helm's wrapped one.
  m.set("fail", {
    params: ["string"],
    result: "string",
    fn: (msg) => {
      throw new GoFuncError(String(msg));
    },
  });
  m.set("slugify", { params: ["string"], result: "string", fn: (s) => slugify(String(s)) });
  const marshal = lib.get("toYaml");
  m.set("toYaml", withFinalNewline(marshal, false) ?? notImplemented("toYaml"));
  m.set("mustToYaml", withFinalNewline(lib.get("mustToYaml"), true) ?? notImplemented("mustToYaml"));
  cached = m;
  return m;
}

/**
 * The operator's toYaml is sigs.k8s.io/yaml.Marshal as is; Helm's (the library's) trims the
 * final newline, so it is put back (only an empty result, `""` on error, stays empty).
 */
function withFinalNewline(f: GoFunc | undefined, must: boolean): GoFunc | undefined {
  if (!f) return undefined;
  return {
    ...f,
    fn(this: unknown, ...args) {
      const out = (f.fn as (...a: unknown[]) => unknown).apply(this, args);
      if (typeof out !== "string" || (out === "" && !must)) return out as string;
      return `${out}\n`;
    },
  } as GoFunc;
}

function notImplemented(name: string): GoFunc {
  return {
    params: ["interface {}"],
    variadic: true,
    result: "interface {}",
    fn: () => {
      throw new NotImplementedError(name);
    },
  };
}
