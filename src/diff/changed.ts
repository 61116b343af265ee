/**
 * Changed-only rendering. A Flux Kustomization whose inputs are the same at both revisions
 * renders the same objects at both, so it cannot contribute to the diff: it need not be built.
 *
 * Rendering still goes through loadPlatform (one code path, so results equal a full render's);
 * what changes is the FileSystem it reads: the kustomization file of an unaffected directory is
 * served as an empty kustomization, which builds in no time on both sides. A directory is left
 * alone (rendered for real) when any of these holds:
 *  - a file it may read changed (its subtree, and every path its kustomization file names,
 *    followed through other directories);
 *  - what it may read holds Flux Kustomizations (its children must be found) or the name of a
 *    ConfigMap/Secret that some Kustomization substitutes variables from;
 *  - it is a Component, or another directory that is rendered for real uses it;
 *  - a Flux Kustomization building it differs between the revisions (its spec, its
 *    components' files, its variable sources), or exists on one side only.
 * The last two are only known after rendering, so planning repeats until nothing changes
 * (usually one extra round).
 */
import * as path from "node:path";
import type { FileSystem } from "../fs/filesystem.js";
import { kustomizationFileNames } from "../kustomize/kustomization.js";
import { isMap, type YamlValue } from "../kustomize/types.js";
import { type LoadPlatformOptions, loadPlatform, type Platform } from "../platform/index.js";
import { parseYamlDocuments } from "../yaml/index.js";

export interface ChangedOnlyResult {
  base: Platform;
  head: Platform;
  /** Directories that were not built (absolute). */
  skipped: Set<string>;
  rounds: number;
}

/** Loads both platforms, building only what can differ. `changed` holds absolute file paths. */
export function loadChangedOnly(
  root: string,
  baseFs: FileSystem,
  headFs: FileSystem,
  changed: Set<string>,
  opts: Omit<LoadPlatformOptions, "fs"> = {},
): ChangedOnlyResult {
  const graph = new DirectoryGraph([baseFs, headFs], root, changed);
  const stubbed = graph.initialStubs();
  let rounds = 0;
  for (;;) {
    rounds++;
    const base = loadPlatform(root, { ...opts, fs: new StubFileSystem(baseFs, stubbed) });
    const head = loadPlatform(root, { ...opts, fs: new StubFileSystem(headFs, stubbed) });
    const release = graph.mustBuild(base, head, stubbed);
    if (release.size === 0 || rounds > 20) return { base, head, skipped: stubbed, rounds };
    for (const d of release) stubbed.delete(d);
    graph.closeOver(stubbed);
  }
}

/**
 * Kustomization directories (absolute) whose build may read one of `changed` (absolute paths):
 * their subtree and every path their kustomization files name, followed through other
 * directories, plus the directories that use them. A long-running process that keeps a
 * BuildCache (watch mode) drops exactly these before rendering again.
 */
export function directoriesAffected(fs: FileSystem, root: string, changed: Set<string>): Set<string> {
  return new DirectoryGraph([fs], root, changed).affected();
}

const STUB = Buffer.from("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n");

/** Serves an empty kustomization file for the stubbed directories. */
class StubFileSystem implements FileSystem {
  constructor(
    private readonly inner: FileSystem,
    private readonly stubbed: Set<string>,
  ) {}
  readFile(p: string): Buffer {
    if (this.stubbed.has(path.posix.dirname(p)) && kustomizationFileNames.includes(path.posix.basename(p))) {
      return STUB;
    }
    return this.inner.readFile(p);
  }
  exists(p: string): boolean {
    return this.inner.exists(p);
  }
  isDirectory(p: string): boolean {
    return this.inner.isDirectory(p);
  }
  readDir(p: string): string[] {
    return this.inner.readDir(p);
  }
  size(p: string): number {
    return this.readFile(p).length;
  }
  realPath(p: string): string {
    return this.inner.realPath(p);
  }
}

