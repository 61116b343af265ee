import { spawnSync } from "node:child_process";
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
export function helmTemplate(files: Record<string, string>, args: string[] = [], release = "r"): HelmRun {
  const helm = helmOraclePath();
  if (!helm) throw new Error("Helm oracle unavailable: guard the suite with requires('helm')");
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-helm-"));
  try {
    const chart = path.join(dir, "chart");
    const all = { "Chart.yaml": "apiVersion: v2\nname: chart\nversion: 0.1.0\n", ...files };
    for (const [rel, text] of Object.entries(all)) {
      const file = path.join(chart, rel);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    const r = spawnSync(helm, ["template", release, chart, ...args], {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: dir,
        HELM_CACHE_HOME: dir,
        HELM_CONFIG_HOME: dir,
        HELM_DATA_HOME: dir,
      },
    });
    const stderr = r.stderr ?? "";
    const at = stderr.indexOf("Error:");
    return {
      ok: r.status === 0,
      stdout: r.stdout ?? "",
      error: at >= 0 ? stderr.slice(at).trimEnd() : stderr.trimEnd(),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
