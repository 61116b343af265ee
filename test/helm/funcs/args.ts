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
