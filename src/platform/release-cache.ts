/**
 * A rendered HelmRelease in the persistent render cache (src/cache): the objects
 * helm-controller would apply (after post-renderers, before Slipway's own bookkeeping) and the
 * warnings the render added, keyed by everything that output depends on: the chart's identity
 * (its content, from the chart provider, known without loading it) and valuesFiles (the list, and
 * the bytes of those read from the source), the composed release values, release name and namespace, Capabilities
 * (Kubernetes version, API versions), the seed and clock, the post-render strategy and the
 * HelmRelease object itself (post-renderers, hooks, CRD policy, schema validation).
 *
 * Secrets never reach the disk: a release whose values hold secret material (valuesFrom a
 * Secret, SOPS-decrypted or Secret-substituted fields) is neither looked up nor stored (no key
 * is even derived from them), output with a field marked secret is not stored, and every
 * entry is sealed with a key only its inputs give (src/cache/store.ts).
 */

import { createHash } from "node:crypto";
import type { CacheKey, RenderCache } from "../cache/store.js";
import { decoderOf, encodedJson, encodedText, JsonText } from "../cache/value-codec.js";
import type { ApiVersionsReadData } from "../helm/pool/index.js";
import type { GoMap } from "../helm/template/value.js";
import { fingerprint } from "../helm/values-fingerprint.js";
import { isMap, type KObject, type YamlValue } from "../kustomize/types.js";
import type { RenderedResource } from "./model.js";

export { fingerprint };

export const RELEASE_UNIT = "helm-release";
/**
 * What a run needs of a cached render without its objects (warnings, how it read the API
 * versions, the API versions of the CRDs it outputs, the identity of each object), beside the
 * objects under the same inputs: a release whose objects nobody looks at (a changed-only diff's
 * unchanged releases) never has them read or decoded. kube-prometheus-stack's objects are 3 MB,
 * its summary a few KB.
 */
export const RELEASE_SUMMARY_UNIT = "helm-release-summary";
/** What a render pass needs to know of a chart before rendering it, by chart identity. */
export const CHART_FACTS_UNIT = "chart-facts";

export interface ReleaseRenderInputs {
  /** LocatedChart.identity: equal identities are equal charts (files, subcharts, values.yaml). */
  chartIdentity: string;
  /** valuesFiles replacing the chart's values.yaml (see valuesFilesKey), or none. */
  valuesFiles?: string;
  values: GoMap;
  releaseName: string;
  releaseNamespace: string;
  kubeVersion?: string;
  apiVersions: readonly string[];
  seed: string;
  now: number;
  postRenderStrategy: string;
  /** The HelmRelease as applied: every spec field that shapes the output. */
  object: KObject;
}

/** The part of a rendered resource the cache holds; the rest comes from the HelmRelease. */
export interface CachedReleaseObject {
  object: KObject;
  crd?: true;
  hook?: string[];
}

/**
 * A release's CRD objects as its entry names them instead of holding them: the documents of
 * the chart's crds/ files that the chart's own entry keeps (crd-docs-cache.ts), file by file
 * (their places, in the release's order), each labelled with `labels` as the release applies
 * it. kube-prometheus-stack's CRDs are 2.5 MB of the 3.9 MB of bjw-s home-ops' release entries:
 * a cold run encoded and sealed them once more for each release that applies them.
 */
export interface StoredCrds {
  at: string[];
  labels: Record<string, string>;
}

/** The objects of `crds` from the chart's stored documents; undefined when those do not read. */
export type StoredCrdsReader = (crds: StoredCrds) => KObject[] | undefined;

/** `[apiVersion, kind, namespace, name]` of an object (each "" when absent or not a string). */
export type ObjectIdentity = [string, string, string, string];

