/**
 * Flux structure rules: the dependsOn graph (missing targets, cycles), Kustomization paths and
 * sources, HelmRelease chart sources, custom resources applied before their CRD, and every
 * render error of the Platform as a finding.
 */
import * as path from "node:path";
import { analyzeGraph, cycleSteps, type GraphAnalysis } from "../../graph/index.js";
import type { KObject } from "../../kustomize/types.js";
import { secureJoin } from "../../platform/build.js";
import { graphNodes, resourceSetDependencies } from "../../platform/graph-nodes.js";
import type {
  Cluster,
  FluxKustomization,
  HelmReleaseInfo,
  ObjectRef,
  Platform,
  PlatformErrorCode,
  RenderedResource,
} from "../../platform/model.js";
import { isPartlyRendered, leftOut, sameObjectRef } from "../../platform/model.js";
import { blindSpot, missingMayExist } from "../../platform/unseen-output.js";
import { ignores } from "../engine.js";
import type { FieldPath, Rule, RuleContext, RuleFinding } from "../types.js";
import { groupOmitted, omittedMessage } from "./remote-omitted.js";

const KUSTOMIZE_GROUP = "kustomize.toolkit.fluxcd.io";
const HELM_GROUP = "helm.toolkit.fluxcd.io";
const PATH_NOT_FOUND = "kustomization path not found";

function groupOf(obj: KObject): string {
  const v = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
  const slash = v.indexOf("/");
  return slash < 0 ? "" : v.slice(0, slash);
}

function metaOf(obj: KObject): { namespace: string; name: string } {
  const md = (obj.metadata ?? {}) as Record<string, unknown>;
  return {
    namespace: typeof md.namespace === "string" ? md.namespace : "",
    name: typeof md.name === "string" ? md.name : "",
  };
}

/** The rendered objects of a cluster's Flux Kustomizations and HelmReleases, by `Kind/ns/name`. */
function fluxObjects(cluster: Cluster): Map<string, RenderedResource> {
  const out = new Map<string, RenderedResource>();
  for (const k of cluster.kustomizations) {
    for (const r of k.resources) {
      const g = groupOf(r.object);
      if (g !== KUSTOMIZE_GROUP && g !== HELM_GROUP) continue;
      const { namespace, name } = metaOf(r.object);
      const key = `${String(r.object.kind)}/${namespace}/${name}`;
      if (!out.has(key)) out.set(key, r);
    }
  }
  return out;
}

/** A finding about a Flux Kustomization or HelmRelease, at the field `fieldPath` of its definition. */
function about(
  objects: Map<string, RenderedResource>,
  cluster: Cluster,
  node: FluxKustomization | HelmReleaseInfo,
  kind: "Kustomization" | "HelmRelease",
  fieldPath: FieldPath,
): Omit<RuleFinding, "message"> {
  const resource = objects.get(`${kind}/${node.namespace}/${node.name}`);
  const id = `${node.namespace}/${node.name}`;
  if (resource)
    return {
      resource,
      path: fieldPath,
      cluster: cluster.name,
      // A Kustomization's finding belongs to it, not to the parent that applies it.
      ...(kind === "Kustomization" ? { kustomization: id } : {}),
    };
  const base = {
    cluster: cluster.name,
    kustomization: "kustomization" in node ? node.kustomization : node.id,
  };
  return node.definedAt ? { ...base, file: node.definedAt.file, line: node.definedAt.line } : base;
}

