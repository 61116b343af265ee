import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { runHelmTemplate, type TemplateIO } from "../../src/cli/helm.js";
import { diskReader } from "../../src/helm/chart-source.js";
import { helmOraclePath } from "../support/env.js";

export interface Outcome {
  ok: boolean;
  /** the exit status */
  code: number;
  stdout: string;
  stderr: string;
}

/** Files of a scenario: `chart/...` is the chart, anything else sits beside it (values files). */
export type Tree = Record<string, string | Uint8Array>;

export function writeTree(root: string, files: Tree): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

/** `helm template` (args as given, run in the scenario's directory) by the oracle. */
export function runOracle(dir: string, args: string[]): Outcome {
  const helm = helmOraclePath();
  if (!helm) throw new Error("Helm oracle unavailable: guard the suite with requires('helm')");
  const r = spawnSync(helm, ["template", ...args], {
    cwd: dir,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: dir,
      HELM_CACHE_HOME: dir,
      HELM_CONFIG_HOME: dir,
      HELM_DATA_HOME: dir,
      KUBECONFIG: "/dev/null",
      TZ: "UTC",
      LC_ALL: "C",
      HTTP_PROXY: "http://127.0.0.1:9",
      HTTPS_PROXY: "http://127.0.0.1:9",
    },
  });
  return { ok: r.status === 0, code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** The same command through Slipway, in-process. */
export function runSlipway(dir: string, args: string[]): Outcome {
  let stdout = "";
  let stderr = "";
  const io: TemplateIO = {
    cwd: dir,
    reader: diskReader,
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    writeFiles: () => {
      throw new Error("no --output-dir in differential scenarios");
    },
    exists: () => false,
  };
  const code = runHelmTemplate(args, io);
  return { ok: code === 0, code, stdout, stderr };
}

/** Runs a scenario through both; the temporary directory is removed afterwards. */
export function both(files: Tree, args: string[]): { helm: Outcome; slipway: Outcome } {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-helm-diff-"));
  try {
    writeTree(dir, files);
    return { helm: runOracle(dir, args), slipway: runSlipway(dir, args) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
