import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type YAMLMap,
  type YAMLSeq,
  type Scalar as YamlScalar,
} from "yaml";
import { decodeGoStdBase64 } from "../../go/base64.js";
import { AliasGuard, parseAllDocumentsWithin, YamlNestingError } from "../../yaml/limits.js";
import {
  Branch,
  ByteString,
  Comment,
  type Scalar,
  Sequence,
  SopsTime,
  type TreeBranches,
  type TreeValue,
} from "../tree.js";
import { formatGoFloat } from "../values.js";
import { doubleQuoted, quoteSingleLine, resolvePlain } from "./yaml-scalar.js";

/**
 * YAML store: every document is one branch. Parsed with the `yaml` package's failsafe schema
 * (every scalar stays text) and resolved with go-yaml v3's rules; written with our own
 * emitter so indentation, quoting and block scalars look the way sops writes them.
 */

class YamlLoadError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

const BINARY_TAG = "tag:yaml.org,2002:binary";
const STR_TAG = "tag:yaml.org,2002:str";

function commentsOf(text: string | null | undefined, inline = false): Comment[] {
  if (!text) return [];
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => new Comment(l, inline));
}

/**
 * `key: # note` over a block collection: go-yaml makes it the key's LineComment, which sops puts
 * before the key (stores/yaml/store.go) and so writes above it; the yaml package makes it the
 * first line of the collection's commentBefore, as it does a comment on the next line, so the
 * source line tells them apart. Taken off the collection, so it is not read twice.
 */
function takeKeyLineComment(text: string, keyNode: Node | null, value: YAMLMap | YAMLSeq): Comment[] {
  const end = keyNode?.range?.[1];
  if (end === undefined || !value.commentBefore || value.flow) return [];
  const eol = text.indexOf("\n", end);
  const rest = text.slice(end, eol < 0 ? text.length : eol);
  // After the `:` only properties (anchor, tag) may come before the comment.
  if (!/^[ \t]*:(?:[ \t]+[&!][^ \t]*)*[ \t]+#/.test(rest)) return [];
  const [first, ...others] = value.commentBefore.split("\n");
  value.commentBefore = others.length > 0 ? others.join("\n") : null;
  return commentsOf(first);
}

function isCollection(node: unknown): node is YAMLMap | YAMLSeq {
  return isMap(node) || isSeq(node);
}

export function loadYaml(text: string): TreeBranches {
  const lines = new LineCounter();
  const lineOf = (node: Node | null | undefined): number | undefined => {
    const offset = node?.range?.[0];
    return offset === undefined ? undefined : lines.linePos(offset).line;
  };
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocumentsWithin(
      text,
      // No YAML 1.1 collection tags (`!!omap`, `!!pairs`, `!!set`): go-yaml v3, which sops reads
      // with, reads each as the plain collection it tags (sops keeps no tag of a collection).
      { schema: "failsafe", merge: false, uniqueKeys: true, resolveKnownTags: false },
      lines,
    );
  } catch (err) {
    if (err instanceof YamlNestingError) throw new YamlLoadError(err.message, err.line);
    throw err;
  }
  const out: TreeBranches = [];
  for (const doc of docs as Document[]) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      throw new YamlLoadError(
        `invalid YAML: ${e.message.split("\n")[0] ?? ""}`,
        lines.linePos(e.pos[0]).line,
      );
    }
    // sops reads YAML with go-yaml v3, which refuses alias bombs; so do we.
    const guard = new AliasGuard();
    const convert = (node: unknown, depth: number): TreeValue => {
      if (depth > 1000) throw new YamlLoadError("YAML nesting too deep (alias cycle?)");
      if (guard.node()) throw new YamlLoadError("document contains excessive aliasing", lineOf(node as Node));
      if (node === null || node === undefined) return null;
      if (isAlias(node)) {
        const target = node.resolve(doc);
        // go-yaml fails the document (parserc.go); the yaml package resolves it to nothing, and
        // the value would be written back as null.
        if (target === undefined)
          throw new YamlLoadError(`unknown anchor '${node.source}' referenced`, lineOf(node as Node));
        guard.enterAlias();
        try {
          return convert(target, depth + 1);
        } finally {
          guard.leaveAlias();
        }
      }
      if (isScalar(node)) return scalarValue(node, lineOf(node));
      if (isMap(node)) {
        const b = new Branch();
        b.items.push(...commentsOf(node.commentBefore));
        for (const pair of node.items) {
          if (!isPair(pair)) continue;
          const keyNode = pair.key as Node | null;
          const key = keyOf(keyNode, lineOf(keyNode));
          const valueNode = pair.value as Node | null;
          b.items.push(...commentsOf(keyNode?.commentBefore), ...commentsOf(keyNode?.comment));
          if (isCollection(valueNode)) b.items.push(...takeKeyLineComment(text, keyNode, valueNode));
          if (isScalar(valueNode) || isAlias(valueNode)) {
            // go-yaml's value LineComment: sops flags it Inline (stores/yaml/store.go).
            b.items.push(...commentsOf(valueNode.commentBefore), ...commentsOf(valueNode.comment, true));
          }
          b.items.push({ key, value: convert(valueNode, depth + 1) });
        }
        b.items.push(...commentsOf(node.comment));
        return b;
      }
      if (isSeq(node)) {
        const s = new Sequence();
        s.items.push(...commentsOf(node.commentBefore));
        for (const item of node.items) {
          const n = item as Node | null;
          if (isScalar(n) || isAlias(n))
            s.items.push(...commentsOf(n.commentBefore), ...commentsOf(n.comment, true));
          s.items.push(convert(item, depth + 1));
        }
        s.items.push(...commentsOf(node.comment));
        return s;
      }
      throw new YamlLoadError("unsupported YAML node");
    };
    const top = convert(doc.contents, 0);
    let branch: Branch;
    if (top === null) branch = new Branch();
    else if (top instanceof Branch) branch = top;
    else throw new YamlLoadError("the top level of a YAML document must be a mapping", lineOf(doc.contents));
    if (doc.commentBefore) branch.items.unshift(...commentsOf(doc.commentBefore));
    if (doc.comment) branch.items.push(...commentsOf(doc.comment));
    out.push(branch);
  }
  return out;
}

