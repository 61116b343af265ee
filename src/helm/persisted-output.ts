/**
 * What `helm template` printed, kept in the persistent render cache (src/cache) and printed
 * again by a later run with the same inputs instead of rendering: the warnings (stderr lines)
 * and the output text. Inputs in the key: the chart's digest (every file, subcharts included),
 * the typed fingerprint of the composed user values (files, --set*, --set-file contents), and
 * every parsed flag and argument as given (release, chart path, namespace, Capabilities flags,
 * --seed, --now, print options); the cache folds in the code identity (Slipway's files, lockfile,
 * Node version), so another build never reads the entry.
 *
 * Only deterministic renders are stored: a render that drew randomness without --seed, or read
 * the clock without --now (see RenderOptions.onNonHermetic), is printed and forgotten. A failed
 * render is never stored; --output-dir runs (which write files) and --no-cache do not use it.
 */
import type { CacheKey, RenderCache } from "../cache/store.js";
import type { GoMap } from "./template/value.js";
import { fingerprint } from "./values-fingerprint.js";

export const OUTPUT_UNIT = "helm-template-output";
const FORMAT = 1;

export interface TemplateOutput {
  /** coalescing warnings, in order, without their newline */
  warnings: string[];
  /** the text written to stdout */
  stdout: string;
}

export interface TemplateOutputInputs {
  chartDigest: string;
  values: GoMap;
  /** every argument and parsed flag (JSON-able) */
  args: unknown;
}

/** The entry's key, or undefined when the values have no stable fingerprint. */
export function templateOutputKey(cache: RenderCache, inputs: TemplateOutputInputs): CacheKey | undefined {
  const values = fingerprint(inputs.values);
  if (values === undefined) return undefined;
  return cache.key(OUTPUT_UNIT, JSON.stringify([FORMAT, inputs.chartDigest, values, inputs.args]));
}

export function readTemplateOutput(cache: RenderCache, key: CacheKey): TemplateOutput | undefined {
  const body = cache.get(key) as Partial<TemplateOutput> | undefined;
  if (body === undefined || typeof body !== "object" || body === null) return undefined;
  if (typeof body.stdout !== "string" || !Array.isArray(body.warnings)) return undefined;
  if (!body.warnings.every((w) => typeof w === "string")) return undefined;
  return { warnings: body.warnings, stdout: body.stdout };
}

export function writeTemplateOutput(cache: RenderCache, key: CacheKey, output: TemplateOutput): void {
  cache.put(key, output);
}

/**
 * Whether the last run on a chart printed an output that was not kept (a Secret, or randomness or
 * the clock unpinned): such a chart's next run skips the lookup, whose key costs a digest of every
 * chart file (kube-prometheus-stack: 6.7 MB, ~5 ms, for an entry that never exists). Keyed by the
 * chart's location only, never by values (a hash of a Secret's values would let one guess them
 * offline from a leaked cache). Only a hint: a run that skipped the lookup renders, and when its
 * output can be kept it is kept and the hint cleared, so a wrong hint costs time, never a result.
 */
export const UNKEPT_UNIT = "helm-template-unkept";

export function unkeptHintKey(cache: RenderCache, chartLocation: string): CacheKey {
  return cache.key(UNKEPT_UNIT, JSON.stringify([FORMAT, chartLocation]));
}

/** true: the last run's output was not kept; false or undefined: it was, or no run said. */
export function readUnkeptHint(cache: RenderCache, key: CacheKey): boolean {
  const body = cache.get(key) as { unkept?: unknown } | undefined;
  return typeof body === "object" && body !== null && body.unkept === true;
}

export function writeUnkeptHint(cache: RenderCache, key: CacheKey, unkept: boolean): void {
  cache.put(key, { unkept });
}
