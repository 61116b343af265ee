/**
 * What building a directory may read, followed through the directories it uses until nothing
 * new is reached, on every FileSystem given (both revisions of a diff). Any string in a
 * kustomization file that resolves to an existing path counts (resources, components,
 * patches, generator sources `key=path`, configurations, ...).
 *
 * - "conservative" (diffs: a change must never be missed): a directory's whole subtree, and
 *   what every kustomization file below it names;
 * - "precise" (discovery: what a cluster really applies): a directory with a kustomization
 *   file reads that file and what it names; one without reads its subtree as Flux generates
 *   it (a sub-directory with a kustomization file counts as that directory).
 */
import * as path from "node:path";
import type { FileSystem } from "../fs/filesystem.js";
import { joinName, resolvePath } from "../fs/posix-path.js";
import { kustomizationFileNames } from "../kustomize/kustomization.js";
import { isMap, type YamlValue } from "../kustomize/types.js";
import { parseYamlDocuments } from "../yaml/index.js";

const SKIP = new Set([".git", "node_modules"]);

export type ReadMode = "conservative" | "precise";

export class ReadSets {
  /** Per directory: the files below it and the paths its kustomization files name (one step). */
  private readonly steps = new Map<string, { files: string[]; refs: string[] }>();
  private readonly closures = new Map<string, { files: Set<string>; dirs: Set<string> }>();
  /** What each kustomization file names, per file system: discovery asks about one file several times. */
  private readonly named = new Map<FileSystem, Map<string, string[]>>();
  /** Kustomization files below each directory, per file system (mayRead). */
  private readonly kfiles = new Map<FileSystem, Map<string, string[]>>();
  private readonly refsBelow = new Map<string, string[]>();

  constructor(
    private readonly fss: readonly FileSystem[],
    private readonly mode: ReadMode = "conservative",
  ) {}

  /** Absolute paths of every file a build of `dir` (plus `extraRefs`, relative to it) may read. */
  filesOf(dir: string, extraRefs: readonly string[] = []): Set<string> {
    return this.closure(dir, extraRefs).files;
  }

  /**
   * The files a build of `dir` may read and the directories it reads (a file added or deleted
   * below one of those changes the build too).
   */
  closure(dir: string, extraRefs: readonly string[] = []): { files: Set<string>; dirs: Set<string> } {
    const key = extraRefs.length === 0 ? dir : `${dir}\u0000${extraRefs.join("\u0000")}`;
    let c = this.closures.get(key);
    if (c) return c;
    c = { files: new Set<string>(), dirs: new Set<string>() };
    const queue = [dir, ...extraRefs.map((r) => resolvePath(dir, r))];
    while (queue.length > 0) {
      const d = queue.pop()!;
      if (c.dirs.has(d)) continue;
      c.dirs.add(d);
      const step = this.step(d);
      for (const f of step.files) c.files.add(f);
      for (const ref of step.refs) {
        if (this.fss.some((fs) => fs.isDirectory(ref))) queue.push(ref);
        else c.files.add(ref);
      }
    }
    this.closures.set(key, c);
    return c;
  }

  /**
   * Whether a build of `dir` may read one of `changed` (absolute paths, deleted ones included;
   * one ending in `/` stands for everything below it).
   */
  reads(dir: string, changed: ReadonlySet<string>): boolean {
    const c = this.closure(dir);
    const below = changedDirectories(changed);
    if (below.length > 0) {
      for (const p of [...c.files, ...c.dirs]) if (isBelowAny(p, below)) return true;
    }
    for (const f of changed) {
      if (c.files.has(f)) return true;
      for (let d = path.posix.dirname(f); d !== "/" && d !== "."; d = path.posix.dirname(d)) {
        if (c.dirs.has(d)) return true;
      }
    }
    return false;
  }

