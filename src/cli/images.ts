import { readFileSync, realpathSync } from "node:fs";
import * as path from "node:path";
import { comparePlatforms, formatText as formatDiffText, formatJson, newMasker } from "../diff/index.js";
import { errorMessage, SlipwayError } from "../errors.js";
import { DiskFileSystem, type FileSystem } from "../fs/filesystem.js";
import { OverlayFileSystem } from "../fs/overlay.js";
import { writeFileSet } from "../fs/write-set.js";
import { formatImagesText, listImages, notListed, notListedSummary } from "../images/list.js";
import { imageReferenceProblem } from "../images/reference.js";
import { planImageSet } from "../images/set.js";
import { type Candidate, parseCandidates, planImageUpdates } from "../images/update.js";
import { splitImage } from "../kustomize/transformers/images.js";
import { isMap } from "../kustomize/types.js";
import { loadPlatformWithSecrets } from "../platform/decrypt.js";
import { maskPlatform } from "../platform/masking.js";
import type { Platform } from "../platform/model.js";
import { applierNameOf } from "../platform/model.js";
import { withoutControls } from "../printable.js";
import { applyEdits } from "../promote/apply.js";
import { editText } from "../promote/format.js";
import type { Edit, PromotionPlan, Refusal } from "../promote/model.js";
import { encryptedEdits } from "../promote/plan.js";
import { SourceFiles } from "../promote/sources.js";
import { verifyPromotion } from "../promote/verify.js";
import { parseYaml } from "../yaml/index.js";
import { ageIdentitiesFor } from "./age-keys.js";
import { parseCommandLine } from "./args.js";
import { NO_CLUSTER_EXIT, noClusterFound } from "./discovery.js";

const help = `Usage:
  slipway images list [REPO] [--cluster C] [--format text|json]
  slipway images set [REPO] IMAGE:TAG[@DIGEST] [--cluster C] [--write] [--format text|json]
  slipway images update [REPO] --policies (--tags FILE | --tag IMAGE:TAG ...) [--cluster C] [--write]

list    every container image each cluster runs, where its tag is set (file:line) and the
        ImagePolicy that governs it through a setter marker ({"$imagepolicy": "ns:policy"})
set     a new tag (and digest) for one image, written where each cluster (or --cluster) sets it,
        like 'promote' (kustomize images entries, Flux spec.images, documents, patches, variables,
        and chart values marked with a setter whose ImagePolicy watches the image)
update  what image-automation-controller would commit, offline: each ImageUpdateAutomation's
        ImagePolicies (semver / alphabetical / numerical, filterTags pattern + extract, the
        ImageRepository's exclusionList) pick their latest tag from the candidate tags given, and
        every setter marker below the automation's update.path gets it (:tag, :name, :digest or
        the whole reference)

Flags:
      --cluster NAME        only this cluster (repeatable)
      --write               write the edited files (atomically); without it, print the plan
      --policies            (update) apply the image policies
      --tags FILE           (update) candidate tags: YAML/JSON map of image to a list of tags
                            ('1.2.3' or '1.2.3@sha256:…'), or one IMAGE:TAG per line
      --tag IMAGE:TAG       (update) one candidate tag (repeatable)
      --format F            text (default) or json
      --age-key-file FILE   age identities for SOPS files (default: where sops looks)
  -h, --help                show this help

Exit codes: 0 listed / planned / written, 1 refused, nothing matched, or (list) a Flux
Kustomization or HelmRelease failed to render so its images are missing, 2 bad usage, error or
no cluster found. A chart not in the chart cache is a warning: list names every release not
rendered, in both formats.
`;

