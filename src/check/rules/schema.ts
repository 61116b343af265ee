/**
 * Schema rules: every rendered object against the official Kubernetes schemas, Flux's own
 * schemas and the CRDs rendered in the same cluster (plus slipway.yaml `check.schemaDirs`).
 * The five rules share one validation pass per run (one validator per cluster, so a cluster's
 * custom resources are checked against its own CRDs); each rule reports its class of issue.
 */
import { isMap, type KObject, type YamlValue } from "../../kustomize/types.js";
import { typedStandInOf } from "../../platform/masking.js";
import type { Platform, RenderedResource } from "../../platform/model.js";
import type { SecretPaths, ValuePath } from "../../secrets/paths.js";
import {
  createSchemaValidator,
  type SchemaIssue,
  type SchemaIssueKind,
} from "../../validate/schema/index.js";
import { formatPath } from "../../validate/schema/json-path.js";
import type { JsonPath } from "../../validate/schema/types.js";
import type { Rule, RuleContext } from "../types.js";
import { type PassIssues, readSchemaPass, schemaPassKeys, writeSchemaPass } from "./schema-cache.js";
import { crdScopes, isClusterScoped } from "./workloads/namespaces.js";

interface Validated {
  resource: RenderedResource;
  issues: SchemaIssue[];
}

/** A secret field of the wrong type, found on the typed stand-in (never the value). */
interface SecretTypeIssue {
  resource: RenderedResource;
  /** the secret field (the outermost marked path holding the issue) */
  path: JsonPath;
  expected: string;
  got: string;
}

interface SchemaPass {
  results: Validated[];
  secretTypes: SecretTypeIssue[];
  /** Broken CRD files from the schema directories (not rendered objects). */
  fileProblems: Array<{ file: string; message: string }>;
}

const passes = new WeakMap<Platform, Map<string, SchemaPass>>();

function schemaPass(ctx: RuleContext): SchemaPass {
  const dirs = ctx.schemaDirs ?? [];
  let byDirs = passes.get(ctx.platform);
  if (!byDirs) {
    byDirs = new Map();
    passes.set(ctx.platform, byDirs);
  }
  const key = dirs.join("\u0000");
  const cached = byDirs.get(key);
  if (cached) return cached;
  const pass: SchemaPass = { results: [], secretTypes: [], fileProblems: [] };
  const reportedFiles = new Set<string>();
  for (const cluster of ctx.clusters()) {
    const groups = cluster.kustomizations.map((k) => k.resources);
    const resources = groups.flat();
    // Schema directories are files the cache key does not cover.
    const cache = dirs.length === 0 ? ctx.cache : undefined;
    const keys = cache && schemaPassKeys(cache, groups);
    const known = keys && readSchemaPass(cache!, keys.pass, resources.length);
    // The pass missed: each group's entry, where one is kept (undefined: validate the group).
    const knownOfGroup =
      keys && !known ? groups.map((g, i) => readSchemaPass(cache!, keys.groups[i]!, g.length)) : [];
    const crds = () => resources.map((r) => r.object).filter(isCrd);
    // Without the cache, made up front (it reports the schema directories' broken files); with
    // it, when an object is validated here.
    let validator = keys ? undefined : createSchemaValidator({ crds: crds(), extraSchemaDirs: dirs });
    const knownAt = new Map(known || []);
    const found: PassIssues = [];
    let n = 0;
    for (const [g, group] of groups.entries()) {
      const fromGroup = knownOfGroup[g];
      const groupKnownAt = new Map(fromGroup || []);
      const foundInGroup: PassIssues = [];
      for (const [i, resource] of group.entries()) {
        let issues: SchemaIssue[];
        if (known && resource.secrets === undefined) issues = knownAt.get(n) ?? [];
        else if (fromGroup && resource.secrets === undefined) issues = groupKnownAt.get(i) ?? [];
        else {
          validator ??= createSchemaValidator({ crds: crds(), extraSchemaDirs: dirs });
          issues = validator.validate(resource.object).filter((x) => !isSopsEnvelope(resource.object, x));
        }
        if (resource.secrets === undefined && issues.length > 0) {
          found.push([n, issues]);
          foundInGroup.push([i, issues]);
        }
        if (issues.length > 0) pass.results.push({ resource, issues });
        const typed = typedStandInOf(resource);
        if (typed !== undefined) {
          validator ??= createSchemaValidator({ crds: crds(), extraSchemaDirs: dirs });
          pass.secretTypes.push(...secretTypeIssues(resource, typed, validator.validate(typed.standIn)));
        }
        n++;
      }
      if (keys && !known && !fromGroup && group.length > 0)
        writeSchemaPass(cache!, keys.groups[g]!, foundInGroup);
    }
    if (keys && !known) writeSchemaPass(cache!, keys.pass, found);
    if (validator === undefined) continue;
    for (const p of validator.crdProblems) {
      if (p.file === undefined) continue; // rendered CRDs are reported on the object itself
      const message = `${p.crd ? `CRD ${p.crd}: ` : ""}${p.issue.message}`;
      const k = `${p.file}\u0000${message}`;
      if (reportedFiles.has(k)) continue;
      reportedFiles.add(k);
      pass.fileProblems.push({ file: p.file, message });
    }
  }
  byDirs.set(key, pass);
  return pass;
}

