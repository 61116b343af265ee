import { readFileSync } from "node:fs";
import { cacheDisabled } from "../cache/location.js";
import {
  CacheError,
  ChartCache,
  type ChartRef,
  canonicalSource,
  defaultCacheDir,
  describeRef,
} from "../charts/cache.js";
import { registryConfigFiles } from "../charts/credentials.js";
import { DEFAULT_HTTP } from "../charts/http.js";
import { fetchRoute } from "../charts/mirrors.js";
import { tagOf } from "../charts/oci.js";
import { type PullOutcome, pullCharts } from "../charts/pull.js";
import {
  type ChartNotCached,
  type ChartRequest,
  chartRequests,
  isRequest,
  type ReleaseChart,
  type ReleaseId,
  resolveOffline,
} from "../charts/requests.js";
import { errorMessage } from "../errors.js";
import { loadChartArchiveFromBytes } from "../helm/index.js";
import type { ChartMirror } from "../platform/config.js";
import { loadPlatformWithSecrets } from "../platform/decrypt.js";
import { type Platform, platformErrors } from "../platform/index.js";
import { secretQuoter } from "../platform/masking.js";
import { printable } from "../printable.js";
import { redactUrl } from "../url-credentials.js";
import { ageIdentitiesOrWarn } from "./age-keys.js";
import { parseCommandLine } from "./args.js";
import { deriveCharts } from "./charts-derive.js";
import { createPullProgress, describeRequest, outcomeName } from "./charts-progress.js";
import { NO_CLUSTER_EXIT, noClusterFound } from "./discovery.js";
import { createProgress } from "./progress.js";
import { formatError } from "./render.js";

const help = `Usage: slipway charts <pull|list|add> [flags]

The chart cache that render, check and diff read (they never use the network).

  slipway charts pull [REPO]             resolve every HelmRelease's chart version (HelmRepository
                                         index.yaml or OCI tags) and fetch what the cache lacks
  slipway charts list [REPO]             what each HelmRelease resolves to, and whether it is cached
  slipway charts add FILE.tgz --as SRC   put an archive into the cache by hand (air-gapped sites)

Flags:
      --cache-dir DIR       the cache (default: $SLIPWAY_CACHE_DIR, else $XDG_CACHE_HOME/slipway,
                            else ~/.cache/slipway)
      --cluster NAME        only this cluster's HelmReleases (repeatable; pull, list)
      --format FORMAT       text (default) or json (pull, list)
      --concurrency N       parallel downloads (pull; default 8)
      --timeout SECONDS     per request (pull; default 30)
      --retries N           retries on 5xx, 429 and timeouts, with exponential backoff (pull; default 3)
      --force               download again even when cached (pull)
      --as SRC              add: the source the archive belongs to: a HelmRepository URL
                            (https://charts.example.com/stable), an OCI HelmRepository URL
                            (oci://ghcr.io/org/charts) or an OCIRepository URL, optionally with
                            :TAG (oci://ghcr.io/org/charts/podinfo:6.5.0); the chart name and
                            version come from the archive's Chart.yaml
      --age-key-file FILE   age identities, to read secretRef Secrets encrypted with SOPS
      --allow-path DIR      slipway.yaml may name DIR although it is outside the repository
  -h, --help                show this help

Credentials: the source's spec.secretRef (a Secret rendered from the repository), else
docker login ($DOCKER_CONFIG/config.json, ~/.docker/config.json) and helm registry login
($HELM_REGISTRY_CONFIG, ~/.config/helm/registry/config.json). Mirrors: slipway.yaml charts.mirrors.

Exit codes: 0 every chart cached, 1 some chart failed (pull) or is missing (list), 2 bad usage
(pull, list: also no cluster found).
`;

const options = {
  "cache-dir": { type: "string" },
  cluster: { type: "string", multiple: true },
  format: { type: "string" },
  concurrency: { type: "string" },
  timeout: { type: "string" },
  retries: { type: "string" },
  force: { type: "boolean" },
  as: { type: "string" },
  "age-key-file": { type: "string" },
  "allow-path": { type: "string", multiple: true },
  help: { type: "boolean", short: "h" },
} as const;

