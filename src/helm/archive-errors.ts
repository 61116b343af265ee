/**
 * The errors Go's compress/gzip and archive/tar give for a chart archive that Node's zlib or
 * node-tar refuse: Helm 4.1.4 prints them as they are for a subchart archive
 * (pkg/chart/v2/loader/archive.go LoadArchive), and a top-level archive's message depends on
 * whether the error is gzip.ErrHeader (pkg/chart/loader/load.go LoadFile).
 */

export const GZIP_INVALID_HEADER = "gzip: invalid header";
const TAR_INVALID_HEADER = "archive/tar: invalid tar header";
const UNEXPECTED_EOF = "unexpected EOF";

/** gzip.NewReader and its Read, for bytes Node's gunzip refused with `zlibMessage`. */
export function goGzipFailure(bytes: Uint8Array, zlibMessage: string): string {
  // gzip.Reader reads a 10-byte header with io.ReadFull.
  if (bytes.length === 0) return "EOF";
  if (bytes.length < 10) return UNEXPECTED_EOF;
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b || bytes[2] !== 8) return GZIP_INVALID_HEADER;
  if (/unexpected end of file/i.test(zlibMessage)) return UNEXPECTED_EOF;
  if (/incorrect (data|length) check/i.test(zlibMessage)) return "gzip: invalid checksum";
  // Go names the offset of the corrupt flate block, which zlib does not give.
  return `flate: corrupt input (${zlibMessage})`;
}

/**
 * What archive/tar's Reader returns reading `tar` to its end: undefined when Go reads it
 * without error (two zero blocks, or the input's end at a block boundary, end an archive), else
 * its error text. Called only when node-tar refused the stream, to name the failure as Go does.
 */
export function goTarFailure(tar: Uint8Array): string | undefined {
  let off = 0;
  for (;;) {
    const left = tar.length - off;
    if (left === 0) return undefined;
    if (left < 512) return UNEXPECTED_EOF;
    const block = tar.subarray(off, off + 512);
    off += 512;
    if (block.every((b) => b === 0)) {
      const next = tar.length - off;
      if (next === 0) return undefined;
      if (next < 512) return UNEXPECTED_EOF;
      return tar.subarray(off, off + 512).every((b) => b === 0) ? undefined : TAR_INVALID_HEADER;
    }
    if (!checksumMatches(block)) return TAR_INVALID_HEADER;
    const size = octal(block.subarray(124, 136));
    if (size === undefined) return TAR_INVALID_HEADER;
    const padded = Math.ceil(size / 512) * 512;
    if (tar.length - off < size) return UNEXPECTED_EOF;
    off += Math.min(padded, tar.length - off);
  }
}

/** tar's header checksum: the byte sum with the checksum field read as spaces (signed or unsigned). */
function checksumMatches(block: Uint8Array): boolean {
  const stated = octal(block.subarray(148, 156));
  if (stated === undefined) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < 512; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : (block[i] as number);
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stated === unsigned || stated === signed;
}

function octal(field: Uint8Array): number | undefined {
  const text = Buffer.from(field)
    .toString("latin1")
    .replace(/[\0 ]+$/, "")
    .replace(/^[ \0]+/, "");
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) return undefined;
  return Number.parseInt(text, 8);
}
