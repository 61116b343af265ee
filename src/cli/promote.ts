import { realpathSync } from "node:fs";
import * as path from "node:path";
import { runCheck } from "../check/engine.js";
import { allRules } from "../check/rules/index.js";
import type { Finding } from "../check/types.js";
import { formatJson, newMasker } from "../diff/index.js";
import { errorMessage, SlipwayError } from "../errors.js";
import { DiskFileSystem, type FileSystem } from "../fs/filesystem.js";
import { GitFileSystem } from "../fs/git.js";
import { OverlayFileSystem } from "../fs/overlay.js";
import { checkFileSet, writeFileSet } from "../fs/write-set.js";
import { loadPlatformWithSecrets } from "../platform/decrypt.js";
import { maskPlatform, type SecretMasker } from "../platform/masking.js";
import type { Platform } from "../platform/model.js";
import { withoutControls } from "../printable.js";
import { applyPlan } from "../promote/apply.js";
import { formatPromotionMarkdown, formatPromotionText, type PromotionResult } from "../promote/format.js";
import type { AppPlan, PromotionPlan } from "../promote/model.js";
import { plan as planPromotion } from "../promote/plan.js";
import { SourceFiles } from "../promote/sources.js";
import { verifyPromotion } from "../promote/verify.js";
import { ageIdentitiesOrWarn } from "./age-keys.js";
import { parseCommandLine } from "./args.js";
import { NO_CLUSTER_EXIT, noClusterFound } from "./discovery.js";
import { commitPaths, dirtyPaths, hasUncommittedChanges, headCommit, isGitWorkTree, resetTo } from "./git.js";
import { version } from "./main.js";

const help = `Usage: slipway promote [REPO] --from ENV --to ENV [flags]

Promotes the versions one environment runs into another: container images (tag and
digest), HelmRelease chart versions, OCIRepository/GitRepository refs and the values paths
named in slipway.yaml (promote.apps.<app>.values), read from what the source environment
renders. Each difference is written where the target sets it — a kustomize images entry,
a Flux Kustomization's spec.images, a HelmRelease, a patch, a post-build variable — keeping
comments, quoting, key order and setter markers. The target is then re-rendered and
checked, and the rendered diff of the promotion is printed.

Without --write nothing is written (a plan). Apps are Flux Kustomizations, matched across
the two clusters by name (environment words such as staging/production mapped away).

Flags:
      --from ENV            source cluster (environment)
      --to ENV              target cluster
      --only APP            promote only this app (repeatable)
      --write               write the edited files (atomically; nothing when refused)
      --commit              write and make one Git commit per app, with provenance trailers
                            (all or nothing: a failing commit takes back the ones before)
      --from-ref REV        read the source environment at this Git revision (branch per
                            environment); --from defaults to --to then
      --format F            text (default), markdown (a pull-request description) or json
      --age-key-file FILE   age identities for SOPS files (default: where sops looks)
  -h, --help                show this help

Refuses (exit 1, nothing written) when the source environment fails to render or check,
when a version is set in a file another environment also uses (it names the file and the
overlay to pin the version in), when where to edit is ambiguous or cannot be traced, and
when the re-rendered target does not hold exactly the promoted versions.

Exit codes: 0 planned or written (also: nothing to promote), 1 refused, 2 bad usage, error or
no cluster found.
`;

