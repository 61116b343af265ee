import * as path from "node:path";
import type { FileSystem } from "./filesystem.js";

/**
 * Every file below `dir` (absolute, POSIX) that `accept` takes, in sorted order, skipping
 * `.git` and `node_modules`. Directories are read through `fs`, so a Git revision or an
 * overlay walks like the disk.
 */
export function walkFiles(fs: FileSystem, dir: string, accept: (name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of fs.readDir(d)) {
      const abs = path.posix.join(d, name);
      if (fs.isDirectory(abs)) {
        if (name !== ".git" && name !== "node_modules") walk(abs);
      } else if (accept(name)) out.push(abs);
    }
  };
  if (fs.isDirectory(dir)) walk(dir);
  else if (fs.exists(dir) && accept(path.posix.basename(dir))) out.push(dir);
  return out;
}

/**
 * The symbolic links at any depth below `dir` that `fs` leaves out (FileSystem.linksIn: a
 * confined view, like Flux's source artifact, holds none), skipping `.git` and `node_modules`.
 */
export function linksBelow(fs: FileSystem, dir: string): string[] {
  if (!fs.isDirectory(dir)) return [];
  const out = (fs.linksIn?.(dir) ?? []).map((name) => path.posix.join(dir, name));
  for (const name of fs.readDir(dir)) {
    const abs = path.posix.join(dir, name);
    if (name !== ".git" && name !== "node_modules" && fs.isDirectory(abs)) out.push(...linksBelow(fs, abs));
  }
  return out.sort();
}