type Values = {
  [K in keyof typeof options]?: (typeof options)[K] extends { multiple: true }
    ? string[]
    : (typeof options)[K] extends { type: "boolean" }
      ? boolean
      : string;
};

export async function chartsCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "-h" || sub === "--help" || sub === "help") {
    process.stdout.write(help);
    return sub === undefined ? 2 : 0;
  }
  const parsed = parseCommandLine(`charts ${sub}`, rest, options, help);
  if (typeof parsed === "number") return parsed;
  const values = parsed.values as Values;
  const positionals = parsed.positionals;
  const format = values.format ?? "text";
  if (format !== "text" && format !== "json") return usage(`--format must be text or json, not '${format}'`);
  // What is derived from the archives is a cache like renders: --no-cache (SLIPWAY_NO_CACHE) keeps none.
  const cache = new ChartCache(values["cache-dir"] ?? defaultCacheDir(), { derived: !cacheDisabled() });
  switch (sub) {
    case "pull":
      return pull(values, positionals, cache, format);
    case "list":
      return list(values, positionals, cache, format);
    case "add":
      return add(values, positionals, cache);
    default:
      return usage(`unknown subcommand '${sub}' (pull, list or add)`);
  }
}

function usage(message: string): number {
  process.stderr.write(`slipway charts: ${message}\n`);
  return 2;
}

async function loadRepo(command: string, values: Values, positionals: string[]): Promise<Platform | number> {
  if (positionals.length > 1) return usage("give at most one repository directory");
  const keys = ageIdentitiesOrWarn(command, values["age-key-file"]);
  if ("error" in keys) return usage(keys.error);
  const progress = createProgress(`slipway ${command}`);
  const { platform } = await loadPlatformWithSecrets(positionals[0] ?? ".", {
    clusters: values.cluster,
    allowedPaths: values["allow-path"],
    identities: keys.identities,
    onProgress: (e) => progress.onEvent(e),
  });
  progress.done();
  if (values.cluster?.some((n) => !platform.clusters.some((c) => c.name === n))) {
    for (const e of platform.errors) process.stderr.write(`slipway ${command}: ${formatError(e)}\n`);
    return 2;
  }
  // An unreadable slipway.yaml (a bad charts.mirrors entry among them) stops the command:
  // fetching from the origin instead of the configured mirror is worse than not fetching.
  const errors = platformErrors(platform);
  if (!platform.config && errors.some((e) => e.file?.endsWith("slipway.yaml"))) {
    for (const e of errors)
      if (e.file?.endsWith("slipway.yaml")) process.stderr.write(`slipway ${command}: ${formatError(e)}\n`);
    return 2;
  }
  // As every command that loads a repository: nothing found is an error, not "0 pulled" (a
  // CI step pointed at the wrong directory would otherwise pass and leave the cache empty).
  if (noClusterFound(command, positionals[0] ?? ".", platform.clusters)) return NO_CLUSTER_EXIT;
  for (const e of errors.slice(0, 5)) {
    process.stderr.write(`slipway ${command}: warning: HelmReleases may be missing: ${formatError(e)}\n`);
  }
  if (errors.length > 5) {
    process.stderr.write(
      `slipway ${command}: warning: … and ${errors.length - 5} more render errors ('slipway render' lists them)\n`,
    );
  }
  return platform;
}

function positiveInt(text: string | undefined, flag: string, dflt: number, min = 1): number | string {
  if (text === undefined) return dflt;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) return `${flag} must be an integer ≥ ${min}, not '${text}'`;
  return n;
}

