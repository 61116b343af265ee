/**
 * SARIF 2.1.0 for GitHub code scanning (and other SARIF viewers): one run, the rules that
 * ran with their help text, one result per finding with a repository-relative location
 * (`%SRCROOT%`) whose region.startLine is at least 1, as GitHub requires.
 */
import type { CheckResult } from "../engine.js";
import type { Finding, Rule, Severity } from "../types.js";

export interface SarifOptions {
  toolVersion: string;
  informationUri?: string;
}

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  error: "error",
  warning: "warning",
  info: "note",
};

function pascal(id: string): string {
  return id
    .split("-")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
}

export function toSarif(result: CheckResult, rules: readonly Rule[], opts: SarifOptions): object {
  const used = new Set([...result.summary.rules, ...result.findings.map((f) => f.rule)]);
  const listed = rules.filter((r) => used.has(r.id));
  const index = new Map(listed.map((r, i) => [r.id, i]));
  const driverRules = listed.map((r) => ({
    id: r.id,
    name: pascal(r.id),
    shortDescription: { text: r.description },
    fullDescription: { text: r.description },
    help: { text: r.help ?? r.description, markdown: r.help ?? r.description },
    defaultConfiguration: { level: LEVEL[r.defaultSeverity] },
    properties: { tags: ["kubernetes", "flux"] },
  }));
  const results = result.findings.map((f) => {
    const out: Record<string, unknown> = {
      ruleId: f.rule,
      level: LEVEL[f.severity],
      message: { text: messageOf(f) },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: encodeUri(f.file ?? "."), uriBaseId: "%SRCROOT%" },
            region: { startLine: Math.max(1, f.line ?? 1) },
          },
        },
      ],
    };
    const i = index.get(f.rule);
    if (i !== undefined) out.ruleIndex = i;
    const props: Record<string, unknown> = {};
    if (f.cluster) props.cluster = f.cluster;
    if (f.kustomization) props.kustomization = f.kustomization;
    if (f.resource) props.resource = f.resource;
    if (Object.keys(props).length > 0) out.properties = props;
    return out;
  });
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "slipway",
            version: opts.toolVersion,
            semanticVersion: opts.toolVersion,
            informationUri: opts.informationUri ?? "https://github.com/slipway-dev/slipway",
            rules: driverRules,
          },
        },
        results,
      },
    ],
  };
}

/** The cluster is part of the message: the same file can be checked in several clusters. */
function messageOf(f: Finding): string {
  return f.cluster ? `${f.message} (cluster ${f.cluster})` : f.message;
}

function encodeUri(file: string): string {
  // encodeURIComponent throws on a lone surrogate (a name from a YAML "\udfff" escape): U+FFFD,
  // as UTF-8 output shows it.
  return file
    .split("/")
    .map((segment) => encodeURIComponent(segment.replace(/\p{Cs}/gu, "\ufffd")))
    .join("/");
}

export function formatSarif(result: CheckResult, rules: readonly Rule[], opts: SarifOptions): string {
  return `${JSON.stringify(toSarif(result, rules, opts), null, 2)}\n`;
}
