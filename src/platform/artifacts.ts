/**
 * The ArtifactGenerators of one cluster and the ExternalArtifacts they produce, as
 * source-watcher would: generators are collected from the rendered output as it appears and
 * run on first use (an ExternalArtifact source of one generator may be another's output;
 * a loop between generators is reported, not followed). Each artifact is mounted at a
 * virtual directory below the repository root, `@ExternalArtifact/<cluster>/<ns>/<name>`,
 * which Flux Kustomizations use as their source root.
 */
import * as path from "node:path";
import {
  type ArtifactFileSystem,
  type ArtifactGeneratorSpec,
  decodeArtifactGenerator,
  type GeneratedArtifact,
  type GeneratorRun,
  runArtifactGenerator,
  type SourceRef,
  type SourceResolution,
} from "../artifacts/index.js";
import type { FileSystem } from "../fs/filesystem.js";
import type { KObject } from "../kustomize/types.js";
import type { ObjectRef, PlatformError, SourceLocation } from "./model.js";

export const ARTIFACT_ROOT = "@ExternalArtifact";

interface GeneratorEntry {
  spec?: ArtifactGeneratorSpec;
  decodeError?: string;
  run?: GeneratorRun;
  running?: boolean;
  /** Flux Kustomization (id) that applies it, and where it is defined. */
  kustomization: string;
  at?: SourceLocation;
  namespace: string;
  name: string;
  /** Artifact names as written, to attribute an artifact to an invalid generator. */
  rawNames: string[];
}

/** What a Flux source reference resolves to, for a generator's `spec.sources`. */
export type LocalSourceLookup = (ref: ObjectRef) => { fs: FileSystem; root: string } | undefined;

export type ArtifactLookup =
  | { artifact: GeneratedArtifact; generator: string }
  /** Known, but not produced (generator error, unreadable source, disabled). */
  | { unavailable: string; severity: "error" | "warning"; generator: string }
  /** No generator seen so far produces it. */
  | { unknown: true };

export class ClusterArtifacts {
  private readonly generators: GeneratorEntry[] = [];

  constructor(
    private readonly root: string,
    private readonly cluster: string,
    private readonly localSource: LocalSourceLookup,
  ) {}

  get size(): number {
    return this.generators.length;
  }

  add(obj: KObject, kustomization: string, at?: SourceLocation): void {
    const meta = (obj.metadata ?? {}) as Record<string, unknown>;
    const entry: GeneratorEntry = {
      kustomization,
      ...(at ? { at } : {}),
      namespace: typeof meta.namespace === "string" && meta.namespace ? meta.namespace : "default",
      name: typeof meta.name === "string" ? meta.name : "",
      rawNames: rawArtifactNames(obj),
    };
    if (this.generators.some((g) => g.namespace === entry.namespace && g.name === entry.name)) return;
    try {
      entry.spec = decodeArtifactGenerator(obj);
    } catch (err) {
      entry.decodeError = err instanceof Error ? err.message : String(err);
    }
    this.generators.push(entry);
  }

  /** The virtual repository-relative root of an artifact. */
  rootOf(namespace: string, name: string): string {
    return path.posix.join(ARTIFACT_ROOT, this.cluster, namespace, name);
  }

  /**
   * The ExternalArtifact `ref` (namespace defaulted), produced by a generator of this cluster.
   * Until `final`, a generator whose own ExternalArtifact sources are not known yet is not run
   * (the render may still reach their generators): the lookup answers `unknown`.
   */
  lookup(ref: ObjectRef, final: boolean, visiting = new Set<GeneratorEntry>()): ArtifactLookup {
    if (ref.kind !== "ExternalArtifact") return { unknown: true };
    for (const g of this.generators) {
      if (g.namespace !== ref.namespace) continue;
      if (g.spec && !g.spec.pathPattern && !g.spec.artifacts.some((a) => a.name === ref.name)) continue;
      const id = `${g.namespace}/${g.name}`;
      if (g.decodeError !== undefined) {
        if (!g.rawNames.includes(ref.name) && !g.rawNames.some((n) => n.includes("{"))) continue;
        return {
          unavailable: `ArtifactGenerator ${id} is invalid: ${g.decodeError}`,
          severity: "error",
          generator: id,
        };
      }
      const run = this.run(g, final, visiting);
      if (!run) return { unknown: true };
      const artifact = run.artifacts.find((a) => a.name === ref.name);
      if (!artifact) {
        if (g.spec?.pathPattern && !run.problem) continue;
        if (!run.problem) continue;
        return {
          unavailable: `ArtifactGenerator ${id}: ${run.problem.message}`,
          severity: run.problem.severity,
          generator: id,
        };
      }
      if (artifact.fs) return { artifact, generator: id };
      return {
        unavailable: `ArtifactGenerator ${id}: ${artifact.problem?.message ?? "not built"}`,
        severity: artifact.problem?.severity ?? "error",
        generator: id,
      };
    }
    return { unknown: true };
  }

