/**
 * Comparing what two sides apply: clusters by name, Flux Kustomizations by key, objects by
 * API group, kind, namespace and name. Objects are masked before anything else looks at them.
 */

import { isMap, type KObject } from "../kustomize/types.js";
import { isMaskedMarker } from "../platform/masking.js";
import { applierNameOf } from "../platform/model.js";
import { changeDangers, describe, groupOf, removalDangers } from "./danger.js";
import { type DiffOptions, diffValues, type FieldChange } from "./fields.js";
import { maskObject, type SecretMasker } from "./mask.js";
import type { ClusterDiff, Danger, KustomizationDiff, ObjectDiff } from "./model.js";

/** One side of one Flux Kustomization, as the comparison needs it. */
export interface KustomizationSide {
  cluster: string;
  id: string;
  status: string;
  /** The Flux Kustomization object (for `prune`). */
  object: KObject;
  path?: string;
  errors: string[];
  /** What a rendered Kustomization's render leaves out (remote resources, secret identities). */
  leftOut?: string[];
  /** Why it was not rendered (external sources), empty otherwise. */
  warnings: string[];
  objects: Array<{ object: KObject; source?: { file: string; line: number } }>;
  /** Secrets no key decrypted whose variables its objects use (`namespace/name`, FluxKustomization.sealedSubstitutions). */
  sealed?: string[];
}

export interface CompareOptions {
  masker: SecretMasker;
  /**
   * It substitutes variables from a Secret no key decrypted whose ciphertext changed
   * (coverage.ts sealedVariables): a masked value changing may be that ciphertext.
   */
  ciphertextSubstituted?: boolean;
  /** Environment comparison: names and values mapped to a common form. */
  normalize?: (s: string) => string;
}

/** Identity of an object: API group (not version), kind, namespace, name. */
export function objectKey(obj: KObject, normalize?: (s: string) => string): string {
  const md = isMap(obj.metadata) ? obj.metadata : {};
  const ns = typeof md.namespace === "string" ? md.namespace : "";
  const name = typeof md.name === "string" ? md.name : "";
  const group = groupOf(String(obj.apiVersion ?? ""));
  const kind = String(obj.kind ?? "");
  // Every object of both sides is keyed, most several times: one string, no array to join.
  return normalize
    ? `${group}|${kind}|${normalize(ns)}|${normalize(name)}`
    : `${group}|${kind}|${ns}|${name}`;
}

export function diffKustomization(
  base: KustomizationSide | undefined,
  head: KustomizationSide | undefined,
  opts: CompareOptions,
): KustomizationDiff | undefined {
  const any = (head ?? base)!;
  const out: KustomizationDiff = {
    cluster: any.cluster,
    id: any.id,
    change: !base ? "added" : !head ? "removed" : "changed",
    errors: [],
    counts: { added: 0, removed: 0, changed: 0 },
    objects: [],
    dangers: [],
  };
  const path = head?.path ?? base?.path;
  if (path !== undefined) out.path = path;
  if (base) out.baseStatus = base.status;
  if (head) out.headStatus = head.status;

  const newFailure =
    head?.status === "failed" &&
    (base?.status !== "failed" || base.errors.join("\n") !== head.errors.join("\n"));
  if (newFailure) out.errors = [...head!.errors];

  // What Flux would do to the cluster: a failed or suspended Kustomization applies and prunes
  // nothing, so its objects are not compared.
  const applies = (s: KustomizationSide | undefined) => s?.status === "rendered";
  const before = base && applies(base) ? base.objects : [];
  const after = head ? (applies(head) ? head.objects : undefined) : [];
  if (after !== undefined) out.objects = diffObjects(before, after, opts);
  for (const o of out.objects) {
    out.counts[o.change]++;
    out.dangers.push(...o.dangers);
  }
  const statusChanged = base?.status !== head?.status;
  if (base && head && out.objects.length === 0 && !newFailure && !statusChanged) return undefined;
  return out;
}

