/**
 * Release renders fanned out over worker threads, behind a synchronous call (the platform
 * loader is synchronous): the main thread and the workers claim jobs from one shared counter,
 * workers post outcomes on a port that the main thread drains with `receiveMessageOnPort`
 * while it waits on the counter with `Atomics.wait`. Each render is a pure function of its
 * job, so the output does not depend on the number of workers or on who rendered what; a job
 * whose outcome never arrives (a worker that died, a value that cannot travel) is rendered by
 * the main thread.
 *
 * Workers run the compiled worker.js beside this module (dist/helm/pool, or dist/bundle where
 * the bundle puts it); run from sources (tests), there is none and everything stays in-process.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { RenderCache } from "../../cache/store.js";
import type { Chart } from "../chart.js";
import { encodeChart, encodeGo, NotTransferable } from "./codec.js";
import { type ReleaseJob, type ReleaseOutcome, renderReleaseJob } from "./job.js";
import { type BatchMessage, NEXT_JOB, RESULTS_POSTED, type ResultMessage, type WireJob } from "./protocol.js";

export type { ApiVersionsReadData, ReleaseJob, ReleaseOutcome } from "./job.js";

/** Fewer jobs than this render in the main thread: starting a worker costs more than it saves. */
export const MIN_JOBS_FOR_WORKERS = 4;
const MAX_WORKERS = 3;
/** How long the main thread waits without any progress before rendering the rest itself. */
const STALL_MS = 120_000;

/** Workers to use: $SLIPWAY_WORKERS when set (0 = none), else one per core beyond the first. */
export function workerCount(env: NodeJS.ProcessEnv = process.env): number {
  const set = env.SLIPWAY_WORKERS;
  if (set !== undefined && set !== "") {
    const n = Number(set);
    return Number.isInteger(n) && n >= 0 ? Math.min(n, 16) : 0;
  }
  return Math.min(MAX_WORKERS, Math.max(0, availableParallelism() - 1));
}

interface PoolWorker {
  worker: Worker;
  port: MessagePort;
  sent: Set<number>;
}

const chartIds = new WeakMap<Chart, number>();
let nextChartId = 1;
let nextBatch = 1;
const workers: PoolWorker[] = [];

function chartId(chart: Chart): number {
  let id = chartIds.get(chart);
  if (id === undefined) chartIds.set(chart, (id = nextChartId++));
  return id;
}

function workerScript(): string | undefined {
  const url = new URL("./worker.js", import.meta.url);
  if (url.protocol !== "file:") return undefined;
  const file = fileURLToPath(url);
  return existsSync(file) ? file : undefined;
}

function ensureWorkers(n: number): PoolWorker[] {
  const script = workerScript();
  if (!script) return [];
  while (workers.length < n) {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(script, {
      workerData: { port: port2 },
      transferList: [port2],
      // Helm allows 1000 nested includes: give workers at least the main thread's stack.
      resourceLimits: { stackSizeMb: 8 },
    });
    // Idle workers never keep the process alive; a worker that fails is replaced next batch.
    worker.unref();
    const entry: PoolWorker = { worker, port: port1, sent: new Set() };
    worker.on("error", () => drop(entry));
    worker.on("exit", () => drop(entry));
    workers.push(entry);
  }
  return workers.slice(0, n);
}

function drop(entry: PoolWorker): void {
  const i = workers.indexOf(entry);
  if (i >= 0) workers.splice(i, 1);
}

/**
 * Starts the workers a batch of `expectedJobs` renders would use, ahead of it: a worker takes a
 * few hundred milliseconds to load its modules, which the caller hides behind its own work
 * (the platform loader: the Flux builds before the HelmReleases render). Does nothing when such
 * a batch would render in the main thread only, or the workers are running already.
 */
export function prestartWorkers(expectedJobs: number, threads = poolDefaults.threads ?? workerCount()): void {
  if (expectedJobs < MIN_JOBS_FOR_WORKERS || threads <= 0 || workers.length >= threads) return;
  ensureWorkers(threads);
}

/** Worker threads running now (for tests and benchmarks). */
export function runningWorkers(): number {
  return workers.length;
}

export interface PoolOptions {
  /** Workers helping the main thread (default: workerCount()). */
  threads?: number;
  /** false: the main thread only waits (tests use it to make the workers do every job). */
  mainRenders?: boolean;
  /** Parsed templates and compiled schemas kept between processes, in every thread (job.ts). */
  cache?: RenderCache;
}

/** How the last batch was shared out, and results from workers in all, for tests and benchmarks. */
export const lastBatch = { workers: 0, fromWorkers: 0 };
export const totals = { fromWorkers: 0 };

/** Defaults for calls that do not pass options (the platform loader's); tests change them. */
export const poolDefaults: PoolOptions = {};

const chartSizes = new WeakMap<Chart, number>();

/** A chart's template bytes, subcharts included: how long its renders take, roughly. */
function chartSize(chart: Chart): number {
  let size = chartSizes.get(chart);
  if (size === undefined) {
    size = 0;
    for (const t of chart.templates) size += t.data.length;
    for (const d of chart.dependencies) size += chartSize(d);
    chartSizes.set(chart, size);
  }
  return size;
}

