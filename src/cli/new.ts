import { realpathSync } from "node:fs";
import * as path from "node:path";
import { runCheck } from "../check/engine.js";
import { allRules } from "../check/rules/index.js";
import type { Finding } from "../check/types.js";
import { formatJson, newMasker } from "../diff/index.js";
import { errorMessage } from "../errors.js";
import { DiskFileSystem, type FileSystem } from "../fs/filesystem.js";
import { OverlayFileSystem } from "../fs/overlay.js";
import { writeFileSet } from "../fs/write-set.js";
import { imageReferenceProblem } from "../images/reference.js";
import { loadPlatformWithSecrets } from "../platform/decrypt.js";
import { maskPlatform, type SecretMasker } from "../platform/masking.js";
import type { Platform } from "../platform/model.js";
import { applierNameOf } from "../platform/model.js";
import { withoutControls } from "../printable.js";
import { SourceFiles } from "../promote/sources.js";
import { planNewCluster } from "../scaffold/cluster.js";
import type { ScaffoldPlan } from "../scaffold/files.js";
import { planNewHelmApp } from "../scaffold/helm-app.js";
import { planNewService } from "../scaffold/service.js";
import { ageIdentitiesFor } from "./age-keys.js";
import { parseCommandLine } from "./args.js";
import { NO_CLUSTER_EXIT, noClusterFound } from "./discovery.js";

const help = `Usage:
  slipway new service NAME [REPO] [--env dev,staging,production] [--depends-on a,b] [--image REPO[:TAG]] [--port N] [--component NAME] [--namespace NS]
  slipway new app-helm NAME [REPO] --chart (oci://REGISTRY/PATH/CHART | CHART --repo URL) --version V [--namespace NS] [--env ...] [--depends-on ...]
  slipway new cluster ENV [REPO] [--like CLUSTER]

Creates the files for a new service, HelmRelease app or cluster, laid out like the ones the
repository already has (its directories, the settings of its Flux Kustomizations, where they
are listed, its YAML sequence style), falling back to the layout of the seeds
(apps/<svc>/{base,overlays/<env>,components}, clusters/<env>/apps/<svc>.yaml). A repository laid
out like the home-operations ones (<root>/<namespace>/<app>/{ks.yaml,app/}) gets its app there,
in the namespace directory --namespace names (default: NAME; a new one is shaped like the
directory of the app it learnt from). The result is
rendered and checked before anything is written: it must render in every environment with no
new check finding. Existing files are never overwritten; a list that must mention a new file
(a kustomization's resources, a multi-document file of Flux Kustomizations) gets one more entry.

Flags:
      --env LIST            clusters to add the app to (comma-separated; default: all)
      --depends-on LIST     dependsOn of the app's Flux Kustomization (must exist in each cluster)
      --image REPO[:TAG]    (service) the container image (default: the repository's registry/NAME:0.1.0)
      --port N              (service) the container port (default 8080)
      --component NAME      (service) also create components/NAME, included by every overlay
      --chart CHART         (app-helm) oci://… chart, or a chart name with --repo
      --repo URL            (app-helm) the HelmRepository URL
      --version V           (app-helm) the chart version
      --namespace NS        (app-helm) the release namespace; (home-operations layout) the
                            namespace directory the app joins (default: NAME)
      --like CLUSTER        (cluster) the cluster to copy (default: the first in promotion order)
      --dry-run             print what would be created and changed; write nothing
      --format F            text (default) or json
      --age-key-file FILE   age identities for SOPS files (default: where sops looks)
  -h, --help                show this help

Exit codes: 0 created (or, with --dry-run, would create), 1 refused (a file exists, an
unknown dependency, the result does not render or check), 2 bad usage or no cluster found.
`;

