/**
 * Which clusters a repository holds, in order: slipway.yaml's, then those defined by Flux's
 * sync objects and by FluxInstances (each directory once), then, when discovery is on, the
 * directories of top-level Flux Kustomizations that none of those reach, then plain kustomize
 * stacks that no cluster reads. "Reach" is what a build may read (read-sets.ts), so a
 * Kustomization inside a folder that a cluster builds never makes a cluster of its own, even
 * when the Kustomization that would apply it fails to render.
 */

import * as path from "node:path";
import type { FileSystem } from "../fs/filesystem.js";
import { joinPath, relativePath } from "../fs/posix-path.js";
import { secureJoin } from "./build.js";
import type { SlipwayConfig } from "./config.js";
import {
  commentedOutBy,
  type DiscoveredCluster,
  declaredCluster,
  definesOtherRepository,
  instanceClusters,
  kustomizeStacks,
  locationKey,
  type NotACluster,
  nameClusters,
  syncClusters,
  terraformClusters,
  topLevelClusters,
  unreadableSyncClusters,
} from "./discover.js";
import { metaString, sourceRefOf, specOf, stringField } from "./flux-objects.js";
import { KustomizationTexts } from "./kustomization-texts.js";
import { type Cluster, type DiscoveryNote, type ObjectRef, sameObjectRef } from "./model.js";
import type { ReadSets } from "./read-sets.js";
import type { FluxDocument, RepositoryScan } from "./scan.js";

export interface FoundClusters {
  /** Every cluster found, named, in order. */
  clusters: DiscoveredCluster[];
  notes: DiscoveryNote[];
  /** The files the not-a-cluster notes name documents of: nothing more is said of them. */
  explained: Set<string>;
}

export interface FindClustersInput {
  /** The repository as builds see it (confined, no links). */
  fs: FileSystem;
  /** Absolute repository root. */
  root: string;
  scan: RepositoryScan;
  config?: SlipwayConfig;
  /** Cluster names asked for: the later passes run only when one of them is still missing. */
  wanted?: ReadonlySet<string>;
  /** Renders a cluster (memoised by the caller): top-level discovery needs what the first ones apply. */
  render: (d: DiscoveredCluster) => Cluster;
  /** What builds read, precisely (shared with the caller's later questions). */
  reads: ReadSets;
  /** The same for plain stacks, which follow in-repo links. */
  stackReads?: () => StackReads;
}

