/**
 * What a diff could not compare: Flux Kustomizations that failed to render at either side
 * (Flux applies nothing of them, so their objects are not compared), those whose source
 * is not this repository, and what a partly rendered one leaves out. A report lists them in every format, so "no differences" is never
 * said of something that was not looked at; failures make the exit code 2 unless accepted.
 */
import { isMap, type KObject } from "../kustomize/types.js";
import {
  type Cluster,
  type HelmReleaseInfo,
  helmReleaseId,
  notRenderedReason,
  type Platform,
  withoutOwnName,
} from "../platform/model.js";
import { type KustomizationSide, objectKey } from "./compare.js";
import type { NotCompared, SuspendedKustomization } from "./model.js";

/**
 * The Kustomizations of one cluster (by id, both sides) suspended at every side that has them:
 * not rendered, so not compared (one suspended at one side only shows as a status change).
 */
export function suspendedAtBothSides(
  cluster: string,
  sides: Map<string, { base?: KustomizationSide; head?: KustomizationSide }>,
): SuspendedKustomization[] {
  const out: SuspendedKustomization[] = [];
  for (const id of [...sides.keys()].sort()) {
    const { base, head } = sides.get(id)!;
    const present = [base, head].filter((s) => s !== undefined);
    if (present.length === 0 || present.some((s) => s.status !== "suspended")) continue;
    const spec = (head ?? base)!.object.spec;
    const specPath = isMap(spec) && typeof spec.path === "string" ? spec.path : "";
    out.push({ cluster, id, ...(specPath ? { path: specPath } : {}) });
  }
  return out;
}

/** The Kustomizations of one cluster (by id, both sides) that could not be compared. */
export function notCompared(
  cluster: string,
  sides: Map<string, { base?: KustomizationSide; head?: KustomizationSide }>,
  /** Per Kustomization: the sealed Secrets it substitutes from whose ciphertext changed (sealedVariables). */
  sealed: ReadonlyMap<string, string[]> = new Map(),
): NotCompared[] {
  const out: NotCompared[] = [];
  for (const id of [...sides.keys()].sort()) {
    const { base, head } = sides.get(id)!;
    const statuses = [base?.status, head?.status];
    const undecrypted = [...encryptedChanges(base, head), ...(sealed.get(id) ?? [])];
    // Partly rendered: its objects were compared, but not what its render leaves out (a remote
    // resource whose ref changed differs in the cluster, not here), so it is listed too. So are
    // the values of a SOPS file that could not be decrypted when its ciphertext changed.
    const reason = statuses.includes("failed")
      ? "failed"
      : statuses.includes("external")
        ? "external"
        : base?.leftOut || head?.leftOut || undecrypted.length > 0
          ? "partial"
          : undefined;
    if (!reason) continue;
    const entry: NotCompared = { cluster, id, reason, errors: [] };
    if (base) entry.baseStatus = base.status;
    if (head) entry.headStatus = head.status;
    const messages =
      reason === "failed"
        ? [base?.errors, head?.errors]
        : reason === "partial"
          ? [base?.leftOut, head?.leftOut, undecrypted]
          : [base?.warnings, head?.warnings];
    entry.errors = [...new Set(messages.flatMap((m) => m ?? []))];
    if (
      reason === "partial" &&
      base &&
      head &&
      (leftOutKey(base) !== leftOutKey(head) || undecrypted.length > 0)
    )
      entry.leftOutChanged = true;
    out.push(entry);
  }
  return out;
}

/**
 * Objects on both sides still in their SOPS envelope (no key decrypted them) that differ: sops
 * writes new ciphertexts (and a new MAC) for every value on every edit, so which plaintext
 * values changed, if any, cannot be told. One line each, naming the file to decrypt.
 */
