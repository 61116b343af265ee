/**
 * Changed-only rendering for revision diffs. The head is rendered in full; the base is
 * rendered with every Flux Kustomization whose inputs are the same as at the head taking the
 * head's result instead of being built: same cluster, same object (after its parent's
 * substitution), same source root, same variable sources, and no changed file among those
 * its build may read (read-sets.ts, components included). A render is a function of exactly
 * these, so the report equals a full render's by construction, failures included: a
 * Kustomization that fails at the head and did not change fails at the base the same way.
 *
 * A change to slipway.yaml or to a `.sourceignore` file changes what every build sees: then
 * nothing is reused. A change to a source's spec.ignore changes what the builds of that source
 * see: it is one of their inputs.
 */
import * as path from "node:path";
import { confinedView } from "../fs/confined.js";
import type { FileSystem } from "../fs/filesystem.js";
import { type ChartLookup, type ChartProvider, defaultChartProvider } from "../helmrelease/charts.js";
import { deepEqual } from "../kustomize/clone.js";
import { isMap } from "../kustomize/types.js";
import {
  CONFIG_FILE,
  type FluxKustomization,
  type LoadPlatformOptions,
  loadPlatform,
  type Platform,
  secureJoin,
} from "../platform/index.js";
import type { KustomizationInputs } from "../platform/load.js";
import { ReadSets } from "../platform/read-sets.js";

export interface ChangedOnlyResult {
  base: Platform;
  head: Platform;
  /** Flux Kustomizations of the base that took the head's result instead of being built. */
  reused: number;
  /** Flux Kustomizations of the base that were built. */
  built: number;
}

/** Loads both platforms, building at the base only what can differ. `changed` holds absolute file paths. */
export function loadChangedOnly(
  root: string,
  baseFs: FileSystem,
  headFs: FileSystem,
  changed: Set<string>,
  opts: Omit<LoadPlatformOptions, "fs" | "reuse"> = {},
): ChangedOnlyResult {
  const seen = new Map<FluxKustomization, KustomizationInputs>();
  // A HelmRelease whose render inputs are the same at both revisions is read once, and the
  // base holds the head's objects (compare.ts then skips them); so is a post-processed Flux build
  // the base rebuilds from the entry the head read. A HelmRelease the base takes with a reused
  // Flux Kustomization is the head's object: its cache key is the head's when its values come
  // from the same objects.
  opts = {
    ...opts,
    releaseMemo: opts.releaseMemo ?? new Map(),
    releaseKeyMemo: opts.releaseKeyMemo ?? new WeakMap(),
    postBuildMemo: opts.postBuildMemo ?? new Map(),
    ...(opts.charts !== false ? { charts: locatingOnce(opts.charts ?? defaultChartProvider()) } : {}),
  };
  // One confined view per revision for its load and the read sets below: a view keeps what it
  // learnt of each directory (listings, types, links), and the reuse checks ask about the
  // directories the loads listed already. Views of the loads' roots (the allowed directories
  // too) answer about the repository as a view of it alone does.
  const roots = [root, ...(opts.allowedPaths ?? [])].map(posixAbsolute);
  const headView = confinedView(headFs, roots);
  const baseView = confinedView(baseFs, roots);
  const head = loadPlatform(root, {
    ...opts,
    fs: headView,
    reuse: (k, inputs) => {
      seen.set(k, inputs);
      return undefined;
    },
  });
  if ([...changed].some((f) => affectsEveryBuild(root, f))) {
    const base = loadPlatform(root, { ...opts, fs: baseView });
    return { base, head, reused: 0, built: countBuilt(base) };
  }
  const atHead = new Map<string, { k: FluxKustomization; inputs: KustomizationInputs }>();
  for (const [k, inputs] of seen) atHead.set(`${k.cluster}\u0000${k.id}`, { k, inputs });
  // What builds may read: the repository without links, as the renders see it.
  const reads = new ReadSets(
    roots.length === 1 ? [baseView, headView] : [confinedView(baseFs, [root]), confinedView(headFs, [root])],
  );
  let reused = 0;
  const base = loadPlatform(root, {
    ...opts,
    fs: baseView,
    reuse: (k, inputs) => {
      const h = atHead.get(`${k.cluster}\u0000${k.id}`);
      if (!h || !sameInputs(h.inputs, inputs) || !deepEqual(h.k.object, k.object)) return undefined;
      // A composed ExternalArtifact's digest covers every file its build can read.
      if (inputs.artifact === undefined) {
        const dir = buildDir(root, inputs.sourceRoot, k);
        if (dir === undefined) return undefined;
        if (reads.mayRead(dir, components(k), changed)) return undefined;
      }
      reused++;
      return h.k;
    },
  });
  return { base, head, reused, built: countBuilt(base) - reused };
}

/**
 * Kustomization directories (absolute) whose build may read one of `changed` (absolute paths,
 * deleted ones included): the directories that use a changed one are among them, since what a
 * build reads is followed through the directories it uses. A long-running process that keeps a
 * BuildCache (watch mode) drops exactly these before rendering again.
 */
export function directoriesAffected(fs: FileSystem, root: string, changed: Set<string>): Set<string> {
  const reads = new ReadSets([confinedView(fs, [root])]);
  return new Set(reads.kustomizationDirs(root).filter((d) => reads.reads(d, changed)));
}

/**
 * The chart provider answering each request once for both revisions: the base's releases asked
 * the head's questions again (the chart cache's index and each archive's record, or the stamp
 * of every file of a chart directory), and the charts a run reads do not change during it.
 */
function locatingOnce(charts: ChartProvider): ChartProvider {
  if (!charts.locate) return charts;
  const locate = charts.locate.bind(charts);
  const answers = new Map<string, ChartLookup>();
  return {
    load: (req) => charts.load(req),
    locate: (req) => {
      const key = JSON.stringify(req);
      let answer = answers.get(key);
      if (answer === undefined) answers.set(key, (answer = locate(req)));
      return answer;
    },
  };
}

function sameInputs(a: KustomizationInputs, b: KustomizationInputs): boolean {
  return (
    a.clusterPath === b.clusterPath &&
    a.sourceRoot === b.sourceRoot &&
    a.variables === b.variables &&
    a.profile === b.profile &&
    a.ignore === b.ignore &&
    a.artifact === b.artifact
  );
}

/** slipway.yaml and .sourceignore files decide what every build sees. */
function affectsEveryBuild(root: string, file: string): boolean {
  return file === path.posix.join(root, CONFIG_FILE) || path.posix.basename(file) === ".sourceignore";
}

/** The absolute directory the Kustomization builds; undefined while its path holds a variable. */
function buildDir(root: string, sourceRoot: string, k: FluxKustomization): string | undefined {
  if (k.path.includes("${")) return undefined;
  return secureJoin(path.posix.join(root, sourceRoot), k.path);
}

function components(k: FluxKustomization): string[] {
  const spec = isMap(k.object.spec) ? k.object.spec : {};
  return Array.isArray(spec.components)
    ? spec.components.filter((c): c is string => typeof c === "string")
    : [];
}

/** An absolute POSIX path, as loadPlatform writes its roots (so that it takes a view given as it is). */
function posixAbsolute(dir: string): string {
  return path.resolve(dir).split(path.sep).join("/");
}

function countBuilt(p: Platform): number {
  let n = 0;
  for (const c of p.clusters)
    for (const k of c.kustomizations) if (k.status === "rendered" || k.status === "failed") n++;
  return n;
}
