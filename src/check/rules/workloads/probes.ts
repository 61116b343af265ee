/** `container-probes`: long-running containers have liveness and readiness probes. */
import type { Rule, RuleContext } from "../../types.js";
import { describe } from "./objects.js";
import { containersOf, podTemplateOf } from "./pods.js";

const PROBES = { liveness: "livenessProbe", readiness: "readinessProbe" } as const;
type ProbeName = keyof typeof PROBES;

/** `options.require`: which probes to require (default both). */
export function requiredProbes(options: Record<string, unknown>): ProbeName[] {
  const v = options.require;
  if (v === undefined) return ["liveness", "readiness"];
  if (!Array.isArray(v) || v.some((s) => s !== "liveness" && s !== "readiness"))
    throw new Error("options.require must be a list of probe names: liveness, readiness");
  return v as ProbeName[];
}

function run(ctx: RuleContext): void {
  const required = requiredProbes(ctx.options);
  for (const r of ctx.resources()) {
    const template = podTemplateOf(r.object);
    if (template === undefined || !template.longRunning) continue;
    for (const c of containersOf(template, ["containers", "initContainers"])) {
      if (!c.runsAlongside) continue;
      const missing = required.filter(
        (p) => c.container[PROBES[p]] === undefined || c.container[PROBES[p]] === null,
      );
      if (missing.length === 0) continue;
      const what = c.list === "containers" ? "container" : "sidecar initContainer";
      ctx.report({
        message: `${describe(r)}: ${what} "${c.name}" has no ${missing.join(" or ")} probe`,
        resource: r,
        path: c.path,
      });
    }
  }
}

export const containerProbes: Rule = {
  id: "container-probes",
  defaultSeverity: "warning",
  description: "Long-running containers have liveness and readiness probes",
  help: "Without a readiness probe a pod receives traffic before it can serve and rollouts cannot tell a broken version from a working one; without a liveness probe a hung process is never restarted. Add livenessProbe and readinessProbe to the containers of Deployments, StatefulSets, DaemonSets, ReplicaSets, Argo Rollouts and restartable Pods, and to sidecar init containers (restartPolicy: Always). Jobs, CronJobs and ordinary init containers run to completion and are not checked. Option: `require`, the probes to require (default [liveness, readiness]).",
  run,
};