const options = {
  from: { type: "string" },
  to: { type: "string" },
  only: { type: "string", multiple: true },
  write: { type: "boolean" },
  commit: { type: "boolean" },
  "from-ref": { type: "string" },
  format: { type: "string" },
  "age-key-file": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function promoteCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandLine("promote", argv, options, help);
  if (typeof parsed === "number") return parsed;
  const { values: v, positionals } = parsed;
  const usage = (msg: string) => {
    process.stderr.write(`slipway promote: ${msg}\n`);
    return 2;
  };
  const format = v.format ?? "text";
  if (!["text", "markdown", "json"].includes(format))
    return usage(`--format must be text, markdown or json, not '${format}'`);
  if (positionals.length > 1) return usage("give at most one repository directory");
  if (v.to === undefined) return usage("--to ENV is required");
  const from = v.from ?? (v["from-ref"] !== undefined ? v.to : undefined);
  if (from === undefined)
    return usage("--from ENV is required (or --from-ref REV to promote between branches)");
  if (from === v.to && v["from-ref"] === undefined) return usage("--from and --to name the same environment");
  const keys = ageIdentitiesOrWarn("promote", v["age-key-file"]);
  if ("error" in keys) return usage(keys.error);
  let root: string;
  try {
    root = realpathSync(path.resolve(positionals[0] ?? "."))
      .split(path.sep)
      .join("/");
  } catch (e) {
    return usage(`cannot read repository: ${errorMessage(e)}`);
  }
  const commit = v.commit === true;
  const write = commit || v.write === true;
  if (commit && !isGitWorkTree(root)) return usage(`--commit needs a Git repository; ${root} is not in one`);

  const masker = newMasker();
  const load = async (fs?: FileSystem) =>
    (await loadPlatformWithSecrets(root, { identities: keys.identities, ...(fs ? { fs } : {}) })).platform;
  let target: Platform;
  let source: Platform;
  let sourceCommit: string | undefined;
  try {
    target = await load();
    if (v["from-ref"] !== undefined) {
      const fs = GitFileSystem.open(root, v["from-ref"]);
      sourceCommit = fs.commit;
      source = await load(fs);
    } else {
      source = target;
      if (isGitWorkTree(root)) {
        const head = headCommit(root);
        sourceCommit = head && (hasUncommittedChanges(root) ? `${head} (with uncommitted changes)` : head);
      }
    }
  } catch (e) {
    return usage(errorMessage(e));
  }
  for (const e of [...source.errors, ...target.errors])
    process.stderr.write(`slipway promote: ${e.message}\n`);
  if (noClusterFound("promote", root, target.clusters)) return NO_CLUSTER_EXIT;

  const files = new SourceFiles(new DiskFileSystem(), root);
  let plan: PromotionPlan;
  try {
    const sourceErrors = errorsOf(source, from, masker);
    plan = planPromotion({
      source,
      target,
      files,
      request: {
        from,
        to: v.to,
        ...(v.only ? { only: v.only } : {}),
        ...(v["from-ref"] !== undefined ? { fromRef: v["from-ref"] } : {}),
      },
      sourceErrors,
    });
  } catch (e) {
    if (e instanceof SlipwayError) return usage(e.format());
    throw e;
  }

  const result: PromotionResult = {
    ...(sourceCommit !== undefined ? { sourceCommit } : {}),
    plan,
    written: [],
    commits: [],
    mode: commit ? "commit" : write ? "write" : "plan",
  };
  let texts = new Map<string, string>();
  if (plan.refusals.length === 0 && plan.apps.length > 0) {
    try {
      texts = applyPlan(plan, (f) => files.get(f)!.text);
    } catch (e) {
      plan.refusals.push({ code: "AMBIGUOUS", message: `cannot make the edits: ${errorMessage(e)}` });
    }
  }
  if (plan.refusals.length === 0 && texts.size > 0) {
    const overlay = new OverlayFileSystem(new DiskFileSystem());
    for (const [f, t] of texts) overlay.set(files.absolute(f), t);
    const after = await load(overlay);
    const verification = verifyPromotion({
      plan,
      before: target,
      after,
      checkBefore: errorsOf(target, plan.to, masker),
      checkAfter: errorsOf(after, plan.to, masker),
      masker,
    });
    result.diff = verification.report;
    plan.refusals.push(...verification.refusals);
  }
  if (write && plan.refusals.length === 0 && texts.size > 0) {
    const abs = [...texts.keys()].map((f) => files.absolute(f));
    if (commit) {
      const dirty = dirtyPaths(root, abs);
      if (dirty.length > 0) {
        plan.refusals.push({
          code: "VERIFY",
          message: `--commit would also commit uncommitted changes in ${dirty.map((d) => path.posix.relative(root, d)).join(", ")}; commit or stash them first`,
        });
      }
    }
    if (plan.refusals.length === 0) {
      try {
        if (commit) {
          // All apps or none: a later commit failing (a hook, signing, a file) takes back the
          // commits and files before it, so HEAD and the work tree are as they were.
          const orig = headCommit(root);
          const originals = new Map(
            [...texts.keys()].map((f) => [files.absolute(f), files.fs.readFile(files.absolute(f))]),
          );
          // Every target is checked before the first commit (changed since read, read-only, a
          // link, a directory): what can be known then must not cost a commit and its roll-back.
          try {
            checkFileSet(
              [...texts].map(([f, t]) => ({
                file: files.absolute(f),
                content: t,
                expect: files.get(f)!.text,
              })),
              { within: root },
            );
          } catch (e) {
            throw new SlipwayError(`${errorMessage(e)}; nothing was committed or written`);
          }
          try {
            commitEachApp(plan, files, root, sourceCommit, result);
          } catch (e) {
            // Only what was written goes back: a later app's file was never touched, and may be
            // the very file that cannot be written.
            const written = new Map(
              result.written.map((f) => [files.absolute(f), originals.get(files.absolute(f))!]),
            );
            throw new SlipwayError(`${errorMessage(e)}; ${rollBack(root, orig, written)}`);
          }
        } else {
          // Every file or none: half a promotion would leave environments out of step.
          writeFileSet(
            [...texts].map(([f, t]) => ({ file: files.absolute(f), content: t, expect: files.get(f)!.text })),
            { within: root },
          );
          result.written.push(...texts.keys());
        }
      } catch (e) {
        // writeFileSet has put back what it replaced; a failed --commit says what it did itself.
        const msg = errorMessage(e);
        process.stderr.write(`slipway promote: ${msg}${commit ? "" : "; nothing written"}\n`);
        return 2;
      }
    }
  }
  const text =
    format === "json"
      ? formatJson({ schema: "slipway.promote/v1", ...result })
      : format === "markdown"
        ? formatPromotionMarkdown(result)
        : withoutControls(formatPromotionText(result));
  process.stdout.write(text);
  return plan.refusals.length > 0 ? 1 : 0;
}

