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
/**
 * The message that ends a worker (index.ts retireWorkers): it finishes writing what its renders
 * left to write, then exits, without counting as a worker that died (WORKER_EXITS).
 */
export const RETIRE = "retire";

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

/**
 * Claims are taken from both ends of a batch's claim order: workers from the front (the largest
 * charts), the main thread from the back (the smallest), so the two meet in the middle and the
 * thread that is cold for templates (the main thread: it ran the Flux builds) does the cheap
 * renders. NEXT_JOB holds both counts in one word (front in the low 16 bits, back above) so one
 * compare-and-swap decides every claim. `Atomics.add(counters, NEXT_JOB, 1)` is a front claim
 * too (renders started ahead are taken back that way).
 */
const BACK_UNIT = 0x10000;
/** Batches this long are claimed from the front only (the counts would not fit in a word). */
export const MAX_TWO_ENDED = 0x7fff;

/** The next job index from the front of an `n`-job claim order, or undefined when all are claimed. */
export function claimFront(counters: Int32Array, n: number): number | undefined {
  if (n > MAX_TWO_ENDED) {
    const claim = Atomics.add(counters, NEXT_JOB, 1);
    return claim < n ? claim : undefined;
  }
  for (;;) {
    const word = Atomics.load(counters, NEXT_JOB);
    const front = word & 0xffff;
    if (front + (word >>> 16) >= n) return undefined;
    if (Atomics.compareExchange(counters, NEXT_JOB, word, word + 1) === word) return front;
  }
}

/** True when every job of an `n`-job claim order is claimed (by any thread). */
export function allClaimed(counters: Int32Array, n: number): boolean {
  const word = Atomics.load(counters, NEXT_JOB);
  return n > MAX_TWO_ENDED ? word >= n : (word & 0xffff) + (word >>> 16) >= n;
}

/** The next job index from the back of an `n`-job claim order (front-only batches: the front). */
export function claimBack(counters: Int32Array, n: number): number | undefined {
  if (n > MAX_TWO_ENDED) return claimFront(counters, n);
  for (;;) {
    const word = Atomics.load(counters, NEXT_JOB);
    const back = word >>> 16;
    if ((word & 0xffff) + back >= n) return undefined;
    if (Atomics.compareExchange(counters, NEXT_JOB, word, word + BACK_UNIT) === word) return n - 1 - back;
  }
}

/** Slots of the process-wide Int32Array every worker shares with the main thread (index.ts). */
export const POSTED = 0;
export const WORKER_EXITS = 1;
