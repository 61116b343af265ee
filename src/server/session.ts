/**
 * The state behind `slipway serve`: the current snapshot of the platform and its re-rendering
 * when files change. Renders run one at a time; changes that arrive meanwhile are merged into
 * the next render. A render keeps the BuildCache of the previous one minus the kustomization
 * directories the changed files can affect (src/diff/changed.ts decides which), so only what
 * changed is built again; Flux post-processing, the check and the graph run over the whole
 * model, which is cheap next to kustomize builds.
 */
import { existsSync } from "node:fs";
import { directoriesAffected } from "../diff/index.js";
import { errorMessage } from "../errors.js";
import { DiskFileSystem, type FileSystem } from "../fs/filesystem.js";
import { BuildCache } from "../kustomize/target.js";
import { ARTIFACT_ROOT } from "../platform/artifacts.js";
import { SecretValues } from "../platform/masking.js";
import { loadDashboard } from "../report/load.js";
import type { SessionStatus } from "../report/model.js";
import type { DashboardSnapshot } from "../report/snapshot.js";

export type { SessionStatus };

export type SessionEvent =
  | { type: "status"; status: SessionStatus }
  | { type: "snapshot"; status: SessionStatus };

export interface SessionOptions {
  identities?: readonly string[];
  clusters?: string[];
  fs?: FileSystem;
}

export class DashboardSession {
  snapshot: DashboardSnapshot | undefined;
  private readonly values = new SecretValues();
  /** The masker every render and every revision diff of this session shares. */
  get secretValues(): SecretValues {
    return this.values;
  }
  private cache = new BuildCache();
  private generation = 0;
  private pending = new Set<string>();
  private running: Promise<void> | undefined;
  private readonly listeners = new Set<(e: SessionEvent) => void>();
  private lastRenderMs = 0;
  private rebuiltDirs = 0;
  private error: string | undefined;
  private firstChangeAt: number | undefined;

  constructor(
    /** Absolute POSIX path of the repository root. */
    readonly root: string,
    private readonly opts: SessionOptions = {},
  ) {}

  status(): SessionStatus {
    const s: SessionStatus = {
      state: this.running ? "rendering" : this.error ? "failed" : "ready",
      pending: [...this.pending].sort(),
      generation: this.generation,
      lastRenderMs: Math.round(this.lastRenderMs),
      rebuiltDirs: this.rebuiltDirs,
    };
    if (this.error) s.error = this.error;
    return s;
  }

  subscribe(listener: (e: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Renders everything (the first time) and resolves when the snapshot is there. */
  async start(): Promise<void> {
    this.firstChangeAt = performance.now();
    await this.schedule();
  }

  /** Files (absolute paths) changed on disk: render again, changed-only. */
  changed(paths: Iterable<string>): Promise<void> {
    let any = false;
    for (const p of paths) {
      this.pending.add(p);
      any = true;
    }
    if (!any) return this.running ?? Promise.resolve();
    this.firstChangeAt ??= performance.now();
    this.emit({ type: "status", status: this.status() });
    return this.schedule();
  }

  /** Resolves when no render is running or queued. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private schedule(): Promise<void> {
    if (!this.running) {
      this.running = this.loop().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async loop(): Promise<void> {
    do {
      const changed = this.pending;
      this.pending = new Set();
      // Latency counts from the first change this render serves; later ones start a new count.
      const started = this.firstChangeAt ?? performance.now();
      this.firstChangeAt = undefined;
      await this.render(changed);
      this.lastRenderMs = performance.now() - started;
      const last = this.pending.size === 0;
      this.emit({
        type: last ? "snapshot" : "status",
        status: { ...this.status(), state: last ? (this.error ? "failed" : "ready") : "rendering" },
      });
    } while (this.pending.size > 0);
  }

  private async render(changed: Set<string>): Promise<void> {
    this.invalidate(changed);
    try {
      const previous = this.snapshot?.model;
      this.snapshot = await loadDashboard(this.root, {
        values: this.values,
        cache: this.cache,
        generation: this.generation + 1,
        changedFiles: [...changed].map((p) => relative(this.root, p)).sort(),
        ...(this.opts.fs ? { fs: this.opts.fs } : {}),
        ...(this.opts.identities ? { identities: this.opts.identities } : {}),
        ...(this.opts.clusters ? { clusters: this.opts.clusters } : {}),
        ...(previous ? { previous } : {}),
      });
      this.generation++;
      this.error = undefined;
    } catch (e) {
      // The page keeps the last good snapshot and shows why the new one is missing.
      this.error = errorMessage(e);
      this.cache = new BuildCache();
    }
  }

  /** Drops the cached builds that the changed files can affect. */
  private invalidate(changed: Set<string>): void {
    if (changed.size === 0) return;
    const fs = this.opts.fs ?? new DiskFileSystem();
    // A file that disappeared may have been named from anywhere: start afresh.
    if ([...changed].some((p) => !(this.opts.fs ? fs.exists(p) : existsSync(p)))) {
      this.cache = new BuildCache();
      this.rebuiltDirs = -1;
      return;
    }
    const dirs = directoriesAffected(fs, this.root, changed);
    // A build inside an ExternalArtifact is keyed by the artifact's virtual directory, not by the
    // repository files its generator copied there: which of those changed is not known here, so
    // every such build is dropped.
    const inArtifact = (dir: string) => dir.includes(`/${ARTIFACT_ROOT}/`);
    for (const d of this.cache.kustomizations.keys()) if (inArtifact(d)) dirs.add(d);
    for (const key of this.cache.bases.keys()) {
      const dir = key.slice(0, key.indexOf("\u0000"));
      if (inArtifact(dir)) dirs.add(dir);
    }
    this.rebuiltDirs = dirs.size;
    for (const d of dirs) this.cache.kustomizations.delete(d);
    for (const key of [...this.cache.bases.keys()]) {
      if (dirs.has(key.slice(0, key.indexOf("\u0000")))) this.cache.bases.delete(key);
    }
  }

  private emit(e: SessionEvent): void {
    for (const l of this.listeners) l(e);
  }
}

function relative(root: string, p: string): string {
  return p.startsWith(`${root}/`) ? p.slice(root.length + 1) : p;
}
