/**
 * Jobs that install things when they run: a Job (or CronJob) whose service account may create
 * Deployments (`linkerd viz install | kubectl apply -f -` under a ClusterRole allowing `*`). What
 * it installs is known only in the cluster, so a Service of its namespace selecting pods that no
 * rendered workload has may select the pods it makes.
 */

import type { YamlValue } from "../../../kustomize/types.js";
import type { RenderedResource } from "../../../platform/model.js";
import { getPath, isKind, nameOf, namespaceOf, stringAt } from "./objects.js";
import type { ApplyScope } from "./scopes.js";

/** Kubernetes' default ClusterRoles that may create Deployments. */
const WRITING_DEFAULT_ROLES = new Set(["cluster-admin", "admin", "edit"]);

export function installerJob(scope: ApplyScope, namespace: string): RenderedResource | undefined {
  for (const r of scope.resources) {
    if (namespaceOf(r.object) !== namespace) continue;
    const pod = isKind(r.object, "batch", "Job")
      ? ["spec", "template", "spec"]
      : isKind(r.object, "batch", "CronJob")
        ? ["spec", "jobTemplate", "spec", "template", "spec"]
        : undefined;
    if (!pod) continue;
    const account =
      stringAt(r.object, [...pod, "serviceAccountName"]) ?? stringAt(r.object, [...pod, "serviceAccount"]);
    if (account && mayCreateDeployments(scope, namespace, account)) return r;
  }
  return undefined;
}

function mayCreateDeployments(scope: ApplyScope, namespace: string, account: string): boolean {
  for (const b of scope.resources) {
    const cluster = isKind(b.object, "rbac.authorization.k8s.io", "ClusterRoleBinding");
    if (
      !cluster &&
      !(isKind(b.object, "rbac.authorization.k8s.io", "RoleBinding") && namespaceOf(b.object) === namespace)
    )
      continue;
    const subjects = getPath(b.object, ["subjects"]);
    if (!Array.isArray(subjects)) continue;
    const bound = subjects.some(
      (s) =>
        stringAt(s, ["kind"]) === "ServiceAccount" &&
        stringAt(s, ["name"]) === account &&
        (stringAt(s, ["namespace"]) ?? (cluster ? "" : namespaceOf(b.object))) === namespace,
    );
    if (!bound) continue;
    const kind = stringAt(b.object, ["roleRef", "kind"]);
    const name = stringAt(b.object, ["roleRef", "name"]) ?? "";
    if (kind === "ClusterRole" && WRITING_DEFAULT_ROLES.has(name)) return true;
    const role = scope.resources.find(
      (r) =>
        nameOf(r.object) === name &&
        (kind === "ClusterRole"
          ? isKind(r.object, "rbac.authorization.k8s.io", "ClusterRole")
          : isKind(r.object, "rbac.authorization.k8s.io", "Role") && namespaceOf(r.object) === namespace),
    );
    if (role && allowsCreatingDeployments(getPath(role.object, ["rules"]))) return true;
  }
  return false;
}

function allowsCreatingDeployments(rules: YamlValue | undefined): boolean {
  if (!Array.isArray(rules)) return false;
  const has = (rule: YamlValue, field: string, ...wanted: string[]) => {
    const v = getPath(rule, [field]);
    return Array.isArray(v) && v.some((x) => typeof x === "string" && wanted.includes(x));
  };
  return rules.some(
    (rule) =>
      has(rule, "apiGroups", "apps", "*") &&
      has(rule, "resources", "deployments", "*") &&
      has(rule, "verbs", "create", "*"),
  );
}
