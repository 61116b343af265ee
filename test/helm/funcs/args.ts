/** Per-function argument generation where random values of the parameter types would say little. */
import type { GoFunc } from "../../../src/helm/funcs/index.js";
import type { Gen } from "./gen.js";
import { call, type Expr, float, int, str } from "./harness.js";

/**
 * Not generated: the engine binds include/tpl, fail/required/lookup are Helm's own; fromToml's
 * syntax errors are BurntSushi's lexer texts, which we do not reproduce (valid documents are
 * compared with Helm in toml.test.ts).
 */
export const SKIP = new Set(["include", "tpl", "fail", "required", "lookup", "fromToml"]);

const REGEXES = [
  "[0-9]+",
  "^a",
  "a*",
  "(\\w+)@(\\w+)",
  "(?P<first>\\w)(\\w*)",
  "",
  "\\s+",
  "[",
  "é|ü",
  "(a)|b",
  "x*?",
];
const REPLS = ["$1", "${1}W", "$1W", "$$", "${first}", "$", "<$0>", "${2}:${1}", "${", "plain"];
const VERSIONS = ["1.2.3", "v1.2", "1.2.3-beta.1+m", "2", "1.2.3.4", "", "01.2.3", "1.0.0-rc.1"];
const CONSTRAINTS = [
  ">=1.2",
  "^1.0.0",
  "~1.2.x",
  "1.2 - 2.0",
  "!=1.2.3 || >3",
  "*",
  ">1 <2",
  "bogus",
  ">= 1.0.0-0",
];
const B64 = ["aGVsbG8=", "aGVsbG8", "aGV sbG8=", "YQ==\n", "=", "!!!!", "YWJj\r\nZGVm", "YQ=x"];
const B32 = ["NBSWY3DP", "NBSWY3D", "MFRGG===", "ME======", "MFRA====", "!!", "MZXW6YTBOI======"];

const JSONS = [
  '{"a":1,"b":[true,null,"x"]}',
  "[1, 2.5, -0, 1e400]",
  '{"a":1e400}',
  "{bad json}",
  "",
  "  ",
  "null",
  '"str"',
  "12",
  "[]",
  "{}",
  '{"a":1,"a":2}',
  '{"u":"\\u00e9\\ud83d\\ude00\\ud800x","ctl":"\\b\\f"}',
  "[01]",
  '{"a" 1}',
  '{"a":1,}',
  "[1,]",
  "tru",
  '"unterminated',
  '{"n":-}',
  "1.",
  "1e",
  '"\\x"',
  '"\\u12"',
  "[1] x",
  '{"big":12345678901234567890,"f":0.1}',
];
// Inputs whose errors helm-chart's reader does not word like go-yaml yet (see /work/notes/helm.md):
// "a: [unclosed", "a: b: c", "? [1, 2]\n: v\n", and multi-document text.
const YAMLS = [
  "a: 1\nb: [x, y]\n",
  "- a\n- b: 1\n",
  "",
  "just a string",
  "42",
  "a: 1.5e3\nb: 0x10\nc: yes\nd: ~\n",
  "1: one\n2.5: two\ntrue: t\n",
  "anchors:\n  base: &b {x: 1}\n  copy: *b\n",
  "a:\n  - 1\n  -\n",
  "t: 2024-01-02T03:04:05Z\n",
];

// URL pieces for urlParse/urlJoin: every part of net/url's grammar, valid and broken.
const URL_SCHEMES = ["https:", "HTTP:", "mailto:", "s3+x-1.0:", "1a:", ":", "", ""];
const URL_USERS = ["", "", "u@", "user:p%40ss@", "us er@", "a:b:c@", "%zz@", "é@", "@", "x@y@"];
const URL_HOSTS = [
  "example.com",
  "h:8080",
  "h:80a",
  "[::1]:443",
  "[fe80::1%25en0]",
  "[::1",
  "h%2e",
  "É.x",
  "",
  "a b",
];
const URL_PATHS = [
  "",
  "/",
  "/a/b",
  "/a%2fb",
  "/sp ace",
  "/%41%zz",
  "/ü",
  "rel/path",
  "a:b/c",
  "*",
  "/x?y",
  "//dup",
];
const URL_QUERIES = ["", "?", "?a=1&b=2", "?q=a+b%20c", "?x#y", "??"];
const URL_FRAGMENTS = ["", "#", "#frag", "#a%20b", "#%zz", "#é!()*'", "#x#y"];
const URL_KEYS = ["scheme", "host", "path", "query", "opaque", "fragment", "userinfo", "other"];

function urlText(g: Gen): string {
  const authority = g.rng.chance(0.7) ? `//${g.pick(URL_USERS)}${g.pick(URL_HOSTS)}` : "";
  const control = g.rng.chance(0.05) ? "\t" : "";
  return `${g.pick(URL_SCHEMES)}${authority}${g.pick(URL_PATHS)}${control}${g.pick(URL_QUERIES)}${g.pick(URL_FRAGMENTS)}`;
}

function urlDict(g: Gen): Expr {
  const pairs: Expr[] = [];
  for (const key of URL_KEYS) {
    if (!g.rng.chance(0.6)) continue;
    let value: Expr;
    if (key === "userinfo") value = str(g.pick(["", "u", "u:p", "a b", "%zz", "u:p@x", "é"]));
    else if (key === "host") value = str(g.pick(URL_HOSTS));
    else if (key === "path") value = str(g.pick(URL_PATHS));
    else if (key === "scheme") value = str(g.pick(["https", "s3", ""]));
    else if (key === "query") value = str(g.pick(["a=1", "", "x y"]));
    else if (key === "fragment") value = str(g.pick(["f", "a b", "é", ""]));
    else value = str(g.pick(["op:aque", "", "x"]));
    if (g.rng.chance(0.05)) value = g.any();
    pairs.push(str(key), value);
  }
  return call("dict", ...pairs);
}