/**
 * The order jobs are claimed in: the largest charts first (ties in job order), so that one long
 * render (kube-prometheus-stack's) does not start last and keep one thread busy while the others
 * are done. Outcomes stay in job order whoever renders what.
 */
export function claimOrder(jobs: ReadonlyArray<{ chart: Chart }>): number[] {
  const sizes = jobs.map(({ chart }) => chartSize(chart));
  return jobs.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
}

/**
 * Renders every job with its chart; outcomes in job order. `onOutcome`, when given, is called
 * once per job as its outcome is ready (in no particular order): the main thread finishes
 * what the workers rendered while they render the rest, instead of after the batch.
 */
export function renderReleases(
  jobs: ReadonlyArray<{ chart: Chart; job: ReleaseJob }>,
  opts: PoolOptions = {},
  onOutcome?: (index: number, outcome: ReleaseOutcome) => void,
): ReleaseOutcome[] {
  opts = { ...poolDefaults, ...opts };
  const threads = opts.threads ?? workerCount();
  lastBatch.workers = 0;
  lastBatch.fromWorkers = 0;
  const outcomes: Array<ReleaseOutcome | undefined> = new Array(jobs.length);
  const pool = jobs.length >= Math.max(MIN_JOBS_FOR_WORKERS, 1) && threads > 0 ? ensureWorkers(threads) : [];
  let wire: WireJob[] | undefined;
  if (pool.length > 0) {
    try {
      wire = jobs.map(({ chart, job }) => ({ ...job, chart: chartId(chart), values: encodeGo(job.values) }));
    } catch (e) {
      if (!(e instanceof NotTransferable)) throw e;
    }
  }
  const ready = (index: number, outcome: ReleaseOutcome) => {
    outcomes[index] = outcome;
    onOutcome?.(index, outcome);
  };
  if (!wire) {
    for (const [i, { chart, job }] of jobs.entries()) ready(i, renderReleaseJob(chart, job, opts.cache));
    return outcomes as ReleaseOutcome[];
  }

  const order = claimOrder(jobs);
  const shared = opts.cache?.shared?.();
  const counters = new Int32Array(new SharedArrayBuffer(8));
  const batch = nextBatch++;
  for (const w of pool) {
    // A worker keeps only the charts of its current batch (a long `serve` session loads
    // charts again and again); one still in use is not sent twice.
    const used = new Set(jobs.map(({ chart }) => chartId(chart)));
    const charts: BatchMessage["charts"] = [];
    for (const { chart } of jobs) {
      const id = chartId(chart);
      if (w.sent.has(id)) continue;
      w.sent.add(id);
      charts.push([id, encodeChart(chart)]);
    }
    for (const id of w.sent) if (!used.has(id)) w.sent.delete(id);
    const message: BatchMessage = { batch, counters, charts, keep: [...used], jobs: wire, order };
    if (shared) message.cache = shared;
    w.worker.postMessage(message);
  }
  let received = 0;
  const drain = () => {
    for (const w of pool) {
      for (let m = receiveMessageOnPort(w.port); m; m = receiveMessageOnPort(w.port)) {
        const r = m.message as ResultMessage;
        if (r.batch !== batch || outcomes[r.index] !== undefined || (!r.ok && r.retry)) continue;
        received++;
        lastBatch.fromWorkers++;
        totals.fromWorkers++;
        ready(
          r.index,
          r.ok
            ? {
                ok: true,
                release: r.release,
                apiVersionsRead: r.apiVersionsRead,
                ...(r.unvalidatedSchemaRef ? { unvalidatedSchemaRef: r.unvalidatedSchemaRef } : {}),
              }
            : { ok: false, error: r.error },
        );
      }
    }
  };
  // The main thread claims jobs too.
  lastBatch.workers = pool.length;
  let mine = 0;
  while (opts.mainRenders !== false) {
    const claim = Atomics.add(counters, NEXT_JOB, 1);
    if (claim >= jobs.length) break;
    const index = order[claim]!;
    const { chart, job } = jobs[index]!;
    mine++;
    ready(index, renderReleaseJob(chart, job, opts.cache));
    drain();
  }
  // Workers post before they count, so once every job is counted, one more drain sees them all.
  let idleSince = Date.now();
  for (;;) {
    const posted = Atomics.load(counters, RESULTS_POSTED);
    drain();
    if (posted + mine >= jobs.length || received + mine >= jobs.length) break;
    if (Date.now() - idleSince > STALL_MS) break;
    if (Atomics.wait(counters, RESULTS_POSTED, posted, 1000) !== "timed-out") idleSince = Date.now();
  }
  drain();
  // Whatever never arrived is rendered here: the same pure function, the same outcome.
  for (const [i, o] of outcomes.entries())
    if (o === undefined) ready(i, renderReleaseJob(jobs[i]!.chart, jobs[i]!.job, opts.cache));
  return outcomes as ReleaseOutcome[];
}
