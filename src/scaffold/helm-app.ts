/**
 * `slipway new app-helm NAME --chart ...`: a HelmRelease-based app laid out like the
 * repository's other HelmRelease apps — a base with its Namespace, chart source (HelmRepository,
 * or OCIRepository for `oci://` charts) and HelmRelease (release settings such as install/upgrade
 * remediation copied from a neighbouring HelmRelease), one overlay per environment for its
 * values, and the Flux Kustomization per cluster.
 */
import * as path from "node:path";
import { ALWAYS_PRESENT_NAMESPACES } from "../kubernetes-made.js";
import { isMap, type KObject, type YamlValue } from "../kustomize/types.js";
import type { FluxKustomization, Platform } from "../platform/model.js";
import type { SourceFiles } from "../promote/sources.js";
import { planAppDir } from "./app-dir.js";
import { basePath, detectConventions, overlayPath } from "./conventions.js";
import { createFile, emptyPlan, fluxKustomizationLike, type ScaffoldPlan, yamlFile } from "./files.js";
import { type AppRequest, addFluxKustomization, appClusters, describeConventions } from "./service.js";

export interface HelmAppRequest extends AppRequest {
  /** `oci://registry/path/chart`, or a chart name with `repo`. */
  chart: string;
  /** HelmRepository URL for a chart name. */
  repo?: string;
  version: string;
}

const RELEASE_SETTINGS = new Set([
  "interval",
  "timeout",
  "install",
  "upgrade",
  "rollback",
  "uninstall",
  "driftDetection",
  "maxHistory",
]);

export function planNewHelmApp(platform: Platform, files: SourceFiles, req: HelmAppRequest): ScaffoldPlan {
  const plan = emptyPlan();
  const clusters = appClusters(platform, req, plan);
  const oci = req.chart.startsWith("oci://");
  if (!oci && !req.repo)
    plan.errors.push("--chart NAME needs --repo URL (or give --chart oci://registry/path/chart)");
  if (plan.errors.length > 0) return plan;
  const helmApp = (k: FluxKustomization) => k.resources.some((r) => r.object.kind === "HelmRelease");
  const conv = detectConventions(platform, files, {
    envs: clusters.map((c) => c.name),
    predicate: helmApp,
    dependsOn: req.dependsOn,
  });
  describeConventions(conv, plan);
  const ns = req.namespace ?? req.name;
  const sourceFile = oci ? "ocirepository.yaml" : "helmrepository.yaml";
  if (conv.layout === "app-dir") {
    // The namespace comes from the Flux Kustomization's targetNamespace, as the neighbours' do.
    planAppDir(plan, files, conv, clusters, {
      name: req.name,
      namespace: ns,
      subset: clusters.length < platform.clusters.length,
      dependsOn: req.dependsOn,
      objects: [
        { file: sourceFile, docs: [chartSource(req)] },
        { file: "helmrelease.yaml", docs: [helmRelease(req, undefined, neighbourSettings(platform, files))] },
      ],
    });
    return plan;
  }
  const base = basePath(conv, req.name);
  const file = (p: string, docs: KObject[], comment?: string) =>
    createFile(plan, files, p, yamlFile(docs, conv.indentSeq, comment));
  // kube-system, flux-system, ...: the cluster has it; a Namespace of the app's own would be
  // pruned with the app (flux-system: Flux's own), or clash with the one Flux's install applies.
  const madeByCluster = ALWAYS_PRESENT_NAMESPACES.includes(ns);

  file(`${base}/kustomization.yaml`, [
    {
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      namespace: ns,
      resources: [...(madeByCluster ? [] : ["namespace.yaml"]), sourceFile, "helmrelease.yaml"],
    },
  ]);
  if (!madeByCluster)
    file(`${base}/namespace.yaml`, [{ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } }]);
  file(`${base}/${sourceFile}`, [chartSource(req, ns)]);
  file(
    `${base}/helmrelease.yaml`,
    [helmRelease(req, ns, neighbourSettings(platform, files))],
    RELEASE_COMMENT,
  );
  for (const c of conv.clusters) {
    const overlay = overlayPath(conv, req.name, c.env);
    file(
      `${overlay}/kustomization.yaml`,
      [
        {
          apiVersion: "kustomize.config.k8s.io/v1beta1",
          kind: "Kustomization",
          resources: [path.posix.relative(overlay, base)],
        },
      ],
      `${c.env}: ${req.name} (add a HelmRelease values patch here for what differs)`,
    );
    addFluxKustomization(
      plan,
      files,
      platform,
      c,
      conv,
      fluxKustomizationLike(c.template, req.name, overlay, req.dependsOn),
    );
  }
  return plan;
}

const RELEASE_COMMENT =
  "Add the chart values every environment shares under spec.values; overlays patch what differs.";

/** The chart's source: an OCIRepository for `oci://` charts, else a HelmRepository. */
function chartSource(req: HelmAppRequest, ns?: string): KObject {
  const metadata = { name: req.name, ...(ns ? { namespace: ns } : {}) };
  return req.chart.startsWith("oci://")
    ? {
        apiVersion: "source.toolkit.fluxcd.io/v1",
        kind: "OCIRepository",
        metadata,
        spec: {
          interval: "12h",
          url: req.chart,
          ref: { tag: req.version },
          layerSelector: {
            mediaType: "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
            operation: "copy",
          },
        },
      }
    : {
        apiVersion: "source.toolkit.fluxcd.io/v1",
        kind: "HelmRepository",
        metadata,
        spec: { interval: "12h", url: req.repo! },
      };
}

function helmRelease(
  req: HelmAppRequest,
  ns: string | undefined,
  settings: Record<string, YamlValue>,
): KObject {
  const oci = req.chart.startsWith("oci://");
  const chartName = oci ? req.chart.slice(req.chart.lastIndexOf("/") + 1) : req.chart;
  const chart: Record<string, YamlValue> = oci
    ? { chartRef: { kind: "OCIRepository", name: req.name } }
    : {
        chart: {
          spec: {
            chart: chartName,
            version: req.version,
            sourceRef: { kind: "HelmRepository", name: req.name },
            interval: "12h",
          },
        },
      };
  return {
    apiVersion: "helm.toolkit.fluxcd.io/v2",
    kind: "HelmRelease",
    metadata: { name: req.name, ...(ns ? { namespace: ns } : {}) },
    spec: { interval: "30m", ...chart, ...settings },
  };
}

/** Release settings (install/upgrade remediation, ...) of the repository's first HelmRelease, as written. */
function neighbourSettings(platform: Platform, files: SourceFiles): Record<string, YamlValue> {
  for (const c of platform.clusters) {
    for (const k of c.kustomizations) {
      for (const r of k.resources) {
        if (r.object.kind !== "HelmRelease" || !r.source) continue;
        const doc = files.docAt(r.source.file, r.source.line)?.doc.value;
        const spec = isMap(doc) && isMap(doc.spec) ? doc.spec : undefined;
        if (!spec) continue;
        const out: Record<string, YamlValue> = {};
        for (const [key, v] of Object.entries(spec))
          if (RELEASE_SETTINGS.has(key) && key !== "interval") out[key] = v;
        return out;
      }
    }
  }
  return {
    install: { remediation: { retries: 3 } },
    upgrade: { cleanupOnFail: true, remediation: { retries: 3 } },
  };
}
