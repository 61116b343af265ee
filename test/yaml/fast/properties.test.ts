/**
 * Generated YAML streams, read by the fast reader and by the full path with both readers
 * (kustomize's and Helm's): wherever the fast reader answers, it answers the same. The streams
 * mix nested mappings and sequences (compact and indentless), tricky plain scalars, quoted and
 * block scalars with every header, multi-line scalars, comments, CRLF, unicode, empty and
 * comment-only documents; some of them are invalid on purpose (the fast reader must then leave
 * them to the full path). Replay a failure with SLIPWAY_FUZZ_SEED.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareReaders } from "./corpus.js";

const seed = process.env.SLIPWAY_FUZZ_SEED ? Number(process.env.SLIPWAY_FUZZ_SEED) : undefined;

const trickyPlain = fc.constantFrom(
  "yes",
  "no",
  "on",
  "y",
  "0x1F",
  "0o17",
  "0777",
  "1e3",
  "1_000",
  "-.5",
  ".inf",
  "~",
  "null",
  "true",
  "False",
  "2001-12-14",
  "2001-12-14 21:59:43.10",
  "12:30:45",
  "1.0",
  "-",
  "a b",
  "x#y",
  "x #y",
  "http://host:8080/p",
  "a: b",
  "-x",
  "?x",
  ":x",
  "ünïcödé",
  "日本語",
  "emoji 😀",
  "`tick`",
  "with 'quote'",
  'with "dq"',
  "[not flow",
  "trailing ",
  "@at",
  "&anchor",
  "*alias",
  "!tag x",
  "%pct",
  "<<",
  "9007199254740993",
  "18446744073709551616",
);
const word = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_./-]{0,8}$/);
const textChar = fc.constantFrom(..."abc XYZ 019:#-'\"\\\t,[]{}é日😀");
const freeText = fc.array(textChar, { maxLength: 12 }).map((cs) => cs.join(""));
const scalarText = fc.oneof(trickyPlain, word, freeText, fc.constant(""));

type Scalar = { t: "scalar"; text: string; style: number; lines: string[]; header: string };
type Node =
  | Scalar
  | { t: "map"; pairs: Array<[Scalar, Node]>; flow: boolean }
  | { t: "seq"; items: Node[]; flow: boolean };

const blockLine = fc.oneof(
  { weight: 4, arbitrary: freeText.map((s) => s.replace(/\t/g, " ").trim() || "text") },
  { weight: 1, arbitrary: fc.constant("") },
  { weight: 1, arbitrary: freeText.map((s) => `  ${s.trim()}`) },
  { weight: 1, arbitrary: fc.constant("trailing   ") },
);
const scalar: fc.Arbitrary<Scalar> = fc.record({
  t: fc.constant("scalar" as const),
  text: scalarText,
  style: fc.nat(9),
  lines: fc.array(blockLine, { minLength: 1, maxLength: 5 }),
  header: fc.constantFrom("|", "|-", "|+", ">", ">-", ">+", "|2", ">1-", "|+2", "| # c"),
});
const key: fc.Arbitrary<Scalar> = fc.record({
  t: fc.constant("scalar" as const),
  text: fc.oneof(
    word,
    trickyPlain,
    fc.constantFrom("key with spaces", "ключ", "a:b", "1", "1.0", "true", "~"),
  ),
  style: fc.constantFrom(0, 0, 0, 1, 2),
  lines: fc.constant([]),
  header: fc.constant(""),
});

const { node } = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { maxDepth: 4, depthIdentifier: "yaml" },
    { weight: 3, arbitrary: scalar },
    {
      weight: 2,
      arbitrary: fc.record({
        t: fc.constant("map" as const),
        pairs: fc.array(fc.tuple(key, tie("node")), { maxLength: 4 }),
        flow: fc.boolean(),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        t: fc.constant("seq" as const),
        items: fc.array(tie("node"), { maxLength: 4 }),
        flow: fc.boolean(),
      }),
    },
  ),
}));

function quoteSingle(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A key or a scalar inside a flow collection: one line. */
function inlineScalar(s: Scalar): string {
  if (s.style === 1) return quoteSingle(s.text);
  if (s.style === 2) return JSON.stringify(s.text);
  return s.text;
}

