import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { helmOraclePath } from "./env.js";

export interface HelmRun {
  ok: boolean;
  stdout: string;
  /** Helm's message from the `Error:` line on (log lines dropped), as the corpus stores it. */
  error: string;
}

/**
 * `helm template RELEASE CHART` over a chart written to a temporary directory from `files`
 * (paths relative to the chart root; Chart.yaml is added when missing). Call only inside a
 * suite guarded by `requires("helm")`.
 */
function writeChart(dir: string, files: Record<string, string>): string {
  const chart = path.join(dir, "chart");
  const all = { "Chart.yaml": "apiVersion: v2\nname: chart\nversion: 0.1.0\n", ...files };
  for (const [rel, text] of Object.entries(all)) {
    const file = path.join(chart, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return chart;
}

function result(status: number | null, stdout: string, stderr: string): HelmRun {
  const at = stderr.indexOf("Error:");
  return { ok: status === 0, stdout, error: at >= 0 ? stderr.slice(at).trimEnd() : stderr.trimEnd() };
}

/** `helmTemplate` without blocking, for running several charts at once. */
export function helmTemplateAsync(
  files: Record<string, string>,
  args: string[] = [],
  release = "r",
): Promise<HelmRun> {
  const helm = helmOraclePath();
  if (!helm) throw new Error("Helm oracle unavailable: guard the suite with requires('helm')");
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-helm-"));
  const chart = writeChart(dir, files);
  return new Promise((resolve) => {
    const p = spawn(helm, ["template", release, chart, ...args], { env: helmEnv(dir) });
    let out = "";
    let err = "";
    p.stdout.setEncoding("utf8").on("data", (d) => (out += d));
    p.stderr.setEncoding("utf8").on("data", (d) => (err += d));
    p.on("close", (code) => {
      rmSync(dir, { recursive: true, force: true });
      resolve(result(code, out, err));
    });
  });
}

function helmEnv(dir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "",
    HOME: dir,
    HELM_CACHE_HOME: dir,
    HELM_CONFIG_HOME: dir,
    HELM_DATA_HOME: dir,
  };
}

export function helmTemplate(files: Record<string, string>, args: string[] = [], release = "r"): HelmRun {
  const helm = helmOraclePath();
  if (!helm) throw new Error("Helm oracle unavailable: guard the suite with requires('helm')");
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-helm-"));
  try {
    const chart = writeChart(dir, files);
    const r = spawnSync(helm, ["template", release, chart, ...args], {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      env: helmEnv(dir),
    });
    return result(r.status, r.stdout ?? "", r.stderr ?? "");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
