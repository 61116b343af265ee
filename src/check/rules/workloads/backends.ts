/** `ingress-backend-exists`: Ingress backends and Gateway API route backendRefs name existing Services. */

import { isApiServerService } from "../../../kubernetes-made.js";
import { isMap } from "../../../kustomize/types.js";
import { fluxInstanceServices } from "../../../platform/flux-instance-objects.js";
import type { RenderedResource } from "../../../platform/model.js";
import type { FieldPath, Rule, RuleContext } from "../../types.js";
import { describe, getPath, groupOf, isKind, kindOf, nameOf, namespaceOf } from "./objects.js";
import { applyScopes } from "./scopes.js";
import { severityGiven, type UnseenProducer, unseenProducer } from "./unseen.js";

const ROUTE_KINDS = new Set(["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"]);

interface BackendRef {
  namespace: string;
  name: string;
  path: FieldPath;
}

function ingressBackends(obj: RenderedResource["object"]): BackendRef[] {
  const ns = namespaceOf(obj);
  const out: BackendRef[] = [];
  const add = (backendPath: FieldPath) => {
    const backend = getPath(obj, backendPath);
    if (!isMap(backend)) return;
    // networking.k8s.io/v1: backend.service.name; v1beta1: backend.serviceName.
    const v1 = getPath(backend, ["service", "name"]);
    if (typeof v1 === "string")
      out.push({ namespace: ns, name: v1, path: [...backendPath, "service", "name"] });
    else if (typeof backend.serviceName === "string")
      out.push({ namespace: ns, name: backend.serviceName, path: [...backendPath, "serviceName"] });
  };
  add(["spec", "defaultBackend"]);
  add(["spec", "backend"]);
  const rules = getPath(obj, ["spec", "rules"]);
  (Array.isArray(rules) ? rules : []).forEach((_, i) => {
    const paths = getPath(obj, ["spec", "rules", i, "http", "paths"]);
    (Array.isArray(paths) ? paths : []).forEach((_p, j) => {
      add(["spec", "rules", i, "http", "paths", j, "backend"]);
    });
  });
  return out;
}

function routeBackends(obj: RenderedResource["object"]): BackendRef[] {
  const ns = namespaceOf(obj);
  const out: BackendRef[] = [];
  const rules = getPath(obj, ["spec", "rules"]);
  (Array.isArray(rules) ? rules : []).forEach((rule, i) => {
    const refs = isMap(rule) ? rule.backendRefs : undefined;
    (Array.isArray(refs) ? refs : []).forEach((ref, j) => {
      if (!isMap(ref) || typeof ref.name !== "string") return;
      const group = typeof ref.group === "string" ? ref.group : "";
      const kind = typeof ref.kind === "string" ? ref.kind : "Service";
      if (group !== "" || kind !== "Service") return;
      const namespace = typeof ref.namespace === "string" && ref.namespace !== "" ? ref.namespace : ns;
      out.push({ namespace, name: ref.name, path: ["spec", "rules", i, "backendRefs", j, "name"] });
    });
  });
  return out;
}

/** Kinds of Kubernetes itself, which an annotation may name without making a Service. */
const CORE_KINDS = new Set([
  "Service",
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "Pod",
  "Job",
  "CronJob",
]);

/**
 * The custom resource that the object's own annotations name as what it belongs to (`Kind/name`),
 * named as the missing Service is: Tanzu Platform's `apps.tanzu.vmware.com/promote-group:
 * ContainerApp/spring-music` on a route promoted with the ContainerApp whose operator makes the
 * Service (warroyo's spaces, where the app is deployed from outside the repository).
 */
function annotatedOwner(obj: RenderedResource["object"], serviceName: string): UnseenProducer | undefined {
  const annotations = getPath(obj, ["metadata", "annotations"]);
  if (!isMap(annotations)) return undefined;
  for (const [key, value] of Object.entries(annotations)) {
    const m = typeof value === "string" ? /^([A-Z][A-Za-z0-9]*)\/([^/\s]+)$/.exec(value) : null;
    if (m && m[2] === serviceName && !CORE_KINDS.has(m[1]!))
      return {
        text: `${m[1]} ${m[2]}, which its annotation ${key} names and whose operator makes objects Slipway does not render`,
      };
  }
  return undefined;
}

function backendsOf(r: RenderedResource): BackendRef[] {
  const group = groupOf(r.object);
  const kind = kindOf(r.object);
  if (kind === "Ingress" && (group === "networking.k8s.io" || group === "extensions"))
    return ingressBackends(r.object);
  if (group === "gateway.networking.k8s.io" && ROUTE_KINDS.has(kind)) return routeBackends(r.object);
  return [];
}

function run(ctx: RuleContext): void {
  for (const scope of ctx.clusters().flatMap(applyScopes)) {
    const resources = scope.resources;
    const services = new Set(
      resources
        .filter((r) => isKind(r.object, "", "Service"))
        .map((r) => `${namespaceOf(r.object)}/${nameOf(r.object)}`),
    );
    // flux-operator installs Flux itself: webhook-receiver and the like exist without a manifest here.
    for (const s of fluxInstanceServices(scope.cluster, resources, scope.helmReleases))
      services.add(`${s.namespace}/${s.name}`);
    for (const r of resources) {
      for (const ref of backendsOf(r)) {
        if (services.has(`${ref.namespace}/${ref.name}`) || isApiServerService(ref.namespace, ref.name))
          continue;
        const producer =
          unseenProducer(scope, ref.namespace, ref.name, {}, r.kustomization) ??
          annotatedOwner(r.object, ref.name);
        const severity = severityGiven(producer, ctx.strict);
        const maybe = producer ? ` (it may come from ${producer.text})` : "";
        ctx.report({
          message: `${describe(r)}: backend Service ${ref.namespace}/${ref.name} does not exist in ${scope.label}${maybe}`,
          resource: r,
          path: ref.path,
          ...(severity ? { severity } : {}),
        });
      }
    }
  }
}

export const ingressBackendExists: Rule = {
  id: "ingress-backend-exists",
  defaultSeverity: "error",
  description: "Ingress backends and Gateway API route backendRefs name Services that exist in the cluster",
  help: "An Ingress (spec.defaultBackend and rules[].http.paths[].backend) or a Gateway API HTTPRoute/GRPCRoute/TLSRoute/TCPRoute/UDPRoute backendRef (kind Service or unset) that names a Service no Flux Kustomization of the cluster applies answers 503 or drops traffic. Fix the name or namespace, or add the Service. Route backendRefs may name another namespace (a ReferenceGrant must allow it). When a HelmRelease, an operator's custom resource or an unrendered Flux Kustomization could create the Service, the finding is a warning (an error with --strict), naming the likeliest maker: an unrendered HelmRelease whose name starts the Service's, or a custom resource whose kind and name the Service's name holds (grafana-operator's Grafana `grafana` makes `grafana-service`). So is a Service named as the custom resource the route's own annotation names as its app (`Kind/name`: Tanzu Platform's `apps.tanzu.vmware.com/promote-group: ContainerApp/spring-music`, an app deployed from outside the repository). When that HelmRelease is unrendered only because its chart is not in the chart cache, the finding is information: the Service most likely exists, and `slipway charts pull` lets the check see it.",
  run,
};
