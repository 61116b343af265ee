/**
 * A render cache pack: the entries one run wrote to one unit, in one file (store.ts describes
 * the layout). Creating a file costs ~0.5 ms on ext4 (the temp file, the rename): a cold check
 * of bjw-s home-ops wrote ~590 entry files, and now writes one pack per unit (~12), each with
 * the bytes the entry files held.
 *
 *     {"slipway-pack":1,"entries":[[id,offset,length],…]}\n     the index, one line
 *     entry bytes …                                              each exactly as seal.ts seals it
 *
 * Offsets count from the end of the index line. A pack is written once, under a name no other
 * pack had (temp file + rename, src/fs/atomic-write.ts), and never changed: a pack read once
 * is the same pack while it is there. The index is trusted for nothing but where to look: each
 * entry opens only with its key's seal and names its key in its own header (store.ts's
 * openEntry), so a pack whose index lies yields misses, never another entry's body.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const PACK_FORMAT = 1;
export const PACK_SUFFIX = ".pack";

/** Where an entry's bytes are in a pack. */
export interface PackSlot {
  offset: number;
  length: number;
}

/** A pack as read: its index, and its bytes when it is small (else they are read on demand). */
export interface PackIndex {
  file: string;
  entries: Map<string, PackSlot>;
  /** Where the entries begin: the index line's length. */
  dataStart: number;
  size: number;
  mtimeMs: number;
  /** The whole file, when it was read whole with its index. */
  bytes?: Buffer;
}

/** An entry as a pack holds it: its id and its bytes, in one part or several. */
export interface PackEntry {
  id: string;
  bytes: Uint8Array | readonly Uint8Array[];
}

/** A pack's bytes, in order: its index line, then the entries' parts. */
export function encodePack(entries: readonly PackEntry[]): Uint8Array[] {
  const index: Array<[string, number, number]> = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const start = offset;
    for (const part of e.bytes instanceof Uint8Array ? [e.bytes] : e.bytes) {
      parts.push(part);
      offset += part.length;
    }
    index.push([e.id, start, offset - start]);
  }
  const head = Buffer.from(`${JSON.stringify({ "slipway-pack": PACK_FORMAT, entries: index })}\n`);
  return [head, ...parts];
}

/** A pack's index this large is refused (a unit's run writes a few hundred entries at most). */
const MAX_INDEX_BYTES = 16 * 1024 * 1024;
/** What the first read of a pack takes: the whole of most packs. */
const FIRST_READ = 64 * 1024;

/**
 * The pack at `file`: "absent" when nothing is there (a pack removed meanwhile is a miss), or
 * "untrusted" when something else is (not a regular file, an index that does not parse or
 * points outside the file). Opened non-blocking, so a FIFO at the name never blocks.
 */
export function readPackIndex(file: string): PackIndex | "absent" | "untrusted" {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? "absent" : "untrusted";
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return "untrusted";
    let head = Buffer.allocUnsafe(Math.min(st.size, FIRST_READ));
    let got = readFully(fd, head, 0);
    let nl = head.subarray(0, got).indexOf(0x0a);
    if (nl < 0 && got < st.size) {
      const more = Buffer.allocUnsafe(Math.min(st.size, MAX_INDEX_BYTES));
      head.copy(more, 0, 0, got);
      got += readFully(fd, more.subarray(got), got);
      head = more;
      nl = head.subarray(0, got).indexOf(0x0a);
    }
    if (nl < 0) return "untrusted";
    const entries = decodeIndex(head.subarray(0, nl).toString("utf8"), st.size - (nl + 1));
    if (entries === undefined) return "untrusted";
    const index: PackIndex = { file, entries, dataStart: nl + 1, size: st.size, mtimeMs: st.mtimeMs };
    if (got === st.size) index.bytes = head.subarray(0, got);
    return index;
  } catch {
    return "untrusted";
  } finally {
    fs.closeSync(fd);
  }
}

function readFully(fd: number, into: Buffer, position: number): number {
  let at = 0;
  while (at < into.length) {
    const n = fs.readSync(fd, into, at, into.length - at, position + at);
    if (n === 0) break;
    at += n;
  }
  return at;
}

