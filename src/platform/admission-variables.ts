/**
 * Variables an admission webhook adds to every Flux Kustomization, which Slipway cannot know
 * offline. xunholy/fluxcd-kustomize-mutating-webhook (kustomize-mutating-webhook/internal/
 * handlers/mutate.go, createPatch) answers each Kustomization's CREATE/UPDATE with a JSON patch
 * that `add`s every key of the ConfigMaps and Secrets it mounts to `spec.postBuild.substitute`
 * (over the Kustomization's own values). rwlove/home-ops and xunholy/k8s-gitops rely on it:
 * their app Kustomizations use `${SECRET_DOMAIN}` without naming any source, and Flux
 * substitutes it. In such a cluster a variable Slipway lacks is not provably unset.
 */
import type { Cluster } from "./model.js";

const WEBHOOK_CHART = "kustomize-mutating-webhook";

/** The webhook's HelmRelease in a rendered cluster, with the Kustomization that applies it. */
export interface SubstitutionWebhook {
  /** `HelmRelease flux-system/kustomize-mutating-webhook`. */
  release: string;
  kustomization: string;
}

export function substitutionWebhook(cluster: Cluster): SubstitutionWebhook | undefined {
  const chartUrls = new Map<string, string>();
  for (const s of cluster.sources) {
    const spec = s.object.spec;
    const url =
      spec && typeof spec === "object" && !Array.isArray(spec) ? (spec as { url?: unknown }).url : undefined;
    if (typeof url === "string") chartUrls.set(`${s.kind}/${s.namespace}/${s.name}`, url);
  }
  for (const h of cluster.helmReleases) {
    const ref = h.chartSource;
    const url = ref ? chartUrls.get(`${ref.kind}/${ref.namespace}/${ref.name}`) : undefined;
    // A HelmRepository's chart is named by the HelmRelease; an OCIRepository's by its URL.
    const chart = h.chart ?? (url ? url.replace(/\/+$/, "").split("/").pop() : undefined);
    if (chart === WEBHOOK_CHART)
      return { release: `HelmRelease ${h.namespace}/${h.name}`, kustomization: h.kustomization };
  }
  return undefined;
}

/** How messages name the variables the webhook adds. */
export function webhookVariables(w: SubstitutionWebhook): string {
  return `the variables ${WEBHOOK_CHART} (${w.release}) adds to every Flux Kustomization at admission`;
}

/** The note on the Kustomization that applies the webhook. */
export function webhookNotice(w: SubstitutionWebhook): string {
  return `Kustomization ${w.kustomization} installs ${WEBHOOK_CHART} (${w.release}), which adds variables of its ConfigMaps and Secrets to every Flux Kustomization at admission: Slipway cannot know them offline, so substitution in this cluster is not strict (a variable Slipway lacks gets a placeholder value) and an object named by one is not rendered`;
}
