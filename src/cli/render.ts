import * as path from "node:path";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { type DecryptionProblem, loadPlatformWithSecrets, maskedPlatform } from "../platform/decrypt.js";
import { type DiscoverySummary, summarizeDiscovery } from "../platform/discovery-summary.js";
import {
  type Cluster,
  type FluxKustomization,
  type Platform,
  type PlatformError,
  platformErrors,
} from "../platform/index.js";
import { newRunMasker } from "../platform/masking.js";
import { emitYaml } from "../yaml/index.js";
import { ageIdentitiesOrWarn } from "./age-keys.js";
import { parseCommandLine } from "./args.js";
import { discoveryLines } from "./discovery.js";
import { createProgress } from "./progress.js";

const help = `Usage: slipway render [REPO] [flags]

Prints what Flux applies to each cluster of the repository REPO (default: the current
directory): every Flux Kustomization followed as kustomize-controller does, with
targetNamespace, patches, images, components, postBuild substitution and owner labels.
SOPS-encrypted objects are decrypted in memory where Flux would decrypt them; Secret values
and every value substituted from a Secret are masked unless --show-secrets is given.

Flags:
      --cluster NAME            only this cluster (repeatable)
      --kustomization NS/NAME   only this Flux Kustomization (NAME alone: any namespace; repeatable)
      --out DIR                 one file per Flux Kustomization: DIR/<cluster>/<namespace>/<name>.<ext>
      --format yaml|json        output format (default yaml)
      --age-key-file FILE       age identities for SOPS decryption (default: SOPS_AGE_KEY,
                                SOPS_AGE_KEY_FILE, ~/.config/sops/age/keys.txt, as sops)
      --show-secrets            print decrypted Secret values in plaintext (default: masked)
      --allow-path DIR          slipway.yaml may name DIR although it is outside the
                                repository (repeatable; by default nothing outside is read)
  -h, --help                    show this help

Exit codes: 0 rendered cleanly, 1 some Flux Kustomization failed to render, 2 bad usage.
`;

const options = {
  cluster: { type: "string", multiple: true },
  kustomization: { type: "string", multiple: true },
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
    onProgress: (e) => progress.onEvent(e),
  });
  progress.done();
  const { secrets } = loaded;
  // Everything below sees the masked model, unless the user asked for plaintext.
  const plaintext = values["show-secrets"] === true;
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
    return 2;
  }
  const selected = selectKustomizations(platform, values.kustomization);
  if (values.kustomization && selected.length === 0) {
    process.stderr.write(
      `slipway render: no Flux Kustomization matches ${values.kustomization.join(", ")}\n`,
    );
    return 2;
  }

  if (values.out) {
    for (const { cluster, k } of selected) {
      const file = path.join(
        values.out,
        safe(cluster.name),
        safe(k.namespace || "_"),
        `${safe(k.name)}.${format}`,
      );
      writeFileAtomic(file, format === "json" ? jsonOf([{ cluster, k }]) : yamlOf([{ cluster, k }]), {
        // Plaintext secrets are readable by the owner only.
        ...(plaintext ? { mode: 0o600 } : {}),
      });
    }
  } else {
    process.stdout.write(format === "json" ? renderJson(selected, discovery) : yamlOf(selected));
  }
  for (const line of undecryptedLines(secrets.problems, selected)) {
    process.stderr.write(`slipway render: info: ${line}\n`);
  }
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
      selected.some((s) => s.cluster.name === e.cluster && (!e.kustomization || s.k.id === e.kustomization)),
  );
  for (const e of errors) process.stderr.write(`slipway render: ${formatError(e)}\n`);
  if (errors.length > 0)
    process.stderr.write(`slipway render: ${errors.length} error${errors.length === 1 ? "" : "s"}\n`);
  return errors.length > 0 ? 1 : 0;
}

interface Selected {
  cluster: Cluster;
  k: FluxKustomization;
}

function selectKustomizations(platform: Platform, filters: string[] | undefined): Selected[] {
  const out: Selected[] = [];
  for (const cluster of platform.clusters) {
    for (const k of cluster.kustomizations) {
      if (filters && !filters.some((f) => (f.includes("/") ? f === k.id : f === k.name))) continue;
      out.push({ cluster, k });
    }
  }
  return out;
}

function header({ cluster, k }: Selected): string {
  const parts = [`cluster ${cluster.name}`];
  if (k.kind === "ResourceSet") {
    parts.push(`ResourceSet ${k.namespace}/${k.name}`);
    if (k.resourceSet)
      parts.push(`${k.resourceSet.inputs} input set${k.resourceSet.inputs === 1 ? "" : "s"}`);
  } else {
    parts.push(`Kustomization ${k.id}`);
  }
  if (k.dir) parts.push(`path ${k.dir}`);
  if (k.status !== "rendered") parts.push(k.statusReason ? `${k.status}: ${k.statusReason}` : k.status);
  return `# ${parts.join(", ")}\n`;
}

/** One line per cluster: which SOPS files stayed encrypted, and why. */
function undecryptedLines(problems: DecryptionProblem[], selected: Selected[]): string[] {
  const lines: string[] = [];
  const clusters = [...new Set(selected.map((s) => s.cluster.name))];
  for (const cluster of clusters) {
    const byReason = new Map<string, Set<string>>();
    for (const p of problems) {
      if (p.cluster !== cluster) continue;
      if (!selected.some((s) => s.cluster.name === cluster && s.k.id === p.kustomization)) continue;
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

/** One YAML stream; each Flux Kustomization's objects are preceded by a comment naming it. */
function yamlOf(selected: Selected[]): string {
  const blocks: string[] = [];
  for (const s of selected) {
    const docs = s.k.resources.map((r) => emitYaml(r.object));
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

function kustomizationsJson(selected: Selected[]) {
  return selected.map(({ cluster, k }) => ({
    cluster: cluster.name,
    kind: k.kind ?? "Kustomization",
    namespace: k.namespace,
    name: k.name,
    path: k.dir ?? null,
    status: k.status,
    errors: k.errors.map((e) => formatError(e)),
    resources: k.resources.map((r) => r.object),
  }));
}

export function formatError(e: PlatformError): string {
  const where = e.file ? `${e.file}${e.line ? `:${e.line}` : ""}: ` : "";
  const owner = e.cluster ? `${e.cluster}${e.kustomization ? ` ${e.kustomization}` : ""}: ` : "";
  return `${owner}${where}${e.message}`;
}

function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, "_") || "_";
}
