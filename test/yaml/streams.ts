/**
 * Generated YAML streams (fast-check arbitraries): nested mappings and sequences (block, compact,
 * indentless and flow), tricky plain scalars (YAML 1.1 words, numbers, indicator characters),
 * quoted and block scalars with every header, multi-line scalars, comments, CR-LF, unicode, empty
 * and comment-only documents. The fast reader's property (fast/properties.test.ts) reads `stream`
 * with both full readers; the kubectl differential (test/kustomize/yaml-streams.test.ts) builds
 * `resourceStream` documents with kubectl.
 */
import fc from "fast-check";

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

export type Scalar = { t: "scalar"; text: string; style: number; lines: string[]; header: string };
export type Node =
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

export const { node } = fc.letrec<{ node: Node }>((tie) => ({
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
export function inlineScalar(s: Scalar): string {
  if (s.style === 1) return quoteSingle(s.text);
  if (s.style === 2) return JSON.stringify(s.text);
  return s.text;
}

/** A value after `key:` or `- `, as lines; the first continues the current line. */
export function renderValue(n: Node, indent: number, extra: number): string[] {
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
export function flowText(n: Node): string {
  if (n.t === "scalar") return inlineScalar(n);
  if (n.t === "map") return `{${n.pairs.map(([k, v]) => `${inlineScalar(k)}: ${flowText(v)}`).join(", ")}}`;
  return `[${n.items.map(flowText).join(", ")}]`;
}

export function renderBlock(n: Node, indent: number, extra: number): string[] {
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

/** A stream of one to three documents, some comment-only, LF or CR-LF, with or without a leading `---`. */
export const stream = fc
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

/**
 * A stream of Kubernetes-shaped documents (apiVersion, kind, metadata.name, then a generated node
 * as `spec`), for kustomize to build: the document separators carry comments at times, and a
 * document may be closed with `...`.
 */
export const resourceStream = fc
  .record({
    docs: fc.array(fc.tuple(node, fc.nat(7), fc.nat(9)), { minLength: 1, maxLength: 3 }),
    crlf: fc.boolean(),
    leadingMarker: fc.boolean(),
  })
  .map(({ docs, crlf, leadingMarker }) => {
    const parts = docs.map(([n, extra, shape], i) => {
      if (extra === 6) return "# only a comment\n";
      const head = `apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: doc${i}\n`;
      const [first, ...rest] = renderValue(n, 0, extra);
      const spec = first === "" ? ["spec:", ...rest] : [`spec: ${first}`, ...rest];
      return `${head}${spec.join("\n")}\n${shape === 0 ? "...\n" : ""}`;
    });
    const separators = ["---\n", "---\n", "--- # next\n", "---   \n"];
    const text =
      (leadingMarker ? "---\n" : "") +
      parts.reduce(
        (all, part, i) => (i === 0 ? part : all + (separators[i % separators.length] as string) + part),
        "",
      );
    return crlf ? text.replace(/\n/g, "\r\n") : text;
  });