function refText(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace}/${ref.name}`;
}

/**
 * A missing source that the repository defines where no cluster applies it, in a cluster applied
 * from outside the repository (Cluster.bootstrapSources): what applies the cluster may apply it.
 */
function orBootstrap(
  blind: { note: string; severity?: "warning" },
  cluster: Cluster,
  ref: ObjectRef,
): { note: string; severity?: "warning" } {
  const at = cluster.bootstrapSources?.find((s) => sameObjectRef(s, ref))?.at;
  if (at === undefined) return blind;
  return {
    note: `${blind.note} (it is defined in ${at.file}:${at.line}, which no cluster of this repository applies; cluster ${cluster.name} is applied from outside the repository, and what applies it may apply that file too)`,
    severity: "warning",
  };
}

function dependsOnIndex(obj: KObject, namespace: string, name: string, ownNamespace: string): number {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  const list = Array.isArray(spec.dependsOn) ? spec.dependsOn : [];
  return list.findIndex((d) => {
    const m = (d ?? {}) as Record<string, unknown>;
    return (
      m.name === name && ((typeof m.namespace === "string" && m.namespace) || ownNamespace) === namespace
    );
  });
}

interface GraphNodeRef {
  kind: "Kustomization" | "HelmRelease" | "ResourceSet";
  node: FluxKustomization | HelmReleaseInfo;
}

function nodeIndex(cluster: Cluster): Map<string, GraphNodeRef> {
  const out = new Map<string, GraphNodeRef>();
  for (const k of cluster.kustomizations) {
    const kind = k.kind ?? "Kustomization";
    out.set(`${kind}/${k.namespace}/${k.name}`, { kind, node: k });
  }
  for (const h of cluster.helmReleases) {
    const id = `HelmRelease/${h.namespace}/${h.name}`;
    if (!out.has(id)) out.set(id, { kind: "HelmRelease", node: h });
  }
  return out;
}

const analyses = new WeakMap<Platform, Map<string, GraphAnalysis>>();

/** The dependsOn graph of the clusters named like `cluster`, analysed once per platform (two rules read it). */
function analyzeCluster(ctx: RuleContext, cluster: Cluster): GraphAnalysis {
  let byName = analyses.get(ctx.platform);
  if (byName === undefined) {
    byName = new Map();
    analyses.set(ctx.platform, byName);
  }
  let analysis = byName.get(cluster.name);
  if (analysis === undefined) {
    analysis = analyzeGraph(graphNodes(ctx.platform, [cluster.name]));
    byName.set(cluster.name, analysis);
  }
  return analysis;
}

export const dependsOnMissing: Rule = {
  id: "flux-dependson-missing",
  defaultSeverity: "error",
  description: "A Flux Kustomization or HelmRelease depends on an object that does not exist in its cluster.",
  help: "Flux waits forever for a missing dependency: the dependent (and everything that depends on it) never becomes ready. Fix the name or namespace in spec.dependsOn (the namespace defaults to the dependent's own), or add the missing object. A Kustomization or HelmRelease a rendered HelmRelease's chart makes is there (the dependent waits for that release); one an unrendered HelmRelease named like it may make, or that a Kustomization Slipway could not render may hold, is a warning.",
  run(ctx) {
    for (const cluster of ctx.clusters()) {
      if (cluster.mode !== "flux") continue;
      const analysis = analyzeCluster(ctx, cluster);
      if (analysis.missing.length === 0) continue;
      const nodes = nodeIndex(cluster);
      const objects = fluxObjects(cluster);
      for (const m of analysis.missing) {
        const dependent = nodes.get(m.dependent);
        if (!dependent) continue;
        const { node, kind } = dependent;
        const i = dependsOnIndex(node.object, m.namespace, m.name, node.namespace);
        const mayExist = missingMayExist(cluster, m);
        const blind =
          mayExist !== undefined ? { note: mayExist, severity: "warning" as const } : { note: "" };
        ctx.report({
          ...about(
            objects,
            cluster,
            node,
            kind === "ResourceSet" ? "Kustomization" : kind,
            i >= 0 ? ["spec", "dependsOn", i, "name"] : ["spec", "dependsOn"],
          ),
          message: `${kind} ${node.namespace}/${node.name} depends on ${kind === m.kind ? "" : `${m.kind} `}${m.namespace}/${m.name}, but cluster ${cluster.name} has no ${m.kind} of that name${blind.note}`,
          ...(blind.severity ? { severity: blind.severity } : {}),
        });
      }
    }
  },
};

/**
 * What a cycle does. A step where a Kustomization waits for the one that applies it holds
 * nothing back in a cluster already running them; it is a new cluster that never gets them, and
 * the applier that waits on a dependsOn entry of the cycle stops while that dependency is down.
 */
function cycleConsequence(cycle: readonly string[], appliedBy: readonly boolean[]): string {
  const n = appliedBy.length;
  const i = appliedBy.findIndex((step, j) => step && !appliedBy[(j + 1) % n]);
  if (i < 0) return "none of these ever becomes ready";
  const applier = cycle[(i + 1) % n]!;
  const dependency = cycle[(i + 2) % n]!;
  return `on a new cluster none of these ever becomes ready, and on a running one ${applier} applies nothing while ${dependency} is not ready`;
}

export const dependencyCycle: Rule = {
  id: "flux-dependency-cycle",
  defaultSeverity: "error",
  description: "Flux Kustomizations or HelmReleases that depend on each other in a cycle.",
  help: 'Flux does not detect dependency cycles: every member of the cycle waits for the others forever. A step marked "(which applies it)" is no dependsOn entry: the Kustomization before it only exists once that one has run, so a cluster already running them keeps them, but a new cluster never gets them. Remove one dependsOn entry of the cycle.',
  run(ctx) {
    for (const cluster of ctx.clusters()) {
      if (cluster.mode !== "flux") continue;
      const analysis = analyzeCluster(ctx, cluster);
      if (analysis.cycles.length === 0) continue;
      const nodes = nodeIndex(cluster);
      const objects = fluxObjects(cluster);
      for (const found of analysis.cycles) {
        const { ids: cycle, appliedBy } = cycleSteps(found, analysis.edges);
        const first = nodes.get(cycle[0] as string);
        if (!first) continue;
        const firstKind = first.kind === "ResourceSet" ? "Kustomization" : first.kind;
        const next = nodes.get(cycle[1] as string)?.node;
        const i = next
          ? dependsOnIndex(first.node.object, next.namespace, next.name, first.node.namespace)
          : -1;
        ctx.report({
          ...about(
            objects,
            cluster,
            first.node,
            firstKind,
            i >= 0 ? ["spec", "dependsOn", i, "name"] : ["spec", "dependsOn"],
          ),
          message: `dependency cycle: ${cycle
            .map((id, i) => (i > 0 && appliedBy[i - 1] ? `${id} (which applies it)` : id))
            .join(" → ")}; ${cycleConsequence(cycle, appliedBy)}`,
        });
      }
      if (analysis.cyclesTruncated) {
        ctx.report({
          cluster: cluster.name,
          message: "more dependency cycles than listed (only the first 100 are shown)",
        });
      }
    }
  },
};

/**
 * A Flux Kustomization whose spec.path is not a directory of its (local) source, as the loader
 * found when it built it (securejoin, as kustomize-controller: `../` beyond the source root is
 * clamped to it). The loader looked through the file system the platform was read from: the
 * source's artifact, or a planned scaffold's overlay (`slipway new`), whose new directories
 * the disk does not have yet.
 */
function pathIsMissing(k: FluxKustomization): boolean {
  return (
    k.status === "failed" &&
    k.sourceRoot !== undefined &&
    k.errors.some((e) => e.message.startsWith(PATH_NOT_FOUND))
  );
}

/**
 * The variables left in the path of a Kustomization that the cluster's made-up root applies:
 * what the real root's postBuild gives them the repository does not say.
 */
function unsubstitutedByMadeUpRoot(cluster: Cluster, k: FluxKustomization): string[] | undefined {
  const names = [...k.path.matchAll(/\$\{([^}:=-]+)/g)].map((m) => `\${${m[1]}}`);
  if (names.length === 0) return undefined;
  const parent = cluster.kustomizations.find((x) => x.id === k.appliedBy);
  return parent?.synthetic === true ? [...new Set(names)] : undefined;
}

export const pathMissing: Rule = {
  id: "flux-path-missing",
  defaultSeverity: "error",
  description: "A Flux Kustomization's spec.path does not exist in its source.",
  help: "kustomize-controller fails the Kustomization with 'kustomization path not found'. spec.path is relative to the root of the source (the repository root for this repository), not to the file that defines the Kustomization.",
  run(ctx) {
    for (const cluster of ctx.clusters()) {
      const objects = fluxObjects(cluster);
      for (const k of cluster.kustomizations) {
        if (!pathIsMissing(k)) continue;
        const looked = path.posix.relative(
          ctx.platform.root,
          secureJoin(path.posix.join(ctx.platform.root, k.sourceRoot as string), k.path),
        );
        const unknown = unsubstitutedByMadeUpRoot(cluster, k);
        if (unknown !== undefined) {
          // ruzickap's `${CLUSTER_PATH}/../flux/cluster-apps/…`, which the cluster's own root
          // substitutes from a Secret Terraform makes: that root is outside the repository.
          ctx.report({
            ...about(objects, cluster, k, "Kustomization", ["spec", "path"]),
            kustomization: k.id,
            severity: "warning",
            message: `Kustomization ${k.id}: spec.path '${k.path}' holds ${unknown.join(", ")}, which the Kustomization applying it substitutes; that is the root Slipway made up for cluster ${cluster.name} (its bootstrap is outside the repository), so the path is not checked`,
          });
          continue;
        }
        ctx.report({
          ...about(objects, cluster, k, "Kustomization", ["spec", "path"]),
          kustomization: k.id,
          message: k.pathExcludedBy
            ? `Kustomization ${k.id}: spec.path '${k.path}' is not in the artifact of ${refText(k.sourceRef)}: directory ${looked} is excluded by ${k.pathExcludedBy}`
            : `Kustomization ${k.id}: spec.path '${k.path}' does not exist in ${refText(k.sourceRef)} (looked for directory ${looked})`,
        });
      }
    }
  },
};

export const symlinkLeftOut: Rule = {
  id: "flux-symlink-left-out",
  defaultSeverity: "warning",
  description:
    "A symbolic link below a Flux Kustomization's path without a kustomization file: Flux's source artifact holds no links, so it is not applied.",
  help: "source-controller archives regular files and directories only, so kustomize-controller never sees a symbolic link of the repository: the kustomization it generates for a path without a kustomization.yaml leaves linked manifests and directories out (and a linked kustomization.yaml makes it generate one). Slipway renders what Flux applies, without them. Replace the link with the file, or add a kustomization.yaml that names the target by its real path.",
  run(ctx) {
    for (const cluster of ctx.clusters()) {
      for (const k of cluster.kustomizations) {
        for (const link of k.linksLeftOut ?? []) {
          ctx.report({
            cluster: cluster.name,
            kustomization: k.id,
            file: link,
            line: 0,
            message: `${link} is a symbolic link, which Flux's source artifact does not hold (source-controller archives regular files and directories only): Kustomization ${k.id} generates its kustomization from ${k.dir ?? k.path} without it`,
          });
        }
      }
    }
  },
};