export function findClusters(input: FindClustersInput): FoundClusters {
  const { fs, root, scan, config, wanted, render, reads, stackReads } = input;
  const notes: DiscoveryNote[] = [];
  const explained = new Set<string>();
  const note = (kind: DiscoveryNote["kind"], n: NotACluster) => {
    notes.push({ kind, message: n.message, ...(n.at ? { file: n.at.file, line: n.at.line } : {}) });
    if (kind !== "not-a-cluster" || n.at === undefined) return;
    explained.add(n.at.file);
    for (const f of n.files ?? []) explained.add(f);
  };

  const found = (config?.clusters ?? []).map((c) =>
    declaredCluster(c, scan, path.posix.basename(config!.file)),
  );
  const discover = config ? config.discover : true;
  const add = (c: DiscoveredCluster) => {
    const same = found.find((d) => d.path === c.path);
    if (!same) found.push(c);
    else if (same.discoveredBy !== c.discoveredBy)
      note("not-a-cluster", {
        message: `${c.reason} also defines the cluster at ${c.path}, already found from ${same.reason}`,
        at: c.origin,
      });
  };
  if (discover) {
    const syncs = syncClusters(scan, fs, root);
    for (const c of syncs.clusters) add(c);
    for (const s of syncs.skipped) note("not-a-cluster", s);
    for (const c of unreadableSyncClusters(scan)) add(c);
    const terraform = terraformClusters(scan, fs, root);
    for (const c of terraform.clusters) add(c);
    const instances = instanceClusters(scan, fs, root);
    for (const c of instances.clusters) add(c);
    for (const s of instances.skipped) note("not-a-cluster", s);
    // A bootstrap path Slipway cannot resolve matters only when nothing else says where a cluster is.
    if (found.length === 0) for (const s of terraform.skipped) note("not-a-cluster", s);
  }
  nameClusters(found);
  if (!discover || (wanted && [...wanted].every((n) => found.some((c) => c.name === n)))) {
    return { clusters: found, notes, explained };
  }

  const covered = new Set<string>();
  const reached = new Set<string>();
  const readDirs = new Set<string>();
  const reach = (absDir: string) => {
    const c = reads.closure(absDir);
    for (const f of c.files) reached.add(relativePath(root, f));
    for (const d of c.dirs) readDirs.add(relativePath(root, d) || ".");
  };
  // Folders Flux Kustomizations build as their path, and by which one.
  const fluxPaths = new Map<string, string>();
  const take = (c: Cluster) => {
    for (const k of c.kustomizations) if (k.definedAt) covered.add(locationKey(k.definedAt));
    if (c.mode === "flux")
      for (const k of c.kustomizations)
        if (k.dir !== undefined && k.status !== "external" && !fluxPaths.has(k.dir))
          fluxPaths.set(k.dir, `Flux Kustomization ${k.id} of cluster ${c.name}`);
    for (const f of clusterReach(reads, root, c, "files", stackReads)) reached.add(f);
    for (const f of clusterReach(reads, root, c, "dirs", stackReads)) readDirs.add(f);
  };
  for (const d of found) take(render(d));
  const disabled = disabledInstances(found, reached, readDirs, new KustomizationTexts(fs, root));
  if (disabled.size > 0) {
    for (const [d, n] of disabled) {
      found.splice(found.indexOf(d), 1);
      note("not-a-cluster", n);
    }
    // What the disabled ones applied is applied by nothing: a root they covered is found again.
    covered.clear();
    reached.clear();
    readDirs.clear();
    fluxPaths.clear();
    for (const d of found) take(render(d));
  }
  const mapped = (ref: ObjectRef) => (config?.sources ?? []).some((s) => sameObjectRef(s, ref));
  const top = topLevelClusters({
    scan,
    covered,
    reached,
    known: found.map((c) => c.path),
    fs,
    root,
    mapped,
    readDirs,
  });
  for (const o of top.orphans) note("not-a-cluster", o);
  // A directory of Kustomizations that another top-level cluster's builds read (a tenant's sync
  // file pulled in through `../base`) is not a cluster of its own.
  const topReach = new Map(top.clusters.map((d) => [d, topLevelReach(reads, root, scan, d, mapped)]));
  const texts = new KustomizationTexts(fs, root);
  const dirs = reads.kustomizationDirs(root).map((d) => relativePath(root, d) || ".");
  /** Each folder other kustomization files name, to the folders naming it. */
  let namers: Map<string, string[]> | undefined;
  const namersOf = (dir: string): string[] => {
    if (namers === undefined) {
      namers = new Map();
      for (const d of dirs)
        for (const p of reads.namedBy(joinPath(root, d))) {
          const rel = relativePath(root, p);
          const list = namers.get(rel);
          if (list === undefined) namers.set(rel, [d]);
          else list.push(d);
        }
    }
    return namers.get(dir) ?? [];
  };
  const kept = top.clusters.filter((d) => {
    const own = d.topLevel!.map((doc) => doc.at.file);
    // A folder that another top-level cluster's kustomization lists only in a comment (ruzickap's
    // `#  - ../../../../flux/cluster-apps/cilium`, an app of a shared library its group turned
    // off) is a disabled app, as below a cluster found first (topLevelClusters): not a cluster.
    const others = new Set<string>();
    for (const o of top.clusters) if (o !== d) for (const x of topReach.get(o)!.dirs) others.add(x);
    if (others.has(d.path) && fileByFileCommentedOut(d.path, own, texts)) {
      const files = [...new Set(own)];
      note("not-a-cluster", {
        message: `${files.join(", ")} ${files.length === 1 ? "holds" : "hold"} Flux Kustomizations that nothing in this repository applies, which the kustomization file of ${d.path}, built by another cluster, lists only in a comment: disabled, not a cluster`,
        at: d.topLevel![0]!.at,
        files,
      });
      return false;
    }
    const by = others.has(d.path) ? undefined : commentedOutBy(d.path, others, texts.commentedOut(others));
    if (by !== undefined) {
      note("not-a-cluster", {
        message: `${d.path} holds top-level Flux Kustomizations that nothing in this repository applies, and the kustomization file of ${by}, which another cluster builds, lists it only in a comment: disabled, not a cluster`,
        at: d.topLevel![0]!.at,
        files: own,
      });
      return false;
    }
    if (
      top.clusters.some(
        (o) =>
          o !== d &&
          own.every((f) => topReach.get(o)!.files.has(f)) &&
          !o.topLevel!.every((doc) => topReach.get(d)!.files.has(doc.at.file)),
      )
    )
      return false;
    // A kustomize Component that other kustomization files name, none of which a cluster builds
    // (jesse-gonzalez's clusters/_profiles/support-gpt-management/_base, pulled in by the
    // profile's prod and non-prod, a profile no cluster uses), is a part of those: wherever a
    // cluster builds one, the Component's Kustomizations are that cluster's, never a cluster of
    // their own. Rendered alone, the unused profile's base was a cluster of 6 failed Kustomizations.
    const listers = d.rootEvidence === "bootstrap" || !texts.isComponent(d.path) ? [] : namersOf(d.path);
    if (listers.length > 0 && listers.every((l) => !readDirs.has(l))) {
      note("not-a-cluster", {
        message: `${d.path} holds top-level Flux Kustomizations that nothing in this repository applies, and its kustomization file is a kustomize Component that the kustomization file${listers.length === 1 ? "" : "s"} of ${listers.join(", ")} ${listers.length === 1 ? "pulls" : "pull"} in, which no cluster builds: a part of ${listers.length === 1 ? "that one" : "those"}, not a cluster`,
        at: d.topLevel![0]!.at,
        files: own,
      });
      return false;
    }
    // Marked only by holding several documents, some of which other clusters' builds list file
    // by file (`../../../apps/Immich.yaml`): a library of app definitions that each cluster picks
    // from, the ones no cluster lists disabled, not a root (gandazgul/k8s-infrastructure's apps/).
    if (d.rootEvidence !== "several documents") return true;
    const pickers = top.clusters.filter((o) => o !== d && own.some((f) => topReach.get(o)!.files.has(f)));
    if (pickers.length === 0) return true;
    const picked = own.filter((f) => pickers.some((o) => topReach.get(o)!.files.has(f)));
    note("not-a-cluster", {
      message: `${d.path} holds ${own.length} top-level Flux Kustomization files, ${picked.length} of which ${pickers.length === 1 ? "cluster" : "clusters"} ${pickers.map((o) => o.path).join(", ")} ${pickers.length === 1 ? "lists" : "list"} file by file: a folder of app definitions the clusters pick from, not a cluster (those no cluster lists are applied by nothing)`,
      at: d.topLevel![0]!.at,
    });
    return false;
  });
  for (const d of kept) {
    if (found.some((c) => c.path === d.path)) continue;
    const unbuilt = top.unbuilt.get(d);
    if (unbuilt) {
      note("not-a-cluster", unbuilt);
      continue;
    }
    const leftOut = ownSubfolders(reads, fs, root, scan, d, mapped, texts);
    if (leftOut.length > 0) {
      d.leftOutOfRoot = leftOut;
      d.reason += `; its made-up root leaves out ${leftOut.join(", ")}, which its own Flux Kustomizations build`;
    }
    found.push(d);
    // Not rendered yet (named at the end): its own Kustomizations' paths are what it builds first.
    for (const doc of d.topLevel ?? []) {
      const dir = staticDir(".", stringField(specOf(doc.object), "path"));
      if (dir !== undefined && !fluxPaths.has(dir))
        fluxPaths.set(
          dir,
          `Flux Kustomization ${metaString(doc.object, "namespace") || "flux-system"}/${metaString(doc.object, "name")}`,
        );
    }
    const r = topReach.get(d)!;
    for (const f of r.files) reached.add(f);
    for (const f of r.dirs) readDirs.add(f);
    reach(joinPath(root, d.path));
  }

  const named = new Set<string>();
  for (const d of dirs) {
    for (const p of reads.namedBy(joinPath(root, d))) named.add(relativePath(root, p));
  }
  const { stacks, skipped } = kustomizeStacks({
    kustomizationDirs: dirs,
    namedByOthers: named,
    readByFlux: (dir) => readDirs.has(dir),
    known: found.map((c) => c.path),
    fluxKustomizations: scan.kustomizations,
    isLocal: (ref) => mapped(ref) || (ref.kind === "GitRepository" && !definesOtherRepository(scan, ref)),
    layersOnFlux: (dir) => {
      // An overlay inside the folder a Flux Kustomization builds (sulibot's
      // `cilium/overlays/cluster-102` in the `cilium` app folder) belongs to that app.
      for (let up = path.posix.dirname(dir); up !== "."; up = path.posix.dirname(up)) {
        const by = fluxPaths.get(up);
        if (by) return { dir: up, by, inside: true };
      }
      for (const d of reads.closure(joinPath(root, dir)).dirs) {
        const rel = relativePath(root, d) || ".";
        const by = rel === dir ? undefined : fluxPaths.get(rel);
        if (by) return { dir: rel, by };
      }
      return undefined;
    },
  });
  for (const s of skipped) note("not-a-cluster", s);
  // An overlay that a built kustomization lists only in a comment (`# - ../../ai/x/overlays/pro
  // # requires namespace y`) was disabled by hand, as a Flux app folder can be (discover.ts).
  let commented: Map<string, string> | undefined;
  for (const s of stacks) {
    const by = commentedOutBy(s.path, readDirs, (commented ??= texts.commentedOut(readDirs)));
    if (by === undefined) {
      found.push(s);
      continue;
    }
    note("not-a-cluster", {
      message: `${s.path} is a kustomize root that nothing includes, and the kustomization file of ${by}, which a cluster builds, lists it only in a comment: disabled, not a cluster`,
    });
  }
  nameClusters(found);
  return { clusters: found, notes, explained };
}

