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
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import * as path from "node:path";
import { inflateSync } from "node:zlib";

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
}

export class GitObjectReader {
  private packs?: PackIndex[];
  /** Objects already read (delta bases are shared by many objects), by pack and offset. */
  private readonly byOffset = new Map<string, GitObject>();

  constructor(
    /** The `objects` directory. */
    private readonly objectsDir: string,
    /** Larger objects are not read (undefined). */
    private readonly maxBytes: number,
  ) {}

  /** The object, or undefined when this reader cannot give it (ask git). */
  read(oid: string): GitObject | undefined {
    if (!/^[0-9a-f]{40}$/.test(oid)) return undefined;
    try {
      return this.loose(oid) ?? this.packed(oid);
    } catch {
      return undefined;
    }
  }

  /** Closes the pack files. */
  close(): void {
    for (const p of this.packs ?? []) if (p.fd !== undefined) closeSync(p.fd);
    this.packs = undefined;
    this.byOffset.clear();
  }

  /** Loose object names per fan-out directory, listed once (most lookups of a packed repository miss). */
  private readonly looseNames = new Map<string, Set<string>>();

  private loose(oid: string): GitObject | undefined {
    const fan = oid.slice(0, 2);
    let names = this.looseNames.get(fan);
    if (!names) {
      try {
        names = new Set(readdirSync(path.join(this.objectsDir, fan)));
      } catch {
        names = new Set();
      }
      this.looseNames.set(fan, names);
    }
    if (!names.has(oid.slice(2))) return undefined;
    const compressed = readFileSync(path.join(this.objectsDir, fan, oid.slice(2)));
    // `<type> SP <size> NUL <content>`
    const raw = inflateSync(compressed, { maxOutputLength: this.maxBytes + 64 });
    const nul = raw.indexOf(0);
    const [type, size] = raw.subarray(0, nul).toString("latin1").split(" ");
    const content = raw.subarray(nul + 1);
    if (!isType(type) || Number(size) !== content.length) return undefined;
    return { type, content };
  }

  private packed(oid: string): GitObject | undefined {
    const id = Buffer.from(oid, "hex");
    for (const p of this.indexes()) {
      const at = find(p, id);
      if (at !== undefined) return this.unpack(p, at);
    }
    return undefined;
  }

  private indexes(): PackIndex[] {
    if (this.packs) return this.packs;
    const dir = path.join(this.objectsDir, "pack");
    const out: PackIndex[] = [];
    const names = existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith(".idx")) : [];
    for (const name of names.sort()) {
      const pack = path.join(dir, `${name.slice(0, -4)}.pack`);
      if (!existsSync(pack)) continue;
      const idx = readFileSync(path.join(dir, name));
      // Version 2: `\377tOc`, version, 256 fanout entries, ids, CRCs, 4-byte offsets, 8-byte offsets.
      if (idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) throw new Error("pack index");
      const fanout = new Uint32Array(256);
      for (let i = 0; i < 256; i++) fanout[i] = idx.readUInt32BE(8 + i * 4);
      const n = fanout[255]!;
      const idsAt = 8 + 256 * 4;
      const offsetsAt = idsAt + n * 20 + n * 4;
      out.push({
        pack,
        fanout,
        ids: idx.subarray(idsAt, idsAt + n * 20),
        offsets: idx.subarray(offsetsAt, offsetsAt + n * 4),
        largeOffsets: idx.subarray(offsetsAt + n * 4, idx.length - 40),
        size: statSync(pack).size,
      });
    }
    this.packs = out;
    return out;
  }

  private unpack(p: PackIndex, offset: number, depth = 0): GitObject | undefined {
    const memo = `${p.pack}\0${offset}`;
    const known = this.byOffset.get(memo);
    if (known) return known;
    if (depth > 10_000) return undefined;
    p.fd ??= openSync(p.pack, "r");
    const head = Buffer.alloc(32);
    readSync(p.fd, head, 0, Math.min(32, p.size - offset), offset);
    // Type and inflated size: `1TTTSSSS`, then `1SSSSSSS`… little-endian groups.
    let at = 0;
    let c = head[at++]!;
    const type = (c >> 4) & 7;
    let size = c & 15;
    let shift = 4;
    while (c & 0x80) {
      c = head[at++]!;
      size += (c & 0x7f) * 2 ** shift;
      shift += 7;
    }
    let base: GitObject | undefined;
    if (type === OFS_DELTA) {
      c = head[at++]!;
      let back = c & 0x7f;
      while (c & 0x80) {
        c = head[at++]!;
        back = (back + 1) * 128 + (c & 0x7f);
      }
      base = this.unpack(p, offset - back, depth + 1);
    } else if (type === REF_DELTA) {
      const baseId = head.subarray(at, at + 20).toString("hex");
      at += 20;
      base = this.read(baseId);
    } else if (!TYPES[type]) return undefined;
    if ((type === OFS_DELTA || type === REF_DELTA) && !base) return undefined;
    if (size > this.maxBytes) return undefined;
    const data = this.inflateAt(p, offset + at, size);
    if (data.length !== size) return undefined;
    const out: GitObject | undefined = base
      ? applyDelta(base, data, this.maxBytes)
      : { type: TYPES[type]!, content: data };
    if (out && out.content.length < 1 << 22) this.byOffset.set(memo, out);
    return out;
  }

  /** `size` inflated bytes from the zlib stream at `offset` (deflate never grows data by more than a few bytes per block). */
  private inflateAt(p: PackIndex, offset: number, size: number): Buffer {
    let want = size + Math.ceil(size / 1000) + 64;
    for (;;) {
      const len = Math.min(want, p.size - offset);
      const buf = Buffer.allocUnsafe(len);
      readSync(p.fd!, buf, 0, len, offset);
      try {
        return inflateSync(buf, { maxOutputLength: Math.max(size, 1) });
      } catch (e) {
        if (len >= p.size - offset || (e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") throw e;
        want *= 2;
      }
    }
  }
}

function isType(t: string | undefined): t is GitObjectType {
  return t === "commit" || t === "tree" || t === "blob" || t === "tag";
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
