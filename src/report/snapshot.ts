/**
 * One render of the platform as the dashboard shows it: the model the page loads first, and
 * on demand a node's details, a source file, an environment comparison. Built from the
 * Platform, the check result and the bytes the render read; everything that leaves it is
 * masked (see redact.ts).
 */
import * as path from "node:path";
import type { CheckResult } from "../check/engine.js";
import { compareEnvironments, environmentMatrix, leftOutOfMatrix, maskForDiff } from "../diff/index.js";
import type { DiffReport } from "../diff/model.js";
import type { GraphAnalysis } from "../graph/index.js";
import type { PlatformSecrets } from "../platform/decrypt.js";
import type { SecretValues } from "../platform/masking.js";
import { type Platform, platformErrors } from "../platform/model.js";
import { redactUrlsIn } from "../url-credentials.js";
import { nodeDetails } from "./details.js";
import type { DashboardModel, NodeDetails, ReportBundle, SourceView } from "./model.js";
import { analyzeCluster, clusterView, emptyCounts, errorView, findingView } from "./overview.js";
import { Redactor } from "./redact.js";
import { secretsView } from "./secrets-view.js";
import { maskSecretManifests } from "./source-mask.js";
import { modelFiles, type RecordedSource, sourceView } from "./sources.js";

export interface SnapshotInput {
  platform: Platform;
  secrets?: PlatformSecrets;
  check: CheckResult;
  /** The run's secret values (the masker shared by every render of a session). */
  values: SecretValues;
  /** The bytes the render read, by absolute path. */
  read: RecordedSource;
  generation?: number;
  changedFiles?: string[];
  previous?: DashboardModel;
  renderMs?: number;
  now?: Date;
}

export class DashboardSnapshot {
  readonly model: DashboardModel;
  readonly platform: Platform;
  private readonly redact: Redactor;
  private readonly analyses = new Map<string, GraphAnalysis>();
  private readonly files: Map<string, SourceView["marks"]>;
  private readonly detailCache = new Map<string, NodeDetails | undefined>();
  private readonly sourceCache = new Map<string, SourceView | undefined>();

  constructor(private readonly input: SnapshotInput) {
    const { platform, check } = input;
    this.platform = platform;
    this.redact = new Redactor(input.values, platform);
    const redact = this.redact;
    const clusters = platform.clusters.map((c) => {
      const analysis = analyzeCluster(c);
      this.analyses.set(c.name, analysis);
      return clusterView(c, analysis, check.findings, redact);
    });
    const findings = check.findings.map((f) => findingView(f, redact));
    const counts = emptyCounts();
    for (const f of findings) counts[f.severity]++;
    const matrix = environmentMatrix(maskForDiff(platform, input.values.masker));
    const order = matrix.clusters;
    const envPairs: Array<[string, string]> = [];
    for (let i = 0; i + 1 < order.length; i++) envPairs.push([order[i]!, order[i + 1]!]);
    const previous = new Map<string, string>();
    for (const c of input.previous?.clusters ?? [])
      for (const n of c.nodes) previous.set(`${c.name}|${n.id}`, n.fingerprint);
    const changedNodes: string[] = [];
    if (input.previous) {
      for (const c of clusters)
        for (const n of c.nodes) {
          const key = `${c.name}|${n.id}`;
          if (previous.get(key) !== n.fingerprint) changedNodes.push(key);
        }
    }
    // HelmReleases' errors too: a release that fails is a failure of the platform like a Kustomization's.
    const errors = platformErrors(platform).map((e) => errorView(e, redact));
    this.model = redact.deep({
      schema: "slipway.dashboard/v1",
      repo: path.posix.basename(platform.root),
      renderedAt: (input.now ?? new Date()).toISOString(),
      generation: input.generation ?? 1,
      renderMs: Math.round(input.renderMs ?? 0),
      changedFiles: input.changedFiles ?? [],
      changedNodes,
      clusters,
      errors,
      findings,
      summary: {
        clusters: clusters.length,
        kustomizations: clusters.reduce((n, c) => n + c.counts.kustomizations, 0),
        helmReleases: clusters.reduce((n, c) => n + c.counts.helmReleases, 0),
        objects: clusters.reduce((n, c) => n + c.counts.objects, 0),
        failed: clusters.reduce((n, c) => n + c.counts.failed, 0),
        partial: clusters.reduce((n, c) => n + c.counts.partial, 0),
        errors: errors.length,
        findings: counts,
      },
      matrix: {
        clusters: matrix.clusters,
        rows: matrix.rows,
        leftOut: leftOutOfMatrix(matrix),
      },
      secrets: secretsView(platform, input.secrets, redact),
      envPairs,
    } satisfies DashboardModel);
    this.files = modelFiles(
      platform,
      check.findings,
      (input.secrets?.files ?? []).map((f) => f.file),
    );
  }

  /** The details of one node, or undefined when the cluster or node does not exist. */
  details(cluster: string, id: string): NodeDetails | undefined {
    const key = `${cluster}|${id}`;
    if (!this.detailCache.has(key)) {
      const c = this.platform.clusters.find((x) => x.name === cluster);
      const analysis = this.analyses.get(cluster);
      const d =
        c && analysis ? nodeDetails(c, analysis, this.input.check.findings, id, this.redact) : undefined;
      this.detailCache.set(key, d && this.redact.deep(d));
    }
    return this.detailCache.get(key);
  }

  /** Whether the model points at this repository-relative file. */
  hasSource(file: string): boolean {
    return this.files.has(file);
  }

  /** A file the model points at, as the render read it (masked); undefined for any other file. */
  source(file: string): SourceView | undefined {
    if (!this.files.has(file)) return undefined;
    if (!this.sourceCache.has(file)) {
      const v = sourceView(this.platform.root, file, this.files.get(file)!, this.input.read, this.redact);
      // A URL with credentials is masked in the model (a Flux source's spec.url) and redacted
      // in every message; the file as written must not show it either.
      if (v) v.text = redactUrlsIn(maskSecretManifests(v.text));
      this.sourceCache.set(file, v);
    }
    return this.sourceCache.get(file);
  }

  /** Cluster A compared with cluster B (masked). Throws for an unknown cluster. */
  envDiff(a: string, b: string): DiffReport {
    return this.redact.deep(compareEnvironments(this.platform, a, b, this.input.values.masker));
  }

  /** Everything, for a self-contained report. */
  bundle(extra: { revisionDiff?: DiffReport; start?: string } = {}): ReportBundle {
    const details: ReportBundle["details"] = {};
    for (const c of this.model.clusters)
      for (const n of c.nodes) {
        const d = this.details(c.name, n.id);
        if (d) details[`${c.name}|${n.id}`] = d;
      }
    const sources: ReportBundle["sources"] = {};
    for (const file of [...this.files.keys()].sort()) {
      const s = this.source(file);
      if (s) sources[file] = s;
    }
    const envDiffs: ReportBundle["envDiffs"] = {};
    for (const [a, b] of this.model.envPairs) envDiffs[`${a}|${b}`] = this.envDiff(a, b);
    const bundle: ReportBundle = { model: this.model, details, sources, envDiffs };
    if (extra.revisionDiff) bundle.revisionDiff = this.redact.deep(extra.revisionDiff);
    if (extra.start) bundle.start = extra.start;
    return bundle;
  }

  /** The run's secret values, to mask data computed elsewhere with the same markers. */
  get secretValues(): SecretValues {
    return this.input.values;
  }

  /** The masking used by this snapshot, for data computed elsewhere (a revision diff). */
  scrub<T>(value: T): T {
    return this.redact.deep(value);
  }
}
