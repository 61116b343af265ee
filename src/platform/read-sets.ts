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
    const queue = [dir, ...extraRefs.map((r) => path.posix.resolve(dir, r))];
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

  /** Whether a build of `dir` may read one of `changed` (absolute paths, deleted ones included). */
  reads(dir: string, changed: ReadonlySet<string>): boolean {
    const c = this.closure(dir);
    for (const f of changed) {
      if (c.files.has(f)) return true;
      for (let d = path.posix.dirname(f); d !== "/" && d !== "."; d = path.posix.dirname(d)) {
        if (c.dirs.has(d)) return true;
      }
    }
    return false;
  }

  /** Existing paths that the kustomization file of `dir` itself names (not its subtree's). */
  namedBy(dir: string): Set<string> {
    const out = new Set<string>();
    for (const fs of this.fss) {
      for (const name of kustomizationFileNames) {
        const file = path.posix.join(dir, name);
        if (!fs.exists(file) || fs.isDirectory(file)) continue;
        for (const ref of this.namedPaths(fs, file)) {
          const abs = path.posix.resolve(dir, ref);
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
          const abs = path.posix.resolve(dir, ref);
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
          const abs = path.posix.join(d, n);
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
          const abs = path.posix.resolve(path.posix.dirname(file), ref);
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
      const abs = path.posix.join(dir, n);
      if (fs.isDirectory(abs)) {
        if (!SKIP.has(n)) this.walk(fs, abs, visit, depth + 1);
      } else visit(abs);
    }
  }
}

function kustomizationFileIn(fs: FileSystem, dir: string): string | undefined {
  for (const name of kustomizationFileNames) {
    const file = path.posix.join(dir, name);
    if (fs.exists(file) && !fs.isDirectory(file)) return file;
  }
  return undefined;
}

/** Every string of a kustomization file that may be a path (`key=path` counts both ways). */
function namedPaths(fs: FileSystem, file: string): string[] {
  let docs: ReturnType<typeof parseYamlDocuments>;
  try {
    docs = parseYamlDocuments(fs.readFile(file).toString("utf8"), file);
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
