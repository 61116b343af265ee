/**
 * Reading YAML the way Helm 4.1.4 reads it: `sigs.k8s.io/yaml` v1.6.0 `Unmarshal`, which decodes
 * with go-yaml **v2** (YAML 1.1 scalars) into `interface{}`, converts the result to JSON and
 * decodes that JSON with `encoding/json`. Values files, Chart.yaml, `fromYaml` and the manifest
 * heads Helm sorts all go through it.
 *
 * What that means for values:
 * - scalars resolve as go-yaml v2 does (resolve.go): `y/Y/yes/on/…` and `n/no/off/…` are booleans,
 *   ints accept `0x`, `0o`, `0b`, legacy octal `0777` and `_`, floats need YAML's float syntax;
 *   timestamps stay the text they were written as;
 * - the JSON step: every number becomes a float64, NaN and ±Inf are errors, mapping keys that are
 *   not strings become strings (ints in decimal, floats as float32 'g', booleans `true`/`false`);
 * - merge keys (`<<`) merge in go-yaml v2's order: a merged map overwrites keys set before the
 *   `<<` entry, keys after it win, and among several merged maps the first wins;
 * - duplicate keys: the later one wins (sigs.k8s.io/yaml is not strict).
 *
 * `RawYaml` is the go-yaml v2 result before the JSON step, so typed decoders (Chart.yaml into
 * chart.Metadata, a manifest head into SimpleHead) can apply sigs.k8s.io/yaml's "number or bool
 * into a string field becomes its text" rule.
 */

import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  type Scalar,
} from "yaml";
import { SlipwayError } from "../errors.js";
import { decodeGoBinary, INVALID_BINARY } from "../yaml/binary.js";
import { blanksOnlyBlockValue } from "../yaml/block-blanks.js";
import { blockValueAtEnd } from "../yaml/block-scalar-end.js";
import { GO_YAML_FORBIDDEN } from "../yaml/char-guard.js";
import {
  bail,
  type FastDocument,
  type FastNode,
  isBail,
  MAX_ALIASED_NODES,
  scanFastYaml,
} from "../yaml/fast/index.js";
import { goYamlReadableText } from "../yaml/kyaml-stream.js";
import { goYamlProblem } from "../yaml/libyaml/parser.js";
import { MAX_YAML_DEPTH, parseAllDocumentsWithin, YamlNestingError } from "../yaml/limits.js";
import { goSeparatedValue, hasLineSeparator } from "../yaml/line-separators.js";
import { type Indented, indentQuotedContinuation, movedOffsets } from "../yaml/quoted-indent.js";
import { invalidUtf8Reason } from "../yaml/utf8.js";
import { formatFloat } from "./template/ftoa.js";
import { escapedByte, utf8Encode } from "./template/gostring.js";
import { quote } from "./template/quote.js";
import { GoMap, type GoValue } from "./template/value.js";
import { decodeUtf16Yaml, hasSeparatorLine, utf16Order, yamlReaderBytes } from "./utf16.js";

/** A go-yaml v2 integer (int, int64 or uint64 in Go). */
export class RawInt {
  constructor(readonly value: bigint) {}
}

/** A go-yaml v2 mapping: keys keep their YAML type until the JSON step. */
export class RawMap {
  readonly entries: Array<[RawYaml, RawYaml]> = [];
}

/** A decoded go-yaml v2 value: float64 is `number`. */
export type RawYaml = null | boolean | string | number | RawInt | RawMap | RawYaml[];

/** A YAML error with Helm's wording ("yaml: line N: …") and the place as data. */
export class YamlError extends SlipwayError {}

const MERGE_TAG = "tag:yaml.org,2002:merge";

const V2_SPECIAL = new Map<string, RawYaml>([
  ...["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"].map((s): [string, RawYaml] => [
    s,
    true,
  ]),
  ...["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"].map(
    (s): [string, RawYaml] => [s, false],
  ),
  ...["", "~", "null", "Null", "NULL"].map((s): [string, RawYaml] => [s, null]),
  ...[".nan", ".NaN", ".NAN"].map((s): [string, RawYaml] => [s, Number.NaN]),
  ...[".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"].map((s): [string, RawYaml] => [
    s,
    Number.POSITIVE_INFINITY,
  ]),
  ...["-.inf", "-.Inf", "-.INF"].map((s): [string, RawYaml] => [s, Number.NEGATIVE_INFINITY]),
]);

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Go's strconv.ParseInt/ParseUint with base 0 (no underscores: go-yaml removed them). */
function parseGoInteger(s: string, signed: boolean): bigint | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  if (!signed && m[1] !== "") return undefined;
  const body = m[2] as string;
  let v: bigint;
  if (/^0[oO]/.test(body)) v = BigInt(`0o${body.slice(2)}`);
  else if (/^0[0-7]+$/.test(body)) v = BigInt(`0o${body.slice(1)}`);
  else v = BigInt(body.toLowerCase());
  if (m[1] === "-") v = -v;
  if (signed ? v < INT64_MIN || v > INT64_MAX : v > UINT64_MAX) return undefined;
  return v;
}