export const kustomizationUnread: Rule = {
  id: "flux-kustomization-unread",
  defaultSeverity: "warning",
  description:
    "A kustomization file whose first YAML document is empty and whose content follows it: Flux reads the first document only, so the Flux Kustomization applies nothing.",
  help: "kustomize-controller decodes a kustomization file with sigs.k8s.io/yaml, which reads its first document only (as kustomize does; `kubectl kustomize` calls such a file empty). A leading `---` line followed by another `---` makes that document empty, so the Flux Kustomization builds and applies nothing, and with `prune: true` deletes what it applied before. Remove the extra document marker.",
  run(ctx) {
    for (const cluster of ctx.clusters()) {
      for (const k of cluster.kustomizations) {
        const unread = k.unreadKustomization;
        if (!unread) continue;
        ctx.report({
          cluster: cluster.name,
          kustomization: k.id,
          file: unread.file,
          line: unread.line,
          message: `${unread.file}: its first YAML document is empty and Flux reads only that one, so Kustomization ${k.id} applies nothing${k.object.spec && (k.object.spec as { prune?: unknown }).prune === true ? " (and prunes what it applied before)" : ""}; the document that starts at line ${unread.line} is never read`,
        });
      }
    }
  },
};

function sourceExists(ctx: RuleContext, cluster: Cluster, ref: ObjectRef): boolean {
  if (cluster.sources.some((s) => sameObjectRef(s, ref))) return true;
  if (ctx.platform.config?.sources.some((s) => sameObjectRef(s, ref))) return true;
  if (ref.kind === "ExternalArtifact" && generatedArtifacts(cluster).has(`${ref.namespace}/${ref.name}`))
    return true;
  // This repository, as discovery found it (the sync source, a FluxInstance's).
  if (cluster.localSources?.some((s) => sameObjectRef(s, ref))) return true;
  // The bootstrap source of a cluster whose Flux sync objects are not in the repository.
  const root = cluster.kustomizations[0];
  return (
    root?.synthetic === true &&
    root.sourceRef.kind === ref.kind &&
    root.sourceRef.namespace === ref.namespace &&
    root.sourceRef.name === ref.name
  );
}

