/**
 * src/yaml README — how Slipway prints YAML byte for byte like `kubectl kustomize`.
 *
 * kustomize v5.5.0 prints each resource as
 *   json.Marshal(go-yaml v3 decode of the resource)  →  sigs.k8s.io/yaml.JSONToYAML
 * and JSONToYAML reads that JSON with go-yaml v2 and marshals it again with go-yaml v2 (a
 * port of libyaml's emitter). Documents are joined with "---\n". This module reproduces
 * the second half for plain JSON-like values (parse.ts produces values that already carry
 * the effects of the first half):
 *
 * - keys: go-yaml v2's key order (keysort.ts), not byte order;
 * - scalars: a string that go-yaml v2 would read back as something else (YAML 1.1 bools
 *   like "yes"/"n"/"on", nulls, ints incl. 0x/0o/0b/underscores, floats, timestamps,
 *   base-60 "1:20") is double-quoted; a string with "\n" asks for a literal block (`|`, `|-`,
 *   `|+`, with an indentation hint when it starts with a space or break); libyaml's scalar
 *   analysis then downgrades plain → single-quoted → double-quoted when a style cannot hold
 *   the text (indicators, leading/trailing spaces, tabs and other non-printables, emoji);
 * - folding: plain, single- and double-quoted scalars break at a space once the column
 *   passes 80, as libyaml's writers do (columns count characters);
 * - layout: block mappings indented by 2, sequences inside mappings not indented, `{}` and
 *   `[]` for empty collections, "? " keys when a key is multi-line or longer than 128 bytes;
 * - JSON effects: NEL (U+0085) is folded like a line break in a JSON string, characters go-yaml's
 *   reader refuses (DEL, C1 controls, U+FFFE/U+FFFF) are an error, NaN/±Inf are an error;
 * - numbers: see numbers.ts (integral values print as integers, others in Go's 'g' format).
 * - quirk kept: libyaml v2's BOM check looks at the start of the string, so a string that
 *   starts with U+FEFF is escaped character by character.
 */

import { SlipwayError } from "../errors.js";
import type { YamlMap, YamlValue } from "../kustomize/types.js";
import { emitCommonYaml } from "./emit-common.js";
import { sortKeys } from "./keysort.js";
import { formatNumber, goParseInt, goParseUint, smallDecimal } from "./numbers.js";
import { parseGoYamlTimestamp } from "./timestamp.js";

const BEST_INDENT = 2;
const BEST_WIDTH = 80;

// ---------------------------------------------------------------------------------------
// What go-yaml v2 would read a plain scalar as (decides whether a string must be quoted).

const V2_SPECIAL = new Set([
  ...["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"],
  ...["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"],
  ...["", "~", "null", "Null", "NULL"],
  ...[".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"],
]);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const DOT_FLOAT = /^\.[0-9]+(_[0-9]+)*([eE][-+]?[0-9]+(_[0-9]+)*)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

function finiteFloat(s: string): boolean {
  const f = Number(s.replace(/_/g, ""));
  return Number.isFinite(f);
}

/** True when go-yaml v2 resolves the plain scalar `s` to a non-string (or `isBase60Float`). */
export function v2ReadsAsNonString(s: string): boolean {
  if (V2_SPECIAL.has(s)) return true;
  const c = s.charCodeAt(0);
  if (c === 0x2e) return DOT_FLOAT.test(s) && finiteFloat(s);
  const isDigit = c >= 0x30 && c <= 0x39;
  if (!isDigit && c !== 0x2b && c !== 0x2d) return false;
  if (isDigit && parseGoYamlTimestamp(s)) return true;
  const plain = s.includes("_") ? s.replace(/_/g, "") : s;
  if (smallDecimal(plain) !== undefined) return true;
  if (goParseInt(plain) !== undefined || goParseUint(plain) !== undefined) return true;
  if (YAML_STYLE_FLOAT.test(plain) && finiteFloat(plain)) return true;
  return s.includes(":") && BASE60_FLOAT.test(s);
}