/**
 * Whether the kustomization file of `dir`, a folder another cluster builds, lists each of `files` only in a
 * comment (`# - ./mariadb-operator/ks.yaml`): its disabled apps, taken as a cluster root because
 * the comment names their files (ToaHartor's kubernetes/platform/base/operators, which staging
 * builds, was a cluster "operators" of the operators it turned off).
 */
function fileByFileCommentedOut(dir: string, files: string[], texts: KustomizationTexts): boolean {
  const commented = texts.commentedOut([dir]);
  return files.length > 0 && files.every((f) => commented.get(f) === dir);
}

/** Repository-relative files (or directories) the builds of a rendered cluster may read. */
/**
 * Clusters of FluxInstances (or flux-instance HelmReleases) that no build reads, in a folder a
 * built kustomization lists only in a comment (or below one): disabled by hand, so not live.
 * damacus, moving to the Flux Operator, keeps `# - ./flux-instance/ks.yaml` while its old sync
 * Kustomization still syncs the cluster; the instance's twin cluster showed every object twice.
 * An instance that a list merely leaves out may be applied by a bootstrap: it stays.
 */
function disabledInstances(
  found: readonly DiscoveredCluster[],
  reached: ReadonlySet<string>,
  readDirs: ReadonlySet<string>,
  texts: KustomizationTexts,
): Map<DiscoveredCluster, NotACluster> {
  const out = new Map<DiscoveredCluster, NotACluster>();
  let disabled: Map<string, string> | undefined;
  for (const d of found) {
    if (d.discoveredBy !== "flux-instance" || !d.origin || reached.has(d.origin.file)) continue;
    disabled ??= commentedFolders(texts.commentedOut(readDirs));
    const dir = path.posix.dirname(d.origin.file);
    const by = commentedOutBy(dir, readDirs, disabled);
    if (by === undefined) continue;
    out.set(d, {
      message: `${d.reason} would sync ${d.path}, but no build reads it and ${by}, which a cluster builds, lists its folder only in a comment: disabled, not a cluster`,
      at: d.origin,
    });
  }
  return out;
}

