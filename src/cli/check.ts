import { readFileSync, realpathSync, statSync } from "node:fs";
import * as path from "node:path";
import { defaultRenderCache } from "../cache/index.js";
import { applyBaseline, formatBaseline, makeBaseline, parseBaseline } from "../check/baseline.js";
import type { CheckResult } from "../check/engine.js";
import { formatGithub } from "../check/report/github.js";
import { formatJson } from "../check/report/json.js";
import { formatJunit } from "../check/report/junit.js";
import { formatSarif } from "../check/report/sarif.js";
import { formatText, summaryLine } from "../check/report/text.js";
import { allRuleIds } from "../check/rules/ids.js";
import { checkRepository } from "../check/run.js";
import type { Rule } from "../check/types.js";
import { errorMessage } from "../errors.js";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { refuseCheckoutLinks } from "../fs/checkout-links.js";
import type { DiscoverySummary } from "../platform/discovery-types.js";
import { ageIdentitiesOrWarn } from "./age-keys.js";
import { parseCommandLine } from "./args.js";
import { discoveryLines } from "./discovery.js";
import { version } from "./main.js";
import { createProgress } from "./progress.js";
import { trustStdoutCommands } from "./workflow-commands.js";

const help = `Usage: slipway check [REPO] [flags]

Renders every cluster of REPO (default: the current directory) as Flux would and checks it:
schemas (Kubernetes, Flux, the cluster's CRDs), the dependsOn graph, paths and sources, and
policies. Every finding points at the file and line to edit.

Flags:
      --cluster NAME        only this cluster (repeatable)
      --format FORMAT       text (default), json, sarif, junit or github (workflow annotations)
      --strict              unknown fields are errors
      --age-key-file FILE   age identities for SOPS files (default: where sops looks)
      --output FILE         write the report to FILE (the summary line still goes to stderr)
      --baseline FILE       report only findings not accepted in FILE (exit code from those)
      --write-baseline FILE accept every current finding: write them to FILE and exit 0
      --list-rules          print the rules with their default severities and exit
      --allow-path DIR      slipway.yaml may name DIR although it is outside the repository
                            (repeatable; by default nothing outside is read)
      --no-cache            neither read nor write the render cache (also SLIPWAY_NO_CACHE=1)
  -h, --help                show this help

Configuration: slipway.yaml 'check:' (rules: <id>: {severity: error|warning|info|off,
exclude: [globs], options: {}}; schemaDirs: [dirs of CRD files]). Per object, the annotation
'slipway.dev/ignore: rule-a,rule-b' (or 'all') silences rules.

What was found (clusters and how, Kustomizations not rendered and why) is printed on
stderr, and is the 'discovery' field of --format json.

Exit codes: 0 no error findings, 1 error findings, 2 the check itself could not run (bad
flags, unreadable repository, unknown cluster, no cluster found).

To browse the findings grouped by rule, file or cluster next to their source lines:
'slipway serve REPO', or 'slipway report REPO --html report.html' as a CI artifact.
`;

/** What a report shows besides the result. */
interface ReportContext {
  discovery: DiscoverySummary;
  clusterNames: readonly string[];
  color: boolean;
}

/**
 * The report formats, each with its formatter. The rule modules are most of `check`'s code, and a
 * run whose result is cached loads none: SARIF, which describes every rule, loads them itself.
 */
const REPORTS = {
  text: (result, c) => formatText(result, { color: c.color }),
  json: (result, c) => formatJson(result, { discovery: c.discovery }),
  sarif: async (result) => formatSarif(result, await loadRules(), { toolVersion: version }),
  junit: (result, c) => formatJunit(result, c.clusterNames),
  github: (result) => formatGithub(result),
} satisfies Record<string, (result: CheckResult, c: ReportContext) => string | Promise<string>>;

async function loadRules(): Promise<readonly Rule[]> {
  return (await import("../check/rules/index.js")).allRules;
}

export type CheckFormat = keyof typeof REPORTS;
export const FORMATS = Object.keys(REPORTS) as CheckFormat[];
type Format = CheckFormat;

/** The report `check --format FORMAT` prints for `result`. */
export async function formatCheckReport(
  format: CheckFormat,
  result: CheckResult,
  c: ReportContext,
): Promise<string> {
  return REPORTS[format](result, c);
}

const options = {
  cluster: { type: "string", multiple: true },
  format: { type: "string" },
  strict: { type: "boolean" },
  "age-key-file": { type: "string" },
  output: { type: "string", short: "o" },
  "list-rules": { type: "boolean" },
  baseline: { type: "string" },
  "write-baseline": { type: "string" },
  "allow-path": { type: "string", multiple: true },
  help: { type: "boolean", short: "h" },
} as const;

