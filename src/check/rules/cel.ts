/**
 * CEL expressions in Flux objects: `dependsOn[].readyExpr` of Kustomizations and HelmReleases
 * (compiled by the controllers with `self` and `dep`, of type bool), Kustomization
 * `healthCheckExprs` and ResourceSet `dependsOn[].readyExpr` (parsed). Expressions Flux would
 * reject are errors; where every input is in the repository (a ConfigMap gate, a spec field),
 * the expression is evaluated and a dependency that can never be ready is said.
 */
import {
  type CelVerdict,
  checkObjectExpr,
  checkReadyExpr,
  evaluateObjectExpr,
  evaluateReadyExpr,
} from "../../flux/cel.js";
import type { KObject } from "../../kustomize/types.js";
import type { Cluster, RenderedResource } from "../../platform/model.js";
import type { FieldPath, Rule, RuleContext, RuleFinding } from "../types.js";

function groupOf(obj: KObject): string {
  const v = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
  return v.includes("/") ? v.slice(0, v.indexOf("/")) : "";
}

function meta(obj: KObject): { namespace: string; name: string; annotations: Record<string, unknown> } {
  const md = (obj.metadata ?? {}) as Record<string, unknown>;
  return {
    namespace: typeof md.namespace === "string" ? md.namespace : "",
    name: typeof md.name === "string" ? md.name : "",
    annotations: (md.annotations ?? {}) as Record<string, unknown>,
  };
}

function list(v: unknown): Array<Record<string, unknown>> {
  return Array.isArray(v)
    ? v.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null)
    : [];
}

type Kind = "Kustomization" | "HelmRelease" | "ResourceSet";

const KINDS: Record<string, Kind> = {
  "kustomize.toolkit.fluxcd.io/Kustomization": "Kustomization",
  "helm.toolkit.fluxcd.io/HelmRelease": "HelmRelease",
  "fluxcd.controlplane.io/ResourceSet": "ResourceSet",
};

