/**
 * The dashboard's data: what `slipway serve` sends to the page and `slipway report --html`
 * embeds in it. Built from the one Platform model (never from files), with every secret value
 * masked before it gets here. The web front end (web/) imports these types, so this module
 * holds types only.
 *
 * Stable JSON: fields are only ever added (schema "slipway.dashboard/v1").
 */
import type { DiffReport } from "../diff/model.js";

export type Severity = "error" | "warning" | "info";

export interface Where {
  /** Repository-relative POSIX path. */
  file: string;
  /** 1-based; 0 or absent when unknown. */
  line?: number;
}

export interface ErrorView {
  message: string;
  file?: string;
  line?: number;
  cluster?: string;
  kustomization?: string;
}

export interface SeverityCounts {
  error: number;
  warning: number;
  info: number;
}

/** A Flux Kustomization, HelmRelease or ResourceSet: one row of the overview, one node of the graph. */
export interface NodeView {
  /** Graph id: `Kustomization/namespace/name` or `HelmRelease/namespace/name` (unique per cluster). */
  id: string;
  kind: "Kustomization" | "HelmRelease" | "ResourceSet";
  namespace: string;
  name: string;
  /**
   * Kustomizations: rendered | failed | suspended | external (as the model says).
   * HelmReleases: rendered (the model holds its objects), failed, suspended, or "declared"
   * when the model does not render HelmReleases (yet).
   */
  status: "rendered" | "failed" | "suspended" | "external" | "declared";
  /**
   * A rendered Kustomization whose render leaves out some of what Flux applies (a remote
   * resource, an object whose identity is secret: its errors say which), so the page does not
   * show it as wholly rendered.
   */
  partial?: true;
  /** Kustomizations: spec.path; HelmReleases: the chart name. */
  path?: string;
  /** Repository-relative directory that was built. */
  dir?: string;
  definedAt?: Where;
  /** Graph id of the Flux Kustomization that applies it. */
  appliedBy?: string;
  /** Rendered objects it applies (HelmReleases: when the model holds its rendered inventory). */
  objects: number;
  errors: ErrorView[];
  warnings: string[];
  findings: SeverityCounts;
  /** From the dependency analysis. */
  layer: number | null;
  start: number | null;
  finish: number | null;
  duration: number;
  blocked: "cycle" | "missing" | "upstream" | null;
  critical: boolean;
  helm?: HelmView;
  /** A short fingerprint of what it renders: changes when its spec or output changes (watch mode). */
  fingerprint: string;
}

export interface HelmView {
  chart?: string;
  /** As written (may be a semver range). */
  version?: string;
  /** The chart version actually rendered, when the model resolved one. */
  resolvedVersion?: string;
  /** `Kind namespace/name` of the chart's source. */
  source?: string;
  /** Whether the model holds the rendered inventory of this release. */
  rendered: boolean;
}

export interface GraphView {
  edges: Array<{ dependent: string; dependsOn: string; implicit?: boolean }>;
  layers: string[][];
  criticalPath: string[];
  cycles: string[][];
  /** `mayExist`: why the target may exist in output Slipway could not see (" (…)"). */
  missing: Array<{ dependent: string; kind: string; namespace: string; name: string; mayExist?: string }>;
  timing: { fineGrained: number; waves: number; speedup: number };
}

export interface ClusterView {
  name: string;
  path: string;
  mode: "flux" | "kustomize";
  discoveredBy: string;
  renderMs: number;
  counts: {
    kustomizations: number;
    helmReleases: number;
    objects: number;
    failed: number;
    /** Rendered in part (NodeView.partial). */
    partial: number;
    suspended: number;
    external: number;
    errors: number;
  };
  findings: SeverityCounts;
  nodes: NodeView[];
  graph: GraphView;
  errors: ErrorView[];
}

export interface FindingView {
  rule: string;
  severity: Severity;
  message: string;
  cluster?: string;
  kustomization?: string;
  resource?: string;
  file?: string;
  line?: number;
}

export interface MatrixView {
  clusters: string[];
  rows: Array<{ service: string; aspect: string; values: Record<string, string | null> }>;
  /**
   * What the matrix leaves out (diff/matrix.ts), one entry per object and reason with the
   * clusters: failed or external Flux Kustomizations, HelmReleases that failed or whose chart
   * was not rendered (values shown, chart objects not).
   */
  leftOut: Array<{ id: string; reason: string; clusters: string[]; errors: string[] }>;
}

