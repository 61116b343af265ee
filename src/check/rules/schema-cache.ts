/**
 * One cluster's schema pass (schema.ts) in the persistent render cache (src/cache): the issues
 * of each object, keyed by every object the pass validates, in order (the cluster's CRDs among
 * them: they define its custom kinds' schemas) and by the running code (Kubernetes' and Flux's
 * schemas ship with it, pinned by the lockfile the code identity hashes). A check of an
 * unchanged cluster takes the issues without loading a schema or validating an object: loading
 * kubernetes-models' validators alone cost a fresh process ~40 ms of CPU.
 *
 * Not used when the pass also reads schema directories (files the key does not cover). An
 * object with a field marked secret is neither in the key nor in the entry (an issue may quote
 * a value, and secrets never reach the disk): it is validated in every run.
 */
import { createHash } from "node:crypto";
import type { CacheKey, RenderCache } from "../../cache/store.js";
import { encodeValue } from "../../cache/value-codec.js";
import type { RenderedResource } from "../../platform/model.js";
import type { SchemaIssue, SchemaIssueKind } from "../../validate/schema/index.js";

export const SCHEMA_PASS_UNIT = "check-schema-pass";

/** Issues of the objects that have any, by the object's position in the pass. */
export type PassIssues = Array<[number, SchemaIssue[]]>;

/**
 * The key of a pass over `resources`, or undefined when it is not to be cached (a CRD with a
 * secret field). Objects with a secret field are validated in every run and left out.
 */
export function schemaPassKey(
  cache: RenderCache,
  resources: readonly RenderedResource[],
): CacheKey | undefined {
  let text: string;
  try {
    // Lossless (bigints, NaN, -0, empty nulls): objects JSON would confuse validate apart.
    const objects = resources.map((r) => {
      if (r.secrets === undefined) return encodeValue(r.object);
      if (r.object.kind === "CustomResourceDefinition") throw new Error("a CRD holds a secret field");
      return null;
    });
    text = JSON.stringify(objects);
  } catch {
    return undefined;
  }
  return cache.key(SCHEMA_PASS_UNIT, createHash("sha256").update(text).digest("hex"));
}

const KINDS: ReadonlySet<SchemaIssueKind> = new Set([
  "invalid",
  "unknown-field",
  "no-schema",
  "bad-crd",
  "invalid-name",
]);

/** The issues kept for a pass over `count` objects; undefined when absent or not such an entry. */
export function readSchemaPass(cache: RenderCache, key: CacheKey, count: number): PassIssues | undefined {
  const body = cache.get(key) as { issues?: unknown } | undefined;
  if (typeof body !== "object" || body === null || !Array.isArray(body.issues)) return undefined;
  let last = -1;
  for (const e of body.issues as unknown[]) {
    if (!Array.isArray(e) || e.length !== 2 || !Array.isArray(e[1])) return undefined;
    const [i, issues] = e as [unknown, unknown[]];
    // In object order, each object once.
    if (typeof i !== "number" || !Number.isInteger(i) || i <= last || i >= count) return undefined;
    last = i;
    if (!issues.every(isIssue)) return undefined;
  }
  return body.issues as PassIssues;
}

function isIssue(v: unknown): v is SchemaIssue {
  const i = v as Partial<SchemaIssue> | null;
  return (
    typeof i === "object" &&
    i !== null &&
    KINDS.has(i.kind as SchemaIssueKind) &&
    typeof i.message === "string" &&
    Array.isArray(i.path) &&
    i.path.every((s) => typeof s === "string" || (typeof s === "number" && Number.isInteger(s)))
  );
}

export function writeSchemaPass(cache: RenderCache, key: CacheKey, issues: PassIssues): void {
  cache.put(key, { issues });
}
