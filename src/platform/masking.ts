/**
 * Keeping secret values out of every output. Two layers:
 * - structural: every value of a core `Secret`'s `data`/`stringData`, and every field the
 *   decryptor decrypted in another object, becomes a keyed-hash marker
 *   (`<masked:sha256:1a2b3c4d>`: equal values give equal markers within a run, so a diff
 *   still shows that a secret changed);
 * - textual: every secret string seen during the run (decrypted SOPS values, values of
 *   Secrets that `postBuild.substituteFrom` reads) is scrubbed from any other string, so a
 *   value substituted from a Secret into a ConfigMap or an argument is masked too.
 * Plaintext is only shown when the user asks for it explicitly (`--show-secrets`).
 */
import { cloneValue } from "../kustomize/clone.js";
import { isMap, type KObject, type YamlValue } from "../kustomize/types.js";
import { createSecretMasker, type SecretMasker } from "../sops/index.js";
import { groupOf, metaString, specOf } from "./flux-objects.js";
import type { Platform, RenderedResource } from "./model.js";

/** A path inside an object: map keys and list indices. */
export type ValuePath = Array<string | number>;

/** The secret values of one run, shared by the decryptor (which records them) and every printer. */
export class SecretValues {
  readonly masker: SecretMasker;
  private readonly decrypted = new Map<string, ValuePath[]>();

  constructor(masker: SecretMasker = createSecretMasker()) {
    this.masker = masker;
  }

  /** Remembers one secret string so that `scrub` finds it in any text. */
  remember(value: YamlValue | undefined): void {
    if (typeof value === "string" && value !== "") this.masker.mask(value);
  }

  /** Records fields the decryptor decrypted in an object (see `objectKey`). */
  markDecrypted(key: string, paths: ValuePath[]): void {
    if (paths.length === 0) return;
    const known = this.decrypted.get(key) ?? [];
    this.decrypted.set(key, [...known, ...paths]);
  }

  decryptedFields(key: string): ValuePath[] {
    return this.decrypted.get(key) ?? [];
  }

  /** Every remembered secret (and its base64 form) replaced by its marker. */
  scrub(text: string): string {
    return this.masker.scrub(text);
  }
}

/** Identifies a rendered object across post-processing (which clones it). */
export function objectKey(cluster: string, kustomization: string, obj: KObject): string {
  const api = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
  const kind = typeof obj.kind === "string" ? obj.kind : "";
  return [cluster, kustomization, api, kind, metaString(obj, "namespace"), metaString(obj, "name")].join(
    "\0",
  );
}

export function isCoreSecret(obj: KObject): boolean {
  return obj.kind === "Secret" && groupOf(obj) === "" && obj.apiVersion === "v1";
}

/** A Secret `data` value as text: the decoded UTF-8 when it is text, else the base64 itself. */
export function secretDataText(value: string): string {
  const bytes = Buffer.from(value, "base64");
  const text = bytes.toString("utf8");
  return Buffer.from(text, "utf8").equals(bytes) ? text : value;
}

/**
 * Remembers the values of every Secret that a Flux Kustomization reads through
 * `postBuild.substituteFrom`: those are the ones that flow into other objects.
 */
export function rememberSubstitutedSecrets(platform: Platform, values: SecretValues): void {
  for (const cluster of platform.clusters) {
    const wanted = new Set<string>();
    for (const k of cluster.kustomizations) {
      const postBuild = specOf(k.object).postBuild;
      if (!isMap(postBuild) || !Array.isArray(postBuild.substituteFrom)) continue;
      for (const ref of postBuild.substituteFrom) {
        if (isMap(ref) && ref.kind === "Secret" && typeof ref.name === "string")
          wanted.add(`${k.namespace}/${ref.name}`);
      }
    }
    if (wanted.size === 0) continue;
    // Secrets slipway.yaml declares as existing in the cluster may hold real values too.
    for (const c of platform.config?.clusterObjects ?? []) {
      if (c.kind !== "Secret" || !wanted.has(`${c.namespace}/${c.name}`)) continue;
      if (c.clusters === undefined || c.clusters.includes(cluster.name))
        for (const v of Object.values(c.data)) values.remember(v);
    }
    for (const k of cluster.kustomizations) {
      for (const r of k.resources) {
        const obj = r.object;
        if (!isCoreSecret(obj)) continue;
        if (!wanted.has(`${metaString(obj, "namespace")}/${metaString(obj, "name")}`)) continue;
        for (const v of secretValuesOf(obj)) values.remember(v);
      }
    }
  }
}

/** The plaintext values of a Secret's data (decoded) and stringData. */
export function secretValuesOf(obj: KObject): string[] {
  const out: string[] = [];
  if (isMap(obj.data))
    for (const v of Object.values(obj.data)) if (typeof v === "string") out.push(secretDataText(v));
  if (isMap(obj.stringData))
    for (const v of Object.values(obj.stringData)) if (typeof v === "string") out.push(v);
  return out;
}

const MARKER = /^<masked:sha256:[0-9a-f]+>$/;

/** A copy of a rendered object fit for printing: Secret values and decrypted fields masked, secrets scrubbed. */
export function maskRenderedObject(r: RenderedResource, values: SecretValues): KObject {
  const obj = cloneValue(r.object);
  const m = values.masker;
  for (const p of values.decryptedFields(objectKey(r.cluster, r.kustomization, r.object))) {
    replaceAt(obj, p, (v) => (v === null || typeof v === "object" ? v : m.mask(v)));
  }
  if (isCoreSecret(obj)) {
    for (const field of ["data", "stringData"] as const) {
      const map = obj[field];
      if (!isMap(map)) continue;
      for (const [key, v] of Object.entries(map)) {
        if (v === null || (typeof v === "string" && MARKER.test(v))) continue;
        const text = typeof v === "string" ? v : String(v);
        map[key] = m.mask(field === "data" ? secretDataText(text) : text);
      }
    }
  }
  return scrubStrings(obj, values) as KObject;
}

/** Every string (keys included) of a value with the remembered secrets scrubbed. */
export function scrubStrings(v: YamlValue, values: SecretValues): YamlValue {
  if (typeof v === "string") return values.scrub(v);
  if (Array.isArray(v)) return v.map((x) => scrubStrings(x, values));
  if (isMap(v)) {
    const out: Record<string, YamlValue> = {};
    for (const [k, x] of Object.entries(v)) out[values.scrub(k)] = scrubStrings(x, values);
    return out;
  }
  return v;
}

function replaceAt(root: YamlValue, p: ValuePath, f: (v: YamlValue) => YamlValue): void {
  let cur: YamlValue = root;
  for (let i = 0; i < p.length - 1; i++) {
    const seg = p[i]!;
    if (Array.isArray(cur) && typeof seg === "number") cur = cur[seg] ?? null;
    else if (isMap(cur) && typeof seg === "string") cur = cur[seg] ?? null;
    else return;
  }
  const last = p[p.length - 1];
  if (last === undefined) return;
  if (Array.isArray(cur) && typeof last === "number" && last < cur.length) cur[last] = f(cur[last]!);
  else if (isMap(cur) && typeof last === "string" && last in cur) cur[last] = f(cur[last]!);
}