// ---------------------------------------------------------------------------------------
// Character classes of libyaml (on code points).

const isSpace = (c: number) => c === 0x20;
const isBlank = (c: number) => c === 0x20 || c === 0x09;
const isBreak = (c: number) => c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
const isBlankz = (c: number) => isBlank(c) || isBreak(c) || c === 0;
// go-yaml v2's is_printable works on UTF-8 bytes and has no case for 4-byte sequences.
const isPrintable = (c: number) =>
  c === 0x0a ||
  (c >= 0x20 && c <= 0x7e) ||
  (c >= 0xa0 && c <= 0xd7ff) ||
  (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);

interface ScalarAnalysis {
  multiline: boolean;
  flowPlainAllowed: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
  /** blockAllowed where a tab is not a special character, as go-yaml v3 analyses (EmitOptions.tabsInBlocks). */
  blockAllowedWithTabs: boolean;
}

function analyzeScalar(cps: number[]): ScalarAnalysis {
  if (cps.length === 0) {
    return {
      multiline: false,
      flowPlainAllowed: false,
      blockPlainAllowed: true,
      singleQuotedAllowed: true,
      blockAllowed: false,
      blockAllowedWithTabs: false,
    };
  }
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let specialOtherThanTab = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;

  const [c0, c1, c2] = cps;
  if (
    cps.length >= 3 &&
    ((c0 === 0x2d && c1 === 0x2d && c2 === 0x2d) || (c0 === 0x2e && c1 === 0x2e && c2 === 0x2e))
  ) {
    blockIndicators = true;
    flowIndicators = true;
  }
  const n = cps.length;
  for (let i = 0; i < n; i++) {
    const c = cps[i] as number;
    const followedByWhitespace = i + 1 >= n || isBlank(cps[i + 1] as number);
    if (i === 0) {
      switch (c) {
        case 0x23: // #
        case 0x2c: // ,
        case 0x5b: // [
        case 0x5d: // ]
        case 0x7b: // {
        case 0x7d: // }
        case 0x26: // &
        case 0x2a: // *
        case 0x21: // !
        case 0x7c: // |
        case 0x3e: // >
        case 0x27: // '
        case 0x22: // "
        case 0x25: // %
        case 0x40: // @
        case 0x60: // `
          flowIndicators = true;
          blockIndicators = true;
          break;
        case 0x3f: // ?
        case 0x3a: // :
          flowIndicators = true;
          if (followedByWhitespace) blockIndicators = true;
          break;
        case 0x2d: // -
          if (followedByWhitespace) {
            flowIndicators = true;
            blockIndicators = true;
          }
          break;
      }
    } else {
      switch (c) {
        case 0x2c:
        case 0x3f:
        case 0x5b:
        case 0x5d:
        case 0x7b:
        case 0x7d:
          flowIndicators = true;
          break;
        case 0x3a:
          flowIndicators = true;
          if (followedByWhitespace) blockIndicators = true;
          break;
        case 0x23:
          if (precededByWhitespace) {
            flowIndicators = true;
            blockIndicators = true;
          }
          break;
      }
    }
    if (!isPrintable(c)) {
      specialCharacters = true;
      if (c !== 0x09) specialOtherThanTab = true;
    }
    if (isSpace(c)) {
      if (i === 0) leadingSpace = true;
      if (i === n - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === n - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankz(c);
  }
  const a: ScalarAnalysis = {
    multiline: lineBreaks,
    flowPlainAllowed: true,
    blockPlainAllowed: true,
    singleQuotedAllowed: true,
    blockAllowed: true,
    blockAllowedWithTabs: !(trailingSpace || spaceBreak || specialOtherThanTab),
  };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
  }
  if (trailingSpace) a.blockAllowed = false;
  if (breakSpace) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
  }
  if (spaceBreak || specialCharacters) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
    a.blockAllowed = false;
  }
  if (lineBreaks) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
  }
  if (flowIndicators) a.flowPlainAllowed = false;
  if (blockIndicators) a.blockPlainAllowed = false;
  return a;
}

