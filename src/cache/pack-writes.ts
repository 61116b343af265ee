/**
 * Render cache entries a run writes, kept in memory and written as one pack per unit (pack.ts)
 * when the run ends (the process's exit), at a flush (before `slipway cache` lists or removes
 * entries; a render worker after each batch) or once they pass PENDING_BYTES. Before, each
 * entry was its own file, written by a helper thread: a cold check of bjw-s home-ops created
 * ~590 files and waited ~100 ms at its exit for the thread, which also cost a thread start and
 * competed for the CPU. Now it seals ~8 MB and creates ~12 files at its exit.
 *
 * Reads of an entry written in the same run find it here (pendingEntry): nothing written is
 * read stale or missed for being unwritten. Entries are sealed (seal.ts) only when written:
 * the plaintext stays in memory, never on disk.
 *
 * Keeping packs few. A run writes one pack per unit it wrote to, so packs would pile up with
 * every run that renders something anew. Two rules bound them:
 * - A run that found its entries of a unit in two packs or more writes the entries it read
 *   there into its own pack, beside its new ones (copied as they are, sealed). The next run
 *   on the same repository finds everything in one pack again, and the packs it no longer reads
 *   stop being touched (store.ts touches a pack a run reads), so they age out.
 * - A unit directory holds at most MAX_PACKS: a run that writes a pack there removes the least
 *   recently used ones past it (by modification time, which reads refresh). Their entries are
 *   ones no recent run of this cache read, or copied into newer packs; losing one costs a render.
 * A pack is removed only whole, and a reader that listed it before finds it gone: a miss.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { addIdleWork } from "../idle-work.js";
import {
  closePack,
  encodePack,
  listPacks,
  newPackName,
  type PackEntry,
  type PackIndex,
  type PackSlot,
  readPackEntry,
} from "./pack.js";
import { type SealInput, sealEntry } from "./seal.js";

/** A unit directory's packs past this many lose their least recently used (see above). */
export const MAX_PACKS = 16;
/** Pending plaintext past this many bytes is written at once (a long `serve` session). */
const PENDING_BYTES = 64 * 1024 * 1024;

interface PendingEntry {
  format: number;
  seal: SealInput;
  /** The entry's bytes, once sealed ahead of its pack (sealAhead). */
  sealed?: Buffer[];
  /** Queued again since: never written, so not sealed. */
  replaced?: boolean;
}

interface PendingUnit {
  /** New entries by id: their format (store.ts's) and what seals them. */
  entries: Map<string, PendingEntry>;
  /** Entries read from packs, by id: copied into this run's pack when they came from two packs or more. */
  read: Map<string, { pack: PackIndex; slot: PackSlot }>;
}

const pending = new Map<string, PendingUnit>();
let pendingBytes = 0;
let exitHooked = false;

function unitOf(unitDir: string): PendingUnit {
  let u = pending.get(unitDir);
  if (u === undefined) {
    u = { entries: new Map(), read: new Map() };
    pending.set(unitDir, u);
  }
  if (!exitHooked) {
    exitHooked = true;
    process.on("exit", () => flushWrites());
  }
  return u;
}

/** Keeps the entry `seal` seals (in `format`) to be written into a pack of `unitDir`. */
export function queueEntry(unitDir: string, format: number, seal: SealInput): void {
  const entries = unitOf(unitDir).entries;
  const replaced = entries.get(seal.id);
  if (replaced !== undefined) replaced.replaced = true;
  const entry: PendingEntry = { format, seal };
  entries.set(seal.id, entry);
  unsealed.push(entry);
  addIdleWork(sealAhead);
  pendingBytes += plainLength(seal.plain);
  if (pendingBytes >= PENDING_BYTES) flushWrites();
}

/** Pending entries in the order queued, those not sealed yet among them (sealAhead). */
let unsealed: PendingEntry[] = [];

/**
 * Seals the next pending entry now instead of when its pack is written (idle-work.ts): the same
 * bytes, since its IV was drawn when it was queued. Its plaintext stays for reads until then.
 */