async function pull(
  values: Values,
  positionals: string[],
  cache: ChartCache,
  format: string,
): Promise<number> {
  const concurrency = positiveInt(values.concurrency, "--concurrency", 8);
  const timeout = positiveInt(values.timeout, "--timeout", DEFAULT_HTTP.timeoutMs / 1000);
  const retries = positiveInt(values.retries, "--retries", DEFAULT_HTTP.retries, 0);
  for (const v of [concurrency, timeout, retries]) if (typeof v === "string") return usage(v);
  const platform = await loadRepo("charts pull", values, positionals);
  if (typeof platform === "number") return platform;
  const all = chartRequests(platform, values.cluster);
  const requests = all.filter(isRequest);
  const broken = all.filter((r): r is ChartNotCached => !isRequest(r) && r.kind === "error");
  const started = performance.now();
  const shown = printedBy(platform);
  const bar = createPullProgress(process.stderr, undefined, (o) =>
    shown.line(outcomeName(o), o.requests[0]!),
  );
  const outcomes = await pullCharts(requests, {
    cache,
    http: { ...DEFAULT_HTTP, timeoutMs: (timeout as number) * 1000, retries: retries as number },
    concurrency: concurrency as number,
    mirrors: platform.config?.charts?.mirrors ?? [],
    loginFiles: registryConfigFiles(),
    force: values.force === true,
    onEvent: (e) => bar.onEvent(e),
  });
  bar.done();
  // What the first cold render would derive from these charts, derived now (charts-derive.ts).
  deriveCharts(
    cache,
    outcomes.flatMap((o) => (o.status !== "failed" && o.ref ? [o.ref] : [])),
  );
  const ms = performance.now() - started;
  const failed = outcomes.filter((o) => o.status === "failed").length + broken.length;
  if (format === "json") {
    process.stdout.write(
      `${JSON.stringify(
        {
          apiVersion: "slipway.charts.pull/v1",
          cacheDir: cache.dir,
          charts: outcomes.map((o) => ({
            status: o.status,
            source: shown.source(o.requests[0]!),
            chart: o.requests[0]!.name,
            range: o.requests[0]!.range ?? o.requests[0]!.fixed ?? "*",
            version: o.ref?.version,
            digest: o.digest,
            size: o.size,
            mirror: o.mirror === undefined ? undefined : redactUrl(o.mirror),
            error: o.error && { ...o.error, message: shown.line(o.error.message, o.requests[0]!) },
            ms: Math.round(o.ms),
            helmReleases: o.requests.map((r) => releaseJson(r.release)),
          })),
          errors: broken.map((b) => ({ helmRelease: releaseJson(b.release), message: b.message })),
          ms: Math.round(ms),
        },
        null,
        2,
      )}\n`,
    );
  } else {
    const line = (o: PullOutcome) => shown.line(formatOutcome(o), o.requests[0]!);
    // Sources, charts and HelmReleases are named by the repository: they cannot drive the terminal.
    for (const o of outcomes) if (o.status !== "failed") process.stdout.write(`${printable(line(o))}\n`);
    for (const o of outcomes)
      if (o.status === "failed") process.stderr.write(`slipway charts pull: ${line(o)}\n`);
    for (const b of broken)
      process.stderr.write(`slipway charts pull: error: ${releaseText(b.release)}: ${b.message}\n`);
    const count = (s: string) => outcomes.filter((o) => o.status === s).length;
    process.stderr.write(
      `slipway charts pull: ${count("pulled")} pulled, ${count("cached")} already cached, ${failed} failed (${(ms / 1000).toFixed(1)}s; cache ${cache.dir})\n`,
    );
  }
  return failed > 0 ? 1 : 0;
}

function formatOutcome(o: PullOutcome): string {
  const r = o.requests[0]!;
  const users = o.requests.map((x) => releaseText(x.release));
  const who =
    users.length > 3 ? `${users.slice(0, 3).join(", ")} and ${users.length - 3} more` : users.join(", ");
  if (o.status === "failed") {
    return `error: ${describeRequest(r)}: ${o.error!.code}: ${o.error!.message} (for ${who})`;
  }
  const size = `${(o.size! / 1024).toFixed(1)} KiB`;
  const via = o.mirror ? ` via ${redactUrl(o.mirror)}` : "";
  return `${o.status.padEnd(7)} ${describeRef(o.ref!)}  ${o.digest!.slice(0, 19)}  ${size}${via}`;
}