/**
 * The issues of a typed stand-in that are about the type of a secret field: Kubernetes would
 * reject the object whatever the value. Anything else the stand-in fails (a pattern, a range)
 * is about the stand-in's value, not the secret's.
 */
function secretTypeIssues(
  resource: RenderedResource,
  {
    standIn,
    secrets,
    notBase64,
    ciphertext = [],
  }: {
    standIn: KObject;
    secrets: SecretPaths;
    notBase64: readonly string[];
    ciphertext?: readonly ValuePath[];
  },
  issues: readonly SchemaIssue[],
): SecretTypeIssue[] {
  const out: SecretTypeIssue[] = notBase64.map((key) => ({
    resource,
    path: ["data", key],
    expected: "base64 (the API server decodes a Secret's data; plain text belongs in stringData)",
    got: "text that is not base64",
  }));
  for (const issue of issues) {
    if (issue.kind !== "invalid" || issue.expected === undefined || !secrets.covers(issue.path)) continue;
    // Ciphertext where Flux writes a Secret's plaintext: its type is unknown, not wrong.
    if (ciphertext.some((p) => p.length <= issue.path.length && p.every((x, i) => x === issue.path[i])))
      continue;
    let at = 1;
    while (at < issue.path.length && !secrets.covers(issue.path.slice(0, at))) at++;
    out.push({
      resource,
      path: issue.path.slice(0, at),
      expected: issue.expected,
      got: typeName(valueAt(standIn, issue.path)),
    });
  }
  return out;
}

function typeName(v: YamlValue | undefined): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (isMap(v)) return "object";
  if (typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v))) return "integer";
  return typeof v === "number" ? "number" : typeof v;
}

function isCrd(obj: KObject): boolean {
  return (
    obj.kind === "CustomResourceDefinition" && String(obj.apiVersion).startsWith("apiextensions.k8s.io/")
  );
}

/**
 * A SOPS-encrypted file keeps its `sops:` metadata and `ENC[...]` values in Git; Flux
 * decrypts and removes the metadata before applying, so neither is a schema problem.
 */
function isSopsEnvelope(obj: KObject, issue: SchemaIssue): boolean {
  if (issue.kind === "unknown-field" && issue.path.length === 1 && issue.path[0] === "sops")
    return "sops" in obj;
  const value = valueAt(obj, issue.path);
  return typeof value === "string" && SOPS_VALUE.test(value);
}

const SOPS_VALUE = /^ENC\[[A-Z0-9_]+,data:.*\]$/s;

function valueAt(obj: YamlValue, p: readonly (string | number)[]): YamlValue | undefined {
  let v: YamlValue | undefined = obj;
  for (const seg of p) {
    if (Array.isArray(v) && typeof seg === "number") v = v[seg];
    else if (isMap(v)) v = v[String(seg)];
    else return undefined;
  }
  return v;
}

function describe(obj: KObject): string {
  const md = (obj.metadata ?? {}) as Record<string, unknown>;
  const ns = typeof md.namespace === "string" && md.namespace !== "" ? `${md.namespace}/` : "";
  return `${String(obj.kind)} ${ns}${String(md.name ?? "")}`;
}