// ---------------------------------------------------------------------------------------
// The JSON step between go-yaml v3 and v2, applied to every string.

const REFUSED_BY_V2_READER = /[\u007f-\u0084\u0086-\u009f\ufffe\uffff]/;

/**
 * encoding/json writes U+0085 (NEL) unescaped, and go-yaml v2 reads a raw NEL inside a
 * double-quoted scalar as a line break: it folds, with the spaces around it, to one space,
 * or to n-1 newlines for a run of n breaks.
 */
function foldNel(s: string): string {
  return s.replace(/ *\u0085[ \u0085]*/g, (run) => {
    const breaks = run.split("\u0085").length - 1;
    return breaks === 1 ? " " : "\n".repeat(breaks - 1);
  });
}

/** Length of encoding/json's quoted form of s, in characters. */
function goJsonQuotedLength(s: string): number {
  let n = 2;
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (c === 0x22 || c === 0x5c || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x08 || c === 0x0c)
      n += 2;
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) n += 6;
    else n += 1;
  }
  return n;
}

/**
 * go-yaml v2 reads the JSON object's keys as simple keys: one line (a raw NEL breaks it) and
 * at most 1024 characters, or the whole resource fails to print.
 */
function jsonRoundTripKey(key: string): string {
  if (key.includes("\u0085")) {
    throw new SlipwayError(
      `yaml: did not find expected ',' or '}' (mapping key ${JSON.stringify(key)} holds U+0085)`,
    );
  }
  if (key.length > 200 && goJsonQuotedLength(key) > 1024) {
    throw new SlipwayError(
      `yaml: did not find expected ',' or '}' (mapping key longer than 1024 characters)`,
    );
  }
  return jsonRoundTripString(key);
}

/**
 * Whether writing `s` (as a mapping key when `key`) fails, as the JSON round trip above
 * refuses it: callers that skip writing an object (post-build substitution with nothing to
 * substitute) must still fail where writing it would.
 */
export function serialisationRefuses(s: string, key = false): boolean {
  try {
    if (key) jsonRoundTripKey(s);
    else jsonRoundTripString(s);
    return false;
  } catch {
    return true;
  }
}

