import { readdirSync, statSync } from "node:fs";
import * as path from "node:path";

/** Every file below a cache directory (its entries). */
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
