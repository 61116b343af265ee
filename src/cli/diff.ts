import { realpathSync } from "node:fs";
import * as path from "node:path";
import { chartsMissingNote, failureLines } from "../diff/coverage.js";
import {
  compareEnvironments,
  type DiffReport,
  diffExitCode,
  diffRevisions,
  environmentMatrix,
  findCluster,
  formatJson,
  formatMarkdown,
  formatMatrixMarkdown,
  formatMatrixText,
  formatText,
  maskForDiff,
  newMasker,
  openRevisions,
} from "../diff/index.js";
import type { NotCompared } from "../diff/model.js";
import { GitFileSystem } from "../fs/git.js";
import { decryptorFor, loadPlatformWithSecrets } from "../platform/decrypt.js";
import { summarizeDiscovery } from "../platform/discovery-summary.js";
import type { Platform } from "../platform/index.js";
import { withoutControls } from "../printable.js";
import { webAssets } from "../report/assets.js";
import { diffPageHtml } from "../report/html.js";
import { ageIdentitiesOrWarn } from "./age-keys.js";
import { parseCommandLine } from "./args.js";
import { discoveryLines, NO_CLUSTER_EXIT } from "./discovery.js";

const help = `Usage:
  slipway diff [REPO] --base REV [--head REV]     what a change does to each cluster
  slipway diff [REPO] --env A --vs B [--head REV] how two clusters/environments differ
  slipway diff [REPO] --matrix [--head REV]       one table of differences across all clusters

Revision diff: renders the platform in REPO (default: the current directory) at the Git
revision REV (read from Git objects; the working tree is never touched) and at the head
(default: the working tree, uncommitted and untracked files included), then reports per
cluster → Flux Kustomization → object what is added, removed and changed. Objects match
by API group, kind, namespace and name; list items by their merge key (containers by name,
ports by containerPort, env by name, ...), so reordering is not a change. Secret values
are masked: a changed value shows as two different keyed-hash markers, never its content.
Danger notes flag immutable fields, storage shrinks, prune deletions, suspend flips and
removed Namespaces/CRDs.

By default the head is rendered in full and, at the base, only the Flux Kustomizations
whose inputs changed are built (the others take the head's result; the report equals a
full render's); --full renders both revisions in full.

A Flux Kustomization that fails to render at either revision (or in either environment)
is listed as not compared in every format and on stderr, and makes the exit code 2:
Flux applies nothing of it, so its objects cannot be compared. --accept-failed keeps the
list but takes the exit code from the differences alone. Kustomizations whose source is
not this repository are listed as not compared too.

Flags:
      --base REV            base revision (any git revision: branch, tag, sha, HEAD~1)
      --head REV            head revision (default: the working tree)
      --env A --vs B        compare cluster A with cluster B (names as 'slipway render' shows them)
      --matrix              service × aspect table (replicas, images, resources, storage,
                            deployed components, HelmRelease values) across clusters
      --cluster NAME        only this cluster (repeatable; with --matrix: the columns)
      --full                render every Flux Kustomization (no changed-only shortcut)
      --accept-failed       Flux Kustomizations that fail to render are listed, but the
                            exit code is 1 for differences and 0 for none
      --format F            text (default), markdown (a pull-request comment), json, or html (one
                            self-contained page to open in a browser or keep as a CI artifact;
                            with --base or --env)
      --age-key-file FILE   age identities for SOPS files (default: where sops looks); secrets
                            are compared decrypted and always printed masked
      --allow-path DIR      slipway.yaml may name DIR although it is outside the repository
                            (repeatable; by default nothing outside is read)
      --no-cache            neither read nor write the render cache (also SLIPWAY_NO_CACHE=1)
  -h, --help                show this help

To read a large diff in a browser (danger notes first, collapsible per Flux Kustomization):
--format html > diff.html, or 'slipway serve' and pick the base revision there.

Exit codes (like 'flux diff'): 0 no differences, 1 differences, 2 error (bad usage, unknown
revision, a platform error, or a Flux Kustomization that fails to render at either side
unless --accept-failed).
`;

const options = {
  base: { type: "string" },
  head: { type: "string" },
  env: { type: "string" },
  vs: { type: "string" },
  matrix: { type: "boolean" },
  cluster: { type: "string", multiple: true },
  full: { type: "boolean" },
  "accept-failed": { type: "boolean" },
  format: { type: "string" },
  "age-key-file": { type: "string" },
  "allow-path": { type: "string", multiple: true },
  help: { type: "boolean", short: "h" },
} as const;