function jsonRoundTripString(s: string): string {
  const bad = REFUSED_BY_V2_READER.exec(s);
  if (bad) {
    const cp = (bad[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, "0");
    throw new SlipwayError(`yaml: control characters are not allowed (U+${cp} in ${JSON.stringify(s)})`);
  }
  if (s.includes("\u0085")) {
    if (/\u0085(---|\.\.\.)( |\u0085)/.test(s)) {
      throw new SlipwayError(`yaml: found unexpected document indicator (in ${JSON.stringify(s)})`);
    }
    return foldNel(s);
  }
  return s;
}

// Letters, digits and `._/-`, not starting with `.` or `-`: libyaml allows such a scalar plain in
// block context (no indicator, space, break or special character) and never folds it (no space).
// Most scalars of a manifest (names, labels, images, numbers) are of this form, and skip the
// code-point analysis below.
const PLAIN_SAFE = /^[A-Za-z0-9_/][A-Za-z0-9._/-]*$/;

// ---------------------------------------------------------------------------------------
// The emitter: libyaml's state (column, indent, whitespace, indention) and its writers.

type Style = "plain" | "single" | "double" | "literal";

interface KeyForm {
  key: string;
  cps: number[];
  analysis: ScalarAnalysis;
  /** written as a simple key (`k:`), else as `? k` */
  simple: boolean;
}

/**
 * What the emitter needs of a mapping key, by key: a document repeats its keys (`name`,
 * `image`, `labels`, …) thousands of times, and each one would be checked, split into code
 * points and analyzed again. Keys that fail the checks throw and are not kept.
 */
const keyForms = new Map<string, KeyForm>();
const MAX_KEY_FORMS = 20000;

function keyForm(rawKey: string): KeyForm {
  let form = keyForms.get(rawKey);
  if (form === undefined) {
    const key = jsonRoundTripKey(rawKey);
    const cps = codePoints(key);
    const analysis = analyzeScalar(cps);
    const simple = !analysis.multiline && Buffer.byteLength(key, "utf8") <= 128;
    form = { key, cps, analysis, simple };
    if (keyForms.size >= MAX_KEY_FORMS) keyForms.clear();
    keyForms.set(rawKey, form);
  }
  return form;
}

/**
 * Long scalars' code points and analysis, by text. The same long text is printed again and
 * again: a Flux Kustomization's inline patch copied into the generated kustomization file of
 * each Kustomization it patches (bjw-s home-ops: 93 times), a chart's ConfigMap in each release.
 * Both are functions of the text only, and the writers only read them.
 */
const analysed = new Map<string, { cps: number[]; analysis: ScalarAnalysis }>();
const MIN_ANALYSED = 256;
let analysedCodePoints = 0;
const MAX_ANALYSED_CODE_POINTS = 1_000_000;

function analysedScalar(s: string): { cps: number[]; analysis: ScalarAnalysis } | undefined {
  if (s.length < MIN_ANALYSED) return undefined;
  let known = analysed.get(s);
  if (known === undefined) {
    const cps = codePoints(s);
    known = { cps, analysis: analyzeScalar(cps) };
    if (analysedCodePoints + cps.length > MAX_ANALYSED_CODE_POINTS) {
      analysed.clear();
      analysedCodePoints = 0;
    }
    analysed.set(s, known);
    analysedCodePoints += cps.length;
  }
  return known;
}

/** Forgets every analysed scalar (benchmarks measure cold runs with it; tests compare with and without). */
export function clearAnalysedScalars(): void {
  analysed.clear();
  analysedCodePoints = 0;
}

function codePoints(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out.push(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000);
        i++;
        continue;
      }
    }
    out.push(c);
  }
  return out;
}

/**
 * Departures from kubectl's printer for other go-yaml users: go-yaml v3's Encoder (Helm's
 * toYamlPretty) indents sequences inside mappings, never folds lines, and prints numbers by
 * their Go type.
 */
export interface EmitOptions {
  indentSequencesInMappings?: boolean;
  /** Column after which scalars fold at a space (libyaml's best_width); default 80. */
  width?: number;
  /** Text of a number (default: integral values as integers, others in Go's 'g' format). */
  number?: (n: number | bigint) => string;
  /** Mappings printed in their own key order, unsorted: Go structs, whose fields go-yaml v3 keeps in declaration order. */
  declaredOrder?: WeakSet<YamlMap>;
  /** Where each mapping printed gets the order its keys were printed in. */
  keyOrder?: WeakMap<YamlMap, readonly string[]>;
  /**
   * A multi-line text holding tabs may still be a literal block, as go-yaml v3's emitter decides
   * (it counts a tab apart from other special characters); go-yaml v2 double-quotes it.
   */
  tabsInBlocks?: boolean;
}

class Emitter {
  constructor(private readonly opts: EmitOptions = {}) {
    this.width = opts.width ?? BEST_WIDTH;
  }

  private readonly width: number;
  private out = "";
  private column = 0;
  private indent = -1;
  private readonly indents: number[] = [];
  private whitespace = true;
  private indention = true;
  private flowLevel = 0;

  result(): string {
    return this.out;
  }

  private put(ch: string): void {
    this.out += ch;
    this.column++;
  }

  private writeCp(c: number): void {
    this.out += String.fromCodePoint(c);
    this.column++;
  }

