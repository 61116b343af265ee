import { describe, expect, it } from "vitest";
import type { CheckResult } from "../../src/check/engine.js";
import { formatGithub } from "../../src/check/report/github.js";
import { formatJson } from "../../src/check/report/json.js";
import { formatJunit } from "../../src/check/report/junit.js";
import { toSarif } from "../../src/check/report/sarif.js";
import { formatText } from "../../src/check/report/text.js";
import type { Rule } from "../../src/check/types.js";

const result: CheckResult = {
  findings: [
    {
      rule: "schema-invalid",
      severity: "error",
      message: 'Deployment default/web: spec.replicas: must be integer, got string "3"',
      cluster: "dev",
      kustomization: "flux-system/apps",
      resource: { apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "web" },
      file: "apps/web.yaml",
      line: 7,
    },
    {
      rule: "schema-unknown-field",
      severity: "warning",
      message: "a, b: <x> & y\nz",
      cluster: "dev",
      file: "apps/web.yaml",
      line: 19,
    },
    { rule: "render-error", severity: "error", message: "slipway.yaml: bad", file: "slipway.yaml" },
  ],
  summary: {
    errors: 2,
    warnings: 1,
    infos: 0,
    resources: 12,
    clusters: 2,
    rules: ["render-error", "schema-invalid", "schema-unknown-field"],
  },
  configWarnings: [],
};

const rules: Rule[] = ["render-error", "schema-invalid", "schema-unknown-field", "unused"].map((id) => ({
  id,
  defaultSeverity: "error",
  description: `${id} description`,
  help: `${id} help`,
  run: () => {},
}));

describe("reports", () => {
  it("text: grouped by cluster and file, summary line, colours only when asked", () => {
    const text = formatText(result);
    expect(text).toContain("cluster dev\n  apps/web.yaml\n        7  error    Deployment default/web");
    expect(text.trimEnd().endsWith("2 errors, 1 warning in 12 resources across 2 clusters")).toBe(true);
    expect(text).not.toContain("\x1b[");
    expect(formatText(result, { color: true })).toContain("\x1b[31merror");
  });

  it("json: findings and summary with repository-relative files", () => {
    const j = JSON.parse(formatJson(result));
    expect(Object.keys(j)).toEqual(["findings", "summary"]);
    expect(j.findings[0]).toEqual(result.findings[0]);
    expect(j.findings[2]).toEqual({
      rule: "render-error",
      severity: "error",
      message: "slipway.yaml: bad",
      file: "slipway.yaml",
    });
    expect(j.summary.errors).toBe(2);
  });

  it("sarif: 2.1.0 with rule help and startLine ≥ 1 for every result", () => {
    const s = toSarif(result, rules, { toolVersion: "0.1.0" }) as {
      version: string;
      runs: Array<{
        tool: { driver: { rules: Array<{ id: string; help: { text: string } }> } };
        results: Array<{
          ruleId: string;
          ruleIndex: number;
          level: string;
          locations: Array<{
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
          }>;
        }>;
      }>;
    };
    expect(s.version).toBe("2.1.0");
    const run = s.runs[0];
    expect(run?.tool.driver.rules.map((r) => r.id)).toEqual([
      "render-error",
      "schema-invalid",
      "schema-unknown-field",
    ]);
    expect(run?.tool.driver.rules[1]?.help.text).toBe("schema-invalid help");
    expect(run?.results.map((r) => [r.ruleId, r.ruleIndex, r.level])).toEqual([
      ["schema-invalid", 1, "error"],
      ["schema-unknown-field", 2, "warning"],
      ["render-error", 0, "error"],
    ]);
    for (const r of run?.results ?? [])
      expect(r.locations[0]?.physicalLocation.region.startLine).toBeGreaterThanOrEqual(1);
    expect(run?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe("apps/web.yaml");
  });

  it("junit: a testsuite per cluster, a testcase per rule, failures for errors, escaped", () => {
    const xml = formatJunit(result, ["dev", "prod"]);
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="slipway check" tests="7" failures="2"/,
    );
    expect(xml).toContain('<testsuite name="dev" tests="3" failures="1"');
    expect(xml).toContain('<testsuite name="prod" tests="3" failures="0"');
    expect(xml).toContain('<testsuite name="repository" tests="1" failures="1"');
    expect(xml).toContain(
      '<failure message="apps/web.yaml:7: Deployment default/web: spec.replicas: must be integer, got string &quot;3&quot;"',
    );
    expect(xml).toContain("<system-out>warning: apps/web.yaml:19: a, b: &lt;x&gt; &amp; y\nz</system-out>");
  });

  it("github: workflow commands with escaped properties and data", () => {
    const lines = formatGithub(result).trimEnd().split("\n");
    expect(lines[0]).toBe(
      '::error file=apps/web.yaml,line=7,title=schema-invalid (dev)::Deployment default/web: spec.replicas: must be integer, got string "3"',
    );
    expect(lines[1]).toBe(
      "::warning file=apps/web.yaml,line=19,title=schema-unknown-field (dev)::a, b: <x> & y%0Az",
    );
    expect(lines[2]).toBe("::error file=slipway.yaml,title=render-error::slipway.yaml: bad");
    expect(lines[3]).toBe("2 errors, 1 warning in 12 resources across 2 clusters");
  });
});