const artifactsMemo = new WeakMap<Cluster, Set<string>>();

/** `namespace/name` of the ExternalArtifacts that the cluster's ArtifactGenerators produce. */
function generatedArtifacts(cluster: Cluster): Set<string> {
  let out = artifactsMemo.get(cluster);
  if (out) return out;
  out = new Set();
  for (const k of cluster.kustomizations) {
    for (const r of k.resources) {
      if (r.object.kind !== "ArtifactGenerator" || groupOf(r.object) !== "source.extensions.fluxcd.io")
        continue;
      const spec = (r.object.spec ?? {}) as Record<string, unknown>;
      const ns = metaOf(r.object).namespace;
      for (const a of Array.isArray(spec.artifacts) ? spec.artifacts : []) {
        const name = (a ?? {}) as Record<string, unknown>;
        if (typeof name.name === "string") out.add(`${ns}/${name.name}`);
      }
    }
  }
  artifactsMemo.set(cluster, out);
  return out;
}

export const sourceMissing: Rule = {
  id: "flux-source-missing",
  defaultSeverity: "error",
  description:
    "A Flux Kustomization's sourceRef names no source (GitRepository, OCIRepository, Bucket) in its cluster.",
  help: "Flux cannot fetch the artifact, so the Kustomization never applies. Fix spec.sourceRef (kind, name, namespace: it defaults to the Kustomization's own), or add the source, or map an external one in slipway.yaml `sources`.",
  run(ctx) {
    for (const cluster of ctx.clusters()) {
      if (cluster.mode !== "flux") continue;
      const objects = fluxObjects(cluster);
      for (const k of cluster.kustomizations) {
        if (k.synthetic || k.sourceRef.name === "") continue;
        if (sourceExists(ctx, cluster, k.sourceRef)) continue;
        const blind = orBootstrap(blindSpot(cluster, k.id), cluster, k.sourceRef);
        ctx.report({
          ...about(objects, cluster, k, "Kustomization", ["spec", "sourceRef", "name"]),
          kustomization: k.id,
          message: `Kustomization ${k.id}: source ${refText(k.sourceRef)} does not exist in cluster ${cluster.name}${blind.note}`,
          ...(blind.severity ? { severity: blind.severity } : {}),
        });
      }
    }
  },
};

export const chartSourceMissing: Rule = {
  id: "helmrelease-chart-source-missing",
  defaultSeverity: "error",
  description:
    "A HelmRelease's chart source (HelmRepository, GitRepository, OCIRepository, HelmChart) does not exist in its cluster.",
  help: "helm-controller cannot fetch the chart and the release never installs. Fix spec.chart.spec.sourceRef / spec.chartRef (the namespace defaults to the HelmRelease's own), or add the source.",
  run(ctx) {
    for (const cluster of ctx.clusters()) {
      const objects = fluxObjects(cluster);
      for (const h of cluster.helmReleases) {
        const ref = h.chartSource;
        if (!ref || ref.name === "" || sourceExists(ctx, cluster, ref)) continue;
        const blind = orBootstrap(blindSpot(cluster), cluster, ref);
        if (cluster.appOverlay) {
          blind.note += ` (${cluster.name} is an overlay that nothing in this repository includes, likely one app's: the cluster it is applied to may define the source)`;
          blind.severity = "warning";
        }
        const spec = (h.object.spec ?? {}) as Record<string, unknown>;
        const field: FieldPath = spec.chartRef
          ? ["spec", "chartRef", "name"]
          : ["spec", "chart", "spec", "sourceRef", "name"];
        ctx.report({
          ...about(objects, cluster, h, "HelmRelease", field),
          message: `HelmRelease ${h.namespace}/${h.name}: chart source ${refText(ref)} does not exist in cluster ${cluster.name}${blind.note}`,
          ...(blind.severity ? { severity: blind.severity } : {}),
        });
      }
    }
  },
};