export interface SecretFileView {
  file: string;
  format: string;
  canDecrypt: boolean;
  problem?: string;
  /** Recipients compared with `.sops.yaml`: match | mismatch | no-rule | unknown. */
  rule: "match" | "mismatch" | "no-rule" | "unknown";
  recipients: string[];
}

export interface SecretsView {
  haveIdentities: boolean;
  files: SecretFileView[];
  problems: Array<{ file: string; reason: string; cluster?: string; kustomization?: string }>;
  /** Secret objects rendered per cluster (values never included). */
  secretObjects: Array<{
    cluster: string;
    kustomization: string;
    namespace: string;
    name: string;
    keys: string[];
    encrypted: boolean;
    source?: Where;
  }>;
}

export interface DashboardModel {
  schema: "slipway.dashboard/v1";
  /** Repository directory name (the page title). */
  repo: string;
  /** ISO time of this render. */
  renderedAt: string;
  /** Increments with each re-render in watch mode. */
  generation: number;
  renderMs: number;
  /** Files whose change produced this render (watch mode). */
  changedFiles: string[];
  /** Node ids (`cluster|id`) whose fingerprint changed in this render. */
  changedNodes: string[];
  clusters: ClusterView[];
  errors: ErrorView[];
  findings: FindingView[];
  summary: {
    clusters: number;
    kustomizations: number;
    helmReleases: number;
    objects: number;
    failed: number;
    /** Kustomizations rendered in part (NodeView.partial). */
    partial: number;
    errors: number;
    findings: SeverityCounts;
  };
  matrix: MatrixView;
  secrets: SecretsView;
  /** Ordered pairs of clusters offered for an environment comparison (promotion order). */
  envPairs: Array<[string, string]>;
}

/** Everything the page shows about one node when it is clicked. */
export interface NodeDetails {
  cluster: string;
  id: string;
  /** The object as its parent applies it, masked, as YAML. */
  spec: string;
  definedAt?: Where;
  objects: ObjectView[];
  findings: FindingView[];
  errors: ErrorView[];
  warnings: string[];
  dependsOn: string[];
  dependents: string[];
  /** Kustomizations: the Flux Kustomizations and HelmReleases it applies. */
  children: string[];
}

export interface ObjectView {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  source?: Where;
  patches: Where[];
  /** Masked YAML. */
  yaml: string;
}

/** A source file the model read, masked, for the source view. */
export interface SourceView {
  file: string;
  text: string;
  /** Lines the model points at (definitions, findings). */
  marks: Array<{ line: number; severity?: Severity; note: string }>;
}

/** The data of an offline report: the model plus every detail the page may ask for. */
export interface ReportBundle {
  /** Absent in a diff-only page (`slipway diff --format html`). */
  model?: DashboardModel;
  /** By `cluster|id`. */
  details: Record<string, NodeDetails>;
  /** By repository-relative file. */
  sources: Record<string, SourceView>;
  /** Environment comparisons by `a|b`. */
  envDiffs: Record<string, DiffReport>;
  /** A revision diff, when the report was made by `diff --format html` or `report --base`. */
  revisionDiff?: DiffReport;
  /** The page opens on this view (a hash route such as `#/diff`). */
  start?: string;
}

/** `slipway serve`'s render state (watch mode). */
export interface SessionStatus {
  /** rendering: a render is running; ready: the snapshot is current; failed: the last render threw. */
  state: "rendering" | "ready" | "failed";
  /** Files changed since the snapshot was rendered (the page shows it as stale). */
  pending: string[];
  generation: number;
  /** Milliseconds the last render took (from the change it served to its end). */
  lastRenderMs: number;
  /** Why the last render failed (the snapshot shown is the one before). */
  error?: string;
  /** Kustomization directories rebuilt by the last render (the rest came from the cache). */
  rebuiltDirs: number;
}

/** Revisions a person can pick as a diff base. */
export interface RevisionChoices {
  /** False when the repository is not in a Git work tree. */
  git: boolean;
  refs: Array<{ name: string; kind: "branch" | "tag" | "remote" }>;
  commits: Array<{ rev: string; subject: string }>;
}