export async function checkCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandLine("check", argv, options, help);
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  if (values["list-rules"]) {
    const allRules = await loadRules();
    const width = Math.max(...allRules.map((r) => r.id.length));
    for (const r of allRules)
      process.stdout.write(`${r.id.padEnd(width)}  ${r.defaultSeverity.padEnd(7)}  ${r.description}\n`);
    return 0;
  }
  const format = (values.format ?? "text") as Format;
  if (!FORMATS.includes(format)) {
    process.stderr.write(`slipway check: --format must be one of ${FORMATS.join(", ")}, not '${format}'\n`);
    return 2;
  }
  // Annotations are workflow commands on purpose; formatGithub escapes what the repository wrote.
  if (format === "github") trustStdoutCommands();
  if (positionals.length > 1) {
    process.stderr.write("slipway check: give at most one repository directory\n");
    return 2;
  }
  const repo = positionals[0] ?? ".";
  try {
    if (!statSync(repo).isDirectory()) throw new Error("not a directory");
  } catch (e) {
    process.stderr.write(`slipway check: cannot read repository ${repo}: ${errorMessage(e)}\n`);
    return 2;
  }

  if (values.baseline !== undefined && values["write-baseline"] !== undefined) {
    process.stderr.write("slipway check: use either --baseline or --write-baseline, not both\n");
    return 2;
  }
  let baseline: ReturnType<typeof parseBaseline> | undefined;
  if (values.baseline !== undefined) {
    try {
      baseline = parseBaseline(readFileSync(values.baseline, "utf8"), values.baseline);
    } catch (e) {
      process.stderr.write(`slipway check: cannot read baseline: ${errorMessage(e)}\n`);
      return 2;
    }
  }

  const keys = ageIdentitiesOrWarn("check", values["age-key-file"]);
  if ("error" in keys) {
    process.stderr.write(`slipway check: ${keys.error}\n`);
    return 2;
  }
  const progress = createProgress("slipway check");
  const run = await checkRepository(repo, {
    clusters: values.cluster,
    allowedPaths: values["allow-path"],
    identities: keys.identities,
    strict: values.strict ?? false,
    rules: { ids: allRuleIds, load: loadRules },
    renderCache: defaultRenderCache(),
    onProgress: (e) => progress.onEvent(e),
  });
  progress.done();
  if (run.kind === "unknown-clusters") {
    for (const m of run.messages) process.stderr.write(`slipway check: ${m}\n`);
    return 2;
  }
  const { discovery } = run;
  for (const line of discoveryLines(discovery, repo)) process.stderr.write(`slipway check: ${line}\n`);
  // Nothing to check is no success; errors that explain it (an invalid slipway.yaml) are findings.
  if (run.result === undefined) return 2;
  let result = run.result;
  for (const w of result.configWarnings) process.stderr.write(`slipway check: warning: ${w}\n`);
  const roots = repositoryRoots(repo);
  if (values["write-baseline"] !== undefined) {
    const file = values["write-baseline"];
    try {
      // Findings come from the masked model: no message can quote a secret value.
      refuseCheckoutLinks(file, repo);
      writeFileAtomic(file, formatBaseline(makeBaseline(result, roots)));
    } catch (e) {
      process.stderr.write(`slipway check: cannot write ${file}: ${errorMessage(e)}\n`);
      return 2;
    }
    process.stderr.write(
      `${summaryLine(result)}\nslipway check: wrote ${file}: ${result.findings.length} accepted ${result.findings.length === 1 ? "finding" : "findings"}\n`,
    );
    return 0;
  }
  if (baseline) {
    const outcome = applyBaseline(result, baseline, roots);
    result = outcome.result;
    const stale =
      outcome.stale > 0
        ? `; ${outcome.stale} baseline ${outcome.stale === 1 ? "entry no longer occurs" : "entries no longer occur"} (fixed? refresh with --write-baseline)`
        : "";
    process.stderr.write(
      `slipway check: baseline ${values.baseline}: ${outcome.accepted} known ${outcome.accepted === 1 ? "finding" : "findings"} not reported${stale}\n`,
    );
  }

  const toFile = values.output !== undefined;
  const color =
    !toFile && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== "dumb";
  const report = await formatCheckReport(format, result, {
    discovery,
    clusterNames: run.clusterNames,
    color,
  });
  if (values.output !== undefined) {
    try {
      refuseCheckoutLinks(values.output, repo);
      writeFileAtomic(values.output, report);
    } catch (e) {
      process.stderr.write(`slipway check: cannot write ${values.output}: ${errorMessage(e)}\n`);
      return 2;
    }
    process.stderr.write(`${summaryLine(result)}\n`);
  } else {
    process.stdout.write(report);
    if (format === "text" && result.findings.length > 0 && process.stdout.isTTY && process.stderr.isTTY) {
      process.stderr.write("slipway check: tip: 'slipway serve' shows these findings next to their source\n");
    }
  }
  return result.summary.errors > 0 ? 1 : 0;
}

/** The repository's absolute path as given and as resolved through symbolic links. */
function repositoryRoots(repo: string): string[] {
  const abs = path.resolve(repo);
  try {
    const real = realpathSync(abs);
    return real === abs ? [abs] : [abs, real];
  } catch {
    return [abs];
  }
}
