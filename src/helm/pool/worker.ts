/**
 * A render worker: keeps the charts of the current batch (by id; the main thread sends each
 * chart only while the worker does not hold it), claims
 * jobs of a batch from the shared counter, and posts each outcome back on its port.
 */
import { type MessagePort, parentPort, resourceLimits, workerData } from "node:worker_threads";
import { flushWrites } from "../../cache/pack-writes.js";
import { DiskRenderCache, type RenderCache } from "../../cache/store.js";
import type { Chart } from "../chart.js";
import { keepParsesIn } from "../persisted-parse.js";
import { setStackSizeKb } from "../template/stack-budget.js";
import type { GoMap } from "../template/value.js";
import { decodeChart, decodeGo, encodeRelease, type WireChart } from "./codec.js";
import { renderReleaseJob } from "./job.js";
import {
  allClaimed,
  type BatchMessage,
  claimFront,
  POSTED,
  RESULTS_POSTED,
  RETIRE,
  type ResultMessage,
  WORKER_EXITS,
} from "./protocol.js";

// A worker's stack is its resourceLimits' (Node keeps 192 KB of it), not node's --stack-size.
setStackSizeKb((resourceLimits.stackSizeMb ?? 4) * 1024 - 192);

const { port, posted, crashOnClaim, giveBackOnClaim } = workerData as {
  port: MessagePort;
  posted?: Int32Array;
  crashOnClaim?: boolean;
  giveBackOnClaim?: boolean;
};
// The main thread waits on `posted` in Atomics.wait and cannot see this worker's exit event: a
// worker that exits (an uncaught error) says so there, so the jobs it claimed are rendered there.
let retiring = false;
process.on("exit", () => {
  if (!posted || retiring) return;
  Atomics.add(posted, WORKER_EXITS, 1);
  Atomics.add(posted, POSTED, 1);
  Atomics.notify(posted, POSTED);
});
const charts = new Map<number, Chart>();
/**
 * The persistent cache of the last batch that named one (a worker serves one process). Its
 * entries go into one pack per unit when the batch is done: the process may end this thread
 * without waiting for its exit.
 */
let cache: { dir: string; code: string; store: DiskRenderCache } | undefined;

function cacheOf(batch: BatchMessage): RenderCache | undefined {
  const at = batch.cache;
  if (!at) return undefined;
  if (cache?.dir !== at.dir || cache.code !== at.code)
    cache = { ...at, store: new DiskRenderCache(at.dir, at.code, { deferWrites: true }) };
  return cache.store;
}

/** The stores charts keep their parses in (the chart cache's derived store), by location. */
const parseStores = new Map<string, DiskRenderCache>();

/** `chart` as the main thread has it: with the store its parses are kept in (codec.ts WireChart.parses). */
function withParseStore(chart: Chart, wire: WireChart): Chart {
  const at = wire.parses;
  if (at === undefined) return chart;
  const id = JSON.stringify([at.dir, at.code, at.root ?? ""]);
  let store = parseStores.get(id);
  if (store === undefined) {
    store = new DiskRenderCache(at.dir, at.code, {
      deferWrites: true,
      ...(at.root ? { root: at.root } : {}),
    });
    parseStores.set(id, store);
  }
  keepParsesIn(chart, store);
  return chart;
}

parentPort?.on("message", (batch: BatchMessage | typeof RETIRE) => {
  if (batch === RETIRE) {
    // Messages come in order: every batch before this one is done, its writes too.
    retiring = true;
    flushWrites();
    process.exit(0);
  }
  const keep = new Set(batch.keep);
  for (const id of charts.keys()) if (!keep.has(id)) charts.delete(id);
  for (const [id, wire] of batch.charts) charts.set(id, withParseStore(decodeChart(wire), wire));
  const { counters } = batch;
  const store = cacheOf(batch);
  for (;;) {
    const claim = claimFront(counters, batch.order.length);
    if (claim === undefined) break;
    if (crashOnClaim) throw new Error("render worker: crash injected by a test");
    const index = batch.order[claim]!;
    const job = batch.jobs[index]!;
    const chart = charts.get(job.chart);
    let message: ResultMessage;
    if (!chart) {
      message = { batch: batch.batch, index, ok: false, error: "render worker: no such chart", retry: true };
    } else if (giveBackOnClaim) {
      message = {
        batch: batch.batch,
        index,
        ok: false,
        error: "render worker: given back by a test",
        retry: true,
      };
    } else {
      const outcome = renderReleaseJob(chart, { ...job, values: decodeGo(job.values) as GoMap }, store);
      message = outcome.ok
        ? { batch: batch.batch, index, ...outcome, release: encodeRelease(chart, outcome.release) }
        : { batch: batch.batch, index, ...outcome };
    }
    // This worker's last job of the batch: its entries are written before the result goes, so
    // a process that ends once it has every result does not end this thread mid-write.
    if ((store || parseStores.size > 0) && allClaimed(counters, batch.order.length)) flushWrites();
    try {
      port.postMessage(message);
    } catch (e) {
      // Not cloneable: the main thread renders this job itself when no result arrives.
      const failed: ResultMessage = {
        batch: batch.batch,
        index,
        ok: false,
        error: `render worker: ${(e as Error).message}`,
        retry: true,
      };
      port.postMessage(failed);
    }
    Atomics.add(counters, RESULTS_POSTED, 1);
    Atomics.notify(counters, RESULTS_POSTED);
    if (posted) {
      Atomics.add(posted, POSTED, 1);
      Atomics.notify(posted, POSTED);
    }
  }
  // Jobs others claimed meanwhile: what this worker's earlier jobs wrote.
  if (store || parseStores.size > 0) flushWrites();
});
