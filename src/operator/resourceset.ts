/**
 * The Flux Operator's ResourceSet and ResourceSetInputProvider (`fluxcd.controlplane.io/v1`,
 * controlplaneio-fluxcd/flux-operator api/v1) decoded from rendered objects, with the checks the
 * API server (CRD schema and CEL rules) and the operator (ValidateResourceSetSpec) apply.
 */
import { isMap, type KObject, type YamlMap, type YamlValue } from "../kustomize/types.js";
import { decodeInputList, type InputSet, type InputStrategy } from "./inputs.js";

export const OPERATOR_GROUP = "fluxcd.controlplane.io";
export const RECONCILE_ANNOTATION = "fluxcd.controlplane.io/reconcile";
export const MAX_STEPS = 20;

export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: Array<{ key: string; operator: string; values: string[] }>;
}

export interface InputProviderReference {
  name?: string;
  selector?: LabelSelector;
}

export interface Dependency {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  ready: boolean;
  readyExpr?: string;
}

export interface ResourceTemplates {
  /** `resources[]`, each a JSON object template. */
  resources: YamlValue[];
  /** `resourcesTemplate`, a multi-document YAML template. */
  resourcesTemplate: string;
}

export interface ResourceSetStep extends ResourceTemplates {
  name: string;
  timeout?: string;
}

export interface ResourceSetSpec extends ResourceTemplates {
  namespace: string;
  name: string;
  inputs: InputSet[];
  inputsFrom: InputProviderReference[];
  inputStrategy: InputStrategy;
  steps: ResourceSetStep[];
  dependsOn: Dependency[];
  commonMetadata: { labels: Record<string, string>; annotations: Record<string, string> };
  wait: boolean;
  serviceAccountName?: string;
  /** `fluxcd.controlplane.io/reconcile: disabled`: the operator leaves it alone. */
  disabled: boolean;
}

export type ProviderType =
  | "Static"
  | "GitHubBranch"
  | "GitHubTag"
  | "GitHubPullRequest"
  | "GitLabBranch"
  | "GitLabTag"
  | "GitLabMergeRequest"
  | "GitLabEnvironment"
  | "AzureDevOpsBranch"
  | "AzureDevOpsTag"
  | "AzureDevOpsPullRequest"
  | "AWSCodeCommitBranch"
  | "AWSCodeCommitTag"
  | "AWSCodeCommitPullRequest"
  | "GiteaBranch"
  | "GiteaTag"
  | "GiteaPullRequest"
  | "OCIArtifactTag"
  | "ACRArtifactTag"
  | "ECRArtifactTag"
  | "GARArtifactTag"
  | "ExternalService"
  | "ExternalArtifact";

const PROVIDER_TYPES = new Set<string>([
  "Static",
  "GitHubBranch",
  "GitHubTag",
  "GitHubPullRequest",
  "GitLabBranch",
  "GitLabTag",
  "GitLabMergeRequest",
  "GitLabEnvironment",
  "AzureDevOpsBranch",
  "AzureDevOpsTag",
  "AzureDevOpsPullRequest",
  "AWSCodeCommitBranch",
  "AWSCodeCommitTag",
  "AWSCodeCommitPullRequest",
  "GiteaBranch",
  "GiteaTag",
  "GiteaPullRequest",
  "OCIArtifactTag",
  "ACRArtifactTag",
  "ECRArtifactTag",
  "GARArtifactTag",
  "ExternalService",
  "ExternalArtifact",
]);

export interface InputProviderSpec {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  type: ProviderType;
  defaultValues: YamlMap;
  /** `status.exportedInputs`, when the manifest carries a status. */
  exportedInputs?: InputSet[];
  disabled: boolean;
}

export class ResourceSetSpecError extends Error {
  constructor(
    message: string,
    /** The field of the object the error is about. */
    readonly field?: Array<string | number>,
  ) {
    super(message);
  }
}

export function isResourceSet(obj: KObject): boolean {
  return obj.kind === "ResourceSet" && groupOf(obj) === OPERATOR_GROUP;
}

export function isInputProvider(obj: KObject): boolean {
  return obj.kind === "ResourceSetInputProvider" && groupOf(obj) === OPERATOR_GROUP;
}

function groupOf(obj: KObject): string {
  const v = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
  const slash = v.indexOf("/");
  return slash < 0 ? "" : v.slice(0, slash);
}

function str(v: YamlValue | undefined): string {
  return typeof v === "string" ? v : v === undefined || v === null ? "" : String(v);
}

function stringMap(v: YamlValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (isMap(v)) for (const [k, x] of Object.entries(v)) out[k] = str(x);
  return out;
}

function meta(obj: KObject): {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
} {
  const m = isMap(obj.metadata) ? obj.metadata : {};
  return {
    namespace: str(m.namespace),
    name: str(m.name),
    labels: stringMap(m.labels),
    annotations: stringMap(m.annotations),
  };
}

