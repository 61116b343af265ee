/**
 * Objects the Kubernetes control plane makes in every cluster, which a repository refers to
 * without defining: they are never missing.
 * - the namespaces of ALWAYS_PRESENT_NAMESPACES;
 * - ConfigMap `kube-root-ca.crt` in every namespace, holding the key `ca.crt` (the root CA
 *   publisher of kube-controller-manager, on by default since Kubernetes 1.21);
 * - Service `kubernetes` in `default` (the API server's own).
 * The `default` ServiceAccount of each namespace is not here: no rule asks for ServiceAccounts.
 */

/**
 * Namespaces every cluster has: the four the API server makes, and the one Flux installs into
 * (every cluster Slipway renders runs Flux).
 */
export const ALWAYS_PRESENT_NAMESPACES: readonly string[] = [
  "default",
  "kube-system",
  "kube-public",
  "kube-node-lease",
  "flux-system",
];

/** The ConfigMap kube-controller-manager publishes into every namespace, and its only key. */
export const ROOT_CA_CONFIGMAP = { name: "kube-root-ca.crt", key: "ca.crt" } as const;

/** Whether Service `namespace/name` is one the API server makes (`default/kubernetes`). */
export function isApiServerService(namespace: string, name: string): boolean {
  return namespace === "default" && name === "kubernetes";
}