/**
 * Kustomizations whose objects are guaranteed to be applied before `k`'s: its dependencies
 * (transitively) and its ancestors (whose apply created `k`), with theirs.
 */
function readyBefore(
  k: FluxKustomization,
  byId: Map<string, FluxKustomization>,
  memo: Map<string, Set<string>>,
  cluster: Cluster,
): Set<string> {
  const cached = memo.get(k.id);
  if (cached) return cached;
  const out = new Set<string>();
  memo.set(k.id, out); // cycles: a partial set is enough
  const direct = [
    ...k.dependsOn.map((d) => `${d.namespace}/${d.name}`),
    ...(k.appliedBy ? [k.appliedBy] : []),
    // A ResourceSet waits for any object it depends on (a CRD, a Kustomization, a ResourceSet):
    // the applier of that object is ready before it.
    ...(k.kind === "ResourceSet"
      ? resourceSetDependencies(cluster, k).flatMap((d) =>
          d.appliedBy
            ? [d.appliedBy.id]
            : d.ref?.kind === "ResourceSet"
              ? [`ResourceSet/${d.ref.namespace ?? k.namespace}/${d.ref.name}`]
              : d.ref?.kind === "Kustomization"
                ? [`${d.ref.namespace ?? k.namespace}/${d.ref.name}`]
                : [],
        )
      : []),
  ];
  for (const id of direct) {
    const dep = byId.get(id);
    if (!dep || out.has(id)) continue;
    out.add(id);
    for (const x of readyBefore(dep, byId, memo, cluster)) out.add(x);
  }
  return out;
}

export const crdDependencyMissing: Rule = {
  id: "crd-dependency-missing",
  defaultSeverity: "error",
  description:
    "A custom resource applied by a Flux Kustomization that does not depend on the Kustomization applying its CRD.",
  help: "On a fresh cluster Flux may apply the custom resource before its CRD exists and the Kustomization fails until the other one happens to finish. Add the Kustomization that applies the CRD to spec.dependsOn. (CRDs installed by HelmReleases are not visible offline and are not checked; nor are Flux's own CRDs, *.toolkit.fluxcd.io, which the bootstrap installed before any Kustomization ran.)",
  run(ctx) {
    for (const cluster of ctx.clusters()) {
      if (cluster.mode !== "flux") continue;
      // CRD (group/kind) → Kustomizations that apply it.
      const crdOwners = new Map<string, { crd: string; by: Set<string> }>();
      for (const k of cluster.kustomizations) {
        for (const r of k.resources) {
          const o = r.object;
          if (o.kind !== "CustomResourceDefinition" || groupOf(o) !== "apiextensions.k8s.io") continue;
          const spec = (o.spec ?? {}) as Record<string, unknown>;
          const names = (spec.names ?? {}) as Record<string, unknown>;
          if (typeof spec.group !== "string" || typeof names.kind !== "string") continue;
          // Flux's own CRDs are on any cluster Flux reconciles: the bootstrap installed them before
          // the first Kustomization ran, whichever Kustomization manages them since (clementd64's
          // fleet-infra-flux).
          if (spec.group.endsWith(".toolkit.fluxcd.io")) continue;
          const key = `${spec.group}/${names.kind}`;
          const entry = crdOwners.get(key) ?? { crd: metaOf(o).name, by: new Set<string>() };
          entry.by.add(k.id);
          crdOwners.set(key, entry);
        }
      }
      if (crdOwners.size === 0) continue;
      const byId = new Map(cluster.kustomizations.map((k) => [k.id, k]));
      const memo = new Map<string, Set<string>>();
      const objects = fluxObjects(cluster);
      for (const k of cluster.kustomizations) {
        const reported = new Set<string>();
        for (const r of k.resources) {
          const key = `${groupOf(r.object)}/${String(r.object.kind)}`;
          const owners = crdOwners.get(key);
          if (!owners || owners.by.has(k.id) || reported.has(key)) continue;
          if (ignores(r.object, "crd-dependency-missing")) continue;
          const before = readyBefore(k, byId, memo, cluster);
          if ([...owners.by].some((id) => before.has(id))) continue;
          reported.add(key);
          const count = k.resources.filter(
            (x) => `${groupOf(x.object)}/${String(x.object.kind)}` === key,
          ).length;
          const by = [...owners.by].sort().join(" or ");
          // What `k` leaves out (a remote CRD file) may apply the CRD itself: not provably wrong.
          const own = isPartlyRendered(k)
            ? " (unless what it leaves out, which Slipway could not render, applies the CRD too)"
            : "";
          const what = `${String(r.object.kind)} ${metaOf(r.object).namespace ? `${metaOf(r.object).namespace}/` : ""}${metaOf(r.object).name}${count > 1 ? ` (and ${count - 1} more ${String(r.object.kind)})` : ""}`;
          // The fix is a dependsOn entry in the Flux Kustomization, not a change to the custom resource.
          ctx.report({
            ...about(objects, cluster, k, "Kustomization", ["spec", "dependsOn"]),
            kustomization: k.id,
            message:
              k.kind === "ResourceSet"
                ? `${what} needs CRD ${owners.crd}, applied by ${by}, which ResourceSet ${k.namespace}/${k.name} does not depend on (add {apiVersion: apiextensions.k8s.io/v1, kind: CustomResourceDefinition, name: ${owners.crd}} to spec.dependsOn)`
                : `${what} needs CRD ${owners.crd}, applied by Kustomization ${by}, which Kustomization ${k.id} does not depend on (add it to spec.dependsOn)${own}`,
            ...(own ? { severity: "warning" as const } : {}),
          });
        }
      }
    }
  },
};