/** Every rendered Kustomization, HelmRelease and ResourceSet of a cluster, once. */
function fluxObjects(cluster: Cluster): Array<{ r: RenderedResource; kind: Kind }> {
  const out: Array<{ r: RenderedResource; kind: Kind }> = [];
  const seen = new Set<string>();
  for (const k of cluster.kustomizations) {
    for (const r of k.resources) {
      const kind = KINDS[`${groupOf(r.object)}/${String(r.object.kind)}`];
      if (!kind) continue;
      const { namespace, name } = meta(r.object);
      const key = `${kind}/${namespace}/${name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ r, kind });
    }
  }
  return out;
}

/** The rendered object `kind` (any group) named so in the cluster. */
function findObject(
  cluster: Cluster,
  apiVersion: string,
  kind: string,
  namespace: string | undefined,
  name: string,
): KObject | undefined {
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  for (const k of cluster.kustomizations) {
    for (const r of k.resources) {
      if (r.object.kind !== kind || groupOf(r.object) !== group) continue;
      const m = meta(r.object);
      if (m.name === name && (namespace === undefined || m.namespace === namespace)) return r.object;
    }
  }
  return undefined;
}

function reportVerdict(
  ctx: RuleContext,
  at: Omit<RuleFinding, "message">,
  what: string,
  expr: string,
  verdict: CelVerdict,
): boolean {
  if (verdict.ok === true) return true;
  if (verdict.ok === false) {
    ctx.report({ ...at, message: `${what}: invalid CEL expression '${oneLine(expr)}': ${verdict.error}` });
    return false;
  }
  ctx.report({
    ...at,
    severity: "info",
    message: `${what}: CEL expression '${oneLine(expr)}' not type-checked offline (${verdict.reason})`,
  });
  return false;
}

function oneLine(expr: string): string {
  const s = expr.trim().replace(/\s+/g, " ");
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

export const celExpressions: Rule = {
  id: "flux-cel",
  defaultSeverity: "error",
  description:
    "CEL expressions in Flux objects (dependsOn readyExpr, healthCheckExprs, ResourceSet readyExpr) that Flux rejects, and readiness expressions that are false on the repository's own objects.",
  help: "A readyExpr of a Kustomization or HelmRelease sees `self` and `dep` and must be a bool (compare a field, don't return it: `dep.status.x == true`); healthCheckExprs need `current`; an invalid expression stalls the object. A readiness expression that is false on objects this repository defines keeps the dependent waiting until they change in the cluster.",
  run(ctx) {
    for (const cluster of ctx.clusters()) {
      for (const { r, kind } of fluxObjects(cluster)) {
        const obj = r.object;
        const spec = (obj.spec ?? {}) as Record<string, unknown>;
        const { namespace, name } = meta(obj);
        const id = `${kind} ${namespace ? `${namespace}/` : ""}${name}`;
        const at = (path: FieldPath): Omit<RuleFinding, "message"> => ({
          resource: r,
          path,
          cluster: cluster.name,
          kustomization: r.kustomization,
        });
        list(spec.dependsOn).forEach((dep, i) => {
          const expr = dep.readyExpr;
          if (typeof expr !== "string" || expr.trim() === "") return;
          const path = ["spec", "dependsOn", i, "readyExpr"];
          if (kind === "ResourceSet") {
            // The operator parses and evaluates a readyExpr only with `ready: true`
            // (buildDependencyExpressions, checkDependencies): otherwise it is ignored, never an error.
            if (dep.ready !== true) {
              ctx.report({
                ...at(path),
                severity: "warning",
                message: `${id} dependsOn[${i}]: readyExpr is ignored without ready: true (the operator evaluates it only then), so ${id} waits only for the object to exist`,
              });
              return;
            }
            if (!reportVerdict(ctx, at(path), `${id} dependsOn[${i}]`, expr, checkObjectExpr(expr))) return;
            const target = findObject(
              cluster,
              String(dep.apiVersion ?? ""),
              String(dep.kind ?? ""),
              typeof dep.namespace === "string" ? dep.namespace : undefined,
              String(dep.name ?? ""),
            );
            if (!target) return;
            const visible = { ...target };
            // The operator hides Secret data of other namespaces from readiness expressions.
            if (target.kind === "Secret" && meta(target).namespace !== namespace) delete visible.data;
            const result = evaluateObjectExpr(expr, visible);
            if ("value" in result && !result.value) {
              ctx.report({
                ...at(path),
                severity: "warning",
                message: `${id} waits for ${String(dep.kind)} ${meta(target).namespace ? `${meta(target).namespace}/` : ""}${meta(target).name}: its readyExpr '${oneLine(expr)}' is false on the object this repository renders, so the operator does not reconcile ${id} until it changes in the cluster`,
              });
            }
            return;
          }
          if (!reportVerdict(ctx, at(path), `${id} dependsOn[${i}]`, expr, checkReadyExpr(expr))) return;
          const depName = String(dep.name ?? "");
          const depNamespace = typeof dep.namespace === "string" && dep.namespace ? dep.namespace : namespace;
          const target = findObject(cluster, String(obj.apiVersion ?? ""), kind, depNamespace, depName);
          if (!target) return;
          const result = evaluateReadyExpr(expr, obj, target);
          if ("value" in result && !result.value) {
            ctx.report({
              ...at(path),
              severity: "warning",
              message: `${id} depends on ${kind} ${depNamespace}/${depName} with readyExpr '${oneLine(expr)}', which is false on the objects this repository renders: Flux waits until it holds in the cluster`,
            });
          } else if ("error" in result) {
            ctx.report({ ...at(path), message: `${id} dependsOn[${i}]: ${result.error}` });
          }
        });
        if (kind !== "Kustomization") continue;
        list(spec.healthCheckExprs).forEach((h, i) => {
          const where = `${id} healthCheckExprs[${i}] (${String(h.apiVersion ?? "")} ${String(h.kind ?? "")})`;
          if (typeof h.current !== "string" || h.current.trim() === "") {
            ctx.report({
              ...at(["spec", "healthCheckExprs", i]),
              message: `${where}: expression Current not specified`,
            });
          }
          for (const field of ["current", "inProgress", "failed"]) {
            const expr = h[field];
            if (typeof expr !== "string" || expr.trim() === "") continue;
            reportVerdict(
              ctx,
              at(["spec", "healthCheckExprs", i, field]),
              `${where} ${field}`,
              expr,
              checkObjectExpr(expr),
            );
          }
        });
      }
    }
  },
};

export const rules: Rule[] = [celExpressions];
