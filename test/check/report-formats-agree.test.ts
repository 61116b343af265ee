/**
 * Every `check` format says the same about what failed, whatever the repository wrote into a
 * finding's message, file, cluster or Kustomization (control characters, line and paragraph
 * separators, markup, workflow-command syntax, lone surrogates, U+FFFE/U+FFFF): JSON and SARIF
 * read back to the findings, each GitHub annotation is one line that unescapes to its message and
 * file, JUnit is XML 1.0 a CI viewer can read with one failure per rule that has errors, and the
 * text report prints one line per finding. Seeded (SLIPWAY_FUZZ_SEED replays a run).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CheckResult, severityCounts } from "../../src/check/engine.js";
import { formatGithub } from "../../src/check/report/github.js";
import { formatJson } from "../../src/check/report/json.js";
import { formatJunit } from "../../src/check/report/junit.js";
import { toSarif } from "../../src/check/report/sarif.js";
import { formatText } from "../../src/check/report/text.js";
import type { Finding, Severity } from "../../src/check/types.js";
import { withoutControls } from "../../src/printable.js";

const seed = Number(process.env.SLIPWAY_FUZZ_SEED ?? 1313);

/** Text a pull request can put in a finding: anything, with the troublesome characters likely. */
const hostileText = fc
  .array(
    fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 6 }),
      fc.constantFrom(
        "\n",
        "\r",
        "\r\n",
        "\t",
        "\u0000",
        "\u001b[31m",
        "\u0085",
        "\u2028",
        "\u2029",
        "\u202e",
        "\ufffe",
        "\uffff",
        "\ud800",
        "\udfff",
        "\u{1f600}",
        "::error::",
        "##[error]",
        "%0A",
        "%25",
        ":",
        ",",
        "<![CDATA[",
        "]]>",
        "</failure>",
        "&amp;",
        '"',
        "'",
        "--",
      ),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(""));

const finding: fc.Arbitrary<Finding> = fc
  .record(
    {
      rule: fc.constantFrom("render-error", "schema-invalid", "namespace-exists"),
      severity: fc.constantFrom<Severity>("error", "warning", "info"),
      message: hostileText,
      cluster: hostileText,
      kustomization: hostileText,
      file: hostileText,
      line: fc.integer({ min: 1, max: 10_000 }),
    },
    { requiredKeys: ["rule", "severity", "message"] },
  )
  .map((f) => {
    // Empty strings are absent in a finding (the engine never makes an empty cluster or file).
    const out: Finding = { rule: f.rule, severity: f.severity, message: f.message };
    if (f.cluster) out.cluster = f.cluster;
    if (f.kustomization) out.kustomization = f.kustomization;
    if (f.file) {
      out.file = f.file;
      if (f.line !== undefined) out.line = f.line;
    }
    return out;
  });

function resultOf(findings: Finding[]): CheckResult {
  return {
    findings,
    summary: {
      ...severityCounts(findings),
      resources: 1,
      clusters: 1,
      rules: ["render-error", "schema-invalid", "namespace-exists"],
    },
    configWarnings: [],
  };
}

/** XML 1.0's Char production: what a conforming parser accepts, escaped or not. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

const unescapeData = (s: string) => s.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%25/g, "%");
const unescapeProperty = (s: string) => unescapeData(s.replace(/%3A/g, ":").replace(/%2C/g, ","));

describe("check's formats agree on hostile findings", () => {
  const runs = { seed, numRuns: 300 };

  it("JSON and SARIF read back to the findings", () => {
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 6 }), (findings) => {
        const result = resultOf(findings);
        const json = JSON.parse(formatJson(result)) as { findings: Finding[] };
        expect(json.findings).toEqual(findings);
        const sarif = toSarif(result, [], { toolVersion: "0" }) as {
          runs: Array<{ results: Array<{ ruleId: string; message: { text: string } }> }>;
        };
        const read = JSON.parse(JSON.stringify(sarif)) as typeof sarif;
        expect(read.runs[0]!.results.map((r) => r.ruleId)).toEqual(findings.map((f) => f.rule));
        for (const [i, r] of read.runs[0]!.results.entries())
          expect(r.message.text).toContain(findings[i]!.message);
      }),
      runs,
    );
  });

  it("GitHub: one annotation line per finding, unescaping to its severity, file and message", () => {
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 6 }), (findings) => {
        const lines = formatGithub(resultOf(findings)).split("\n");
        expect(lines.length).toBe(findings.length + 2); // the summary line, the final newline
        for (const [i, f] of findings.entries()) {
          const m = /^::(error|warning|notice) ([^:]*)::(.*)$/s.exec(lines[i]!);
          expect(m, lines[i]).not.toBeNull();
          expect(m![1]).toBe({ error: "error", warning: "warning", info: "notice" }[f.severity]);
          expect(unescapeData(m![3]!)).toBe(withoutControls(f.message));
          expect(/[\u001b\u0000\u0085\u2028\u202e]/.test(m![3]!)).toBe(false);
          const props = Object.fromEntries(
            m![2]!
              .split(",")
              .map((p) => [p.slice(0, p.indexOf("=")), unescapeProperty(p.slice(p.indexOf("=") + 1))]),
          );
          expect(props.file).toBe(f.file);
        }
      }),
      runs,
    );
  });

  it("JUnit is XML 1.0 and fails each rule that has errors in its suite", () => {
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 6 }), (findings) => {
        const xml = formatJunit(resultOf(findings), []);
        expect(NOT_XML_CHAR.exec(xml)?.[0]).toBeUndefined();
        const failing = new Set(
          findings
            .filter((f) => f.severity === "error")
            .map((f) => `${f.cluster ?? "repository"}\0${f.rule}`),
        );
        expect(xml.match(/<failure /g)?.length ?? 0).toBe(failing.size);
        expect(xml).toMatch(new RegExp(`<testsuites [^>]*failures="${failing.size}"`));
      }),
      runs,
    );
  });

  it("text prints one line per finding and no control character", () => {
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 6 }), (findings) => {
        const text = formatText(resultOf(findings));
        const rows = text.split("\n").filter((l) => /^ {4}[ \d-]{5} {2}(error|warning|info)/.test(l));
        expect(rows.length).toBe(findings.length);
        expect(/[\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029]/.exec(text)?.[0]).toBeUndefined();
      }),
      runs,
    );
  });
});
