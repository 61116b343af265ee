/**
 * Release renders fanned out over worker threads, behind a synchronous call (the platform
 * loader is synchronous): workers claim jobs from the front of a shared claim order, and the
 * main thread from its back (the small charts: a thread cold for templates pays for compiling
 * the template engine and parsing each chart again; see PoolOptions.mainRenders); workers post
 * outcomes on a port that the main thread drains with `receiveMessageOnPort`, finishing each
 * as it arrives, while it waits with `Atomics.wait`. Each render is a pure function of its
 * job, so the output does not depend on the number of workers or on who rendered what; a job
 * whose outcome never arrives (a worker that died, a value that cannot travel) is rendered by
 * the main thread. A worker sends each render with the objects of its manifests, parsed there
 * (manifest-objects.ts), so the main thread does not parse the YAML again.
 *
 * Workers run the compiled worker.js beside this module (dist/helm/pool, or dist/bundle where
 * the bundle puts it); run from sources (tests), there is none and everything stays in-process.
 *
 * A render may also start ahead of its batch (renderAhead: the platform loader starts releases
 * whose chart and values are known while Flux builds still run): a one-job batch that a worker
 * claims when it gets to it. The batch that needs it later either takes the job back (not
 * claimed yet: rendered with the batch) or waits for the worker's outcome, which it uses only
 * when the caller accepts it as the outcome its own job would have (see renderReleases); one
 * it does not use joins the batch when it arrived before the batch was shared out.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { MessagePort, Worker } from "node:worker_threads";
import type { RenderCache } from "../../cache/store.js";
import { workerThreadsModule } from "../../fs/lazy-modules.js";
import { doIdleWork } from "../../idle-work.js";
import type { Chart } from "../chart.js";
import { helmEngine } from "../engine-access.js";
import type { ParsePersistence } from "../persisted-parse.js";
import { decodeRelease, encodeChart, encodeGo, NotTransferable } from "./codec.js";
import type { ReleaseJob, ReleaseOutcome } from "./job.js";
import { bundledLaunch } from "./launch.js";
import {
  type BatchMessage,
  claimBack,
  NEXT_JOB,
  POSTED,
  RETIRE,
  type ResultMessage,
  type WireJob,
  WORKER_EXITS,
} from "./protocol.js";
import { spareCoreIdle } from "./spare-core.js";

export type { ApiVersionsReadData, ReleaseJob, ReleaseOutcome } from "./job.js";
export { manifestObjects, sentManifestObjects } from "./manifest-objects.js";

/**
 * Fewer jobs than this render in the main thread unless a warm worker runs: starting a worker
 * costs more than it saves.
 */
export const MIN_JOBS_FOR_WORKERS = 4;
const MAX_WORKERS = 3;
/** How long the main thread waits without any progress before rendering the rest itself. */
const STALL_MS = 120_000;

/** True once a worker has posted a render in this process: its template engine is compiled. */
function workersWarm(): boolean {
  return Atomics.load(posted, POSTED) - Atomics.load(posted, WORKER_EXITS) > 0;
}

/**
 * Workers to use: $SLIPWAY_WORKERS when set (0 = none), else one per core beyond the first on
 * machines with more than two cores, and on two cores one only while the second core is idle
 * (spare-core.ts). On two cores V8's own background threads (concurrent TurboFan compiles and
 * marking, shared by every isolate of the process) already keep part of the second core busy,
 * and a worker's isolate compiles the template engine again: it pays only where nothing else
 * wants that core. Thread CPU of the cold check of bjw-s home-ops (/proc/self/task at exit): no
 * worker, main ~1,500 ms and V8's four threads ~400; one worker (the main thread rendering beside
 * it: mainRenders), main ~1,100, worker ~730, V8 ~480.
 */
