/**
 * What a flux-operator FluxInstance installs that check rules look up: the Services of its
 * components. flux-operator builds the Flux distribution's manifests (config/data/flux/<version>/
 * <component>.yaml, Flux v2.2.3 to v2.9.4 alike) into the FluxInstance's namespace
 * (fluxinstance_controller.go: `options.Namespace = obj.GetNamespace()`), with the components
 * of `spec.components`, else the four core controllers (FluxInstance.GetComponents). Each of
 * these Services has one port, 80, named `http`.
 *
 * A FluxInstance is read as a rendered object, or as `values.instance` of a HelmRelease of the
 * flux-instance chart (controlplaneio-fluxcd/charts), which renders it into the release's
 * namespace: the chart is often not in the chart cache, yet what it installs is known.
 */

import { isMap, type KObject, type YamlMap, type YamlValue } from "../kustomize/types.js";
import { groupOf, metaString, specOf } from "./flux-objects.js";
import type { Cluster, HelmReleaseInfo, RenderedResource } from "./model.js";

const OPERATOR_GROUP = "fluxcd.controlplane.io";

const DEFAULT_COMPONENTS = [
  "source-controller",
  "kustomize-controller",
  "helm-controller",
  "notification-controller",
];

/** The Services each component's manifest makes (the others make none). */
const COMPONENT_SERVICES: Readonly<Record<string, readonly string[]>> = {
  "source-controller": ["source-controller"],
  "notification-controller": ["notification-controller", "webhook-receiver"],
  "source-watcher": ["source-watcher"],
};

export interface InstalledService {
  namespace: string;
  name: string;
  /** `FluxInstance ns/name` or `the FluxInstance of HelmRelease ns/name`. */
  by: string;
}

/** The Services the FluxInstances among `resources` and `helmReleases` install. */
export function fluxInstanceServices(
  cluster: Pick<Cluster, "sources">,
  resources: readonly RenderedResource[],
  helmReleases: readonly HelmReleaseInfo[],
): InstalledService[] {
  const out: InstalledService[] = [];
  for (const r of resources) {
    const o = r.object;
    if (o.kind !== "FluxInstance" || groupOf(o) !== OPERATOR_GROUP) continue;
    const namespace = metaString(o, "namespace");
    out.push(...servicesOf(specOf(o), namespace, `FluxInstance ${namespace}/${metaString(o, "name")}`));
  }
  for (const h of helmReleases) {
    if (!isFluxInstanceChart(cluster, h)) continue;
    const spec = specOf(h.object);
    const values = isMap(spec.values) ? spec.values : undefined;
    if (!values || !isMap(values.instance)) continue;
    const namespace = (typeof spec.targetNamespace === "string" && spec.targetNamespace) || h.namespace;
    out.push(
      ...servicesOf(values.instance, namespace, `the FluxInstance of HelmRelease ${h.namespace}/${h.name}`),
    );
  }
  return out;
}

function servicesOf(spec: YamlMap, namespace: string, by: string): InstalledService[] {
  const listed = Array.isArray(spec.components)
    ? spec.components.filter((c): c is string => typeof c === "string")
    : [];
  const components = listed.length > 0 ? listed : DEFAULT_COMPONENTS;
  return components.flatMap((c) => (COMPONENT_SERVICES[c] ?? []).map((name) => ({ namespace, name, by })));
}

/** A HelmRelease of the flux-instance chart: by chart name, or a chartRef to its OCI repository. */
function isFluxInstanceChart(cluster: Pick<Cluster, "sources">, h: HelmReleaseInfo): boolean {
  const spec = specOf(h.object);
  const chart = isMap(spec.chart) && isMap(spec.chart.spec) ? spec.chart.spec.chart : undefined;
  if (typeof chart === "string") return lastSegment(chart) === "flux-instance";
  const ref = isMap(spec.chartRef) ? spec.chartRef : undefined;
  if (ref?.kind !== "OCIRepository") return false;
  const namespace = typeof ref.namespace === "string" && ref.namespace ? ref.namespace : h.namespace;
  const source = cluster.sources.find(
    (s) => s.kind === "OCIRepository" && s.namespace === namespace && s.name === ref.name,
  );
  return source !== undefined && lastSegment(urlOf(source.object)) === "flux-instance";
}

function urlOf(o: KObject): string {
  const url: YamlValue | undefined = specOf(o).url;
  return typeof url === "string" ? url : "";
}

function lastSegment(s: string): string {
  return s.replace(/\/+$/, "").split("/").pop() ?? "";
}
