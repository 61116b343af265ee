/**
 * Git objects read in-process from a repository's object database: loose objects
 * (`objects/xx/…`, zlib) and pack files through their version-2 indexes (`objects/pack/*.idx`),
 * deltas (OFS_DELTA, REF_DELTA) applied. Formats as git's Documentation/gitformat-pack.txt
 * (git 2.39) describes them; the reading follows packfile.c (`unpack_object_header_buffer`,
 * `get_delta_base`) and patch-delta.c.
 *
 * Spawning `git ls-tree` and `git cat-file` for each revision of a diff cost more than reading
 * the objects (issue 16). This reader only says what it is sure of: an object it cannot find
 * (alternates, a promisor remote, a SHA-256 repository), an unknown format or a blob larger
 * than the caller's limit gives undefined, and the caller asks git instead.
 */
import { closeSync, constants, existsSync, fstatSync, openSync, readdirSync, readSync } from "node:fs";
import * as path from "node:path";
import { inflateSync, constants as zlibConstants } from "node:zlib";

export type GitObjectType = "commit" | "tree" | "blob" | "tag";

export interface GitObject {
  type: GitObjectType;
  content: Buffer;
}

const TYPES: Record<number, GitObjectType> = { 1: "commit", 2: "tree", 3: "blob", 4: "tag" };
const OFS_DELTA = 6;
const REF_DELTA = 7;

interface PackIndex {
  pack: string;
  fanout: Uint32Array;
  /** Sorted object ids, 20 bytes each. */
  ids: Buffer;
  offsets: Buffer;
  largeOffsets: Buffer;
  fd?: number;
  size: number;
  /** The pack's bytes last read around an object (see packBytes). */
  window?: { at: number; bytes: Buffer };
  /**
   * Objects of this pack already read, by offset (delta bases are shared by many objects): keyed
   * by number, not by a string naming the pack and offset, built and hashed for each of a
   * revision's ~900 objects.
   */
  read: Map<number, GitObject>;
}

/**
 * Bytes read from a pack at once around an object: a revision's objects lie close together in
 * a pack (git writes them in recency order), so one read serves the headers and data of many,
 * where a read per header and per object was a system call each (~1,500 for a diff of bjw-s
 * home-ops).
 */
const PACK_WINDOW = 256 * 1024;

/** Longer delta chains are left to git (git packs at depth 50 by default; a damaged pack may loop). */
const MAX_DELTA_CHAIN = 10_000;
/** Loose objects inflating to at most this many bytes (header included) are read in one inflation. */
const SMALL_LOOSE = 64 * 1024;
/** zlib's smallest output chunk. */
const MIN_CHUNK = 64;

/** Where an object's data starts in a pack, and what its header says. */
interface PackEntryHeader {
  type: number;
  size: number;
  dataAt: number;
  /** OFS_DELTA: the base's offset in the same pack. */
  baseOffset?: number;
  /** REF_DELTA: the base's id. */
  baseId?: string;
}

/** Damage this reader is sure of and git does not survive (it loops on a cycle of REF_DELTA bases). */
export class CorruptGitObjects extends Error {}

export class GitObjectReader {
  private packs?: PackIndex[];
  /** Set when a pack or its index is damaged: git decides what to make of it. */
  private packsUnusable = false;
  /**
   * The id being looked up, as bytes: one buffer for every lookup (a revision's ~900), filled by
   * parseObjectId, where `Buffer.from(oid, "hex")` (a pool slice and node's hex decoder each
   * time) and a regular expression to check the id were ~20% of opening a revision.
   */
  private readonly wanted = Buffer.alloc(20);
  /** `path.join(objectsDir, "xx", "…")` up to the two hex digits: the same for every loose object. */
  private readonly loosePrefix: string;

  constructor(
    /** The `objects` directory. */
    private readonly objectsDir: string,
    /** Larger objects are not read (undefined). */
    private readonly maxBytes: number,
  ) {
    this.loosePrefix = path.join(objectsDir, "x").slice(0, -1);
  }

  /** The object, or undefined when this reader cannot give it (ask git). */
  read(oid: string): GitObject | undefined {
    if (!parseObjectId(oid, this.wanted)) return undefined;
    try {
      // Packs first, as git's oid_object_info_extended looks (an index lookup costs no system
      // call); then the loose object, opened by name.
      return this.packedIfReadable(oid) ?? this.loose(oid);
    } catch (e) {
      if (e instanceof CorruptGitObjects) throw e;
      return undefined;
    }
  }