export interface CachedRelease {
  warnings: string[];
  /** How the render looked at `.Capabilities.APIVersions`; absent: unknown (assume everything). */
  apiVersionsRead?: ApiVersionsReadData;
  /** `group/version[/Kind]` of the CustomResourceDefinitions among the objects. */
  crdApiVersions: string[];
  /** The identity of each object, in order. */
  identities: ObjectIdentity[];
  /** Every object's name and namespace is a string or absent (see plainNames). */
  plainNames?: true;
  /** The objects: read and decoded on the first call (then kept); undefined when unreadable. */
  resources(): CachedReleaseObject[] | undefined;
}

/** The entry of a render's objects and the entry of its summary, keyed by the same inputs. */
export interface ReleaseCacheKey extends CacheKey {
  summary: CacheKey;
}

export function objectIdentity(o: KObject): ObjectIdentity {
  const md = isMap(o.metadata) ? o.metadata : {};
  return [
    String(o.apiVersion ?? ""),
    String(o.kind ?? ""),
    typeof md.namespace === "string" ? md.namespace : "",
    typeof md.name === "string" ? md.name : "",
  ];
}

/**
 * Whether the identities of `objects` say what their metadata holds: no name or namespace is
 * there without being a string (an identity holds "" for such a field, as for an absent one).
 * Then a list of the objects' names (the graph's inventory) can be read from the identities.
 */
export function plainNames(objects: readonly KObject[]): boolean {
  const plain = (v: unknown) => v === undefined || v === null || typeof v === "string";
  return objects.every((o) => !isMap(o.metadata) || (plain(o.metadata.name) && plain(o.metadata.namespace)));
}

/**
 * The cache key of one render, or undefined when an input has no stable fingerprint.
 * `fields`: releaseKeyInputs(inputs), when the caller has it already.
 */
export function releaseCacheKey(
  cache: RenderCache,
  inputs: ReleaseRenderInputs,
  fields: string = releaseKeyInputs(inputs),
): ReleaseCacheKey | undefined {
  const values = fingerprint(inputs.values);
  if (values === undefined) return undefined;
  // The object's text spliced in as its own JSON element: the same text as encoding it in place.
  const text = `${fields.slice(0, -1)},${encodedJson(inputs.object)}]`;
  // Both keys from one digest of the inputs (the text can be large): neither entry's name tells
  // the digest, so neither tells the other's seal.
  // The values' fingerprint (the largest part) beside the JSON text rather than quoted inside it:
  // JSON text holds no raw NUL, so the two parts stay apart.
  const digest = createHash("sha256").update(text).update("\0").update(values).digest("hex");
  // Assigned, not spread: a spread would derive the objects' seal, which only a read of the
  // objects (or a write) needs, and a changed-only diff never reads its unchanged releases'.
  return Object.assign(cache.key(RELEASE_UNIT, digest), { summary: cache.key(RELEASE_SUMMARY_UNIT, digest) });
}

/**
 * The cache keys of this run's HelmRelease renders, by the HelmRelease object (see
 * LoadPlatformOptions.releaseKeyMemo): a changed-only diff's base takes the head's objects for
 * every Flux Kustomization it reuses, so most of its HelmReleases are the head's very objects,
 * whose key is a digest of their whole spec and composed values (~45 of them in bjw-s home-ops).
 * An entry serves a release of the same object only when every other input is the same:
 * `inputs` (the key's other fields) and each object its values were composed from.
 */
export type ReleaseKeyMemo = WeakMap<KObject, KnownReleaseKey>;

export interface KnownReleaseKey {
  /** releaseKeyInputs of the render the key is for. */
  inputs: string;
  /** The pool objects composeReleaseValues looked up, in order, by pool key (undefined: absent). */
  sources: ReadonlyArray<readonly [string, KObject | undefined]>;
  key: ReleaseCacheKey;
}

/**
 * Every input of releaseCacheKey but the object and the values, as one text: equal texts, equal
 * fields (the values are known equal by their sources, the object by identity).
 */