  private putBreak(): void {
    this.out += "\n";
    this.column = 0;
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  private popIndent(): void {
    this.indent = this.indents.pop() as number;
  }

  writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) {
      this.putBreak();
    }
    if (this.column < indent) {
      // One concatenation for the run of spaces (libyaml writes them one by one).
      this.out += " ".repeat(indent - this.column);
      this.column = indent;
    }
    this.whitespace = true;
    this.indention = true;
  }

  private writeIndicator(
    ind: string,
    needWhitespace: boolean,
    isWhitespace: boolean,
    isIndention: boolean,
  ): void {
    if (needWhitespace && !this.whitespace) this.put(" ");
    this.out += ind;
    this.column += ind.length;
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  /** mappingContext: the node is a key or value of a block mapping. */
  node(value: YamlValue, mappingContext: boolean): void {
    if (value === null) this.scalar("null", "plain", false);
    else if (typeof value === "string") this.stringScalar(value, false);
    else if (typeof value === "boolean") this.scalar(value ? "true" : "false", "plain", false);
    else if (typeof value === "number" || typeof value === "bigint")
      this.scalar(this.opts.number ? this.opts.number(value) : numberText(value), "plain", false);
    else if (Array.isArray(value)) this.sequence(value, mappingContext);
    else this.mapping(value);
  }

  private sequence(items: YamlValue[], mappingContext: boolean): void {
    if (items.length === 0) {
      this.emptyFlow("[", "]");
      return;
    }
    this.increaseIndent(false, !this.opts.indentSequencesInMappings && mappingContext && !this.indention);
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as YamlValue;
      this.writeIndent();
      this.writeIndicator("-", true, false, true);
      this.node(item, false);
    }
    this.popIndent();
  }

  private mapping(map: YamlMap): void {
    // Keys holding undefined (values built in code) do not exist for JSON.
    const present = Object.keys(map).filter((k) => map[k] !== undefined);
    const keys = this.opts.declaredOrder?.has(map) ? present : sortKeys(present);
    this.opts.keyOrder?.set(map, keys);
    if (keys.length === 0) {
      this.emptyFlow("{", "}");
      return;
    }
    this.increaseIndent(false, false);
    for (let i = 0; i < keys.length; i++) {
      const rawKey = keys[i] as string;
      const value = map[rawKey] as YamlValue;
      this.writeIndent();
      const { key, cps, analysis, simple } = keyForm(rawKey);
      if (simple) {
        this.stringScalar(key, true, cps, analysis);
        this.writeIndicator(":", false, false, false);
      } else {
        this.writeIndicator("?", true, false, true);
        this.stringScalar(key, false, cps, analysis);
        this.writeIndent();
        this.writeIndicator(":", true, false, true);
      }
      this.node(value, true);
    }
    this.popIndent();
  }

  private emptyFlow(open: string, close: string): void {
    this.writeIndicator(open, true, true, false);
    this.increaseIndent(true, false);
    this.flowLevel++;
    this.flowLevel--;
    this.popIndent();
    this.writeIndicator(close, false, false, false);
  }

  /** go-yaml v2's `stringv`: which style it asks for; the emitter may then override it. */
  private stringScalar(raw: string, simpleKey: boolean, cps?: number[], analysis?: ScalarAnalysis): void {
    const s = simpleKey || cps ? raw : jsonRoundTripString(raw);
    let style: Style;
    if (s.includes("\n")) style = "literal";
    else if (!v2ReadsAsNonString(s)) style = "plain";
    else style = "double";
    this.scalar(s, style, simpleKey, cps, analysis);
  }

  private scalar(
    s: string,
    requested: Style,
    simpleKey: boolean,
    cpsIn?: number[],
    analysisIn?: ScalarAnalysis,
  ): void {
    if (requested === "plain" && this.flowLevel === 0 && PLAIN_SAFE.test(s)) {
      this.writeSafePlain(s);
      return;
    }
    const known = cpsIn === undefined ? analysedScalar(s) : undefined;
    const cps = cpsIn ?? known?.cps ?? codePoints(s);
    const a = analysisIn ?? known?.analysis ?? analyzeScalar(cps);
    let style = requested;
    if (simpleKey && a.multiline) style = "double";
    if (style === "plain") {
      if ((this.flowLevel > 0 && !a.flowPlainAllowed) || (this.flowLevel === 0 && !a.blockPlainAllowed)) {
        style = "single";
      }
      if (cps.length === 0 && (this.flowLevel > 0 || simpleKey)) style = "single";
    }
    if (style === "single" && !a.singleQuotedAllowed) style = "double";
    const blockAllowed = this.opts.tabsInBlocks ? a.blockAllowedWithTabs : a.blockAllowed;
    if (style === "literal" && (!blockAllowed || this.flowLevel > 0 || simpleKey)) style = "double";

    this.increaseIndent(true, false);
    const allowBreaks = !simpleKey;
    switch (style) {
      case "plain":
        this.writePlain(s, cps, allowBreaks);
        break;
      case "single":
        this.writeSingleQuoted(cps, allowBreaks);
        break;
      case "double":
        this.writeDoubleQuoted(cps, allowBreaks);
        break;
      case "literal":
        this.writeLiteral(s, cps);
        break;
    }
    this.popIndent();
  }

  /** writePlain for a PLAIN_SAFE string: no space to fold at, nothing to analyse. */
  private writeSafePlain(s: string): void {
    if (!this.whitespace) this.put(" ");
    this.out += s;
    this.column += s.length;
    this.whitespace = false;
    this.indention = false;
  }

  /**
   * Writes runs of the text at once (the code points decide where a line may break, `s`
   * supplies the characters): one concatenation per run instead of one per character.
   */
  private writePlain(s: string, cps: number[], allowBreaks: boolean): void {
    if (!this.whitespace) this.put(" ");
    let spaces = false;
    let runStart = 0; // offset in s of the text not yet written
    let at = 0; // offset in s of cps[i]
    let pending = 0; // code points not yet written
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i] as number;
      if (isSpace(c)) {
        if (allowBreaks && !spaces && this.column + pending > this.width && !isSpace(cps[i + 1] as number)) {
          this.out += s.slice(runStart, at);
          this.column += pending;
          pending = 0;
          this.writeIndent();
          runStart = at + 1; // the space is replaced by the line break
        } else {
          pending++;
        }
        spaces = true;
      } else {
        pending++;
        this.indention = false;
        spaces = false;
      }
      at += c > 0xffff ? 2 : 1;
    }
    this.out += s.slice(runStart, at);
    this.column += pending;
    this.whitespace = false;
    this.indention = false;
  }

  private writeBreak(c: number): void {
    if (c === 0x0a) {
      this.putBreak();
    } else {
      this.writeCp(c);
      this.column = 0;
    }
  }

  private writeSingleQuoted(cps: number[], allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    const n = cps.length;
    for (let i = 0; i < n; i++) {
      const c = cps[i] as number;
      if (isSpace(c)) {
        if (
          allowBreaks &&
          !spaces &&
          this.column > this.width &&
          i > 0 &&
          i < n - 1 &&
          !isSpace(cps[i + 1] as number)
        ) {
          this.writeIndent();
        } else {
          this.writeCp(c);
        }
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === 0x27) this.put("'");
        this.writeCp(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDoubleQuoted(cps: number[], allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    // go-yaml v2's is_bom ignores its index: a leading BOM makes every character an escape.
    const escapeAll = cps[0] === 0xfeff;
    let spaces = false;
    const n = cps.length;
    for (let i = 0; i < n; i++) {
      const c = cps[i] as number;
      if (escapeAll || !isPrintable(c) || isBreak(c) || c === 0x22 || c === 0x5c) {
        this.put("\\");
        this.out += escapeFor(c);
        this.column += escapeFor(c).length;
        spaces = false;
      } else if (isSpace(c)) {
        if (allowBreaks && !spaces && this.column > this.width && i > 0 && i < n - 1) {
          this.writeIndent();
          if (isSpace(cps[i + 1] as number)) this.put("\\");
        } else {
          this.writeCp(c);
        }
        spaces = true;
      } else {
        this.writeCp(c);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  /**
   * libyaml's write_literal, with each line's text written at once: `s` supplies the
   * characters between line breaks, the code points say where the breaks are and count the
   * columns.
   */
  private writeLiteral(s: string, cps: number[]): void {
    this.writeIndicator("|", true, false, false);
    if (isSpace(cps[0] as number) || isBreak(cps[0] as number)) {
      this.writeIndicator(String(BEST_INDENT), false, false, false);
    }
    const n = cps.length;
    let chomp = "";
    if (n === 0 || !isBreak(cps[n - 1] as number)) chomp = "-";
    else if (n === 1 || isBreak(cps[n - 2] as number)) chomp = "+";
    if (chomp) this.writeIndicator(chomp, false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let at = 0; // offset in s of cps[i]
    for (let i = 0; i < n; ) {
      const c = cps[i] as number;
      if (isBreak(c)) {
        this.writeBreak(c);
        this.indention = true;
        at += c > 0xffff ? 2 : 1;
        i++;
        continue;
      }
      this.writeIndent();
      const runStart = at;
      const first = i;
      for (; i < n && !isBreak(cps[i] as number); i++) at += (cps[i] as number) > 0xffff ? 2 : 1;
      this.out += s.slice(runStart, at);
      this.column += i - first;
      this.indention = false;
    }
  }
}

const SHORT_ESCAPES: Record<number, string> = {
  0: "0",
  7: "a",
  8: "b",
  9: "t",
  10: "n",
  11: "v",
  12: "f",
  13: "r",
  27: "e",
  34: '"',
  92: "\\",
  133: "N",
  160: "_",
  8232: "L",
  8233: "P",
};

function escapeFor(c: number): string {
  const short = SHORT_ESCAPES[c];
  if (short !== undefined) return short;
  const hex = c.toString(16).toUpperCase();
  if (c <= 0xff) return `x${hex.padStart(2, "0")}`;
  if (c <= 0xffff) return `u${hex.padStart(4, "0")}`;
  return `U${hex.padStart(8, "0")}`;
}

function numberText(n: number | bigint): string {
  try {
    return formatNumber(n);
  } catch (err) {
    if (err instanceof RangeError) throw new SlipwayError(err.message);
    throw err;
  }
}

/** Options that change nothing in the text: emit-common.ts writes those. */
function onlyKeyOrder(opts: EmitOptions): boolean {
  for (const k in opts) if (k !== "keyOrder" && opts[k as keyof EmitOptions] !== undefined) return false;
  return true;
}

/** One document exactly as `kubectl kustomize` prints it (ends with "\n", no "---"). */
export function emitYaml(value: YamlValue, opts?: EmitOptions): string {
  if (opts === undefined || onlyKeyOrder(opts)) {
    const common = emitCommonYaml(value, v2ReadsAsNonString, opts?.keyOrder);
    if (common !== undefined) return common;
  }
  return emitYamlGeneral(value, opts);
}

/** emitYaml through the general emitter whatever the shape (the common path's reference in tests). */
export function emitYamlGeneral(value: YamlValue, opts?: EmitOptions): string {
  const e = new Emitter(opts);
  e.node(value, false);
  // Document end: libyaml writes an indent, which ends the last line.
  e.writeIndent();
  return e.result();
}

/** Documents joined with "---\n", as kustomize's ResMap.AsYaml does. */
export function emitYamlStream(values: readonly YamlValue[]): string {
  const docs = values.map((v) => {
    const text = emitYaml(v);
    // The emitter builds a document by concatenation: a tree of string pieces several times the
    // size of its text. Converting it to a number makes V8 flatten it now, so a 50 MB stream does
    // not hold every document's tree until the join.
    Number(text);
    return text;
  });
  return docs.join("---\n");
}
