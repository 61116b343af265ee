import { readFileSync } from "node:fs";
import { errorMessage } from "../errors.js";
import {
  analyzeGraph,
  applyDurations,
  formatGraph,
  type GraphFormat,
  parseDurationTable,
  toGraphJson,
} from "../graph/index.js";
import { loadPlatformWithSecrets } from "../platform/decrypt.js";
import { summarizeDiscovery } from "../platform/discovery-summary.js";
import { graphNodes, platformErrors } from "../platform/index.js";
import { maskPlatform, newRunMasker } from "../platform/masking.js";
import { withMayExist } from "../platform/unseen-output.js";
import { parseYaml } from "../yaml/index.js";
import { ageIdentitiesOrWarn } from "./age-keys.js";
import { parseCommandLine } from "./args.js";
import { discoveryLines, NO_CLUSTER_EXIT } from "./discovery.js";
import { createProgress } from "./progress.js";
import { formatError } from "./render.js";

const help = `Usage: slipway graph [REPO] [flags]

The dependsOn graph of the Flux Kustomizations and HelmReleases of REPO (default: the current
directory): cycles (full path), missing targets, parallel layers, the critical path and the
deploy time it implies, compared with strict waves.

Flags:
      --cluster NAME        only this cluster (repeatable)
      --format FORMAT       text (default), json (schema slipway.graph/v1), mermaid or dot
      --durations FILE      YAML/JSON map of node → duration (number, or 90s/5m/1h30m); default 1 each
      --age-key-file FILE   age identities for SOPS files (default: where sops looks): a chart
                            whose values come from an encrypted Secret is rendered, so its
                            objects are in the graph; names are masked where they are secret
      --allow-path DIR      slipway.yaml may name DIR although it is outside the repository
                            (repeatable; by default nothing outside is read)
      --no-cache            neither read nor write the render cache (also SLIPWAY_NO_CACHE=1)
  -h, --help                show this help

What was found is printed on stderr (and is the 'discovery' field of --format json).

Exit codes: 0 a sound graph, 1 cycles, missing targets or render errors, 2 bad usage or no
cluster found.

To see the graph drawn (layers, critical path, cycles; click a node for its objects):
'slipway serve REPO', or 'slipway report REPO --html graph.html' for a file.
`;

const FORMATS = new Set(["text", "json", "mermaid", "dot"]);

const options = {
  cluster: { type: "string", multiple: true },
  format: { type: "string" },
  durations: { type: "string" },
  "age-key-file": { type: "string" },
  "allow-path": { type: "string", multiple: true },
  help: { type: "boolean", short: "h" },
} as const;

export async function graphCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandLine("graph", argv, options, help);
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  const format = values.format ?? "text";
  if (!FORMATS.has(format)) {
    process.stderr.write(`slipway graph: --format must be text, json, mermaid or dot, not '${format}'\n`);
    return 2;
  }
  if (positionals.length > 1) {
    process.stderr.write("slipway graph: give at most one repository directory\n");
    return 2;
  }
  let durations: ReturnType<typeof parseDurationTable> | undefined;
  if (values.durations) {
    try {
      const file = values.durations;
      durations = parseDurationTable(parseYaml(readFileSync(file, "utf8"), file), file);
    } catch (e) {
      process.stderr.write(`slipway graph: ${errorMessage(e)}\n`);
      return 2;
    }
  }
  const keys = ageIdentitiesOrWarn("graph", values["age-key-file"]);
  if ("error" in keys) {
    process.stderr.write(`slipway graph: ${keys.error}\n`);
    return 2;
  }
  const progress = createProgress("slipway graph");
  // Decrypted as check and render decrypt (else a chart whose values come from an encrypted
  // Secret was "not rendered: no age identity" although one was at hand), then masked: a chart
  // can name an object after a secret value.
  const loaded = await loadPlatformWithSecrets(positionals[0] ?? ".", {
    clusters: values.cluster,
    allowedPaths: values["allow-path"],
    identities: keys.identities,
    onProgress: (e) => progress.onEvent(e),
  });
  progress.done();
  const platform = maskPlatform(loaded.platform, newRunMasker());
  if (values.cluster?.some((n) => !platform.clusters.some((c) => c.name === n))) {
    for (const e of platform.errors) process.stderr.write(`slipway graph: ${formatError(e)}\n`);
    return 2;
  }
  const discovery = summarizeDiscovery(platform);
  for (const line of discoveryLines(discovery, positionals[0] ?? "."))
    process.stderr.write(`slipway graph: ${line}\n`);
  if (platform.clusters.length === 0) return NO_CLUSTER_EXIT;
  let nodes = graphNodes(platform);
  if (durations) {
    const applied = applyDurations(nodes, durations);
    nodes = applied.nodes;
    for (const key of applied.unused)
      process.stderr.write(`slipway graph: durations: '${key}' matches no node\n`);
  }
  const analyzed = analyzeGraph(nodes);
  // A target Slipway did not find may be in output it could not see: said, and no failure.
  const analysis = { ...analyzed, missing: withMayExist(platform, analyzed.missing) };
  process.stdout.write(
    format === "json"
      ? `${JSON.stringify({ ...toGraphJson(analysis), discovery }, null, 2)}\n`
      : formatGraph(analysis, format as GraphFormat, { durations: durations !== undefined }),
  );
  if (format === "text" && process.stdout.isTTY && process.stderr.isTTY) {
    process.stderr.write("slipway graph: tip: 'slipway serve' draws this graph in your browser\n");
  }
  const errors = platformErrors(platform);
  for (const e of errors) {
    process.stderr.write(`slipway graph: warning: the graph may be incomplete: ${formatError(e)}\n`);
  }
  const missing = analysis.missing.filter((m) => m.mayExist === undefined);
  return analysis.cycles.length > 0 || missing.length > 0 || errors.length > 0 ? 1 : 0;
}