  /** Closes the pack files. */
  close(): void {
    for (const p of this.packs ?? []) {
      if (p.fd !== undefined) closeSync(p.fd);
      p.read.clear();
    }
    this.packs = undefined;
  }

  /** The packed object; undefined when no usable pack holds it (a damaged pack: the loose one may do). */
  private packedIfReadable(oid: string): GitObject | undefined {
    try {
      return this.packed(oid);
    } catch (e) {
      if (e instanceof CorruptGitObjects) throw e;
      return undefined;
    }
  }

  private loose(oid: string): GitObject | undefined {
    let compressed: Buffer | undefined;
    try {
      const file = `${this.loosePrefix}${oid.slice(0, 2)}${path.sep}${oid.slice(2)}`;
      compressed = readRegularFile(file, this.maxBytes);
    } catch (e) {
      if (e instanceof CorruptGitObjects) throw e;
      return undefined; // absent (ENOENT), or not readable: a packed copy or git may have it
    }
    if (!compressed) return undefined;
    // Most objects are small: one inflation with a small cap reads them (a bomb stops at the cap).
    const small = this.smallLoose(compressed);
    if (small !== "large") return small;
    // `<type> SP <size> NUL <content>`. The header first, from as little input as gives it, so
    // a declared size over the limit (or a zlib bomb) is never inflated.
    let head: Buffer | undefined;
    for (let n = 64; !head; n *= 4) {
      const part = inflateSync(compressed.subarray(0, n), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
      const nul = part.indexOf(0);
      if (nul >= 0) head = part.subarray(0, nul);
      else if (n >= compressed.length || part.length > 64) return undefined;
    }
    const m = /^(commit|tree|blob|tag) (0|[1-9][0-9]{0,15})$/.exec(head.toString("latin1"));
    if (!m || Number(m[2]) > this.maxBytes) return undefined;
    const size = Number(m[2]);
    const whole = inflateSync(compressed, {
      maxOutputLength: head.length + 1 + Math.max(size, 1),
      info: true,
    }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    // Git refuses a loose object with bytes after its zlib stream ("garbage at end of loose object").
    if (whole.engine.bytesWritten !== compressed.length) return undefined;
    const content = whole.buffer.subarray(head.length + 1);
    if (content.length !== size) return undefined;
    return { type: m[1] as GitObjectType, content };
  }

  /**
   * A loose object that inflates to at most SMALL_LOOSE bytes, read as `loose` reads it in one
   * inflation instead of two; "large" when it inflates to more (then `loose` reads it).
   */
  private smallLoose(compressed: Buffer): GitObject | undefined | "large" {
    let whole: { buffer: Buffer; engine: { bytesWritten: number } };
    try {
      whole = inflateSync(compressed, {
        maxOutputLength: SMALL_LOOSE,
        // zlib's default 16 KiB output buffer, fresh for every object, was most of a diff's
        // allocations by size; one near the object's size comes from Buffer's shared pool.
        chunkSize: Math.min(SMALL_LOOSE, Math.max(MIN_CHUNK, compressed.length * 4)),
        info: true,
      }) as unknown as typeof whole;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") return "large";
      throw e;
    }
    const nul = whole.buffer.indexOf(0);
    if (nul < 0 || nul > 64) return undefined;
    const m = /^(commit|tree|blob|tag) (0|[1-9][0-9]{0,15})$/.exec(whole.buffer.toString("latin1", 0, nul));
    if (!m || Number(m[2]) > this.maxBytes) return undefined;
    // Git refuses a loose object with bytes after its zlib stream ("garbage at end of loose object").
    if (whole.engine.bytesWritten !== compressed.length) return undefined;
    const content = whole.buffer.subarray(nul + 1);
    if (content.length !== Number(m[2])) return undefined;
    return { type: m[1] as GitObjectType, content };
  }

  private packed(oid: string): GitObject | undefined {
    const at = this.locate(oid);
    return at && this.unpack(at[0], at[1]);
  }

  /** The pack and offset of `oid`, if a pack holds it. */
  private locate(oid: string): [PackIndex, number] | undefined {
    const id = this.wanted;
    if (!parseObjectId(oid, id)) return undefined;
    for (const p of this.indexes()) {
      const at = find(p, id);
      if (at !== undefined) return [p, at];
    }
    return undefined;
  }

  /**
   * The packs, each checked as git's packfile.c checks it before use (index size and fan-out,
   * pack header, object count, the pack's checksum recorded in its index); any damage makes
   * every packed object unreadable here, so git reads them (or says what is wrong).
   */
  private indexes(): PackIndex[] {
    if (this.packs) return this.packs;
    if (this.packsUnusable) throw new Error("pack");
    const dir = path.join(this.objectsDir, "pack");
    const out: PackIndex[] = [];
    try {
      const names = existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith(".idx")) : [];
      for (const name of names.sort()) {
        const pack = path.join(dir, `${name.slice(0, -4)}.pack`);
        if (!existsSync(pack)) continue;
        const idx = readRegularFile(path.join(dir, name), 2 ** 31 - 1);
        if (!idx) throw new Error("pack index");
        out.push(openPack(pack, idx));
      }
    } catch (e) {
      for (const p of out) if (p.fd !== undefined) closeSync(p.fd);
      this.packsUnusable = true;
      throw e;
    }
    this.packs = out;
    return out;
  }

  /** The entry header at `offset` (packfile.c `unpack_object_header_buffer`, `get_delta_base`). */
  private header(p: PackIndex, offset: number): PackEntryHeader | undefined {
    // Objects lie between the 12-byte pack header and the 20-byte trailer.
    if (!Number.isSafeInteger(offset) || offset < 12 || offset >= p.size - 20) return undefined;
    const head = packBytes(p, offset, Math.min(32, p.size - 20 - offset));
    const got = head.length;
    // Type and inflated size: `1TTTSSSS`, then `1SSSSSSS`… little-endian groups.
    let at = 0;
    let c = head[at++]!;
    const type = (c >> 4) & 7;
    let size = c & 15;
    let shift = 4;
    while (c & 0x80) {
      if (at >= got || shift > 53) return undefined;
      c = head[at++]!;
      size += (c & 0x7f) * 2 ** shift;
      shift += 7;
    }
    if (type === OFS_DELTA) {
      if (at >= got) return undefined;
      c = head[at++]!;
      let back = c & 0x7f;
      while (c & 0x80) {
        if (at >= got || back > 2 ** 45) return undefined;
        c = head[at++]!;
        back = (back + 1) * 128 + (c & 0x7f);
      }
      // The base lies before the delta, as git requires (so a chain of offsets cannot loop).
      if (back <= 0 || back >= offset) return undefined;
      return { type, size, dataAt: offset + at, baseOffset: offset - back };
    }
    if (type === REF_DELTA) {
      if (at + 20 > got) return undefined;
      return { type, size, dataAt: offset + at + 20, baseId: head.toString("hex", at, at + 20) };
    }
    return TYPES[type] ? { type, size, dataAt: offset + at } : undefined;
  }

  /**
   * The object at `offset`: down its delta chain to a whole object (iteratively: a chain may be
   * long, or loop through REF_DELTA bases in a damaged pack), then the deltas applied back up.
   */
  private unpack(p: PackIndex, offset: number): GitObject | undefined {
    const chain: Array<{ p: PackIndex; offset: number; h: PackEntryHeader }> = [];
    // Offsets visited, by pack (a chain of REF_DELTA bases may cross packs).
    const seen = new Map<PackIndex, Set<number>>();
    let base: GitObject | undefined;
    for (;;) {
      base = p.read.get(offset);
      if (base) break;
      let visited = seen.get(p);
      if (visited === undefined) seen.set(p, (visited = new Set()));
      if (visited.has(offset))
        throw new CorruptGitObjects(`delta chain loops at offset ${offset} of ${p.pack}`);
      if (chain.length >= MAX_DELTA_CHAIN) return undefined;
      visited.add(offset);
      const h = this.header(p, offset);
      if (!h || h.size > this.maxBytes) return undefined;
      if (h.baseOffset !== undefined) {
        chain.push({ p, offset, h });
        offset = h.baseOffset;
      } else if (h.baseId !== undefined) {
        chain.push({ p, offset, h });
        base = this.loose(h.baseId);
        if (base) break;
        const at = this.locate(h.baseId);
        if (!at) return undefined;
        [p, offset] = at;
      } else {
        const content = this.inflateAt(p, h.dataAt, h.size);
        if (content.length !== h.size) return undefined;
        base = { type: TYPES[h.type]!, content };
        remember(p, offset, base);
        break;
      }
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const { p: dp, offset: at, h } = chain[i]!;
      const data = this.inflateAt(dp, h.dataAt, h.size);
      if (data.length !== h.size) return undefined;
      base = applyDelta(base, data, this.maxBytes);
      if (!base) return undefined;
      remember(dp, at, base);
    }
    return base;
  }

  /** `size` inflated bytes from the zlib stream at `offset` (deflate never grows data by more than a few bytes per block). */
  private inflateAt(p: PackIndex, offset: number, size: number): Buffer {
    const end = p.size - 20;
    let want = size + Math.ceil(size / 1000) + 64;
    for (;;) {
      const len = Math.max(0, Math.min(want, end - offset));
      const buf = packBytes(p, offset, len);
      try {
        return inflateSync(buf, {
          maxOutputLength: Math.max(size, 1),
          // The header gives the inflated size: one output buffer of it (and the byte that tells
          // the stream ended), from Buffer's shared pool when small, instead of zlib's default
          // 16 KiB buffer, fresh for every object (10 MB of a diff's allocations for bjw-s
          // home-ops' ~900 packed objects, most under 2 KiB).
          chunkSize: Math.max(MIN_CHUNK, size + 1),
        });
      } catch (e) {
        if (len >= end - offset || (e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") throw e;
        want *= 2;
      }
    }
  }
}

/** Keeps an object read from `p` at `offset` for the objects whose delta base it is (not the largest). */
function remember(p: PackIndex, offset: number, o: GitObject): void {
  if (o.content.length < 1 << 22) p.read.set(offset, o);
}

/**
 * `len` bytes of the pack from `offset` (fewer at its end), from the window read last when it
 * holds them. The result is a view: callers read it before asking for other bytes.
 */
function packBytes(p: PackIndex, offset: number, len: number): Buffer {
  const w = p.window;
  if (w !== undefined && offset >= w.at && offset + len <= w.at + w.bytes.length) {
    return w.bytes.subarray(offset - w.at, offset - w.at + len);
  }
  if (len > PACK_WINDOW / 2) {
    const buf = Buffer.allocUnsafe(len);
    return buf.subarray(0, readSync(p.fd!, buf, 0, len, offset));
  }
  const bytes = Buffer.allocUnsafe(Math.min(PACK_WINDOW, p.size - offset));
  const got = readSync(p.fd!, bytes, 0, bytes.length, offset);
  p.window = { at: offset, bytes: bytes.subarray(0, got) };
  return p.window.bytes.subarray(0, Math.min(len, got));
}

/** The bytes of `file` if it is a regular file of at most about `maxBytes` (compressed) bytes. */
function readRegularFile(file: string, maxBytes: number): Buffer | undefined {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    // A FIFO, a device (/dev/zero) or a directory is no object, and git blocks forever on a FIFO:
    // one clear error rather than a fallback to git.
    if (!st.isFile()) throw new CorruptGitObjects(`${file} is not a regular file`);
    if (st.size > maxBytes + maxBytes / 100 + 1024) return undefined;
    const buf = Buffer.allocUnsafe(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, buf, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** A pack and its version-2 index, checked as packfile.c's `check_packed_git_idx` and `open_packed_git_1` do. */
function openPack(pack: string, idx: Buffer): PackIndex {
  // Version 2: `\377tOc`, version, 256 fanout entries, ids, CRCs, 4-byte offsets, 8-byte offsets, 2 checksums.
  if (idx.length < 8 + 256 * 4 + 40 || idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) {
    throw new Error("pack index");
  }
  const fanout = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    fanout[i] = idx.readUInt32BE(8 + i * 4);
    if (i > 0 && fanout[i]! < fanout[i - 1]!) throw new Error("pack index: non-monotonic fan-out");
  }
  const n = fanout[255]!;
  const idsAt = 8 + 256 * 4;
  const offsetsAt = idsAt + n * 20 + n * 4;
  const minSize = offsetsAt + n * 4 + 40;
  if (idx.length < minSize || idx.length > minSize + (n > 0 ? (n - 1) * 8 : 0))
    throw new Error("pack index size");
  const fd = openSync(pack, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new CorruptGitObjects(`${pack} is not a regular file`);
    if (st.size < 12 + 20) throw new Error("pack");
    const header = Buffer.alloc(12);
    const trailer = Buffer.alloc(20);
    readSync(fd, header, 0, 12, 0);
    readSync(fd, trailer, 0, 20, st.size - 20);
    const version = header.readUInt32BE(4);
    if (header.toString("latin1", 0, 4) !== "PACK" || (version !== 2 && version !== 3))
      throw new Error("pack");
    if (header.readUInt32BE(8) !== n) throw new Error("pack object count differs from its index");
    if (!trailer.equals(idx.subarray(idx.length - 40, idx.length - 20)))
      throw new Error("pack does not match its index");
    return {
      pack,
      fanout,
      ids: idx.subarray(idsAt, idsAt + n * 20),
      offsets: idx.subarray(offsetsAt, offsetsAt + n * 4),
      largeOffsets: idx.subarray(offsetsAt + n * 4, idx.length - 40),
      fd,
      size: st.size,
      read: new Map(),
    };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/**
 * Writes the 20 bytes of `oid` into `into` when `oid` is 40 lowercase hex digits (as trees,
 * commits and pack headers spell ids); false, `into` then unspecified, for anything else.
 */
export function parseObjectId(oid: string, into: Uint8Array): boolean {
  if (oid.length !== 40) return false;
  for (let i = 0; i < 20; i++) {
    const hi = hexValue(oid.charCodeAt(2 * i));
    const lo = hexValue(oid.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return false;
    into[i] = hi * 16 + lo;
  }
  return true;
}

/** The value of a lowercase hex digit's character code; -1 for any other. */
function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** The position of `id` in the pack, if it holds it. */
function find(p: PackIndex, id: Buffer): number | undefined {
  const first = id[0]!;
  let lo = first === 0 ? 0 : p.fanout[first - 1]!;
  let hi = p.fanout[first]!;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    // Sign of (ids[mid] - id).
    const cmp = p.ids.compare(id, 0, 20, mid * 20, mid * 20 + 20);
    if (cmp === 0) {
      const o = p.offsets.readUInt32BE(mid * 4);
      // The high bit marks an index into the 8-byte offset table.
      return o & 0x80000000 ? Number(p.largeOffsets.readBigUInt64BE((o & 0x7fffffff) * 8)) : o;
    }
    if (cmp < 0) lo = mid + 1;
    else hi = mid;
  }
  return undefined;
}

/** patch-delta.c: the source and result sizes, then copy (from the base) and insert instructions. */
function applyDelta(base: GitObject, delta: Buffer, maxBytes: number): GitObject | undefined {
  let at = 0;
  const varint = () => {
    let v = 0;
    let shift = 0;
    let c: number;
    do {
      c = delta[at++]!;
      v += (c & 0x7f) * 2 ** shift;
      shift += 7;
    } while (c & 0x80);
    return v;
  };
  const srcSize = varint();
  const dstSize = varint();
  if (srcSize !== base.content.length || dstSize > maxBytes) return undefined;
  const out = Buffer.allocUnsafe(dstSize);
  let o = 0;
  while (at < delta.length) {
    const c = delta[at++]!;
    if (c & 0x80) {
      let off = 0;
      let len = 0;
      for (let i = 0; i < 4; i++) if (c & (1 << i)) off += delta[at++]! * 2 ** (8 * i);
      for (let i = 0; i < 3; i++) if (c & (16 << i)) len += delta[at++]! * 2 ** (8 * i);
      if (len === 0) len = 0x10000;
      if (off + len > base.content.length || o + len > dstSize) return undefined;
      base.content.copy(out, o, off, off + len);
      o += len;
    } else if (c !== 0) {
      if (o + c > dstSize || at + c > delta.length) return undefined;
      delta.copy(out, o, at, at + c);
      o += c;
      at += c;
    } else return undefined;
  }
  return o === dstSize ? { type: base.type, content: out } : undefined;
}

/** One entry of a tree object: `<mode> SP <name> NUL <20-byte id>`. */
export interface TreeEntry {
  mode: string;
  name: string;
  oid: string;
}

export function parseTree(content: Buffer): TreeEntry[] {
  const out: TreeEntry[] = [];
  let at = 0;
  while (at < content.length) {
    const sp = content.indexOf(32, at);
    const nul = content.indexOf(0, sp);
    if (sp < 0 || nul < 0 || nul + 21 > content.length) throw new Error("malformed tree");
    out.push({
      mode: content.toString("latin1", at, sp),
      name: content.toString("utf8", sp + 1, nul),
      oid: content.toString("hex", nul + 1, nul + 21),
    });
    at = nul + 21;
  }
  return out;
}