/** The index line's entries, each inside the `dataBytes` after it; undefined when it is not one. */
function decodeIndex(line: string, dataBytes: number): Map<string, PackSlot> | undefined {
  let head: unknown;
  try {
    head = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof head !== "object" || head === null) return undefined;
  const { "slipway-pack": format, entries } = head as Record<string, unknown>;
  if (format !== PACK_FORMAT || !Array.isArray(entries)) return undefined;
  const out = new Map<string, PackSlot>();
  for (const e of entries) {
    if (!Array.isArray(e) || e.length !== 3) return undefined;
    const [id, offset, length] = e as unknown[];
    if (typeof id !== "string" || !Number.isSafeInteger(offset) || !Number.isSafeInteger(length))
      return undefined;
    const [o, n] = [offset as number, length as number];
    if (o < 0 || n <= 0 || o + n > dataBytes) return undefined;
    out.set(id, { offset: o, length: n });
  }
  return out;
}

/**
 * The bytes of the entry at `slot`; undefined when the pack is gone (removed by a prune or by
 * another run's eviction since its index was read) or shorter than its index said.
 */
export function readPackEntry(pack: PackIndex, slot: PackSlot): Buffer | undefined {
  const start = pack.dataStart + slot.offset;
  if (pack.bytes) return pack.bytes.subarray(start, start + slot.length);
  const fd = openedPack(pack);
  if (fd === undefined) return undefined;
  try {
    const out = Buffer.allocUnsafe(slot.length);
    return readFully(fd, out, start) === slot.length ? out : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Large packs' descriptors, the least recently used closed past OPEN_PACKS: a warm run reads
 * tens of entries from one pack (one open, not one per entry), and a process that makes many
 * caches (the tests, `serve`) holds a bounded number.
 */
const openPacks = new Map<string, number>();
const OPEN_PACKS = 16;

function openedPack(pack: PackIndex): number | undefined {
  const known = openPacks.get(pack.file);
  if (known !== undefined) {
    openPacks.delete(pack.file);
    openPacks.set(pack.file, known);
    return known;
  }
  let fd: number;
  try {
    fd = fs.openSync(pack.file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  // The same pack as indexed: packs are never rewritten under a name, so the size tells a file
  // put there by hand (whose entries would not open anyway).
  const st = fs.fstatSync(fd);
  if (!st.isFile() || st.size !== pack.size) {
    fs.closeSync(fd);
    return undefined;
  }
  openPacks.set(pack.file, fd);
  if (openPacks.size > OPEN_PACKS) {
    const [oldest, oldFd] = openPacks.entries().next().value as [string, number];
    openPacks.delete(oldest);
    fs.closeSync(oldFd);
  }
  return fd;
}

/** Closes the descriptor kept for `file` (before it is removed: Windows cannot remove an open file). */
export function closePack(file: string): void {
  const fd = openPacks.get(file);
  if (fd === undefined) return;
  openPacks.delete(file);
  fs.closeSync(fd);
}

/**
 * A new pack's name: the time and the process's count of packs first, so that names sort by
 * age (readers look in the newest pack first: an entry written again, such as a hint, is found
 * as last written), then the process and a random tag (two processes writing at once never
 * choose one name).
 */
export function newPackName(tag: string, count: number): string {
  const time = Date.now().toString(36).padStart(9, "0");
  return `${time}-${count.toString(36).padStart(4, "0")}-${process.pid.toString(36)}-${tag}${PACK_SUFFIX}`;
}

/**
 * The packs in a unit directory, oldest name first: none when it is absent, undefined when
 * something else is at its name (a file: untrusted, as a damaged pack is).
 */
export function listPacks(unitDir: string): string[] | undefined {
  let names: string[];
  try {
    names = fs.readdirSync(unitDir);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? [] : undefined;
  }
  return names
    .filter((n) => n.endsWith(PACK_SUFFIX) && !n.startsWith("."))
    .sort()
    .map((n) => path.join(unitDir, n));
}