const options = {
  cluster: { type: "string", multiple: true },
  write: { type: "boolean" },
  policies: { type: "boolean" },
  tags: { type: "string" },
  tag: { type: "string", multiple: true },
  format: { type: "string" },
  "age-key-file": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function imagesCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandLine("images", argv, options, help);
  if (typeof parsed === "number") return parsed;
  const { values: v, positionals } = parsed;
  const usage = (msg: string) => {
    process.stderr.write(`slipway images: ${msg}\n`);
    return 2;
  };
  const [sub, ...args] = positionals;
  if (sub !== "list" && sub !== "set" && sub !== "update")
    return usage(`give a subcommand: list, set or update\n\n${help}`);
  const format = v.format ?? "text";
  if (format !== "text" && format !== "json") return usage(`--format must be text or json, not '${format}'`);
  let image: string | undefined;
  if (sub === "set") {
    image = args.pop();
    if (image === undefined) return usage("set needs IMAGE:TAG");
  }
  if (args.length > 1) return usage("give at most one repository directory");
  if (sub === "update" && !v.policies) return usage("update needs --policies");
  let candidates: Map<string, Candidate[]> | undefined;
  if (sub === "update") {
    try {
      candidates = readCandidates(v.tags, v.tag ?? []);
    } catch (e) {
      return usage(errorMessage(e));
    }
    if (candidates.size === 0) return usage("update needs candidate tags: --tags FILE or --tag IMAGE:TAG");
  }
  const keys = ageIdentitiesFor(v["age-key-file"]);
  if ("error" in keys) return usage(keys.error);
  let root: string;
  try {
    root = realpathSync(path.resolve(args[0] ?? "."))
      .split(path.sep)
      .join("/");
  } catch (e) {
    return usage(`cannot read repository: ${errorMessage(e)}`);
  }
  const masker = newMasker();
  const load = async (fs: FileSystem = new DiskFileSystem()) =>
    (await loadPlatformWithSecrets(root, { identities: keys.identities, fs })).platform;
  const platform = await load();
  for (const e of platform.errors) process.stderr.write(`slipway images: ${e.message}\n`);
  if (noClusterFound("images", root, platform.clusters)) return NO_CLUSTER_EXIT;
  const unknown = (v.cluster ?? []).filter((c) => !platform.clusters.some((x) => x.name === c));
  if (unknown.length > 0)
    return usage(
      `no cluster named '${unknown[0]}' (found: ${platform.clusters.map((c) => c.name).join(", ")})`,
    );
  const fs = new DiskFileSystem();
  const files = new SourceFiles(fs, root);
  const out = (text: string) => process.stdout.write(text);

  if (sub === "list") {
    // Listed from the masked model: an image taken from a secret shows as its marker.
    const masked = maskPlatform(platform, masker);
    const uses = listImages(masked, files, v.cluster);
    // What was not rendered is said in every format, on stderr and, when it failed, in the exit code.
    const missing = notListed(masked, v.cluster);
    out(
      format === "json"
        ? formatJson({ schema: "slipway.images/v1", images: uses, notListed: missing })
        : withoutControls(formatImagesText(uses, missing)),
    );
    if (missing.length > 0)
      process.stderr.write(
        `slipway images: warning: ${notListedSummary(missing)}: the images they run are not listed\n`,
      );
    return missing.some((m) => m.failed) ? 1 : 0;
  }

  let edits: Edit[];
  let refusals: Refusal[] = [];
  const report: string[] = [];
  let json: Record<string, unknown>;
  let plans: PromotionPlan[] = [];
  if (sub === "set") {
    const running = new Set<string>();
    try {
      plans = planImageSet(
        platform,
        files,
        { image: image!, ...(v.cluster ? { clusters: v.cluster } : {}) },
        running,
      );
    } catch (e) {
      if (e instanceof SlipwayError || e instanceof Error) return usage(errorMessage(e));
      throw e;
    }
    if (plans.length === 0 && running.size === 0) {
      const name = splitImage(image!).name;
      const inValues = listImages(platform, files, v.cluster).filter(
        (u) => u.helmRelease && u.setAt && splitImage(u.image).name === name,
      );
      if (inValues.length > 0) {
        // `list` shows these places; say why `set` leaves them, rather than that nothing runs it.
        const where = inValues.map(
          (u) => `${u.cluster}: ${u.setAt!.file}:${u.setAt!.line} (${u.setAt!.what})`,
        );
        const form = inValues[0]!.setAt!.what.endsWith(".tag") ? ":tag" : "";
        process.stderr.write(
          withoutControls(
            `slipway images: ${name} is set in chart values without a setter marker, which images set does not edit: ${[...new Set(where)].join(", ")}; edit it there, or mark the line with # {"$imagepolicy": "NAMESPACE:POLICY${form}"} naming an ImagePolicy of the image\n`,
          ),
        );
        return 1;
      }
      const failed = renderFailures(platform, v.cluster);
      const none = `no ${v.cluster ? `cluster among ${v.cluster.join(", ")}` : "cluster"} runs ${image!.split(/[:@]/)[0]}`;
      process.stderr.write(
        failed.length === 0
          ? `slipway images: ${none}\n`
          : withoutControls(
              `slipway images: ${none} in what rendered; it may run in what failed to render:\n${failed.map((f) => `  ${f}\n`).join("")}`,
            ),
      );
      return 1;
    }
    edits = plans.flatMap((p) => p.apps.flatMap((a) => a.changes.flatMap((c) => c.edits)));
    refusals = plans.flatMap((p) => p.refusals);
    // A second run of the same set (or a tag already rolled out) is a no-op, like promote's
    // "nothing to promote", not "no cluster runs it".
    const current = [...running].filter((c) => !plans.some((p) => p.to === c));
    if (current.length > 0) {
      const at = image!.slice(splitImage(image!).name.length + 1);
      report.push(`${splitImage(image!).name} is already at ${at} in ${current.join(", ")}`);
    }
    for (const p of plans) {
      report.push(`cluster ${p.to}`);
      for (const a of p.apps) {
        for (const c of a.changes) {
          report.push(`  ${c.label}: ${c.from} → ${c.to}  (${c.object}, Flux Kustomization ${a.target})`);
          for (const e of c.edits) report.push(`    ${editText(e)}`);
          for (const n of c.notes) report.push(`    note: ${n}`);
        }
      }
    }
    json = { plans };
  } else {
    const plan = planImageUpdates(platform, fs, files, candidates!, v.cluster);
    edits = plan.updates.map((u) => u.edit);
    refusals = encryptedEdits(files, edits);
    for (const p of plan.policies) {
      const head = `ImagePolicy ${p.policy} in ${p.cluster}${p.rule ? ` (${p.rule})` : ""}`;
      report.push(
        p.latest
          ? `${head}: ${p.latest.name}:${p.latest.tag}${p.latest.digest ? `@${p.latest.digest}` : ""} (from ${p.candidates} candidate tag${p.candidates === 1 ? "" : "s"})`
          : `${head}: ${p.problem}`,
      );
      for (const u of plan.updates.filter(
        (x) => x.cluster === p.cluster && `${x.marker.policy.namespace}/${x.marker.policy.name}` === p.policy,
      )) {
        report.push(`  ${editText(u.edit)}  [ImageUpdateAutomation ${u.automation}]`);
      }
    }
    for (const s of plan.skipped)
      report.push(
        `not updated: ${s.marker.file}:${s.marker.line} ({"$imagepolicy": "${s.marker.setter}"}): ${s.reason}`,
      );
    for (const n of plan.notes) report.push(`note: ${n}`);
    json = { policies: plan.policies, updates: plan.updates, skipped: plan.skipped, notes: plan.notes };
  }

  // Prove the edits: re-render, compare, and refuse what breaks or spreads.
  let diffText = "";
  const written: string[] = [];
  const texts = new Map<string, string>();
  if (refusals.length === 0 && edits.length > 0) {
    try {
      const byFile = new Map<string, Edit[]>();
      for (const e of edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
      for (const [f, es] of byFile) texts.set(f, applyEdits(files.get(f)!.text, es, f));
    } catch (e) {
      refusals.push({ code: "AMBIGUOUS", message: `cannot make the edits: ${errorMessage(e)}` });
    }
  }
  if (refusals.length === 0 && texts.size > 0) {
    const overlay = new OverlayFileSystem(fs);
    for (const [f, t] of texts) overlay.set(files.absolute(f), t);
    const after = await load(overlay);
    if (sub === "set") {
      const changing = new Set(plans.map((p) => p.to));
      for (const p of plans) {
        const checked = verifyPromotion({ plan: p, before: platform, after, masker, alsoChanging: changing });
        refusals.push(...checked.refusals);
      }
    } else {
      refusals.push(...newRenderFailures(platform, after));
    }
    const diff = comparePlatforms(platform, after, {
      masker,
      base: "before",
      head: "after",
      changedOnly: false,
    });
    diffText = formatDiffText(diff);
    json.diff = diff;
  }
  if (v.write && refusals.length === 0) {
    // Every file or none: a tag bumped in one file and not the next is a half-done change.
    try {
      writeFileSet(
        [...texts].map(([f, t]) => ({ file: files.absolute(f), content: t, expect: files.get(f)!.text })),
        { within: root },
      );
    } catch (e) {
      process.stderr.write(`slipway images: ${errorMessage(e)}; nothing written\n`);
      return 2;
    }
    written.push(...texts.keys());
  }
  if (format === "json") {
    out(formatJson({ schema: `slipway.images.${sub}/v1`, ...json, refusals, written }));
  } else {
    const lines = [...report];
    if (refusals.length > 0) {
      lines.push("", "Refused; nothing was written:");
      for (const r of refusals) {
        lines.push(`  ✗ ${r.message} [${r.code}]`);
        if (r.suggestion) lines.push(...r.suggestion.split("\n").map((l) => `      ${l}`));
      }
    } else if (diffText && texts.size > 0) {
      lines.push(
        "",
        "Rendered diff:",
        ...diffText
          .trimEnd()
          .split("\n")
          .map((l) => (l ? `  ${l}` : l)),
      );
    }
    lines.push("");
    if (refusals.length > 0)
      lines.push(`Refused (${refusals.length} reason${refusals.length === 1 ? "" : "s"}).`);
    else if (texts.size === 0) lines.push("Nothing to change.");
    else if (v.write)
      lines.push(`Wrote ${written.length} file${written.length === 1 ? "" : "s"}: ${written.join(", ")}`);
    else
      lines.push(
        `Plan only: ${texts.size} file${texts.size === 1 ? "" : "s"} would change. Run again with --write to apply it.`,
      );
    out(withoutControls(`${lines.join("\n")}\n`));
  }
  return refusals.length > 0 ? 1 : 0;
}

function readCandidates(file: string | undefined, tags: string[]): Map<string, Candidate[]> {
  const entries: Array<[string, string]> = [];
  // A registry lists only valid tags: anything else (a pasted comment, a newline, a quote)
  // would be written into the repository as an image no node can pull.
  const push = (image: string, tag: string, where: string) => {
    const problem = imageReferenceProblem(`${image}:${tag}`);
    if (problem) throw new Error(`${where}: ${problem}`);
    entries.push([image, tag]);
  };
  const add = (ref: string, where: string) => {
    const slash = ref.indexOf("/");
    const rest = slash >= 0 ? ref.slice(slash) : ref;
    const colon = rest.search(/[:@]/);
    if (colon < 0 || rest[colon] !== ":") throw new Error(`${where}: '${ref}' is not IMAGE:TAG`);
    const at = (slash >= 0 ? slash : 0) + colon;
    push(ref.slice(0, at), ref.slice(at + 1), where);
  };
  if (file !== undefined) {
    const text = readFileSync(file, "utf8");
    const raw =
      /^\s*[^\s#][^:\n]*:\s*(\[|\n|$)/m.test(text) || text.trimStart().startsWith("{")
        ? parseYaml(text, file)
        : null;
    if (isMap(raw)) {
      for (const [image, list] of Object.entries(raw)) {
        if (!Array.isArray(list)) throw new Error(`${file}: ${image} must map to a list of tags`);
        for (const t of list) push(image, String(t), `${file}: ${image}`);
      }
    } else {
      for (const [i, line] of text.split("\n").entries()) {
        const l = line.trim();
        if (l === "" || l.startsWith("#")) continue;
        add(l, `${file}:${i + 1}`);
      }
    }
  }
  for (const t of tags) add(t, "--tag");
  return parseCandidates(entries);
}

/** The Flux Kustomizations of the selected clusters that failed to render, with their first error's place. */
function renderFailures(platform: Platform, clusters: string[] | undefined): string[] {
  const out: string[] = [];
  for (const c of platform.clusters) {
    if (clusters && !clusters.includes(c.name)) continue;
    for (const k of c.kustomizations) {
      if (k.status !== "failed") continue;
      const e = k.errors[0];
      const at = e?.file ? `${e.file}${e.line ? `:${e.line}` : ""}: ` : "";
      out.push(`${c.name}: ${applierNameOf(k.id)}: ${at}${e?.message ?? "failed to render"}`);
    }
  }
  return out;
}

function newRenderFailures(before: Platform, after: Platform): Refusal[] {
  const out: Refusal[] = [];
  for (const c of after.clusters) {
    const was = before.clusters.find((x) => x.name === c.name);
    for (const k of c.kustomizations) {
      const old = was?.kustomizations.find((x) => x.id === k.id);
      if (k.status === "failed" && old?.status !== "failed") {
        out.push({
          code: "TARGET_RENDER",
          message: `after the updates, ${c.name}'s ${applierNameOf(k.id)} fails to render: ${k.errors[0]?.message ?? ""}`,
        });
      }
    }
  }
  return out;
}