  /**
   * Whether a build of `dir` (plus `extraRefs`) may read one of `changed` (absolute paths),
   * without listing the files (conservative mode): true whenever `filesOf` holds one of them,
   * and also for any path below a directory the build reads, which is a superset of what the
   * walks list (node_modules, links), so never a miss. Each directory is listed once per file
   * system, where `filesOf` walks a directory again for every build above it.
   */
  mayRead(dir: string, extraRefs: readonly string[], changed: ReadonlySet<string>): boolean {
    if (this.mode !== "conservative") {
      const below = changedDirectories(changed);
      for (const f of this.filesOf(dir, extraRefs)) if (changed.has(f) || isBelowAny(f, below)) return true;
      return false;
    }
    // Every directory a changed path is below (or is): a directory read is hit when in here.
    const hit = new Set<string>();
    // Changed directories (`dir/`): a read of anything below one is hit too.
    const below = changedDirectories(changed);
    for (const f of changed) {
      for (let d = f.endsWith("/") ? f.slice(0, -1) : f; !hit.has(d); d = path.posix.dirname(d)) {
        hit.add(d);
        if (d === "/" || d === ".") break;
      }
    }
    const seen = new Set<string>();
    const queue = [dir, ...extraRefs.map((r) => resolvePath(dir, r))];
    while (queue.length > 0) {
      const d = queue.pop()!;
      if (seen.has(d)) continue;
      seen.add(d);
      if (hit.has(d) || isBelowAny(d, below)) return true;
      const refs = this.subtreeRefs(d);
      if (refs === undefined) return true; // too deep to list: count it as read
      for (const ref of refs) {
        if (this.fss.some((fs) => fs.isDirectory(ref))) queue.push(ref);
        else if (changed.has(ref) || isBelowAny(ref, below)) return true;
      }
    }
    return false;
  }

  /**
   * The `refs` of conservativeStep(dir) (existing paths outside `dir` that kustomization files
   * below it name), from each file system's kustomization files below `dir`; undefined when a
   * tree is deeper than conservativeStep's walk goes.
   */
  private subtreeRefs(dir: string): string[] | undefined {
    const known = this.refsBelow.get(dir);
    if (known !== undefined) return known;
    const refs = new Set<string>();
    for (const fs of this.fss) {
      const files = this.kustomizationFilesBelow(fs, dir, 0);
      if (files === undefined) return undefined;
      for (const file of files) {
        for (const ref of this.namedPaths(fs, file)) {
          const abs = resolvePath(path.posix.dirname(file), ref);
          if (abs === dir || abs.startsWith(`${dir}/`)) continue; // already in the subtree
          if (fs.exists(abs)) refs.add(abs);
        }
      }
    }
    const out = [...refs];
    this.refsBelow.set(dir, out);
    return out;
  }

  /** Kustomization files below `dir` as `walk` finds them (memoised per file system and directory). */
  private kustomizationFilesBelow(fs: FileSystem, dir: string, depth: number): string[] | undefined {
    if (depth > 64) return undefined;
    let byDir = this.kfiles.get(fs);
    if (byDir === undefined) {
      byDir = new Map();
      this.kfiles.set(fs, byDir);
    }
    const known = byDir.get(dir);
    if (known !== undefined) return known;
    let names: string[];
    try {
      names = fs.readDir(dir);
    } catch {
      names = [];
    }
    const out: string[] = [];
    for (const n of names) {
      const abs = joinName(dir, n);
      if (fs.isDirectory(abs)) {
        if (SKIP.has(n)) continue;
        const below = this.kustomizationFilesBelow(fs, abs, depth + 1);
        if (below === undefined) return undefined;
        for (const f of below) out.push(f);
      } else if (kustomizationFileNames.includes(n)) out.push(abs);
    }
    byDir.set(dir, out);
    return out;
  }

  /** Existing paths that the kustomization file of `dir` itself names (not its subtree's). */
  namedBy(dir: string): Set<string> {
    const out = new Set<string>();
    for (const fs of this.fss) {
      for (const name of kustomizationFileNames) {
        const file = joinName(dir, name);
        if (!fs.exists(file) || fs.isDirectory(file)) continue;
        for (const ref of this.namedPaths(fs, file)) {
          const abs = resolvePath(dir, ref);
          if (abs !== dir && fs.exists(abs)) out.add(abs);
        }
      }
    }
    return out;
  }

  private namedPaths(fs: FileSystem, file: string): string[] {
    let byFile = this.named.get(fs);
    if (byFile === undefined) {
      byFile = new Map();
      this.named.set(fs, byFile);
    }
    let refs = byFile.get(file);
    if (refs === undefined) {
      refs = namedPaths(fs, file);
      byFile.set(file, refs);
    }
    return refs;
  }

  private step(dir: string): { files: string[]; refs: string[] } {
    let s = this.steps.get(dir);
    if (s) return s;
    s = this.mode === "precise" ? this.preciseStep(dir) : this.conservativeStep(dir);
    this.steps.set(dir, s);
    return s;
  }