export { YamlLoadError };

function keyOf(node: Node | null, line: number | undefined): string {
  if (isScalar(node)) {
    const v = scalarValue(node, line);
    if (typeof v === "string") return v;
  }
  throw new YamlLoadError("only string keys are supported by sops", line);
}

function scalarValue(node: YamlScalar, line: number | undefined): Scalar | null {
  const raw = node.value;
  if (node.tag === BINARY_TAG) {
    // go-yaml decodes !!binary with Go's StdEncoding and fails on anything else ("!!binary value
    // contains invalid base64 data"). Known tags are not resolved here (loadYaml), so the text
    // is decoded here.
    const bytes = decodeGoStdBase64(typeof node.source === "string" ? node.source : String(raw ?? ""));
    if (bytes === undefined) throw new YamlLoadError("!!binary value contains invalid base64 data", line);
    const text = bytes.toString("utf8");
    return Buffer.from(text, "utf8").equals(bytes) ? text : new ByteString(bytes);
  }
  const text = String(raw ?? "");
  const tag = node.tag;
  if (tag === STR_TAG) return text;
  if (tag && !tag.startsWith("tag:yaml.org,2002:")) return text; // custom tags decode as strings
  if (node.type !== "PLAIN" && !tag) return text;
  const r = resolvePlain(text);
  if (r !== null && typeof r === "object" && !(r instanceof SopsTime)) {
    throw new YamlLoadError("integer beyond the int64 range is not supported by sops", line);
  }
  return r as Scalar | null;
}

// ---------------------------------------------------------------------------------------
// Emission

/** go-yaml v3 indentation: nested blocks align to the next multiple of the indent step. */
function nextIndent(indent: number, step: number): number {
  return step * Math.floor((indent + step) / step);
}

export function emitYaml(branches: TreeBranches, step = 4): string {
  return branches
    .map((b) => {
      const lines: string[] = [];
      emitBranch(b, 0, step, lines, undefined);
      return lines.map((l) => `${l}\n`).join("");
    })
    .join("---\n");
}

/**
 * `firstPrefix`: when the block starts on a sequence dash line (`- key: v`), the text that
 * precedes its first line; later lines are indented to `indent`.
 */
function emitBranch(
  b: Branch,
  indent: number,
  step: number,
  lines: string[],
  firstPrefix: string | undefined,
): void {
  const put = lineWriter(indent, lines, firstPrefix);
  if (b.items.length === 0) {
    put("{}");
    return;
  }
  let inline: string[] = [];
  for (const item of b.items) {
    if (item instanceof Comment) {
      if (item.inline) inline.push(item.text);
      else put(`#${item.text}`);
    } else {
      emitValue(`${emitKey(item.key)}:`, item.value, indent, step, lines, put, undefined, inline);
      inline = [];
    }
  }
  // With no value left to follow, sops writes them as foot comments (appendTreeBranch).
  for (const text of inline) put(`#${text}`);
}

function emitSequence(
  seq: Sequence,
  indent: number,
  step: number,
  lines: string[],
  firstPrefix: string | undefined,
): void {
  const put = lineWriter(indent, lines, firstPrefix);
  if (seq.items.length === 0) {
    put("[]");
    return;
  }
  const pad = " ".repeat(indent);
  let inline: string[] = [];
  for (const item of seq.items) {
    if (item instanceof Comment) {
      if (item.inline) inline.push(item.text);
      else put(`#${item.text}`);
      continue;
    }
    // Only a scalar item carries one (the loader flags scalar and alias items' comments).
    for (const text of isNonEmptyCollection(item) ? inline : []) put(`#${text}`);
    if (item instanceof Branch && item.items.length > 0) {
      emitBranch(item, indent + 2, step, lines, takePrefix(put, pad, "- "));
    } else if (item instanceof Sequence && item.items.length > 0) {
      emitSequence(item, indent + 2, step, lines, takePrefix(put, pad, "- "));
    } else emitValue("-", item, indent + 2 - step, step, lines, put, indent + 2, inline);
    inline = [];
  }
  for (const text of inline) put(`#${text}`);
}

