import type { KObject } from "../../kustomize/types.js";
import type { SchemaIssue } from "./types.js";

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

type NameRule = "subdomain" | "label" | "dns1035-label" | "path-segment";

/** Kinds whose names kube-apiserver checks with something other than the DNS-1123 subdomain rule. */
const NAME_RULES: Record<string, NameRule> = {
  "/Service": "dns1035-label",
  "/Namespace": "label",
  "rbac.authorization.k8s.io/Role": "path-segment",
  "rbac.authorization.k8s.io/ClusterRole": "path-segment",
  "rbac.authorization.k8s.io/RoleBinding": "path-segment",
  "rbac.authorization.k8s.io/ClusterRoleBinding": "path-segment",
};

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

export function nameRuleFor(apiVersion: string, kind: string): NameRule {
  return NAME_RULES[`${groupOf(apiVersion)}/${kind}`] ?? "subdomain";
}

/** Why `name` breaks `rule`, or undefined when it is fine. */
export function nameProblem(name: string, rule: NameRule): string | undefined {
  switch (rule) {
    case "path-segment":
      if (name === "." || name === "..") return `may not be "${name}"`;
      if (/[/%]/.test(name)) return `may not contain "/" or "%"`;
      return undefined;
    case "label":
      if (name.length > 63) return `must be no more than 63 characters (DNS-1123 label), got ${name.length}`;
      if (!DNS1123_LABEL.test(name))
        return "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit";
      return undefined;
    case "dns1035-label":
      if (name.length > 63) return `must be no more than 63 characters (DNS-1035 label), got ${name.length}`;
      if (!DNS1035_LABEL.test(name))
        return "must be a DNS-1035 label: lower-case letters, digits and '-', starting with a letter and ending with a letter or digit";
      return undefined;
    case "subdomain":
      if (name.length > 253)
        return `must be no more than 253 characters (DNS-1123 subdomain), got ${name.length}`;
      if (!DNS1123_SUBDOMAIN.test(name))
        return "must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', each part starting and ending with a letter or digit";
      return undefined;
  }
}

/** metadata.name and metadata.namespace as kube-apiserver checks them for this kind. */
export function checkNames(obj: KObject, apiVersion: string, kind: string): SchemaIssue[] {
  const meta = obj.metadata;
  if (meta === null || typeof meta !== "object" || Array.isArray(meta)) return [];
  const issues: SchemaIssue[] = [];
  const name = meta.name;
  if (typeof name === "string") {
    const problem = name === "" ? "must not be empty" : nameProblem(name, nameRuleFor(apiVersion, kind));
    if (problem !== undefined) {
      issues.push({
        kind: "invalid-name",
        path: ["metadata", "name"],
        message: `metadata.name: ${JSON.stringify(name)} ${problem}`,
      });
    }
  } else if (name === undefined && typeof meta.generateName !== "string") {
    issues.push({ kind: "invalid-name", path: ["metadata", "name"], message: "metadata.name: is required" });
  }
  const ns = meta.namespace;
  if (typeof ns === "string" && ns !== "") {
    const problem = nameProblem(ns, "label");
    if (problem !== undefined) {
      issues.push({
        kind: "invalid-name",
        path: ["metadata", "namespace"],
        message: `metadata.namespace: ${JSON.stringify(ns)} ${problem}`,
      });
    }
  }
  return issues;
}