  private preciseStep(dir: string): { files: string[]; refs: string[] } {
    const files = new Set<string>([dir]);
    const refs = new Set<string>();
    for (const fs of this.fss) {
      const own = kustomizationFileIn(fs, dir);
      if (own) {
        files.add(own);
        for (const ref of this.namedPaths(fs, own)) {
          const abs = resolvePath(dir, ref);
          if (abs !== dir && fs.exists(abs)) refs.add(abs);
        }
        continue;
      }
      const walk = (d: string, depth: number) => {
        if (depth > 64) return;
        let names: string[];
        try {
          names = fs.readDir(d);
        } catch {
          return;
        }
        for (const n of names) {
          const abs = joinName(d, n);
          if (!fs.isDirectory(abs)) files.add(abs);
          else if (SKIP.has(n)) continue;
          else if (kustomizationFileIn(fs, abs)) refs.add(abs);
          else walk(abs, depth + 1);
        }
      };
      walk(dir, 0);
    }
    return { files: [...files], refs: [...refs] };
  }

  private conservativeStep(dir: string): { files: string[]; refs: string[] } {
    const files = new Set<string>();
    const refs = new Set<string>();
    for (const fs of this.fss) {
      // A directory that is missing on one side reads nothing there; the path itself still counts.
      files.add(dir);
      this.walk(fs, dir, (file) => {
        files.add(file);
        if (!kustomizationFileNames.includes(path.posix.basename(file))) return;
        for (const ref of this.namedPaths(fs, file)) {
          const abs = resolvePath(path.posix.dirname(file), ref);
          if (abs === dir || abs.startsWith(`${dir}/`)) continue; // already in the subtree
          if (fs.exists(abs)) refs.add(abs);
        }
      });
    }
    return { files: [...files], refs: [...refs] };
  }

  /** Every directory below `root` that holds a kustomization file, on any FileSystem. */
  kustomizationDirs(root: string): string[] {
    const out = new Set<string>();
    for (const fs of this.fss) {
      this.walk(fs, root, (file) => {
        if (kustomizationFileNames.includes(path.posix.basename(file))) out.add(path.posix.dirname(file));
      });
    }
    return [...out].sort();
  }

  private walk(fs: FileSystem, dir: string, visit: (file: string) => void, depth = 0): void {
    // A symlink loop on disk would never end; no real tree is this deep.
    if (depth > 64) return;
    let names: string[];
    try {
      names = fs.readDir(dir);
    } catch {
      return;
    }
    for (const n of names) {
      const abs = joinName(dir, n);
      if (fs.isDirectory(abs)) {
        if (!SKIP.has(n)) this.walk(fs, abs, visit, depth + 1);
      } else visit(abs);
    }
  }
}

/** The entries of `changed` that stand for a whole directory (`dir/`), each with its slash. */
function changedDirectories(changed: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const f of changed) if (f.endsWith("/")) out.push(f);
  return out;
}

/** Whether `p` is one of the directories `dirs` (each ending in `/`) or below one. */
function isBelowAny(p: string, dirs: readonly string[]): boolean {
  for (const d of dirs) if (`${p}/`.startsWith(d)) return true;
  return false;
}

function kustomizationFileIn(fs: FileSystem, dir: string): string | undefined {
  for (const name of kustomizationFileNames) {
    const file = joinName(dir, name);
    if (fs.exists(file) && !fs.isDirectory(file)) return file;
  }
  return undefined;
}

/**
 * namedPaths by the bytes read: a Git revision serves one Buffer per blob to every read, and
 * both revisions of a diff share their unchanged blobs, so each of a diff's read sets (discovery
 * at each revision, the changed-only check over both) parsed the same kustomization files again.
 * The answer is a function of the text alone; read buffers are never written to.
 */
const namedByBytes = new WeakMap<Buffer, string[]>();

/** Every string of a kustomization file that may be a path (`key=path` counts both ways). */
function namedPaths(fs: FileSystem, file: string): string[] {
  let bytes: Buffer;
  try {
    bytes = fs.readFile(file);
  } catch {
    return [];
  }
  let out = namedByBytes.get(bytes);
  if (out === undefined) {
    out = namedPathsIn(bytes.toString("utf8"), file);
    namedByBytes.set(bytes, out);
  }
  return out;
}

function namedPathsIn(text: string, file: string): string[] {
  let docs: ReturnType<typeof parseYamlDocuments>;
  try {
    docs = parseYamlDocuments(text, file);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const doc of docs) {
    for (const s of strings(doc.value)) {
      if (s === "" || s.includes("://") || s.length > 4096) continue;
      out.push(s);
      const eq = s.lastIndexOf("=");
      if (eq >= 0) out.push(s.slice(eq + 1));
    }
  }
  return out;
}

function strings(v: YamlValue, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (isMap(v)) for (const x of Object.values(v)) strings(x, out);
  return out;
}