function diffObjects(
  before: KustomizationSide["objects"],
  after: KustomizationSide["objects"],
  opts: CompareOptions,
): ObjectDiff[] {
  // The same objects in the same order (a changed-only diff's base took this Kustomization and
  // its releases' renders from the head): each pairs with itself below, so none differs.
  if (before.length === after.length && before.every((o, i) => o.object === after[i]!.object)) return [];
  const key = (o: KObject) => objectKey(o, opts.normalize);
  // Objects by identity, in order: a side may hold one identity twice (two Flux sources of one
  // Kustomization, say), and the n-th of the head is compared with the n-th of the base.
  const old = new Map<string, Array<KustomizationSide["objects"][number]>>();
  for (const o of before) {
    const k = key(o.object);
    const list = old.get(k);
    if (list) list.push(o);
    else old.set(k, [o]);
  }
  const paired = new Map<string, number>();
  const out: ObjectDiff[] = [];
  const diffOpts: DiffOptions = opts.normalize ? { normalize: opts.normalize } : {};
  for (const n of after) {
    const k = key(n.object);
    const nth = paired.get(k) ?? 0;
    paired.set(k, nth + 1);
    const o = old.get(k)?.[nth];
    const a = n.object;
    // One object on both sides (a Flux Kustomization or HelmRelease the base took from the
    // head): masking and comparing it cannot find a difference.
    if (o?.object === a) continue;
    if (!o) {
      const masked = maskObject(a, opts.masker);
      out.push({
        ...identity(a),
        change: "added",
        ...where(n.source),
        fields: [],
        object: masked,
        dangers: [],
      });
      continue;
    }
    const ma = maskObject(o.object, opts.masker);
    const mb = maskObject(a, opts.masker);
    let fields = diffValues(ma, mb, diffOpts);
    // Still in its SOPS envelope (no key): sops writes new ciphertexts for every value on every
    // edit, so a ciphertext's marker changing says nothing about its plaintext. Those are left to
    // the Kustomization's "not compared" entry (coverage.ts); what is in clear is compared.
    if (opts.ciphertextSubstituted || isMap(o.object.sops) || isMap(a.sops))
      fields = fields.filter((f) => !isCiphertextChange(f));
    if (fields.length === 0) continue;
    out.push({
      ...identity(a),
      change: "changed",
      ...where(n.source ?? o.source),
      fields,
      dangers: changeDangers(ma, mb, fields),
    });
  }
  // What the head did not pair, in the base's order.
  const occurrence = new Map<string, number>();
  for (const o of before) {
    const k = key(o.object);
    const nth = occurrence.get(k) ?? 0;
    occurrence.set(k, nth + 1);
    if (nth < (paired.get(k) ?? 0)) continue;
    const masked = maskObject(o.object, opts.masker);
    out.push({
      ...identity(o.object),
      change: "removed",
      ...where(o.source),
      fields: [],
      object: masked,
      dangers: removalDangers(o.object),
    });
  }
  return out;
}

function isCiphertextChange(f: FieldChange): boolean {
  if (f.path === "sops" || f.path.startsWith("sops.")) return true;
  return f.change === "changed" && isMaskedMarker(f.old) && isMaskedMarker(f.new);
}

function identity(obj: KObject): Pick<ObjectDiff, "apiVersion" | "kind" | "namespace" | "name"> {
  const md = isMap(obj.metadata) ? obj.metadata : {};
  return {
    apiVersion: String(obj.apiVersion ?? ""),
    kind: String(obj.kind ?? ""),
    namespace: typeof md.namespace === "string" ? md.namespace : "",
    name: typeof md.name === "string" ? md.name : "",
  };
}

function where(source: { file: string; line: number } | undefined): Pick<ObjectDiff, "source"> {
  return source ? { source: { file: source.file, line: source.line } } : {};
}

function prunes(side: KustomizationSide | undefined): boolean {
  if (!side) return false;
  // flux-operator always garbage-collects what a ResourceSet no longer generates.
  if (isResourceSetObject(side.object)) return true;
  return isMap(side.object.spec) && side.object.spec.prune === true;
}

function isResourceSetObject(obj: { apiVersion?: unknown; kind?: unknown }): boolean {
  return obj.kind === "ResourceSet" && String(obj.apiVersion ?? "").startsWith("fluxcd.controlplane.io/");
}

/**
 * Flux deletes what a pruning Kustomization no longer applies. Objects that move to another
 * Kustomization of the same cluster are named as such: the delete and the re-create race.
 */
export function addPruneDangers(
  cluster: ClusterDiff,
  sides: Map<string, { base?: KustomizationSide; head?: KustomizationSide }>,
  normalize?: (s: string) => string,
): void {
  const addedIn = new Map<string, string>();
  for (const k of cluster.kustomizations) {
    for (const o of k.objects) if (o.change === "added") addedIn.set(keyOfDiff(o, normalize), k.id);
  }
  for (const k of cluster.kustomizations) {
    const s = sides.get(k.id);
    if (!prunes(s?.head ?? s?.base)) continue;
    const removed = k.objects.filter((o) => o.change === "removed");
    if (removed.length === 0) continue;
    const moved = removed.filter((o) => addedIn.has(keyOfDiff(o, normalize)));
    const names = removed
      .slice(0, 5)
      .map((o) => describe({ kind: o.kind, metadata: { name: o.name, namespace: o.namespace } }));
    const more = removed.length > 5 ? ` and ${removed.length - 5} more` : "";
    const movedNote =
      moved.length > 0
        ? ` (${moved.length} move to another Kustomization; deletion and re-creation race)`
        : "";
    const d: Danger = {
      kind: "prune-removes",
      message: `${applierNameOf(k.id)} ${k.id.startsWith("ResourceSet/") ? "garbage-collects what it generates" : "has prune: true"} and no longer applies ${removed.length} object${removed.length === 1 ? "" : "s"}: ${names.join(", ")}${more} — Flux deletes them${movedNote}`,
    };
    k.dangers.unshift(d);
  }
}

function keyOfDiff(o: ObjectDiff, normalize?: (s: string) => string): string {
  return objectKey(
    { apiVersion: o.apiVersion, kind: o.kind, metadata: { namespace: o.namespace, name: o.name } },
    normalize,
  );
}