/** go-yaml v2 `resolve("", s)` for an untagged plain scalar. */
export function resolveV2(s: string): RawYaml {
  if (V2_SPECIAL.has(s)) return V2_SPECIAL.get(s) as RawYaml;
  const c = s.charCodeAt(0);
  if (c === 0x2e /* . */) {
    // strconv.ParseFloat on the text as written (no underscores allowed).
    if (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s)) {
      const f = Number(s);
      if (Number.isFinite(f)) return f;
    }
    return s;
  }
  const isDigit = c >= 0x30 && c <= 0x39;
  if (!isDigit && c !== 0x2b && c !== 0x2d) return s;
  const plain = s.includes("_") ? s.replace(/_/g, "") : s;
  const i = parseGoInteger(plain, true) ?? parseGoInteger(plain, false);
  if (i !== undefined) return new RawInt(i);
  if (YAML_STYLE_FLOAT.test(plain)) {
    const f = Number(plain);
    if (Number.isFinite(f)) return f;
  }
  return s;
}

function scalarText(node: Scalar): string {
  if (typeof node.value === "string") return node.value;
  return node.source ?? String(node.value ?? "");
}

const STANDARD_TAGS = new Set(["str", "bool", "int", "float", "null", "binary", "timestamp", "merge"]);

class Converter {
  private readonly expanding = new Set<Node>();
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;

  constructor(
    private readonly doc: Document,
    private readonly file: string,
    private readonly lines: LineCounter,
    private readonly firstLine: number,
    private readonly src: string,
    private readonly separators: ReadonlyMap<number, string> = new Map(),
  ) {
    this.lineSeparators = separators.size > 0 || hasLineSeparator(src);
  }

  /** The source holds a LS or PS, which go-yaml reads as line breaks (line-separators.ts). */
  private readonly lineSeparators: boolean;

  fail(message: string, node: Node | null | undefined): never {
    const offset = node?.range?.[0];
    const pos = offset === undefined ? undefined : this.lines.linePos(offset);
    const line = pos ? pos.line + this.firstLine - 1 : undefined;
    // go-yaml's decoder errors carry no line.
    throw new YamlError(`yaml: ${message}`, { file: this.file, line, column: pos?.col });
  }

  convert(node: Node | null): RawYaml {
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    // go-yaml v2.4's guard against alias bombs ("billion laughs").
    if (this.aliasCount > 100 && this.decodeCount > 1000 && this.aliasCount / this.decodeCount > 0.99) {
      this.fail("document contains excessive aliasing", node);
    }
    if (node === null) return null;
    if (isScalar(node)) return this.scalar(node);
    if (isMap(node)) return this.mapping(node.items as Pair<Node | null, Node | null>[]);
    if (isSeq(node)) return node.items.map((item) => this.convert(item as Node | null));
    if (isAlias(node)) {
      const target = this.target(node);
      if (this.expanding.has(target)) this.fail(`anchor '${node.source}' value contains itself`, node);
      this.expanding.add(target);
      this.aliasDepth++;
      try {
        return this.convert(target);
      } finally {
        this.aliasDepth--;
        this.expanding.delete(target);
      }
    }
    return this.fail("unsupported YAML node", node);
  }

  private target(alias: Node): Node {
    const target = isAlias(alias) ? (alias.resolve(this.doc) as Node | undefined) : alias;
    if (!target) this.fail(`unknown anchor '${(alias as { source?: string }).source}' referenced`, alias);
    return target;
  }

