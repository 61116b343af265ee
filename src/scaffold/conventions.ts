/**
 * How a repository lays out its apps, learnt from the apps it already has, so that a new one
 * looks like its neighbours. The seeds' "Adding a New Service" layout is the fallback:
 * `apps/<app>/{base,overlays/<env>,components}` and one Flux Kustomization per app and
 * cluster in `clusters/<env>/apps/<app>.yaml`, listed in that directory's kustomization.
 */
import * as path from "node:path";
import { isMap, type KObject, type YamlValue } from "../kustomize/types.js";
import type { Cluster, FluxKustomization, Platform } from "../platform/model.js";
import type { SourceFiles } from "../promote/sources.js";
import { kustomizationFileOf } from "../promote/writers.js";

/**
 * `<root>/<app>/overlays/<env>`, `<root>/<app>/<env>` or `<root>/overlays/<env>/<app>` (base:
 * `<root>/base/<app>`); or `app-dir`, the home-operations layout (app-dir.ts):
 * `<root>/<namespace>/<app>/app`, its Flux Kustomization in `<root>/<namespace>/<app>/ks.yaml`.
 */
export type Layout = "overlays" | "env" | "root-overlays" | "app-dir";

export interface ClusterConventions {
  cluster: string;
  /** Repository-relative directory holding the cluster's app Flux Kustomizations. */
  dir: string;
  /** Append a document to this multi-document file instead of writing `<app>.yaml`. */
  appendTo?: string;
  /** The kustomization file that lists the directory's files (a new file is added to it). */
  listedIn?: string;
  /** The Flux Kustomization a new one copies its settings from (as written in its file). */
  template: KObject;
  /** Where it was learnt (`clusters/staging/apps/backend.yaml`), or undefined for the default. */
  learntFrom?: string;
  /** The path segment naming this environment in app directories (`staging`, or `stg`). */
  env: string;
}

export interface Conventions {
  /** Repository-relative directory of the apps (`apps`). */
  root: string;
  layout: Layout;
  clusters: ClusterConventions[];
  /** Block sequences indented under their key (`key:\n  - a`) or not (`key:\n- a`). */
  indentSeq: boolean;
  /** The image registry prefix the repository's apps use (`ghcr.io/acme-platform`). */
  registry?: string;
  source: "detected" | "default";
}

const ALIASES: Record<string, string[]> = {
  production: ["prod", "prd"],
  prod: ["production", "prd"],
  staging: ["stage", "stg"],
  stage: ["staging", "stg"],
  development: ["dev", "develop"],
  dev: ["development", "develop"],
  develop: ["dev", "development"],
  sandbox: ["sbx"],
};

/** Whether a path segment names the cluster's environment (`staging` for cluster `staging`). */
export function namesEnvironment(segment: string, cluster: string): boolean {
  const env = cluster.split("/").pop()!;
  return segment === env || (ALIASES[env] ?? []).includes(segment);
}

interface Match {
  k: FluxKustomization;
  root: string;
  layout: Layout;
  /** The path segment that names the environment. */
  env: string;
}