const REQUIRED_MISSING = "required field is missing";

/**
 * The HelmRelease whose install may hold the object `resource` names, which a Flux Kustomization
 * applies by server-side apply: the apply merges its fields into that object (cryptophys'
 * kyverno-controller-overrides.yaml sets the placement of the chart's Deployments and no
 * containers). A rendered release counts when its output holds the same kind and name; one not
 * rendered counts when it installs into the object's namespace. Undefined for an object a
 * release applies itself.
 */
function mergedInto(ctx: RuleContext, resource: RenderedResource, missing: JsonPath): string | undefined {
  if (resource.helmRelease !== undefined) return undefined;
  const cluster = ctx.clusters().find((c) => c.name === resource.cluster);
  if (cluster?.mode !== "flux") return undefined;
  const md = (resource.object.metadata ?? {}) as Record<string, unknown>;
  const ns = typeof md.namespace === "string" ? md.namespace : "";
  for (const h of cluster.helmReleases) {
    const spec = (h.object.spec ?? {}) as Record<string, unknown>;
    const target =
      typeof spec.targetNamespace === "string" && spec.targetNamespace !== ""
        ? spec.targetNamespace
        : h.namespace;
    if (h.status === "rendered") {
      const same = h.resources?.some((r) => {
        const m = (r.object.metadata ?? {}) as Record<string, unknown>;
        return (
          r.object.kind === resource.object.kind &&
          r.object.apiVersion === resource.object.apiVersion &&
          m.name === md.name &&
          (m.namespace ?? target) === ns &&
          valueAt(r.object, missing) !== undefined
        );
      });
      if (same)
        return `server-side apply merges it into the object HelmRelease ${h.namespace}/${h.name} installs, which has the field`;
    } else if (target === ns && ns !== "") {
      return `server-side apply merges it into the ${String(resource.object.kind)} that HelmRelease ${h.namespace}/${h.name}, not rendered here, may install with the field`;
    }
  }
  return undefined;
}

function issueRule(
  id: string,
  kind: SchemaIssueKind,
  defaultSeverity: Rule["defaultSeverity"],
  description: string,
  help: string,
  strictSeverity?: Rule["defaultSeverity"],
  /** Issues kube-apiserver never raises for this object (built per run from the context). */
  moot?: (
    ctx: RuleContext,
  ) => (resource: RenderedResource, issue: { path: JsonPath; message: string }) => boolean,
): Rule {
  return {
    id,
    defaultSeverity,
    description,
    help,
    run(ctx) {
      const pass = schemaPass(ctx);
      const skip = moot?.(ctx);
      for (const { resource, issues } of pass.results) {
        for (const issue of issues) {
          if (issue.kind !== kind || skip?.(resource, issue)) continue;
          const merged =
            kind === "invalid" && !ctx.strict && issue.message.endsWith(REQUIRED_MISSING)
              ? mergedInto(ctx, resource, issue.path)
              : undefined;
          ctx.report({
            message: `${describe(resource.object)}: ${issue.message}${merged ? ` (${merged}; the apply fails only where that object does not exist yet)` : ""}`,
            resource,
            path: issue.path,
            ...(ctx.strict && strictSeverity ? { severity: strictSeverity } : {}),
            ...(merged ? { severity: "warning" as const } : {}),
          });
        }
      }
      if (kind !== "invalid") return;
      for (const t of pass.secretTypes) {
        ctx.report({
          message: `${describe(t.resource.object)}: ${formatPath(t.path)}: must be ${t.expected}, got ${t.got} from a secret (the value is not shown)`,
          resource: t.resource,
          path: t.path,
          typeOfSecret: true,
        });
      }
    },
  };
}

export const schemaInvalid = issueRule(
  "schema-invalid",
  "invalid",
  "error",
  "An object does not match its kind's schema (Kubernetes OpenAPI, Flux, or the cluster's CRDs).",
  "The API server would reject this object. Fix the field named in the message: a wrong type, a missing required field or a value outside the allowed set. Schemas: the official OpenAPI of a recent Kubernetes release, Flux's CRDs, and the CRDs rendered in the same cluster or found in slipway.yaml `check.schemaDirs`. A NetworkPolicy without spec.podSelector is not reported: kube-apiserver reads it as the empty selector (every pod of the namespace) and accepts it.",
  undefined,
  () => (resource, issue) =>
    issue.message.endsWith(REQUIRED_MISSING) && defaultedByApiServer(resource, issue.path),
);

