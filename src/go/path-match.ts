/**
 * Go's `path.Match` (and `path/filepath.Match` with `/` as the separator, as on Linux): the
 * pattern language of `.helmignore`, `helm template --show-only` and source-watcher's copy
 * sources.
 *
 * The semantics are Go's algorithm, not a regular expression's: the pattern is cut into chunks
 * at each run of stars, and a chunk after a star takes the *first* position where it matches
 * (the last chunk must end the name), never backtracking into earlier chunks. With `?` and `*`
 * both stopping at `/` that is the same as a regular expression, but a class may match `/`
 * (`[^x]`, `[.-0]`), and then `*[^x]*b` does not match `a/b` in Go although `[^/]*[^x][^/]*b`
 * does. Matching is O(name × pattern), so a pattern from a chart or a repository cannot make
 * it slow.
 *
 * Characters are code points. (Go steps over a name byte by byte after a star, so a class
 * holding U+FFFD can match the second byte of a multi-byte character; names here are text.)
 */

export class BadPatternError extends Error {
  constructor(readonly pattern: string) {
    super("syntax error in pattern");
    this.name = "BadPatternError";
  }
}

/** One single-character operator of a chunk. */
type Atom =
  | { kind: "literal"; cp: number }
  | { kind: "any" } // `?`: one character other than `/`
  | { kind: "class"; negated: boolean; ranges: number[] }; // [lo0, hi0, lo1, hi1, …]

interface Chunk {
  /** Whether a star precedes it. */
  star: boolean;
  atoms: Atom[];
}

const SLASH = 0x2f;

/**
 * The chunks of `pattern`; throws BadPatternError for a malformed one. Go reports a malformed
 * pattern whatever the name (it checks the rest of the pattern before answering false), so
 * checking it once, up front, answers the same.
 */
function compile(pattern: string): Chunk[] {
  const cps = Array.from(pattern, (c) => c.codePointAt(0)!);
  const chunks: Chunk[] = [];
  let i = 0;
  while (i < cps.length) {
    let star = false;
    while (cps[i] === 0x2a) {
      star = true;
      i++;
    }
    const atoms: Atom[] = [];
    while (i < cps.length && cps[i] !== 0x2a) {
      const c = cps[i]!;
      if (c === 0x3f) {
        atoms.push({ kind: "any" });
        i++;
      } else if (c === 0x5b) {
        i = readClass(cps, i + 1, atoms, pattern);
      } else if (c === 0x5c) {
        if (i + 1 >= cps.length) throw new BadPatternError(pattern);
        atoms.push({ kind: "literal", cp: cps[i + 1]! });
        i += 2;
      } else {
        atoms.push({ kind: "literal", cp: c });
        i++;
      }
    }
    chunks.push({ star, atoms });
  }
  return chunks;
}

/** A class from just after its `[`; pushes it and returns the index after its `]`. */
function readClass(cps: number[], i: number, atoms: Atom[], pattern: string): number {
  let negated = false;
  if (cps[i] === 0x5e) {
    negated = true;
    i++;
  }
  const ranges: number[] = [];
  // A class item: not an unescaped `-` or `]`, and something must follow it.
  const item = (): number => {
    let c = cps[i];
    if (c === undefined || c === 0x2d || c === 0x5d) throw new BadPatternError(pattern);
    if (c === 0x5c) {
      c = cps[++i];
      if (c === undefined) throw new BadPatternError(pattern);
    }
    if (++i >= cps.length) throw new BadPatternError(pattern);
    return c;
  };
  for (let items = 0; ; items++) {
    if (cps[i] === 0x5d && items > 0) {
      atoms.push({ kind: "class", negated, ranges });
      return i + 1;
    }
    const lo = item();
    let hi = lo;
    if (cps[i] === 0x2d) {
      i++;
      hi = item();
    }
    // A reversed range is no error in Go: it matches nothing.
    if (lo <= hi) ranges.push(lo, hi);
  }
}

/** Whether `atoms` match `name` from `at`; returns the index after the match, or -1. */
function matchChunk(atoms: readonly Atom[], name: readonly number[], at: number): number {
  for (const atom of atoms) {
    const c = name[at];
    if (c === undefined) return -1;
    if (atom.kind === "literal") {
      if (c !== atom.cp) return -1;
    } else if (atom.kind === "any") {
      if (c === SLASH) return -1;
    } else {
      let inClass = false;
      const r = atom.ranges;
      for (let k = 0; k < r.length && !inClass; k += 2) inClass = r[k]! <= c && c <= r[k + 1]!;
      if (inClass === atom.negated) return -1;
    }
    at++;
  }
  return at;
}