  private scalar(node: Scalar): RawYaml {
    // go-yaml v2 folds block scalars as the spec says (v3's extra line break is not in v2).
    let text = scalarText(node);
    const separated = this.lineSeparators
      ? goSeparatedValue(node, text, this.src, this.separators)
      : undefined;
    if (separated !== undefined) text = separated;
    // libyaml adds no final line break to a block scalar that ends the input without one.
    else if (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED")
      text = blanksOnlyBlockValue(node.range, this.src, text) ?? blockValueAtEnd(node.range, this.src, text);
    const plain = node.type === "PLAIN" || node.type === undefined;
    const tag = node.tag;
    if (tag && tag !== "!") {
      const short = tag.startsWith("tag:yaml.org,2002:") ? tag.slice("tag:yaml.org,2002:".length) : undefined;
      if (short === undefined || !STANDARD_TAGS.has(short)) return text;
      if (short === "str" || short === "timestamp") return text;
      if (short === "binary") return decodeGoBinary(text) ?? this.fail(INVALID_BINARY, node);
      const r = resolveV2(text);
      const got =
        r === null
          ? "null"
          : typeof r === "boolean"
            ? "bool"
            : r instanceof RawInt
              ? "int"
              : typeof r === "string"
                ? "str"
                : "float";
      if (short === "null" && got === "null") return null;
      if (short === "bool" && got === "bool") return r;
      if (short === "int" && got === "int") return r;
      if (short === "float" && (got === "float" || got === "int")) {
        return r instanceof RawInt ? Number(r.value) : r;
      }
      if (short === "merge" && text === "<<") return text;
      return this.fail(`cannot decode !!${got} \`${text}\` as a !!${short}`, node);
    }
    if (!plain) return text;
    return resolveV2(text);
  }

  private isMergeKey(key: Node | null): boolean {
    if (key === null || !isScalar(key) || (key.type !== "PLAIN" && key.tag !== MERGE_TAG)) return false;
    return scalarText(key) === "<<" && (!key.tag || key.tag === MERGE_TAG);
  }

  private mapping(pairs: Pair<Node | null, Node | null>[]): RawMap {
    const out = new RawMap();
    const index = new Map<string, number>();
    const put = (k: RawYaml, v: RawYaml) => putEntry(out, index, k, v);
    for (const pair of pairs) {
      if (this.isMergeKey(pair.key)) {
        this.merge(pair.value, put);
        continue;
      }
      const keyNode = pair.key;
      const k = this.convert(keyNode);
      if (k instanceof RawMap || Array.isArray(k)) this.fail(`invalid map key: ${goSyntax(k)}`, keyNode);
      put(k, this.convert(pair.value));
    }
    return out;
  }

  /** go-yaml v2 decoder.merge: a map, an alias of one, or a sequence of them (earlier ones win). */
  private merge(value: Node | null, put: (k: RawYaml, v: RawYaml) => void): undefined {
    const fail = (): never => this.fail("map merge requires map or sequence of maps as the value", value);
    if (value === null) return fail();
    const resolved: Node = isAlias(value) ? this.target(value) : value;
    if (isMap(resolved)) {
      for (const [k, v] of (this.convert(value) as RawMap).entries) put(k, v);
      return;
    }
    if (!isSeq(resolved)) return fail();
    const items = resolved.items as Node[];
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i] as Node;
      const m = isAlias(item) ? this.target(item) : item;
      if (!isMap(m)) return fail();
      for (const [k, v] of (this.convert(item) as RawMap).entries) put(k, v);
    }
  }
}

/** Sets a key of a go-yaml v2 map: a duplicate key keeps its place and takes the later value. */
function putEntry(out: RawMap, index: Map<string, number>, k: RawYaml, v: RawYaml): void {
  const id = keyIdentity(k);
  const at = index.get(id);
  if (at === undefined) {
    index.set(id, out.entries.length);
    out.entries.push([k, v]);
  } else {
    (out.entries[at] as [RawYaml, RawYaml])[1] = v;
  }
}

/**
 * A fast tree (src/yaml/fast) read as the Converter reads the `yaml` package's nodes: plain
 * scalars resolve as go-yaml v2 does, quoted and block scalars are their text, aliases expand.
 * Merge keys and heavy aliasing bail to the full path.
 */
function rawFromFast(node: FastNode, aliases: { depth: number; nodes: number }): RawYaml {
  if (aliases.depth > 0 && ++aliases.nodes > MAX_ALIASED_NODES) bail();
  switch (node.kind) {
    case "scalar":
      return node.style === "plain" ? resolveV2(node.text) : node.text;
    case "seq":
      return node.items.map((item) => rawFromFast(item, aliases));
    case "alias": {
      aliases.depth++;
      const value = rawFromFast(node.target, aliases);
      aliases.depth--;
      return value;
    }
    default: {
      const out = new RawMap();
      const index = new Map<string, number>();
      const pairs = node.pairs;
      for (let i = 0; i < pairs.length; i++) {
        const { key, value } = pairs[i]!;
        if (key.style === "plain" && key.text === "<<") bail();
        putEntry(out, index, rawFromFast(key, aliases), rawFromFast(value, aliases));
      }
      return out;
    }
  }
}

