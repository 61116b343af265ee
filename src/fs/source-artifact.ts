/**
 * source-controller's view of a Git (or OCI) source: what a Flux Kustomization can read is the
 * artifact, not the checkout. The patterns of the `.sourceignore` files and of the source's
 * `spec.ignore` exclude paths, and when they give none Flux's default exclusions apply (CI
 * configs, images, archives, `.sops.yaml`, ...); VCS metadata is excluded unless a pattern
 * re-includes it. How they combine and match: src/fs/sourceignore.ts.
 *
 * Confinement, as kustomize-controller builds: nothing outside the root can be read (its
 * secure file system refuses such paths), and symbolic links do not exist (source-controller
 * archives regular files and directories only), so no link can lead out of the repository.
 */
import * as path from "node:path";
import { ConfinedFileSystem } from "./confined.js";
import type { FileSystem } from "./filesystem.js";
import { joinName, relativePath } from "./posix-path.js";
import {
  artifactPatterns,
  BUILT_IN,
  decidingPattern,
  describePattern,
  type IgnorePattern,
  parsePattern,
  readPatterns,
} from "./sourceignore.js";

export { DEFAULT_EXCLUSIONS, VCS_EXCLUSIONS } from "./sourceignore.js";

/** The VCS and default exclusions alone: what the artifact would leave out without patterns. */
const DEFAULT_PATTERNS = artifactPatterns([]);

/**
 * How source-controller makes the artifact. "archive" (GitRepository, OCIRepository): every
 * `.sourceignore` file, spec.ignore, the VCS exclusions and, without patterns, the defaults.
 * "bucket" (Bucket, bucket_controller.go fetchEtagIndex): objects are filtered by the root
 * `.sourceignore` (itself left out) and spec.ignore alone, each as a file, and a directory is
 * there only when an object below it is.
 */
export type ArtifactKind = "archive" | "bucket";

