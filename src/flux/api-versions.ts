/**
 * Which API versions of Flux's kinds each Flux minor serves, and what `flux migrate` writes
 * instead. The served ranges were read from the controllers' CRDs (config/crd/bases, `served:
 * true`) at the versions each flux2 release pins (manifests/bases/<controller>), 2.0 to 2.9;
 * the replacements are flux2 cmd/flux/migrate.go's latestAPIVersions (2.6 and 2.7+ tables; for
 * older minors the newest served version). Kept as data: one row per kind.
 */

interface KindVersions {
  group: string;
  kind: string;
  /** version → [first, last] Flux minor that serves it. */
  served: Record<string, [string, string]>;
}

const TABLE: KindVersions[] = [
  {
    group: "helm.toolkit.fluxcd.io",
    kind: "HelmRelease",
    served: { v2beta1: ["2.0", "2.6"], v2beta2: ["2.2", "2.7"], v2: ["2.3", "2.9"] },
  },
  {
    group: "image.toolkit.fluxcd.io",
    kind: "ImagePolicy",
    served: { v1beta1: ["2.0", "2.6"], v1beta2: ["2.0", "2.8"], v1: ["2.7", "2.9"] },
  },
  {
    group: "image.toolkit.fluxcd.io",
    kind: "ImageRepository",
    served: { v1beta1: ["2.0", "2.6"], v1beta2: ["2.0", "2.8"], v1: ["2.7", "2.9"] },
  },
  {
    group: "image.toolkit.fluxcd.io",
    kind: "ImageUpdateAutomation",
    served: { v1beta1: ["2.0", "2.6"], v1beta2: ["2.3", "2.8"], v1: ["2.7", "2.9"] },
  },
  {
    group: "kustomize.toolkit.fluxcd.io",
    kind: "Kustomization",
    served: { v1beta1: ["2.0", "2.6"], v1beta2: ["2.0", "2.7"], v1: ["2.0", "2.9"] },
  },
  {
    group: "notification.toolkit.fluxcd.io",
    kind: "Alert",
    served: { v1beta1: ["2.0", "2.6"], v1beta2: ["2.0", "2.8"], v1beta3: ["2.2", "2.9"] },
  },
  {
    group: "notification.toolkit.fluxcd.io",
    kind: "Provider",
    served: { v1beta1: ["2.0", "2.6"], v1beta2: ["2.0", "2.8"], v1beta3: ["2.2", "2.9"] },
  },
  {
    group: "notification.toolkit.fluxcd.io",
    kind: "Receiver",
    served: { v1beta1: ["2.0", "2.6"], v1beta2: ["2.0", "2.8"], v1: ["2.0", "2.9"] },
  },
  { group: "source.extensions.fluxcd.io", kind: "ArtifactGenerator", served: { v1beta1: ["2.7", "2.9"] } },
  {
    group: "source.toolkit.fluxcd.io",
    kind: "Bucket",
    served: { v1beta1: ["2.0", "2.6"], v1beta2: ["2.0", "2.7"], v1: ["2.4", "2.9"] },
  },
  { group: "source.toolkit.fluxcd.io", kind: "ExternalArtifact", served: { v1: ["2.7", "2.9"] } },
  {
    group: "source.toolkit.fluxcd.io",
    kind: "GitRepository",
    served: { v1beta1: ["2.0", "2.6"], v1beta2: ["2.0", "2.7"], v1: ["2.0", "2.9"] },
  },
  {
    group: "source.toolkit.fluxcd.io",
    kind: "HelmChart",
    served: { v1beta1: ["2.0", "2.6"], v1beta2: ["2.0", "2.7"], v1: ["2.3", "2.9"] },
  },
  {
    group: "source.toolkit.fluxcd.io",
    kind: "HelmRepository",
    served: { v1beta1: ["2.0", "2.6"], v1beta2: ["2.0", "2.7"], v1: ["2.3", "2.9"] },
  },
  {
    group: "source.toolkit.fluxcd.io",
    kind: "OCIRepository",
    served: { v1beta2: ["2.0", "2.7"], v1: ["2.6", "2.9"] },
  },
];

/** `flux migrate` for Flux 2.6 keeps the image APIs on v1beta2 (flux26LatestAPIVersions). */
const MIGRATE_26_OVERRIDES: Record<string, string> = {
  "image.toolkit.fluxcd.io/ImagePolicy": "v1beta2",
  "image.toolkit.fluxcd.io/ImageRepository": "v1beta2",
  "image.toolkit.fluxcd.io/ImageUpdateAutomation": "v1beta2",
};

function minorKey(m: string): number {
  const [a, b] = m.split(".").map(Number) as [number, number];
  return a * 1000 + b;
}

function servesIn(range: [string, string], minor: string): boolean {
  const k = minorKey(minor);
  return minorKey(range[0]) <= k && k <= minorKey(range[1]);
}

export type ApiVersionStatus =
  /** The newest version: nothing to do. */
  | { state: "current" }
  /** Served but not what `flux migrate` writes. */
  | { state: "deprecated"; replacement: string }
  /** Not served by this Flux: the API server rejects the object. */
  | { state: "removed"; replacement?: string; lastServed?: string }
  /** Newer than this Flux knows (the repository targets a newer Flux). */
  | { state: "unknown-version"; replacement?: string }
  /** Not a Flux kind. */
  | { state: "not-flux" };

/** The API version `flux migrate` writes for a Flux kind on this minor; undefined for other kinds. */
export function migrateTarget(group: string, kind: string, minor: string): string | undefined {
  const row = TABLE.find((r) => r.group === group && r.kind === kind);
  if (!row) return undefined;
  const served = Object.entries(row.served).filter(([, range]) => servesIn(range, minor));
  if (served.length === 0) return undefined;
  if (minor === "2.6" && MIGRATE_26_OVERRIDES[`${group}/${kind}`])
    return MIGRATE_26_OVERRIDES[`${group}/${kind}`];
  // The newest served version: the one whose range started last (ties: the one that lasts longest).
  served.sort(([, a], [, b]) => minorKey(b[0]) - minorKey(a[0]) || minorKey(b[1]) - minorKey(a[1]));
  return served[0]![0];
}

/** How Flux `minor` treats `apiVersion` (`group/version`) for `kind`. */
export function apiVersionStatus(apiVersion: string, kind: string, minor: string): ApiVersionStatus {
  const slash = apiVersion.indexOf("/");
  if (slash < 0) return { state: "not-flux" };
  const group = apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const row = TABLE.find((r) => r.group === group && r.kind === kind);
  if (!row) return { state: "not-flux" };
  const replacement = migrateTarget(group, kind, minor);
  const range = row.served[version];
  if (!range) return replacement ? { state: "unknown-version", replacement } : { state: "unknown-version" };
  if (!servesIn(range, minor)) {
    const out: ApiVersionStatus = { state: "removed" };
    if (replacement) out.replacement = replacement;
    if (minorKey(range[1]) < minorKey(minor)) out.lastServed = range[1];
    return out;
  }
  if (replacement && replacement !== version) return { state: "deprecated", replacement };
  return { state: "current" };
}

/** Every Flux group whose kinds the table covers. */
export const FLUX_API_GROUPS = [...new Set(TABLE.map((r) => r.group))];