export function releaseKeyInputs(inputs: Omit<ReleaseRenderInputs, "values" | "object">): string {
  return JSON.stringify([
    inputs.chartIdentity,
    inputs.valuesFiles ?? null,
    inputs.releaseName,
    inputs.releaseNamespace,
    inputs.kubeVersion ?? null,
    inputs.apiVersions,
    inputs.seed,
    inputs.now,
    inputs.postRenderStrategy,
  ]);
}

/**
 * Renders already read or written in this run, by cache key id (see LoadPlatformOptions.releaseMemo).
 * Entries are never changed after they are set: the objects are shared by every release that
 * takes them.
 */
export type ReleaseMemo = Map<string, CachedRelease>;

/**
 * A cached render known by its summary; its objects are read when first asked for (undefined
 * then when the entry was removed or damaged since: the caller renders instead).
 */
export function readCachedRelease(
  cache: RenderCache,
  key: ReleaseCacheKey,
  storedCrds?: StoredCrdsReader,
): CachedRelease | undefined {
  const summary = readSummary(cache.get(key.summary));
  if (!summary) return undefined;
  let objects: CachedReleaseObject[] | undefined;
  let read = false;
  return {
    ...summary,
    resources: () => {
      if (!read) {
        read = true;
        objects = readObjects(cache.get(key), storedCrds);
      }
      return objects;
    },
  };
}

function readSummary(body: unknown): Omit<CachedRelease, "resources"> | undefined {
  const b = body as
    | {
        warnings?: unknown;
        crdApiVersions?: unknown;
        identities?: unknown;
        plainNames?: unknown;
        apiVersionsRead?: unknown;
      }
    | undefined;
  if (!isMap(b as never)) return undefined;
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");
  if (!strings(b!.warnings) || !strings(b!.crdApiVersions) || !Array.isArray(b!.identities)) return undefined;
  const identities = b!.identities as unknown[];
  if (!identities.every((i) => strings(i) && i.length === 4)) return undefined;
  const read = b!.apiVersionsRead as Partial<ApiVersionsReadData> | undefined;
  const apiVersionsRead =
    isMap(read as never) && typeof read!.whole === "boolean" && strings(read!.has)
      ? { whole: read!.whole, has: read!.has }
      : undefined;
  return {
    warnings: b!.warnings,
    crdApiVersions: b!.crdApiVersions,
    identities: identities as ObjectIdentity[],
    ...(b!.plainNames === true ? { plainNames: true as const } : {}),
    ...(apiVersionsRead ? { apiVersionsRead } : {}),
  };
}

function readObjects(body: unknown, storedCrds?: StoredCrdsReader): CachedReleaseObject[] | undefined {
  if (!isMap(body as never) || !Array.isArray((body as Record<string, unknown>).resources)) return undefined;
  const crds = (body as { crds?: unknown }).crds;
  let crdObjects: KObject[] | undefined = [];
  if (crds !== undefined) {
    const ref = crds as Partial<StoredCrds>;
    const labels = ref.labels as Record<string, unknown> | undefined;
    if (
      !isMap(ref as never) ||
      !Array.isArray(ref.at) ||
      !ref.at.every((a) => typeof a === "string") ||
      !isMap(labels as never) ||
      !Object.values(labels!).every((v) => typeof v === "string")
    )
      return undefined;
    crdObjects = storedCrds?.({ at: ref.at, labels: labels as Record<string, string> });
    if (crdObjects === undefined) return undefined;
  }
  const decode = decoderOf(body);
  try {
    const objects = (body as { resources: unknown[] }).resources.map((r): CachedReleaseObject => {
      const e = r as { object?: unknown; plain?: unknown; crd?: unknown; hook?: unknown };
      // An object its writer found plain is the JSON value itself.
      const object = e.plain === true ? (e.object as YamlValue) : decode(e.object);
      if (!isMap(object)) throw new TypeError("not an object");
      const out: CachedReleaseObject = { object };
      if (e.crd === true) out.crd = true;
      if (Array.isArray(e.hook)) out.hook = e.hook.map(String);
      return out;
    });
    return crdObjects.length === 0
      ? objects
      : [...crdObjects.map((object) => ({ object, crd: true as const })), ...objects];
  } catch {
    return undefined;
  }
}

