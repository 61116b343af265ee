import * as path from "node:path";
import { errorMessage } from "../errors.js";
import { refuseCheckoutLinks } from "../fs/checkout-links.js";
import { writeFileSet } from "../fs/write-set.js";
import {
  type DecryptionProblem,
  loadPlatformWithSecrets,
  maskedPlatform,
  sealedSubstitutionLines,
} from "../platform/decrypt.js";
import { type DiscoverySummary, summarizeDiscovery } from "../platform/discovery-summary.js";
import {
  type Cluster,
  type FluxKustomization,
  type HelmReleaseInfo,
  helmReleaseId,
  type Platform,
  type PlatformError,
  platformErrors,
  type RenderedResource,
} from "../platform/index.js";
import { newRunMasker, restoreWithheldMessages } from "../platform/masking.js";
import { printable } from "../printable.js";
import { emitYaml } from "../yaml/index.js";
import { ageIdentitiesOrWarn } from "./age-keys.js";
import { parseCommandLine } from "./args.js";
import { chartProviderFor } from "./chart-cache.js";
import { discoveryLines, NO_CLUSTER_EXIT } from "./discovery.js";
import { createProgress } from "./progress.js";

const help = `Usage: slipway render [REPO] [flags]

Prints what Flux applies to each cluster of the repository REPO (default: the current
directory): every Flux Kustomization followed as kustomize-controller does, with
targetNamespace, patches, images, components, postBuild substitution and owner labels.
SOPS-encrypted objects are decrypted in memory where Flux would decrypt them; Secret values
and every value substituted from a Secret are masked unless --show-secrets is given. Where
a variable comes from a Secret no key decrypts, its ciphertext stands for the value: stderr
names those Kustomizations and variables (the JSON: "sealedSubstitutions").
Each HelmRelease follows the Flux Kustomization that applies it, rendered as helm-controller
installs it (chart from the repository or the chart cache, valuesFrom, post-renderers,
origin labels, hooks; tests with spec.test.enable). Charts from HelmRepositories and
OCIRepositories come from the chart cache only: \`slipway charts pull\` fills it.

Flags:
      --cluster NAME            only this cluster (repeatable)
      --kustomization NS/NAME   only this Flux Kustomization (NAME alone: any namespace; repeatable)
      --helmrelease NS/NAME     only what this HelmRelease's chart renders (NAME alone: any
                                namespace; repeatable)
      --out DIR                 one file per Flux Kustomization: DIR/<cluster>/<namespace>/<name>.<ext>,
                                per HelmRelease: DIR/<cluster>/helmreleases/<namespace>/<name>.<ext>
      --cache-dir DIR           the chart cache (default $SLIPWAY_CACHE_DIR, $XDG_CACHE_HOME/slipway)
      --format yaml|json        output format (default yaml)
      --age-key-file FILE       age identities for SOPS decryption (default: SOPS_AGE_KEY,
                                SOPS_AGE_KEY_FILE, ~/.config/sops/age/keys.txt, as sops)
      --show-secrets            print decrypted Secret values in plaintext (default: masked)
      --allow-path DIR          slipway.yaml may name DIR although it is outside the
                                repository (repeatable; by default nothing outside is read)
      --no-cache                neither read nor write the render cache (also SLIPWAY_NO_CACHE=1)
  -h, --help                    show this help

Exit codes: 0 rendered cleanly, 1 some Flux Kustomization or HelmRelease failed to render
or rendered only in part (a remote resource left out) (a chart missing from the chart cache is
a warning, not a failure), 2 bad usage.
`;

const options = {
  cluster: { type: "string", multiple: true },
  kustomization: { type: "string", multiple: true },
  helmrelease: { type: "string", multiple: true },
  "cache-dir": { type: "string" },
  out: { type: "string" },
  format: { type: "string" },
  "age-key-file": { type: "string" },
  "show-secrets": { type: "boolean" },
  "allow-path": { type: "string", multiple: true },
  help: { type: "boolean", short: "h" },
} as const;