/** The first document through the fast reader; undefined when the full path must read it. */
export function readRawYamlFast(text: string): RawYaml | undefined {
  const docs = scanFastYaml(text);
  if (!docs) return undefined;
  const root = docs[0]?.root ?? null;
  try {
    return root === null ? null : rawFromFast(root, { depth: 0, nodes: 0 });
  } catch (err) {
    if (isBail(err)) return undefined;
    throw err;
  }
}

/**
 * A mapping of the fast tree with its values left unread: keys as go-yaml v2 reads them (a
 * duplicate key keeps its place and takes the later value, as in RawMap), values read on demand
 * by `lazyValue`. For readers that need a few fields of a large document (a manifest's head).
 */
export class LazyRawMap {
  readonly entries: Array<[RawYaml, FastNode]> = [];
}

/** Whether rawFromFast would bail on the tree (a merge key, too much alias expansion). */
function fastTreeBails(node: FastNode, aliases: { depth: number; nodes: number }): boolean {
  if (aliases.depth > 0 && ++aliases.nodes > MAX_ALIASED_NODES) return true;
  switch (node.kind) {
    case "scalar":
      return false;
    case "seq":
      for (const item of node.items) if (fastTreeBails(item, aliases)) return true;
      return false;
    case "alias": {
      aliases.depth++;
      const bails = fastTreeBails(node.target, aliases);
      aliases.depth--;
      return bails;
    }
    default:
      for (let i = 0; i < node.pairs.length; i++) {
        const { key, value } = node.pairs[i]!;
        if (key.style === "plain" && key.text === "<<") return true;
        if (fastTreeBails(key, aliases) || fastTreeBails(value, aliases)) return true;
      }
      return false;
  }
}

/**
 * A value of the fast tree: a mapping (through aliases) as a LazyRawMap, anything else read as
 * rawFromFast reads it. Only for trees that fastTreeBails passed, so reading never bails.
 */
export function lazyValue(node: FastNode): RawYaml | LazyRawMap {
  let n = node;
  while (n.kind === "alias") n = n.target;
  if (n.kind !== "map") return rawFromFast(n, { depth: 0, nodes: 0 });
  const out = new LazyRawMap();
  const index = new Map<string, number>();
  for (const { key, value } of n.pairs) {
    const k = rawFromFast(key, { depth: 0, nodes: 0 });
    const id = keyIdentity(k);
    const at = index.get(id);
    if (at === undefined) {
      index.set(id, out.entries.length);
      out.entries.push([k, value]);
    } else {
      (out.entries[at] as [RawYaml, FastNode])[1] = value;
    }
  }
  return out;
}

/**
 * The first document as readRawYaml reads it, with mappings left unread (see LazyRawMap);
 * undefined when the full path must read it (then readRawYamlFull gives the same result as
 * readRawYaml would). The whole tree is scanned and checked, so any document readRawYaml
 * refuses is refused here too. `scanned` is handed the fast reader's documents of the text when
 * it read them (src/helm/manifest-scans.ts keeps them for a second reader of the same text).
 */
export function readRawYamlLazy(
  text: string,
  scanned?: (docs: FastDocument[]) => void,
): RawYaml | LazyRawMap | undefined {
  const docs = scanFastYaml(text);
  if (!docs) return undefined;
  scanned?.(docs);
  const root = docs[0]?.root ?? null;
  if (root === null) return null;
  // Without a `*` there is no alias, without `<<` no merge key: nothing to bail on, and the walk
  // (~10 ms of the Helm corpus's manifest heads, all of a CRD's schema visited) is skipped.
  if ((text.includes("*") || text.includes("<<")) && fastTreeBails(root, { depth: 0, nodes: 0 }))
    return undefined;
  return lazyValue(root);
}

function keyIdentity(k: RawYaml): string {
  if (k === null) return "n:";
  if (typeof k === "boolean") return `b:${k}`;
  if (typeof k === "string") return `s:${k}`;
  if (typeof k === "number") return `f:${k}`;
  if (k instanceof RawInt) return `i:${k.value}`;
  return `o:${Math.random()}`;
}

function checkCharacters(text: string, file: string, firstLine: number): void {
  const m = GO_YAML_FORBIDDEN.exec(text);
  if (!m) return;
  const before = text.slice(0, m.index);
  const line = before.split("\n").length + firstLine - 1;
  // go-yaml's reader meets either as it decodes: a byte that is not UTF-8 (a Go string holds it
  // as U+DC80+byte, template/gostring.ts) fails in its own words.
  const problem =
    escapedByte(m[0].charCodeAt(0)) >= 0
      ? invalidUtf8Reason(utf8Encode(text))
      : "control characters are not allowed";
  throw new YamlError(`yaml: ${problem}`, {
    file,
    line,
    column: m.index - before.lastIndexOf("\n"),
  });
}