/**
 * A chart's facts a render pass reads before rendering: its Chart.yaml version (the resolved
 * version reported), the `group/version[/Kind]` its crds/ directories serve (subcharts
 * included) and whether a template reads `.Capabilities.APIVersions`. Functions of the chart's
 * content alone, so kept by its identity: a warm run knows them without loading the chart.
 */
export interface ChartFacts {
  version: string;
  crdApiVersions: string[];
  readsApiVersions: boolean;
}

export function readChartFacts(cache: RenderCache, identity: string): ChartFacts | undefined {
  const body = cache.get(cache.key(CHART_FACTS_UNIT, identity)) as Partial<ChartFacts> | undefined;
  if (
    !isMap(body as never) ||
    typeof body!.version !== "string" ||
    typeof body!.readsApiVersions !== "boolean" ||
    !Array.isArray(body!.crdApiVersions) ||
    !body!.crdApiVersions.every((v) => typeof v === "string")
  )
    return undefined;
  return {
    version: body!.version,
    crdApiVersions: body!.crdApiVersions,
    readsApiVersions: body!.readsApiVersions,
  };
}

export function writeChartFacts(cache: RenderCache, identity: string, facts: ChartFacts): void {
  cache.put(cache.key(CHART_FACTS_UNIT, identity), facts);
}

/**
 * Stores a render unless a field of its output is marked secret; returns whether it did. A
 * Secret the chart generates from public inputs (kube-prometheus-stack's alertmanager.yaml) is
 * stored sealed like every entry (src/cache/store.ts), with a key only its inputs give. The
 * objects are written before the summary: a summary found means its objects were written.
 * `storedCrds`: the chart's entry holds the documents of every CRD object of `resources`
 * (StoredCrds), which the entry then names instead of holding them.
 */
export function writeCachedRelease(
  cache: RenderCache,
  key: ReleaseCacheKey,
  resources: readonly RenderedResource[],
  warnings: readonly string[],
  apiVersionsRead: ApiVersionsReadData,
  crdApiVersions: readonly string[],
  memo?: ReleaseMemo,
  storedCrds?: StoredCrds,
): boolean {
  if (resources.some((r) => r.secrets !== undefined)) return false;
  const objects = resources.map((r) => ({
    object: r.object,
    ...(r.crd ? { crd: true as const } : {}),
    ...(r.hook ? { hook: r.hook } : {}),
  }));
  const summary = {
    warnings: [...warnings],
    apiVersionsRead,
    crdApiVersions: [...crdApiVersions],
    identities: resources.map((r) => objectIdentity(r.object)),
    ...(plainNames(resources.map((r) => r.object)) ? { plainNames: true as const } : {}),
  };
  memo?.set(key.id, { ...summary, resources: () => objects });
  // JSON.stringify of `{ resources: [{ object, plain?, crd?, hook? }, …] }` as parts, each
  // object's text one of them: no joined copy of megabytes is made, and a two-byte text (one
  // character past Latin-1 in it) does not make the whole entry two-byte while it waits for
  // the run's pack (kube-prometheus-stack: 2 of its 10 crds/ files).
  const parts = [storedCrds ? `{"crds":${JSON.stringify(storedCrds)},"resources":[` : '{"resources":['];
  let written = 0;
  for (const r of resources) {
    if (storedCrds && r.crd) continue;
    const { text, plain } = encodedText(r.object);
    parts.push(written++ === 0 ? '{"object":' : ',{"object":', text);
    parts.push(
      `${plain ? ',"plain":true' : ""}${r.crd ? ',"crd":true' : ""}${r.hook ? `,"hook":${JSON.stringify(r.hook)}` : ""}}`,
    );
  }
  parts.push("]}");
  cache.put(key, new JsonText(parts));
  cache.put(key.summary, summary);
  return true;
}
