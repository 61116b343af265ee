/**
 * JSON report. Schema (stable; fields are only ever added):
 *
 * ```
 * {
 *   "findings": [{
 *     "rule": "flux-dependson-missing",          // rule id (`slipway check --list-rules`)
 *     "severity": "error" | "warning" | "info",
 *     "message": "…",
 *     "cluster": "production",                   // absent for repository-wide findings
 *     "kustomization": "flux-system/apps",       // namespace/name of the Flux Kustomization, if any
 *     "resource": { "apiVersion": "…", "kind": "…", "namespace": "…", "name": "…" },  // if about one object
 *     "file": "clusters/production/apps.yaml",   // repository-relative POSIX path, if known
 *     "line": 12                                 // 1-based, if known
 *   }],
 *   "summary": {
 *     "errors": 1, "warnings": 0, "infos": 0,
 *     "resources": 120,                          // rendered objects checked
 *     "clusters": 2,
 *     "rules": ["render-error", …]              // rules that ran
 *   },
 *   "discovery": {…}                             // what was found and not rendered (platform/discovery-summary.ts)
 * }
 * ```
 * Findings are sorted by cluster, file, line, severity, rule and message.
 */
import type { DiscoverySummary } from "../../platform/discovery-summary.js";
import type { CheckResult } from "../engine.js";

export function formatJson(result: CheckResult, extra: { discovery?: DiscoverySummary } = {}): string {
  const findings = result.findings.map((f) => {
    const o: Record<string, unknown> = { rule: f.rule, severity: f.severity, message: f.message };
    if (f.cluster !== undefined) o.cluster = f.cluster;
    if (f.kustomization !== undefined) o.kustomization = f.kustomization;
    if (f.resource !== undefined) o.resource = f.resource;
    if (f.file !== undefined) o.file = f.file;
    if (f.line !== undefined) o.line = f.line;
    return o;
  });
  const out = extra.discovery
    ? { findings, summary: result.summary, discovery: extra.discovery }
    : { findings, summary: result.summary };
  return `${JSON.stringify(out, null, 2)}\n`;
}
