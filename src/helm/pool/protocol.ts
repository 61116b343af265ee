/** Messages between the render pool and its workers (see index.ts for the protocol). */
import type { SharedCacheLocation } from "../../cache/store.js";
import type { WireChart, WireRelease, WireValue } from "./codec.js";
import type { ApiVersionsReadData, ReleaseJob } from "./job.js";

export interface WireJob extends Omit<ReleaseJob, "values"> {
  chart: number;
  values: WireValue;
}

/** Main → worker: the whole batch; charts by id, sent once while the worker keeps them. */
export interface BatchMessage {
  /** Results carry it back, so a late result of an abandoned batch is never taken for another's. */
  batch: number;
  /** NEXT_JOB and RESULTS_POSTED, shared with the main thread. */
  counters: Int32Array;
  charts: Array<[number, WireChart]>;
  /** Every chart id the batch uses: the worker forgets the others. */
  keep: number[];
  jobs: WireJob[];
  /** Job indexes in the order they are claimed (the largest charts first). */
  order: number[];
  /** The persistent cache the worker opens for parsed templates and compiled schemas. */
  cache?: SharedCacheLocation;
}

/** Worker → main: one result, by job index. */
export type ResultMessage = { batch: number; index: number } & (
  | {
      ok: true;
      /** decodeRelease with the job's chart gives the render. */
      release: WireRelease;
      unvalidatedSchemaRef?: string;
      apiVersionsRead: ApiVersionsReadData;
    }
  | { ok: false; error: string; retry?: boolean }
);

/** Slots of the shared Int32Array. */
export const NEXT_JOB = 0;
export const RESULTS_POSTED = 1;

/** Slots of the process-wide Int32Array every worker shares with the main thread (index.ts). */
export const POSTED = 0;
export const WORKER_EXITS = 1;
