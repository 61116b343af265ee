/**
 * Render cache entries written by a helper thread, so that a cold run does not stop for the
 * file system at every new entry: creating an entry's directory, its temp file and the rename
 * cost ~1-2 ms each on some file systems, and a cold `check` of bjw-s home-ops writes ~250
 * entries (~250 ms of its main thread). The main thread posts an entry's plaintext with its key
 * and IV; the thread seals it (seal.ts, the function store.ts seals with) and writes it the way
 * src/fs/atomic-write.ts does (a temp file created exclusively with the entry's mode, then
 * renamed into place), so a reader sees no entry or a whole one, as before.
 *
 * Nothing written is lost or read stale: a read of an entry still queued waits for it
 * (`awaitWrite`), `flushWrites` waits for all of them (before listing or removing entries), and
 * so does the process on exit. The waits are `Atomics.wait` on a counter the thread raises after
 * each entry, so they work while the main thread never yields (the loader is synchronous) and
 * in an 'exit' handler. A write that fails only costs speed, as a synchronous one did.
 */
import * as crypto from "node:crypto";
import * as path from "node:path";
import type { Worker } from "node:worker_threads";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { workerThreadsModule } from "../fs/lazy-modules.js";
import { type SealInput, sealEntry } from "./seal.js";

/**
 * The thread's code: sealEntry (its source text: seal.ts keeps it self-contained), then
 * writeFileAtomic's steps (src/fs/atomic-write.ts), the directories it has made remembered. A separate script would need a file beside this module in every layout
 * (dist/, the bundle, sources under test); this one needs only Node. It runs as CommonJS or as
 * a module alike (dynamic imports), and without the process's flags: `--input-type=module`
 * would make it a module, and a thread that fails to start cannot say so while the main thread
 * waits for it.
 */
const WRITER = `
(async () => {
  const [{ parentPort, workerData }, fs, path, crypto] = await Promise.all([
    import("node:worker_threads"),
    import("node:fs"),
    import("node:path"),
    import("node:crypto"),
  ]);
  const randomBytes = crypto.randomBytes;
  const sealEntry = (${sealEntry.toString()});
  const done = workerData.done;
  const made = new Set();
  // Temp names: one random tag per thread and a count (not a draw from the random source per entry).
  const tag = randomBytes(6).toString("hex");
  let count = 0;
  // Modes the process's umask leaves whole at creation: no chmod after (a umask only ever takes
  // bits away, so a mode found whole once stays whole; Slipway never changes the umask).
  const whole = new Map();
  parentPort.on("message", (batch) => {
    for (const m of batch) write(m);
  });
  const write = (m) => {
    try {
      const dir = path.dirname(m.file);
      if (!made.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      const tmp = path.join(dir, "." + path.basename(m.file) + "." + tag + (count++).toString(36) + ".tmp");
      try {
        fs.writeFileSync(tmp, sealEntry(crypto, m.format, m.seal), { flag: "wx", mode: m.mode });
        if (whole.get(m.mode) !== true) {
          if (!whole.has(m.mode)) whole.set(m.mode, (fs.statSync(tmp).mode & 0o7777) === m.mode);
          fs.chmodSync(tmp, m.mode);
        }
        fs.renameSync(tmp, m.file);
      } catch {
        fs.rmSync(tmp, { force: true });
        made.delete(dir);
      }
    } catch {}
    Atomics.add(done, 0, 1);
    Atomics.notify(done, 0);
  };
})();
`;

/** How long a wait for queued writes may take before the run goes on without them. */
const FLUSH_MS = 30_000;

interface Writer {
  worker: Worker;
  /** done[0]: entries the thread has finished (written or failed). */
  done: Int32Array;
  /** Entries queued so far (posted to the thread or waiting in `batch`). */
  posted: number;
}

interface Entry {
  file: string;
  /** store.ts's entry format, written into the header */
  format: number;
  seal: SealInput;
  mode: number;
  /** The plaintext's length when queued: a plaintext whose memory went with a failed post is 0 long. */
  length: number;
}

/**
 * Entries queued but not yet posted: they go to the thread a few at a time. Each post wakes the
 * thread and takes its queue's lock; one per entry cost a cold check ~40-50 ms of its main thread
 * (~470 posts at 80-120 µs while the thread writes beside it). A read of a batched entry, a flush
 * and the exit post the batch first.
 */
let batch: Entry[] = [];
let batchBytes = 0;
const BATCH_ENTRIES = 8;
/** A batch this large goes at once: the thread should not wait while big entries pile up. */
const BATCH_BYTES = 512 * 1024;

/** undefined: not started yet; null: could not start (writes stay synchronous). */
let writer: Writer | null | undefined;
/**
 * Entries written synchronously before the thread starts. Starting it costs ~30 ms of CPU and
 * 40-60 ms before its first write, which the exit then waits for: a run that writes a few
 * entries (a check whose renders all come from the cache writes one, its result) is done
 * sooner without it; a cold run's ~250 entries still go to the thread after these.
 */
const SYNC_FIRST = 8;
let syncWrites = 0;
/** Past this many, entries already written are forgotten (a long `serve` session). */
const MAX_QUEUED = 4096;
/** Queued entries by file: the number of the post that writes it. */
const queued = new Map<string, number>();
/** Directories an entry was posted to: store.ts's `mayHold` counts them as present. */
const postedDirs = new Set<string>();

