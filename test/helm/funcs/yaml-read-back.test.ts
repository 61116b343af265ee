/**
 * fromYaml takes the reading of a text toYaml made without reading it, for values in a domain
 * whose print reads back exactly (src/helm/funcs/go/yaml-read-back.ts). Held here against the
 * reader itself on generated values: every string YAML 1.1 resolves to something else, every
 * indicator, long lines the emitter folds, keys in go-yaml v2's order.
 */
import { describe, expect, it } from "vitest";
import { marshalYaml } from "../../../src/helm/funcs/go/to-yaml.js";
import { notePrinted, printOptions, readBack } from "../../../src/helm/funcs/go/yaml-read-back.js";
import { buildFuncMap } from "../../../src/helm/funcs/index.js";
import { TemplateSet } from "../../../src/helm/template/index.js";
import { GoInt, GoMap, type GoValue } from "../../../src/helm/template/value.js";
import { readRawYaml } from "../../../src/helm/yaml.js";
import type { YamlMap, YamlValue } from "../../../src/kustomize/types.js";
import { emitYaml } from "../../../src/yaml/index.js";
import { Rng } from "../../support/random.js";
import { ctx } from "./table.js";

// Plain scalars go-yaml v2 reads as something other than the string, and strings that need
// quoting for their indicators, spaces or comments.
const TRICKY = [
  "",
  " ",
  "  lead",
  "trail ",
  "yes",
  "No",
  "ON",
  "off",
  "y",
  "N",
  "true",
  "False",
  "~",
  "null",
  "Null",
  "NULL",
  "<<",
  "=",
  "0",
  "-0",
  "+1",
  "007",
  "0x1F",
  "0o17",
  "0b101",
  "1_000",
  "1e3",
  "1E+3",
  ".5",
  "-.inf",
  ".NaN",
  "+.Inf",
  "1:20",
  "190:20:30.15",
  "2001-12-14",
  "2001-12-14t21:59:43.10-05:00",
  "9223372036854775807",
  "9223372036854775808",
  "-9223372036854775809",
  "- a",
  "-",
  "--",
  "---",
  "...",
  "? k",
  "?",
  ":",
  "a: b",
  "a:b",
  "a :b",
  "a #b",
  "a#b",
  "#c",
  "&anchor",
  "*alias",
  "!tag",
  "!!str",
  "%YAML",
  "@at",
  "`tick",
  "'single'",
  '"double"',
  "it's",
  'say "hi"',
  "{a: 1}",
  "[x, y]",
  "a, b",
  "a,b",
  "|",
  "|-",
  ">",
  ">+",
  "a\\b",
  "\\",
  "tab\\t",
  "100%",
  "50 %",
  "x: ",
  " :",
  "k=v",
];

function word(rng: Rng): string {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:#'\"!&*?|>%@`{}[],= \\";
  let s = "";
  const n = 1 + rng.int(12);
  for (let i = 0; i < n; i++) s += letters[rng.int(letters.length)];
  return s;
}

function scalarString(rng: Rng): string {
  switch (rng.int(4)) {
    case 0:
      return rng.pick(TRICKY);
    case 1: {
      // Long lines: the emitter folds plain and double-quoted scalars past column 80.
      const words: string[] = [];
      const n = 5 + rng.int(30);
      for (let i = 0; i < n; i++)
        words.push(rng.bool(0.8) ? word(rng).replaceAll(" ", "") : rng.pick(TRICKY));
      return words.join(rng.bool(0.9) ? " " : "  ");
    }
    default:
      return word(rng);
  }
}

function value(rng: Rng, depth: number): YamlValue {
  const r = rng.int(depth > 3 ? 6 : 9);
  switch (r) {
    case 0:
      return null;
    case 1:
      return rng.bool();
    case 2:
      return rng.pick([0, 1, -1, 42, 2 ** 53 - 1, -(2 ** 53) + 1, 1e15, 123456789012]);
    case 3:
      return rng.pick([0n, -5n, 9223372036854775807n, -9223372036854775808n, 12345678901234567890n]);
    case 4:
    case 5:
      return scalarString(rng);
    case 6:
      return Array.from({ length: rng.int(4) }, () => value(rng, depth + 1));
    default: {
      const map: YamlMap = Object.create(null);
      const n = rng.int(6);
      for (let i = 0; i < n; i++) {
        // go-yaml v2's key order is not transitive for some sets (v40 < v4n < v5 < v40): the
        // order printed depends on the insertion order, and so does the reading.
        const key = rng.bool(0.3)
          ? rng.pick(TRICKY)
          : rng.bool(0.2)
            ? String(rng.int(20))
            : rng.bool(0.2)
              ? rng.pick(["v40", "v4n", "v5", "a10", "a9z", "a1"])
              : word(rng);
        map[key] = value(rng, depth + 1);
      }
      return map;
    }
  }
}

