/**
 * One release render as a unit of work that runs the same in the main thread and in a worker:
 * the render options that decide the output (nothing that depends on the thread), and an
 * outcome that is data (an error becomes its formatted text), so where it ran cannot show.
 */
import { SlipwayError } from "../../errors.js";
import type { Chart } from "../chart.js";
import { type RenderedRelease, renderChart } from "../render.js";
import { SchemaError } from "../schema.js";
import type { GoMap } from "../template/value.js";

export interface ReleaseJob {
  releaseName: string;
  namespace: string;
  values: GoMap;
  kubeVersion?: string;
  apiVersions: string[];
  skipSchemaValidation: boolean;
  seed: string;
  now: number;
}

export type ReleaseOutcome =
  | {
      ok: true;
      release: RenderedRelease;
      /** A values.schema.json that refers to a remote schema: rendered without validation. */
      unvalidatedSchemaRef?: string;
    }
  | { ok: false; error: string };

export function renderReleaseJob(chart: Chart, job: ReleaseJob): ReleaseOutcome {
  const render = (skipSchemaValidation: boolean) =>
    renderChart(chart, {
      releaseName: job.releaseName,
      namespace: job.namespace,
      values: job.values,
      ...(job.kubeVersion ? { kubeVersion: job.kubeVersion } : {}),
      apiVersions: job.apiVersions,
      skipSchemaValidation,
      seed: job.seed,
      now: job.now,
    });
  try {
    try {
      return { ok: true, release: render(job.skipSchemaValidation) };
    } catch (e) {
      // helm-controller fetches schemas a values.schema.json refers to; offline, Slipway renders
      // without validating and says so (the chart's own template checks still run).
      const remote =
        e instanceof SchemaError ? /failing loading "([^"]+)": Slipway does not fetch/.exec(e.message) : null;
      if (!remote?.[1]) throw e;
      return { ok: true, release: render(true), unvalidatedSchemaRef: remote[1] };
    }
  } catch (e) {
    return { ok: false, error: e instanceof SlipwayError ? e.format() : (e as Error).message };
  }
}