/** One commit per app, each app's edits applied to the files as the previous commit left them. */
function commitEachApp(
  plan: PromotionPlan,
  files: SourceFiles,
  root: string,
  sourceCommit: string | undefined,
  result: PromotionResult,
): void {
  for (const app of plan.apps) {
    const mine = applyPlan(plan, (f) => files.fs.readFile(files.absolute(f)).toString("utf8"), app.app);
    writeFileSet(
      [...mine].map(([f, t]) => ({ file: files.absolute(f), content: t })),
      { within: root },
    );
    // Recorded before the commit: a commit that fails leaves these files to put back.
    for (const f of mine.keys()) if (!result.written.includes(f)) result.written.push(f);
    const subject = commitSubject(plan, app);
    const id = commitPaths(
      root,
      [...mine.keys()].map((f) => files.absolute(f)),
      commitMessage(plan, app, subject, sourceCommit),
    );
    result.commits.push({ app: app.app, commit: id, subject });
  }
}

/** Puts HEAD, the index and the files back as they were before the first commit; says what it did. */
function rollBack(root: string, orig: string | undefined, originals: Map<string, Buffer>): string {
  try {
    if (orig === undefined) throw new SlipwayError("the branch had no commit to go back to");
    resetTo(root, orig, [...originals.keys()]);
    writeFileSet(
      [...originals].map(([file, content]) => ({ file, content })),
      { within: root },
    );
    return `nothing was committed or written (HEAD is back at ${orig.slice(0, 12)})`;
  } catch (e) {
    return `taking back the commits made so far failed too (${errorMessage(e)}): check 'git log' and 'git status'`;
  }
}

function errorsOf(platform: Platform, cluster: string, masker: SecretMasker): Finding[] {
  const c = platform.clusters.find((x) => x.name === cluster || x.name.endsWith(`/${cluster}`));
  if (!c) return [];
  // Rules see the masked model, like `slipway check`.
  const view: Platform = maskPlatform({ ...platform, clusters: [c] }, masker);
  return runCheck(view, { rules: allRules }).findings.filter((f) => f.severity === "error");
}

function commitSubject(plan: PromotionPlan, app: AppPlan): string {
  const versions = [...new Set(app.changes.map((c) => c.to))];
  const what = versions.length === 1 ? ` ${versions[0]}` : "";
  return `promote(${plan.to}): ${app.app}${what} from ${plan.from}`;
}

function commitMessage(
  plan: PromotionPlan,
  app: AppPlan,
  subject: string,
  sourceCommit: string | undefined,
): string {
  const lines = [subject, ""];
  lines.push(
    `Promoted by slipway ${version}: the versions ${plan.from} renders for ${app.app}, written where ${plan.to} sets them.`,
    "",
  );
  for (const c of app.changes) {
    const where = c.edits.map((e) => `${e.file}:${e.line}`).join(", ");
    lines.push(`- ${c.label}: ${c.from} -> ${c.to} (${where})`);
  }
  lines.push("", `Promoted-From: ${plan.from}`);
  if (plan.fromRef !== undefined) lines.push(`Promoted-From-Ref: ${plan.fromRef}`);
  if (sourceCommit !== undefined) lines.push(`Promoted-From-Commit: ${sourceCommit}`);
  lines.push(`Promoted-To: ${plan.to}`);
  for (const c of app.changes) lines.push(`Promoted-Version: ${c.label} ${c.to}`);
  return `${lines.join("\n")}\n`;
}
