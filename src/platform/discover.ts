/**
 * Where clusters come from, with zero configuration (find-clusters.ts decides the order):
 * 1. Flux's own sync objects: a file holding a `GitRepository` and a Flux `Kustomization`
 *    both named `flux-system` (what `flux bootstrap` writes to `<path>/flux-system/gotk-sync.yaml`);
 *    the Kustomization is the cluster's root and its `spec.path` the cluster directory. A sync
 *    file that does not parse is an error, and its cluster gets a made-up root;
 * 2. flux-operator: a FluxInstance's `spec.sync` (also as the values of the flux-instance chart)
 *    makes the operator create a source and a Kustomization named `sync.name` (default: the
 *    instance's namespace) in that namespace, with `path: sync.path` (flux-operator
 *    internal/builder/templates.go, syncTmpl; internal/controller/fluxinstance_controller.go);
 * 3. top-level Flux Kustomizations: documents nothing in the repository reaches, grouped by
 *    directory; a directory with a single such document and nothing that makes it a cluster
 *    root (a `flux-system` folder, a kustomization file listing it) is an orphan, not a cluster;
 * 4. plain kustomize stacks: kustomization roots that nothing includes, under a `stacks/`
 *    directory or named `overlays/<env>` (`kustomize build PATH`, no Flux semantics).
 * A cluster is named after its directory (`clusters/dev` → `dev`); when two share a name, the
 * fewest trailing path segments that tell them apart are kept (`aws/prod`, `gcp/prod`).
 */
import * as path from "node:path";
import type { DetectedFlux } from "../flux/profile.js";
import type { FileSystem } from "../fs/filesystem.js";
import { isMap } from "../kustomize/types.js";
import { redactUrl } from "../url-credentials.js";
import { type ClusterConfig, normalizeRelative } from "./config.js";
import { KUSTOMIZE_GROUP, metaString, sourceRefOf, specOf, stringField } from "./flux-objects.js";
import { patchInstanceRoot } from "./instance-patches.js";
import { inItsNamespace, resolveSyncPath } from "./instance-sync-path.js";
import { KustomizationTexts, namesSegment } from "./kustomization-texts.js";
import {
  type Cluster,
  type DiscoveredBy,
  type ObjectRef,
  type PlatformError,
  type SourceLocation,
  sameObjectRef,
} from "./model.js";
import {
  confirmedInFolder,
  holdsFile,
  placeFolder,
  showVariables,
  substitutedWith,
  variablesFromPlace,
} from "./path-from-place.js";
import {
  clusterInternalHost,
  clusterServiceHost,
  ignoreNamesThisTree,
  sameRepositorySources,
  serviceHostCandidate,
} from "./same-repository.js";
import type { FluxDocument, InstanceSync, RepositoryScan } from "./scan.js";

export type { FluxDocument, RepositoryScan } from "./scan.js";
export { scanRepository } from "./scan.js";

export interface DiscoveredCluster {
  name: string;
  /** Repository-relative directory. */
  path: string;
  sourceRoot: string;
  discoveredBy: DiscoveredBy;
  mode: "flux" | "kustomize";
  variables: Record<string, string>;
  /** The root Flux Kustomization, when the repository holds it (or a FluxInstance defines it). */
  root?: FluxDocument;
  /** The root is made from a FluxInstance's sync settings, not read from a document. */
  rootFromInstance?: boolean;
  /**
   * The Flux that FluxInstance installs, as its settings say: a HelmRelease of the flux-instance
   * chart renders the FluxInstance only with its chart, after the profile is chosen.
   */
  instanceFlux?: DetectedFlux;
  /** Where the cluster is defined: the sync file, the FluxInstance, slipway.yaml. */
  origin?: SourceLocation;
  /** How it was found, in words ("FluxInstance flux-system/flux in kubernetes/…/helmrelease.yaml"). */
  reason: string;
  /** A plain stack found as an `overlays/<env>` folder (Cluster.appOverlay). */
  appOverlay?: boolean;
  /** Sources that are this repository (the sync GitRepository, top-level Kustomizations' sourceRefs). */
  localSources: ObjectRef[];
  /** For top-level clusters: the Flux Kustomization documents that made it one. */
  topLevel?: FluxDocument[];
  /** For top-level clusters: what marks the folder as a root (clusterRootEvidence). */
  rootEvidence?: "bootstrap" | "listed" | "several documents";
  /** Problems in what defines the cluster (an unreadable sync file). */
  errors: PlatformError[];
  /**
   * The variables of the root's path that where it sits gave (placedPaths): its source's
   * document, as the repository writes it, is read with them too (its `spec.ignore`).
   */
  placedVariables?: Record<string, string>;
  /**
   * Sub-folders of a top-level cluster's folder that its own Kustomizations build: its made-up
   * root leaves them out (find-clusters.ts, ownSubfolders).
   */
  leftOutOfRoot?: string[];
  /**
   * The sync URL, when its host is `<service>.<namespace>` of a namespace not every cluster has
   * (serviceHostCandidate): whether it is a git server inside the cluster only the render tells
   * (inClusterServiceSync).
   */
  serviceSyncUrl?: string;
  /**
   * Why the content the cluster's source reads may not be this repository, after "its" (`sync
   * reads <url>, a git server inside the cluster …`): its render is this repository's files, and
   * check says its errors as warnings with this reason.
   */
  contentUnconfirmed?: string;
}

const FLUX_SYSTEM: ObjectRef = { kind: "GitRepository", namespace: "flux-system", name: "flux-system" };