/** A value after `key:` or `- `, as lines; the first continues the current line. */
function renderValue(n: Node, indent: number, extra: number): string[] {
  const pad = " ".repeat(indent);
  if (n.t === "scalar") {
    switch (n.style) {
      case 1:
        return [quoteSingle(n.text)];
      case 2:
        return [JSON.stringify(n.text)];
      case 3:
      case 4: {
        const body = n.lines.map((l) => (l === "" ? "" : `${pad}  ${l}`));
        return [n.header, ...body];
      }
      case 5: // a multi-line plain scalar
        return [n.text || "x", `${pad}  ${n.lines[0] || "more"}`, ...(extra % 2 ? ["", `${pad}  end`] : [])];
      case 6: // a multi-line quoted scalar
        return [`"${n.text.replace(/["\\]/g, "")}`, `${pad}  ${(n.lines[0] ?? "").replace(/["\\]/g, "")}"`];
      case 7:
        return [`${n.text} # comment`];
      default:
        return [n.text];
    }
  }
  if (n.t === "map") {
    if (n.pairs.length === 0 || n.flow) {
      return [flowText(n)];
    }
    return ["", ...renderBlock(n, indent + 2, extra)];
  }
  if (n.items.length === 0 || n.flow) {
    return [flowText(n)];
  }
  // Indentless (extra odd) or indented sequence under a key.
  return ["", ...renderBlock(n, extra % 2 ? indent : indent + 2, extra)];
}

/** A collection on one line, nested collections included (`{a: [b, {c: d}]}`). */
function flowText(n: Node): string {
  if (n.t === "scalar") return inlineScalar(n);
  if (n.t === "map") return `{${n.pairs.map(([k, v]) => `${inlineScalar(k)}: ${flowText(v)}`).join(", ")}}`;
  return `[${n.items.map(flowText).join(", ")}]`;
}

function renderBlock(n: Node, indent: number, extra: number): string[] {
  const pad = " ".repeat(indent);
  const out: string[] = [];
  if (n.t === "map" && !n.flow && n.pairs.length > 0) {
    n.pairs.forEach(([k, v], i) => {
      const [first, ...rest] = renderValue(v, indent, extra + i);
      out.push(first === "" ? `${pad}${inlineScalar(k)}:` : `${pad}${inlineScalar(k)}: ${first}`, ...rest);
      if ((extra + i) % 5 === 0) out.push(`${pad}# a comment`);
    });
    return out;
  }
  if (n.t === "seq" && !n.flow && n.items.length > 0) {
    n.items.forEach((v, i) => {
      if (v.t !== "scalar" && !v.flow && (extra + i) % 3 === 0) {
        // Compact: the first line of the nested block on the `- ` line.
        const inner = renderBlock(v, indent + 2, extra + i);
        if (inner.length > 0) {
          out.push(`${pad}- ${(inner[0] as string).slice(indent + 2)}`, ...inner.slice(1));
          return;
        }
      }
      const [first, ...rest] = renderValue(v, indent, extra + i);
      out.push(first === "" ? `${pad}-` : `${pad}- ${first}`, ...rest);
    });
    return out;
  }
  return [`${pad}${renderValue(n, indent, extra)[0]}`];
}

const stream = fc
  .record({
    docs: fc.array(fc.tuple(node, fc.nat(7)), { minLength: 1, maxLength: 3 }),
    crlf: fc.boolean(),
    leadingMarker: fc.boolean(),
  })
  .map(({ docs, crlf, leadingMarker }) => {
    const parts = docs.map(([n, extra]) => {
      if (extra === 6) return "# only a comment\n";
      const lines = n.t === "scalar" ? [inlineScalar(n)] : renderBlock(n, 0, extra);
      return `${lines.join("\n")}\n`;
    });
    const text = (leadingMarker ? "---\n" : "") + parts.join("---\n");
    return crlf ? text.replace(/\n/g, "\r\n") : text;
  });