export async function renderCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandLine("render", argv, options, help);
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  const format = values.format ?? "yaml";
  if (format !== "yaml" && format !== "json") {
    process.stderr.write(`slipway render: --format must be yaml or json, not '${format}'\n`);
    return 2;
  }
  if (positionals.length > 1) {
    process.stderr.write("slipway render: give at most one repository directory\n");
    return 2;
  }
  const repo = positionals[0] ?? ".";
  const keys = ageIdentitiesOrWarn("render", values["age-key-file"]);
  if ("error" in keys) {
    process.stderr.write(`slipway render: ${keys.error}\n`);
    return 2;
  }
  const { identities } = keys;
  const progress = createProgress("slipway render");
  const loaded = await loadPlatformWithSecrets(repo, {
    clusters: values.cluster,
    allowedPaths: values["allow-path"],
    identities,
    charts: chartProviderFor(values["cache-dir"]),
    onProgress: (e) => progress.onEvent(e),
  });
  progress.done();
  const { secrets } = loaded;
  // Everything below sees the masked model, unless the user asked for plaintext.
  const plaintext = values["show-secrets"] === true;
  if (plaintext) restoreWithheldMessages(loaded.platform);
  const platform = plaintext ? loaded.platform : maskedPlatform(loaded.platform, newRunMasker());
  if (values.cluster?.some((n) => !platform.clusters.some((c) => c.name === n))) {
    for (const e of platform.errors) process.stderr.write(`slipway render: ${formatError(e)}\n`);
    return 2;
  }
  const discovery = summarizeDiscovery(platform);
  for (const line of discoveryLines(discovery, repo, { failed: false }))
    process.stderr.write(`slipway render: ${line}\n`);
  if (platform.clusters.length === 0) {
    for (const e of platform.errors) process.stderr.write(`slipway render: ${formatError(e)}\n`);
    return NO_CLUSTER_EXIT;
  }
  const selected = selectBlocks(platform, values.kustomization, values.helmrelease);
  if (values.kustomization && !selected.some((s) => s.k)) {
    process.stderr.write(
      `slipway render: no Flux Kustomization matches ${values.kustomization.join(", ")}\n`,
    );
    return 2;
  }
  if (values.helmrelease && !selected.some((s) => s.h)) {
    process.stderr.write(`slipway render: no HelmRelease matches ${values.helmrelease.join(", ")}\n`);
    return 2;
  }

  if (values.out) {
    const out = values.out;
    const files = selected.map((block) => {
      const owner = block.k ?? block.h!;
      const file = path.join(
        out,
        safe(block.cluster.name),
        ...(block.h ? ["helmreleases"] : []),
        safe(owner.namespace || "_"),
        `${safe(owner.name)}.${format}`,
      );
      return { block, file };
    });
    try {
      refuseCheckoutLinks(out, repo);
      // All files or none: a refused or failing target leaves no partial set behind.
      writeFileSet(
        files.map(({ block, file }) => ({
          file,
          content: format === "json" ? jsonOf([block]) : yamlOf([block]),
          // Plaintext secrets are readable by the owner only.
          ...(plaintext ? { mode: 0o600 } : {}),
        })),
        { within: out },
      );
    } catch (e) {
      process.stderr.write(`slipway render: --out ${out}: ${errorMessage(e)}; nothing written\n`);
      return 2;
    }
  } else {
    process.stdout.write(format === "json" ? renderJson(selected, discovery) : yamlOf(selected));
  }
  for (const line of undecryptedLines(secrets.problems, selected)) {
    process.stderr.write(`slipway render: info: ${line}\n`);
  }
  for (const cluster of new Set(selected.map((s) => s.cluster)))
    for (const s of sealedSubstitutionLines(cluster, (k) => selected.some((x) => x.k === k)))
      process.stderr.write(`slipway render: info: ${s.message}\n`);
  // Flux applies a tampered file (it does not check MACs), so render shows what it would
  // apply; but never silently: `slipway check` makes it an error (sops-mac-mismatch).
  for (const f of secrets.files.filter((x) => x.macMismatch)) {
    process.stderr.write(
      `slipway render: warning: ${f.file}: ${f.problem ?? "MAC check failed"}; rendered as Flux would apply it (Flux does not check MACs)\n`,
    );
  }

  const errors = platformErrors(platform).filter(
    (e) =>
      !e.cluster ||
      selected.some(
        (s) =>
          s.cluster.name === e.cluster &&
          (e.helmRelease
            ? s.h !== undefined && helmReleaseId(s.h) === e.helmRelease
            : !e.kustomization || s.k?.id === e.kustomization),
      ),
  );
  // Named by cluster, as the info lines and errors are: the same HelmRelease in three clusters
  // would otherwise print three identical lines.
  for (const s of selected)
    for (const w of s.h?.warnings ?? [])
      process.stderr.write(`slipway render: warning: cluster ${s.cluster.name}: ${w}\n`);
  for (const s of selected)
    for (const w of incompleteNotes(s))
      process.stderr.write(`slipway render: warning: cluster ${s.cluster.name}: ${w}\n`);
  for (const e of errors) process.stderr.write(`slipway render: ${formatError(e)}\n`);
  if (errors.length > 0)
    process.stderr.write(`slipway render: ${errors.length} error${errors.length === 1 ? "" : "s"}\n`);
  return errors.length > 0 ? 1 : 0;
}