/**
 * Failures that are not provably the repository's, by code: what the finding adds after "is not
 * rendered or checked", and whether it is an error (else a warning).
 */
const NOT_PROVABLY_WRONG: Partial<
  Record<PlatformErrorCode, (strict: boolean) => { why: string; error: boolean }>
> = {
  // Flux fetches (or applies) it; Slipway cannot (or will not show it): a limit of Slipway.
  REMOTE_RESOURCE: () => ({ why: "", error: false }),
  CHART_NOT_VENDORED: () => ({ why: "", error: false }),
  SECRET_IDENTITY: () => ({ why: "", error: false }),
  SLIPWAY_LIMIT: () => ({ why: "", error: false }),
  // Strict by Slipway's default Flux version only: an older Flux applies it.
  STRICT_ASSUMED: (strict) => ({
    why: `; ${strict ? "an error under --strict" : "a warning"}, as the repository does not say which Flux it runs`,
    error: strict,
  }),
};

/** The route through bases that kustomize's build error of a file reached from a parent starts with (target.ts). */
const ACCUMULATING_PREFIX = /^accumulating resources \(in .*?\): /;

export const renderError: Rule = {
  id: "render-error",
  defaultSeverity: "error",
  description:
    "The repository could not be rendered as Flux would: a kustomization that fails to build, bad YAML, a failed substitution, an invalid slipway.yaml.",
  help: "Flux would fail to apply this Kustomization (and nothing of it is checked). The message says what failed to build; `slipway render` shows the same error. Objects failing for the same reason are one finding, and so is a file that several Kustomizations of a cluster build and fail on (the finding names them all). A `postBuild.substituteFrom` ConfigMap or Secret that no Flux Kustomization renders is a warning (an error with --strict) at its substituteFrom entry: it may exist only in the cluster, made by the bootstrap or Terraform: declare it under `clusterObjects` in slipway.yaml (with its data or placeholder values) to render and check that Kustomization. A HelmRelease `valuesFrom` the ConfigMap kube-root-ca.crt (key ca.crt), which Kubernetes makes in every namespace, is not missing: the chart is not rendered, since its CA only the cluster has (a warning, also with --strict). A Secret made by an ExternalSecret or SealedSecret of the repository counts as present, and so does a Secret or ConfigMap emberstack reflector copies into the Kustomization's namespace (reflection-auto-enabled). A remote base or resource, or a kustomize helmCharts chart not vendored into chartHome (Slipway builds offline and does not fetch them), and an object whose name or namespace a secret reached (Slipway does not print it) are warnings: Flux applies them, Slipway cannot render or show them. Both are left out and the rest of the Kustomization is rendered and checked; findings that something is missing are then warnings. The remote entries one kustomization file lists are one warning naming them all.",
  run(ctx) {
    // Build errors name files by absolute path; a finding names them as the repository does.
    const rootPrefix = `${ctx.platform.root.replace(/\/+$/, "")}/`;
    const relativeMessage = (m: string) => m.split(rootPrefix).join("");
    const report = (e: {
      message: string;
      file?: string;
      line?: number;
      cluster?: string;
      kustomization?: string;
    }) =>
      ctx.report({
        message: relativeMessage(e.message),
        ...(e.file !== undefined ? { file: e.file, line: e.line ?? 0 } : {}),
        ...(e.cluster !== undefined ? { cluster: e.cluster } : {}),
        ...(e.kustomization !== undefined ? { kustomization: e.kustomization } : {}),
      });
    for (const e of ctx.platform.errors) report(e);
    for (const cluster of ctx.clusters()) {
      for (const e of cluster.errors) report({ cluster: cluster.name, ...e });
      const objects = fluxObjects(cluster);
      /** Build failures of the cluster by file, line and what failed (the route to the file aside). */
      const failures = new Map<
        string,
        Array<{ k: FluxKustomization; e: FluxKustomization["errors"][number] }>
      >();
      for (const k of cluster.kustomizations) {
        const pathGone = pathIsMissing(k);
        const partial = new Set(leftOut(k));
        const omittedGroups = groupOmitted(k.errors);
        const grouped = new Set([...omittedGroups.values()].flatMap((g) => g.slice(1)));
        for (const e of k.errors) {
          if (grouped.has(e)) continue; // said with the first of its file's left-out entries
          if (pathGone && e.message.startsWith(PATH_NOT_FOUND)) continue; // flux-path-missing says it better
          if (e.code === "SOPS_DECRYPTION_MISSING") continue; // flux-decryption-missing says it, with its fix
          if (e.field !== undefined) {
            // The fix is in the Flux Kustomization (a substituteFrom entry), not in a built object.
            // A source nothing in the repository makes may exist in the cluster only: not provably wrong.
            const clusterOnly = e.code === "SUBSTITUTE_SOURCE_NOT_FOUND";
            ctx.report({
              ...about(objects, cluster, k, "Kustomization", e.field),
              message: clusterOnly
                ? `${relativeMessage(e.message)}: no Flux Kustomization of cluster ${cluster.name} renders it (nor an ExternalSecret, SealedSecret or reflector copy), so Kustomization ${k.id} is not rendered or checked (if it exists only in the cluster, made by the bootstrap or Terraform, declare it under clusterObjects in slipway.yaml)`
                : relativeMessage(e.message),
              ...(clusterOnly && !ctx.strict ? { severity: "warning" as const } : {}),
            });
            continue;
          }
          if (partial.has(e) || e.code === "REMOTE_RESOURCE_OMITTED") {
            // What Flux applies and Slipway cannot render or show: never an error. When the
            // Kustomization is rendered, the rest of it was checked.
            const message = relativeMessage(omittedMessage(omittedGroups.get(e) ?? [e]));
            ctx.report({
              cluster: cluster.name,
              kustomization: k.id,
              ...(e.file !== undefined ? { file: e.file, line: e.line ?? 0 } : {}),
              message: partial.has(e)
                ? `${message} (the rest of Kustomization ${k.id} is rendered and checked; what is missing from cluster ${cluster.name} may be in what is not, so such findings are warnings)`
                : `${message} (Kustomization ${k.id} is not rendered or checked)`,
              severity: "warning",
            });
            continue;
          }
          const limit = e.code === undefined ? undefined : NOT_PROVABLY_WRONG[e.code]?.(ctx.strict === true);
          if (limit) {
            ctx.report({
              cluster: cluster.name,
              kustomization: k.id,
              ...(e.file !== undefined ? { file: e.file, line: e.line ?? 0 } : {}),
              message: `${relativeMessage(e.message)} (Kustomization ${k.id} is not rendered or checked${limit.why})`,
              ...(limit.error ? {} : { severity: "warning" as const }),
            });
            continue;
          }
          const core = e.message.replace(ACCUMULATING_PREFIX, "");
          const key = `${e.file ?? ""}\0${e.line ?? ""}\0${core}`;
          const same = failures.get(key);
          if (same) same.push({ k, e });
          else failures.set(key, [{ k, e }]);
        }
      }
      for (const same of failures.values()) {
        // A file two Kustomizations build (one directly, one through `../k3s1-node-config`)
        // fails in both for one reason: one finding, naming both, as for a double apply.
        const { k, e } = same.reduce((a, b) => (b.e.message.length < a.e.message.length ? b : a));
        const ids = [...new Set(same.map((x) => x.k.id))];
        report({
          cluster: cluster.name,
          kustomization: k.id,
          ...e,
          ...(ids.length > 1
            ? {
                message: `${e.message} (Kustomizations ${ids.join(ids.length === 2 ? " and " : ", ")} ${ids.length === 2 ? "both" : "all"} build this file and fail on it)`,
              }
            : {}),
        });
      }
      for (const h of cluster.helmReleases) {
        for (const e of h.errors ?? []) {
          // A valuesFrom ConfigMap/Secret nothing renders may exist only in the cluster.
          const clusterOnly = e.code === "VALUES_SOURCE_NOT_FOUND";
          // Values this machine cannot decrypt, or a release whose identity a secret reached
          // (Slipway will not show it): nothing is wrong with the repository.
          const encrypted =
            e.code === "VALUES_SOURCE_ENCRYPTED" ||
            e.code === "SECRET_IDENTITY" ||
            e.code === "VALUES_SOURCE_CLUSTER_MADE";
          // A chart failing where it reads the live cluster may render there: not provably wrong.
          const offline = e.code === "CHART_READS_CLUSTER" && !ctx.strict;
          ctx.report({
            ...about(objects, cluster, h, "HelmRelease", e.field ?? []),
            message: clusterOnly
              ? `${e.message} (if it exists only in the cluster, made by the bootstrap or Terraform, this is expected); the chart is not rendered or checked`
              : e.message,
            ...((clusterOnly && !ctx.strict) || encrypted || offline ? { severity: "warning" as const } : {}),
          });
        }
      }
    }
  },
};