export function encryptedChanges(
  base: KustomizationSide | undefined,
  head: KustomizationSide | undefined,
  /** Environment comparisons: names mapped to a common form (env.ts). */
  normalize?: (s: string) => string,
): string[] {
  if (base?.status !== "rendered" || head?.status !== "rendered") return [];
  const sealed = (o: KustomizationSide["objects"][number]) => isMap(o.object.sops);
  if (!base.objects.some(sealed) && !head.objects.some(sealed)) return [];
  const before = new Map<string, KustomizationSide["objects"][number]>();
  for (const o of base.objects) {
    const k = objectKey(o.object, normalize);
    if (!before.has(k)) before.set(k, o);
  }
  const lines: string[] = [];
  for (const o of head.objects) {
    const b = before.get(objectKey(o.object, normalize));
    if (b === undefined || !(sealed(o) || sealed(b))) continue;
    if (b.object === o.object || jsonText(b.object) === jsonText(o.object)) continue;
    const md = isMap(o.object.metadata) ? o.object.metadata : {};
    const name = `${String(o.object.kind)} ${md.namespace ? `${String(md.namespace)}/` : ""}${String(md.name ?? "")}`;
    const file = (o.source ?? b.source)?.file;
    lines.push(
      `${file ? `${file}: ` : ""}${name}: SOPS: could not decrypt; its encrypted values changed and are not compared`,
    );
  }
  return lines;
}

/**
 * Per Flux Kustomization rendered at both sides: the Secrets no key decrypted whose variables its
 * objects use at either side (KustomizationSide.sealed) and whose ciphertext changed. Slipway
 * substitutes their ciphertext where Flux substitutes the plaintext, so what it substitutes is
 * not compared: one line each. A Kustomization that substitutes from the Secret but uses none of
 * its variables is not listed: nothing of it depends on the Secret. (Revision diffs: the Secret is
 * looked up in the Kustomization's namespace among the objects of the cluster's Kustomizations,
 * as kustomize-controller reads it from the cluster.)
 */
export function sealedVariables(
  sides: Map<string, { base?: KustomizationSide; head?: KustomizationSide }>,
  normalize: (s: string) => string = (s) => s,
): Map<string, string[]> {
  const secrets = (which: "base" | "head") => {
    const out = new Map<string, KustomizationSide["objects"][number]>();
    for (const s of sides.values()) {
      for (const o of s[which]?.objects ?? []) {
        if (o.object.kind !== "Secret") continue;
        const md = isMap(o.object.metadata) ? o.object.metadata : {};
        const k = normalize(`${String(md.namespace ?? "")}/${String(md.name ?? "")}`);
        if (!out.has(k)) out.set(k, o);
      }
    }
    return out;
  };
  let before: Map<string, KustomizationSide["objects"][number]> | undefined;
  let after: Map<string, KustomizationSide["objects"][number]> | undefined;
  const found = new Map<string, string[]>();
  for (const [id, { base, head }] of sides) {
    if (base?.status !== "rendered" || head?.status !== "rendered") continue;
    const used = [...new Set([...(base.sealed ?? []), ...(head.sealed ?? [])])];
    if (used.length === 0) continue;
    before ??= secrets("base");
    after ??= secrets("head");
    const lines: string[] = [];
    for (const secret of used) {
      const b = before.get(normalize(secret));
      const h = after.get(normalize(secret));
      if (!b || !h || !(isMap(b.object.sops) || isMap(h.object.sops))) continue;
      if (b.object === h.object || normalize(jsonText(b.object)) === normalize(jsonText(h.object))) continue;
      lines.push(
        `${id}: substitutes variables from Secret ${secret}, which could not be decrypted and whose ciphertext changed: what it substitutes is not compared`,
      );
    }
    if (lines.length > 0) found.set(id, lines);
  }
  return found;
}

