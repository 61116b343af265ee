/**
 * Resource identity as kustomize models it: group/version/kind plus name and namespace.
 * The scope table and the legacy sort order are kustomize's, so that ids, conflicts and
 * document order come out exactly as `kubectl kustomize` prints them.
 */
export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export interface ResId extends Gvk {
  name: string;
  namespace: string;
}

export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf("/");
  if (i < 0) return { group: "", version: apiVersion };
  return { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export function apiVersionOf(gvk: Gvk): string {
  return gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
}

/**
 * Cluster-scoped built-in kinds, by API group, as kustomize knows them from its embedded
 * Kubernetes v1.21 schema. Anything else — custom kinds, a `Namespace` kind of another group,
 * kinds newer than that schema — counts as namespaced, as in kustomize.
 */
const clusterScoped: Record<string, string[]> = {
  "": ["Namespace", "Node", "PersistentVolume", "ComponentStatus"],
  "rbac.authorization.k8s.io": ["ClusterRole", "ClusterRoleBinding"],
  "apiextensions.k8s.io": ["CustomResourceDefinition"],
  "apiregistration.k8s.io": ["APIService"],
  "storage.k8s.io": ["StorageClass", "CSIDriver", "CSINode", "VolumeAttachment"],
  "admissionregistration.k8s.io": ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"],
  "certificates.k8s.io": ["CertificateSigningRequest"],
  "scheduling.k8s.io": ["PriorityClass"],
  "networking.k8s.io": ["IngressClass"],
  "node.k8s.io": ["RuntimeClass"],
  policy: ["PodSecurityPolicy"],
  extensions: ["PodSecurityPolicy"],
  "flowcontrol.apiserver.k8s.io": ["FlowSchema", "PriorityLevelConfiguration"],
  "authorization.k8s.io": ["SelfSubjectAccessReview", "SelfSubjectRulesReview", "SubjectAccessReview"],
  "authentication.k8s.io": ["TokenReview"],
};
const clusterScopedKeys = new Set(
  Object.entries(clusterScoped).flatMap(([g, kinds]) => kinds.map((k) => `${g}/${k}`)),
);

export function isClusterScoped(gvk: { group: string; kind: string }): boolean {
  return clusterScopedKeys.has(`${gvk.group}/${gvk.kind}`);
}

export function isNamespaceable(gvk: { group: string; kind: string }): boolean {
  return !isClusterScoped(gvk);
}

/** kustomize treats "" and "default" as the same namespace when comparing ids. */
export function sameNamespace(a: string, b: string): boolean {
  return (a === "" ? "default" : a) === (b === "" ? "default" : b);
}

/** `Kind.version.group/name.namespace` with kustomize's [noGrp]/[noVer]/[noNs] placeholders. */
export function resIdString(id: ResId): string {
  const ns = id.namespace === "" ? "[noNs]" : id.namespace;
  return `${gvkString(id)}/${id.name}.${ns}`;
}

export function gvkString(gvk: Gvk): string {
  const g = gvk.group === "" ? "[noGrp]" : gvk.group;
  const v = gvk.version === "" ? "[noVer]" : gvk.version;
  const k = gvk.kind === "" ? "~K" : gvk.kind;
  return `${k}.${v}.${g}`;
}

/** Whether `selector`'s non-empty parts match `gvk` (kustomize's Gvk.IsSelected). */
export function gvkSelected(gvk: Gvk, selector: Partial<Gvk> | undefined): boolean {
  if (!selector) return true;
  if (selector.group && selector.group !== gvk.group) return false;
  if (selector.version && selector.version !== gvk.version) return false;
  if (selector.kind && selector.kind !== gvk.kind) return false;
  return true;
}

export function gvkEquals(a: Gvk, b: Gvk): boolean {
  return a.group === b.group && a.version === b.version && a.kind === b.kind;
}

/** Same gvk and name; namespaces compared with "" == "default". */
export function resIdEquals(a: ResId, b: ResId): boolean {
  return gvkEquals(a, b) && a.name === b.name && sameNamespace(a.namespace, b.namespace);
}

/** Same gvk and name, any namespace. */
export function resIdGvknEquals(a: ResId, b: ResId): boolean {
  return gvkEquals(a, b) && a.name === b.name;
}

const legacyOrderFirst = [
  "Namespace",
  "ResourceQuota",
  "StorageClass",
  "CustomResourceDefinition",
  "ServiceAccount",
  "PodSecurityPolicy",
  "Role",
  "ClusterRole",
  "RoleBinding",
  "ClusterRoleBinding",
  "ConfigMap",
  "Secret",
  "Endpoints",
  "Service",
  "LimitRange",
  "PriorityClass",
  "PersistentVolume",
  "PersistentVolumeClaim",
  "Deployment",
  "StatefulSet",
  "CronJob",
  "PodDisruptionBudget",
];
const legacyOrderLast = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

/** Builds the kind → rank function of kustomize's legacy sort from (possibly custom) order lists. */
export function kindRanker(first: string[] = legacyOrderFirst, last: string[] = legacyOrderLast) {
  const rank = new Map<string, number>();
  for (const [i, k] of first.entries()) rank.set(k, -first.length + i);
  for (const [i, k] of last.entries()) rank.set(k, 1 + i);
  return (kind: string): number => rank.get(kind) ?? 0;
}

export const defaultLegacyOrder = { first: legacyOrderFirst, last: legacyOrderLast };