function releaseText(r: ReleaseId): string {
  const at = r.definedAt ? ` (${r.definedAt.file}${r.definedAt.line ? `:${r.definedAt.line}` : ""})` : "";
  return `HelmRelease ${r.namespace}/${r.name} in ${r.cluster}${at}`;
}

function releaseJson(r: ReleaseId) {
  return {
    cluster: r.cluster,
    namespace: r.namespace,
    name: r.name,
    file: r.definedAt?.file,
    line: r.definedAt?.line,
  };
}

interface ListRow {
  helmRelease: ReturnType<typeof releaseJson>;
  status: "cached" | "missing" | "unresolved" | "not-cached" | "error" | "corrupt";
  source?: string;
  chart?: string;
  range?: string;
  version?: string;
  digest?: string;
  message?: string;
}

async function list(
  values: Values,
  positionals: string[],
  cache: ChartCache,
  format: string,
): Promise<number> {
  const platform = await loadRepo("charts list", values, positionals);
  if (typeof platform === "number") return platform;
  const shown = printedBy(platform);
  const mirrors = platform.config?.charts?.mirrors ?? [];
  const rows = chartRequests(platform, values.cluster).map((r) => listRow(r, cache, shown, mirrors));
  if (format === "json") {
    process.stdout.write(
      `${JSON.stringify({ apiVersion: "slipway.charts.list/v1", cacheDir: cache.dir, helmReleases: rows }, null, 2)}\n`,
    );
  } else {
    // Every cell is the repository's text: shown escaped, so it cannot drive the terminal (and
    // the columns are measured as shown).
    const table = rows.map((r) =>
      [
        `${r.helmRelease.cluster}`,
        `${r.helmRelease.namespace}/${r.helmRelease.name}`,
        r.source ? `${r.source}${r.source.endsWith(`/${r.chart}`) ? "" : ` ${r.chart}`}` : "",
        r.range ?? "",
        r.version ?? "",
        r.status + (r.message ? `: ${r.message}` : ""),
      ].map(printable),
    );
    process.stdout.write(
      formatTable([["CLUSTER", "HELMRELEASE", "CHART", "WANTS", "RESOLVES TO", "STATUS"], ...table]),
    );
    if (rows.length === 0) process.stdout.write("no HelmReleases found\n");
  }
  const bad = rows.filter((r) => r.status !== "cached" && r.status !== "not-cached");
  if (bad.length > 0) {
    process.stderr.write(
      `slipway charts list: ${bad.length} HelmRelease${bad.length === 1 ? "" : "s"} without a usable cached chart; run 'slipway charts pull${positionals[0] ? ` ${positionals[0]}` : ""}'\n`,
    );
  }
  return bad.length > 0 ? 1 : 0;
}

function listRow(
  r: ReleaseChart,
  cache: ChartCache,
  shown: PrintedSources,
  mirrors: readonly ChartMirror[],
): ListRow {
  const helmRelease = releaseJson(r.release);
  if (!isRequest(r)) return { helmRelease, status: r.kind, message: r.message };
  const base = { helmRelease, source: shown.source(r), chart: r.name, range: r.fixed ?? r.range ?? "*" };
  // As a render of this tree reads the cache (src/platform/helmreleases.ts).
  const through = fetchRoute(r.source, r.name, mirrors, r.kind !== "helm" && r.insecure);
  const resolved = resolveOffline(r, cache, through);
  if (!resolved.version) return { ...base, status: "unresolved", message: resolved.why };
  const ref: ChartRef = { source: r.source, name: r.name, version: resolved.version };
  if (through !== undefined) ref.mirroredBy = through;
  try {
    const hit = cache.lookup(ref);
    if (!hit) return { ...base, version: ref.version, status: "missing" };
    cache.getArchive(ref);
    return { ...base, version: ref.version, status: "cached", digest: hit.digest };
  } catch (e) {
    return {
      ...base,
      version: ref.version,
      status: "corrupt",
      message: e instanceof CacheError ? e.format() : errorMessage(e),
    };
  }
}

