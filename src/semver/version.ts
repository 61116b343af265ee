/**
 * Semantic versions as Masterminds/semver v3.4.0 parses and orders them (version.go) — the
 * library behind Helm's Chart.yaml `kubeVersion` and dependency ranges, sprig's `semver` and
 * `semverCompare`, and Flux's HelmRelease chart version ranges.
 *
 * Two parsers, as upstream: `parseVersion` is `NewVersion` with its default coercion
 * (`CoerceNewVersion = true`: "v1", "1.2", "01.002.3" are accepted and padded/normalised),
 * `parseStrictVersion` is `StrictNewVersion` (exactly MAJOR.MINOR.PATCH, no leading zeros).
 * Segments are uint64, kept as bigint. Error messages are upstream's `err.Error()` text.
 */

export class SemverError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SemverError";
  }
}

const ERR_INVALID = "invalid semantic version";
const ERR_EMPTY = "version string empty";
const ERR_CHARACTERS = "invalid characters in version";
const ERR_STARTS_ZERO = "version segment starts with 0";
const ERR_METADATA = "invalid metadata string";
const ERR_PRERELEASE = "invalid prerelease string";

const UINT64_MAX = (1n << 64n) - 1n;

// version.go looseSemVerRegex. JavaScript's backtracking picks the same submatches as Go's
// leftmost-first RE2 here; the input is anchored at both ends.
const LOOSE_VERSION =
  /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;

const IDENT_CHARS = /^[0-9A-Za-z-]*$/;
const DIGITS = /^[0-9]*$/;

export class Version {
  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly prerelease: string,
    readonly metadata: string,
    /** The text this version was parsed from (`Original()`); `String()` drops a leading "v". */
    readonly original: string,
  ) {}

  /** `Version.String()`: MAJOR.MINOR.PATCH[-PRE][+META]. */
  toString(): string {
    let s = `${this.major}.${this.minor}.${this.patch}`;
    if (this.prerelease !== "") s += `-${this.prerelease}`;
    if (this.metadata !== "") s += `+${this.metadata}`;
    return s;
  }

  /** -1, 0 or 1. Metadata is ignored; a prerelease sorts before its release. */
  compare(o: Version): -1 | 0 | 1 {
    const d = cmp(this.major, o.major) || cmp(this.minor, o.minor) || cmp(this.patch, o.patch);
    if (d !== 0) return d;
    if (this.prerelease === "" && o.prerelease === "") return 0;
    if (this.prerelease === "") return 1;
    if (o.prerelease === "") return -1;
    return comparePrerelease(this.prerelease, o.prerelease);
  }

  lessThan(o: Version): boolean {
    return this.compare(o) < 0;
  }
  lessThanEqual(o: Version): boolean {
    return this.compare(o) <= 0;
  }
  greaterThan(o: Version): boolean {
    return this.compare(o) > 0;
  }
  greaterThanEqual(o: Version): boolean {
    return this.compare(o) >= 0;
  }
  equal(o: Version): boolean {
    return this.compare(o) === 0;
  }

  /** Upstream keeps the original's lowercase "v" prefix on incremented versions. */
  private withParts(major: bigint, minor: bigint, patch: bigint, pre: string, meta: string): Version {
    const next = new Version(major, minor, patch, pre, meta, "");
    const prefix = this.original.startsWith("v") ? "v" : "";
    return new Version(major, minor, patch, pre, meta, prefix + next.toString());
  }

  /** `IncPatch`: a prerelease becomes its release; otherwise patch+1. Metadata is dropped. */
  incPatch(): Version {
    if (this.prerelease !== "") return this.withParts(this.major, this.minor, this.patch, "", "");
    return this.withParts(this.major, this.minor, wrap64(this.patch + 1n), "", "");
  }

  incMinor(): Version {
    return this.withParts(this.major, wrap64(this.minor + 1n), 0n, "", "");
  }

  incMajor(): Version {
    return this.withParts(wrap64(this.major + 1n), 0n, 0n, "", "");
  }

  setPrerelease(pre: string): Version {
    if (pre !== "") validatePrerelease(pre);
    return this.withParts(this.major, this.minor, this.patch, pre, this.metadata);
  }

  setMetadata(meta: string): Version {
    if (meta !== "") validateMetadata(meta);
    return this.withParts(this.major, this.minor, this.patch, this.prerelease, meta);
  }
}

/** semver.NewVersion with CoerceNewVersion (the default): the loose grammar, then validation. */
export function parseVersion(v: string): Version {
  const m = LOOSE_VERSION.exec(v);
  if (!m) throw new SemverError(ERR_INVALID);
  const major = parseSegment(m[1]!);
  const minor = m[2] ? parseSegment(m[2].slice(1)) : 0n;
  const patch = m[3] ? parseSegment(m[3].slice(1)) : 0n;
  const pre = m[5] ?? "";
  const meta = m[8] ?? "";
  if (pre !== "") validatePrerelease(pre);
  if (meta !== "") validateMetadata(meta);
  return new Version(major, minor, patch, pre, meta, v);
}