/**
 * Fields the OpenAPI of a built-in kind marks required that kube-apiserver does not enforce: a
 * struct decoded as its zero value, which validation accepts. A NetworkPolicy without
 * spec.podSelector selects every pod of its namespace (mysteq's opencti-redis policies).
 */
const DEFAULTED_REQUIRED: ReadonlyArray<{ apiVersion: string; kind: string; path: readonly string[] }> = [
  { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", path: ["spec", "podSelector"] },
];

function defaultedByApiServer(resource: RenderedResource, path: JsonPath): boolean {
  return DEFAULTED_REQUIRED.some(
    (d) =>
      resource.object.apiVersion === d.apiVersion &&
      resource.object.kind === d.kind &&
      path.length === d.path.length &&
      d.path.every((seg, i) => path[i] === seg),
  );
}

export const schemaUnknownField = issueRule(
  "schema-unknown-field",
  "unknown-field",
  "warning",
  "A field that the kind's schema does not define (an error with --strict).",
  "The API server drops unknown fields (or rejects them with strict field validation), so the setting has no effect. Usually a typo or a field at the wrong indentation level.",
  "error",
);

export const metadataNameInvalid = issueRule(
  "metadata-name-invalid",
  "invalid-name",
  "error",
  "metadata.name or metadata.namespace is not a valid Kubernetes name for the kind (DNS-1123).",
  "Names must be lower-case letters, digits, '-' and '.' (DNS-1123 subdomain; a label of at most 63 characters for Namespaces and Services). The API server rejects other names. The namespace of a cluster-scoped object is not checked: the API server drops it.",
  undefined,
  // kube-apiserver clears metadata.namespace of a cluster-scoped object before validating it
  // (apiserver registry/rest BeforeCreate): truxnell/home-cluster's ClusterSecretStore in
  // "flux_system" applies.
  (ctx) => {
    let scopes: Map<string, string> | undefined;
    return (resource, issue) =>
      issue.path.length === 2 &&
      issue.path[0] === "metadata" &&
      issue.path[1] === "namespace" &&
      isClusterScoped(resource, (scopes ??= crdScopes(ctx)));
  },
);

export const crdSchemaBroken: Rule = {
  id: "crd-schema-broken",
  defaultSeverity: "error",
  description:
    "A CustomResourceDefinition whose schema cannot be used (not structural, bad types, unreadable file).",
  help: "The API server rejects a CRD whose openAPIV3Schema is not a structural schema. Custom resources of a broken version are not validated by Slipway.",
  run(ctx) {
    const pass = schemaPass(ctx);
    for (const { resource, issues } of pass.results) {
      for (const issue of issues) {
        if (issue.kind !== "bad-crd") continue;
        ctx.report({ message: `${describe(resource.object)}: ${issue.message}`, resource, path: issue.path });
      }
    }
    for (const p of pass.fileProblems) ctx.report({ message: p.message, file: p.file, line: 0 });
  },
};

export const schemaNoSchema: Rule = {
  id: "schema-no-schema",
  defaultSeverity: "info",
  description:
    "No schema is known for a kind (no built-in kind, no CRD in the cluster); reported once per kind and cluster.",
  help: "Objects of this kind are not validated. Render its CRD in the same cluster, or add the CRD file to a directory listed in slipway.yaml `check.schemaDirs`. An unknown apiVersion of a built-in kind (a removed beta API) shows up here too.",
  run(ctx) {
    const seen = new Set<string>();
    for (const { resource, issues } of schemaPass(ctx).results) {
      for (const issue of issues) {
        if (issue.kind !== "no-schema") continue;
        const key = `${resource.cluster}\u0000${String(resource.object.apiVersion)}\u0000${String(resource.object.kind)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        ctx.report({
          message: `${issue.message}; its objects are not validated`,
          resource,
          path: ["apiVersion"],
        });
      }
    }
  },
};

export const rules: Rule[] = [
  schemaInvalid,
  schemaUnknownField,
  schemaNoSchema,
  metadataNameInvalid,
  crdSchemaBroken,
];
