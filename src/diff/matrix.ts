/**
 * The environment matrix: one row per service and aspect (replicas, image tags, resources,
 * storage, what is deployed, HelmRelease values), one column per cluster, only the rows
 * whose values differ. Services are matched across clusters with the environment words of
 * their names mapped away (see env.ts).
 */
import { isMap, type KObject, type YamlValue } from "../kustomize/types.js";
import type { Cluster, Platform } from "../platform/index.js";
import type { KustomizationSide } from "./compare.js";
import { notCompared, releasesNotRendered } from "./coverage.js";
import { groupOf } from "./danger.js";
import { environmentNormalizer, environmentTokens } from "./env.js";
import { compact, joinKey } from "./fields.js";
import { isSecret } from "./mask.js";
import type { NotCompared } from "./model.js";
import { parseQuantity } from "./quantity.js";
import { sideOf } from "./revision.js";

export interface MatrixRow {
  service: string;
  aspect: string;
  /** Per cluster: the value, or null where the service (or aspect) is absent. */
  values: Record<string, string | null>;
}

export interface EnvironmentMatrix {
  clusters: string[];
  rows: MatrixRow[];
  /**
   * What the matrix leaves out: Flux Kustomizations of these clusters that failed or whose source
   * is external, and HelmReleases that failed or whose chart was not rendered (their values are
   * rows, their chart's objects are not).
   */
  notCompared: NotCompared[];
}

const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"]);
const MAX_CELL = 80;

export function environmentMatrix(p: Platform, clusterNames?: string[]): EnvironmentMatrix {
  const chosen = clusterNames ? p.clusters.filter((c) => clusterNames.includes(c.name)) : p.clusters;
  const clusters = [...chosen].sort((a, b) => promotionRank(a.name) - promotionRank(b.name));
  const names = clusters.map((c) => c.name);
  const tokens = new Set<string>();
  for (const a of names)
    for (const b of names) if (a !== b) for (const t of environmentTokens(a, b)) tokens.add(t);
  const normalize = environmentNormalizer([...tokens].sort((x, y) => y.length - x.length));

  // Per row and cluster: the values shown, keyed by their environment-neutral form.
  const cells = new Map<string, Map<string, Map<string, string>>>();
  const order: string[] = [];
  const put = (cluster: string, service: string, aspect: string, value: string, neutral = value) => {
    const rowKey = `${service}\u0000${aspect}`;
    let row = cells.get(rowKey);
    if (!row) {
      cells.set(rowKey, (row = new Map()));
      order.push(rowKey);
    }
    let set = row.get(cluster);
    if (!set) row.set(cluster, (set = new Map()));
    set.set(neutral, value);
  };
  for (const c of clusters) collect(c, normalize, (s, a, v) => put(c.name, s, a, v));

  const rows: MatrixRow[] = [];
  for (const key of order) {
    const [service, aspect] = key.split("\u0000") as [string, string];
    const row = cells.get(key)!;
    const values: Record<string, string | null> = {};
    const distinct = new Set<string>();
    for (const n of names) {
      const set = row.get(n);
      values[n] = set ? [...set.values()].sort().join(", ") : null;
      distinct.add(set ? [...set.keys()].sort().join("\u0000") : "\u0000absent");
    }
    if (distinct.size > 1) rows.push({ service, aspect, values });
  }
  shortenImages(rows);
  rows.sort(
    (x, y) =>
      x.service.localeCompare(y.service) ||
      rank(x.aspect) - rank(y.aspect) ||
      x.aspect.localeCompare(y.aspect),
  );
  const skipped: NotCompared[] = [];
  for (const c of clusters) {
    const own = new Map<string, { head?: KustomizationSide }>();
    for (const k of c.kustomizations) own.set(k.id, { head: sideOf(k, c) });
    skipped.push(...notCompared(c.name, own));
    const applied = new Set(
      c.kustomizations.filter((k) => !k.synthetic && k.status === "rendered").map((k) => k.id),
    );
    skipped.push(
      ...releasesNotRendered(
        c.name,
        c.helmReleases.filter((h) => h.kustomization === undefined || applied.has(h.kustomization)),
      ),
    );
  }
  return { clusters: names, rows, notCompared: skipped };
}

function rank(aspect: string): number {
  const order = ["deployed", "replicas", "image", "resources", "storage", "chart", "values"];
  const i = order.findIndex((o) => aspect.startsWith(o));
  return i < 0 ? order.length : i;
}

type Put = (service: string, aspect: string, value: string, key?: string) => void;

const PROMOTION = [
  ["dev", "development", "sandbox", "sbx", "local"],
  ["test", "qa", "int", "integration"],
  ["staging", "stage", "stg", "preprod", "uat"],
  ["prod", "production", "prd", "live"],
];