function sortByPath<T extends { path: string }>(xs: T[]): T[] {
  return xs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** What sets one Flux cluster apart; the rest are the defaults every Flux cluster found starts with. */
interface FluxClusterFound {
  path: string;
  origin: SourceLocation;
  reason: string;
  root?: FluxDocument;
  localSources: ObjectRef[];
  /** "sync" unless a FluxInstance defines it. */
  discoveredBy?: DiscoveredBy;
  errors?: PlatformError[];
  /** The URL its sync's source reads, when the repository says. */
  syncUrl?: string;
}

/**
 * A Flux cluster at `path`, synced from the repository's root with no variables of its own. A sync
 * URL of a git server inside the cluster (clusterInternalHost) is said in its reason and kept as
 * `contentUnconfirmed`.
 */
function fluxCluster(found: FluxClusterFound): DiscoveredCluster {
  const host = found.syncUrl === undefined ? undefined : clusterInternalHost(found.syncUrl);
  const unconfirmed = host === undefined ? undefined : inClusterServer(found.syncUrl ?? "", host);
  const serviceSyncUrl =
    found.syncUrl !== undefined && serviceHostCandidate(found.syncUrl) !== undefined
      ? found.syncUrl
      : undefined;
  return {
    name: "",
    path: found.path,
    sourceRoot: ".",
    discoveredBy: found.discoveredBy ?? "sync",
    mode: "flux",
    variables: {},
    ...(found.root !== undefined ? { root: found.root } : {}),
    origin: found.origin,
    reason: unconfirmed === undefined ? found.reason : withUnconfirmed(found.reason, unconfirmed),
    localSources: found.localSources,
    errors: found.errors ?? [],
    ...(unconfirmed !== undefined ? { contentUnconfirmed: unconfirmed } : {}),
    ...(serviceSyncUrl !== undefined ? { serviceSyncUrl } : {}),
  };
}

function inClusterServer(url: string, host: string): string {
  return `sync reads ${redactUrl(url)}, a git server inside the cluster (${host}), whose content the repository does not show`;
}

/**
 * A cluster whose sync URL's host is `<service>.<namespace>` (DiscoveredCluster.serviceSyncUrl)
 * reads a git server inside the cluster when the cluster it renders has that Service
 * (clusterServiceHost): said in its reason, and its errors are warnings, as for the hosts
 * discovery knows by their name alone.
 */
export function inClusterServiceSync(d: DiscoveredCluster, cluster: Cluster): void {
  if (d.serviceSyncUrl === undefined || cluster.contentUnconfirmed !== undefined) return;
  const host = clusterServiceHost(
    d.serviceSyncUrl,
    cluster.kustomizations.flatMap((k) => k.resources.map((r) => r.object)),
  );
  if (host === undefined) return;
  const unconfirmed = inClusterServer(d.serviceSyncUrl, host);
  cluster.contentUnconfirmed = unconfirmed;
  cluster.reason = withUnconfirmed(cluster.reason ?? d.reason, unconfirmed);
}

/** A cluster's reason, and why its source may not be this repository (DiscoveredCluster.contentUnconfirmed). */
function withUnconfirmed(reason: string, unconfirmed: string): string {
  return `${reason}; its ${unconfirmed}: rendered from this repository's files, its errors are warnings`;
}

/** A cluster slipway.yaml declares; its root is the flux-system Kustomization syncing its path, if any. */
export function declaredCluster(
  c: ClusterConfig,
  scan: RepositoryScan,
  configFile: string,
): DiscoveredCluster {
  const rootDoc = scan.kustomizations.find(
    (k) =>
      metaString(k.object, "name") === "flux-system" &&
      k.at.file.startsWith(`${c.path}/`) &&
      normalizeRelative(stringField(specOf(k.object), "path").replace(/^\/+/, "")) === c.path,
  );
  return {
    name: c.name,
    path: c.path,
    sourceRoot: c.sourceRoot,
    discoveredBy: "config",
    mode: c.flux ? "flux" : "kustomize",
    variables: c.variables,
    root: rootDoc,
    origin: { file: configFile, line: 0 },
    reason: `declared in ${configFile}`,
    localSources: [FLUX_SYSTEM, ...(rootDoc ? [sourceRefOf(rootDoc.object)] : [])],
    errors: [],
  };
}

/**
 * Clusters from Flux sync objects (`flux-system` GitRepository + Kustomization in one file). Sync
 * objects moved with their folder under a prefix, syncing a path that is gone, are a copy left
 * behind (tvories' `archive/cluster/base/flux-system/gotk-sync.yaml` syncing `./cluster/base`):
 * a note, not a cluster of missing paths.
 */
export function syncClusters(
  scan: RepositoryScan,
  fs: FileSystem,
  root: string,
): { clusters: DiscoveredCluster[]; skipped: NotACluster[] } {
  const out: DiscoveredCluster[] = [];
  const skipped: NotACluster[] = [];
  for (const k of scan.kustomizations) {
    if (metaString(k.object, "name") !== "flux-system") continue;
    // A Kustomization without a sourceRef is no object Flux accepts (the CRD requires it): it is a
    // patch of the sync objects that bootstrap keeps (ShadyF's gotk-patches.yaml, listed under
    // `patches:`), and the sync file beside it is the root.
    if (!isMap(specOf(k.object).sourceRef)) continue;
    const repo = scan.gitRepositories.find(
      (g) => g.at.file === k.at.file && metaString(g.object, "name") === "flux-system",
    );
    if (!repo) continue;
    const specPath = stringField(specOf(k.object), "path");
    const dir = specPath
      ? normalizeRelative(specPath.replace(/^\/+/, ""))
      : path.posix.dirname(path.posix.dirname(k.at.file));
    // Two sync files of one folder (auspatious/de-flux: clusters/demo/ a copy of clusters/prod/'s):
    // the one in that folder is its root, which its own build applies; the first otherwise.
    const inOwnFolder = (file: string) => dir === "." || file.startsWith(`${dir}/`);
    const taken = out.findIndex((c) => c.path === dir);
    if (taken >= 0 && (inOwnFolder(out[taken]!.origin?.file ?? "") || !inOwnFolder(k.at.file))) continue;
    if (movedSync(fs, root, dir, k.at.file)) {
      skipped.push({
        message: `Flux sync objects in ${k.at.file} sync '${specPath}', which is not a folder of this repository: a copy (an archive, a template), not a cluster`,
        at: k.at,
      });
      continue;
    }
    const repoRef = {
      kind: "GitRepository",
      namespace: metaString(repo.object, "namespace"),
      name: "flux-system",
    };
    const cluster = fluxCluster({
      path: dir,
      root: k,
      origin: k.at,
      reason: `Flux sync objects in ${k.at.file}`,
      localSources: withSameRepository(scan, [repoRef, sourceRefOf(k.object)], specOf(repo.object)),
      ...syncUrlOf(specOf(repo.object).url),
    });
    if (taken >= 0) out[taken] = cluster;
    else out.push(cluster);
  }
  return { clusters: out, skipped };
}

/**
 * Sync objects whose folder moved under a prefix with them (`archive/cluster/base/flux-system/`
 * syncing `./cluster/base`, which is gone) or to another top folder (movedAcross), or that lie
 * outside any `flux-system` folder: see
 * syncClusters. So are sync objects of a repository kept in a folder of this one, syncing a
 * sibling of their own folder that is not there (aws-samples' `repos/gitops-system/clusters/
 * template/flux-system/` syncing `./clusters/cluster-name`: a template, its paths relative to
 * `repos/gitops-system/`). A renamed cluster folder (`clusters/production/flux-system/` still
 * syncing `./clusters/prod`) is not this: Flux fails it.
 */
function movedSync(fs: FileSystem, root: string, dir: string, file: string): boolean {
  if (dir === "." || dir.startsWith("../")) return false;
  const parent = path.posix.dirname(file);
  const holder = path.posix.dirname(parent);
  const dirParent = path.posix.dirname(dir);
  const copy =
    holder.endsWith(`/${dir}`) ||
    (dirParent !== "." && `${holder}/`.includes(`/${dirParent}/`)) ||
    movedAcross(holder, dir) ||
    // Outside a `flux-system` folder (tvories' `tmpl/gotk-sync.yaml`) it is no bootstrap's either.
    path.posix.basename(parent) !== "flux-system";
  return copy && !fs.isDirectory(path.posix.join(root, dir));
}

/**
 * The top folder of the tree that `docs` (in `dir`) are a copy of, when each reads a folder of
 * that tree at its own place in it: `kubernetes.orig/apps/kube-system/cilium/ks.yaml` reading
 * `./kubernetes/apps/kube-system/cilium/app`. Two folders below the top at least, the same in
 * both trees (a cluster folder `clusters/prod` reading `./apps/prod` is no copy), and the other
 * tree must be here.
 */
function mirroredTree(
  fs: FileSystem,
  root: string,
  dir: string,
  docs: readonly FluxDocument[],
): string | undefined {
  const own = dir.split("/");
  if (own.length < 3) return undefined;
  let top: string | undefined;
  for (const d of docs) {
    const specPath = stringField(specOf(d.object), "path");
    if (specPath === "" || specPath.includes("${")) return undefined;
    // Flux joins the path to the source's root, never above it.
    const p = normalizeRelative(specPath.replace(/^\/+/, "")).replace(/^(\.\.\/)+/, "");
    const theirs = p.split("/")[0]!;
    if (theirs === own[0] || (top !== undefined && theirs !== top)) return undefined;
    const mirror = [theirs, ...own.slice(1)].join("/");
    if (p !== mirror && !p.startsWith(`${mirror}/`)) return undefined;
    top = theirs;
  }
  return top !== undefined && fs.isDirectory(path.posix.join(root, top)) ? top : undefined;
}

/**
 * Whether the folder `holder` is `dir` moved to another top folder, its own last two folders kept
 * (andycooney's `zholding/cluster/home`, syncing `./kubernetes/cluster/home`). Three folders deep
 * at least: `clusters/production` syncing `./clusters/prod` is a renamed cluster, which Flux fails.
 */
function movedAcross(holder: string, dir: string): boolean {
  const a = holder.split("/");
  const b = dir.split("/");
  if (a.length < 3 || b.length < 3 || a[0] === b[0]) return false;
  return a.slice(-2).join("/") === b.slice(-2).join("/");
}

/**
 * A sync file that does not parse still says where its cluster is (`<dir>/flux-system/gotk-sync.yaml`
 * → `<dir>`): the cluster is rendered with a made-up root and carries the YAML error, so the
 * error is shown and the cluster's sub-folders do not become clusters of their own.
 */
export function unreadableSyncClusters(scan: RepositoryScan): DiscoveredCluster[] {
  const out: DiscoveredCluster[] = [];
  for (const u of scan.unreadableSyncFiles) {
    const parent = path.posix.dirname(u.file);
    const dir = path.posix.basename(parent) === "flux-system" ? path.posix.dirname(parent) : parent;
    if (out.some((c) => c.path === dir)) continue;
    out.push(
      fluxCluster({
        path: dir,
        origin: { file: u.file, line: u.line ?? 0 },
        reason: `Flux sync file ${u.file}, which cannot be read (rendered with a made-up root)`,
        localSources: [FLUX_SYSTEM],
        errors: [
          {
            message: `cannot read the Flux sync objects: ${u.message}; the cluster at ${dir} is rendered with a made-up root Kustomization`,
            file: u.file,
            ...(u.line !== undefined ? { line: u.line } : {}),
          },
        ],
      }),
    );
  }
  return out;
}

/**
 * Clusters that Terraform's `flux_bootstrap_git` bootstraps (terraform-bootstrap.ts) syncing a
 * folder of this repository: flux bootstrap's objects with its defaults (a flux-system
 * GitRepository of this repository and a Kustomization of that path), made up as for a sync file
 * that cannot be read, as the repository need not keep them. A path that is no folder here is
 * the bootstrap of another repository (the provider's `git.url`); one Slipway cannot resolve is said.
 */
export function terraformClusters(
  scan: RepositoryScan,
  fs: FileSystem,
  root: string,
): { clusters: DiscoveredCluster[]; skipped: NotACluster[] } {
  const clusters: DiscoveredCluster[] = [];
  const skipped: NotACluster[] = [];
  for (const b of scan.terraformBootstraps) {
    const what = `Terraform flux_bootstrap_git.${b.name} in ${b.at.file}`;
    if (b.path === undefined) {
      skipped.push({
        message: `${what} syncs path ${b.unresolved}, which Slipway does not resolve (only literals, var.* defaults and locals): not read as a cluster (declare it in slipway.yaml 'clusters')`,
        at: b.at,
      });
      continue;
    }
    const dir = normalizeRelative(b.path.replace(/^\/+/, "")) || ".";
    if (dir.startsWith("../") || !fs.isDirectory(path.posix.join(root, dir))) continue;
    if (clusters.some((c) => c.path === dir)) continue;
    clusters.push(
      fluxCluster({
        path: dir,
        origin: b.at,
        reason: `${what} (path ${b.path})`,
        localSources: [FLUX_SYSTEM],
      }),
    );
  }
  return { clusters, skipped };
}

export interface NotACluster {
  message: string;
  at?: SourceLocation;
  /** Every file whose documents the note names, when there are several (`at` is the first's). */
  files?: readonly string[];
}

/**
 * Clusters of flux-operator's FluxInstances whose sync path is a directory of this repository;
 * the others sync another repository (reported, not rendered).
 */
export function instanceClusters(
  scan: RepositoryScan,
  fs: FileSystem,
  root: string,
): { clusters: DiscoveredCluster[]; skipped: NotACluster[] } {
  const clusters: DiscoveredCluster[] = [];
  const skipped: NotACluster[] = [];
  for (const written of scan.instances) {
    const sync = inItsNamespace(written, scan);
    const what =
      sync.via === "FluxInstance"
        ? `FluxInstance ${sync.holder}`
        : `the FluxInstance of HelmRelease ${sync.holder} (flux-instance chart values)`;
    const paths: Array<{ path: string; by?: FluxDocument; placed?: Record<string, string> }> =
      sync.path.includes("${") ? resolveSyncPath(sync, scan) : [{ path: sync.path }];
    // No Kustomization here substitutes it: read with the values where the holder sits gives
    // (JefeDavis: `kubernetes/${CLUSTER}/flux/config` from kubernetes/jsdyb-k8s-001/apps/…).
    const placed = paths.length === 0 ? variablesFromPlace(sync.path, sync.at.file) : undefined;
    const placedPath = placed && substitutedWith(sync.path, placed);
    const confirmed =
      placedPath !== undefined && confirmedInFolder(fs, root, placeFolder(sync.path, sync.at.file), placed!);
    if (placedPath !== undefined && confirmed) paths.push({ path: placedPath, placed });
    if (paths.length === 0) {
      const guess =
        placedPath !== undefined
          ? ` (where it sits suggests ${showVariables(placed!)}, but no setting under ${placeFolder(sync.path, sync.at.file)} gives ${Object.keys(placed!).length === 1 ? "it that value" : "them those values"})`
          : "";
      skipped.push({
        message: `${what} syncs '${sync.path}', a path with a variable that no Flux Kustomization here applying it substitutes${guess}: not rendered (declare the cluster in slipway.yaml 'clusters')`,
        at: sync.at,
      });
      continue;
    }
    for (const { path: syncPath, by, placed } of paths) {
      const via = by
        ? ` (${sync.path} with the variables of Flux Kustomization ${nameOf(by)} in ${by.at.file}:${by.at.line})`
        : placed
          ? ` (${sync.path} with ${showVariables(placed)}, from where ${sync.at.file} sits)`
          : "";
      const dir = normalizeRelative(syncPath.replace(/^\/+/, ""));
      // The root of an OCI artifact (or a bucket) is whatever folder was pushed there
      // (`flux push artifact --path=kubernetes/clusters/local`), which the repository does not say;
      // a deeper path names folders of the repository as pushed from its root.
      if (dir === "." && sync.kind !== "GitRepository") {
        skipped.push({
          message: `${what} syncs the root of ${sync.kind} ${sync.url || "its source"}${via}, and which folder of this repository is pushed there the repository does not say: not rendered (declare the cluster with that folder as its path in slipway.yaml 'clusters')`,
          at: sync.at,
        });
        continue;
      }
      if (dir.startsWith("../") || !fs.isDirectory(path.posix.join(root, dir))) {
        skipped.push({
          message: `${what} syncs path '${syncPath}'${via} of ${sync.url || "its source"}, which is not a directory of this repository: not rendered`,
          at: sync.at,
        });
        continue;
      }
      if (clusters.some((c) => c.path === dir)) continue;
      clusters.push(
        instanceCluster(scan, sync, syncPath, dir, `${what} in ${sync.at.file}:${sync.at.line}${via}`),
      );
    }
  }
  return { clusters, skipped };
}

/** The cluster of one FluxInstance sync whose path is the folder `dir`. */
function instanceCluster(
  scan: RepositoryScan,
  sync: InstanceSync,
  syncPath: string,
  dir: string,
  reason: string,
): DiscoveredCluster {
  const patched = patchInstanceRoot(instanceRoot(sync, syncPath), sync.patches ?? []);
  const root = "object" in patched ? patched.object : instanceRoot(sync, syncPath);
  const cluster = fluxCluster({
    path: dir,
    discoveredBy: "flux-instance",
    root: { object: root, at: sync.at },
    origin: sync.at,
    reason,
    ...syncUrlOf(sync.url),
    localSources: withSameRepository(
      scan,
      [{ kind: sync.kind, namespace: sync.namespace, name: sync.name }],
      {
        url: sync.url,
        ref: sync.ref,
      },
    ),
    errors:
      "error" in patched
        ? [
            {
              message: `${sync.via === "FluxInstance" ? `FluxInstance ${sync.holder}` : `the FluxInstance of HelmRelease ${sync.holder}`}: its kustomize patches for the sync Kustomization ${sync.namespace}/${sync.name} do not apply (flux-operator fails to build the instance): ${patched.error}`,
              file: sync.at.file,
              line: sync.at.line,
            },
          ]
        : [],
  });
  return {
    ...cluster,
    rootFromInstance: true,
    instanceFlux: { origin: "FluxInstance", ...sync.distribution, at: sync.at },
  };
}

function syncUrlOf(url: unknown): { syncUrl?: string } {
  return typeof url === "string" ? { syncUrl: url } : {};
}

/** `sources`, and the GitRepositories defined here with the URL and branch of the cluster's sync. */
function withSameRepository(
  scan: RepositoryScan,
  sources: ObjectRef[],
  sync: { url?: unknown; ref?: unknown },
): ObjectRef[] {
  if (typeof sync.url !== "string") return sources;
  return [...sources, ...sameRepositorySources(scan, sync.url, sync.ref, sources)];
}

/** The Kustomization flux-operator creates for a FluxInstance's sync (syncTmpl). */
function instanceRoot(sync: InstanceSync, syncPath: string) {
  return {
    apiVersion: `${KUSTOMIZE_GROUP}/v1`,
    kind: "Kustomization",
    metadata: { name: sync.name, namespace: sync.namespace },
    spec: {
      interval: "10m0s",
      path: syncPath,
      prune: true,
      sourceRef: { kind: sync.kind, name: sync.name },
    },
  };
}

/** What topLevelClusters looks at; the sets and paths are repository-relative. */
export interface TopLevelInput {
  scan: RepositoryScan;
  /** `file:line` keys of the documents a rendered cluster applies. */
  covered: ReadonlySet<string>;
  /** Files a rendered cluster's builds may read. */
  reached: ReadonlySet<string>;
  /** Paths of the clusters found already. */
  known: readonly string[];
  fs: FileSystem;
  root: string;
  /** Whether slipway.yaml maps a source to a local directory. */
  mapped?: (ref: ObjectRef) => boolean;
  /** Directories a rendered cluster's builds list (read as a directory). */
  readDirs?: ReadonlySet<string>;
}

/**
 * Clusters made of top-level Flux Kustomizations: documents not applied by a rendered cluster
 * (`covered`: `file:line` keys), in no file a cluster's builds may read (`reached`,
 * repository-relative), and not under another Kustomization's path. A directory of such
 * documents that nothing marks as a cluster root (clusterRootEvidence) is an orphan, not a
 * cluster; so is one marked only by holding several documents none of which builds a
 * directory of this repository (apps whose Kustomizations read an OCI artifact or an
 * ExternalArtifact): rendered as a cluster, it would show its Kustomizations as no cluster sees
 * them (before the patches and defaults of the parent that applies them), with findings on that.
 */
export function topLevelClusters({
  scan,
  covered,
  reached,
  known,
  fs,
  root,
  mapped = () => false,
  readDirs = new Set(),
}: TopLevelInput): {
  clusters: DiscoveredCluster[];
  orphans: NotACluster[];
  /** Candidates whose documents build nothing of this repository: no cluster, unless another reads them. */
  unbuilt: Map<DiscoveredCluster, NotACluster>;
} {
  // A root whose path holds a variable (`./clusters/${CLUSTER_NAME}`) is read with the values
  // where it sits gives, and so are the documents beside it (placedPaths).
  const confirmations = new Map<string, boolean>();
  const placing = placedPaths(scan.kustomizations, (specPath, file, vars) => {
    const folder = placeFolder(specPath, file);
    const key = `${folder}\0${showVariables(vars)}`;
    let ok = confirmations.get(key);
    if (ok === undefined) confirmations.set(key, (ok = confirmedInFolder(fs, root, folder, vars)));
    return ok;
  });
  const kustomizations = scan.kustomizations.map((k) => placing.get(k)?.doc ?? k);
  const placed = new Map([...placing.values()].map((p) => [p.doc, p.vars]));
  const pathOf = (k: FluxDocument) => stringField(specOf(k.object), "path");
  const paths = kustomizations.map((k) => staticPrefix(pathOf(k)));
  const texts = new KustomizationTexts(fs, root);
  // A document beside one whose path holds their folder but whose build leaves the folder out
  // (kharf's `catalog/ingress-nginx/test/`, the app's path `catalog/ingress-nginx`) is not under
  // that path as Flux builds it: both are applied by whatever applies the folder.
  const besideLeftOut = (file: string, j: number) =>
    path.posix.dirname(kustomizations[j]!.at.file) === path.posix.dirname(file) &&
    !appliesItself(texts, paths[j]!, file);
  // A copy of a document (its namespace, name and path) elsewhere is the same object, not its
  // applier: ChipWolf's tmpl/kubernetes/flux/cluster.yaml, which envsubst writes to
  // kubernetes/flux/config/, made the root it is a copy of look applied, and no cluster was found.
  const copyOf = (i: number, j: number) =>
    nameOf(kustomizations[i]!) === nameOf(kustomizations[j]!) &&
    pathOf(kustomizations[i]!) === pathOf(kustomizations[j]!);
  const byDir = new Map<string, FluxDocument[]>();
  const fragments = new Map<string, FluxDocument[]>();
  /** Documents under other documents' paths (indexes into `kustomizations`): applied by those. */
  const containedBy = new Map<number, number[]>();
  /** Documents under no path but ones holding a variable no place gave (said when no cluster is found). */
  const underVariables: FluxDocument[] = [];
  kustomizations.forEach((k, i) => {
    if (covered.has(locationKey(k.at)) || reached.has(k.at.file)) return;
    const file = k.at.file;
    const dir = path.posix.dirname(file);
    const containers = paths.flatMap((p, j) =>
      j !== i && p !== "." && p !== "" && file.startsWith(`${p}/`) && !besideLeftOut(file, j) && !copyOf(i, j)
        ? [j]
        : [],
    );
    if (containers.length > 0) {
      // `./clusters/${CLUSTER_NAME}` and `./clusters/${CLUSTER_NAME}/apps/web`, each "under" the
      // other's `clusters/`: which folders they build only the cluster knows.
      if (pathOf(k).includes("${") && containers.every((j) => pathOf(kustomizations[j]!).includes("${")))
        underVariables.push(k);
      else containedBy.set(i, containers);
      return;
    }
    if (known.includes(dir)) return;
    // No spec.sourceRef: a patch or a fragment (`local-clusters/nas/patches/`), which the CRD
    // refuses; it builds nothing, and defaulting it to the repository's root made a phantom cluster.
    const byWhat = isMap(specOf(k.object).sourceRef) ? byDir : fragments;
    let list = byWhat.get(dir);
    if (!list) byWhat.set(dir, (list = []));
    list.push(k);
  });
  const clusters: DiscoveredCluster[] = [];
  const orphans: NotACluster[] = [];
  for (const [dir, docs] of fragments) {
    if (byDir.has(dir)) continue;
    const one = docs.length === 1;
    orphans.push({
      message: `Flux Kustomization${one ? "" : "s"} ${docs.map(nameOf).join(", ")} in ${dir} ${one ? "has" : "have"} no spec.sourceRef: ${one ? "a patch or a fragment" : "patches or fragments"}, not ${one ? "an object" : "objects"} Flux can apply; not a cluster`,
      at: docs[0]!.at,
    });
  }
  const unbuilt = new Map<DiscoveredCluster, NotACluster>();
  // A GitRepository defined here under another name whose spec.ignore names this tree's folders.
  const ignoring = new Map<string, boolean>();
  const ignoresThisTree = (ref: ObjectRef): boolean => {
    const key = `${ref.namespace}/${ref.name}`;
    let yes = ignoring.get(key);
    if (yes === undefined) {
      const g = gitRepositoryOf(scan, ref);
      yes =
        g !== undefined && ignoreNamesThisTree(specOf(g.object), (p) => fs.exists(path.posix.join(root, p)));
      ignoring.set(key, yes);
    }
    return yes;
  };
  const buildsHere = (d: FluxDocument) =>
    buildsRepositoryDirectory(scan, fs, root, d, mapped, ignoresThisTree);
  // Read only when a candidate is not left out of a built folder's list already.
  let commented: Map<string, string> | undefined;
  const decide = (candidates: Map<string, FluxDocument[]>) => {
    for (const [dir, docs] of [...candidates].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      const parent =
        leftOutOf(dir, readDirs) ??
        commentedOutBy(dir, readDirs, (commented ??= texts.commentedOut(readDirs)));
      if (parent !== undefined) {
        // apps/<ns>/<app>/ whose namespace's kustomization leaves it out (`# - ./buildkit`), or a
        // folder further down one left out (`# - rook-ceph` over rook-ceph/rook-ceph/ks.yaml): a
        // disabled app, whatever its own folder holds, not a cluster of its own.
        orphans.push({
          message: `Flux Kustomization${docs.length === 1 ? "" : "s"} ${docs.map(nameOf).join(", ")} in ${dir} ${docs.length === 1 ? "is" : "are"} applied by nothing in this repository, and ${dir} is left out of ${parent}, which a cluster builds: not a cluster (a folder left out of its parent's list)`,
          at: docs[0]!.at,
          files: filesOf(docs),
        });
        continue;
      }
      const evidence = clusterRootEvidence(scan, fs, texts, root, dir, docs, mapped);
      const test = evidence === "bootstrap" ? undefined : chainsawTestOf(fs, root, dir);
      if (test !== undefined) {
        // ppat's ci/test/infra-networking/: a chainsaw test applies these files one step at a
        // time to a throwaway cluster (beside fixtures applied with kubectl, and files it swaps in
        // turn); built whole as a cluster, their namespaces were "applied twice" and its
        // alternatives collided (8 duplicate-object and a render-error, none of them true).
        orphans.push({
          message: `Flux Kustomization${docs.length === 1 ? "" : "s"} ${docs.map(nameOf).join(", ")} in ${dir} ${docs.length === 1 ? "is a fixture" : "are fixtures"} of a chainsaw test (${test}): the test applies ${docs.length === 1 ? "it" : "them"} step by step to a throwaway cluster, not as one folder: not a cluster`,
          at: docs[0]!.at,
          files: filesOf(docs),
        });
        continue;
      }
      const copied = evidence === "bootstrap" ? undefined : copiesOfApplied(scan, covered, docs);
      if (copied !== undefined) {
        // archive/node-feature-discovery/ks.yaml, the app's ks.yaml as it was before it moved into
        // kubernetes/apps/: the cluster applies the live one; rendered as a cluster of its own, the
        // copy showed its Kustomizations as no cluster has them (an old source's name, no parent).
        orphans.push({
          message: `Flux Kustomization${docs.length === 1 ? "" : "s"} ${docs.map(nameOf).join(", ")} in ${dir} ${docs.length === 1 ? "is a copy" : "are copies"} of what a cluster applies from ${copied} (the same name and path): a copy left behind (an archive), not a cluster`,
          at: docs[0]!.at,
          files: filesOf(docs),
        });
        continue;
      }
      const copiedSync = evidence === "bootstrap" ? undefined : copiedSyncIn(scan, fs, root, dir);
      // The sync objects alone have their note (syncClusters); only what sits beside them is said here.
      const besideSync = (d: FluxDocument) =>
        d.at.file !== copiedSync || metaString(d.object, "name") !== "flux-system";
      if (copiedSync !== undefined && docs.some(besideSync)) {
        // cloudpirates' checkpoints/: lab1-complete.yaml holds sync objects of ./clusters/staging
        // (not here), lab2..lab5-complete.yaml the workshop's later states, each applied alone with
        // kubectl. Built as one cluster, two states' copies of a Namespace were a duplicate-object.
        orphans.push({
          message: `Flux Kustomization${docs.length === 1 ? "" : "s"} ${docs.map(nameOf).join(", ")} in ${dir} ${docs.length === 1 ? "is" : "are"} applied by nothing and ${docs.length === 1 ? "sits" : "sit"} beside the Flux sync objects of ${copiedSync}, a copy (they sync a path that is not here, outside a flux-system folder): the same copy's (a template, a course's checkpoints), not a cluster`,
          at: docs[0]!.at,
          files: filesOf(docs),
        });
        continue;
      }
      const mirrored = evidence === "bootstrap" ? undefined : mirroredTree(fs, root, dir, docs);
      if (mirrored !== undefined) {
        // kubernetes.orig/apps/kube-system/cilium/ks.yaml reading ./kubernetes/apps/kube-system/
        // cilium/app: a backup of the tree whose folders it names; built as a cluster, the paths
        // the live tree has dropped since were flux-path-missing errors.
        orphans.push({
          message: `Flux Kustomization${docs.length === 1 ? "" : "s"} ${docs.map(nameOf).join(", ")} in ${dir} ${docs.length === 1 ? "reads" : "read"} the same folders under ${mirrored}/ (${docs.map(pathOf).join(", ")}): a copy of that tree (a backup, an archive), not a cluster`,
          at: docs[0]!.at,
          files: filesOf(docs),
        });
        continue;
      }
      const livesIn =
        evidence === "bootstrap" ? undefined : setAsideBeside(scan, fs, root, covered, dir, docs);
      if (livesIn !== undefined) {
        // H3mul's disabled/kustomizations/: apps' Kustomizations moved out of the
        // bootstrap/kustomizations/ a cluster applies, to turn them off. Rendered as a cluster, the
        // paths of apps deleted since were flux-path-missing errors of a cluster nobody runs.
        orphans.push({
          message: `Flux Kustomization${docs.length === 1 ? "" : "s"} ${docs.map(nameOf).join(", ")} in ${dir} ${docs.length === 1 ? "is" : "are"} applied by nothing and laid out as ${livesIn}, which a cluster applies (a folder of that name in another top folder, reading apps of the same tree with the same source): set aside (disabled), not a cluster`,
          at: docs[0]!.at,
          files: filesOf(docs),
        });
        continue;
      }
      // Unless a bootstrap marks the folder: documents that build nothing of this repository (apps
      // reading OCI artifacts; an archived root whose paths moved; CRDs from another project's Git
      // repository) would render as a cluster of missing paths and foreign files.
      const buildsNothing = evidence !== "bootstrap" && !docs.some(buildsHere);
      if (evidence === "several documents" && buildsNothing) {
        orphans.push({ message: buildsNothingHere(docs), at: docs[0]!.at, files: filesOf(docs) });
        continue;
      }
      if (evidence === undefined) {
        const d = docs[0]!;
        const i = kustomizations.indexOf(d);
        const original = kustomizations.find((_, j) => j !== i && copyOf(i, j));
        orphans.push({
          message:
            original !== undefined
              ? `Flux Kustomization ${nameOf(d)} in ${dir} is a copy of the one in ${original.at.file} (the same name and path), a template or a leftover: not a cluster`
              : `Flux Kustomization ${nameOf(d)} is applied by nothing in this repository and is alone in ${dir}: not a cluster (declare it in slipway.yaml 'clusters' if a bootstrap outside the repository applies it)`,
          at: d.at,
        });
        continue;
      }
      // A Kustomization that builds the directory holding it is the root itself (nothing applies
      // it): the cluster is that directory (`clusters/c/flux-system/sync.yaml` → `clusters/c`).
      // Beside other top-level documents it must apply its own file: kharf's
      // `catalog/ingress-nginx/test/nginx.yaml` holds the app's Kustomization (path
      // `catalog/ingress-nginx`, whose kustomization leaves `test/` out) and its namespace's, which
      // CI applies together; made the root, the app's left the namespace's unapplied.
      const selfRoot = docs.filter(
        (d) =>
          holdsItself(scan, dir, d, mapped) &&
          (docs.length === 1 ||
            appliesItself(texts, staticPrefix(stringField(specOf(d.object), "path")), d.at.file)),
      );
      const listedBy = selfRoot.length === 1 ? undefined : listingRoot(texts, dir, docs, readDirs, known);
      const clusterPath =
        selfRoot.length === 1
          ? staticPrefix(stringField(specOf(selfRoot[0]!.object), "path"))
          : (listedBy ?? dir);
      if (clusterPath !== dir && known.includes(clusterPath)) continue;
      // Whatever applies these is this repository's own sync: their GitRepository is this one.
      const localSources = [
        FLUX_SYSTEM,
        ...docs
          .filter((d) => readsThisRepository(scan, d.at.file, d, mapped, ignoresThisTree))
          .map((d) => sourceRefOf(d.object))
          .filter((r) => r.kind === "GitRepository"),
      ];
      const placedBy = docs.map((d) => placed.get(d)).find((v) => v !== undefined);
      const unconfirmed = unconfirmedSource(scan, localSources, mapped, ignoresThisTree);
      const reason = `${docs.length} top-level Flux Kustomization${docs.length === 1 ? "" : "s"} in ${dir} (applied by nothing in this repository${listedBy !== undefined ? `; listed by the kustomization file of ${listedBy}, built as the cluster's root` : ""}${placedBy ? `; its path read with ${showVariables(placedBy)}, from where it sits` : ""})`;
      clusters.push({
        name: "",
        path: clusterPath,
        sourceRoot: ".",
        discoveredBy: "top-level",
        mode: "flux",
        // The values its path took are the ones the bootstrap gives it: the root's own variables
        // (read from a source its children apply, which the probe cannot know before them).
        variables: placedBy ?? {},
        root: selfRoot.length === 1 ? selfRoot[0] : undefined,
        origin: docs[0]!.at,
        reason: unconfirmed === undefined ? reason : withUnconfirmed(reason, unconfirmed),
        ...(unconfirmed !== undefined ? { contentUnconfirmed: unconfirmed } : {}),
        localSources,
        topLevel: docs,
        rootEvidence: evidence,
        errors: [],
        ...(placedBy ? { placedVariables: placedBy } : {}),
      });
      // Listed by a kustomization file, it may be a tenant's sync file that a cluster pulls in
      // (`../base/dev-team`): decided once the reach of the other candidates is known.
      if (buildsNothing)
        unbuilt.set(clusters.at(-1)!, {
          message: buildsNothingHere(docs),
          at: docs[0]!.at,
          files: filesOf(docs),
        });
    }
  };
  decide(byDir);
  const late = bootstrapsUnderNoCluster(
    kustomizations,
    containedBy,
    byDir,
    new Set(clusters.flatMap((c) => c.topLevel ?? [])),
    known,
  );
  for (const [dir, docs] of late)
    if (clusterRootEvidence(scan, fs, texts, root, dir, docs, mapped) !== "bootstrap") late.delete(dir);
  if (late.size > 0) {
    decide(late);
    // In folder order, as the first pass made them.
    const dirOf = (c: DiscoveredCluster) => path.posix.dirname(c.origin?.file ?? "");
    clusters.sort((a, b) => (dirOf(a) < dirOf(b) ? -1 : dirOf(a) > dirOf(b) ? 1 : 0));
  }
  if (clusters.length === 0 && known.length === 0 && underVariables.length > 0) {
    // Nothing else found: say which documents might have been the root, the shortest paths first.
    const depth = (d: FluxDocument) => pathOf(d).split("/").length;
    const named = [...underVariables].sort((a, b) => depth(a) - depth(b)).slice(0, 3);
    const more = underVariables.length - named.length;
    orphans.push({
      message: `Flux Kustomization${underVariables.length === 1 ? "" : "s"} ${named.map((d) => `${nameOf(d)} (path '${pathOf(d)}' in ${d.at.file})`).join(", ")}${more > 0 ? ` and ${more} more` : ""} ${underVariables.length === 1 ? "has a path that holds" : "have paths that hold"} a variable that no setting of this repository gives for where ${underVariables.length === 1 ? "it sits" : "they sit"}: which folders the cluster builds only the cluster knows, so none is rendered (declare the cluster in slipway.yaml 'clusters', with its path)`,
      at: named[0]!.at,
    });
  }
  return { clusters, orphans, unbuilt };
}

/**
 * Folders of documents that only documents applying nothing hold under their paths, by folder.
 * A Kustomization applies what its path builds only if something applies it: one that is no
 * cluster's (applied by nothing here, and no root) covers nothing. ToaHartor/maisonneux's
 * `clusters/test/ks.yaml`, a test harness no cluster applies, builds `clusters/test/config`,
 * whose `ks.yaml` builds `clusters/production`: production, a bootstrap's folder, was never a
 * candidate. (The caller keeps the folders that a bootstrap marks.)
 */
function bootstrapsUnderNoCluster(
  kustomizations: readonly FluxDocument[],
  containedBy: ReadonlyMap<number, number[]>,
  candidates: ReadonlyMap<string, FluxDocument[]>,
  clusterDocs: ReadonlySet<FluxDocument>,
  known: readonly string[],
): Map<string, FluxDocument[]> {
  const rejected = new Set<FluxDocument>();
  for (const docs of candidates.values()) for (const d of docs) if (!clusterDocs.has(d)) rejected.add(d);
  const out = new Map<string, FluxDocument[]>();
  if (rejected.size === 0) return out;
  // Whether every chain of containers above document i ends at a rejected candidate.
  const appliedByNothing = (i: number, seen: Set<number>): boolean => {
    const above = containedBy.get(i);
    if (above === undefined) return rejected.has(kustomizations[i]!);
    if (seen.has(i)) return false;
    seen.add(i);
    return above.every((j) => appliedByNothing(j, seen));
  };
  for (const i of containedBy.keys()) {
    const d = kustomizations[i]!;
    const dir = path.posix.dirname(d.at.file);
    if (known.includes(dir) || !containedBy.get(i)!.every((j) => appliedByNothing(j, new Set([i])))) continue;
    let list = out.get(dir);
    if (!list) out.set(dir, (list = []));
    list.push(d);
  }
  return out;
}

/** The document of GitRepository `ref` in the repository (one without a namespace counts as `ref`'s). */
function gitRepositoryOf(scan: RepositoryScan, ref: ObjectRef): FluxDocument | undefined {
  return scan.gitRepositories.find(
    (x) =>
      metaString(x.object, "name") === ref.name &&
      (metaString(x.object, "namespace") || ref.namespace) === ref.namespace,
  );
}

/**
 * Why a top-level cluster's source may be another repository: a GitRepository it reads that the
 * repository defines under another name than flux-system, taken for this repository only because
 * the Kustomization's path holds its own file (readsThisRepository), neither a remote of the
 * checkout nor slipway.yaml nor its spec.ignore saying so. estenrye's flux-platform-src defines
 * `flux-platform-rendered`, the repository CI renders it into, whose `./clusters/controlplane`
 * mirrors this one's: Flux applies the rendered files, not these.
 */
function unconfirmedSource(
  scan: RepositoryScan,
  localSources: readonly ObjectRef[],
  mapped: (ref: ObjectRef) => boolean,
  ignoresThisTree: (ref: ObjectRef) => boolean,
): string | undefined {
  for (const ref of localSources) {
    if (!definesOtherRepository(scan, ref) || mapped(ref) || ignoresThisTree(ref)) continue;
    const g = gitRepositoryOf(scan, ref);
    const url = g === undefined ? "" : stringField(specOf(g.object), "url");
    return `source GitRepository ${ref.namespace}/${ref.name}${url !== "" ? ` (${redactUrl(url)})` : ""} is defined here under another name than flux-system, and nothing shows it is this repository (no remote of the checkout has its URL)`;
  }
  return undefined;
}

/**
 * The documents whose path holds a variable that where their file sits gives (path-from-place.ts)
 * and a setting in the folder it names confirms (`confirmed`: `CLUSTER_NAME=home` in
 * clusters/home/cluster.env), each with a copy whose path has it substituted. A document whose
 * path so read holds its own file (`cluster`, `./clusters/${CLUSTER_NAME}` in
 * `clusters/home/flux/cluster/`: a root that applies itself, as a bootstrap's sync does) gives its
 * values to the documents of its file whose own place gives none, as one apply substitutes them
 * all; two such documents giving a variable two values give none.
 */
function placedPaths(
  docs: readonly FluxDocument[],
  confirmed: (specPath: string, file: string, vars: Record<string, string>) => boolean,
): Map<FluxDocument, { doc: FluxDocument; vars: Record<string, string> }> {
  const byFile = new Map<string, FluxDocument[]>();
  for (const d of docs) {
    if (!stringField(specOf(d.object), "path").includes("${")) continue;
    let list = byFile.get(d.at.file);
    if (!list) byFile.set(d.at.file, (list = []));
    list.push(d);
  }
  const out = new Map<FluxDocument, { doc: FluxDocument; vars: Record<string, string> }>();
  for (const [file, inFile] of byFile) {
    const own = new Map<FluxDocument, Record<string, string>>();
    const shared: Record<string, string> = {};
    let conflict = false;
    for (const d of inFile) {
      const specPath = stringField(specOf(d.object), "path");
      const given = variablesFromPlace(specPath, file);
      const resolved = given && substitutedWith(specPath, given);
      if (resolved === undefined || !confirmed(specPath, file, given!)) continue;
      own.set(d, given!);
      if (!holdsFile(staticPrefix(resolved), file)) continue;
      for (const [k, v] of Object.entries(given!)) {
        if (shared[k] !== undefined && shared[k] !== v) conflict = true;
        shared[k] = v;
      }
    }
    for (const d of inFile) {
      const vars = own.get(d) ?? (conflict ? undefined : shared);
      const resolved = vars && substitutedWith(stringField(specOf(d.object), "path"), vars);
      if (resolved === undefined) continue;
      const object = { ...d.object, spec: { ...specOf(d.object), path: resolved } };
      out.set(d, { doc: { ...d, object }, vars: vars! });
    }
  }
  return out;
}

/** Files that make a folder (and the folders below it) a chainsaw test's: a Test, a Configuration. */
const CHAINSAW_FILES = ["chainsaw-test.yaml", "chainsaw-test.yml", ".chainsaw.yaml", ".chainsaw.yml"];

/**
 * The chainsaw file (repository-relative) of `dir` or a folder above it, when it is one
 * (`apiVersion: chainsaw.kyverno.io/…`): what is in there is applied by the test's steps.
 */
function chainsawTestOf(fs: FileSystem, root: string, dir: string): string | undefined {
  for (let at = dir; ; at = path.posix.dirname(at)) {
    for (const name of CHAINSAW_FILES) {
      const file = at === "." ? name : `${at}/${name}`;
      const abs = path.posix.join(root, file);
      try {
        if (fs.exists(abs) && !fs.isDirectory(abs) && fs.readFile(abs).includes("chainsaw.kyverno.io/"))
          return file;
      } catch {
        // Unreadable: no evidence.
      }
    }
    if (at === "." || at === "") return undefined;
  }
}

/**
 * The folder above `dir` whose kustomization file lists the top-level documents of `dir`: the
 * nearest one holding a kustomization file, when it reaches one of `docs` (appliesItself), no
 * cluster builds it and it is no cluster's path. `clusters/pro/kustomization.yaml` listing
 * `deploy/01-core-kustomization.yaml`, …: what the bootstrap applies (`kubectl apply -k
 * clusters/pro`) is that build, the documents it leaves out (`# - deploy/07-apps-…`) included
 * in nothing; building `deploy/` as Flux would (no kustomization file: every file below, the
 * Kustomizations' own paths included) applied what nothing applies, twice over.
 */
function listingRoot(
  texts: KustomizationTexts,
  dir: string,
  docs: readonly FluxDocument[],
  readDirs: ReadonlySet<string>,
  known: readonly string[],
): string | undefined {
  for (let up = path.posix.dirname(dir); up !== "." && up !== dir; up = path.posix.dirname(up)) {
    const text = texts.of(up);
    if (text === undefined) continue;
    if (text === null || readDirs.has(up) || known.includes(up)) return undefined;
    return docs.some((d) => appliesItself(texts, up, d.at.file)) ? up : undefined;
  }
  return undefined;
}

/**
 * The nearest folder above `dir` that a cluster builds, when `dir` and the folders between are
 * not built: its list leaves them out. The repository's root counts only as the direct parent
 * (a cluster building the whole repository says nothing of folders deep below it).
 */
function leftOutOf(dir: string, readDirs: ReadonlySet<string>): string | undefined {
  if (dir === "." || readDirs.has(dir)) return undefined;
  let up = path.posix.dirname(dir);
  for (let first = true; ; first = false) {
    if (readDirs.has(up)) return up === "." && !first ? undefined : up;
    if (up === ".") return undefined;
    up = path.posix.dirname(up);
  }
}

/**
 * The built folder whose kustomization file lists `dir` or a folder above it only in a comment
 * (`# - ../common/rook-ceph` over `common/rook-ceph/rook-ceph/ks.yaml`): that folder was
 * disabled by hand. `commented`: each commented-out entry of the built folders, resolved, to
 * the folder whose list holds it (KustomizationTexts.commentedOut).
 */
export function commentedOutBy(
  dir: string,
  readDirs: ReadonlySet<string>,
  commented: ReadonlyMap<string, string>,
): string | undefined {
  for (let up = dir; up !== "." && !readDirs.has(up); up = path.posix.dirname(up)) {
    const by = commented.get(up);
    if (by !== undefined) return by;
  }
  return undefined;
}

/**
 * What marks a directory of top-level Kustomizations as a cluster root: a bootstrap's marks (one
 * that builds the directory holding it, a `flux-system` folder); weaker, a kustomization file
 * naming the document's file (`kubectl apply -k flux/config`; but also an archived copy of one);
 * weaker still, several documents (`clusters/prod/{apps,infrastructure}.yaml`; but also an app's
 * `ks.yaml` of app + crds left out of its parent's list).
 */
function clusterRootEvidence(
  scan: RepositoryScan,
  fs: FileSystem,
  texts: KustomizationTexts,
  root: string,
  dir: string,
  docs: FluxDocument[],
  mapped: (ref: ObjectRef) => boolean,
): "bootstrap" | "listed" | "several documents" | undefined {
  // It builds the directory that holds it, and so applies itself (a sync Kustomization whose
  // GitRepository is elsewhere). An app's ks.yaml building its own folder, whose kustomization
  // leaves ks.yaml out, is an app nothing wires in (monosense: dragonfly, harbor, gitlab), no root.
  const selfApplying = (d: FluxDocument) =>
    holdsItself(scan, dir, d, mapped) &&
    appliesItself(texts, staticPrefix(stringField(specOf(d.object), "path")), d.at.file);
  if (docs.some(selfApplying)) return "bootstrap";
  if (fs.isDirectory(path.posix.join(root, dir, "flux-system")) && !holdsMovedSync(scan, fs, root, dir))
    return "bootstrap";
  // Unreadable: not evidence either way.
  const text = texts.of(dir);
  if (typeof text === "string" && docs.some((d) => text.includes(path.posix.basename(d.at.file))))
    return "listed";
  return docs.length > 1 ? "several documents" : undefined;
}

/** Whether `dir/flux-system` holds sync objects left behind by a cluster that moved (syncClusters). */
function holdsMovedSync(scan: RepositoryScan, fs: FileSystem, root: string, dir: string): boolean {
  const prefix = `${dir === "." ? "" : `${dir}/`}flux-system/`;
  return scan.kustomizations.some((k) => {
    if (!k.at.file.startsWith(prefix) || metaString(k.object, "name") !== "flux-system") return false;
    const specPath = stringField(specOf(k.object), "path");
    return specPath !== "" && movedSync(fs, root, normalizeRelative(specPath.replace(/^\/+/, "")), k.at.file);
  });
}

/**
 * Plain kustomize stacks: kustomization directories that no other kustomization names, that no
 * Flux cluster reads, under a `stacks` directory or named `overlays/<env>`. A directory that a
 * Flux Kustomization of the repository names as its path (`./apps/overlays/prod` of an OCI
 * artifact made from `kubernetes/`, which ends this directory's path) is Flux's, built as Flux
 * builds it, not a stack: kubectl's rules (files only inside the root) would fail a tree Flux
 * builds, and its Flux Kustomizations would not be followed.
 */
export interface StackCandidates {
  /** Repository-relative folders holding a kustomization file. */
  kustomizationDirs: readonly string[];
  /** Folders another kustomization names (a base, a component): never a stack. */
  namedByOthers: ReadonlySet<string>;
  /** Whether a rendered Flux cluster's builds read the folder. */
  readByFlux: (dir: string) => boolean;
  /** Paths of the clusters found already. */
  known: readonly string[];
  /** The repository's Flux Kustomization documents (default: none). */
  fluxKustomizations?: readonly FluxDocument[];
  /** Whether a source is this repository (default: every source). */
  isLocal?: (ref: ObjectRef) => boolean;
  /**
   * The folder a Flux Kustomization builds as its path that holds the folder (`inside`) or that
   * the folder's build reaches, if any.
   */
  layersOnFlux?: (dir: string) => { dir: string; by: string; inside?: boolean } | undefined;
}

export function kustomizeStacks({
  kustomizationDirs,
  namedByOthers,
  readByFlux,
  known,
  fluxKustomizations = [],
  isLocal = () => true,
  layersOnFlux = () => undefined,
}: StackCandidates): { stacks: DiscoveredCluster[]; skipped: NotACluster[] } {
  const out: DiscoveredCluster[] = [];
  const skipped: NotACluster[] = [];
  // The overlays a Flux Kustomization's variable path names, one note for all of them (FelixZ92's
  // `overlays/${ENVIRONMENT}`: dev, staging and vagrant were three notes at one document).
  const ofFlux = new Map<FluxDocument, { note: NotACluster; dirs: string[] }>();
  for (const dir of kustomizationDirs) {
    if (dir === "." || namedByOthers.has(dir) || known.includes(dir)) continue;
    const segments = dir.split("/");
    if (segments.some((s) => s.startsWith("."))) continue;
    const inStacks = segments.slice(0, -1).includes("stacks");
    const overlay = segments.length >= 2 && segments[segments.length - 2] === "overlays";
    if (!inStacks && !overlay) continue;
    if (readByFlux(dir)) continue;
    // An overlay of a folder Flux builds (kreativmonkey's `overlays/disaster-recovery` over
    // `../main`, "activate by pointing Flux here"): a variant of that Flux path, whose namespaces,
    // decryption and dependencies come from the cluster. Built alone it is no cluster.
    const layered = layersOnFlux(dir);
    if (layered) {
      skipped.push({
        message: `${dir} ${layered.inside ? "lies in" : "builds on"} ${layered.dir}, the path of ${layered.by}: a variant of a Flux path, not a plain kustomize stack of its own (declare it in slipway.yaml 'clusters' to build it alone)`,
      });
      continue;
    }
    const flux = fluxKustomizations.find((k) =>
      namesDirectory(stringField(specOf(k.object), "path"), dir, isLocal(sourceRefOf(k.object))),
    );
    if (flux) {
      const seen = ofFlux.get(flux);
      if (seen) seen.dirs.push(dir);
      else {
        const note: NotACluster = { message: "", at: flux.at };
        ofFlux.set(flux, { note, dirs: [dir] });
        skipped.push(note);
      }
      continue;
    }
    out.push({
      name: "",
      path: dir,
      sourceRoot: ".",
      discoveredBy: "kustomize-stack",
      mode: "kustomize",
      variables: {},
      reason: `a kustomize root that nothing includes (${inStacks ? "under stacks/" : "overlays/<env>"}): built with kustomize, no Flux`,
      ...(inStacks ? {} : { appOverlay: true }),
      localSources: [],
      errors: [],
    });
  }
  for (const [flux, { note, dirs }] of ofFlux) {
    const ref = sourceRefOf(flux.object);
    const one = dirs.length === 1;
    note.message = `${dirs.join(", ")} ${one ? "is" : "are"} the path '${stringField(specOf(flux.object), "path")}' of Flux Kustomization ${nameOf(flux)} (source ${ref.kind} ${ref.namespace}/${ref.name}), which no rendered cluster applies from this repository: not built as ${one ? "a plain kustomize stack" : "plain kustomize stacks"} (map the source in slipway.yaml 'sources' to render it as Flux does)`;
  }
  return { stacks: sortByPath(out), skipped };
}

/**
 * Whether a Kustomization's `spec.path` is `dir`, or, read from a source that is not this
 * repository as such (an OCI artifact pushed from a sub-directory), ends it. A variable stands for
 * one folder name: `infrastructure/dashboard/overlays/${ENVIRONMENT}` (FelixZ92) names each
 * environment's overlay, which Flux builds with its own rules (files outside the folder allowed).
 */
function namesDirectory(specPath: string, dir: string, local: boolean): boolean {
  const p = normalizeRelative(specPath.replace(/^\/+/, ""));
  if (p === "." || p === "" || p === ".." || p.startsWith("../") || p.startsWith("${")) return false;
  if (!p.includes("${")) return dir === p || (!local && dir.endsWith(`/${p}`));
  const pattern = p
    .split(/(\$\{[^}]*\})/)
    .map((part, i) => (i % 2 === 1 ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(local ? `^${pattern}$` : `(^|/)${pattern}$`).test(dir);
}

/**
 * A source the repository itself defines with a name other than `flux-system` (a tenant's
 * GitRepository, say): another repository, whose paths are not this repository's.
 */
export function definesOtherRepository(scan: RepositoryScan, ref: ObjectRef): boolean {
  if (ref.kind !== "GitRepository" || ref.name === "flux-system") return false;
  if (scan.selfSources?.some((s) => sameObjectRef(s, ref))) return false;
  return scan.gitRepositories.some(
    (g) =>
      metaString(g.object, "name") === ref.name &&
      (metaString(g.object, "namespace") || ref.namespace) === ref.namespace,
  );
}

/**
 * The files of the Kustomizations a rendered cluster applies (`covered`) that have the name,
 * namespace and spec.path of each of `docs`, when every one of `docs` has such a twin.
 */
function copiesOfApplied(
  scan: RepositoryScan,
  covered: ReadonlySet<string>,
  docs: readonly FluxDocument[],
): string | undefined {
  const specDir = (k: FluxDocument) =>
    normalizeRelative(stringField(specOf(k.object), "path").replace(/^\/+/, ""));
  const files = new Set<string>();
  for (const d of docs) {
    const twin = scan.kustomizations.find(
      (k) =>
        k.at.file !== d.at.file &&
        covered.has(locationKey(k.at)) &&
        metaString(k.object, "name") === metaString(d.object, "name") &&
        metaString(k.object, "namespace") === metaString(d.object, "namespace") &&
        specDir(k) === specDir(d),
    );
    if (twin === undefined) return undefined;
    files.add(twin.at.file);
  }
  return [...files].join(", ");
}

/**
 * The folder a cluster applies that `docs` (in `dir`, applied by nothing) are set aside from:
 * one of the same name in another top folder (`bootstrap/kustomizations` beside
 * `disabled/kustomizations`), whose applied Kustomizations read, with the same source, folders
 * beside those each of `docs` reads (`./cluster/blocky` and `./cluster/focalboard`), or a path
 * that is not here (an app deleted since: H3mul's `podinfo`). A second cluster's folder
 * (`clusters/staging/apps` beside `clusters/prod/apps`) shares its top folder.
 */
function setAsideBeside(
  scan: RepositoryScan,
  fs: FileSystem,
  root: string,
  covered: ReadonlySet<string>,
  dir: string,
  docs: readonly FluxDocument[],
): string | undefined {
  const own = dir.split("/");
  if (own.length < 2) return undefined;
  const appsOf = (k: FluxDocument) => {
    const specPath = stringField(specOf(k.object), "path");
    if (specPath === "" || specPath.includes("${")) return undefined;
    const parent = path.posix.dirname(normalizeRelative(specPath.replace(/^\/+/, "")));
    const ref = sourceRefOf(k.object);
    return parent === "." ? undefined : `${ref.kind}/${ref.namespace}/${ref.name}\0${parent}`;
  };
  const live = new Map<string, Set<string>>();
  for (const k of scan.kustomizations) {
    if (!covered.has(locationKey(k.at))) continue;
    const folder = path.posix.dirname(k.at.file);
    const theirs = folder.split("/");
    if (theirs.length < 2 || theirs[0] === own[0] || theirs.at(-1) !== own.at(-1)) continue;
    const apps = appsOf(k);
    if (apps === undefined) continue;
    let trees = live.get(folder);
    if (!trees) live.set(folder, (trees = new Set()));
    trees.add(apps);
  }
  const gone = (d: FluxDocument) => {
    const specPath = stringField(specOf(d.object), "path");
    return !specPath.includes("${") && !fs.isDirectory(path.posix.join(root, staticPrefix(specPath)));
  };
  for (const [folder, trees] of live) {
    const beside = docs.filter((d) => trees.has(appsOf(d) ?? ""));
    if (beside.length > 0 && docs.every((d) => beside.includes(d) || gone(d))) return folder;
  }
  return undefined;
}

/**
 * The file directly in `dir` holding Flux sync objects (a `flux-system` GitRepository and
 * Kustomization) that are a copy: outside a `flux-system` folder, syncing a path that is not here
 * (movedSync), a template's variable as well. The other documents of that folder are of the same
 * copy.
 */
function copiedSyncIn(scan: RepositoryScan, fs: FileSystem, root: string, dir: string): string | undefined {
  for (const k of scan.kustomizations) {
    if (path.posix.dirname(k.at.file) !== dir || metaString(k.object, "name") !== "flux-system") continue;
    const synced = scan.gitRepositories.some(
      (g) => g.at.file === k.at.file && metaString(g.object, "name") === "flux-system",
    );
    const specPath = stringField(specOf(k.object), "path");
    if (!synced || specPath === "") continue;
    // As syncClusters reads it: olga-mir's templates/gotk-sync.yaml syncs '${SYNC_PATH}', no folder.
    const syncs = normalizeRelative(specPath.replace(/^\/+/, ""));
    if (path.posix.basename(dir) !== "flux-system" && movedSync(fs, root, syncs, k.at.file)) return k.at.file;
  }
  return undefined;
}

/** The files `docs` are in, each once. */
function filesOf(docs: readonly FluxDocument[]): string[] {
  return [...new Set(docs.map((d) => d.at.file))];
}

function nameOf(d: FluxDocument): string {
  return `${metaString(d.object, "namespace") || "(no namespace)"}/${metaString(d.object, "name")}`;
}

/**
 * Whether a Kustomization could build something of this repository: its source is a
 * GitRepository or mapped in slipway.yaml, and its path is a directory here (or holds a
 * variable, which only the cluster knows).
 */
function buildsRepositoryDirectory(
  scan: RepositoryScan,
  fs: FileSystem,
  root: string,
  d: FluxDocument,
  mapped: (ref: ObjectRef) => boolean,
  ignoresThisTree: (ref: ObjectRef) => boolean,
): boolean {
  if (mapped(sourceRefOf(d.object))) return true;
  if (!readsThisRepository(scan, d.at.file, d, mapped, ignoresThisTree)) return false;
  const specPath = stringField(specOf(d.object), "path");
  if (specPath.includes("${")) return true;
  const dir = staticPrefix(specPath);
  return dir !== ".." && !dir.startsWith("../") && fs.isDirectory(path.posix.join(root, dir));
}

function buildsNothingHere(docs: FluxDocument[]): string {
  const what = docs
    .map((d) => {
      const ref = sourceRefOf(d.object);
      return `${nameOf(d)} (path '${stringField(specOf(d.object), "path")}' of ${ref.kind} ${ref.namespace}/${ref.name})`;
    })
    .join(", ");
  const one = docs.length === 1;
  return `Flux Kustomization${one ? "" : "s"} ${what} ${one ? "is" : "are"} applied by nothing in this repository, and ${one ? "it builds no directory" : "none of them builds a directory"} of this repository (a source that is another repository or an artifact, or a path that is not here): not a cluster (map the source in slipway.yaml 'sources', or declare the cluster in 'clusters', if this repository is what it reads)`;
}

/**
 * Whether the source of a top-level `d` (defined in `file`) is this repository, as far as the
 * repository tells: a source slipway.yaml maps here; `flux-system` or a GitRepository defined
 * nowhere here (whatever applies a top-level Kustomization syncs this repository with it); a
 * GitRepository defined here under another name only when `d`'s path names a folder holding
 * `file` (`home-kubernetes` reading `./k8s/prod/flux` from `k8s/prod/flux/config/`), unless its
 * URL is another repository's (isOtherRepository). Such a source read at its root
 * (`cert-manager-source`, for its CRDs) is another project's.
 */
function readsThisRepository(
  scan: RepositoryScan,
  file: string,
  d: FluxDocument,
  mapped: (ref: ObjectRef) => boolean,
  ignoresThisTree: (ref: ObjectRef) => boolean,
): boolean {
  const ref = sourceRefOf(d.object);
  if (mapped(ref)) return true;
  if (ref.kind !== "GitRepository") return false;
  if (!definesOtherRepository(scan, ref)) return true;
  if (isOtherRepository(scan, ref)) return false;
  if (ignoresThisTree(ref)) return true;
  const specPath = stringField(specOf(d.object), "path");
  const builds = staticPrefix(specPath);
  const dir = path.posix.dirname(file);
  return (
    builds !== "" &&
    builds !== "." &&
    !specPath.includes("${") &&
    (dir === builds || dir.startsWith(`${builds}/`))
  );
}

/**
 * Whether `d` builds `dir` (the folder holding it) or one of its ancestors in this repository.
 * Only a GitRepository's path (or a source slipway.yaml maps here) is a path of this repository:
 * `path: ./` of the OCIRepository of Flux's own manifests, beside the root, is the artifact's root.
 * The root of a GitRepository this repository defines under another name than `flux-system` is
 * most likely another repository's (cert-manager's, for its CRDs); a folder of it named by its
 * path that holds the document is this repository (`home-kubernetes` reading `./k8s/prod/flux`).
 */
function holdsItself(
  scan: RepositoryScan,
  dir: string,
  d: FluxDocument,
  mapped: (ref: ObjectRef) => boolean,
): boolean {
  const ref = sourceRefOf(d.object);
  if (ref.kind !== "GitRepository" && !mapped(ref)) return false;
  const specPath = stringField(specOf(d.object), "path");
  const builds = staticPrefix(specPath);
  if (builds === "" || specPath.includes("${")) return false;
  if (builds === ".") return mapped(ref) || !definesOtherRepository(scan, ref);
  if (!mapped(ref) && isOtherRepository(scan, ref)) return false;
  return dir === builds || dir.startsWith(`${builds}/`);
}

/**
 * A GitRepository whose URL is another repository's, by the checkout's remotes (scan
 * otherSources): a folder of this repository at its path is not what it reads (kalenarndt's
 * `media` reads `./kubernetes/main/flux` of `bmrf-media`; this repository, `bmrf-ops`, has one too).
 */
function isOtherRepository(scan: RepositoryScan, ref: ObjectRef): boolean {
  // `flux-system` is the sync's, this repository as discovery takes it (definesOtherRepository).
  if (ref.name === "flux-system") return false;
  return scan.otherSources?.some((s) => sameObjectRef(s, ref)) === true;
}

/**
 * Whether building `builds` (a folder holding `file`) reaches `file`, as far as the kustomization
 * files on the way tell: a folder without one is generated by Flux with everything in it; a
 * folder with one must name the next step down (a sub-folder, or the file itself). Text, not a
 * build: a name the file merely mentions in a comment counts, so a root is kept when in doubt.
 */
function appliesItself(texts: KustomizationTexts, builds: string, file: string): boolean {
  const base = builds === "." ? "" : builds;
  const steps = (base === "" ? file : file.slice(base.length + 1)).split("/");
  let at = base;
  for (const step of steps) {
    const text = texts.of(at);
    if (text === null) return true;
    if (text !== undefined && !namesSegment(text, step)) return false;
    at = at === "" ? step : `${at}/${step}`;
  }
  return true;
}

export function locationKey(at: SourceLocation): string {
  return `${at.file}:${at.line}`;
}

/** The part of a `spec.path` before any `${…}` variable, normalised; "" when it starts with one. */
export function staticPrefix(specPath: string): string {
  const segments = specPath.replace(/^\/+/, "").split("/");
  const fixed: string[] = [];
  for (const s of segments) {
    if (s.includes("${")) break;
    fixed.push(s);
  }
  if (fixed.length < segments.length && fixed.length === 0) return "";
  return normalizeRelative(fixed.join("/") || ".");
}

/**
 * Names clusters after their directory: the last path segment (`flux/bootstrap/flux-system`,
 * bootstrapped with --path pointing at flux-system itself, is `bootstrap`), or as many
 * trailing segments as it takes to tell same-named clusters apart. A cluster in `X/flux` beside
 * other clusters' folders is X: tvories' `k8s/clusters/nas/flux` (its README: `kubectl apply -k
 * ./flux/config` in the nas folder) beside `k8s/clusters/cluster-0` is `nas`, not the tool's
 * name. Names already given (slipway.yaml) stay and are never reused.
 */
export function nameClusters(clusters: Array<{ path: string; name: string }>): void {
  const parents = new Map<string, number>();
  for (const c of clusters)
    parents.set(path.posix.dirname(c.path), (parents.get(path.posix.dirname(c.path)) ?? 0) + 1);
  const segmentsOf = (p: string) => {
    if (p === ".") return ["root"];
    const s = p.split("/");
    if (s.length > 1 && s[s.length - 1] === "flux-system") return s.slice(0, -1);
    // Its folder's siblings hold other clusters (its own parent holds only it).
    const folder = path.posix.dirname(p);
    if (s.length > 2 && s[s.length - 1] === "flux" && (parents.get(path.posix.dirname(folder)) ?? 0) > 0)
      return s.slice(0, -1);
    return s;
  };
  const open = clusters.filter((c) => !c.name);
  const taken = new Set(clusters.filter((c) => c.name).map((c) => c.name));
  const depth = new Map(open.map((c) => [c, 1]));
  const nameAt = (c: { path: string }, n: number) => {
    const s = segmentsOf(c.path);
    return s.slice(Math.max(0, s.length - n)).join("/");
  };
  for (let round = 0; round < 64; round++) {
    const byName = new Map<string, Array<{ path: string; name: string }>>();
    for (const c of open) {
      const n = nameAt(c, depth.get(c)!);
      let g = byName.get(n);
      if (!g) byName.set(n, (g = []));
      g.push(c);
    }
    let again = false;
    for (const [n, group] of byName) {
      if (group.length === 1 && !taken.has(n)) continue;
      for (const c of group) {
        const d = depth.get(c)!;
        if (d < segmentsOf(c.path).length) {
          depth.set(c, d + 1);
          again = true;
        }
      }
    }
    if (!again) break;
  }
  for (const c of open) {
    let n = nameAt(c, depth.get(c)!);
    // Two clusters of one directory never happen (discovery keeps each directory once).
    if (taken.has(n)) n = c.path;
    c.name = n;
    taken.add(n);
  }
}