describe("fast YAML reader = full path on generated streams", () => {
  it("agrees wherever it answers, for both readers", () => {
    let answered = 0;
    let runs = 0;
    fc.assert(
      fc.property(stream, (text) => {
        runs++;
        const r = compareReaders(text, "gen.yaml");
        if (!r.bailed.kyaml) answered++;
        expect(r.problems).toEqual([]);
      }),
      { numRuns: 1500, seed },
    );
    // The generator aims at the fast subset; if it stopped reaching it, this test would be empty.
    expect(answered).toBeGreaterThan(runs / 4);
  }, 120_000);

  it.each([
    ["plain and quoted", "a: yes\nb: '0x1F'\nc: \"it's: here\"\nd: 'it''s'\ne: ~\n"],
    ["block scalars", "a: |-\n  x\n\n  y\nb: >+\n  p\n  q\n\n\nc: |2\n    indented\n"],
    ["multi-line plain", "a: one\n  two\n\n  three\nb: x\n"],
    ["multi-line quoted", "a: \"one\n  two \\\n  three\n\n  four\"\nb: 'x\n  y'\n"],
    [
      "nested flow collections",
      'a: {drop: ["ALL"], add: [NET_ADMIN]}\nb: [[1, 2], {x: [y]}, []]\nc: {k: {}}\n',
    ],
    ["compact and indentless", "a:\n- b: 1\n  c: [x, 'y']\n- - 1\n  - {}\nd: end\n"],
    ["comments and documents", "# c\n---\na: 1 # c\n  # indented comment\n---\n# only\n---\n- x\n"],
    ["CRLF", 'a: 1\r\nb: |\r\n  x\r\n  y\r\nc: "q"\r\n'],
    ["unicode keys", 'ключ: значение\n日本: 語\n"k: v": x\n'],
    ["a literal block at the end without a line break", "a: |\n  x\n\n  y"],
    ["a kept block at the end without a line break", "b:\n  a: |+\n    x\n    y"],
    ["a stripped folded block at the end without a line break", "a: >-\n  x\n  y\n  "],
    ["a folded block at the end without a line break", "a: >\n  x\n\n  y"],
    ["flow collections in a block sequence", "- {key: app, operator: In, values: [alertmanager]}\n"],
  ])("answers %s like the full path", (_, text) => {
    const r = compareReaders(text, "case.yaml");
    expect(r.problems).toEqual([]);
    expect(r.bailed).toEqual({ kyaml: false, helm: false });
  });

  it.each([
    ["an alias to an unknown anchor", "a: *x\n"],
    ["an alias inside its own anchor", "a: &x\n  b: *x\n"],
    ["an alias to an anchor of an earlier document", "a: &x 1\n---\nb: *x\n"],
    ["an anchor on a key", "&k a: 1\n"],
    ["an anchor on nothing", "a: &x\nb: *x\n"],
    ["heavy aliasing", `a: &x\n${"  - 1\n".repeat(10)}b:\n${"  - *x\n".repeat(20)}`],
    ["a tag", "a: !!str 1\n"],
    ["a merge key", "a: {x: 1}\nb:\n  <<: {y: 2}\n"],
    ["a duplicate key", "a: 1\na: 2\n"],
    ["a tab indentation", "a:\n\tb: 1\n"],
    ["a nested mapping on one line", "a: b: c\n"],
    ["a directive", "%YAML 1.2\n---\na: 1\n"],
    ["an unclosed quote", 'a: "x\n'],
    ["a complex key", "? a\n: b\n"],
    ["flow collections nested 40 deep", `a: ${"[".repeat(40)}x${"]".repeat(40)}\n`],
    ["a block scalar ending on a blank line without a line break", "a: |\n  x\n  "],
    // go-yaml takes them for indicators in a flow collection (found by the property above).
    ["a flow scalar starting with ?", "- {A: ?x}\n"],
    ["a flow scalar starting with :", "a: [:x]\n"],
  ])("leaves %s to the full path", (_, text) => {
    const r = compareReaders(text, "case.yaml");
    expect(r.problems).toEqual([]);
    expect(r.bailed.kyaml).toBe(true);
  });
});
