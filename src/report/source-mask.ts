/**
 * Structural masking of source text: a plain (not SOPS-encrypted) Secret manifest in the
 * repository holds its values in clear, so the source view blanks every value under a Secret's
 * `data:` and `stringData:` whatever the value is (short, numeric, multi-line), and every
 * `secretGenerator` literal's value in a kustomization file.
 *
 * The file is parsed (the `yaml` package, with the repository's nesting limits) and masked by
 * the ranges of the value nodes, so that every way YAML can write a Secret is covered: JSON
 * files, a Secret inside a `kind: List`, quoted keys, flow style, block scalars, and a value
 * taken from an anchor elsewhere in the document (the anchor's text is masked too). Lines keep
 * their number (marks point at them). A file that does not parse is masked line by line,
 * erring on the side of masking.
 */
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type Node, visit } from "yaml";
import { parseAllDocumentsWithin } from "../yaml/limits.js";

export const MASKED_VALUE = "<masked>";

type Range = [number, number];

export function maskSecretManifests(text: string): string {
  if (!/Secret|secretGenerator/.test(text)) return text;
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocumentsWithin(text, { uniqueKeys: false, strict: false, prettyErrors: false });
  } catch {
    return maskLines(text);
  }
  if (docs.some((d) => d.errors.length > 0)) return maskLines(text);
  const ranges: Range[] = [];
  for (const doc of docs) {
    if (isMap(doc.contents) && doc.contents.has("sops")) continue;
    secretRanges(text, doc, doc.contents, ranges);
  }
  return applyMasks(text, ranges);
}

/** The ranges to mask in `node`: a Secret's values, a List's Secrets, a generator's literals. */
function secretRanges(src: string, doc: Document.Parsed, node: unknown, out: Range[]): void {
  if (!isMap(node)) return;
  const kind = scalarText(node.get("kind", true));
  if (kind === "Secret") {
    for (const field of ["data", "stringData"]) {
      const v = node.get(field, true);
      if (isMap(v)) for (const p of v.items) maskNode(doc, p.value, out);
      else maskNode(doc, v, out);
    }
  }
  const items = node.get("items", true);
  if (isSeq(items)) for (const item of items.items) secretRanges(src, doc, item, out);
  const generators = node.get("secretGenerator", true);
  if (isSeq(generators))
    for (const g of generators.items) {
      const literals = isMap(g) ? g.get("literals", true) : undefined;
      if (!isSeq(literals)) continue;
      for (const l of literals.items) {
        // `KEY=value`: the key stays readable, as a Secret's keys do.
        if (!isScalar(l) || !l.range || typeof l.value !== "string") continue;
        const eq = src.indexOf("=", l.range[0]);
        const start = eq >= 0 && eq < l.range[1] ? eq + 1 : l.range[0];
        out.push([start, l.range[1]]);
      }
    }
}

/** Masks a value node, and the anchored nodes its aliases stand for. */
function maskNode(doc: Document.Parsed, node: unknown, out: Range[]): void {
  if (!node || typeof node !== "object" || isPair(node)) return;
  const n = node as Node;
  if (n.range) out.push([n.range[0], n.range[1]]);
  const follow = (a: unknown) => {
    if (!isAlias(a)) return;
    const target = a.resolve(doc);
    if (target?.range) out.push([target.range[0], target.range[1]]);
  };
  follow(n);
  visit(n, { Alias: (_k, a) => follow(a) });
}

function scalarText(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === "string" ? node.value : undefined;
}

/**
 * The text with each range's content replaced by MASKED_VALUE on each of its lines (a line's
 * indentation stays), so that line numbers do not move.
 */
function applyMasks(text: string, ranges: Range[]): string {
  if (ranges.length === 0) return text;
  const sorted = ranges.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0] || y[1] - x[1]);
  let out = "";
  let at = 0;
  for (const [start, end] of sorted) {
    if (end <= at) continue;
    const from = Math.max(start, at);
    out += text.slice(at, from);
    out += text
      .slice(from, end)
      .split("\n")
      .map((seg, i) => (seg.trim() === "" ? seg : `${i === 0 ? "" : /^\s*/.exec(seg)![0]}${MASKED_VALUE}`))
      .join("\n");
    at = end;
  }
  return out + text.slice(at);
}

/** A file that does not parse: every document with `Secret` in it, masked line by line. */
function maskLines(text: string): string {
  const lines = text.split("\n");
  const out: string[] = [];
  let inBlock = false;
  for (const line of lines) {
    const top = /^\s*["']?(data|stringData|literals)["']?\s*:(.*)$/.exec(line);
    if (top) {
      inBlock = true;
      const rest = top[2]!.trim();
      out.push(
        rest === "" || rest.startsWith("#")
          ? line
          : `${line.slice(0, line.indexOf(":") + 1)} ${MASKED_VALUE}`,
      );
      continue;
    }
    if (inBlock && (line === "" || /^\s/.test(line))) {
      const m = /^(\s+)(-\s+)?(["']?[^"':#=]+["']?)(:|=)(\s|$)/.exec(line);
      out.push(
        line.trim() === ""
          ? line
          : m
            ? `${m[1]}${m[2] ?? ""}${m[3]}${m[4]} ${MASKED_VALUE}`
            : `${/^\s*/.exec(line)![0]}${MASKED_VALUE}`,
      );
      continue;
    }
    inBlock = false;
    out.push(line);
  }
  return out.join("\n");
}