/** Clusters in promotion order (dev → staging → production), others keep their place after. */
function promotionRank(name: string): number {
  const words = name.toLowerCase().split(/[/_.-]+/);
  const i = PROMOTION.findIndex((tier) => tier.some((w) => words.includes(w)));
  return i < 0 ? PROMOTION.length : i;
}

function collect(c: Cluster, normalize: (s: string) => string, put: Put): void {
  for (const k of c.kustomizations) {
    if (k.synthetic) continue;
    put(normalize(k.name), "deployed (Flux Kustomization)", k.suspended ? "suspended" : "yes");
    const charts = c.helmReleases.filter((h) => h.kustomization === k.id).flatMap((h) => h.resources ?? []);
    for (const r of [...k.resources, ...charts]) {
      const obj = r.object;
      if (isSecret(obj)) continue;
      const name = normalize(nameOf(obj));
      const group = groupOf(String(obj.apiVersion ?? ""));
      const kind = String(obj.kind ?? "");
      const spec = isMap(obj.spec) ? obj.spec : {};
      if (group === "apps" && WORKLOADS.has(kind)) {
        put(name, "deployed", kind);
        if (kind !== "DaemonSet") put(name, "replicas", scalar(spec.replicas ?? 1));
        const pod = isMap(spec.template) && isMap(spec.template.spec) ? spec.template.spec : {};
        for (const ctr of Array.isArray(pod.containers) ? pod.containers : []) {
          if (!isMap(ctr)) continue;
          const cname = String(ctr.name ?? "");
          if (typeof ctr.image === "string") put(name, `image ${cname}`, ctr.image);
          if (isMap(ctr.resources)) put(name, `resources ${cname}`, resourcesText(ctr.resources));
        }
        for (const t of Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : []) {
          if (!isMap(t) || !isMap(t.metadata)) continue;
          storageCells(t.spec, `storage ${String(t.metadata.name)}`, name, put);
        }
        continue;
      }
      if (group === "autoscaling" && kind === "HorizontalPodAutoscaler") {
        put(name, "replicas (HPA)", `${scalar(spec.minReplicas ?? 1)}–${scalar(spec.maxReplicas)}`);
        continue;
      }
      if (group === "" && kind === "PersistentVolumeClaim") {
        storageCells(spec, "storage", name, put);
        continue;
      }
      if (group === "helm.toolkit.fluxcd.io" && kind === "HelmRelease") {
        put(name, "deployed", "HelmRelease");
        const chart = isMap(spec.chart) && isMap(spec.chart.spec) ? spec.chart.spec : undefined;
        if (chart?.version !== undefined) put(name, "chart version", scalar(chart.version));
        if (isMap(spec.values))
          flatten(spec.values, "values", (p, v) => put(name, p, scalar(v), normalize(scalar(v))));
        continue;
      }
      if (group.endsWith(".toolkit.fluxcd.io") || group === "" || group === "rbac.authorization.k8s.io")
        continue;
      // Custom resources (databases, brokers, clusters): their size and storage.
      for (const key of ["replicas", "instances"]) {
        if (typeof spec[key] === "number") put(name, `${key} (${kind})`, scalar(spec[key]));
      }
      flatten(spec, "spec", (p, v) => {
        const leaf = p.slice(p.lastIndexOf(".") + 1);
        if (
          (leaf === "size" || leaf === "storage") &&
          typeof v === "string" &&
          parseQuantity(v) !== undefined
        )
          put(name, `storage ${p}`, v);
      });
    }
  }
}

function storageCells(spec: YamlValue | undefined, aspect: string, service: string, put: Put): void {
  if (!isMap(spec)) return;
  const req =
    isMap(spec.resources) && isMap(spec.resources.requests) ? spec.resources.requests.storage : undefined;
  if (req !== undefined) put(service, aspect, scalar(req));
  if (typeof spec.storageClassName === "string") put(service, `${aspect} class`, spec.storageClassName);
}

function resourcesText(r: YamlValue): string {
  if (!isMap(r)) return scalar(r);
  const part = (label: string, v: YamlValue | undefined) => {
    if (!isMap(v)) return "";
    const items = Object.keys(v)
      .sort()
      .map((k) => `${k} ${scalar(v[k]!)}`);
    return items.length ? `${label} ${items.join(", ")}` : "";
  };
  return [part("requests", r.requests), part("limits", r.limits)].filter(Boolean).join("; ") || "none";
}

function flatten(v: YamlValue, at: string, visit: (path: string, v: YamlValue) => void): void {
  if (isMap(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, joinKey(at, k), visit);
    return;
  }
  visit(at, v);
}

function nameOf(obj: KObject): string {
  return isMap(obj.metadata) && typeof obj.metadata.name === "string" ? obj.metadata.name : "";
}

