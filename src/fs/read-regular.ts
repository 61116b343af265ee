import { kMaxLength } from "node:buffer";
import * as fs from "node:fs";

/**
 * A file's bytes, read only when it is a regular file: opened non-blocking, so a FIFO at the
 * name (a restored CI cache, a planted entry) is refused at once instead of blocking the open
 * until a writer comes, and a device or a directory is refused too (code `EINVAL`; a missing
 * file throws as readFileSync does, `ENOENT`). `onOpen` sees the open descriptor and its stat
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
    onOpen?.(fd, st);
    return readOpened(fd, st.size);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The file's bytes up to the size its stat gave, as readFileSync reads a regular file, without
 * the second fstat readFileSync makes of a descriptor (the render cache reads a few hundred
 * entries per run). A size of 0 (a file whose stat does not know its size) is read to its end.
 */
function readOpened(fd: number, size: number): Buffer {
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