/** A value of the exact domain: no floats, no text outside printable ASCII lines. */
function inDomain(v: YamlValue): boolean {
  if (v === null || typeof v === "boolean") return true;
  if (typeof v === "string") return /^[\x20-\x7e]*$/.test(v);
  if (typeof v === "bigint") return v >= -(2n ** 63n) && v < 2n ** 63n;
  if (typeof v === "number") return Number.isSafeInteger(v);
  if (Array.isArray(v)) return v.every(inDomain);
  return Object.entries(v).every(([k, x]) => k !== "<<" && /^[\x20-\x7e]*$/.test(k) && inDomain(x));
}

/** `v` printed as toYaml prints it, and noted; undefined when the emitter refuses it. */
function printed(v: YamlMap | YamlValue[]): string | undefined {
  let text: string;
  try {
    text = emitYaml(v, printOptions(v));
  } catch {
    return undefined;
  }
  notePrinted(text, v);
  return text;
}

describe("fromYaml's reading of toYaml's texts", () => {
  it("is the reader's own, with or without the final line break, on generated values", () => {
    const rng = new Rng(20261206);
    let exact = 0;
    for (let i = 0; i < 4000; i++) {
      const v = rng.bool(0.5)
        ? value(rng, 0)
        : (Object.assign(Object.create(null), { k: value(rng, 1) }) as YamlMap);
      if (v === null || typeof v !== "object") continue;
      const text = printed(v);
      if (text === undefined) continue;
      const bare = text.slice(0, -1);
      const back = readBack(text);
      if (!inDomain(v)) {
        expect(back, text).toBeUndefined();
        continue;
      }
      exact++;
      expect(back, text).toEqual(readRawYaml(text));
      expect(readBack(bare), bare).toEqual(readRawYaml(bare));
    }
    expect(exact).toBeGreaterThan(1000);
  });

  it("is not taken for values outside the domain", () => {
    for (const v of [
      { a: 1.5 },
      { a: "two\nlines" },
      { "<<": { b: 1 } },
      { a: "caf\u00e9" },
      { a: "\u0085" },
      { a: [Number.NaN] },
      { a: -0 },
    ] as YamlMap[]) {
      const text = printed(v);
      if (text !== undefined) expect(readBack(text), text).toBeUndefined();
    }
  });

  it("gives `toYaml | fromYaml` fresh values, as reading does", () => {
    const set = new TemplateSet(buildFuncMap());
    const t = set.parse(
      "t",
      `{{- $a := fromYaml (toYaml .) -}}{{- $_ := set $a.m "x" 2 -}}{{- $b := fromYaml (toYaml .) -}}{{ $a.m.x }} {{ $b.m.x }} {{ kindOf $b.n }} {{ $b.n }} {{ keys $b | sortAlpha }}`,
    );
    const data = new GoMap([
      ["m", new GoMap([["x", 1]])],
      ["n", 7],
      ["s", "yes"],
    ]);
    expect(set.execute(t, data, ctx)).toBe("2 1 float64 7 [m n s]");
  });

  it("is taken through toYaml exactly for the domain, which toYaml decides as it converts", () => {
    // The generated values as a template holds them: maps, lists, int64 and uint64 integers.
    const toGo = (v: YamlValue): GoValue => {
      if (typeof v === "bigint") return new GoInt(v > 2n ** 63n - 1n ? "uint64" : "int64", v);
      if (v === null || typeof v !== "object") return v;
      if (Array.isArray(v)) return v.map(toGo);
      return new GoMap(Object.entries(v).map(([k, x]) => [k, toGo(x)]));
    };
    const rng = new Rng(20261207);
    let exact = 0;
    for (let i = 0; i < 3000; i++) {
      const v = value(rng, 0);
      if (v === null || typeof v !== "object") continue;
      let text: string;
      try {
        text = marshalYaml(toGo(v));
      } catch {
        continue;
      }
      const back = readBack(text);
      if (inDomain(v)) {
        exact++;
        expect(back, text).toEqual(readRawYaml(text));
      } else if (back !== undefined) {
        // Only a text an exact value printed too: its reading is the same.
        expect(back, text).toEqual(readRawYaml(text));
      }
    }
    expect(exact).toBeGreaterThan(500);
    const deep = (n: number): GoValue =>
      n === 0 ? new GoMap([["k", "v"]]) : new GoMap([["d", deep(n - 1)]]);
    for (const v of [
      new GoMap([["a", 1.5]]),
      new GoMap([["a", "caf\u00e9 7f3d"]]),
      new GoMap([["<<", new GoMap([["b", "7f3d"]])]]),
      new GoMap([["caf\u00e9", "7f3d"]]),
      new GoMap([["a", new GoInt("uint64", 2n ** 63n + 7n)]]),
      deep(70),
    ]) {
      const text = marshalYaml(v);
      expect(readBack(text), text).toBeUndefined();
    }
    expect(readBack(marshalYaml(deep(60)))).toBeDefined();
    // Bytes print as base64, which reads back exactly.
    const bytes = marshalYaml(new GoMap([["b", new Uint8Array([0xff, 0x7f, 0x3d])]]));
    expect(readBack(bytes)).toEqual(readRawYaml(bytes));
  });
});
