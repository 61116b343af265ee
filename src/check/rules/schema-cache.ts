/**
 * One cluster's schema pass (schema.ts) in the persistent render cache (src/cache): the issues
 * of each object, in two kinds of entry.
 *
 * - The pass: keyed by every object the pass validates, group by group (a group is one Flux
 *   Kustomization's objects), in order. A check of an unchanged cluster takes every issue from
 *   this one entry without loading a schema or validating an object: loading
 *   kubernetes-models' validators alone cost a fresh process ~40 ms of CPU.
 * - A group: keyed by the group's objects and by every CustomResourceDefinition of the cluster
 *   in order (the CRDs define its custom kinds' schemas, the first definition of a kind winning:
 *   an object's issues are a function of the object and of these, schema.ts's validator keeping
 *   nothing else between objects). When the pass misses (a pull request edited one file), the
 *   groups that did not change take their issues from their entries and only the others are
 *   validated; an edited CRD changes every group's key, so every object is validated again.
 *
 * Both are keyed by the running code too (Kubernetes' and Flux's schemas ship with it, pinned by
 * the lockfile the code identity hashes). Not used when the pass also reads schema directories
 * (files the keys do not cover). An object with a field marked secret is neither in a key nor
 * in an entry (an issue may quote a value, and secrets never reach the disk): it is validated
 * in every run; a CRD with a secret field turns the cache off for its cluster.
 */
import { createHash } from "node:crypto";
import type { CacheKey, RenderCache } from "../../cache/store.js";
import { encodedJson } from "../../cache/value-codec.js";
import type { RenderedResource } from "../../platform/model.js";
import type { SchemaIssue, SchemaIssueKind } from "../../validate/schema/index.js";

export const SCHEMA_PASS_UNIT = "check-schema-pass";
export const SCHEMA_GROUP_UNIT = "check-schema-group";

/** Issues of the objects that have any, by the object's position in the pass (or group). */
export type PassIssues = Array<[number, SchemaIssue[]]>;

export interface SchemaPassKeys {
  /** The whole pass's entry. */
  pass: CacheKey;
  /** Each group's entry, in the order of the groups given. */
  groups: CacheKey[];
}

/**
 * The keys of a pass over `groups` (its objects, group by group), or undefined when it is not to
 * be cached (a CRD with a secret field). Objects with a secret field are validated in every run
 * and left out.
 */
export function schemaPassKeys(
  cache: RenderCache,
  groups: ReadonlyArray<readonly RenderedResource[]>,
): SchemaPassKeys | undefined {
  const crds = createHash("sha256").update("crds\0");
  const groupDigests: string[] = [];
  try {
    for (const group of groups) {
      const h = createHash("sha256").update("group\0");
      for (const r of group) {
        // Lossless (bigints, NaN, -0, empty nulls): objects JSON would confuse validate apart.
        // JSON text never holds a raw NUL, so "\0" separates objects unambiguously.
        let text = "null";
        if (r.secrets === undefined) text = encodedJson(r.object);
        else if (r.object.kind === "CustomResourceDefinition") throw new Error("a CRD holds a secret field");
        h.update(text).update("\0");
        if (r.object.kind === "CustomResourceDefinition") crds.update(text).update("\0");
      }
      groupDigests.push(h.digest("hex"));
    }
  } catch {
    return undefined;
  }
  const crdDigest = crds.digest("hex");
  return {
    pass: cache.key(SCHEMA_PASS_UNIT, groupDigests.join(",")),
    groups: groupDigests.map((g) => cache.key(SCHEMA_GROUP_UNIT, `${crdDigest},${g}`)),
  };
}

const KINDS: ReadonlySet<SchemaIssueKind> = new Set([
  "invalid",
  "unknown-field",
  "no-schema",
  "bad-crd",
  "invalid-name",
]);

/**
 * The issues kept under `key` (a pass's or a group's) for `count` objects; undefined when absent
 * or not such an entry.
 */
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
