import * as path from "node:path";
import { errorMessage } from "../errors.js";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { refuseCheckoutLinks } from "../fs/checkout-links.js";
import { type PlannedFile, writeFileSet } from "../fs/write-set.js";
import { buildYaml } from "../kustomize/build.js";
import type { HelmOptions } from "../kustomize/generators/helm-chart.js";
import type { LoadRestrictor } from "../kustomize/loader.js";
import { BuildCache } from "../kustomize/target.js";
import { parseCommandLine } from "./args.js";

const help = `Usage: slipway build [DIR...] [flags]

Renders kustomization directories exactly like 'kubectl kustomize DIR' (kustomize v5.5.0).
With one DIR the YAML stream goes to stdout (or --output); with several, use --out-dir.

Flags:
  -o, --output FILE          write the result to FILE (atomically) instead of stdout
      --out-dir DIR          one file per input directory, named after its path
      --load-restrictor MODE LoadRestrictionsRootOnly (default) or LoadRestrictionsNone
      --enable-helm          render helmCharts (charts already in chartHome) with Slipway's Helm
                             engine; without it a kustomization with helmCharts fails, as in kustomize
      --helm-kube-version V  Kubernetes version for .Capabilities.KubeVersion (an entry's
                             kubeVersion wins, as in kustomize)
      --helm-api-versions L  API versions for .Capabilities.APIVersions (comma-separated,
                             repeatable; an entry's apiVersions win)
      --helm-command CMD     accepted for compatibility; Slipway never runs helm
      --enable-alpha-plugins accepted for compatibility; only builtin plugins run
  -h, --help                 show this help

Exit codes: 0 success, 1 a directory failed to build, 2 bad flags (or two directories that
--out-dir would write to the same file).
`;

/** Output file for one input directory under --out-dir: its path, made relative and safe. */
export function outputNameFor(dir: string): string {
  const rel = path.relative(process.cwd(), path.resolve(dir)) || path.basename(path.resolve(dir));
  const clean = rel
    .split(path.sep)
    .filter((p) => p !== ".." && p !== "." && p !== "")
    .join("_");
  return `${clean || "root"}.yaml`;
}

/**
 * The directories to build under --out-dir, each once; a message when two different
 * directories would be written to the same file (checked before anything is built).
 */
export function uniqueOutputs(dirs: string[]): string[] | string {
  const byName = new Map<string, string>();
  const out: string[] = [];
  for (const dir of dirs) {
    const name = outputNameFor(dir);
    const other = byName.get(name);
    if (other === undefined) {
      byName.set(name, dir);
      out.push(dir);
    } else if (path.resolve(other) !== path.resolve(dir)) {
      return `--out-dir: '${other}' and '${dir}' would both be written to ${name}; build them in separate runs or from another working directory`;
    }
  }
  return out;
}

const options = {
  output: { type: "string", short: "o" },
  "out-dir": { type: "string" },
  "load-restrictor": { type: "string" },
  "enable-helm": { type: "boolean" },
  "helm-kube-version": { type: "string" },
  "helm-api-versions": { type: "string", multiple: true },
  "helm-command": { type: "string" },
  "enable-alpha-plugins": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export async function buildCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandLine("build", argv, options, help);
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  const restrictor = values["load-restrictor"] ?? "LoadRestrictionsRootOnly";
  if (restrictor !== "LoadRestrictionsRootOnly" && restrictor !== "LoadRestrictionsNone") {
    process.stderr.write(
      `slipway build: --load-restrictor must be LoadRestrictionsRootOnly or LoadRestrictionsNone, not '${restrictor}'\n`,
    );
    return 2;
  }
  if (values["enable-alpha-plugins"]) {
    process.stderr.write(
      "slipway build: note: exec and KRM-function plugins are not run; builtin plugins only\n",
    );
  }
  const dirs = positionals.length > 0 ? positionals : ["."];
  if (dirs.length > 1 && !values["out-dir"]) {
    process.stderr.write(
      "slipway build: several directories need --out-dir (one output file per directory)\n",
    );
    return 2;
  }
  if (values.output && values["out-dir"]) {
    process.stderr.write("slipway build: use either --output or --out-dir, not both\n");
    return 2;
  }
  const cache = new BuildCache();
  const apiVersions = (values["helm-api-versions"] ?? [])
    .flatMap((v) => v.split(","))
    .filter((v) => v !== "");
  const enableHelm = values["enable-helm"] ?? false;
  const helm: HelmOptions = {
    enabled: enableHelm,
    // The Helm engine, loaded only to render helmCharts.
    ...(enableHelm
      ? { render: (await import("../kustomize/generators/helm-render.js")).renderChartDir }
      : {}),
    ...(values["helm-kube-version"] ? { kubeVersion: values["helm-kube-version"] } : {}),
    ...(apiVersions.length > 0 ? { apiVersions } : {}),
  };
  const opts = { loadRestrictor: restrictor as LoadRestrictor, cache, helm };
  if (values["out-dir"]) {
    const unique = uniqueOutputs(dirs);
    if (typeof unique === "string") {
      process.stderr.write(`slipway build: ${unique}\n`);
      return 2;
    }
    // Every directory is built before anything is written: one that fails leaves the output
    // directory as it was (a partial set would pass for a complete one in CI).
    let failed = 0;
    const planned: PlannedFile[] = [];
    for (const dir of unique) {
      try {
        planned.push({
          file: path.join(values["out-dir"], outputNameFor(dir)),
          content: buildYaml(dir, opts),
        });
      } catch (e) {
        failed++;
        process.stderr.write(`slipway build: ${dir}: ${errorMessage(e)}\n`);
      }
    }
    if (failed > 0) {
      process.stderr.write(
        `slipway build: ${failed} of ${dirs.length} directories failed; nothing written\n`,
      );
      return 1;
    }
    try {
      refuseCheckoutLinks(values["out-dir"], dirs[0]!);
      writeFileSet(planned, { within: values["out-dir"] });
    } catch (e) {
      process.stderr.write(
        `slipway build: --out-dir ${values["out-dir"]}: ${errorMessage(e)}; nothing written\n`,
      );
      return 1;
    }
    return 0;
  }
  let yaml: string;
  try {
    yaml = buildYaml(dirs[0]!, opts);
  } catch (e) {
    process.stderr.write(`Error: ${errorMessage(e)}\n`);
    return 1;
  }
  if (values.output) {
    try {
      refuseCheckoutLinks(values.output, dirs[0]!);
    } catch (e) {
      process.stderr.write(`slipway build: --output ${values.output}: ${errorMessage(e)}; nothing written\n`);
      return 1;
    }
    writeFileAtomic(values.output, yaml);
  } else process.stdout.write(yaml);
  return 0;
}
