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
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
