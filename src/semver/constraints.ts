/**
 * Version constraints as Masterminds/semver v3.4.0 parses and checks them (constraints.go):
 * `=`/`!=`/`>`/`<`/`>=`/`<=` (and `=>`, `=<`), `~`/`~>`, `^`, `x`/`X`/`*` wildcards and
 * missing segments, hyphen ranges `1.2 - 1.4.5`, AND with spaces or commas, OR with `||`.
 *
 * Prereleases: a version with a prerelease satisfies an AND group only when some constraint
 * of that group names a prerelease (or `includePrerelease` is set). The grammar is upstream's
 * four regular expressions (run by JavaScript's engine where they mean the same, see
 * NativeGrammarRegexp); error texts are upstream's.
 */
import { GoRegexp } from "../go/regexp.js";
import { comparePrerelease, parseStrictVersion, parseVersion, SemverError, type Version } from "./version.js";

// `\s` is Go's ASCII class; the version grammar keeps upstream's quirk of `|` inside the
// character class of a segment (`[0-9|x|X|\*]`).
const CV =
  String.raw`v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?` +
  String.raw`(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?` +
  String.raw`(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const OPS = String.raw`=||!=|>|<|>=|=>|<=|=<|~|~>|\^`;

/** Upstream's four expressions, in Go's syntax. */
export const GRAMMAR = {
  constraint: String.raw`^\s*(${OPS})\s*(${CV})\s*$`,
  range: String.raw`\s*(${CV})\s+-\s+(${CV})\s*`,
  find: String.raw`(${OPS})\s*(${CV})`,
  valid: String.raw`^(\s*(${OPS})\s*(${CV})\s*)((?:\s+|,\s*)(${OPS})\s*(${CV})\s*)*$`,
};

/**
 * The language of GRAMMAR.valid, written so that JavaScript's backtracking engine cannot blow
 * up on it. Upstream's expression lets a run of spaces between two constraints be shared out
 * among up to four adjacent `\s*`/`\s+` (a group's trailing one, the separator, and the empty
 * operator's two), so a string that fails at its end after n gaps of k spaces is tried in ~k^n
 * ways (`1` + `   1` x 10 + ` !` took 7 s; a HelmRelease's chart version is pull-request
 * text). Here each gap is one quantifier (`\s+`, or `\s*,\s*` around the comma) and an absent
 * operator brings no `\s*` of its own: the same strings match (RE2 runs upstream's expression
 * against this one in test/semver/constraints-grammar.test.ts). Only matchString asks it.
 */
const OPS_NONEMPTY = String.raw`!=|>=|=>|<=|=<|~>|=|>|<|~|\^`;
const OPT_OP = String.raw`(?:(?:${OPS_NONEMPTY})\s*)?`;
export const VALID_LINEAR = String.raw`^\s*${OPT_OP}(?:${CV})(?:(?:\s+|\s*,\s*)${OPT_OP}(?:${CV}))*\s*$`;

/** What the constraint parser asks of an expression (GoRegexp's methods of the same names). */
export interface GrammarRegexp {
  matchString(s: string): boolean;
  findAll(s: string): string[];
  findSubmatch(s: string): string[] | null;
  findAllSubmatch(s: string): string[][];
}

/**
 * A Go expression of the grammar run by JavaScript's engine. The grammar needs nothing RE2 and
 * JavaScript disagree on: ASCII classes and literals only (the input's other characters match
 * nothing), no empty matches, leftmost-first alternation and last-iteration captures in both;
 * `\s` is spelled as Go's ASCII class (JavaScript's is Unicode), `^`/`$` are the text's ends in
 * both. Compiling the four RE2 programs took ~50 ms of a fresh `helm template` of a chart with
 * dependencies (the RE2 compiler runs uncompiled then); the differential test in
 * test/semver/constraints-grammar.test.ts holds the two engines to the same answers.
 */
export class NativeGrammarRegexp implements GrammarRegexp {
  private readonly anchored: RegExp;
  private readonly global: RegExp;
  constructor(goSource: string) {
    const js = goSource.replaceAll(String.raw`\s`, String.raw`[\t\n\f\r ]`);
    this.anchored = new RegExp(js);
    this.global = new RegExp(js, "g");
  }
  matchString(s: string): boolean {
    return this.anchored.test(s);
  }
  findAll(s: string): string[] {
    return Array.from(s.matchAll(this.global), (m) => m[0]);
  }
  findSubmatch(s: string): string[] | null {
    const m = this.anchored.exec(s);
    return m === null ? null : Array.from(m, (g) => g ?? "");
  }
  findAllSubmatch(s: string): string[][] {
    return Array.from(s.matchAll(this.global), (m) => Array.from(m, (g) => g ?? ""));
  }
}

let grammar: Record<keyof typeof GRAMMAR, GrammarRegexp> | undefined;
function regexps(): NonNullable<typeof grammar> {
  grammar ??= {
    constraint: new NativeGrammarRegexp(GRAMMAR.constraint),
    range: new NativeGrammarRegexp(GRAMMAR.range),
    find: new NativeGrammarRegexp(GRAMMAR.find),
    valid: new NativeGrammarRegexp(VALID_LINEAR),
  };
  return grammar;
}

/**
 * Longer constraint texts go to RE2. The unanchored `range` and `find` (and `constraint`'s
 * adjacent `\s*`) try every start against a long run of spaces: quadratic in JavaScript's
 * engine (20,000 spaces took 0.6 s, a megabyte would take an hour), linear in RE2, which gives
 * the same answers (test/semver/constraints-grammar.test.ts). Real constraints are a few dozen
 * characters and keep the native engine (compiling the RE2 programs costs a cold run ~50 ms).
 */
const NATIVE_MAX_CHARS = 256;
let linearGrammar: NonNullable<typeof grammar> | undefined;
function grammarFor(text: string): NonNullable<typeof grammar> {
  if (text.length <= NATIVE_MAX_CHARS) return regexps();
  linearGrammar ??= {
    constraint: new GoRegexp(GRAMMAR.constraint),
    range: new GoRegexp(GRAMMAR.range),
    find: new GoRegexp(GRAMMAR.find),
    valid: new GoRegexp(GRAMMAR.valid),
  };
  return linearGrammar;
}

type Op = "" | "=" | "!=" | ">" | "<" | ">=" | "=>" | "<=" | "=<" | "~" | "~>" | "^";

/** One comparison; `dirty` when a segment was a wildcard or missing (1.x, 1, *). */
interface Constraint {
  con: Version;
  orig: string;
  op: Op;
  minorDirty: boolean;
  patchDirty: boolean;
  dirty: boolean;
}

/** A reason a version fails a constraint (`Validate`'s error list), or null when it passes. */
type Outcome = string | null;

export class Constraints {
  /** Upstream's `IncludePrerelease`: let every group match prereleases. */
  includePrerelease = false;

  constructor(
    private readonly groups: Constraint[][],
    private readonly groupHasPre: boolean[],
  ) {}

  /** `Constraints.Check`: true when any OR group passes all its constraints. */
  check(v: Version): boolean {
    return this.groups.some((group, i) => {
      const pre = this.includePrerelease || this.groupHasPre[i]!;
      return group.every((c) => checkOne(v, c, pre) === null);
    });
  }

  /** `Constraints.Validate`: whether it passes, and otherwise every reason, in upstream's order. */
  validate(v: Version): { ok: boolean; errors: string[] } {
    const errors: string[] = [];
    let preReported = false;
    for (let i = 0; i < this.groups.length; i++) {
      const pre = this.includePrerelease || this.groupHasPre[i]!;
      let ok = true;
      for (const c of this.groups[i]!) {
        if (!pre && v.prerelease !== "") {
          if (!preReported) {
            errors.push(prereleaseMessage(v));
            preReported = true;
          }
          ok = false;
        } else {
          const why = checkOne(v, c, pre);
          if (why !== null) {
            errors.push(why);
            ok = false;
          }
        }
      }
      if (ok) return { ok: true, errors: [] };
    }
    return { ok: false, errors };
  }

  /** `Constraints.String()`: constraints of a group joined by spaces, groups by " || ". */
  toString(): string {
    return this.groups.map((g) => g.map((c) => c.op + c.orig).join(" ")).join(" || ");
  }
}

/** semver.NewConstraint. Throws SemverError("improper constraint: …") as upstream. */
export function parseConstraints(text: string): Constraints {
  const ors = rewriteRange(text).split("||");
  const groups: Constraint[][] = [];
  const hasPre: boolean[] = [];
  for (const or of ors) {
    if (!grammarFor(or).valid.matchString(or)) throw new SemverError(`improper constraint: ${or}`);
    const found = grammarFor(or).find.findAll(or);
    const group = (found.length > 0 ? found : [or]).map(parseOne);
    hasPre.push(group.some((c) => c.con.prerelease !== ""));
    groups.push(group);
  }
  return new Constraints(groups, hasPre);
}

const parsedConstraints = new Map<string, Constraints | SemverError>();
const MAX_PARSED_CONSTRAINTS = 4096;

/**
 * parseConstraints remembered by text, for callers that check the same constraints again and again
 * (Helm's `semverCompare` in templates, chart dependency versions at every release): the RE2
 * grammar costs ~0.1 ms a parse. The result is shared and frozen (includePrerelease cannot be set
 * on it); a parse error is thrown again as the same error.
 */
export function parseConstraintsShared(text: string): Constraints {
  let hit = parsedConstraints.get(text);
  if (hit === undefined) {
    try {
      hit = Object.freeze(parseConstraints(text)) as Constraints;
    } catch (e) {
      if (!(e instanceof SemverError)) throw e;
      hit = e;
    }
    if (parsedConstraints.size >= MAX_PARSED_CONSTRAINTS) parsedConstraints.clear();
    parsedConstraints.set(text, hit);
  }
  if (hit instanceof SemverError) throw hit;
  return hit;
}

const isX = (s: string): boolean => s === "x" || s === "*" || s === "X";

function parseOne(text: string): Constraint {
  if (text.length === 0) {
    // Unreachable through parseConstraints (the grammar needs a version), kept as upstream.
    return {
      con: parseStrictVersion("0.0.0"),
      orig: "",
      op: "",
      minorDirty: false,
      patchDirty: false,
      dirty: true,
    };
  }
  const m = grammarFor(text).constraint.findSubmatch(text);
  if (!m) throw new SemverError(`improper constraint: ${text}`);
  const [, op, orig, major, minor, patch, pre] = m as [string, Op, string, string, string, string, string];
  let ver = orig;
  let minorDirty = false;
  let patchDirty = false;
  let dirty = false;
  // A wildcard drops the metadata but keeps the prerelease ("1.x-beta" → 1.0.0-beta).
  if (isX(major) || major === "") {
    ver = `0.0.0${pre}`;
    dirty = true;
  } else if (isX(minor.replace(/^\./, "")) || minor === "") {
    minorDirty = dirty = true;
    ver = `${major}.0.0${pre}`;
  } else if (isX(patch.replace(/^\./, "")) || patch === "") {
    patchDirty = dirty = true;
    ver = `${major}${minor}.0${pre}`;
  }
  let con: Version;
  try {
    con = parseVersion(ver);
  } catch {
    throw new SemverError("constraint parser error");
  }
  return { con, orig, op, minorDirty, patchDirty, dirty };
}

/** rewriteRange: "A - B" → ">= A, <= B ", replacing the first equal text each time (as upstream). */
function rewriteRange(text: string): string {
  let out = text;
  for (const m of grammarFor(text).range.findAllSubmatch(text)) {
    const at = out.indexOf(m[0]!);
    if (at < 0) continue;
    out = `${out.slice(0, at)}>= ${m[1]}, <= ${m[11]} ${out.slice(at + m[0]!.length)}`;
  }
  return out;
}

const prereleaseMessage = (v: Version): string =>
  `${v} is a prerelease version and the constraint is only looking for release versions`;

function checkOne(v: Version, c: Constraint, includePre: boolean): Outcome {
  if (v.prerelease !== "" && !includePre) return prereleaseMessage(v);
  switch (c.op) {
    case "":
    case "=":
      return c.dirty ? tilde(v, c) : v.equal(c.con) ? null : `${v} is not equal to ${c.orig}`;
    case "!=":
      return notEqual(v, c);
    case ">":
      return greaterThan(v, c);
    case "<":
      return v.compare(c.con) < 0 ? null : `${v} is greater than or equal to ${c.orig}`;
    case ">=":
    case "=>":
      return v.compare(c.con) >= 0 ? null : `${v} is less than ${c.orig}`;
    case "<=":
    case "=<":
      return lessThanEqual(v, c);
    case "~":
    case "~>":
      return tilde(v, c);
    case "^":
      return caret(v, c);
  }
}

function notEqual(v: Version, c: Constraint): Outcome {
  const equalMsg = `${v} is equal to ${c.orig}`;
  if (c.dirty) {
    if (c.con.major !== v.major) return null;
    if (c.con.minor !== v.minor && !c.minorDirty) return null;
    if (c.minorDirty) return equalMsg;
    if (c.con.patch !== v.patch && !c.patchDirty) return null;
    if (c.patchDirty) {
      if (v.prerelease !== "" || c.con.prerelease !== "") {
        return comparePrerelease(v.prerelease, c.con.prerelease) !== 0 ? null : equalMsg;
      }
      return equalMsg;
    }
  }
  return v.equal(c.con) ? equalMsg : null;
}

function greaterThan(v: Version, c: Constraint): Outcome {
  const fail = `${v} is less than or equal to ${c.orig}`;
  if (!c.dirty) return v.compare(c.con) === 1 ? null : fail;
  if (v.major > c.con.major) return null;
  if (v.major < c.con.major) return fail;
  // ">11" needs 12 or later; ">11.1" needs 11.2 or later.
  if (c.minorDirty) return fail;
  if (c.patchDirty) return v.minor > c.con.minor ? null : fail;
  return v.compare(c.con) === 1 ? null : fail;
}

function lessThanEqual(v: Version, c: Constraint): Outcome {
  const fail = `${v} is greater than ${c.orig}`;
  if (!c.dirty) return v.compare(c.con) <= 0 ? null : fail;
  if (v.major > c.con.major) return fail;
  if (v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty) return fail;
  return null;
}

function tilde(v: Version, c: Constraint): Outcome {
  if (v.lessThan(c.con)) return `${v} is less than ${c.orig}`;
  // ~0.0.0 accepts everything (>= 0.0.0).
  if (c.con.major === 0n && c.con.minor === 0n && c.con.patch === 0n && !c.minorDirty && !c.patchDirty)
    return null;
  if (v.major !== c.con.major) return `${v} does not have same major version as ${c.orig}`;
  if (v.minor !== c.con.minor && !c.minorDirty)
    return `${v} does not have same major and minor version as ${c.orig}`;
  return null;
}

function caret(v: Version, c: Constraint): Outcome {
  if (v.lessThan(c.con)) return `${v} is less than ${c.orig}`;
  if (c.con.major > 0n || c.minorDirty) {
    return v.major === c.con.major ? null : `${v} does not have same major version as ${c.orig}`;
  }
  if (c.con.major === 0n && v.major > 0n) return `${v} does not have same major version as ${c.orig}`;
  if (c.con.minor > 0n || c.patchDirty) {
    return v.minor === c.con.minor
      ? null
      : `${v} does not have same minor version as ${c.orig}. Expected minor versions to match when constraint major version is 0`;
  }
  if (c.con.minor === 0n && v.minor > 0n) return `${v} does not have same minor version as ${c.orig}`;
  return c.con.patch === v.patch
    ? null
    : `${v} does not equal ${c.orig}. Expect version and constraint to equal when major and minor versions are 0`;
}