export const chartNotCached: Rule = {
  id: "helmrelease-chart-not-cached",
  defaultSeverity: "warning",
  description:
    "A HelmRelease's chart is neither in the repository nor in the chart cache, so what it deploys is not rendered or checked.",
  help: "Slipway never downloads during render/check/diff: charts from HelmRepositories and OCI registries come from the chart cache. Run `slipway charts pull` (in CI: before `slipway check`, with the cache directory kept between runs) to fetch every chart the repository's HelmReleases ask for. One finding per chart and cluster, at its first HelmRelease, naming the others that ask for it (a cluster of sixty app-template releases is one finding, not sixty). HelmReleases whose chart source is another Git repository or bucket are reported by helmrelease-not-rendered.",
  run(ctx) {
    for (const cluster of ctx.clusters()) {
      const objects = fluxObjects(cluster);
      const byChart = new Map<string, HelmReleaseInfo[]>();
      for (const h of cluster.helmReleases) {
        if (!h.chartMissing) continue;
        const why = h.chartMissingWhy ?? h.chartMissing;
        const same = byChart.get(why);
        if (same) same.push(h);
        else byChart.set(why, [h]);
      }
      for (const [why, releases] of byChart) {
        const first = releases[0] as HelmReleaseInfo;
        const message =
          releases.length === 1 || first.chartMissingWhy === undefined
            ? (first.chartMissing as string)
            : `${releaseList(releases)}: ${why} (not rendered)`;
        ctx.report({ ...about(objects, cluster, first, "HelmRelease", chartField(first)), message });
      }
    }
  },
};

