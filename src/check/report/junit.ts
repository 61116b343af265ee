/**
 * JUnit XML for CI test viewers (GitLab, Jenkins, Azure, GitHub test reporters): one
 * testsuite per cluster, one testcase per rule that ran; a rule with error findings in that
 * cluster fails (all its errors listed in the failure body), warnings and infos go to
 * system-out. Findings outside any cluster form a testsuite named "repository".
 */
import type { CheckResult } from "../engine.js";
import type { Finding } from "../types.js";

function xml(s: string): string {
  return (
    s
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      // XML 1.0 forbids most control characters even when escaped.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
      // And U+FFFE, U+FFFF (a file name may hold them) and lone surrogates: one in a finding made
      // the whole report unreadable to a CI viewer. Shown as U+FFFD, as UTF-8 output shows them.
      .replace(/[\p{Cs}\ufffe\uffff]/gu, "\ufffd")
  );
}

function where(f: Finding): string {
  const loc = f.file ? `${f.file}${f.line ? `:${f.line}` : ""}: ` : "";
  return `${loc}${f.message}`;
}

export function formatJunit(result: CheckResult, clusters: readonly string[]): string {
  const suites = new Map<string, Finding[]>();
  for (const c of clusters) suites.set(c, []);
  for (const f of result.findings) {
    const key = f.cluster ?? "repository";
    const list = suites.get(key) ?? [];
    list.push(f);
    suites.set(key, list);
  }
  const ruleIds = [...new Set([...result.summary.rules, ...result.findings.map((f) => f.rule)])];
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  let totalTests = 0;
  let totalFailures = 0;
  const body: string[] = [];
  for (const [suite, findings] of suites) {
    const rules = suite === "repository" ? [...new Set(findings.map((f) => f.rule))] : ruleIds;
    let failures = 0;
    const cases: string[] = [];
    for (const rule of rules) {
      const mine = findings.filter((f) => f.rule === rule);
      const errors = mine.filter((f) => f.severity === "error");
      const others = mine.filter((f) => f.severity !== "error");
      const name = `    <testcase classname="slipway.${xml(suite)}" name="${xml(rule)}"`;
      if (mine.length === 0) {
        cases.push(`${name}/>`);
        continue;
      }
      const parts = [`${name}>`];
      if (errors.length > 0) {
        failures++;
        const first = errors[0] as Finding;
        parts.push(
          `      <failure message="${xml(errors.length === 1 ? where(first) : `${errors.length} errors`)}" type="${xml(rule)}">${xml(errors.map(where).join("\n"))}</failure>`,
        );
      }
      if (others.length > 0)
        parts.push(
          `      <system-out>${xml(others.map((f) => `${f.severity}: ${where(f)}`).join("\n"))}</system-out>`,
        );
      parts.push("    </testcase>");
      cases.push(parts.join("\n"));
    }
    totalTests += rules.length;
    totalFailures += failures;
    body.push(
      `  <testsuite name="${xml(suite)}" tests="${rules.length}" failures="${failures}" errors="0" skipped="0">`,
      ...cases,
      "  </testsuite>",
    );
  }
  out.push(`<testsuites name="slipway check" tests="${totalTests}" failures="${totalFailures}" errors="0">`);
  out.push(...body, "</testsuites>");
  return `${out.join("\n")}\n`;
}