/** Commented-out entries as folders: a file entry (`# - ./flux-instance/ks.yaml`) stands for its folder. */
function commentedFolders(commented: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [entry, by] of commented) {
    const dir = /\.ya?ml$/i.test(entry) ? path.posix.dirname(entry) : entry;
    if (!out.has(dir)) out.set(dir, by);
  }
  return out;
}

export function clusterReach(
  reads: ReadSets,
  root: string,
  c: Cluster,
  what: "files" | "dirs" = "files",
  stack?: () => StackReads,
): Set<string> {
  const out = new Set<string>();
  // A plain stack follows in-repo links as kubectl does (InRepoLinksFileSystem): what it reads
  // through one is the file where it really is, the one the scan knows.
  const linked = c.mode === "kustomize" && stack ? stack() : undefined;
  for (const k of c.kustomizations) {
    if (k.status === "external" || k.status === "suspended") continue;
    const dir = k.dir ?? staticDir(k.sourceRoot, k.path);
    if (dir === undefined) continue;
    if (linked) {
      const closure = linked.reads.closure(joinPath(root, dir), componentsOf(k.object));
      for (const f of what === "files" ? closure.files : closure.dirs)
        out.add(relativePath(root, realPathOr(linked.fs, f)) || ".");
      continue;
    }
    const closure = reads.closure(joinPath(root, dir), componentsOf(k.object));
    for (const f of relativeReach(closure, root, what)) out.add(f);
  }
  return out;
}