function isNonEmptyCollection(v: TreeValue): boolean {
  return (v instanceof Branch || v instanceof Sequence) && v.items.length > 0;
}

type LineWriter = ((line: string) => void) & { pending?: () => string | undefined };

function lineWriter(indent: number, lines: string[], firstPrefix: string | undefined): LineWriter {
  const pad = " ".repeat(indent);
  let prefix = firstPrefix;
  const put: LineWriter = (line: string) => {
    if (prefix !== undefined) {
      lines.push(prefix + line);
      prefix = undefined;
    } else lines.push(pad + line);
  };
  put.pending = () => {
    const p = prefix;
    prefix = undefined;
    return p;
  };
  return put;
}

/** The prefix for a nested block that starts on this writer's next line. */
function takePrefix(put: LineWriter, pad: string, dash: string): string {
  const p = put.pending?.();
  return p !== undefined ? p + dash : pad + dash;
}

function emitKey(k: string): string {
  return k.includes("\n") ? doubleQuoted(k) : quoteSingleLine(k);
}

/**
 * Writes `head` (`key:` or `-`) and its value. `indent` is the column of the enclosing
 * block; `scalarIndent` overrides where a block scalar's content goes (sequence items).
 */
function emitValue(
  head: string,
  value: TreeValue,
  indent: number,
  step: number,
  lines: string[],
  put: LineWriter,
  scalarIndent?: number,
  inline: readonly string[] = [],
): void {
  // go-yaml writes a line comment after the value on its first line (after a block scalar's
  // header, emitterc.go yaml_emitter_write_literal_scalar), one space before the `#`.
  const tail = inline.length > 0 ? ` #${inline[0]}` : "";
  const more = () => {
    for (const text of inline.slice(1)) put(`#${text}`);
  };
  if (value instanceof Branch) {
    if (value.items.length === 0) put(`${head} {}${tail}`);
    else {
      put(`${head}${tail}`);
      more();
      emitBranch(value, nextIndent(indent, step), step, lines, undefined);
      return;
    }
    more();
    return;
  }
  if (value instanceof Sequence) {
    if (value.items.length === 0) put(`${head} []${tail}`);
    else {
      put(`${head}${tail}`);
      more();
      emitSequence(value, nextIndent(indent, step), step, lines, undefined);
      return;
    }
    more();
    return;
  }
  const block = blockScalar(value, scalarIndent ?? nextIndent(indent, step), step);
  if (block) {
    put(`${head} ${block[0]}${tail}`);
    more();
    lines.push(...block.slice(1));
    return;
  }
  put(`${head} ${scalarText(value)}${tail}`);
  more();
}

function scalarText(v: TreeValue): string {
  if (v === null) return "null";
  if (typeof v === "string") return quoteSingleLine(v);
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return goYamlFloat(v);
  if (v instanceof SopsTime) return v.text;
  if (v instanceof ByteString) return `!!binary ${v.bytes.toString("base64")}`;
  throw new Error("not a scalar");
}

/** go-yaml writes floats as FormatFloat(f, 'g', -1, 64), with its own inf/nan spellings. */
function goYamlFloat(f: number): string {
  if (Number.isNaN(f)) return ".nan";
  if (f === Number.POSITIVE_INFINITY) return ".inf";
  if (f === Number.NEGATIVE_INFINITY) return "-.inf";
  if (Object.is(f, -0)) return "-0";
  const [mant, e] = f.toExponential().split("e") as [string, string];
  const x = Number(e);
  // Go's %g with the shortest precision uses an exponent when exp < -4 || exp >= 6.
  if (x < -4 || x >= 6) return `${mant}e${x < 0 ? "-" : "+"}${String(Math.abs(x)).padStart(2, "0")}`;
  return formatGoFloat(f);
}

/** A multi-line string as a literal block (`|`, `|-`, `|+`); undefined for other values. */
function blockScalar(v: TreeValue, contentIndent: number, step: number): string[] | undefined {
  if (typeof v !== "string" || !v.includes("\n")) return undefined;
  const lines = v.split("\n");
  // go-yaml falls back to double quotes when a line ends in a space or the text needs escapes.
  if (lines.some((l) => / $/.test(l)) || /[\u0000-\u0008\u000b-\u001f\u007f\u2028\u2029\ufeff]/.test(v)) {
    return [doubleQuoted(v)];
  }
  let chomp = "-";
  let body = lines;
  if (v.endsWith("\n")) {
    body = lines.slice(0, -1);
    chomp = v.endsWith("\n\n") || v === "\n" ? "+" : "";
  }
  const indicator = /^[ \n]/.test(v) ? String(step) : "";
  const pad = " ".repeat(contentIndent);
  return [`|${indicator}${chomp}`, ...body.map((l) => (l === "" ? "" : pad + l))];
}