function matchChunks(chunks: readonly Chunk[], name: readonly number[]): boolean {
  let at = 0;
  for (let k = 0; k < chunks.length; k++) {
    const { star, atoms } = chunks[k]!;
    const last = k === chunks.length - 1;
    // A trailing star takes the rest of the name, if it holds no `/`.
    if (star && atoms.length === 0) return !name.slice(at).includes(SLASH);
    let next = matchChunk(atoms, name, at);
    // The last chunk has to end the name; others take the first place they match.
    const fits = (end: number) => end >= 0 && (!last || end === name.length);
    if (!fits(next) && star) {
      next = -1;
      for (let from = at; from < name.length && name[from] !== SLASH; from++) {
        const end = matchChunk(atoms, name, from + 1);
        if (fits(end)) {
          next = end;
          break;
        }
      }
    }
    if (!fits(next)) return false;
    at = next;
  }
  return at === name.length;
}

/**
 * A pattern whose chunks hold literal characters only (`*.swp`, `kube-prometheus-*.tgz`: most
 * `.helmignore` rules), as strings: matched by Go's algorithm over string searches, without
 * the name's code points. Literals holding surrogates are left to the chunks (a search could
 * stop inside a character).
 */
interface LiteralChunk {
  star: boolean;
  text: string;
}

interface Compiled {
  chunks: Chunk[];
  literals?: LiteralChunk[];
}

function literalChunks(chunks: readonly Chunk[]): LiteralChunk[] | undefined {
  const out: LiteralChunk[] = [];
  for (const { star, atoms } of chunks) {
    const cps: number[] = [];
    for (const a of atoms) {
      if (a.kind !== "literal" || (a.cp >= 0xd800 && a.cp <= 0xdfff)) return undefined;
      cps.push(a.cp);
    }
    out.push({ star, text: String.fromCodePoint(...cps) });
  }
  return out;
}

/**
 * matchChunks for literal chunks. Go's loop tries a chunk after a star where the name stands,
 * then one character further each time until it has stepped over a `/`: the positions from
 * `at` to the first `/` (included). A chunk that is not last takes the first of them where it
 * matches; the last one must end the name, so only its one possible position is tried.
 */
function matchLiterals(chunks: readonly LiteralChunk[], name: string): boolean {
  let at = 0;
  for (let k = 0; k < chunks.length; k++) {
    const { star, text } = chunks[k]!;
    const last = k === chunks.length - 1;
    if (star && text === "") return name.indexOf("/", at) < 0;
    let p: number;
    if (!star) p = name.startsWith(text, at) ? at : -1;
    else {
      const slash = name.indexOf("/", at);
      const limit = slash < 0 ? name.length : slash;
      p = last ? name.length - text.length : name.indexOf(text, at);
      if (p < at || p > limit || (last && !name.endsWith(text))) p = -1;
    }
    if (p < 0) return false;
    at = p + text.length;
    if (last && at !== name.length) return false;
  }
  return at === name.length;
}

const compiled = new Map<string, Compiled | BadPatternError>();

function compiledOf(pattern: string): Compiled {
  let c = compiled.get(pattern);
  if (c === undefined) {
    try {
      const chunks = compile(pattern);
      c = { chunks, literals: literalChunks(chunks) };
    } catch (e) {
      if (!(e instanceof BadPatternError)) throw e;
      c = e;
    }
    // Patterns come from files and flags: a bound keeps a long `serve` session small.
    if (compiled.size >= 5000) compiled.clear();
    compiled.set(pattern, c);
  }
  if (c instanceof BadPatternError) throw c;
  return c;
}

/** A pattern without `*`, `?`, `[` or `\\`: Go compares it with the name, and it cannot be malformed. */
const META = /[*?[\\]/;

/**
 * The code points of the name last matched: `.helmignore` asks every rule about one name in turn
 * (kube-prometheus-stack: 350 files x 26 rules, ~18 ms of its fresh helm template converting
 * each name again for each rule, most of them literal).
 */
let lastName = "";
let lastCodePoints: readonly number[] = [];

/** Go's path.Match(pattern, name). Throws BadPatternError for a malformed pattern. */
export function goPathMatch(pattern: string, name: string): boolean {
  if (!META.test(pattern)) return pattern === name;
  const c = compiledOf(pattern);
  if (c.literals !== undefined) return matchLiterals(c.literals, name);
  return matchByChunks(c.chunks, name);
}

/** The general algorithm for any pattern (exported for tests: the literal path must agree with it). */
export function goPathMatchByChunks(pattern: string, name: string): boolean {
  return matchByChunks(compiledOf(pattern).chunks, name);
}

function matchByChunks(chunks: readonly Chunk[], name: string): boolean {
  if (name !== lastName) {
    lastCodePoints = Array.from(name, (c) => c.codePointAt(0)!);
    lastName = name;
  }
  return matchChunks(chunks, lastCodePoints);
}

/** Whether Go's path.Match accepts `pattern` (ErrBadPattern otherwise). */
export function validGoPathPattern(pattern: string): boolean {
  try {
    compiledOf(pattern);
    return true;
  } catch (e) {
    if (e instanceof BadPatternError) return false;
    throw e;
  }
}
