/**
 * Which built-in kinds are cluster-scoped, by API group: the API server's own kinds (current
 * and removed ones a repository may still hold, such as PodSecurityPolicy) and OpenShift's
 * cluster configuration. One table, so that `check` and the HelmRelease renderer cannot
 * disagree about where an object lives. Kustomize keeps its own (src/kustomize/resid.ts): it
 * must answer as kustomize's embedded v1.21 schema does, not as a cluster would.
 */
export const BUILTIN_CLUSTER_SCOPED: Readonly<Record<string, readonly string[]>> = {
  "": ["Namespace", "Node", "PersistentVolume", "ComponentStatus"],
  "rbac.authorization.k8s.io": ["ClusterRole", "ClusterRoleBinding"],
  "apiextensions.k8s.io": ["CustomResourceDefinition"],
  "apiregistration.k8s.io": ["APIService"],
  "storage.k8s.io": ["StorageClass", "CSIDriver", "CSINode", "VolumeAttachment", "VolumeAttributesClass"],
  "scheduling.k8s.io": ["PriorityClass"],
  "node.k8s.io": ["RuntimeClass"],
  "networking.k8s.io": ["IngressClass", "IPAddress", "ServiceCIDR"],
  "admissionregistration.k8s.io": [
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
  ],
  "certificates.k8s.io": ["CertificateSigningRequest", "ClusterTrustBundle"],
  "flowcontrol.apiserver.k8s.io": ["FlowSchema", "PriorityLevelConfiguration"],
  "resource.k8s.io": ["DeviceClass"],
  "gateway.networking.k8s.io": ["GatewayClass"],
  // Removed in Kubernetes 1.25, still in repositories (and in old charts) of clusters before it.
  policy: ["PodSecurityPolicy"],
  extensions: ["PodSecurityPolicy"],
  // OpenShift's cluster configuration (config.openshift.io/v1): every kind is a singleton of the cluster.
  "config.openshift.io": [
    "APIServer",
    "Authentication",
    "Build",
    "ClusterOperator",
    "ClusterVersion",
    "Console",
    "DNS",
    "FeatureGate",
    "Image",
    "ImageContentPolicy",
    "ImageDigestMirrorSet",
    "ImageTagMirrorSet",
    "Infrastructure",
    "Ingress",
    "Network",
    "Node",
    "OAuth",
    "OperatorHub",
    "Project",
    "Proxy",
    "Scheduler",
  ],
};

/** Whether `group`/`kind` is a built-in cluster-scoped kind (custom kinds: see their CRD). */
export function isBuiltinClusterScoped(group: string, kind: string): boolean {
  return BUILTIN_CLUSTER_SCOPED[group]?.includes(kind) ?? false;
}