const options = {
  env: { type: "string", multiple: true },
  "depends-on": { type: "string", multiple: true },
  image: { type: "string" },
  port: { type: "string" },
  component: { type: "string" },
  chart: { type: "string" },
  repo: { type: "string" },
  version: { type: "string" },
  namespace: { type: "string" },
  like: { type: "string" },
  "dry-run": { type: "boolean" },
  format: { type: "string" },
  "age-key-file": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const list = (v: string[] | undefined) =>
  (v ?? [])
    .flatMap((x) => x.split(","))
    .map((x) => x.trim())
    .filter(Boolean);

export async function newCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandLine("new", argv, options, help);
  if (typeof parsed === "number") return parsed;
  const { values: v, positionals } = parsed;
  const usage = (msg: string) => {
    process.stderr.write(`slipway new: ${msg}\n`);
    return 2;
  };
  const [kind, name, repo, ...extra] = positionals;
  if (kind !== "service" && kind !== "app-helm" && kind !== "cluster")
    return usage(`give what to create: service, app-helm or cluster\n\n${help}`);
  if (name === undefined) return usage(`new ${kind} needs a name`);
  if (extra.length > 0) return usage("give at most one repository directory");
  const format = v.format ?? "text";
  if (format !== "text" && format !== "json") return usage(`--format must be text or json, not '${format}'`);
  const port = v.port === undefined ? 8080 : Number(v.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    return usage(`--port must be a port number, not '${v.port}'`);
  if (v.image !== undefined) {
    const problem = imageReferenceProblem(v.image);
    if (problem) return usage(`--image: ${problem}`);
    // The overlays pin a tag (`images: newTag`); a digest is pinned afterwards with `images set`.
    if (v.image.includes("@"))
      return usage("--image takes REPO[:TAG]; pin a digest with 'slipway images set' afterwards");
  }
  if (kind === "app-helm" && (v.chart === undefined || v.version === undefined))
    return usage("app-helm needs --chart and --version");
  const keys = ageIdentitiesFor(v["age-key-file"]);
  if ("error" in keys) return usage(keys.error);
  let root: string;
  try {
    root = realpathSync(path.resolve(repo ?? "."))
      .split(path.sep)
      .join("/");
  } catch (e) {
    return usage(`cannot read repository: ${errorMessage(e)}`);
  }
  const masker = newMasker();
  const load = async (fs: FileSystem = new DiskFileSystem()) =>
    (await loadPlatformWithSecrets(root, { identities: keys.identities, fs })).platform;
  const before = await load();
  if (noClusterFound("new", root, before.clusters)) return NO_CLUSTER_EXIT;
  const fs = new DiskFileSystem();
  const files = new SourceFiles(fs, root);
  const envs = list(v.env);
  const dependsOn = list(v["depends-on"]);
  let plan: ScaffoldPlan;
  try {
    plan =
      kind === "service"
        ? planNewService(before, files, {
            name,
            envs,
            dependsOn,
            port,
            ...(v.image ? { image: v.image } : {}),
            ...(v.component ? { component: v.component } : {}),
            ...(v.namespace ? { namespace: v.namespace } : {}),
          })
        : kind === "app-helm"
          ? planNewHelmApp(before, files, {
              name,
              envs,
              dependsOn,
              chart: v.chart!,
              version: v.version!,
              ...(v.repo ? { repo: v.repo } : {}),
              ...(v.namespace ? { namespace: v.namespace } : {}),
            })
          : planNewCluster(before, files, { name, ...(v.like ? { like: v.like } : {}) });
  } catch (e) {
    plan = { create: new Map(), change: new Map(), notes: [], errors: [errorMessage(e)] };
  }

  // Render and check the result before anything is written.
  const rendered: string[] = [];
  const findings: Finding[] = [];
  if (plan.errors.length === 0) {
    const overlay = new OverlayFileSystem(fs);
    for (const [f, t] of plan.create) overlay.set(files.absolute(f), t);
    for (const [f, c] of plan.change) overlay.set(files.absolute(f), c.text);
    const after = await load(overlay);
    const affected = after.clusters.filter((c) =>
      kind === "cluster"
        ? c.name === name || c.name.endsWith(`/${name}`)
        : c.kustomizations.some((k) => k.name === name),
    );
    if (affected.length === 0)
      plan.errors.push(
        `the new ${kind} does not show up in any cluster after rendering${unsynced(before, plan)}`,
      );
    // What failed before the scaffold is the repository's, not the scaffold's: said, not refused.
    const failedBefore = new Set(
      before.clusters.flatMap((c) =>
        c.kustomizations.filter((k) => k.status === "failed").map((k) => `${c.name}\0${k.id}`),
      ),
    );
    for (const c of affected) {
      let newFailures = 0;
      for (const k of c.kustomizations.filter((k) => k.status === "failed")) {
        const problem = `${c.name}: ${applierNameOf(k.id)} does not render: ${k.errors[0]?.message ?? ""}`;
        if (failedBefore.has(`${c.name}\0${k.id}`)) plan.notes.push(`${problem} (it failed before too)`);
        else if (plan.copiedFrom !== undefined && failedBefore.has(`${plan.copiedFrom}\0${k.id}`))
          plan.notes.push(`${problem} (it fails in ${plan.copiedFrom} too)`);
        else {
          plan.errors.push(problem);
          newFailures++;
        }
      }
      const objects = c.kustomizations.reduce((n, k) => n + k.resources.length, 0);
      if (newFailures === 0)
        rendered.push(`${c.name} (${c.kustomizations.length} Flux Kustomizations, ${objects} objects)`);
    }
    const key = (f: Finding) => JSON.stringify([f.cluster, f.rule, f.message]);
    const known = new Set(
      checkFindings(
        before,
        affected.map((c) => c.name),
        masker,
      ).map(key),
    );
    // A cluster copied from another inherits its findings: they are not new (e.g. its Flux APIs).
    // The copy's are read back with the reference's name for the new one: the other way, a
    // reference named like a word of the messages ("cluster") would be replaced in every one.
    const from = plan.copiedFrom;
    const inherited = new Set<string>();
    if (from !== undefined)
      for (const f of checkFindings(before, [from], masker))
        inherited.add(JSON.stringify([f.rule, f.message]));
    const asReference = (message: string) =>
      from === undefined ? message : message.replace(wordPattern(name), from.split("/").pop()!);
    for (const f of checkFindings(
      after,
      affected.map((c) => c.name),
      masker,
    )) {
      // A chart not yet pulled into the chart cache says nothing about the scaffold.
      if (f.severity === "info" || f.rule === "helmrelease-chart-not-cached" || known.has(key(f))) continue;
      if (inherited.has(JSON.stringify([f.rule, asReference(f.message)]))) continue;
      findings.push(f);
      plan.errors.push(
        `check ${f.severity} in ${f.cluster ?? "the repository"}: ${f.file ? `${f.file}${f.line ? `:${f.line}` : ""}: ` : ""}${f.message} [${f.rule}]`,
      );
    }
  }
  const write = !v["dry-run"] && plan.errors.length === 0;
  if (write) {
    try {
      // Every file or none: a scaffold half on disk would not render.
      writeFileSet(
        [
          ...[...plan.create].map(([f, t]) => ({ file: files.absolute(f), content: t, expect: null })),
          ...[...plan.change].map(([f, c]) => ({
            file: files.absolute(f),
            content: c.text,
            expect: files.get(f)!.text,
          })),
        ],
        { within: root },
      );
    } catch (e) {
      process.stderr.write(`slipway new: ${errorMessage(e)}; nothing written\n`);
      return 2;
    }
  }
  if (format === "json") {
    process.stdout.write(
      formatJson({
        schema: "slipway.new/v1",
        kind,
        name,
        created: [...plan.create.keys()],
        changed: [...plan.change.entries()].map(([file, c]) => ({ file, what: c.what })),
        rendered,
        notes: plan.notes,
        errors: plan.errors,
        written: write,
      }),
    );
  } else {
    const out: string[] = [];
    for (const f of [...plan.create.keys()].sort()) out.push(`${write ? "created" : "would create"}  ${f}`);
    for (const [f, c] of [...plan.change].sort(([a], [b]) => a.localeCompare(b)))
      out.push(`${write ? "changed" : "would change"}  ${f} (${c.what.join("; ")})`);
    for (const n of plan.notes) out.push(`note: ${n}`);
    if (rendered.length > 0 && plan.errors.length === 0)
      out.push(`renders in ${rendered.join(", ")}; no new check findings`);
    if (plan.errors.length > 0) {
      out.push("Refused; nothing was written:");
      for (const e of plan.errors) out.push(`  ✗ ${e}`);
    } else
      out.push(
        `${write ? "Created" : "Would create"} ${plan.create.size} file${plan.create.size === 1 ? "" : "s"}, ${write ? "changed" : "would change"} ${plan.change.size}.`,
      );
    // Names come from the command line and the repository's files: no control character may
    // reach the terminal (as with promote and images).
    process.stdout.write(withoutControls(`${out.join("\n")}\n`));
  }
  return plan.errors.length > 0 ? 1 : 0;
}

/**
 * Why a copied cluster is no cluster: what syncs its reference (a FluxInstance of the home-ops
 * layouts, a sync file elsewhere) is outside the reference's directory, so it was not copied.
 */
function unsynced(before: Platform, plan: ScaffoldPlan): string {
  const ref = before.clusters.find((c) => c.name === plan.copiedFrom);
  const origin = ref?.origin;
  if (!ref || !origin || origin.file.startsWith(`${ref.path}/`)) return "";
  return `: ${ref.name} is synced from ${origin.file}${origin.line ? `:${origin.line}` : ""}, outside ${ref.path}, and nothing syncs the copy; add a sync of the new directory like that one first`;
}

/** `word` where it stands alone: not inside a longer name (`qa` in `qa-db`, `equal`). */
function wordPattern(word: string): RegExp {
  return new RegExp(`(?<![A-Za-z0-9_-])${word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![A-Za-z0-9_-])`, "g");
}

function checkFindings(platform: Platform, clusters: string[], masker: SecretMasker): Finding[] {
  const view: Platform = {
    ...platform,
    clusters: platform.clusters.filter((c) => clusters.includes(c.name)),
  };
  // Rules see the masked model, like `slipway check`.
  return runCheck(maskPlatform(view, masker), { rules: allRules }).findings;
}