/**
 * go-yaml v2 decoding of one YAML document (sigs.k8s.io/yaml reads only the first document of
 * its input). An empty document is null.
 */
export function readRawYaml(text: string, file = "<input>", firstLine = 1): RawYaml {
  const fast = readRawYamlFast(text);
  return fast !== undefined ? fast : readRawYamlFull(text, file, firstLine);
}

/**
 * readRawYaml without the fast reader (its oracle in tests): go-yaml's scanner and parser
 * (src/yaml/libyaml) judge the syntax, the `yaml` package builds the tree.
 */
export function readRawYamlFull(text: string, file = "<input>", firstLine = 1): RawYaml {
  checkCharacters(text, file, firstLine);
  // go-yaml's own scanner and parser (a port that builds no values) decide whether and where the
  // first document fails, in go-yaml's words: the `yaml` package accepts some documents go-yaml
  // refuses, and words and places its errors its own way.
  const go = goYamlProblem(text);
  if ("message" in go) {
    const line = go.line0 === undefined ? undefined : go.line0 + firstLine;
    throw new YamlError(`yaml: ${go.message}`, { file, line });
  }
  // go-yaml v2's Unmarshal stops after the first document, and where it ends (a `---`, a `...`,
  // a directive, a node less indented than the root) it reads no further: neither does Slipway.
  // What go-yaml's scanner reads otherwise than the `yaml` package is edited in (kyaml-stream.ts).
  const read = goYamlReadableText(go.end < text.length ? text.slice(0, go.end) : text, go);
  let body = read.text;
  let separators = read.separators;
  for (;;) {
    const lines = new LineCounter();
    const doc = parseFirstDocument(body, lines, file, firstLine);
    if (doc === undefined) return null;
    const err = doc.errors[0];
    if (err === undefined)
      return new Converter(doc, file, lines, firstLine, body, separators).convert(
        doc.contents as Node | null,
      );
    // What go-yaml reads and the `yaml` package refuses, where a few spaces make it read the
    // same: a comment glued to a token, a quoted scalar's continuation line no deeper than its
    // collection (src/yaml/quoted-indent.ts). Each repair changes the text: another pass.
    const repaired = spaceBeforeComments(body, doc.errors) ?? indentQuotedContinuation(body, [doc]);
    if (repaired !== undefined) {
      body = repaired.text;
      separators = movedOffsets(separators, repaired.inserted);
      continue;
    }
    // go-yaml reads what the `yaml` package refuses: Slipway cannot read it, and says so in
    // the `yaml` package's words.
    const pos = lines.linePos(err.pos[0]);
    const raw = err.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? "YAML error";
    const line = pos.line + firstLine - 1;
    throw new YamlError(
      `yaml: line ${pos.line}: ${raw} (go-yaml reads this; Slipway's YAML reader does not)`,
      {
        file,
        line,
        column: pos.col,
      },
    );
  }
}

/** The first document the `yaml` package reads of `body`, undefined when it holds none. */
function parseFirstDocument(
  body: string,
  lines: LineCounter,
  file: string,
  firstLine: number,
): Document.Parsed | undefined {
  try {
    // go-yaml allows 10,000 levels; no chart needs more than a few dozen, and the `yaml`
    // package must not compose deeper than its stack can follow.
    // No YAML 1.1 collection tags (`!!omap`, `!!pairs`, `!!set`): go-yaml reads each as the plain
    // collection it tags.
    return parseAllDocumentsWithin(
      body,
      { schema: "failsafe", uniqueKeys: false, resolveKnownTags: false },
      lines,
    )[0];
  } catch (err) {
    if (!(err instanceof YamlNestingError)) throw err;
    const line = (err.line ?? 1) + firstLine - 1;
    throw new YamlError(
      `yaml: line ${err.line ?? 1}: collections nested deeper than ${MAX_YAML_DEPTH} levels (Slipway's limit; go-yaml allows 10000)`,
      { file, line, column: err.column },
    );
  }
}

/**
 * libyaml starts a comment at a `#` wherever a token may start, so `"x"#c`, `[a]#c` and `[a,#c`
 * hold a comment; the `yaml` package wants white space before it. When that is all it refuses,
 * the text with a space before each such `#` reads the same in both (a comment has no value).
 */