  private run(g: GeneratorEntry, final: boolean, visiting: Set<GeneratorEntry>): GeneratorRun | undefined {
    if (g.run) return g.run;
    if (visiting.has(g)) {
      return {
        artifacts: [],
        problem: {
          severity: "error",
          message: "its sources depend on its own ExternalArtifacts (a loop of ArtifactGenerators)",
        },
      };
    }
    visiting.add(g);
    const spec = g.spec!;
    let pending = false;
    const run = runArtifactGenerator(
      spec,
      (src) => {
        const r = this.resolveSource(src, final, visiting);
        if (r === undefined) {
          pending = true;
          return { unavailable: "pending" };
        }
        return r;
      },
      (name) => path.posix.join(this.root, this.rootOf(spec.namespace, name)),
    );
    visiting.delete(g);
    if (pending) return undefined;
    g.run = run;
    return run;
  }

  /** undefined: an ExternalArtifact source not known yet (only before `final`). */
  private resolveSource(
    src: SourceRef,
    final: boolean,
    visiting: Set<GeneratorEntry>,
  ): SourceResolution | undefined {
    const ref: ObjectRef = { kind: src.kind, namespace: src.namespace, name: src.name };
    if (src.kind === "ExternalArtifact") {
      const found = this.lookup(ref, final, visiting);
      if ("unknown" in found && !final) return undefined;
      if ("artifact" in found) {
        const fs = found.artifact.fs as ArtifactFileSystem;
        return { content: { fs, root: fs.mount } };
      }
      if ("unavailable" in found)
        return { unavailable: `source ExternalArtifact ${src.namespace}/${src.name}: ${found.unavailable}` };
      return {
        unavailable: `source ExternalArtifact ${src.namespace}/${src.name} is produced by no ArtifactGenerator in this repository`,
      };
    }
    const local = this.localSource(ref);
    if (local) return { content: local };
    return {
      unavailable: `source ${src.kind} ${src.namespace}/${src.name} is not this repository: not read (map it to a local directory in slipway.yaml 'sources' to render it)`,
    };
  }

  /**
   * Runs every generator not run yet and returns one problem per cause, for the Flux
   * Kustomization that applies the generator to report.
   */
  problems(): Array<PlatformError & { kustomization: string; severity: "error" | "warning" }> {
    const out: Array<PlatformError & { kustomization: string; severity: "error" | "warning" }> = [];
    for (const g of this.generators) {
      const where = { kustomization: g.kustomization, ...(g.at ? { file: g.at.file, line: g.at.line } : {}) };
      const id = `ArtifactGenerator ${g.namespace}/${g.name}`;
      if (g.decodeError !== undefined) {
        out.push({ ...where, severity: "error", message: `${id} is invalid: ${g.decodeError}` });
        continue;
      }
      const run = this.run(g, true, new Set())!;
      if (run.problem)
        out.push({ ...where, severity: run.problem.severity, message: `${id}: ${run.problem.message}` });
      for (const a of run.artifacts) {
        // Artifacts after a failed one say so themselves; the failure is the one cause.
        if (!a.problem || a.problem.message.startsWith("not built: the generator stopped")) continue;
        out.push({
          ...where,
          severity: a.problem.severity,
          message: `${id}: ExternalArtifact ${a.namespace}/${a.name}: ${a.problem.message}`,
        });
      }
    }
    return out;
  }

  /** Every artifact produced, for the model. */
  artifacts(): Array<GeneratedArtifact & { generator: string; kustomization: string; at?: SourceLocation }> {
    const out: Array<GeneratedArtifact & { generator: string; kustomization: string; at?: SourceLocation }> =
      [];
    for (const g of this.generators) {
      for (const a of g.run?.artifacts ?? []) {
        out.push({
          ...a,
          generator: `${g.namespace}/${g.name}`,
          kustomization: g.kustomization,
          ...(g.at ? { at: g.at } : {}),
        });
      }
    }
    return out;
  }
}

function rawArtifactNames(obj: KObject): string[] {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  const list = Array.isArray(spec.artifacts) ? spec.artifacts : [];
  return list.flatMap((a) => {
    const name = (a as Record<string, unknown> | null)?.name;
    return typeof name === "string" ? [name] : [];
  });
}