function start(): Writer | null {
  try {
    const done = new Int32Array(new SharedArrayBuffer(4));
    const worker = new (workerThreadsModule().Worker)(WRITER, {
      eval: true,
      workerData: { done },
      execArgv: [],
    });
    // The thread never keeps the process alive; the exit handler waits for what it holds.
    worker.unref();
    worker.on("error", () => {
      // Its queue is lost: later writes are synchronous, and waits end at once.
      if (writer) writer.posted = Atomics.load(writer.done, 0);
      writer = null;
    });
    process.on("exit", () => flushWrites());
    return { worker, done, posted: 0 };
  } catch {
    return null;
  }
}

/**
 * Starts the thread now, without the synchronous first writes (SYNC_FIRST): for a run known to
 * write many entries (a cold check of a large repository), whose first entries then cost its
 * main thread no sealing and writing (~6 ms for bjw-s home-ops), and whose thread loads while
 * the run goes on instead of when the ninth entry comes.
 */
export function startWriter(): void {
  if (writer === undefined) writer = start();
}

/**
 * Queues the entry `seal` seals (in `format`) to be written atomically to `file` with `mode`;
 * false when there is no writer thread (the caller seals and writes synchronously). The caller
 * gives a plaintext of bytes up: once queued it may be detached (moved to the thread).
 */
export function writeInBackground(file: string, format: number, seal: SealInput, mode: number): boolean {
  if (writer === undefined) {
    if (syncWrites < SYNC_FIRST) {
      syncWrites++;
      return false;
    }
    writer = start();
  }
  if (writer === null) return false;
  // A string goes as it is: V8's serializer copies a flat string's characters as they are,
  // and the thread encodes them as it seals. Encoding it here as UTF-8 and handing the bytes
  // over cost a cold check of bjw-s home-ops ~3x as much of its main thread (~6 MB of JSON).
  // Every array goes with a memory of its own: a Buffer of < 4 kB (an IV, a key, a small entry)
  // is a slice of Node's 8 kB pool, and posting a slice copies the whole pool (~600 entries ×
  // up to three slices).
  const plain = typeof seal.plain === "string" || isParts(seal.plain) ? seal.plain : ownMemory(seal.plain);
  seal = { id: seal.id, key: ownMemory(seal.key), iv: ownMemory(seal.iv), plain };
  const length = isParts(plain) ? plain.reduce((n, part) => n + part.length, 0) : plain.length;
  batch.push({ file, format, seal, mode, length });
  batchBytes += length;
  const n = ++writer.posted;
  if (queued.size >= MAX_QUEUED) {
    const done = Atomics.load(writer.done, 0);
    for (const [f, m] of queued) if (m <= done) queued.delete(f);
  }
  queued.set(file, n);
  for (let dir = path.dirname(file); !postedDirs.has(dir); dir = path.dirname(dir)) {
    postedDirs.add(dir);
    if (path.dirname(dir) === dir) break;
  }
  if (batch.length >= BATCH_ENTRIES || batchBytes >= BATCH_BYTES) postBatch();
  return true;
}

function isParts(plain: SealInput["plain"]): plain is readonly string[] {
  return Array.isArray(plain);
}

/** `bytes`, or a copy of them when they share their memory (a slice of Node's Buffer pool). */
function ownMemory(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length ? bytes : new Uint8Array(bytes);
}

/**
 * Posts the batched entries to the thread. Plaintexts (each with a memory of its own) are
 * handed over instead of copied: copying ~9 MB of entries cost a cold check tens of ms of its
 * main thread. A batch that cannot be posted (or has no thread to go
 * to) is sealed and written here, counted as the thread counts its own.
 */
function postBatch(): void {
  if (batch.length === 0) return;
  const entries = batch;
  batch = [];
  batchBytes = 0;
  const w = writer;
  if (w) {
    // A memory listed twice would fail the post (a caller may give one array for two entries).
    const transfer = new Set<ArrayBuffer>();
    for (const { seal } of entries)
      if (seal.plain instanceof Uint8Array) transfer.add(seal.plain.buffer as ArrayBuffer);
    try {
      w.worker.postMessage(entries, [...transfer]);
      return;
    } catch {
      // Not sent: written below (an entry whose memory went anyway is lost, costing only speed).
    }
  }
  for (const e of entries) {
    try {
      // A plaintext whose memory went with the failed post is not sealed (as an empty body).
      if (!(e.seal.plain instanceof Uint8Array) || e.seal.plain.length === e.length)
        writeFileAtomic(e.file, sealEntry(crypto, e.format, e.seal), { mode: e.mode });
    } catch {
      // a cache that cannot be written only costs speed
    }
  }
  if (w) {
    Atomics.add(w.done, 0, entries.length);
    Atomics.notify(w.done, 0);
  }
}

/** True when an entry was queued in `dir` (or below it) by this process. */
export function postedUnder(dir: string): boolean {
  return postedDirs.has(dir);
}

/** Waits until `file`, when queued, is written. */
export function awaitWrite(file: string): void {
  const n = queued.get(file);
  if (n === undefined) return;
  if (batch.some((e) => e.file === file)) postBatch();
  waitFor(n);
}

/** Waits until every queued entry is written. */
export function flushWrites(): void {
  postBatch();
  if (writer) waitFor(writer.posted);
}

function waitFor(n: number, timeoutMs = FLUSH_MS): void {
  const w = writer;
  if (!w) return;
  const until = Date.now() + timeoutMs;
  for (;;) {
    const done = Atomics.load(w.done, 0);
    if (done >= n) break;
    const left = until - Date.now();
    if (left <= 0) return;
    Atomics.wait(w.done, 0, done, left);
  }
  if (Atomics.load(w.done, 0) >= w.posted) queued.clear();
}