/** semver.StrictNewVersion: exactly three numeric segments without leading zeros. */
export function parseStrictVersion(v: string): Version {
  if (v.length === 0) throw new SemverError(ERR_EMPTY);
  const parts = splitN(v, ".", 3);
  if (parts.length !== 3) throw new SemverError(ERR_INVALID);
  let rest = parts[2]!;
  let meta = "";
  let pre = "";
  const plus = rest.indexOf("+");
  if (plus >= 0) {
    meta = rest.slice(plus + 1);
    rest = rest.slice(0, plus);
    validateMetadata(meta);
  }
  const dash = rest.indexOf("-");
  if (dash >= 0) {
    pre = rest.slice(dash + 1);
    rest = rest.slice(0, dash);
    validatePrerelease(pre);
  }
  const nums = [parts[0]!, parts[1]!, rest];
  for (const p of nums) {
    if (!DIGITS.test(p)) throw new SemverError(ERR_CHARACTERS);
    if (p.length > 1 && p[0] === "0") throw new SemverError(ERR_STARTS_ZERO);
  }
  const [major, minor, patch] = nums.map(parseStrictSegment) as [bigint, bigint, bigint];
  return new Version(major, minor, patch, pre, meta, v);
}

/** Go's strings.SplitN. */
function splitN(s: string, sep: string, n: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    out.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  out.push(rest);
  return out;
}

function parseUint64(s: string): bigint {
  // strconv.ParseUint's errors, as Go prints them (the empty string cannot reach here).
  if (!/^[0-9]+$/.test(s)) throw new SemverError(`strconv.ParseUint: parsing ${goQuote(s)}: invalid syntax`);
  const n = BigInt(s);
  if (n > UINT64_MAX) throw new SemverError(`strconv.ParseUint: parsing ${goQuote(s)}: value out of range`);
  return n;
}

function parseSegment(s: string): bigint {
  try {
    return parseUint64(s);
  } catch (e) {
    throw new SemverError(`error parsing version segment: ${(e as Error).message}`);
  }
}

function parseStrictSegment(s: string): bigint {
  // StrictNewVersion returns ParseUint's error unwrapped; an empty segment ("1..2") is
  // ParseUint's invalid syntax.
  if (s === "") throw new SemverError(`strconv.ParseUint: parsing "": invalid syntax`);
  return parseUint64(s);
}

/** strconv.Quote for the ASCII digit strings that reach it. */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

function cmp(a: bigint, b: bigint): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

function wrap64(n: bigint): bigint {
  return BigInt.asUintN(64, n);
}

/** comparePrerelease: dot-separated parts, numbers below words, a missing part lowest. */
export function comparePrerelease(a: string, b: string): -1 | 0 | 1 {
  const as = a.split(".");
  const bs = b.split(".");
  const n = Math.max(as.length, bs.length);
  for (let i = 0; i < n; i++) {
    const d = comparePrePart(as[i] ?? "", bs[i] ?? "");
    if (d !== 0) return d;
  }
  return 0;
}

function comparePrePart(s: string, o: string): -1 | 0 | 1 {
  if (s === o) return 0;
  if (s === "") return -1;
  if (o === "") return 1;
  const si = asUint64(s);
  const oi = asUint64(o);
  if (si === undefined && oi === undefined) return goStringLess(o, s) ? 1 : -1;
  if (oi === undefined) return -1;
  if (si === undefined) return 1;
  // quirk kept: equal numbers spelled differently ("01" vs "1") compare as -1, as upstream.
  return si > oi ? 1 : -1;
}

function asUint64(s: string): bigint | undefined {
  if (!/^[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n > UINT64_MAX ? undefined : n;
}

/** Byte-wise string order; identifiers are ASCII, so UTF-16 order is the same. */
function goStringLess(a: string, b: string): boolean {
  return a < b;
}

function validatePrerelease(p: string): void {
  for (const part of p.split(".")) {
    if (part === "") throw new SemverError(ERR_PRERELEASE);
    if (DIGITS.test(part)) {
      if (part.length > 1 && part[0] === "0") throw new SemverError(ERR_STARTS_ZERO);
    } else if (!IDENT_CHARS.test(part)) {
      throw new SemverError(ERR_PRERELEASE);
    }
  }
}

function validateMetadata(m: string): void {
  for (const part of m.split(".")) {
    if (part === "" || !IDENT_CHARS.test(part)) throw new SemverError(ERR_METADATA);
  }
}