/** Decodes a ResourceSet; `defaultNamespace` stands in for a missing metadata.namespace. */
export function decodeResourceSet(obj: KObject, defaultNamespace = "default"): ResourceSetSpec {
  const m = meta(obj);
  const spec = isMap(obj.spec) ? obj.spec : {};
  const fail = (message: string, ...field: Array<string | number>): never => {
    throw new ResourceSetSpecError(message, ["spec", ...field]);
  };
  const templates = (v: YamlMap, ...where: Array<string | number>): ResourceTemplates => {
    if (v.resources !== undefined && v.resources !== null && !Array.isArray(v.resources)) {
      fail(`${dotted(["spec", ...where, "resources"])} must be a list of objects`, ...where, "resources");
    }
    const resources = (Array.isArray(v.resources) ? v.resources : []) as YamlValue[];
    resources.forEach((r, i) => {
      if (!isMap(r))
        fail(`${dotted(["spec", ...where, "resources", i])} must be an object`, ...where, "resources", i);
    });
    if (
      v.resourcesTemplate !== undefined &&
      v.resourcesTemplate !== null &&
      typeof v.resourcesTemplate !== "string"
    ) {
      fail(
        `${dotted(["spec", ...where, "resourcesTemplate"])} must be a string`,
        ...where,
        "resourcesTemplate",
      );
    }
    return { resources, resourcesTemplate: str(v.resourcesTemplate) };
  };
  const own = templates(spec);
  const steps: ResourceSetStep[] = [];
  if (Array.isArray(spec.steps)) {
    if (spec.steps.length > MAX_STEPS)
      fail(`spec.steps: Too many: ${spec.steps.length}: must have at most ${MAX_STEPS} items`, "steps");
    const names = new Set<string>();
    for (const [i, s] of spec.steps.entries()) {
      if (!isMap(s)) {
        fail(`spec.steps[${i}] must be an object`, "steps", i);
        continue;
      }
      const name = str(s.name);
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) {
        fail(
          `spec.steps[${i}].name: Invalid value: "${name}": must be a valid DNS label`,
          "steps",
          i,
          "name",
        );
      }
      if (names.has(name)) fail(`spec.steps[${i}].name: Duplicate value: "${name}"`, "steps", i, "name");
      names.add(name);
      const t = templates(s, "steps", i);
      if (t.resources.length === 0 && t.resourcesTemplate === "") {
        fail(`step "${name}": at least one of resources or resourcesTemplate must be set`, "steps", i);
      }
      steps.push({ name, ...t, ...(s.timeout !== undefined ? { timeout: str(s.timeout) } : {}) });
    }
  }
  if (steps.length > 0 && (own.resources.length > 0 || own.resourcesTemplate !== "")) {
    fail("spec.steps is mutually exclusive with spec.resources and spec.resourcesTemplate", "steps");
  }
  let inputs: InputSet[] = [];
  try {
    inputs = decodeInputList(spec.inputs, "spec.inputs");
  } catch (err) {
    fail((err as Error).message, "inputs");
  }
  const inputsFrom: InputProviderReference[] = [];
  if (Array.isArray(spec.inputsFrom)) {
    for (const [i, r] of spec.inputsFrom.entries()) {
      if (!isMap(r)) {
        fail(`spec.inputsFrom[${i}] must be an object`, "inputsFrom", i);
        continue;
      }
      const kind = str(r.kind);
      const apiVersion = str(r.apiVersion);
      if (kind !== "" && kind !== "ResourceSetInputProvider") {
        fail(
          `spec.inputsFrom[${i}].kind: Unsupported value: "${kind}": supported values: "ResourceSetInputProvider"`,
          "inputsFrom",
          i,
          "kind",
        );
      }
      if (apiVersion !== "" && apiVersion !== "fluxcd.controlplane.io/v1") {
        fail(
          `spec.inputsFrom[${i}].apiVersion: Unsupported value: "${apiVersion}": supported values: "fluxcd.controlplane.io/v1"`,
          "inputsFrom",
          i,
          "apiVersion",
        );
      }
      const name = str(r.name);
      const selector =
        r.selector !== undefined && r.selector !== null
          ? decodeSelector(r.selector, `spec.inputsFrom[${i}].selector`)
          : undefined;
      if ((name === "") === (selector === undefined)) {
        fail("input provider reference must have either name or selector set", "inputsFrom", i);
      }
      inputsFrom.push(name ? { name } : { selector: selector! });
    }
  }
  const strategySpec = isMap(spec.inputStrategy) ? spec.inputStrategy : {};
  const strategyName = str(strategySpec.name) || "Flatten";
  if (strategyName !== "Flatten" && strategyName !== "Permute") {
    fail(
      `spec.inputStrategy.name: Unsupported value: "${strategyName}": supported values: "Flatten", "Permute"`,
      "inputStrategy",
      "name",
    );
  }
  const dependsOn: Dependency[] = [];
  if (Array.isArray(spec.dependsOn)) {
    for (const [i, d] of spec.dependsOn.entries()) {
      if (!isMap(d)) {
        fail(`spec.dependsOn[${i}] must be an object`, "dependsOn", i);
        continue;
      }
      for (const req of ["apiVersion", "kind", "name"]) {
        if (str(d[req]) === "") fail(`spec.dependsOn[${i}].${req}: Required value`, "dependsOn", i, req);
      }
      dependsOn.push({
        apiVersion: str(d.apiVersion),
        kind: str(d.kind),
        name: str(d.name),
        ...(str(d.namespace) ? { namespace: str(d.namespace) } : {}),
        ready: d.ready === true,
        ...(str(d.readyExpr) ? { readyExpr: str(d.readyExpr) } : {}),
      });
    }
  }
  const cm = isMap(spec.commonMetadata) ? spec.commonMetadata : {};
  return {
    namespace: m.namespace || defaultNamespace,
    name: m.name,
    inputs,
    inputsFrom,
    inputStrategy:
      strategyName === "Permute"
        ? { name: "Permute", includeEmptyProviders: strategySpec.includeEmptyProviders === true }
        : { name: "Flatten" },
    ...own,
    steps,
    dependsOn,
    commonMetadata: { labels: stringMap(cm.labels), annotations: stringMap(cm.annotations) },
    wait: spec.wait === true,
    ...(str(spec.serviceAccountName) ? { serviceAccountName: str(spec.serviceAccountName) } : {}),
    disabled: (m.annotations[RECONCILE_ANNOTATION] ?? "").toLowerCase() === "disabled",
  };
}