function scalar(v: YamlValue | undefined): string {
  const s = typeof v === "string" ? v : compact(v);
  return s.length > MAX_CELL ? `${s.slice(0, MAX_CELL)}…` : s;
}

/** Image cells show just the tag when every cluster pulls the same repository. */
function shortenImages(rows: MatrixRow[]): void {
  for (const row of rows) {
    if (!row.aspect.startsWith("image ")) continue;
    const present = Object.values(row.values).filter((v): v is string => v !== null);
    const repos = new Set(present.map((v) => splitImage(v).repo));
    if (repos.size !== 1 || present.some((v) => v.includes(", "))) continue;
    for (const [c, v] of Object.entries(row.values)) if (v !== null) row.values[c] = splitImage(v).tag;
  }
}

function splitImage(image: string): { repo: string; tag: string } {
  const at = image.indexOf("@");
  if (at >= 0) return { repo: image.slice(0, at), tag: image.slice(at + 1) };
  const colon = image.lastIndexOf(":");
  if (colon > image.lastIndexOf("/")) return { repo: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { repo: image, tag: "latest (implicit)" };
}

export function formatMatrixMarkdown(m: EnvironmentMatrix): string {
  const cell = (s: string | null) => (s === null ? "—" : `\`${s.replace(/\|/g, "\\|").replace(/`/g, "'")}\``);
  const out = [
    `| Service | Aspect | ${m.clusters.join(" | ")} |`,
    `|---|---|${m.clusters.map(() => "---").join("|")}|`,
  ];
  for (const r of m.rows) {
    out.push(
      `| ${r.service} | ${r.aspect.replace(/\|/g, "\\|")} | ${m.clusters.map((c) => cell(r.values[c] ?? null)).join(" | ")} |`,
    );
  }
  if (m.rows.length === 0) out.push(`| _no differences_ | | ${m.clusters.map(() => "").join(" | ")} |`);
  const lines = notComparedLines(m);
  if (lines.length > 0) out.push("", `❌ ${lines[0]}`, "", ...lines.slice(1).map((l) => l.trimStart()));
  return `${out.join("\n")}\n`;
}

/** One thing the matrix leaves out for one reason, with every cluster it is left out of. */
export interface LeftOut {
  id: string;
  reason: NotCompared["reason"];
  clusters: string[];
  errors: string[];
}

/**
 * The matrix's notCompared list grouped by object, reason and message (a chart missing from the
 * cache is one entry, not one per environment), failures first.
 */
export function leftOutOfMatrix(m: EnvironmentMatrix): LeftOut[] {
  const order = ["failed", "external", "partial", "chart-not-rendered"];
  const listed = [...m.notCompared].sort((a, b) => order.indexOf(a.reason) - order.indexOf(b.reason));
  const groups = new Map<string, LeftOut>();
  for (const n of listed) {
    const key = JSON.stringify([n.id, n.reason, n.errors, n.baseStatus, n.headStatus]);
    const g = groups.get(key);
    if (g) g.clusters.push(n.cluster);
    else groups.set(key, { id: n.id, reason: n.reason, clusters: [n.cluster], errors: n.errors });
  }
  return [...groups.values()];
}

/** What the matrix leaves out, one line each (none when it holds everything). */
function notComparedLines(m: EnvironmentMatrix): string[] {
  const groups = leftOutOfMatrix(m);
  if (groups.length === 0) return [];
  const title = groups.some((g) => g.id.startsWith("HelmRelease "))
    ? "Not in the matrix (a HelmRelease listed here has its values in the matrix, not its chart's objects):"
    : "Not in the matrix:";
  return [title, ...groups.map((g) => `  - ${g.id} (${g.clusters.join(", ")}): ${whyLeftOut(g)}`)];
}

function whyLeftOut(n: LeftOut): string {
  const said = n.errors.join("; ");
  if (n.reason === "failed") return `fails to render${said ? `: ${said}` : ""}`;
  if (n.reason === "external")
    return `not rendered: its source is not this repository${said ? ` (${said})` : ""}`;
  if (n.reason === "partial") return `rendered in part: ${said}`;
  return `chart not rendered: ${said}`;
}

export function formatMatrixText(m: EnvironmentMatrix): string {
  const header = ["SERVICE", "ASPECT", ...m.clusters.map((c) => c.toUpperCase())];
  const lines = [
    header,
    ...m.rows.map((r) => [r.service, r.aspect, ...m.clusters.map((c) => r.values[c] ?? "—")]),
  ];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  const note = notComparedLines(m);
  return `${lines.map((l) => l.map((s, i) => (i === l.length - 1 ? s : s.padEnd(widths[i]!))).join("  ")).join("\n")}\n${note.length ? `\n${note.join("\n")}\n` : ""}`;
}
