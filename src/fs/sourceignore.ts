/**
 * The exclusion rules of a Flux source artifact, as source-controller applies them: fluxcd/pkg
 * `sourceignore` v0.18.0 (whose `gitignore` package is go-git v5.16.4's
 * plumbing/format/gitignore) and `artifact/storage.SourceIgnoreFilter`, used by the
 * GitRepository and OCIRepository reconcilers of source-controller v1.x.
 *
 * This is not Git's gitignore, and the `ignore` package (Git's semantics) gives other answers:
 * - a path is matched on its own: the last pattern that matches it decides, and a directory
 *   being excluded does not exclude what is below it. A pattern matching a directory matches
 *   everything below it too, so that differs only where a later `!pattern` re-includes a path
 *   below an excluded directory (`/*` then `!config/crd`): Flux's archive walk does not prune
 *   excluded directories, so the re-included files are in the artifact (their directories made
 *   when it is untarred);
 * - matching is case-sensitive, each path segment by Go's `path.Match`;
 * - a line is a comment only when `#` is its first character, blank lines are skipped, and
 *   trailing spaces are trimmed unless escaped (`\ `); nothing else is unescaped;
 * - a pattern without `/` (after a trailing one is cut) matches any segment below its
 *   directory; one with a `/` matches from its directory down (`a/b` is `/a/b`).
 *
 * How the rules combine (gitrepository_controller.go `reconcileArtifact`): the patterns of every
 * `.sourceignore` file (the root's first, then each directory's in the walk's order, each scoped
 * to its directory), then those of `spec.ignore` (scoped to the root). When that list is empty
 * (no files, or only comments and blank lines in them and in spec.ignore) the default
 * exclusions apply; otherwise they do not, whatever spec.ignore says. The VCS exclusions come
 * first either way, so any later pattern can re-include what they exclude.
 */
import { BadPatternError, goPathMatch } from "../go/path-match.js";
import { trimSpace } from "../go/strings.js";

/** What source-controller always puts before the other patterns: VCS metadata. */
export const VCS_EXCLUSIONS = [".git/", ".gitignore", ".gitmodules", ".gitattributes"];
/** Its default exclusions, used when neither `.sourceignore` files nor `spec.ignore` give a pattern. */
export const DEFAULT_EXCLUSIONS = [
  "*.jpg",
  "*.jpeg",
  "*.gif",
  "*.png",
  "*.wmv",
  "*.flv",
  "*.tar.gz",
  "*.zip",
  ".github/",
  ".circleci/",
  ".travis.yml",
  ".gitlab-ci.yml",
  "appveyor.yml",
  ".drone.yml",
  "cloudbuild.yaml",
  "codeship-services.yml",
  "codeship-steps.yml",
  "**/.goreleaser.yml",
  "**/.sops.yaml",
  "**/.flux.yaml",
];

/** Where a pattern was written, for messages. */
export interface PatternOrigin {
  /** `.sourceignore` file (repository-relative or absolute), or a description ("spec.ignore of GitRepository a/b"). */
  source: string;
  /** 1-based line within the file or the spec.ignore text. */
  line?: number;
}

export interface IgnorePattern {
  /** The line as written. */
  text: string;
  /** The directory segments (below the artifact root) the pattern is scoped to. */
  domain: readonly string[];
  segments: readonly string[];
  inclusion: boolean;
  dirOnly: boolean;
  /** Holds a `/` (after a trailing one is cut): matched from the domain down, not on any segment. */
  anchored: boolean;
  origin?: PatternOrigin;
  /** Each segment as a matcher of one name (a literal or `*literal` without Go's path.Match). */
  matchers: ReadonlyArray<(name: string) => boolean>;
}

/** go-git `ParsePattern`. */
export function parsePattern(line: string, domain: readonly string[], origin?: PatternOrigin): IgnorePattern {
  let p = line;
  const inclusion = p.startsWith("!");
  if (inclusion) p = p.slice(1);
  if (!p.endsWith("\\ ")) p = p.replace(/ +$/, "");
  const dirOnly = p.endsWith("/");
  if (dirOnly) p = p.slice(0, -1);
  const segments = p.split("/");
  return {
    text: line,
    domain: [...domain],
    segments,
    matchers: segments.map(segmentMatcher),
    inclusion,
    dirOnly,
    anchored: p.includes("/"),
    ...(origin ? { origin } : {}),
  };
}

/**
 * fluxcd/pkg `ReadPatterns`: a pattern per line (Go's bufio line scanner: `\n` ends a line, a
 * `\r` before it is dropped), except blank lines and those starting with `#`.
 */
export function readPatterns(
  text: string,
  domain: readonly string[],
  origin?: Omit<PatternOrigin, "line">,
): IgnorePattern[] {
  const out: IgnorePattern[] = [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  lines.forEach((raw, i) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.startsWith("#") || trimSpace(line) === "") return;
    out.push(parsePattern(line, domain, origin ? { ...origin, line: i + 1 } : undefined));
  });
  return out;
}