function jsonText(v: unknown): string {
  return JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}n` : x));
}

/** What a side leaves out, lines aside (an entry that only moved is the same entry). */
function leftOutKey(side: KustomizationSide): string {
  return JSON.stringify((side.leftOut ?? []).map((e) => e.replace(/^([^:\n]+):\d+: /, "$1: ")).sort());
}

/** One line per failed Kustomization, for the report's errors (what makes the exit code 2). */
export function failureLines(list: NotCompared[]): string[] {
  return list
    .filter((n) => n.reason === "failed")
    .map((n) => `${n.cluster} ${n.id}: ${whereFailed(n)}: ${n.errors.join("; ") || "no message"}`);
}

export function whereFailed(n: NotCompared): string {
  const b = n.baseStatus === "failed";
  const h = n.headStatus === "failed";
  if (b && h) return "fails to render on both sides";
  return b ? "fails to render at the base" : "fails to render";
}

/**
 * HelmReleases of one cluster that changed between the sides while their chart was not
 * rendered at one of them: the diff shows the HelmRelease's own fields, but not what the change
 * does to the chart's objects. A release changes with its own object and with what its render
 * would read besides: the ConfigMaps and Secrets its valuesFrom names and its chart's source
 * object (an OCIRepository's tag, a HelmRepository's URL). (A release that failed is an error
 * already; one that did not change renders as before.)
 */
export function releasesNotCompared(
  cluster: string,
  base: Cluster | undefined,
  head: Cluster | undefined,
  /** Environment diffs: names and values with the environment words mapped away (env.ts). */
  normalize: (s: string) => string = (s) => s,
): NotCompared[] {
  const sides = new Map<string, { base?: HelmReleaseInfo; head?: HelmReleaseInfo }>();
  const key = (r: HelmReleaseInfo) => normalize(`${r.namespace}/${r.name}`);
  for (const r of base?.helmReleases ?? []) sides.set(key(r), { base: r });
  for (const r of head?.helmReleases ?? []) sides.set(key(r), { ...sides.get(key(r)), head: r });
  const unrendered = (r?: HelmReleaseInfo) =>
    r !== undefined && (r.status === undefined || r.status === "external");
  // One object on both sides (a changed-only diff's base takes an unchanged Kustomization's
  // objects from the head) writes one JSON text: neither is written then.
  const same = (b: HelmReleaseInfo, h: HelmReleaseInfo) =>
    (b.object === h.object || normalize(JSON.stringify(b.object)) === normalize(JSON.stringify(h.object))) &&
    sameReads(releaseReads(base!, b), releaseReads(head!, h), normalize);
  const out: NotCompared[] = [];
  for (const k of [...sides.keys()].sort()) {
    const { base: b, head: h } = sides.get(k)!;
    if (!unrendered(b) && !unrendered(h)) continue;
    if (b && h && same(b, h)) continue;
    const id = `${(h ?? b)!.namespace}/${(h ?? b)!.name}`;
    const entry: NotCompared = { cluster, id: `HelmRelease ${id}`, reason: "chart-not-rendered", errors: [] };
    if (b?.status) entry.baseStatus = b.status;
    if (h?.status) entry.headStatus = h.status;
    const why = (r?: HelmReleaseInfo) => (r && unrendered(r) ? [notRenderedReason(r)] : []);
    entry.errors = [...new Set([...why(h), ...why(b)])];
    out.push(entry);
  }
  return out;
}

/**
 * The objects of `cluster` that a render of `r` reads besides its own object: its valuesFrom
 * ConfigMaps and Secrets (masked already: equal values, equal markers) and its chart's source,
 * null for a missing one (so one appearing or going away is a change too).
 */
function releaseReads(cluster: Cluster, r: HelmReleaseInfo): Array<KObject | null> {
  const spec = isMap(r.object.spec) ? r.object.spec : {};
  const wanted: Array<{ kind: string; namespace: string; name: string }> = [];
  for (const ref of Array.isArray(spec.valuesFrom) ? spec.valuesFrom : []) {
    if (isMap(ref) && typeof ref.kind === "string" && typeof ref.name === "string")
      wanted.push({ kind: ref.kind, namespace: r.namespace, name: ref.name });
  }
  if (r.chartSource) wanted.push(r.chartSource);
  if (wanted.length === 0) return [];
  return wanted.map((w) => objectOf(cluster, w.kind, w.namespace, w.name) ?? null);
}

/**
 * Whether two releases read the same objects: the same objects (a changed-only diff's two sides
 * share an unchanged Kustomization's), else equal texts of the lists.
 */
function sameReads(
  b: Array<KObject | null>,
  h: Array<KObject | null>,
  normalize: (s: string) => string,
): boolean {
  if (b.length === h.length && b.every((o, i) => o === h[i])) return true;
  return normalize(readsText(b)) === normalize(readsText(h));
}

function readsText(objects: Array<KObject | null>): string {
  if (objects.length === 0) return "";
  return JSON.stringify(objects, (_, v) => (typeof v === "bigint" ? `${v}n` : v));
}

/** Per cluster: its rendered objects by kind, then by namespace and name (see objectOf). */
const byCluster = new WeakMap<Cluster, Map<string, KObject[] | Map<string, KObject>>>();

/**
 * The first rendered object of `cluster` with this kind, namespace and name. Objects are grouped
 * by kind once per cluster (few releases read few kinds of thousands of objects), and a kind's
 * objects indexed by namespace and name when it is first asked for.
 */
function objectOf(cluster: Cluster, kind: string, namespace: string, name: string): KObject | undefined {
  let kinds = byCluster.get(cluster);
  if (kinds === undefined) {
    kinds = new Map();
    for (const k of cluster.kustomizations) {
      for (const { object: o } of k.resources) {
        const of = String(o.kind);
        const list = kinds.get(of);
        if (list === undefined) kinds.set(of, [o]);
        else (list as KObject[]).push(o);
      }
    }
    byCluster.set(cluster, kinds);
  }
  let index = kinds.get(kind);
  if (index === undefined) return undefined;
  if (Array.isArray(index)) {
    const named = new Map<string, KObject>();
    for (const o of index) {
      const meta = isMap(o.metadata) ? o.metadata : {};
      const at = `${String(meta.namespace ?? "")}\u0000${String(meta.name ?? "")}`;
      if (!named.has(at)) named.set(at, o);
    }
    kinds.set(kind, (index = named));
  }
  return index.get(`${namespace}\u0000${name}`);
}

/**
 * HelmReleases of one cluster whose chart's objects are missing from its render: failed (what
 * helm-controller would fail: reason `failed`) or not rendered (chart not in the chart cache,
 * source not in the repository: `chart-not-rendered`). A view of a single render, the
 * environment matrix, lists them, so an empty cell in a chart's rows is never read as "absent".
 * Suspended releases are left out: helm-controller changes nothing of them either.
 */
export function releasesNotRendered(cluster: string, releases: readonly HelmReleaseInfo[]): NotCompared[] {
  const out: NotCompared[] = [];
  for (const h of [...releases].sort((a, b) => helmReleaseId(a).localeCompare(helmReleaseId(b)))) {
    if (h.status === "rendered" || h.status === "suspended") continue;
    const failed = h.status === "failed";
    const errors = failed
      ? (h.errors ?? []).map((e) => withoutOwnName(h, e.message))
      : [notRenderedReason(h)];
    out.push({
      cluster,
      id: `HelmRelease ${helmReleaseId(h)}`,
      reason: failed ? "failed" : "chart-not-rendered",
      ...(h.status ? { headStatus: h.status } : {}),
      errors: [...new Set(errors)],
    });
  }
  return out;
}

/**
 * The stderr note for HelmReleases of `platform` (the head) whose chart is not in the chart
 * cache: only those whose inputs changed are listed as not compared, so without this line a
 * diff would be silent about charts it never rendered. Undefined when there are none.
 */
export function chartsMissingNote(platform: Platform): string | undefined {
  let n = 0;
  for (const c of platform.clusters) for (const h of c.helmReleases) if (h.chartMissing !== undefined) n++;
  if (n === 0) return undefined;
  const them = n === 1 ? "1 HelmRelease" : `${n} HelmReleases`;
  return `note: ${them} not rendered: ${n === 1 ? "its chart is" : "their charts are"} not in the chart cache (run 'slipway charts pull'); what they render is not compared, and a release whose inputs changed is listed under "Not compared"`;
}

/** "2 Flux Kustomizations and 1 HelmRelease" */
export function notComparedCount(list: readonly NotCompared[]): string {
  const releases = list.filter((n) => n.reason === "chart-not-rendered").length;
  const ks = list.length - releases;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
  return [ks ? plural(ks, "Flux Kustomization") : "", releases ? plural(releases, "HelmRelease") : ""]
    .filter(Boolean)
    .join(" and ");
}
