import { statSync } from "node:fs";
import * as path from "node:path";
import { errorMessage } from "../errors.js";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { refuseCheckoutLinks } from "../fs/checkout-links.js";
import { webAssets } from "../report/assets.js";
import { staticPageHtml } from "../report/html.js";
import { loadDashboard } from "../report/load.js";
import { revisionDiff } from "../report/revision.js";
import { ageIdentitiesOrWarn } from "./age-keys.js";
import { parseCommandLine } from "./args.js";
import { NO_CLUSTER_EXIT, noClusterFound } from "./discovery.js";
import { createProgress } from "./progress.js";

const help = `Usage: slipway report [REPO] --html FILE [flags]

Writes the dashboard of 'slipway serve' as one self-contained HTML file (script, styles and
data inlined; it makes no network request and opens from disk): overview, dependency graphs
with node details, findings with their source lines, the environment matrix with diffs of
neighbouring environments, and SOPS status. Secret values are masked. Made for CI artifacts
and pull requests.

Flags:
      --html FILE           where to write the report (atomically)
      --base REV            also include the revision diff from REV to the working tree
      --cluster NAME        only this cluster (repeatable)
      --age-key-file FILE   age identities for SOPS files (default: where sops looks)
  -h, --help                show this help

Exit codes: 0 written, the platform renders and has no error findings; 1 written, but some
Flux Kustomization failed to render or there are error findings; 2 nothing written (bad
usage, unreadable repository, unknown revision, cannot write FILE, no cluster found).
`;

const options = {
  html: { type: "string" },
  base: { type: "string" },
  cluster: { type: "string", multiple: true },
  "age-key-file": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function reportCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandLine("report", argv, options, help);
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  const fail = (msg: string) => {
    process.stderr.write(`slipway report: ${msg}\n`);
    return 2;
  };
  if (!values.html) return fail("give --html FILE (the only format so far)");
  if (positionals.length > 1) return fail("give at most one repository directory");
  const repo = positionals[0] ?? ".";
  try {
    if (!statSync(repo).isDirectory()) throw new Error("not a directory");
  } catch (e) {
    return fail(`cannot read repository ${repo}: ${errorMessage(e)}`);
  }
  const keys = ageIdentitiesOrWarn("report", values["age-key-file"]);
  if ("error" in keys) return fail(keys.error);
  let assets: ReturnType<typeof webAssets>;
  try {
    assets = webAssets();
  } catch (e) {
    return fail(errorMessage(e));
  }
  const progress = createProgress("slipway report");
  const snapshot = await loadDashboard(repo, {
    identities: keys.identities,
    ...(values.cluster ? { clusters: values.cluster } : {}),
    onProgress: (e) => progress.onEvent(e),
  });
  progress.done();
  const unknown = (values.cluster ?? []).filter((n) => !snapshot.model.clusters.some((c) => c.name === n));
  if (unknown.length > 0) return fail(`no cluster named ${unknown.map((n) => `'${n}'`).join(", ")}`);
  // Errors (an invalid slipway.yaml) explain an empty model and are worth a page; an empty page is not.
  if (noClusterFound("report", repo, snapshot.model.clusters) && snapshot.model.summary.errors === 0)
    return NO_CLUSTER_EXIT;
  let diff: Awaited<ReturnType<typeof revisionDiff>> | undefined;
  if (values.base !== undefined) {
    try {
      diff = await revisionDiff(repo, values.base, keys.identities, snapshot.secretValues, values.cluster);
    } catch (e) {
      return fail(errorMessage(e));
    }
  }
  const bundle = snapshot.bundle(diff ? { revisionDiff: diff } : {});
  const title = `Slipway report · ${snapshot.model.repo}`;
  try {
    refuseCheckoutLinks(values.html, repo);
    writeFileAtomic(values.html, staticPageHtml(title, bundle, assets));
  } catch (e) {
    return fail(`cannot write ${values.html}: ${errorMessage(e)}`);
  }
  const s = snapshot.model.summary;
  // Every count the exit code follows is said: a render error that fails nothing (a remote
  // resource left out) made the exit 1 after "0 failed, 0 error findings".
  const partly = s.partial > 0 ? `, ${s.partial} rendered only in part` : "";
  const errors = s.errors > 0 ? `, ${s.errors} render error${s.errors === 1 ? "" : "s"}` : "";
  process.stderr.write(
    `slipway report: wrote ${path.normalize(values.html)}: ${s.clusters} clusters, ${s.kustomizations} Flux Kustomizations, ${s.objects} objects, ${s.failed} failed${partly}${errors}, ${s.findings.error} error findings\n`,
  );
  return s.failed > 0 || s.errors > 0 || s.findings.error > 0 ? 1 : 0;
}