/** "HelmRelease a/x and 2 more (b/y, c/z)": the first release, then every other one, up to ten named. */
function releaseList(releases: HelmReleaseInfo[]): string {
  const [first, ...rest] = releases as [HelmReleaseInfo, ...HelmReleaseInfo[]];
  const named = rest.slice(0, 10).map((h) => `${h.namespace}/${h.name}`);
  const more = rest.length > named.length ? `, …` : "";
  return `HelmRelease ${first.namespace}/${first.name} and ${rest.length} more (${named.join(", ")}${more})`;
}

export const helmReleaseNotRendered: Rule = {
  id: "helmrelease-not-rendered",
  defaultSeverity: "info",
  description:
    "A HelmRelease Slipway does not render: its chart source is not this repository (and not mapped in slipway.yaml), or it is suspended.",
  help: "Nothing this HelmRelease's chart deploys is rendered or checked. Map a GitRepository or Bucket chart source to a local directory in slipway.yaml `sources` to check it too. A suspended HelmRelease is not reconciled by helm-controller.",
  run(ctx) {
    for (const cluster of ctx.clusters()) {
      const objects = fluxObjects(cluster);
      for (const h of cluster.helmReleases) {
        if (h.chartMissing || (h.status !== "external" && h.status !== "suspended")) continue;
        const suspended = h.status === "suspended";
        ctx.report({
          ...about(objects, cluster, h, "HelmRelease", suspended ? ["spec", "suspend"] : chartField(h)),
          message: suspended
            ? `HelmRelease ${h.namespace}/${h.name} is suspended: helm-controller does not reconcile it, and its chart is not rendered or checked`
            : `HelmRelease ${h.namespace}/${h.name} is not rendered or checked: ${h.warnings?.[0] ?? "its chart is not available offline"}`,
        });
      }
    }
  },
};

function chartField(h: HelmReleaseInfo): FieldPath {
  return (h.object.spec as Record<string, unknown> | undefined)?.chartRef
    ? ["spec", "chartRef"]
    : ["spec", "chart"];
}

export const notRendered: Rule = {
  id: "flux-not-rendered",
  defaultSeverity: "info",
  description:
    "A Flux Kustomization Slipway does not render: its source is not this repository (external), or it is suspended.",
  help: "Nothing this Kustomization applies is rendered or checked. For a source other than this repository (another Git repository, an OCI artifact), map it to a local directory in slipway.yaml `sources` to check it too. A suspended Kustomization is not reconciled by Flux.",
  run(ctx) {
    for (const cluster of ctx.clusters()) {
      const objects = fluxObjects(cluster);
      for (const k of cluster.kustomizations) {
        if (k.status !== "external" && k.status !== "suspended") continue;
        const external = k.status === "external";
        ctx.report({
          ...about(
            objects,
            cluster,
            k,
            "Kustomization",
            external ? ["spec", "sourceRef"] : ["spec", "suspend"],
          ),
          kustomization: k.id,
          message: external
            ? `Kustomization ${k.id} is not rendered or checked: its source ${refText(k.sourceRef)} is not this repository (map it to a local directory in slipway.yaml 'sources' to check it)`
            : `Kustomization ${k.id} is suspended: Flux does not reconcile it, and it is not rendered or checked`,
        });
      }
    }
  },
};

export const rules: Rule[] = [
  renderError,
  notRendered,
  chartNotCached,
  helmReleaseNotRendered,
  dependsOnMissing,
  dependencyCycle,
  pathMissing,
  symlinkLeftOut,
  kustomizationUnread,
  sourceMissing,
  chartSourceMissing,
  crdDependencyMissing,
];
