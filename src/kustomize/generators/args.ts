/**
 * The shapes of `configMapGenerator` / `secretGenerator` entries and `generatorOptions`
 * as written in kustomization.yaml (kustomize api/types: ConfigMapArgs, SecretArgs,
 * GeneratorOptions).
 */

export type GeneratorBehavior = "create" | "merge" | "replace";

export interface GeneratorOptions {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  disableNameSuffixHash?: boolean;
  immutable?: boolean;
}

export interface GeneratorArgs {
  name: string;
  namespace?: string;
  /** Anything but "merge"/"replace" (including unknown words) behaves as "create", as in kustomize. */
  behavior?: string;
  /** `KEY=VALUE`; the value may contain `=`; one pair of matching surrounding quotes is stripped. */
  literals?: string[];
  /** `path` (key = the path's basename) or `key=path`, relative to the kustomization directory. */
  files?: string[];
  /** env files (`KEY=VALUE` lines). */
  envs?: string[];
  /** Legacy single env file; kustomize reads it after `envs`. */
  env?: string;
  options?: GeneratorOptions;
}

export interface SecretArgs extends GeneratorArgs {
  /** Defaults to `Opaque`. */
  type?: string;
}

/** kustomize's `NewGenerationBehavior`: unknown or empty words mean "create". */
export function generatorBehavior(word: string | undefined): GeneratorBehavior {
  return word === "merge" || word === "replace" ? word : "create";
}

/**
 * kustomize's MergeGlobalOptionsIntoLocal: for labels and annotations the per-generator
 * value wins key by key; the booleans are OR'ed, because a `false` cannot be told apart
 * from "not set" (so a global `disableNameSuffixHash: true` cannot be turned off locally).
 * Returns a new object; the inputs are not modified.
 */
export function mergeGeneratorOptions(
  global: GeneratorOptions | undefined,
  perGenerator: GeneratorOptions | undefined,
): GeneratorOptions | undefined {
  if (!global) return perGenerator ? copyOptions(perGenerator) : undefined;
  const merged = perGenerator ? copyOptions(perGenerator) : {};
  merged.labels = mergeMissingKeys(merged.labels, global.labels);
  merged.annotations = mergeMissingKeys(merged.annotations, global.annotations);
  if (merged.labels === undefined) delete merged.labels;
  if (merged.annotations === undefined) delete merged.annotations;
  if (global.disableNameSuffixHash) merged.disableNameSuffixHash = true;
  if (global.immutable) merged.immutable = true;
  return merged;
}

function copyOptions(o: GeneratorOptions): GeneratorOptions {
  const c: GeneratorOptions = { ...o };
  if (o.labels) c.labels = { ...o.labels };
  if (o.annotations) c.annotations = { ...o.annotations };
  return c;
}

function mergeMissingKeys(
  local: Record<string, string> | undefined,
  global: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (!local) return global ? { ...global } : undefined;
  for (const [k, v] of Object.entries(global ?? {})) {
    if (!Object.hasOwn(local, k)) local[k] = v;
  }
  return local;
}