/** One block of output: a Flux Kustomization's objects, or what a HelmRelease's chart renders. */
interface Selected {
  cluster: Cluster;
  k?: FluxKustomization;
  h?: HelmReleaseInfo;
}

/**
 * The Flux Kustomizations and HelmReleases asked for, each HelmRelease right after the
 * Kustomization that applies it. With only --helmrelease, only HelmReleases; with only
 * --kustomization, those Kustomizations and their HelmReleases.
 */
function selectBlocks(
  platform: Platform,
  kustomizations: string[] | undefined,
  helmReleases: string[] | undefined,
): Selected[] {
  const matches = (filters: string[], o: { namespace: string; name: string }) =>
    filters.some((f) => (f.includes("/") ? f === `${o.namespace}/${o.name}` : f === o.name));
  const out: Selected[] = [];
  for (const cluster of platform.clusters) {
    for (const k of cluster.kustomizations) {
      // A Flux Kustomization by ns/name or name; a ResourceSet by its id (ResourceSet/ns/name) or name.
      const kWanted = kustomizations
        ? kustomizations.some((f) => (f.includes("/") ? f === k.id : f === k.name))
        : !helmReleases;
      if (kWanted) out.push({ cluster, k });
      for (const h of cluster.helmReleases) {
        if (h.kustomization !== k.id || !h.status) continue;
        if (helmReleases ? matches(helmReleases, h) : kWanted) out.push({ cluster, h });
      }
    }
  }
  return out;
}

function header({ cluster, k, h }: Selected): string {
  const parts = [`cluster ${cluster.name}`];
  if (k) {
    if (k.kind === "ResourceSet") {
      parts.push(`ResourceSet ${k.namespace}/${k.name}`);
      if (k.resourceSet)
        parts.push(`${k.resourceSet.inputs} input set${k.resourceSet.inputs === 1 ? "" : "s"}`);
    } else {
      parts.push(`Kustomization ${k.id}`);
    }
    if (k.dir) parts.push(`path ${k.dir}`);
    if (k.status !== "rendered") parts.push(k.statusReason ? `${k.status}: ${k.statusReason}` : k.status);
  } else if (h) {
    parts.push(`HelmRelease ${helmReleaseId(h)}`);
    if (h.chartLocation)
      parts.push(`chart ${h.chartLocation}${h.resolvedVersion ? ` ${h.resolvedVersion}` : ""}`);
    if (h.releaseName) parts.push(`release ${h.releaseNamespace}/${h.releaseName}`);
    if (h.status !== "rendered") parts.push(h.status ?? "not rendered");
  }
  // A comment line in a YAML stream: a newline in a name would start YAML of its own.
  return `# ${printable(parts.join(", "))}\n`;
}

function blockResources(s: Selected): RenderedResource[] {
  return s.k ? s.k.resources : (s.h?.resources ?? []);
}