/** What plain stacks read, through the view that follows in-repo links (and that view). */
export interface StackReads {
  reads: ReadSets;
  fs: FileSystem;
}

function realPathOr(fs: FileSystem, p: string): string {
  try {
    return fs.realPath(p);
  } catch {
    return p;
  }
}

/**
 * A closure's files or directories relative to `root` (`.` for the root), once per closure:
 * discovery and the unapplied notes ask for each Kustomization's several times, and many
 * Kustomizations share one closure (a ReadSets' closures never change once made).
 */
const relativeOf = new WeakMap<object, Map<string, string[]>>();

function relativeReach(
  closure: { files: Set<string>; dirs: Set<string> },
  root: string,
  what: "files" | "dirs",
): string[] {
  let byKey = relativeOf.get(closure);
  if (byKey === undefined) relativeOf.set(closure, (byKey = new Map()));
  const key = `${what}\0${root}`;
  let out = byKey.get(key);
  if (out === undefined) {
    out = [];
    for (const f of what === "files" ? closure.files : closure.dirs) out.push(relativePath(root, f) || ".");
    byKey.set(key, out);
  }
  return out;
}

/** Repository-relative directory a Kustomization builds, when its path holds no variable. */
function staticDir(sourceRoot: string | undefined, specPath: string): string | undefined {
  if (sourceRoot === undefined || specPath.includes("${")) return undefined;
  const abs = secureJoin(path.posix.join("/", sourceRoot), specPath);
  return abs === "/" ? "." : abs.slice(1);
}

function componentsOf(obj: Cluster["kustomizations"][number]["object"]): string[] {
  const c = specOf(obj).components;
  return Array.isArray(c) ? c.filter((x): x is string => typeof x === "string") : [];
}

