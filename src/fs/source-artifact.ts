import * as path from "node:path";
import ignore, { type Ignore } from "ignore";
import { ConfinedFileSystem } from "./confined.js";
import type { FileSystem } from "./filesystem.js";
import { joinName, relativePath } from "./posix-path.js";

/**
 * source-controller's view of a Git repository: what a Flux Kustomization can read is the
 * artifact, not the checkout. `.sourceignore` files (gitignore syntax, each scoped to its own
 * directory) exclude paths; when a repository has none, Flux's default exclusions apply
 * (CI configs, images, archives, `.sops.yaml`, ...). VCS metadata is always excluded.
 *
 * Confinement, as kustomize-controller builds: nothing outside the root can be read (its
 * secure file system refuses such paths), and symbolic links do not exist (source-controller
 * archives regular files and directories only), so no link can lead out of the repository.
 */
/** What source-controller always leaves out of an artifact: VCS metadata. */
export const VCS_EXCLUSIONS = [".git/", ".gitignore", ".gitmodules", ".gitattributes"];
/** Its default exclusions, applied when no `.sourceignore` or `spec.ignore` says otherwise. */
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

interface Scope {
  dir: string;
  rules: Ignore;
  /**
   * Strings one of which a path (lower-cased) holds whenever the rules can exclude it; undefined
   * when the rules are not all of the plain shapes `needlesOf` reads.
   */
  needles?: string[];
}

/**
 * For rules that are literal names, `*.ext` or `**\/name`, with or without a trailing `/`
 * (source-controller's fixed exclusions): the literal part of each. A path such a rule matches
 * has a segment that ends with (or is) that literal, so the path holds it. Case: `ignore` matches
 * case-insensitively by a JavaScript regular expression with the `i` flag and without `u`, under
 * which an ASCII pattern character matches only that ASCII letter in either case, so the
 * literal is in the path once both are lower-cased. Answering "not excluded" for a path holding
 * none of them spares running every rule's expression over it, and every parent directory's
 * (~700 paths of a home-ops repository in a cold run, each in unoptimised code).
 */
function needlesOf(patterns: readonly string[]): string[] | undefined {
  const needles: string[] = [];
  for (const p of patterns) {
    let literal = p.startsWith("**/") ? p.slice(3) : p.startsWith("*") ? p.slice(1) : p;
    if (literal.endsWith("/")) literal = literal.slice(0, -1);
    if (literal === "" || /[^A-Za-z0-9._-]/.test(literal)) return undefined;
    needles.push(literal.toLowerCase());
  }
  return needles;
}

/**
 * Verdicts by the rules that gave them: a verdict is a function of the path, whether it is a
 * directory, the root and the rules (each `.sourceignore` file's directory and text, the extra
 * lines), never of what else the tree holds. The two revisions of a diff (and the loads of a
 * long-running process) whose rules are the same share their verdicts instead of matching
 * every path of the repository against every pattern again.
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
  private readonly scopes: Scope[];
  private readonly verdicts: Map<string, boolean>;
  /** The repository without symbolic links, refusing reads outside the root. */
  private readonly base: FileSystem;

  /** `root`: absolute path of the artifact (the repository root). `extra`: GitRepository spec.ignore lines. */
  constructor(
    checkout: FileSystem,
    private readonly root: string,
    extra: string[] = [],
  ) {
    const base =
      checkout instanceof ConfinedFileSystem && checkout.roots.length === 1 && checkout.roots[0] === root
        ? checkout
        : new ConfinedFileSystem(checkout, [root]);
    this.base = base;
    const found = findSourceIgnoreFiles(base, root);
    const rootPatterns = [
      ...VCS_EXCLUSIONS,
      ...(found.length === 0 && extra.length === 0 ? DEFAULT_EXCLUSIONS : []),
    ];
    const rootRules = ignore().add(rootPatterns);
    rootRules.add(extra);
    this.scopes = [
      { dir: root, rules: rootRules, ...(extra.length === 0 ? { needles: needlesOf(rootPatterns) } : {}) },
    ];
    const texts: string[] = [];
    for (const file of found) {
      const text = base.readFile(file).toString("utf8");
      texts.push(file, text);
      this.scopes.push({ dir: path.posix.dirname(file), rules: ignore().add(text) });
    }
    this.verdicts = sharedVerdicts(JSON.stringify([root, extra, texts]));
  }

  /** Whether the artifact leaves `abs` out (a path outside the root is not this artifact's concern). */
  isIgnored(abs: string, isDir = this.base.isDirectory(abs)): boolean {
    const key = `${abs}\0${isDir}`;
    let v = this.verdicts.get(key);
    if (v === undefined) {
      v = this.compute(abs, isDir);
      this.verdicts.set(key, v);
    }
    return v;
  }

  private compute(abs: string, isDir: boolean): boolean {
    if (abs === this.root || !abs.startsWith(`${this.root}/`)) return false;
    const parent = path.posix.dirname(abs);
    if (parent !== this.root && this.isIgnored(parent, true)) return true;
    for (const s of this.scopes) {
      if (abs !== s.dir && abs.startsWith(s.dir === "/" ? "/" : `${s.dir}/`)) {
        const rel = relativePath(s.dir, abs) + (isDir ? "/" : "");
        if (s.needles !== undefined) {
          const lower = rel.toLowerCase();
          if (!s.needles.some((n) => lower.includes(n))) continue;
        }
        if (s.rules.ignores(rel)) return true;
      }
    }
    return false;
  }

  readFile(p: string): Buffer {
    if (this.base.exists(p) && this.isIgnored(p, false)) {
      const err = new Error(
        `ENOENT: no such file or directory, open '${p}' (excluded from the source artifact)`,
      ) as NodeJS.ErrnoException;
      err.code = "ENOENT";
      throw err;
    }
    return this.base.readFile(p);
  }
  exists(p: string): boolean {
    return this.base.exists(p) && !this.isIgnored(p);
  }
  isDirectory(p: string): boolean {
    return this.base.isDirectory(p) && !this.isIgnored(p, true);
  }
  readDir(p: string): string[] {
    return this.base.readDir(p).filter((name) => !this.isIgnored(joinName(p, name)));
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

function findSourceIgnoreFiles(fs: FileSystem, root: string): string[] {
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
