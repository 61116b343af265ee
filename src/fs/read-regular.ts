import { constants, kMaxLength } from "node:buffer";
import * as fs from "node:fs";
import { SlipwayError } from "../errors.js";

/**
 * The largest file read from disk: the longest string V8 can hold (2^29 - 24 UTF-16 units, just
 * under 512 MiB), since every file read is text or becomes text. A larger file is refused
 * by its size before it is read, naming the file and the limit: decoding it would fail anyway,
 * with a message that says nothing of size ("invalid UTF-8", "Cannot create a string").
 */
export const MAX_FILE_BYTES = constants.MAX_STRING_LENGTH;

export function fileTooLarge(file: string, size: number): SlipwayError {
  return Object.assign(
    new SlipwayError(
      `file is too large: ${size} bytes; Slipway reads files of at most ${MAX_FILE_BYTES} bytes (512 MiB)`,
      { file },
    ),
    { code: "EFBIG" },
  );
}

/**
 * A file's bytes, read only when it is a regular file: opened non-blocking, so a FIFO at the
 * name (a restored CI cache, a planted entry) is refused at once instead of blocking the open
 * until a writer comes, and a device or a directory is refused too (code `EINVAL`; a missing
 * file throws as readFileSync does, `ENOENT`; one over MAX_FILE_BYTES is refused unread, `EFBIG`). `onOpen` sees the open descriptor and its stat
 * before the read (the render cache touches old entries there).
 */
export function readRegularFile(file: string, onOpen?: (fd: number, st: fs.Stats) => void): Buffer {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) {
      const err = new Error(`${file} is not a regular file`) as NodeJS.ErrnoException;
      err.code = "EINVAL";
      throw err;
    }
    if (st.size > MAX_FILE_BYTES) throw fileTooLarge(file, st.size);
    onOpen?.(fd, st);
    return readOpened(fd, st.size);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The file's bytes up to the size its stat gave, as readFileSync reads a regular file, without
 * the second fstat readFileSync makes of a descriptor (the render cache reads a few hundred
 * entries per run, a chart directory's walk a few hundred files). A size of 0 (a file whose stat
 * does not know its size) is read to its end.
 */
export function readOpened(fd: number, size: number): Buffer {
  // readFileSync's own ways: to the end, or its error for a file no Buffer can hold.
  if (size === 0 || size > kMaxLength) return fs.readFileSync(fd);
  const buf = Buffer.allocUnsafe(size);
  let at = 0;
  while (at < size) {
    const n = fs.readSync(fd, buf, at, size - at, null);
    if (n === 0) break;
    at += n;
  }
  return at === size ? buf : buf.subarray(0, at);
}