export async function diffCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandLine("diff", argv, options, help);
  if (typeof parsed === "number") return parsed;
  const { values: v, positionals } = parsed;
  const format = v.format ?? "text";
  const usage = (msg: string) => {
    process.stderr.write(`slipway diff: ${msg}\n`);
    return 2;
  };
  if (format !== "text" && format !== "markdown" && format !== "json" && format !== "html") {
    return usage(`--format must be text, markdown, json or html, not '${format}'`);
  }
  if (format === "html" && v.matrix)
    return usage("--format html goes with --base or --env (for the matrix: slipway report --html)");
  if (positionals.length > 1) return usage("give at most one repository directory");
  const modes = [v.base !== undefined, v.env !== undefined || v.vs !== undefined, v.matrix === true].filter(
    Boolean,
  );
  if (modes.length !== 1) return usage("give exactly one of --base REV, --env A --vs B, or --matrix");
  if ((v.env === undefined) !== (v.vs === undefined)) return usage("--env and --vs go together");
  const repo = positionals[0] ?? ".";
  const masker = newMasker();
  const keys = ageIdentitiesOrWarn("diff", v["age-key-file"]);
  if ("error" in keys) return usage(keys.error);

  if (v.base !== undefined) {
    const root = toPosix(realpathSync(path.resolve(repo)));
    const { base: baseView, head: headView } = openRevisions(root, v.base, v.head);
    const decryptor = await decryptorFor(root, [baseView, headView], keys.identities);
    const { report, head } = diffRevisions({
      // Both revisions are read once, for the keys and for the renders.
      opened: { base: baseView, head: headView },
      repo,
      base: v.base,
      head: v.head,
      changedOnly: !v.full,
      clusters: v.cluster,
      masker,
      decrypt: decryptor.hooks,
      allowedPaths: v["allow-path"],
      acceptFailed: v["accept-failed"] === true,
    });
    const found = report.discovery!;
    for (const line of discoveryLines(found.head, repo)) process.stderr.write(`slipway diff: ${line}\n`);
    const names = (d: typeof found.head) => d.clusters.map((c) => c.name).join(", ");
    if (names(found.base) !== names(found.head))
      process.stderr.write(`slipway diff: at the base (${v.base}): ${names(found.base) || "no cluster"}\n`);
    const missing = chartsMissingNote(head);
    if (missing) process.stderr.write(`slipway diff: ${missing}\n`);
    process.stdout.write(render(report, format));
    return exitCode(report);
  }

  const platform = maskForDiff(await loadHead(repo, v.head, keys.identities, v["allow-path"]), masker);
  for (const line of discoveryLines(summarizeDiscovery(platform), repo))
    process.stderr.write(`slipway diff: ${line}\n`);
  for (const e of platform.errors) process.stderr.write(`slipway diff: ${e.message}\n`);
  if (platform.clusters.length === 0) return NO_CLUSTER_EXIT;
  if (v.matrix) {
    const names = v.cluster?.map((n) => findCluster(platform, n).name);
    const m = environmentMatrix(platform, names);
    // A failed HelmRelease is an error as in every diff; --accept-failed accepts Flux Kustomizations.
    const failed = m.notCompared.filter((n) => n.reason === "failed");
    const release = (n: NotCompared) => n.id.startsWith("HelmRelease ");
    const accepted = (n: NotCompared) => v["accept-failed"] === true && !release(n);
    for (const n of failed)
      process.stderr.write(`slipway diff: ${accepted(n) ? "warning: " : ""}${failureLines([n])[0]}\n`);
    const text =
      format === "json"
        ? formatJson(m)
        : format === "markdown"
          ? formatMatrixMarkdown(m)
          : formatMatrixText(m);
    process.stdout.write(text);
    if (platform.errors.length > 0 || failed.some((n) => !accepted(n))) return 2;
    return m.rows.length > 0 ? 1 : 0;
  }
  const missing = chartsMissingNote(platform);
  if (missing) process.stderr.write(`slipway diff: ${missing}\n`);
  const report = compareEnvironments(platform, v.env!, v.vs!, masker, {
    acceptFailed: v["accept-failed"] === true,
  });
  process.stdout.write(render(report, format));
  return exitCode(report);
}

async function loadHead(
  repo: string,
  head: string | undefined,
  identities: string[],
  allowedPaths: string[] | undefined,
): Promise<Platform> {
  if (head === undefined) return (await loadPlatformWithSecrets(repo, { identities, allowedPaths })).platform;
  // The revision is mounted where Git's top level really is (symlinks resolved).
  const root = realpathSync(path.resolve(repo));
  const fs = GitFileSystem.open(root, head);
  return (await loadPlatformWithSecrets(root, { fs, identities, allowedPaths })).platform;
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}

function render(report: DiffReport, format: string): string {
  if (format === "json") return formatJson(report);
  if (format === "html") {
    const title =
      report.mode === "environment"
        ? `Slipway diff · ${report.base} vs ${report.head}`
        : `Slipway diff · ${report.base} → ${report.head}`;
    return diffPageHtml(title, report, webAssets());
  }
  if (format === "markdown") return formatMarkdown(report);
  // For people: names and values cannot drive the terminal.
  return withoutControls(formatText(report));
}

/** Says on stderr what could not be compared, whatever the format, and picks the exit code. */
function exitCode(report: DiffReport): number {
  for (const e of report.errors) process.stderr.write(`slipway diff: ${e}\n`);
  if (report.acceptFailed) {
    for (const line of failureLines(report.notCompared))
      process.stderr.write(`slipway diff: warning: ${line} (accepted)\n`);
  }
  return diffExitCode(report);
}
