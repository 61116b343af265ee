/**
 * One release render as a unit of work that runs the same in the main thread and in a worker:
 * the render options that decide the output (nothing that depends on the thread), and an
 * outcome that is data (an error becomes its formatted text), so where it ran cannot show.
 */
import type { RenderCache } from "../../cache/store.js";
import { SlipwayError } from "../../errors.js";
import type { ApiVersionsRead } from "../capabilities.js";
import type { Chart } from "../chart.js";
import type { ParsePersistence } from "../persisted-parse.js";
import { type RenderedRelease, renderChart } from "../render.js";
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
      /** How the render looked at `.Capabilities.APIVersions` (ApiVersionsRead, as data). */
      apiVersionsRead: ApiVersionsReadData;
    }
  | { ok: false; error: string };

/** ApiVersionsRead as it travels from a worker and into the render cache. */
export interface ApiVersionsReadData {
  whole: boolean;
  has: string[];
}

/**
 * `cache`: where parsed templates and compiled schemas are kept between processes (as `helm
 * template` keeps them); it changes how long a render takes, never what it gives.
 */
export function renderReleaseJob(
  chart: Chart,
  job: ReleaseJob,
  cache?: RenderCache,
  parses?: ParsePersistence,
): ReleaseOutcome {
  const read: ApiVersionsRead = { whole: false, has: new Set() };
  const readData = (): ApiVersionsReadData => ({ whole: read.whole, has: [...read.has].sort() });
  // helm-controller fetches schemas a values.schema.json refers to; offline, Slipway renders
  // without validating and says so (the chart's own template checks still run). The render goes
  // on past such a schema instead of starting again without validation: app-template's schema is
  // a reference to its library's schema on GitHub, so every one of its renders met one.
  let unvalidatedSchemaRef: string | undefined;
  try {
    const release = renderChart(chart, {
      releaseName: job.releaseName,
      namespace: job.namespace,
      values: job.values,
      ...(job.kubeVersion ? { kubeVersion: job.kubeVersion } : {}),
      apiVersions: job.apiVersions,
      skipSchemaValidation: job.skipSchemaValidation,
      onRemoteSchemaRef: (url) => {
        unvalidatedSchemaRef = url;
      },
      seed: job.seed,
      now: job.now,
      apiVersionsRead: read,
      // Every manifest is parsed again into its objects, from the sort's scans: by the platform
      // (releaseObjects) in the main thread, before the render is sent in a worker
      // (manifest-objects.ts).
      keepScans: true,
      ...(cache ? { cache } : {}),
      ...(parses ? { parses } : {}),
    });
    return {
      ok: true,
      release,
      ...(unvalidatedSchemaRef !== undefined ? { unvalidatedSchemaRef } : {}),
      apiVersionsRead: readData(),
    };
  } catch (e) {
    return { ok: false, error: e instanceof SlipwayError ? e.format() : (e as Error).message };
  }
}