/**
 * How charts list and pull print a chart's source: its URL without credentials (url-credentials.ts),
 * or, when the URL quotes a secret value (a HelmRepository URL substituted from a Secret, as
 * Gemfury's `https://repo.fury.io/${TOKEN}/` is), the source object in its place; a line that
 * still quotes one (an error naming the URL) names the source object and is withheld.
 */
interface PrintedSources {
  source(r: ChartRequest): string;
  line(text: string, r: ChartRequest): string;
}

function printedBy(platform: Platform): PrintedSources {
  const quotes = secretQuoter(platform) ?? (() => false);
  return {
    source: (r) => (quotes(r.source) ? r.via : redactUrl(r.source)),
    line: (text, r) =>
      quotes(text) ? `${r.via} ${r.name}: the text is withheld: it quotes a secret value` : text,
  };
}

function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ")).join("\n") +
    "\n"
  );
}

function add(values: Values, positionals: string[], cache: ChartCache): number {
  if (positionals.length !== 1) return usage("add takes one FILE.tgz");
  if (!values.as) return usage("add needs --as SOURCE (a HelmRepository or OCI URL)");
  if (!/^(https?:\/\/[^/]+|oci:\/\/[^/]+\/.+)/i.test(values.as))
    return usage(`--as '${values.as}' must be an http(s):// or oci://REGISTRY/PATH URL`);
  const file = positionals[0]!;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    process.stderr.write(`slipway charts add: ${file}: ${errorMessage(e)}\n`);
    return 1;
  }
  let name: string;
  let version: string;
  try {
    const chart = loadChartArchiveFromBytes(bytes, file);
    name = chart.metadata.name;
    version = chart.metadata.version;
  } catch (e) {
    process.stderr.write(`slipway charts add: ${file} is not a Helm chart archive: ${errorMessage(e)}\n`);
    return 1;
  }
  const refs = refsForAdd(values.as, name, version);
  if (typeof refs === "string") return usage(refs);
  let digest = "";
  for (const ref of refs) {
    digest = cache.putArchive(ref, bytes);
    // Offline, the versions a range resolves against are the ones the cache knows: an added chart
    // joins its source's list, so a HelmRelease asking for `>=1.0.0` finds it air-gapped too.
    const known = cache.knownVersions(ref.source, ref.name) ?? [];
    if (!known.includes(ref.version)) cache.putVersions(ref.source, ref.name, [...known, ref.version]);
  }
  for (const ref of refs) process.stdout.write(`added   ${describeRef(ref)}  ${digest.slice(0, 19)}\n`);
  return 0;
}

/**
 * The ChartRefs `--as` names. http(s): one HelmRepository. oci://…/<chart name>[:TAG]: the
 * OCIRepository (tag, default the chart version) and the HelmRepository of type oci one level up;
 * oci://… not ending in the chart name: the HelmRepository of type oci and its artifact URL.
 */
export function refsForAdd(as: string, name: string, version: string): ChartRef[] | string {
  if (/^https?:\/\//i.test(as)) return [{ source: canonicalSource(as), name, version }];
  if (!/^oci:\/\/[^/]+\/.+/i.test(as)) return `--as '${as}' must be an http(s):// or oci://REGISTRY/PATH URL`;
  const m = /^(.*\/[^/:]+):([^/]+)$/.exec(as.replace(/\/+$/, ""));
  const url = canonicalSource(m ? m[1]! : as);
  const tag = m ? m[2]! : tagOf(version);
  if (url.endsWith(`/${name}`)) {
    return [
      { source: url, name, version: tag },
      { source: url.slice(0, -name.length - 1), name, version },
    ];
  }
  if (m) return `--as '${as}': a :TAG is only meaningful on the chart's own URL (…/${name}:${m[2]})`;
  return [
    { source: url, name, version },
    { source: `${url}/${name}`, name, version: tagOf(version) },
  ];
}
