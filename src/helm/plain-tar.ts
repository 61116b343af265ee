/**
 * The entries of a plain tar archive read in one pass over its bytes, as node-tar's Parser
 * (tar 7.5, dist/commonjs/parse.js and header.js) reads them: what `helm package` and Go's
 * archive/tar write for a chart (ustar headers, regular files and directories, two zero blocks at
 * the end). A chart load read each archive through the Parser's streams (an entry object, events
 * and a chunk list per file: ~40 ms of a cold check's main thread for bjw-s home-ops' 7 charts,
 * and the module's loading).
 *
 * Anything else answers undefined, and the caller reads the archive with node-tar, which decides
 * what it means and reports what is wrong: compressed data, a block whose checksum fails, an
 * extended header (pax `x`/`g`, GNU long names `L`/`K`), any other entry type, a link name, a
 * size in base-256, an entry cut short, bytes after the last entry that are not an end-of-archive
 * marker. So every archive read here gives the entries node-tar gives, without a warning.
 */

export interface PlainTarEntry {
  /** node-tar's entry.type: "File" or "Directory" */
  type: "File" | "Directory";
  /** the header's path, ustar prefix joined (node-tar's header.path) */
  path: string;
  /** the header's size (0 for a directory) */
  size: number;
  /** the entry's bytes (a view of the archive); empty for a directory */
  data: Uint8Array;
}

const BLOCK = 512;

/** header.js decString: the field as UTF-8, cut at its first NUL (to the end of that line). */
function decString(buf: Buffer, off: number, size: number): string {
  return buf
    .subarray(off, off + size)
    .toString("utf8")
    .replace(/\0.*/, "");
}

/** header.js decSmallNumber: an octal field; undefined when not a number. Base-256: null (not read here). */
function decNumber(buf: Buffer, off: number, size: number): number | undefined | null {
  if ((buf[off]! & 0x80) !== 0) return null;
  const n = Number.parseInt(
    buf
      .subarray(off, off + size)
      .toString("utf8")
      .replace(/\0.*$/, "")
      .trim(),
    8,
  );
  return Number.isNaN(n) ? undefined : n;
}

/** The entries of `tar`, or undefined when node-tar must read it (see above). */
export function readPlainTar(tar: Buffer): PlainTarEntry[] | undefined {
  // node-tar sniffs gzip (1f 8b) and zstd (28 b5 2f fd) at the start and decompresses.
  if (tar.length < BLOCK) return undefined;
  if (tar[0] === 0x1f && tar[1] === 0x8b) return undefined;
  if (tar[0] === 0x28 && tar[1] === 0xb5 && tar[2] === 0x2f && tar[3] === 0xfd) return undefined;
  const out: PlainTarEntry[] = [];
  let pos = 0;
  let sawNull = false;
  let eof = false;
  while (pos + BLOCK <= tar.length) {
    const cksum = decNumber(tar, pos + 148, 12);
    let sum = 8 * 0x20;
    for (let i = pos; i < pos + 148; i++) sum += tar[i]!;
    for (let i = pos + 156; i < pos + BLOCK; i++) sum += tar[i]!;
    if (cksum === undefined && sum === 8 * 0x20) {
      // a zero block: two in a row end the archive
      pos += BLOCK;
      if (sawNull) {
        eof = true;
        break;
      }
      sawNull = true;
      continue;
    }
    // A lone zero block between entries, a bad checksum: node-tar's to judge.
    if (sawNull || cksum !== sum) return undefined;
    const flag = decString(tar, pos + 156, 1);
    let path = decString(tar, pos, 100);
    const rawSize = decNumber(tar, pos + 124, 12);
    if (rawSize === null) return undefined;
    if (decString(tar, pos + 157, 100) !== "") return undefined;
    if (tar.subarray(pos + 257, pos + 265).toString() === "ustar\u000000") {
      if (tar[pos + 475] !== 0) path = `${decString(tar, pos + 345, 155)}/${path}`;
      else {
        const prefix = decString(tar, pos + 345, 130);
        if (prefix) path = `${prefix}/${path}`;
      }
    }
    let type: PlainTarEntry["type"];
    // header.js: a NUL flag is read as "0" (so never "OldFile"), and a "0" whose path ends in
    // "/" is an old tar's directory.
    if (flag === "0" || flag === "") type = path.endsWith("/") ? "Directory" : "File";
    else if (flag === "5") type = "Directory";
    else return undefined;
    // normalizeWindowsPath rewrites backslashes on Windows; a path node-tar refuses is its to say.
    if (path === "" || path.includes("\\")) return undefined;
    const size = type === "Directory" || rawSize === undefined || rawSize < 0 ? 0 : rawSize;
    const blocks = BLOCK * Math.ceil(size / BLOCK);
    if (pos + BLOCK + blocks > tar.length) return undefined;
    out.push({ type, path, size, data: tar.subarray(pos + BLOCK, pos + BLOCK + size) });
    pos += BLOCK + blocks;
  }
  // An archive that stops without its end marker is read only when it stops at an entry's end.
  if (!eof && pos !== tar.length) return undefined;
  // No entry at all: node-tar's "Unrecognized archive format".
  return out.length > 0 ? out : undefined;
}
