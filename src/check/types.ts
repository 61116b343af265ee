/**
 * The contract between `slipway check`'s engine and its rules. A rule is a small pure
 * function over the Platform model that reports findings; the engine runs the enabled rules,
 * applies configuration (severity overrides, per-path excludes, `slipway.dev/ignore`
 * annotations), maps each finding to the source line a person edits, and hands the result to
 * a reporter (text, json, sarif, junit, github).
 */
import type { RenderCache } from "../cache/store.js";
import type { KObject } from "../kustomize/types.js";
import type { Cluster, FluxKustomization, Platform, RenderedResource } from "../platform/model.js";

export type Severity = "error" | "warning" | "info";

/** A path inside an object, as keys and list indices: ["spec", "template", "spec", "containers", 0, "image"]. */
export type FieldPath = Array<string | number>;

export interface ResourceId {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

/** What a rule reports. The engine fills in severity defaults, ids and source locations. */
export interface RuleFinding {
  message: string;
  /** The offending object, when the finding is about one rendered object. */
  resource?: RenderedResource;
  /** The field inside that object, so the engine can point at its source line. */
  path?: FieldPath;
  /** Otherwise (or in addition): an explicit repository-relative file and line. */
  file?: string;
  line?: number;
  cluster?: string;
  /** `namespace/name` of the Flux Kustomization concerned. */
  kustomization?: string;
  /** Overrides the rule's default severity for this one finding (rare). */
  severity?: Severity;
  /**
   * About the type of a secret field, worded without its value (schema-invalid on a typed
   * stand-in): reported although `path` is secret, where judgements of the masked value are not.
   */
  typeOfSecret?: boolean;
}

export interface RuleContext {
  platform: Platform;
  /** Report one finding. */
  report(f: RuleFinding): void;
  /** Helpers shared by rules (computed once per run, lazily). */
  clusters(): Cluster[];
  kustomizations(): FluxKustomization[];
  resources(): RenderedResource[];
  /** Options from slipway.yaml `check.rules.<id>.options`, if any. */
  options: Record<string, unknown>;
  /** `--strict`: rules may raise the severity of findings that are lenient by default. */
  strict?: boolean;
  /** Absolute directories of extra CRD files (slipway.yaml `check.schemaDirs`). */
  schemaDirs?: string[];
  /**
   * The persistent render cache (src/cache), for a rule's work that is a function of objects it
   * keys its entries by (the schema pass); absent: off.
   */
  cache?: RenderCache;
}

export interface Rule {
  /** Stable id, kebab-case: `image-tag-pinned`. */
  id: string;
  defaultSeverity: Severity;
  /** One line for docs and `slipway check --list-rules`. */
  description: string;
  /** Longer help / remediation; shown in SARIF and docs. */
  help?: string;
  run(ctx: RuleContext): void;
}

/** A finding as reported to users: everything resolved. */
export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  cluster?: string;
  kustomization?: string;
  resource?: ResourceId;
  /** Repository-relative POSIX path of the file to edit, and 1-based line (0 = unknown). */
  file?: string;
  line?: number;
}

export function resourceIdOf(obj: KObject): ResourceId {
  const md = (obj.metadata ?? {}) as Record<string, unknown>;
  return {
    apiVersion: typeof obj.apiVersion === "string" ? obj.apiVersion : "",
    kind: typeof obj.kind === "string" ? obj.kind : "",
    namespace: typeof md.namespace === "string" ? md.namespace : "",
    name: typeof md.name === "string" ? md.name : "",
  };
}
