/**
 * The promotion plan: what `slipway promote` prints (`--format json` prints it as is) and
 * what `--write` applies. A plan is computed from two rendered environments and the target's
 * source files; it never writes anything.
 */
import type { RenderedResource } from "../platform/model.js";
import type { CstPath, ScalarValue } from "../yaml/cst-edit.js";

/**
 * A field path in a rendered object. A `{ name }` step selects the list item with that
 * `name` (containers), so the same field is found in another environment and in a patch.
 */
export type FieldStep = string | number | { name: string };
export type FieldPath = FieldStep[];

export type VersionKind = "image" | "chart" | "source" | "value";

/** One version-bearing field of a rendered object. */
export interface VersionField {
  kind: VersionKind;
  /** Identity across environments: object (environment words mapped away) + field. */
  key: string;
  /** `image ghcr.io/acme/backend`, `HelmRelease traefik chart version`, `OCIRepository podinfo ref.tag`. */
  label: string;
  resource: RenderedResource;
  path: FieldPath;
  value: ScalarValue;
  image?: ImageRef;
  /** A range (`>=1.0.0`, `^2`) rather than one version. */
  range?: boolean;
  /** The `$imagepolicy` setter marking the field (`flux-system:podinfo:tag`). */
  setter?: string;
  /** Where a setter-marked field is written (repository-relative file, 1-based line). */
  setterAt?: { file: string; line: number };
}

export interface ImageRef {
  name: string;
  tag: string;
  digest: string;
}

/** One change to one source file, made through the CST (see src/yaml/cst-edit.ts). */
export type Edit = SetEdit | InsertEdit | RemoveEdit;

interface EditBase {
  /** Repository-relative file. */
  file: string;
  /** Document index in the file. */
  doc: number;
  /** 1-based line of the field (of the map for inserts). */
  line: number;
  /** What the field is, for people: `newTag`, `image`, `chart version`, `variable app_version`. */
  what: string;
  /**
   * Set when the field lives in YAML held as text by a block scalar (an inline patch): `path`
   * leads to that scalar, `inner` to the field inside its text.
   */
  inner?: { doc: number; path: CstPath };
}

export interface SetEdit extends EditBase {
  op: "set";
  path: CstPath;
  old: string;
  value: ScalarValue;
}

export interface InsertEdit extends EditBase {
  op: "insert";
  /** The block map the key goes into. */
  path: CstPath;
  key: string;
  value: ScalarValue;
  /** Insert right after this key (default: at the end of the map). */
  after?: string;
}

export interface RemoveEdit extends EditBase {
  op: "remove";
  /** The key to remove. */
  path: CstPath;
  old: string;
}

/** One version promoted: the field, its values in both environments, and the edits. */
export interface VersionChange {
  kind: VersionKind;
  label: string;
  /** `Kind namespace/name` of the rendered object in the target. */
  object: string;
  /** Its identity (API group, kind, namespace, name) as the diff matches objects. */
  objectKey: string;
  /** Rendered field path in the target object (`spec.template.spec.containers[name=app].image`). */
  field: string;
  path: FieldPath;
  from: string;
  to: string;
  edits: Edit[];
  /** Warnings a reviewer should read (an ImagePolicy that will rewrite the value, ...). */
  notes: string[];
}

export interface AppPlan {
  /** The app: its Flux Kustomization's name (environment words mapped away). */
  app: string;
  /** `namespace/name` of the Flux Kustomization in each environment. */
  source: string;
  target: string;
  changes: VersionChange[];
}

export type RefusalCode =
  | "SOURCE_CHECK"
  | "SOURCE_RENDER"
  | "SHARED_BASE"
  | "AMBIGUOUS"
  | "UNTRACEABLE"
  | "ENCRYPTED"
  | "VERIFY"
  | "TARGET_CHECK"
  | "TARGET_RENDER";

/** Why the promotion cannot be made as planned. Any refusal makes the run exit 1. */
export interface Refusal {
  code: RefusalCode;
  message: string;
  app?: string;
  file?: string;
  line?: number;
  /** What to do instead (the overlay to pin a version in, with the YAML to add). */
  suggestion?: string;
}

export interface PromotionPlan {
  from: string;
  to: string;
  /** The Git revision the source environment was read at (branch per environment). */
  fromRef?: string;
  apps: AppPlan[];
  /** Apps not promoted, and why (only in the source, no differences, not selected). */
  skipped: Array<{ app: string; reason: string }>;
  refusals: Refusal[];
  /** Version differences deliberately not promoted (policies such as open semver ranges). */
  notes: string[];
}

export function editCount(plan: PromotionPlan): number {
  return plan.apps.reduce((n, a) => n + a.changes.reduce((m, c) => m + c.edits.length, 0), 0);
}

export function editedFiles(plan: PromotionPlan, app?: string): string[] {
  const files = new Set<string>();
  for (const a of plan.apps) {
    if (app !== undefined && a.app !== app) continue;
    for (const c of a.changes) for (const e of c.edits) files.add(e.file);
  }
  return [...files].sort();
}

export function formatFieldPath(path: FieldPath): string {
  let out = "";
  for (const step of path) {
    if (typeof step === "number") out += `[${step}]`;
    else if (typeof step === "object") out += `[name=${step.name}]`;
    else out += out === "" ? step : /^[A-Za-z0-9_-]+$/.test(step) ? `.${step}` : `[${JSON.stringify(step)}]`;
  }
  return out;
}
