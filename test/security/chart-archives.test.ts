/**
 * Chart archives come from a repository's charts/ directories and from registries: hostile ones
 * must fail to load with an error naming them, within bounded memory.
 */
import { describe, expect, it } from "vitest";
import { loadChartArchiveBytes, MAX_CHART_SIZE, MAX_CHART_TREE_SIZE } from "../../src/helm/loader.js";
import { tgz } from "../support/tgz.js";

describe("archives nested in a chart archive", () => {
  // Each archive may decompress to Helm's 100 MiB, and a 100 KB subchart archive can hold that
  // much: a 24 KB chart of a dozen such subcharts took 2.4 GB (and more of them, all memory).
  // The chart with its subcharts shares one budget.
  const sub = (i: number) =>
    tgz([
      [`sub${i}/Chart.yaml`, `apiVersion: v2\nname: sub${i}\nversion: 0.1.0\n`],
      [`sub${i}/files/big`, "#".repeat(400 * 1024)],
    ]);
  const top = (n: number) =>
    tgz([
      ["top/Chart.yaml", "apiVersion: v2\nname: top\nversion: 0.1.0\n"],
      ...Array.from({ length: n }, (_, i): [string, Uint8Array] => [`top/charts/sub${i}.tgz`, sub(i)]),
    ]);

  it("share one budget: past it the chart fails to load, naming it", () => {
    const budget = { remaining: 1024 * 1024 };
    expect(loadChartArchiveBytes(top(2), "top.tgz", undefined, budget).dependencies).toHaveLength(2);
    expect(() => loadChartArchiveBytes(top(3), "top.tgz", undefined, { remaining: 1024 * 1024 })).toThrow(
      /subchart sub2\.tgz in top: .*with its subcharts is larger than \d+ bytes/,
    );
  });

  it("the default budget is Slipway's limit for a chart with its subcharts", () => {
    expect(MAX_CHART_TREE_SIZE).toBeGreaterThanOrEqual(MAX_CHART_SIZE);
    expect(MAX_CHART_TREE_SIZE).toBeLessThanOrEqual(4 * MAX_CHART_SIZE);
  });
});