interface DirInfo {
  /** Files its build may read (absolute). */
  files: Set<string>;
  /** Directories with a kustomization file that it uses. */
  uses: Set<string>;
  component: boolean;
}

class DirectoryGraph {
  private readonly info = new Map<string, DirInfo>();
  private readonly textCache = new Map<string, string>();
  private readonly stubbable: Set<string>;

  constructor(
    private readonly fss: FileSystem[],
    private readonly root: string,
    private readonly changed: Set<string>,
  ) {
    this.stubbable = new Set();
    for (const d of this.kustomizationDirs()) this.stubbable.add(d);
  }

  /** Every directory (below the root, on either side) that holds a kustomization file. */
  private kustomizationDirs(): string[] {
    const out = new Set<string>();
    for (const fs of this.fss) {
      const walk = (dir: string) => {
        let names: string[];
        try {
          names = fs.readDir(dir);
        } catch {
          return;
        }
        for (const n of names) {
          const abs = path.posix.join(dir, n);
          if (fs.isDirectory(abs)) {
            if (n !== ".git" && n !== "node_modules") walk(abs);
          } else if (kustomizationFileNames.includes(n)) out.add(dir);
        }
      };
      walk(this.root);
    }
    return [...out];
  }

  initialStubs(): Set<string> {
    const stubbed = new Set<string>();
    for (const d of this.stubbable) {
      const i = this.dir(d);
      if (i.component) continue;
      if (this.touched(i.files)) continue;
      if ([...i.files].some((f) => this.text(f).includes("kustomize.toolkit.fluxcd.io"))) continue;
      stubbed.add(d);
    }
    this.closeOver(stubbed);
    return stubbed;
  }

  affected(): Set<string> {
    const out = new Set<string>();
    for (const d of this.stubbable) {
      if (this.touched(this.dir(d).files) || [...this.changed].some((p) => p.startsWith(`${d}/`))) out.add(d);
    }
    for (let again = true; again; ) {
      again = false;
      for (const d of this.stubbable) {
        if (out.has(d) || ![...this.dir(d).uses].some((u) => out.has(u))) continue;
        out.add(d);
        again = true;
      }
    }
    return out;
  }

  /** Drops stubs that a directory built for real uses (until none is left). */
  closeOver(stubbed: Set<string>): void {
    for (let again = true; again; ) {
      again = false;
      for (const d of this.stubbable) {
        if (stubbed.has(d)) continue;
        for (const used of this.dir(d).uses) {
          if (stubbed.delete(used)) again = true;
        }
      }
    }
  }

  /** Stubbed directories that the rendered platforms show must be built after all. */
  mustBuild(base: Platform, head: Platform, stubbed: Set<string>): Set<string> {
    const release = new Set<string>();
    const varNames = new Set<string>();
    const sides = new Map<
      string,
      {
        b?: Platform["clusters"][number]["kustomizations"][number];
        h?: (typeof base.clusters)[number]["kustomizations"][number];
      }
    >();
    for (const [which, p] of [
      ["b", base],
      ["h", head],
    ] as const) {
      for (const c of p.clusters) {
        for (const k of c.kustomizations) {
          const key = `${c.name}\u0000${k.id}`;
          const s = sides.get(key) ?? {};
          s[which] = k;
          sides.set(key, s);
          const pb = isMap(k.object.spec) ? k.object.spec.postBuild : undefined;
          if (isMap(pb) && Array.isArray(pb.substituteFrom)) {
            for (const r of pb.substituteFrom)
              if (isMap(r) && typeof r.name === "string") varNames.add(r.name);
          }
        }
      }
    }
    for (const d of stubbed) {
      const files = this.dir(d).files;
      if ([...varNames].some((n) => [...files].some((f) => this.text(f).includes(n)))) release.add(d);
    }
    for (const { b, h } of sides.values()) {
      for (const k of [b, h]) {
        if (!k?.dir) continue;
        const dir = path.posix.join(this.root, k.dir);
        if (!stubbed.has(dir) || release.has(dir)) continue;
        const differs =
          !b ||
          !h ||
          stableJson(b.object) !== stableJson(h.object) ||
          this.componentsTouched(dir, k.object.spec);
        if (differs) release.add(dir);
      }
    }
    return release;
  }