/** Go's path.Match, a malformed pattern matching nothing (go-git drops the error). */
function segmentMatch(pattern: string, name: string): boolean {
  try {
    return goPathMatch(pattern, name);
  } catch (e) {
    if (e instanceof BadPatternError) return false;
    throw e;
  }
}

const GO_META = /[*?[\\]/;

/**
 * Go's path.Match of one pattern segment. A name holds no `/`, so a literal matches itself and
 * `*literal` the names ending with it: the shapes of the built-in exclusions, asked of every path.
 */
function segmentMatcher(seg: string): (name: string) => boolean {
  if (!GO_META.test(seg)) return (name) => name === seg;
  const tail = seg.slice(1);
  if (seg.startsWith("*") && tail !== "" && !GO_META.test(tail)) return (name) => name.endsWith(tail);
  return (name) => segmentMatch(seg, name);
}

/** go-git `pattern.Match`: undefined for no match, else whether it includes (true) or excludes. */
export function patternMatch(p: IgnorePattern, path: readonly string[], isDir: boolean): boolean | undefined {
  if (path.length <= p.domain.length) return undefined;
  for (let i = 0; i < p.domain.length; i++) if (path[i] !== p.domain[i]) return undefined;
  // The segments below the domain are read from index `domain.length` on, not copied: a load
  // asks this of every pattern for every path it looks at (~1,700 paths × ~20 patterns for
  // bjw-s home-ops), and the copies were most of what the question allocated.
  const hit = p.anchored
    ? globMatch(p, path, p.domain.length, isDir)
    : nameMatch(p, path, p.domain.length, isDir);
  return hit ? p.inclusion : undefined;
}

/** go-git `simpleNameMatch` of `path` from index `from`: the first segment the pattern matches decides. */
function nameMatch(p: IgnorePattern, path: readonly string[], from: number, isDir: boolean): boolean {
  for (let i = from; i < path.length; i++) {
    if (!p.matchers[0]!(path[i]!)) continue;
    return !(p.dirOnly && !isDir && i === path.length - 1);
  }
  return false;
}

/**
 * go-git `globMatch` of `path` from index `from`, step for step (a `**` segment lets the next
 * one match further down); `at` is where go-git's `path` slice starts.
 */
function globMatch(p: IgnorePattern, path: readonly string[], from: number, isDir: boolean): boolean {
  let at = from;
  let matched = false;
  let canTraverse = false;
  for (let i = 0; i < p.segments.length; i++) {
    const seg = p.segments[i]!;
    if (seg === "") {
      canTraverse = false;
      continue;
    }
    if (seg === "**") {
      if (i === p.segments.length - 1) break;
      canTraverse = true;
      continue;
    }
    if (seg.includes("**")) return false;
    if (at >= path.length) return false;
    if (canTraverse) {
      canTraverse = false;
      while (at < path.length) {
        const e = path[at]!;
        at++;
        if (p.matchers[i]!(e)) {
          matched = true;
          break;
        }
        if (at >= path.length) matched = false;
      }
    } else {
      if (!p.matchers[i]!(path[at]!)) return false;
      matched = true;
      at++;
    }
  }
  if (matched && p.dirOnly && !isDir && at >= path.length) matched = false;
  return matched;
}

/** The pattern that decides a path (go-git `matcher.Match`: the last one matching), if any. */
export function decidingPattern(
  patterns: readonly IgnorePattern[],
  path: readonly string[],
  isDir: boolean,
): IgnorePattern | undefined {
  for (let i = patterns.length - 1; i >= 0; i--) {
    if (patternMatch(patterns[i]!, path, isDir) !== undefined) return patterns[i];
  }
  return undefined;
}

/**
 * fluxcd/pkg `SourceIgnoreFilter(ps, domain)` as the Git and OCI reconcilers call it: the VCS
 * exclusions, then the given patterns, or the default exclusions when none is given.
 */
export function artifactPatterns(given: readonly IgnorePattern[]): IgnorePattern[] {
  const fixed = (lines: string[]) => lines.map((l) => parsePattern(l, [], { source: BUILT_IN }));
  return [...fixed(VCS_EXCLUSIONS), ...(given.length === 0 ? fixed(DEFAULT_EXCLUSIONS) : given)];
}

/** The origin of the VCS and default exclusions. */
export const BUILT_IN = "source-controller's built-in exclusions";

/** How a message names the pattern that excluded a path. */
export function describePattern(p: IgnorePattern): string {
  const where = p.origin
    ? ` (${p.origin.source}${p.origin.line !== undefined ? `, line ${p.origin.line}` : ""})`
    : "";
  return `'${p.text}'${where}`;
}