function spaceBeforeComments(
  text: string,
  errors: readonly { code: string; pos: [number, number] }[],
): Indented | undefined {
  const at = [...new Set(errors.map((e) => e.pos[0]))];
  const all = errors.every(
    (e) => e.code === "MISSING_CHAR" && text[e.pos[0]] === "#" && !/\s/.test(text[e.pos[0] - 1] ?? " "),
  );
  if (!all) return undefined;
  let out = text;
  for (const p of at.sort((a, b) => b - a)) out = `${out.slice(0, p)} ${out.slice(p)}`;
  return { text: out, inserted: at.map((p): [number, number] => [p, 1]) };
}

/** Go's strconv.FormatFloat(f, 'g', -1, 32): the shortest text that reads back as the same float32. */
export function formatFloat32G(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (!Number.isFinite(f)) return f > 0 ? "+Inf" : "-Inf";
  const target = Math.fround(f);
  if (target === 0) return Object.is(target, -0) ? "-0" : "0";
  let digits = "";
  let exp = 0;
  for (let p = 1; p <= 9; p++) {
    const s = target.toExponential(p - 1);
    if (Math.fround(Number(s)) === target) {
      const [mant, e] = s.split("e") as [string, string];
      digits = mant.replace("-", "").replace(".", "");
      exp = Number(e);
      break;
    }
  }
  digits = digits.replace(/0+$/, "") || "0";
  const sign = target < 0 ? "-" : "";
  if (exp < -4 || exp >= 6) {
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : "";
    const e = Math.abs(exp);
    return `${sign}${digits[0]}${frac}e${exp < 0 ? "-" : "+"}${e < 10 ? `0${e}` : e}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  if (exp + 1 >= digits.length) return `${sign}${digits}${"0".repeat(exp + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/**
 * fmt's `%#v` of a go-yaml v2 value, as go-yaml and sigs.k8s.io/yaml quote keys in their
 * errors: `map[interface {}]interface {}{"a":1}`, `[]interface {}{1, "x"}`. Map keys print in
 * fmt's order: strings and numbers sorted, other kinds after them as they come (fmt orders
 * keys of different types by type, which does not arise in the keys charts write).
 */
export function goSyntax(v: RawYaml, nested = false): string {
  if (v === null) return nested ? "interface {}(nil)" : "<nil>";
  if (typeof v === "string") return quote(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return formatFloat(v, "g", -1);
  if (v instanceof RawInt) return v.value > INT64_MAX ? `0x${v.value.toString(16)}` : v.value.toString();
  if (Array.isArray(v)) return `[]interface {}{${v.map((x) => goSyntax(x, true)).join(", ")}}`;
  const rank = (k: RawYaml) =>
    typeof k === "string" ? 0 : typeof k === "number" || k instanceof RawInt ? 1 : 2;
  const num = (k: RawYaml) => (k instanceof RawInt ? Number(k.value) : (k as number));
  const entries = [...v.entries].sort(([a], [b]) => {
    const ra = rank(a);
    const rb = rank(b);
    if (ra !== rb) return ra - rb;
    if (ra === 0) return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
    return ra === 1 ? num(a) - num(b) : 0;
  });
  return `map[interface {}]interface {}{${entries.map(([k, x]) => `${goSyntax(k, true)}:${goSyntax(x, true)}`).join(", ")}}`;
}

/**
 * `message` without the data go-yaml's and sigs.k8s.io/yaml's key errors quote (goSyntax of the
 * key and its value): for YAML read from a Secret, whose contents no Slipway message shows.
 */
export function withoutQuotedData(message: string): string {
  return message
    .replace(/(invalid map key): [\s\S]*$/, "$1")
    .replace(/(unsupported map key of type: [^,]*), key: [\s\S]*$/, "$1");
}

/** The JSON key sigs.k8s.io/yaml makes of a non-string go-yaml v2 key (`value`: its entry's, for errors). */
export function jsonKeyOf(k: RawYaml, file: string, value: RawYaml = null): string {
  if (typeof k === "string") return k;
  if (typeof k === "boolean") return k ? "true" : "false";
  if (k instanceof RawInt) {
    if (k.value > INT64_MAX) {
      throw new YamlError(
        `error converting YAML to JSON: unsupported map key of type: uint64, key: ${goSyntax(k)}, value: ${goSyntax(value)}`,
        { file },
      );
    }
    return k.value.toString();
  }
  if (typeof k === "number") {
    const s = formatFloat32G(k);
    return s === "+Inf" ? ".inf" : s === "-Inf" ? "-.inf" : s === "NaN" ? ".nan" : s;
  }
  // reflect.TypeOf(nil) printed with %s.
  throw new YamlError(
    `error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>, value: ${goSyntax(value)}`,
    { file },
  );
}

/** The JSON step: go-yaml v2 value → JSON → `interface{}` (maps are GoMaps, numbers float64). */
export function rawToGo(raw: RawYaml, file = "<input>"): GoValue {
  if (raw === null || typeof raw === "boolean" || typeof raw === "string") return raw;
  if (typeof raw === "number") {
    if (!Number.isFinite(raw)) {
      const name = Number.isNaN(raw) ? "NaN" : raw > 0 ? "+Inf" : "-Inf";
      throw new YamlError(`error converting YAML to JSON: json: unsupported value: ${name}`, { file });
    }
    return raw;
  }
  if (raw instanceof RawInt) return Number(raw.value);
  if (Array.isArray(raw)) return raw.map((x) => rawToGo(x, file));
  const m = new GoMap();
  const entries = raw.entries;
  for (let i = 0; i < entries.length; i++) {
    // Indexed, not [k, v] destructuring: unoptimized, that runs the array iterator protocol.
    const entry = entries[i]!;
    const v = entry[1];
    mapSet.call(m, jsonKeyOf(entry[0], file, v), rawToGo(v, file));
  }
  return m;
}

/**
 * Map's own set for a map being made, which no cache watches yet: GoMap.set's check was one more
 * call per entry (fromYaml converts ~1.2 MB of YAML in a check of bjw-s home-ops).
 */
const mapSet = Map.prototype.set;

/** `yaml.Unmarshal(text, &v)` with `v interface{}` (fromYaml, and values documents). */
export function readYaml(text: string, file = "<input>", firstLine = 1): GoValue {
  return rawToGo(readRawYaml(text, file, firstLine), file);
}

/**
 * k8s.io/apimachinery's YAMLReader: splits a stream at lines starting with `---` (only spaces
 * or a comment may follow the separator on that line).
 */
export function splitYamlDocuments(text: string, file = "<input>"): YamlChunk[] {
  const docs: YamlChunk[] = [];
  let buf = "";
  let bufLine = 1;
  let lineNo = 0;
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf("\n", pos);
    const line = nl < 0 ? text.slice(pos) : text.slice(pos, nl + 1);
    pos = nl < 0 ? text.length : nl + 1;
    lineNo++;
    if (line.startsWith("---")) {
      const rest = line.slice(3).trim();
      if (rest.length > 0 && rest[0] !== "#") {
        throw new YamlError(`invalid Yaml document separator: ${rest}`, { file, line: lineNo });
      }
      if (buf.length > 0) {
        docs.push({ text: buf, line: bufLine });
        buf = "";
        bufLine = lineNo + 1;
        continue;
      }
      // quirk kept: before any content, YAMLReader.Read writes the separator into the document
      // it reads, so a byte order mark after it is no stream start: `---\n<BOM>b: 2` holds the
      // key "\ufeffb" in Helm, where `a: 1\n---\n<BOM>b: 2` holds "b".
      bufLine = lineNo;
    }
    // apimachinery's LineReader ends every line it reads with "\n", the last one too.
    buf += nl < 0 ? `${line}\n` : line;
  }
  if (buf.length > 0) docs.push({ text: buf, line: bufLine });
  return docs;
}

export interface YamlChunk {
  text: string;
  /** 1-based line of the chunk's first line in the whole stream */
  line: number;
}

/** Helm's loader.MergeMaps: b wins; maps on both sides merge recursively; the inputs stay unchanged. */
export function mergeMaps(a: GoMap, b: GoMap): GoMap {
  const out = new GoMap(a);
  for (const [k, v] of b) {
    const existing = out.get(k);
    if (v instanceof GoMap && existing instanceof GoMap) {
      out.set(k, mergeMaps(existing, v));
    } else {
      out.set(k, v);
    }
  }
  return out;
}

/**
 * Helm's loader.LoadValues: every document of a values file decoded into a map and merged
 * (later documents win). Used for a chart's values.yaml and for `-f` files. Errors read as
 * LoadValues wraps them (pkg/chart/v2/loader/load.go, Helm 4.1.4).
 */
export function readValuesDocuments(text: string, file = "<input>"): GoMap {
  let values = new GoMap();
  let docs: YamlChunk[];
  try {
    docs = splitYamlDocuments(text, file);
  } catch (e) {
    throw rewrap(e, "error reading yaml document: ");
  }
  for (const doc of docs) {
    const v = valuesOfDocument(doc.text, file, doc.line);
    if (v !== null) values = mergeMaps(values, v);
  }
  return values;
}

/** One document of LoadValues: `yaml.Unmarshal` into a map (null: nothing to merge). */
function valuesOfDocument(text: string, file: string, line: number): GoMap | null {
  let v: GoValue;
  try {
    v = readYaml(text, file, line);
  } catch (e) {
    // sigs.k8s.io/yaml: go-yaml's own errors gain the JSON step's prefix, the JSON step's have it.
    const json = e instanceof YamlError && e.message.startsWith("error converting YAML to JSON: ");
    throw rewrap(e, `cannot unmarshal yaml document: ${json ? "" : "error converting YAML to JSON: "}`);
  }
  if (v === null) return null;
  if (!(v instanceof GoMap)) {
    const what = Array.isArray(v) ? "array" : typeof v === "string" ? "string" : typeof v;
    throw new YamlError(
      `cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${what === "boolean" ? "bool" : what} into Go value of type map[string]interface {}`,
      { file, line },
    );
  }
  return v;
}

/**
 * LoadValues of a values file's bytes: `read` (readValuesDocuments or a caching stand-in) for
 * UTF-8, and for UTF-16 what YAMLReader and go-yaml make of it (src/helm/utf16.ts).
 */
export function readValuesBytes(
  data: Uint8Array,
  file: string,
  read: (text: string, file: string) => GoMap = readValuesDocuments,
): GoMap {
  const order = utf16Order(data);
  if (order === undefined) return read(valuesText(data, file), file);
  if (hasSeparatorLine(data)) {
    throw new YamlError(
      "cannot read this UTF-16 values file as Helm does: a line of its bytes starts with '---', where Helm's document splitter would cut it (save it as UTF-8)",
      { file },
    );
  }
  const bytes = yamlReaderBytes(data);
  const decoded = decodeUtf16Yaml(bytes, order);
  if ("problem" in decoded) {
    throw new YamlError(
      `cannot unmarshal yaml document: error converting YAML to JSON: yaml: ${decoded.problem}`,
      {
        file,
      },
    );
  }
  return valuesOfDocument(decoded.text, file, 1) ?? new GoMap();
}

function rewrap(e: unknown, prefix: string): unknown {
  if (!(e instanceof YamlError)) return e;
  return new YamlError(`${prefix}${e.message}`, { file: e.file, line: e.line, column: e.column });
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** A values file's text; invalid UTF-8 fails as LoadValues's go-yaml does. */
export function valuesText(data: Uint8Array, file: string): string {
  try {
    return yamlText(data, file);
  } catch (e) {
    throw rewrap(e, "cannot unmarshal yaml document: error converting YAML to JSON: ");
  }
}

/**
 * The text of a YAML file's bytes, refused as go-yaml's reader refuses invalid UTF-8
 * (yaml.v2 readerc.go, yaml_parser_update_buffer). go-yaml decodes its input in 512-byte chunks
 * ahead of the scanner, so a bad byte early in a file fails before any syntax error; a bad
 * byte further on may follow a syntax error in go-yaml and precede it here.
 */
export function yamlText(data: Uint8Array, file: string): string {
  const order = utf16Order(data);
  if (order !== undefined) {
    const decoded = decodeUtf16Yaml(data, order);
    if ("problem" in decoded) throw new YamlError(`yaml: ${decoded.problem}`, { file });
    return decoded.text;
  }
  try {
    return strictUtf8.decode(data);
  } catch {
    throw new YamlError(`yaml: ${utf8Problem(data)}`, { file });
  }
}

function utf8Problem(b: Uint8Array): string {
  for (let i = 0; i < b.length; ) {
    const lead = b[i] as number;
    const width =
      lead < 0x80
        ? 1
        : (lead & 0xe0) === 0xc0
          ? 2
          : (lead & 0xf0) === 0xe0
            ? 3
            : (lead & 0xf8) === 0xf0
              ? 4
              : 0;
    if (width === 0) return "invalid leading UTF-8 octet";
    if (i + width > b.length) return "incomplete UTF-8 octet sequence";
    let value = width === 1 ? lead : width === 2 ? lead & 0x1f : width === 3 ? lead & 0x0f : lead & 0x07;
    for (let k = 1; k < width; k++) {
      const octet = b[i + k] as number;
      if ((octet & 0xc0) !== 0x80) return "invalid trailing UTF-8 octet";
      value = (value << 6) | (octet & 0x3f);
    }
    const minimum = [0, 0, 0x80, 0x800, 0x10000][width] as number;
    if (value < minimum) return "invalid length of a UTF-8 sequence";
    if ((value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff) return "invalid Unicode character";
    i += width;
  }
  return "invalid leading UTF-8 octet";
}