/**
 * The sub-folders of a top-level cluster's folder that its own Kustomizations build, which the
 * made-up root leaves out (load.ts). Only a folder that nothing marks as a bootstrap's (several
 * documents, no kustomization file, no flux-system folder) qualifies: how its documents are
 * applied the repository does not say, and a Flux root building it whole applies those
 * sub-folders a second time. dm-nkp-gitops-infra's workload-clusters/<c>/ holds bootstrap.yaml,
 * which its README applies with kubectl, beside apps/ and infrastructure/ that bootstrap.yaml's
 * Kustomizations read; built whole they were 4 duplicate-object errors nobody has. A path that
 * is not there (`infrastructure/sealed-secrets`) names the folder above it that is.
 */
function ownSubfolders(
  reads: ReadSets,
  fs: FileSystem,
  root: string,
  scan: RepositoryScan,
  d: DiscoveredCluster,
  mapped: (ref: ObjectRef) => boolean,
  texts: KustomizationTexts,
): string[] {
  if (d.root !== undefined || d.rootEvidence !== "several documents" || texts.of(d.path) !== undefined)
    return [];
  const prefix = d.path === "." ? "" : `${d.path}/`;
  const below = new Set<string>();
  const add = (dir: string) => {
    if (dir.startsWith(prefix) && dir !== d.path) below.add(dir);
  };
  for (const doc of d.topLevel ?? []) {
    const ref = sourceRefOf(doc.object);
    if (!mapped(ref) && (ref.kind !== "GitRepository" || definesOtherRepository(scan, ref))) continue;
    let dir = staticDir(".", stringField(specOf(doc.object), "path"));
    if (dir === undefined || dir === ".") continue;
    for (const f of reads.closure(joinPath(root, dir), componentsOf(doc.object)).dirs)
      add(relativePath(root, f) || ".");
    while (dir !== "." && !fs.isDirectory(joinPath(root, dir))) dir = path.posix.dirname(dir);
    add(dir);
  }
  // A folder inside another left out is left out with it.
  return [...below].filter((x) => ![...below].some((y) => x.startsWith(`${y}/`))).sort();
}

/**
 * Files and directories a top-level cluster's Kustomizations may read (repository-relative):
 * the builds of its own documents, then of every Flux Kustomization those builds reach, until
 * nothing new is reached. Without a root document of its own, the cluster is applied by a
 * bootstrap outside the repository that builds its directory, as Flux generates it: a folder
 * below holding more Kustomizations (`clusters/prod/apps/`) is part of the cluster, not another.
 */
function topLevelReach(
  reads: ReadSets,
  root: string,
  scan: RepositoryScan,
  d: DiscoveredCluster,
  mapped: (ref: ObjectRef) => boolean,
): { files: Set<string>; dirs: Set<string> } {
  const files = new Set<string>();
  const dirs = new Set<string>();
  const add = (absDir: string, components: string[] = []) => {
    const c = reads.closure(absDir, components);
    for (const f of c.files) files.add(relativePath(root, f));
    for (const f of c.dirs) dirs.add(relativePath(root, f) || ".");
  };
  if (d.root === undefined) add(joinPath(root, d.path));
  const followed = new Set<FluxDocument>();
  let next: FluxDocument[] = [...(d.topLevel ?? [])];
  while (next.length > 0) {
    for (const doc of next) {
      followed.add(doc);
      // Only a GitRepository of this repository (or a mapped source) reads its folders: `path: ./`
      // of an OCIRepository (Flux's own manifests, beside the root) is the artifact's root.
      const ref = sourceRefOf(doc.object);
      if (!mapped(ref) && (ref.kind !== "GitRepository" || definesOtherRepository(scan, ref))) continue;
      const dir = staticDir(".", stringField(specOf(doc.object), "path"));
      if (dir !== undefined) add(joinPath(root, dir), componentsOf(doc.object));
    }
    next = scan.kustomizations.filter((k) => !followed.has(k) && files.has(k.at.file));
  }
  return { files, dirs };
}