/** A folder name as a pattern segment matching only itself (Go's path.Match escapes). */
function literalSegment(name: string): string {
  return name.replace(/[*?[\\]/g, "\\$&");
}

/** A source object's `spec.ignore`. */
export interface SpecIgnore {
  /** The text (undefined or absent: the field is unset). */
  text?: string;
  /** How messages name it: "spec.ignore of GitRepository flux-system/apps (clusters/dev/sync.yaml)". */
  source?: string;
  /**
   * Not source-controller's: folders (relative to the artifact's root) that one build of
   * Slipway's leaves out besides, the defaults kept (a made-up cluster root's folders that the
   * cluster's own Kustomizations build), and how messages name why.
   */
  leftOut?: { dirs: readonly string[]; by: string };
}

/**
 * Verdicts by the rules that gave them: a verdict is a function of the path, whether it is a
 * directory, the root and the rules (each `.sourceignore` file's directory and text, the
 * spec.ignore text), never of what else the tree holds. The two revisions of a diff (and the
 * loads of a long-running process) whose rules are the same share their verdicts instead of
 * matching every path of the repository against every pattern again.
 */
const verdictsByRules = new Map<string, Map<string, boolean>>();
const MAX_RULE_SETS = 8;

function sharedVerdicts(signature: string): Map<string, boolean> {
  let v = verdictsByRules.get(signature);
  if (v === undefined) {
    if (verdictsByRules.size >= MAX_RULE_SETS) verdictsByRules.delete(verdictsByRules.keys().next().value!);
    v = new Map();
    verdictsByRules.set(signature, v);
  }
  return v;
}

export class SourceArtifactFileSystem implements FileSystem {
  /** VCS exclusions, then the files' and spec.ignore's patterns (or the defaults): the last matching decides. */
  readonly patterns: readonly IgnorePattern[];
  private readonly inclusions: readonly IgnorePattern[];
  private readonly verdicts: Map<string, boolean>;
  private readonly below = new Map<string, boolean>();
  /** Paths the checkout has and the artifact leaves out that were asked for, while recording. */
  private asked: Set<string> | undefined;
  /** The repository without symbolic links, refusing reads outside the root. */
  private readonly base: FileSystem;

  /** `root`: absolute path of the artifact (the source's root). `ignore`: the source's spec.ignore. */
  constructor(
    checkout: FileSystem,
    private readonly root: string,
    ignore: SpecIgnore = {},
    private readonly kind: ArtifactKind = "archive",
  ) {
    const base =
      checkout instanceof ConfinedFileSystem && checkout.roots.length === 1 && checkout.roots[0] === root
        ? checkout
        : new ConfinedFileSystem(checkout, [root]);
    this.base = base;
    const given: IgnorePattern[] = [];
    const texts: string[] = [];
    const files =
      kind === "bucket"
        ? [joinName(root, ".sourceignore")].filter((f) => base.exists(f) && !base.isDirectory(f))
        : findSourceIgnoreFiles(base, root);
    for (const file of files) {
      const text = base.readFile(file).toString("utf8");
      texts.push(file, text);
      const dir = path.posix.dirname(file);
      const domain = dir === root ? [] : relativePath(root, dir).split("/");
      given.push(...readPatterns(text, domain, { source: relativePath(root, file) }));
    }
    if (ignore.text !== undefined) {
      given.push(...readPatterns(ignore.text, [], { source: ignore.source ?? "spec.ignore" }));
    }
    const leftOut = (ignore.leftOut?.dirs ?? []).map((d) =>
      parsePattern(`/${d.split("/").map(literalSegment).join("/")}/`, [], { source: ignore.leftOut!.by }),
    );
    this.patterns = [...(kind === "bucket" ? given : artifactPatterns(given)), ...leftOut];
    this.inclusions = this.patterns.filter((p) => p.inclusion);
    this.verdicts = sharedVerdicts(
      JSON.stringify([
        root,
        ignore.text ?? null,
        texts,
        kind,
        ...(ignore.leftOut ? [ignore.leftOut.dirs] : []),
      ]),
    );
  }

  /** Whether the rules exclude `abs` itself (a path outside the root is not this artifact's concern). */
  isIgnored(abs: string, isDir = this.base.isDirectory(abs)): boolean {
    const key = `${abs}\0${isDir}`;
    let v = this.verdicts.get(key);
    if (v === undefined) {
      const segs = this.segmentsOf(abs);
      if (segs === undefined) v = false;
      else if (this.kind === "bucket")
        v =
          (segs.length === 1 && segs[0] === ".sourceignore") ||
          decidingPattern(this.patterns, segs, false)?.inclusion === false;
      else v = decidingPattern(this.patterns, segs, isDir)?.inclusion === false;
      this.verdicts.set(key, v);
    }
    return v;
  }

  /**
   * When patterns of `.sourceignore` files or spec.ignore replace the default exclusions and one
   * of those would leave the file `abs` out: that default pattern, described, and where the
   * replacing patterns come from. A `.sops.yaml` read by a generated kustomization then fails
   * the build in Flux too, which surprises whoever wrote only an `!/kubernetes`.
   */
  defaultExclusionLifted(abs: string): { pattern: string; replacedBy: string } | undefined {
    if (this.kind === "bucket") return undefined;
    const segs = this.segmentsOf(abs);
    const replacing = this.patterns.find((p) => p.origin?.source !== BUILT_IN);
    if (segs === undefined || replacing === undefined || this.isIgnored(abs, false)) return undefined;
    const p = decidingPattern(DEFAULT_PATTERNS, segs, false);
    if (p === undefined || p.inclusion) return undefined;
    return { pattern: `'${p.text}'`, replacedBy: replacing.origin?.source ?? "spec.ignore" };
  }

  /**
   * Why an existing path is not in the artifact: the pattern that excludes it, described. Undefined
   * when the path is in the artifact or not in the checkout at all.
   */
  excludedBy(abs: string): string | undefined {
    if (!this.base.exists(abs) || this.visible(abs)) return undefined;
    const segs = this.segmentsOf(abs);
    if (segs === undefined) return undefined;
    if (this.kind === "bucket" && this.base.isDirectory(abs)) return "the bucket holding no object below it";
    if (this.kind === "bucket" && segs.length === 1 && segs[0] === ".sourceignore")
      return "source-controller, which never puts a bucket's .sourceignore in its artifact";
    const p = decidingPattern(
      this.patterns,
      segs,
      this.kind === "bucket" ? false : this.base.isDirectory(abs),
    );
    return p ? describePattern(p) : undefined;
  }

  private segmentsOf(abs: string): string[] | undefined {
    if (abs === this.root || !abs.startsWith(this.root === "/" ? "/" : `${this.root}/`)) return undefined;
    return relativePath(this.root, abs).split("/");
  }

  /**
   * Whether the artifact holds `abs`. An excluded directory is there still when something below
   * it is not excluded: the archive walk does not skip excluded directories, and untarring makes
   * the directories of what it holds.
   */
  private visible(abs: string, isDir = this.base.isDirectory(abs)): boolean {
    if (this.kind === "bucket" && isDir) return abs === this.root || this.holdsVisible(abs);
    if (!this.isIgnored(abs, isDir)) return true;
    return isDir && this.holdsIncluded(abs);
  }

  /** `visible` for what a reader asks: a miss that the checkout has is remembered while recording. */
  private answer(abs: string, isDir?: boolean): boolean {
    const v = this.visible(abs, isDir);
    if (!v && this.asked) this.asked.add(abs);
    return v;
  }

  /**
   * Starts remembering the paths a reader asks for that the checkout has and the artifact
   * leaves out; the function returned stops and gives them, each with the pattern that
   * excludes it. A failed build names them: "no such file" alone hides that the file is there.
   */
  recordExclusions(): () => Array<{ path: string; by: string }> {
    const asked = new Set<string>();
    this.asked = asked;
    return () => {
      if (this.asked === asked) this.asked = undefined;
      return [...asked].map((p) => ({ path: p, by: this.excludedBy(p) ?? "" }));
    };
  }

  /** A bucket has objects, no directories: a directory is there when an object below it is. */
  private holdsVisible(dir: string): boolean {
    let v = this.below.get(dir);
    if (v === undefined) {
      v = this.base.readDir(dir).some((name) => this.visible(joinName(dir, name)));
      this.below.set(dir, v);
    }
    return v;
  }

  private holdsIncluded(dir: string): boolean {
    let v = this.below.get(dir);
    if (v === undefined) {
      const segs = this.segmentsOf(dir) ?? [];
      v =
        this.inclusions.some((p) => mayMatchBelow(p, segs)) &&
        this.base.readDir(dir).some((name) => this.visible(joinName(dir, name)));
      this.below.set(dir, v);
    }
    return v;
  }

  readFile(p: string): Buffer {
    if (this.base.exists(p) && !this.answer(p, false)) {
      const err = new Error(
        `ENOENT: no such file or directory, open '${p}' (excluded from the source artifact by ${this.excludedBy(p)})`,
      ) as NodeJS.ErrnoException;
      err.code = "ENOENT";
      throw err;
    }
    return this.base.readFile(p);
  }
  exists(p: string): boolean {
    return this.base.exists(p) && this.answer(p);
  }
  isDirectory(p: string): boolean {
    return this.base.isDirectory(p) && this.answer(p, true);
  }
  readDir(p: string): string[] {
    return this.base.readDir(p).filter((name) => this.visible(joinName(p, name)));
  }
  /** The symbolic links of `p` the artifact would hold were it to hold links (not ignored). */
  linksIn(p: string): string[] {
    if (!this.isDirectory(p)) return [];
    return (this.base.linksIn?.(p) ?? []).filter((name) => !this.isIgnored(path.posix.join(p, name), false));
  }
  size(p: string): number {
    if (!this.exists(p)) this.readFile(p);
    return this.base.size(p);
  }
  realPath(p: string): string {
    if (!this.exists(p)) this.readFile(p);
    return this.base.realPath(p);
  }
}

/**
 * Whether an inclusion pattern can match something below the directory `dir` (segments below
 * the root): false only when its domain or a leading literal segment rules every such path out,
 * which spares walking an excluded tree (`/*` then `!/kubernetes`: only `kubernetes/` is walked).
 */
function mayMatchBelow(p: IgnorePattern, dir: readonly string[]): boolean {
  const n = Math.min(p.domain.length, dir.length);
  for (let i = 0; i < n; i++) if (p.domain[i] !== dir[i]) return false;
  if (!p.anchored || dir.length <= p.domain.length) return true;
  const rest = dir.slice(p.domain.length);
  let j = 0;
  for (const seg of p.segments) {
    if (seg === "") continue;
    if (j >= rest.length || seg.includes("*") || /[?[\\]/.test(seg)) return true;
    if (seg !== rest[j]) return false;
    j++;
  }
  return true;
}

/**
 * The `.sourceignore` files below `root`, in the order fluxcd/pkg `LoadIgnorePatterns` reads
 * them: a directory's own file, then its subdirectories' in name order (depth first). Quirk
 * kept from before: nothing below `node_modules` is read (on disk it is mostly not in Git).
 */
function findSourceIgnoreFiles(fs: FileSystem, root: string): string[] {
  return unsortedSourceIgnoreFiles(fs, root).sort(walkOrder);
}

/** Go's walk order of paths: segment by segment, by bytes (a directory before its contents). */
function walkOrder(a: string, b: string): number {
  const x = a.split("/");
  const y = b.split("/");
  // Compare the directories; every path ends in the same name.
  x.pop();
  y.pop();
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return Buffer.compare(Buffer.from(x[i]!), Buffer.from(y[i]!));
  }
  return x.length - y.length;
}

function unsortedSourceIgnoreFiles(fs: FileSystem, root: string): string[] {
  // A file system that knows its paths (a Git revision) answers without the walk.
  const named = fs.filesNamed?.(root, ".sourceignore");
  if (named !== undefined) {
    return named.filter((p) => {
      const dirs = p
        .slice(root === "/" ? 1 : root.length + 1)
        .split("/")
        .slice(0, -1);
      return !dirs.includes(".git") && !dirs.includes("node_modules");
    });
  }
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of fs.readDir(dir)) {
      const p = joinName(dir, name);
      if (fs.isDirectory(p)) {
        if (name !== ".git" && name !== "node_modules") walk(p);
      } else if (name === ".sourceignore") out.push(p);
    }
  };
  if (fs.isDirectory(root)) walk(root);
  return out;
}
