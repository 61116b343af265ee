import { readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { readPackIndex } from "../../src/cache/pack.js";

/** Every file below a cache directory (its packs: a cache that does not defer writes puts one entry in each). */
export function entryFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const abs = path.join(d, e);
      if (statSync(abs).isDirectory()) walk(abs);
      else out.push(abs);
    }
  };
  walk(dir);
  return out;
}

/**
 * The entries stored below a cache directory, each once however many packs hold it, named
 * `<unit directory>/<id>` (tests filter them by unit).
 */
export function storedEntries(dir: string): string[] {
  const out = new Set<string>();
  for (const file of entryFiles(dir)) {
    const pack = readPackIndex(file);
    if (typeof pack !== "string")
      for (const id of pack.entries.keys()) out.add(path.join(path.dirname(file), id));
  }
  return [...out].sort();
}

/** Ways a cache entry's bytes get damaged on disk; each must read as a miss. */
export const entryDamages: Array<[string, (bytes: Buffer) => Buffer]> = [
  [
    "a flipped bit",
    (b) => {
      b[b.length - 20]! ^= 1;
      return b;
    },
  ],
  ["a truncated", (b) => b.subarray(0, Math.floor(b.length / 2))],
  ["a body-less", (b) => b.subarray(0, b.indexOf(0x0a) + 1)],
  ["an empty", () => Buffer.alloc(0)],
];