function sealAhead(): boolean {
  for (let e = unsealed.shift(); e !== undefined; e = unsealed.shift()) {
    if (e.sealed !== undefined || e.replaced) continue;
    e.sealed = sealEntry(e.format, e.seal);
    return true;
  }
  return false;
}

/** Notes that the run read entry `id` from `pack` (see "Keeping packs few"). */
export function noteRead(unitDir: string, id: string, pack: PackIndex, slot: PackSlot): void {
  unitOf(unitDir).read.set(id, { pack, slot });
}

/** The plaintext of an entry of `unitDir` written in this run and not yet in a pack. */
export function pendingEntry(unitDir: string, id: string): SealInput | undefined {
  return pending.get(unitDir)?.entries.get(id)?.seal;
}

/** True when this run wrote an entry in `unitDir` that is not yet in a pack. */
export function pendingUnder(unitDir: string): boolean {
  return (pending.get(unitDir)?.entries.size ?? 0) > 0;
}

/**
 * Writes every unit's pending entries into its pack; a pack that cannot be written (read-only
 * home, full disk) only costs speed.
 */
export function flushWrites(): void {
  const units = [...pending];
  pending.clear();
  pendingBytes = 0;
  unsealed = [];
  for (const [unitDir, unit] of units) {
    const entries: PackEntry[] = [];
    for (const [id, e] of unit.entries) entries.push({ id, bytes: e.sealed ?? sealEntry(e.format, e.seal) });
    const packsRead = new Set([...unit.read.values()].map((r) => r.pack.file));
    if (packsRead.size >= 2) {
      for (const [id, r] of unit.read) {
        if (unit.entries.has(id)) continue;
        const bytes = readPackEntry(r.pack, r.slot);
        if (bytes !== undefined) entries.push({ id, bytes });
      }
    }
    const written = entries.length > 0 ? writePack(unitDir, entries) : undefined;
    if (written !== undefined) evictPacks(unitDir, new Set([...packsRead, written]));
  }
}

/** Pack names' tag: one random draw per process. */
let tag: string | undefined;
let packCount = 0;

/**
 * How many packs this thread has written: a cache that listed a unit before it wrote there
 * lists it again (store.ts), so an entry it wrote again is read as written last.
 */
export function packsWritten(): number {
  return packCount;
}

/**
 * Writes `entries` as a new pack of `unitDir`: its file, or undefined when it cannot (a
 * read-only home, a full disk: that only costs speed). A cache that writes each entry at once
 * (tests) calls this alone: its packs are not evicted.
 */
export function writePack(unitDir: string, entries: readonly PackEntry[]): string | undefined {
  tag ??= randomBytes(4).toString("hex");
  const file = path.join(unitDir, newPackName(tag, packCount++));
  try {
    writeFileAtomic(file, encodePack(entries), { mode: 0o600 });
    return file;
  } catch {
    return undefined;
  }
}

/**
 * Removes the least recently used packs of `unitDir` past MAX_PACKS, but none of `keep`: the
 * pack just written and those this run read (a pack's time is refreshed once a day only).
 */
function evictPacks(unitDir: string, keep: ReadonlySet<string>): void {
  const packs = listPacks(unitDir) ?? [];
  if (packs.length <= MAX_PACKS) return;
  const used = packs
    .filter((file) => !keep.has(file))
    .map((file) => ({ file, mtimeMs: fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    // Oldest use first; names (creation times) break ties.
    .sort((a, b) => a.mtimeMs - b.mtimeMs || (a.file < b.file ? -1 : 1));
  for (const { file } of used.slice(0, packs.length - MAX_PACKS)) {
    closePack(file);
    try {
      fs.rmSync(file, { force: true });
    } catch {
      // another process's eviction, or a read-only cache: nothing lost
    }
  }
}

function plainLength(plain: SealInput["plain"]): number {
  if (typeof plain === "string") return plain.length;
  if (plain instanceof Uint8Array) return plain.length;
  let n = 0;
  for (const part of plain) n += part.length;
  return n;
}
