import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { GoMap } from "../../src/helm/template/value.js";
import { readYaml } from "../../src/helm/yaml.js";
import { sharedDir } from "./env.js";

/**
 * The Helm conformance corpus's charts by the name in their Chart.yaml: what tests and
 * benchmarks use as a chart cache for the realworld repositories' HelmReleases.
 */
export function conformanceChartDirs(): Record<string, string> {
  const dir = path.join(sharedDir, "conformance/helm/charts");
  const out: Record<string, string> = {};
  for (const d of readdirSync(dir)) {
    const chart = readYaml(readFileSync(path.join(dir, d, "Chart.yaml"), "utf8")) as GoMap;
    out[String(chart.get("name"))] = path.join(dir, d);
  }
  return out;
}