export function decodeInputProvider(obj: KObject, defaultNamespace = "default"): InputProviderSpec {
  const m = meta(obj);
  const spec = isMap(obj.spec) ? obj.spec : {};
  const type = str(spec.type);
  if (!PROVIDER_TYPES.has(type)) {
    throw new ResourceSetSpecError(`spec.type: Unsupported value: "${type}"`, ["spec", "type"]);
  }
  if (spec.defaultValues !== undefined && spec.defaultValues !== null && !isMap(spec.defaultValues)) {
    throw new ResourceSetSpecError("spec.defaultValues must be a map", ["spec", "defaultValues"]);
  }
  const status = isMap(obj.status) ? obj.status : {};
  let exportedInputs: InputSet[] | undefined;
  if (Array.isArray(status.exportedInputs)) {
    try {
      exportedInputs = decodeInputList(status.exportedInputs, "status.exportedInputs");
    } catch (err) {
      throw new ResourceSetSpecError((err as Error).message, ["status", "exportedInputs"]);
    }
  }
  return {
    namespace: m.namespace || defaultNamespace,
    name: m.name,
    labels: m.labels,
    type: type as ProviderType,
    defaultValues: isMap(spec.defaultValues) ? spec.defaultValues : {},
    ...(exportedInputs ? { exportedInputs } : {}),
    disabled: (m.annotations[RECONCILE_ANNOTATION] ?? "").toLowerCase() === "disabled",
  };
}

function decodeSelector(v: YamlValue, where: string): LabelSelector {
  if (!isMap(v)) throw new ResourceSetSpecError(`${where} must be an object`);
  const matchExpressions: LabelSelector["matchExpressions"] = [];
  if (Array.isArray(v.matchExpressions)) {
    for (const [i, e] of v.matchExpressions.entries()) {
      if (!isMap(e)) throw new ResourceSetSpecError(`${where}.matchExpressions[${i}] must be an object`);
      const operator = str(e.operator);
      if (!["In", "NotIn", "Exists", "DoesNotExist"].includes(operator)) {
        throw new ResourceSetSpecError(
          `${where}.matchExpressions[${i}].operator: "${operator}" is not a valid label selector operator`,
        );
      }
      const values = Array.isArray(e.values) ? e.values.map(str) : [];
      if ((operator === "In" || operator === "NotIn") && values.length === 0) {
        throw new ResourceSetSpecError(
          `${where}.matchExpressions[${i}].values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'`,
        );
      }
      if ((operator === "Exists" || operator === "DoesNotExist") && values.length > 0) {
        throw new ResourceSetSpecError(
          `${where}.matchExpressions[${i}].values: Forbidden: may not be specified when \`operator\` is 'Exists' or 'DoesNotExist'`,
        );
      }
      matchExpressions.push({ key: str(e.key), operator, values });
    }
  }
  return { matchLabels: stringMap(v.matchLabels), matchExpressions };
}

/** metav1.LabelSelectorAsSelector(...).Matches(labels). An empty selector matches everything. */
export function selectorMatches(sel: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels)) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions) {
    const has = Object.hasOwn(labels, e.key);
    switch (e.operator) {
      case "In":
        if (!has || !e.values.includes(labels[e.key]!)) return false;
        break;
      case "NotIn":
        if (has && e.values.includes(labels[e.key]!)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
    }
  }
  return true;
}

function dotted(path: Array<string | number>): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}