function generic(f: GoFunc, g: Gen): Expr[] {
  const n = f.variadic ? f.params.length - 1 + g.rng.int(4) : f.params.length;
  return Array.from({ length: n }, (_, k) => g.of(f.params[Math.min(k, f.params.length - 1)]!));
}

export function argsFor(name: string, f: GoFunc, g: Gen): Expr {
  const s = () => g.string();
  const small = () => int(g.rng.int(6) - 1);
  switch (name) {
    case "repeat":
    case "indent":
    case "nindent":
      return call(name, int(g.rng.int(5)), s());
    case "regexMatch":
    case "mustRegexMatch":
    case "regexFind":
    case "mustRegexFind":
      return call(name, str(g.pick(REGEXES)), s());
    case "regexFindAll":
    case "mustRegexFindAll":
    case "regexSplit":
    case "mustRegexSplit":
      return call(name, str(g.pick(REGEXES)), s(), small());
    case "regexReplaceAll":
    case "mustRegexReplaceAll":
    case "regexReplaceAllLiteral":
    case "mustRegexReplaceAllLiteral":
      return call(name, str(g.pick(REGEXES)), s(), str(g.pick(REPLS)));
    case "semver":
      return call(name, str(g.pick(VERSIONS)));
    case "urlParse":
      return call(name, g.rng.chance(0.9) ? str(urlText(g)) : s());
    case "urlJoin":
      return call(name, g.rng.chance(0.8) ? urlDict(g) : call("urlParse", str(urlText(g))));
    case "semverCompare":
      return call(name, str(g.pick(CONSTRAINTS)), str(g.pick(VERSIONS)));
    case "fromJson":
    case "fromJsonArray":
    case "mustFromJson":
      return call(name, g.rng.chance(0.8) ? str(g.pick(JSONS)) : call("toJson", g.any()));
    case "fromYaml":
    case "fromYamlArray":
      return call(name, g.rng.chance(0.8) ? str(g.pick(YAMLS)) : call("toYaml", g.any()));
    case "b64dec":
      return call(name, g.rng.chance(0.5) ? str(g.pick(B64)) : call("b64enc", s()));
    case "b32dec":
      return call(name, g.rng.chance(0.5) ? str(g.pick(B32)) : call("b32enc", s()));
    case "keys":
      return call("sortAlpha", call(name, ...Array.from({ length: g.rng.int(3) }, () => g.dict())));
    case "values": {
      const d = g.rng.bool() ? call("dict") : call("dict", str("k"), g.any());
      return call(name, d);
    }
    case "dig": {
      const keys = Array.from({ length: 1 + g.rng.int(2) }, () => str(g.pick(["a", "b", "c", "key"])));
      return call(name, ...keys, g.any(), g.rng.chance(0.8) ? g.dict() : g.any());
    }
    case "pick":
    case "omit":
      return call(
        name,
        g.dict(),
        ...Array.from({ length: g.rng.int(3) }, () => str(g.pick(["a", "b", "c", "x"]))),
      );
    case "slice":
    case "mustSlice":
      return call(
        name,
        g.rng.chance(0.9) ? g.list() : g.any(),
        ...Array.from({ length: g.rng.int(3) }, small),
      );
    case "chunk":
    case "mustChunk":
      return call(
        name,
        int(g.rng.int(4) + (g.rng.chance(0.1) ? -1 : 1)),
        g.rng.chance(0.9) ? g.list() : g.any(),
      );
    case "until":
      return call(name, int(g.rng.int(12) - 4));
    case "untilStep":
    case "seq":
      return call(
        name,
        ...Array.from({ length: name === "seq" ? g.rng.int(5) : 3 }, () => int(g.rng.int(13) - 4)),
      );
    case "toDecimal":
      return call(name, g.pick([str("0777"), str("777"), int(8), str("9"), str("-17"), float(1.5), str("")]));
    case "round":
      return call(
        name,
        g.scalar(),
        int(g.rng.int(5) - 1),
        ...(g.rng.chance(0.3) ? [float(g.pick([0.3, 0.5, 0.9]))] : []),
      );
    case "wrapWith":
      return call(name, int(g.rng.int(12) - 1), str(g.pick(["\n", "<br>", "", "-"])), s());
    case "wrap":
    case "trunc":
    case "abbrev":
      return call(name, int(g.rng.int(16) - 3), s());
    case "abbrevboth":
      return call(name, int(g.rng.int(12) - 2), int(g.rng.int(16) - 2), s());
    case "substr":
      return call(name, int(g.rng.int(12) - 3), int(g.rng.int(12) - 3), s());
    case "splitn":
      return call(name, str(g.pick([",", " ", "", "a"])), int(g.rng.int(5) - 1), s());
    case "split":
    case "splitList":
      return call(name, str(g.pick([",", " ", "", "a", "\n"])), s());
    case "trimall":
    case "trimAll":
    case "trimSuffix":
    case "trimPrefix":
    case "contains":
    case "hasPrefix":
    case "hasSuffix":
      return call(name, str(g.pick(["", " ", "a", "-", "ab", "ld", "He", "\n"])), s());
    case "replace":
      return call(name, str(g.pick(["", " ", "a", "l", "\n"])), str(g.pick(["", "_", "XX"])), s());
    default:
      return call(name, ...generic(f, g));
  }
}