export function workerCount(
  env: NodeJS.ProcessEnv = process.env,
  cores = availableParallelism(),
  spare: () => boolean = spareCoreIdle,
): number {
  const set = env.SLIPWAY_WORKERS;
  if (set !== undefined && set !== "") {
    const n = Number(set);
    return Number.isInteger(n) && n >= 0 ? Math.min(n, 16) : 0;
  }
  if (cores <= 1) return 0;
  if (cores === 2) return spare() ? 1 : 0;
  return Math.min(MAX_WORKERS, cores - 1);
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
/**
 * What the main thread waits on: [POSTED] is bumped and notified by every worker after each
 * result it posts, [WORKER_EXITS] by a worker that exits (an uncaught error, say) — the job it had
 * claimed will never be posted, and the main thread blocked in Atomics.wait cannot see the
 * worker's exit event.
 */
const posted = new Int32Array(new SharedArrayBuffer(8));
/**
 * Faults of workers started from now on (tests of the recovery): crash on their first claim, or
 * give every claimed job back as a result that could not be sent would be.
 */
export const workerFaults = { crashOnClaim: false, giveBackOnClaim: false };

/**
 * A render started ahead of the batch that needs it (renderAhead). Its outcome arrives on a
 * worker's port; until then the batch may take the job back (takeBack) if no worker started it.
 */
export interface AheadRender {
  readonly chart: Chart;
  readonly job: ReleaseJob;
  /** The worker's outcome once received; `null`: none will come (the worker could not render it). */
  outcome?: ReleaseOutcome | null;
}

interface AheadEntry extends AheadRender {
  batch: number;
  counters: Int32Array;
}

/** Renders started ahead whose outcome is still wanted, by batch id. */
const ahead = new Map<number, AheadEntry>();

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
    // node:worker_threads costs a process ~2 ms to load: only a run that starts a worker loads it.
    const { MessageChannel, Worker } = workerThreadsModule();
    const { port1, port2 } = new MessageChannel();
    // From the bundle with a code cache: through the bundle loader (launch.ts); else Node loads it.
    const bundled = bundledLaunch(script);
    const worker = new Worker(bundled?.entry ?? script, {
      workerData: {
        port: port2,
        posted,
        ...(bundled ? { bundle: bundled.data } : {}),
        ...(workerFaults.crashOnClaim ? { crashOnClaim: true } : {}),
        ...(workerFaults.giveBackOnClaim ? { giveBackOnClaim: true } : {}),
      },
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

/**
 * Ends the running workers, for a caller that renders nothing more (a `check` once its platform
 * is loaded): a worker's thread then frees its isolate while the caller works on, instead of at
 * the process's exit, which waits for each thread it ends to free its heap (tens of MB after
 * the renders of a repository). Each worker ends itself once it has written what its renders
 * left to write (after its last result it may still be writing: RETIRE). Renders started ahead
 * that no worker has posted are rendered by the batch that takes them; a later batch starts
 * workers again.
 */
export function retireWorkers(): void {
  for (const entry of ahead.values()) if (entry.outcome === undefined) entry.outcome = null;
  for (const { worker } of workers.splice(0)) worker.postMessage(RETIRE);
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

/**
 * Starts rendering `job` on a worker now, ahead of the batch that will need it (the worker
 * renders it when it gets to it, in the order started). Undefined when no worker runs (none is
 * started for it: prestartWorkers decides that) or the values cannot travel.
 */
export function renderAhead(chart: Chart, job: ReleaseJob, opts: PoolOptions = {}): AheadRender | undefined {
  opts = { ...poolDefaults, ...opts };
  const threads = opts.threads ?? workerCount();
  if (threads <= 0 || workers.length === 0 || opts.ahead === false) return undefined;
  let wire: WireJob;
  try {
    wire = { ...job, chart: chartId(chart), values: encodeGo(job.values) };
  } catch (e) {
    if (!(e instanceof NotTransferable)) throw e;
    return undefined;
  }
  const entry: AheadEntry = {
    chart,
    job,
    batch: nextBatch++,
    counters: new Int32Array(new SharedArrayBuffer(8)),
  };
  const shared = opts.cache?.shared?.();
  // Every worker gets it; the first to claim it renders it, the others skip it.
  for (const w of workers.slice(0, threads)) {
    const id = wire.chart;
    const charts: BatchMessage["charts"] = w.sent.has(id) ? [] : [[id, encodeChart(chart)]];
    w.sent.add(id);
    const message: BatchMessage = {
      batch: entry.batch,
      counters: entry.counters,
      charts,
      keep: [...w.sent],
      jobs: [wire],
      order: [0],
    };
    if (shared) message.cache = shared;
    w.worker.postMessage(message);
  }
  ahead.set(entry.batch, entry);
  return entry;
}

/**
 * Takes back a render started ahead: true when no worker had started it (none will), so the
 * caller renders it; false when a worker has it (its outcome arrives as `outcome`).
 */
export function takeBack(render: AheadRender): boolean {
  const entry = render as AheadEntry;
  const mine =
    entry.outcome === undefined ? Atomics.add(entry.counters, NEXT_JOB, 1) === 0 : entry.outcome === null;
  if (mine) ahead.delete(entry.batch);
  return mine;
}

/** Forgets a render started ahead that no batch needs: not rendered if no worker started it. */
export function dropAhead(render: AheadRender): void {
  const entry = render as AheadEntry;
  if (entry.outcome === undefined) Atomics.add(entry.counters, NEXT_JOB, 1);
  ahead.delete(entry.batch);
}

/** The next message on a worker's port, if one is there (worker_threads is loaded by then). */
function receive(port: MessagePort): { message: unknown } | undefined {
  return workerThreadsModule().receiveMessageOnPort(port);
}

/** Every result posted so far, of renders started ahead (others are of abandoned batches). */
function receiveAll(): void {
  for (const w of workers)
    for (let m = receive(w.port); m; m = receive(w.port)) receiveAhead(m.message as ResultMessage);
}

/** Results of renders started ahead that have arrived, kept on their entries. */
function receiveAhead(r: ResultMessage): void {
  const entry = ahead.get(r.batch);
  if (!entry || entry.outcome !== undefined) return;
  entry.outcome = r.ok
    ? {
        ok: true,
        release: decodeRelease(entry.chart, r.release),
        apiVersionsRead: r.apiVersionsRead,
        ...(r.unvalidatedSchemaRef ? { unvalidatedSchemaRef: r.unvalidatedSchemaRef } : {}),
      }
    : r.retry
      ? null
      : { ok: false, error: r.error };
}

/** Worker threads running now (for tests and benchmarks). */
export function runningWorkers(): number {
  return workers.length;
}

export interface PoolOptions {
  /** Workers helping the main thread (default: workerCount()). */
  threads?: number;
  /**
   * Whether the main thread renders jobs of a batch besides the workers (mainClaims). Default:
   * in a batch of MIN_JOBS_FOR_WORKERS jobs or more, and in a smaller one only while no worker
   * is warm. A thread that has not rendered before pays two to three times what a warm one
   * does for a render (its JIT compiles the template engine again, its first render of a chart
   * parses the templates again), which is why it claims the small charts; but a main thread
   * that only waits overlaps nothing: in the cold check of bjw-s home-ops with one worker, the
   * worker renders ~15 releases while the Flux builds run, then the main thread waited ~600 ms
   * while the worker rendered the other 29 one after the other (thread CPU: main ~920 ms,
   * worker ~870). Claiming from the back, the main thread renders ~15 of them (main ~1,100 ms,
   * worker ~730) and the two finish together. A small batch (external-secrets again once
   * kube-prometheus-stack's CRDs are known) goes to the warm worker alone: ~10 ms there
   * against ~50 ms here. true: always; false: never (tests use it to make the workers do
   * every job).
   */
  mainRenders?: boolean;
  /** Parsed templates and compiled schemas kept between processes, in every thread (job.ts). */
  cache?: RenderCache;
  /**
   * When the main thread's renders store a chart's parse in `cache` (persisted-parse.ts); a
   * worker stores its parses at once (it renders what it is given, and outputs are the same).
   */
  parses?: ParsePersistence;
  /** false: renderAhead starts nothing (tests compare runs with and without). */
  ahead?: boolean;
  /** false: a batch never takes back a render started ahead, it waits for a worker's (tests). */
  takeBack?: boolean;
}

/** How the last batch was shared out, and results from workers in all, for tests and benchmarks. */
export const lastBatch = { workers: 0, fromWorkers: 0 };
/** `stalls`: batches that waited STALL_MS for a result and gave up on it. */
export const totals = { fromWorkers: 0, aheadUsed: 0, aheadRejected: 0, workersLost: 0, stalls: 0 };

/**
 * Whether the main thread claims (another) job of a `jobs`-job batch it shares with workers
 * (PoolOptions.mainRenders; `warm`: whether a worker has rendered in this process).
 */
export function mainClaims(mainRenders: boolean | undefined, jobs: number, warm: () => boolean): boolean {
  return mainRenders ?? (jobs >= MIN_JOBS_FOR_WORKERS || !warm());
}

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
 * are done. Workers claim from the front and the main thread from the back (protocol.ts
 * claimBack): the main thread, cold for templates after the Flux builds, rendered
 * kube-prometheus-stack first in ~700 ms while a warm worker needs ~200. Outcomes stay in job
 * order whoever renders what.
 */
export function claimOrder(jobs: ReadonlyArray<{ chart: Chart }>): number[] {
  const sizes = jobs.map(({ chart }) => chartSize(chart));
  return jobs.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
}

/** One render of a batch; `ahead`: the same render started ahead (renderAhead). */
export interface PoolJob {
  chart: Chart;
  job: ReleaseJob;
  /**
   * A worker's outcome of `render` is this job's outcome when `accepts` says so (the caller
   * knows when a job that differs, say in API versions the render did not look at, renders
   * the same); otherwise, or when `render` never started, the job is rendered here.
   */
  ahead?: { render: AheadRender; accepts(outcome: ReleaseOutcome): boolean };
}

/**
 * Renders every job with its chart; outcomes in job order. `onOutcome`, when given, is called
 * once per job as its outcome is ready (in no particular order): the main thread finishes
 * what the workers rendered while they render the rest, instead of after the batch.
 */
export function renderReleases(
  jobs: ReadonlyArray<PoolJob>,
  opts: PoolOptions = {},
  onOutcome?: (index: number, outcome: ReleaseOutcome) => void,
): ReleaseOutcome[] {
  opts = { ...poolDefaults, ...opts };
  const threads = opts.threads ?? workerCount();
  lastBatch.workers = 0;
  lastBatch.fromWorkers = 0;
  const outcomes: Array<ReleaseOutcome | undefined> = new Array(jobs.length);
  const ready = (index: number, outcome: ReleaseOutcome) => {
    outcomes[index] = outcome;
    onOutcome?.(index, outcome);
  };
  const renderHere = (i: number) =>
    ready(i, helmEngine().renderReleaseJob(jobs[i]!.chart, jobs[i]!.job, opts.cache, opts.parses));
  // A worker that dies from now on had claimed a job of this batch, or a render started ahead.
  const diedBefore = Atomics.load(posted, WORKER_EXITS);
  // Renders started ahead that a worker has: their outcomes are awaited; the rest join the batch.
  receiveAll();
  let awaited: number[] = [];
  const local: number[] = [];
  for (const [i, j] of jobs.entries())
    (j.ahead && (opts.takeBack === false || !takeBack(j.ahead.render)) ? awaited : local).push(i);
  const fromWorker = () => {
    lastBatch.fromWorkers++;
    totals.fromWorkers++;
  };
  /** `batched`: where a job whose render is not used goes when the batch is not shared out yet. */
  const settleAhead = (batched?: number[]) => {
    if (awaited.length === 0) return;
    awaited = awaited.filter((i) => {
      const { render, accepts } = jobs[i]!.ahead!;
      const o = render.outcome;
      if (o === undefined) return true;
      dropAhead(render);
      if (o !== null && accepts(o)) {
        fromWorker();
        totals.aheadUsed++;
        ready(i, o);
      } else {
        if (o !== null) totals.aheadRejected++;
        if (batched) batched.push(i);
        else renderHere(i);
      }
      return false;
    });
  };
  // A render started ahead that is not this job's (external-secrets in the cold check of bjw-s
  // home-ops: started before the builds had found every CRD, it reads the whole API version
  // list) renders with the batch, where the worker that rendered its chart before claims it:
  // rendered here at once, the main thread paid ~50 ms for a chart its template engine had
  // never seen, against ~15 ms in the worker.
  settleAhead(local);
  local.sort((a, b) => a - b);

  // A small batch goes to workers that run and are warm: the main thread would compile the
  // template engine and parse the chart for it (bjw-s home-ops' second pass, external-secrets
  // again once kube-prometheus-stack's CRDs are known: ~50 ms of main-thread CPU against ~10 ms
  // in the worker that rendered it before). No worker is started for one.
  const pool =
    threads <= 0
      ? []
      : local.length >= Math.max(MIN_JOBS_FOR_WORKERS, 1)
        ? ensureWorkers(threads)
        : local.length > 0 && workersWarm()
          ? workers.slice(0, threads)
          : [];
  let wire: WireJob[] | undefined;
  if (pool.length > 0) {
    try {
      wire = local.map((i) => {
        const { chart, job } = jobs[i]!;
        return { ...job, chart: chartId(chart), values: encodeGo(job.values) };
      });
    } catch (e) {
      if (!(e instanceof NotTransferable)) throw e;
    }
  }
  // Batch indexes (positions in `local`) of the jobs not rendered yet.
  let batch = 0;
  // Jobs a worker claimed and gave back (a result that could not travel): rendered here as soon
  // as that is known, not when the batch stalls (STALL_MS) waiting for a result that never comes.
  const retried: number[] = [];
  const drain = () => {
    for (const w of workers) {
      for (let m = receive(w.port); m; m = receive(w.port)) {
        const r = m.message as ResultMessage;
        if (r.batch !== batch) {
          receiveAhead(r);
          continue;
        }
        const index = local[r.index]!;
        if (outcomes[index] !== undefined) continue;
        if (!r.ok && r.retry) {
          retried.push(index);
          continue;
        }
        fromWorker();
        ready(
          index,
          r.ok
            ? {
                ok: true,
                release: decodeRelease(jobs[index]!.chart, r.release),
                apiVersionsRead: r.apiVersionsRead,
                ...(r.unvalidatedSchemaRef ? { unvalidatedSchemaRef: r.unvalidatedSchemaRef } : {}),
              }
            : { ok: false, error: r.error },
        );
      }
    }
    settleAhead();
    for (let i = retried.pop(); i !== undefined; i = retried.pop())
      if (outcomes[i] === undefined) renderHere(i);
  };
  if (!wire) {
    for (const i of local) {
      renderHere(i);
      drain();
    }
  } else {
    const localJobs = local.map((i) => jobs[i]!);
    const order = claimOrder(localJobs);
    const shared = opts.cache?.shared?.();
    const counters = new Int32Array(new SharedArrayBuffer(8));
    batch = nextBatch++;
    for (const w of pool) {
      // A worker keeps only the charts of its current batch (a long `serve` session loads
      // charts again and again); one still in use is not sent twice.
      const used = new Set(localJobs.map(({ chart }) => chartId(chart)));
      const charts: BatchMessage["charts"] = [];
      for (const { chart } of localJobs) {
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
    // The main thread claims jobs too, from the back (see mainRenders).
    lastBatch.workers = pool.length;
    while (mainClaims(opts.mainRenders, order.length, workersWarm)) {
      const claim = claimBack(counters, order.length);
      if (claim === undefined) break;
      renderHere(local[order[claim]!]!);
      drain();
      // One step of work due later anyway (idle-work.ts) between renders: the worker claims the
      // renders it leaves, and the step is not left for the end of the run, when the worker idles.
      doIdleWork();
    }
  }
  // Workers post before they signal, so a drain after the signal sees what was posted.
  const done = () => awaited.length === 0 && local.every((i) => outcomes[i] !== undefined);
  let idleSince = Date.now();
  for (;;) {
    const seen = Atomics.load(posted, POSTED);
    drain();
    if (done()) break;
    if (Atomics.load(posted, WORKER_EXITS) !== diedBefore) {
      totals.workersLost++;
      break;
    }
    if (Date.now() - idleSince > STALL_MS) {
      totals.stalls++;
      break;
    }
    // Work due later anyway (idle-work.ts) instead of blocking, one short step per look.
    if (doIdleWork()) continue;
    if (Atomics.wait(posted, POSTED, seen, 1000) !== "timed-out") idleSince = Date.now();
  }
  // Whatever never arrived is rendered here: the same pure function, the same outcome. After a
  // worker died, the others may still be rendering: what they post meanwhile is taken.
  for (const i of awaited) dropAhead(jobs[i]!.ahead!.render);
  awaited = [];
  for (const i of outcomes.keys()) {
    if (outcomes[i] !== undefined) continue;
    renderHere(i);
    drain();
  }
  return outcomes as ReleaseOutcome[];
}