/** An app Flux Kustomization: its path is `<root>/<name>/overlays/<env>` or `<root>/<name>/<env>`. */
function appMatch(
  k: FluxKustomization,
  cluster: string,
  predicate: (k: FluxKustomization) => boolean,
): Match | undefined {
  if (k.synthetic || !k.appliedBy || !k.definedAt || !predicate(k)) return undefined;
  const p = path.posix.normalize(k.path.replace(/^\.\//, "")).replace(/\/$/, "");
  const parts = p.split("/");
  const n = parts.length;
  if (
    n >= 4 &&
    parts[n - 2] === "overlays" &&
    parts[n - 3] === k.name &&
    namesEnvironment(parts[n - 1]!, cluster)
  ) {
    return { k, root: parts.slice(0, n - 3).join("/"), layout: "overlays", env: parts[n - 1]! };
  }
  if (
    n >= 4 &&
    parts[n - 1] === k.name &&
    parts[n - 3] === "overlays" &&
    namesEnvironment(parts[n - 2]!, cluster)
  ) {
    return { k, root: parts.slice(0, n - 3).join("/"), layout: "root-overlays", env: parts[n - 2]! };
  }
  if (n >= 3 && parts[n - 2] === k.name && namesEnvironment(parts[n - 1]!, cluster)) {
    return { k, root: parts.slice(0, n - 2).join("/"), layout: "env", env: parts[n - 1]! };
  }
  // The Flux Kustomization beside the `app` directory it applies (named after the app or not:
  // `forgejo/runner` may be `forgejo-runner`).
  if (
    n >= 3 &&
    parts[n - 1] === "app" &&
    path.posix.dirname(k.definedAt.file) === parts.slice(0, n - 1).join("/")
  ) {
    return { k, root: parts.slice(0, n - 3).join("/"), layout: "app-dir", env: cluster.split("/").pop()! };
  }
  return undefined;
}

export function detectConventions(
  platform: Platform,
  files: SourceFiles,
  opts: {
    envs: string[];
    predicate?: (k: FluxKustomization) => boolean;
    /** The new app's dependsOn: a neighbour with the same dependencies is the better model. */
    dependsOn?: string[];
  },
): Conventions {
  const predicate = opts.predicate ?? (() => true);
  const matches = new Map<string, Match[]>();
  for (const c of platform.clusters) {
    const found = c.kustomizations.flatMap((k) => appMatch(k, c.name, predicate) ?? []);
    const overlap = (m: Match) => m.k.dependsOn.filter((d) => opts.dependsOn?.includes(d.name)).length;
    found.sort((a, b) => overlap(b) - overlap(a) || a.k.name.localeCompare(b.k.name));
    matches.set(c.name, found);
  }
  const all = [...matches.values()].flat();
  const votes = new Map<string, number>();
  for (const m of all)
    votes.set(`${m.layout}\u0000${m.root}`, (votes.get(`${m.layout}\u0000${m.root}`) ?? 0) + 1);
  const best = [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  // No app of the preferred kind (a first HelmRelease app among plain ones): the other apps
  // still show how the repository lays its apps out.
  if (!best && opts.predicate) return detectConventions(platform, files, { ...opts, predicate: undefined });
  const [layout, root] = best ? (best.split("\u0000") as [Layout, string]) : (["overlays", "apps"] as const);
  const conventions: Conventions = {
    root,
    layout,
    clusters: [],
    indentSeq: true,
    source: best ? "detected" : "default",
  };
  const registry = commonRegistry(platform);
  if (registry) conventions.registry = registry;
  let indentSeqSeen: boolean | undefined;
  for (const env of opts.envs) {
    const cluster = platform.clusters.find((c) => c.name === env || c.name.endsWith(`/${env}`));
    if (!cluster) continue;
    const m = (matches.get(cluster.name) ?? []).find((x) => x.layout === layout && x.root === root);
    if (m) {
      const at = m.k.definedAt!;
      const source = files.get(at.file);
      const doc = source?.docs.find((d) => d.line <= at.line && at.line - d.line < 3) ?? source?.docs[0];
      indentSeqSeen ??= source ? sequenceIndent(source.text) : undefined;
      const dir = path.posix.dirname(at.file);
      const c: ClusterConventions = {
        cluster: cluster.name,
        dir,
        template: isMap(doc?.value) ? doc.value : fallbackTemplate(cluster),
        learntFrom: at.file,
        env: m.env,
      };
      if ((source?.docs.length ?? 1) > 1 || path.posix.basename(at.file) !== `${m.k.name}.yaml`)
        c.appendTo = at.file;
      const list = kustomizationFileOf(files, dir);
      if (list) c.listedIn = list;
      conventions.clusters.push(c);
      continue;
    }
    conventions.clusters.push(defaultCluster(cluster, files));
  }
  if (indentSeqSeen !== undefined) conventions.indentSeq = indentSeqSeen;
  return conventions;
}

function defaultCluster(cluster: Cluster, files: SourceFiles): ClusterConventions {
  const dir = path.posix.join(cluster.path, "apps");
  const c: ClusterConventions = {
    cluster: cluster.name,
    dir,
    template: fallbackTemplate(cluster),
    env: cluster.name.split("/").pop()!,
  };
  const list = kustomizationFileOf(files, dir);
  if (list) c.listedIn = list;
  return c;
}

/** The seeds' app Flux Kustomization, reading the cluster's own source. */
function fallbackTemplate(cluster: Cluster): KObject {
  const root = cluster.kustomizations[0];
  const sourceRef: Record<string, YamlValue> = root
    ? { kind: root.sourceRef.kind, name: root.sourceRef.name }
    : { kind: "GitRepository", name: "flux-system" };
  return {
    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
    kind: "Kustomization",
    metadata: { name: "app", namespace: root?.namespace ?? "flux-system" },
    spec: {
      interval: "10m",
      retryInterval: "1m",
      timeout: "5m",
      prune: true,
      wait: true,
      sourceRef,
      path: "./",
    },
  };
}

/** `key:\n  - item` (indented) or `key:\n- item`, as the file writes its sequences. */
function sequenceIndent(text: string): boolean | undefined {
  const m = /^( *)[A-Za-z_][\w.-]*:\s*\n( *)- /m.exec(text);
  return m ? m[2]!.length > m[1]!.length : undefined;
}

/** The registry and organisation most of the cluster's own images come from. */
function commonRegistry(platform: Platform): string | undefined {
  const counts = new Map<string, number>();
  for (const c of platform.clusters) {
    for (const k of c.kustomizations) {
      for (const r of k.resources) {
        const spec =
          isMap(r.object.spec) && isMap(r.object.spec.template) && isMap(r.object.spec.template.spec)
            ? r.object.spec.template.spec
            : undefined;
        const containers = spec && Array.isArray(spec.containers) ? spec.containers : [];
        for (const ctr of containers) {
          if (!isMap(ctr) || typeof ctr.image !== "string") continue;
          const slash = ctr.image.lastIndexOf("/");
          if (slash > 0)
            counts.set(ctr.image.slice(0, slash), (counts.get(ctr.image.slice(0, slash)) ?? 0) + 1);
        }
      }
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** `overlays/<env>` or `<env>` under an app, for one cluster. */
export function overlayPath(conv: Conventions, app: string, envSegment: string): string {
  const root = conv.root === "" || conv.root === "." ? "" : `${conv.root}/`;
  if (conv.layout === "root-overlays") return `${root}overlays/${envSegment}/${app}`;
  return conv.layout === "overlays" ? `${root}${app}/overlays/${envSegment}` : `${root}${app}/${envSegment}`;
}

export function basePath(conv: Conventions, app: string): string {
  const root = conv.root === "" || conv.root === "." ? "" : `${conv.root}/`;
  return conv.layout === "root-overlays" ? `${root}base/${app}` : `${root}${app}/base`;
}

/** Where an app's optional components go. */
export function componentsPath(conv: Conventions, app: string): string {
  const root = conv.root === "" || conv.root === "." ? "" : `${conv.root}/`;
  return conv.layout === "root-overlays" ? `${root}components/${app}` : `${root}${app}/components`;
}
