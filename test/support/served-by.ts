/**
 * What the chart-cache poisoning tests share (test/charts/mirror-poisoning, plain-http-key): one
 * chart, `app` 1.0.0, whose ConfigMap says which server served it, so a render tells two servers'
 * copies apart; and the CLI runs that pull into, and render from, one chart cache.
 */
import { chartsCommand } from "../../src/cli/charts.js";
import { renderCommand } from "../../src/cli/render.js";
import { captureOutput } from "./capture.js";
import { tgz } from "./tgz.js";

/** Chart `app` 1.0.0 (folder app/) whose one ConfigMap holds `servedBy`. */
export function servedByChart(servedBy: string): Uint8Array {
  return tgz([
    ["app/Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.0.0\n"],
    [
      "app/templates/cm.yaml",
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  servedBy: ${servedBy}\n`,
    ],
  ]);
}

/** `slipway charts pull` of `repo` into `cache`: one try, JSON. */
export const pullInto = (repo: string, cache: string) =>
  captureOutput(() =>
    chartsCommand(["pull", repo, "--cache-dir", cache, "--retries", "0", "--format", "json"]),
  );

/** `slipway render` of `repo`, its charts from `cache`. */
export const renderFrom = (repo: string, cache: string) =>
  captureOutput(() => renderCommand([repo, "--cache-dir", cache]));

/**
 * Sets SLIPWAY_NO_CACHE for a file's tests, so that no render is kept and each render reads the
 * chart cache; returns what puts the variable back.
 */
export function keepNoRenders(): () => void {
  const before = process.env.SLIPWAY_NO_CACHE;
  process.env.SLIPWAY_NO_CACHE = "1";
  return () => {
    if (before === undefined) delete process.env.SLIPWAY_NO_CACHE;
    else process.env.SLIPWAY_NO_CACHE = before;
  };
}