  private componentsTouched(dir: string, spec: YamlValue | undefined): boolean {
    if (!isMap(spec) || !Array.isArray(spec.components)) return false;
    return spec.components.some((c) => {
      if (typeof c !== "string") return false;
      const abs = path.posix.join(dir, c);
      return this.touched(this.dir(abs).files) || this.touched(new Set([abs]));
    });
  }

  private touched(files: Set<string>): boolean {
    if (this.changed.size === 0) return false;
    for (const f of files) if (this.changed.has(f)) return true;
    return false;
  }

  private text(file: string): string {
    let t = this.textCache.get(file);
    if (t === undefined) {
      t = "";
      for (const fs of this.fss) {
        try {
          t += fs.readFile(file).toString("utf8");
        } catch {
          // absent on this side
        }
      }
      this.textCache.set(file, t);
    }
    return t;
  }

  /** What building `dir` may read, on either side. Cycles end at a directory being visited. */
  private dir(dir: string): DirInfo {
    const known = this.info.get(dir);
    if (known) return known;
    const info: DirInfo = { files: new Set(), uses: new Set(), component: false };
    this.info.set(dir, info);
    for (const fs of this.fss) {
      this.subtree(fs, dir, info.files);
      for (const name of kustomizationFileNames) {
        const file = path.posix.join(dir, name);
        if (!fs.exists(file) || fs.isDirectory(file)) continue;
        let docs: ReturnType<typeof parseYamlDocuments>;
        try {
          docs = parseYamlDocuments(fs.readFile(file).toString("utf8"), file);
        } catch {
          continue;
        }
        for (const doc of docs) {
          if (isMap(doc.value) && doc.value.kind === "Component") info.component = true;
          for (const s of strings(doc.value)) {
            for (const candidate of s.includes("=") ? [s, s.slice(s.lastIndexOf("=") + 1)] : [s]) {
              this.follow(fs, dir, candidate, info);
            }
          }
        }
      }
    }
    // A directory without a kustomization file of its own builds everything below it (Flux
    // generates one); below-directories with a kustomization file are used as resources.
    for (const f of info.files) {
      const parent = path.posix.dirname(f);
      if (parent !== dir && kustomizationFileNames.includes(path.posix.basename(f))) info.uses.add(parent);
    }
    return info;
  }

  private follow(fs: FileSystem, dir: string, ref: string, info: DirInfo): void {
    if (ref === "" || ref.includes("://") || ref.length > 4096) return;
    const abs = path.posix.resolve(dir, ref);
    if (abs === dir || abs.startsWith(`${dir}/`)) {
      if (fs.isDirectory(abs) && abs !== dir) info.uses.add(abs);
      return; // already in the subtree
    }
    if (!fs.exists(abs)) return;
    if (fs.isDirectory(abs)) {
      info.uses.add(abs);
      for (const f of this.dir(abs).files) info.files.add(f);
    } else {
      info.files.add(abs);
    }
  }

  private subtree(fs: FileSystem, dir: string, into: Set<string>): void {
    let names: string[];
    try {
      names = fs.readDir(dir);
    } catch {
      return;
    }
    for (const n of names) {
      const abs = path.posix.join(dir, n);
      if (fs.isDirectory(abs)) this.subtree(fs, abs, into);
      else into.add(abs);
    }
  }
}

function strings(v: YamlValue, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (isMap(v)) for (const x of Object.values(v)) strings(x, out);
  return out;
}

function stableJson(v: YamlValue): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (isMap(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(v[k]!)}`)
      .join(",")}}`;
  }
  return typeof v === "bigint" ? v.toString() : JSON.stringify(v);
}
