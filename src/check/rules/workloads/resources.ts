/**
 * `container-resources`: containers declare CPU and memory requests and limits. Which ones are
 * required is configurable; a namespace LimitRange's defaults and pod-level resources count.
 */
import { isMap, type YamlMap } from "../../../kustomize/types.js";
import type { Rule, RuleContext } from "../../types.js";
import { describe, getPath, isKind, mapAt, namespaceOf } from "./objects.js";
import { containersOf, podTemplateOf } from "./pods.js";
import { type ApplyScope, applyScopes } from "./scopes.js";

const DEFAULT_REQUIRED = ["cpu", "memory"];

export interface ResourceOptions {
  requests: string[];
  limits: string[];
}

/** `options.requests` / `options.limits`: lists of resource names (`[]` requires none). */
export function resourceOptions(options: Record<string, unknown>): ResourceOptions {
  const list = (key: "requests" | "limits"): string[] => {
    const v = options[key];
    if (v === undefined) return DEFAULT_REQUIRED;
    if (!Array.isArray(v) || v.some((s) => typeof s !== "string"))
      throw new Error(`options.${key} must be a list of resource names, e.g. [cpu, memory]`);
    return v as string[];
  };
  return { requests: list("requests"), limits: list("limits") };
}

interface Defaults {
  requests: Set<string>;
  limits: Set<string>;
}

/** Container defaults that LimitRanges give each namespace of a scope. */
function limitRangeDefaults(scope: ApplyScope): Map<string, Defaults> {
  const out = new Map<string, Defaults>();
  for (const r of scope.resources) {
    if (!isKind(r.object, "", "LimitRange")) continue;
    const ns = namespaceOf(r.object);
    const d = out.get(ns) ?? { requests: new Set<string>(), limits: new Set<string>() };
    const limits = getPath(r.object, ["spec", "limits"]);
    for (const l of Array.isArray(limits) ? limits : []) {
      if (!isMap(l) || l.type !== "Container") continue;
      // A default limit also becomes the request when no defaultRequest is given.
      for (const k of Object.keys(mapAt(l, ["default"]) ?? {})) {
        d.limits.add(k);
        d.requests.add(k);
      }
      for (const k of Object.keys(mapAt(l, ["defaultRequest"]) ?? {})) d.requests.add(k);
    }
    out.set(ns, d);
  }
  return out;
}

function keys(m: YamlMap | undefined): Set<string> {
  return new Set(Object.keys(m ?? {}));
}

function run(ctx: RuleContext): void {
  const required = resourceOptions(ctx.options);
  if (required.requests.length === 0 && required.limits.length === 0) return;
  for (const scope of ctx.clusters().flatMap(applyScopes)) {
    const defaults = limitRangeDefaults(scope);
    for (const r of scope.resources) {
      const template = podTemplateOf(r.object);
      if (template === undefined) continue;
      const nsDefaults = defaults.get(namespaceOf(r.object));
      const podRequests = keys(mapAt(template.spec, ["resources", "requests"]));
      const podLimits = keys(mapAt(template.spec, ["resources", "limits"]));
      for (const c of containersOf(template, ["containers", "initContainers"])) {
        const limits = keys(mapAt(c.container, ["resources", "limits"]));
        // Kubernetes sets a missing request to the container's limit.
        const requests = new Set([...keys(mapAt(c.container, ["resources", "requests"])), ...limits]);
        const missing: string[] = [];
        for (const name of required.requests) {
          if (!requests.has(name) && !podRequests.has(name) && !nsDefaults?.requests.has(name))
            missing.push(`${label(name)} request`);
        }
        for (const name of required.limits) {
          if (!limits.has(name) && !podLimits.has(name) && !nsDefaults?.limits.has(name))
            missing.push(`${label(name)} limit`);
        }
        if (missing.length === 0) continue;
        const what = c.list === "containers" ? "container" : "initContainer";
        ctx.report({
          message: `${describe(r)}: ${what} "${c.name}" has no ${missing.join(", ")}`,
          resource: r,
          path: isMap(c.container.resources) ? [...c.path, "resources"] : c.path,
        });
      }
    }
  }
}

function label(resource: string): string {
  return resource === "cpu" ? "CPU" : resource;
}

export const containerResources: Rule = {
  id: "container-resources",
  defaultSeverity: "warning",
  description: "Containers declare CPU and memory requests and limits",
  help: "Without requests the scheduler packs pods blindly and they are evicted first; without limits one container can starve its node. Set resources.requests and resources.limits for cpu and memory on every container and init container. A request may be left out when the limit is set (Kubernetes copies it), and a LimitRange in the same namespace or pod-level spec.resources count. Options: `requests` and `limits`, lists of resource names to require (default [cpu, memory] for both; e.g. `limits: [memory]` to allow CPU bursting).",
  run,
};