/** One line per cluster: which SOPS files stayed encrypted, and why. */
function undecryptedLines(problems: DecryptionProblem[], selected: Selected[]): string[] {
  const lines: string[] = [];
  const clusters = [...new Set(selected.map((s) => s.cluster.name))];
  for (const cluster of clusters) {
    const byReason = new Map<string, Set<string>>();
    for (const p of problems) {
      if (p.cluster !== cluster) continue;
      if (!selected.some((s) => s.cluster.name === cluster && s.k?.id === p.kustomization)) continue;
      const files = byReason.get(p.reason) ?? new Set<string>();
      files.add(p.file);
      byReason.set(p.reason, files);
    }
    if (byReason.size === 0) continue;
    const parts = [...byReason].map(([reason, files]) => `${[...files].join(", ")}: ${reason}`);
    lines.push(`cluster ${cluster}: SOPS values left encrypted (masked): ${parts.join("; ")}`);
  }
  return lines;
}

/**
 * What a rendered Flux Kustomization or ResourceSet shows without, because only the cluster has
 * it (a ResourceSet's copyFrom/checksumFrom/convertKubeConfigFrom sources, inputs of a provider
 * outside the repository, a selector that matches no provider here): said on stderr and in the
 * JSON, never left for the reader to notice (check reports the same notes as info findings).
 */
function incompleteNotes(s: Selected): string[] {
  if (s.k?.status !== "rendered") return [];
  return (s.k.notices ?? []).filter((n) => n.code !== "NOT_RENDERED").map((n) => n.message);
}

/** One YAML stream; each Flux Kustomization's objects are preceded by a comment naming it. */
function yamlOf(selected: Selected[]): string {
  const blocks: string[] = [];
  for (const s of selected) {
    const docs = blockResources(s).map((r) => emitYaml(r.object));
    blocks.push(header(s) + docs.join("---\n"));
  }
  return blocks.join("---\n");
}

/**
 * `--format json` on stdout: `{ schema: "slipway.render/v1", discovery, kustomizations }`
 * (discovery: platform/discovery-summary.ts; kustomizations: as in each --out file).
 */
function renderJson(selected: Selected[], discovery: DiscoverySummary): string {
  const value = { schema: "slipway.render/v1", discovery, kustomizations: kustomizationsJson(selected) };
  return `${JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? Number(v) : v), 2)}\n`;
}

/** One file of --out DIR --format json: an array with that Flux Kustomization. */
function jsonOf(selected: Selected[]): string {
  return `${JSON.stringify(kustomizationsJson(selected), (_k, v) => (typeof v === "bigint" ? Number(v) : v), 2)}\n`;
}

/** Flux Kustomizations and ResourceSets as themselves; HelmReleases with their chart and release. */
function kustomizationsJson(selected: Selected[]) {
  return selected.map((s) =>
    s.k
      ? {
          cluster: s.cluster.name,
          kind: s.k.kind ?? "Kustomization",
          namespace: s.k.namespace,
          name: s.k.name,
          path: s.k.dir ?? null,
          status: s.k.status,
          errors: s.k.errors.map((e) => formatError(e)),
          // Only when there are some: a run without them prints what it printed before.
          ...(incompleteNotes(s).length > 0 ? { warnings: incompleteNotes(s) } : {}),
          // Secrets no key decrypted whose ciphertext stands for its variables (decrypt.ts).
          ...(s.k.sealedSubstitutions ? { sealedSubstitutions: s.k.sealedSubstitutions } : {}),
          resources: s.k.resources.map((r) => r.object),
        }
      : {
          cluster: s.cluster.name,
          kind: "HelmRelease",
          namespace: s.h!.namespace,
          name: s.h!.name,
          kustomization: s.h!.kustomization,
          chart: s.h!.chartLocation ?? null,
          version: s.h!.resolvedVersion ?? null,
          release: s.h!.releaseName ?? null,
          releaseNamespace: s.h!.releaseNamespace ?? null,
          status: s.h!.status,
          errors: (s.h!.errors ?? []).map((e) => formatError(e)),
          resources: (s.h!.resources ?? []).map((r) => r.object),
        },
  );
}

export function formatError(e: PlatformError): string {
  const where = e.file ? `${e.file}${e.line ? `:${e.line}` : ""}: ` : "";
  const owner = e.cluster ? `${e.cluster}${e.kustomization ? ` ${e.kustomization}` : ""}: ` : "";
  return `${owner}${where}${e.message}`;
}

function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, "_") || "_";
}
