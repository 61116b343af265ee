/**
 * readPlainTar (src/helm/plain-tar.ts) against node-tar's Parser, the oracle: every archive it
 * reads gives node-tar's entries without a node-tar warning, and archives it leaves alone are
 * the ones node-tar has to judge. Archives: the conformance charts packed by node-tar (as
 * `charts pull`'s test seeding does) and by hand, then damaged at random (seeded; replay with
 * SLIPWAY_FUZZ_SEED).
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import * as tar from "tar";
import { afterAll, describe, expect, it } from "vitest";
import { chartDirFiles } from "../../src/helm/chart-source.js";
import { readChartArchive } from "../../src/helm/loader.js";
import { readPlainTar } from "../../src/helm/plain-tar.js";
import { conformanceChartDirs } from "../support/conformance-charts.js";
import { Rng } from "../support/random.js";
import { tgz } from "../support/tgz.js";

/** An entry's data by digest: deep equality of megabyte buffers takes vitest minutes. */
const digest = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

interface Seen {
  entries: Array<{ type: string; path: string; size: number; data: string }>;
  warnings: string[];
}

/** What node-tar's Parser (not strict: every warning said) makes of the bytes. */
function nodeTar(bytes: Buffer): Seen {
  const seen: Seen = { entries: [], warnings: [] };
  const parser = new tar.Parser({
    onwarn: (code: string, message: string | Error) =>
      seen.warnings.push(`${code}: ${message instanceof Error ? message.message : message}`),
    onReadEntry: (entry) => {
      const chunks: Buffer[] = [];
      entry.on("data", (c: Buffer) => chunks.push(c));
      entry.on("end", () =>
        seen.entries.push({
          type: entry.type,
          path: entry.path,
          size: entry.size ?? 0,
          data: digest(Buffer.concat(chunks)),
        }),
      );
    },
  });
  try {
    parser.end(bytes);
  } catch (e) {
    seen.warnings.push(`thrown: ${(e as Error).message}`);
  }
  return seen;
}

/** readPlainTar agrees with node-tar on `bytes`; returns whether it read them. */
function agrees(bytes: Buffer, what: string): boolean {
  const plain = readPlainTar(bytes);
  if (plain === undefined) return false;
  const oracle = nodeTar(bytes);
  expect(oracle.warnings, what).toEqual([]);
  expect(
    plain.map((e) => ({ type: e.type, path: e.path, size: e.size, data: digest(e.data) })),
    what,
  ).toEqual(oracle.entries);
  return true;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A chart directory packed by node-tar as `helm package` lays it out, uncompressed. */
function packed(dir: string, portable: boolean): Buffer {
  const stage = mkdtempSync(path.join(tmpdir(), "slipway-plain-tar-"));
  dirs.push(stage);
  const root = path.join(stage, path.basename(dir));
  for (const f of chartDirFiles(dir)) {
    mkdirSync(path.dirname(path.join(root, f.name)), { recursive: true });
    writeFileSync(path.join(root, f.name), f.data);
  }
  const file = path.join(stage, "chart.tar");
  tar.create({ sync: true, file, cwd: stage, portable }, [path.basename(dir)]);
  return readFileSync(file);
}

describe("readPlainTar", () => {
  const charts = Object.values(conformanceChartDirs()).sort();
  const archives = charts.flatMap((dir) => [
    [`${path.basename(dir)} (portable)`, packed(dir, true)] as const,
    [`${path.basename(dir)}`, packed(dir, false)] as const,
  ]);
  archives.push(
    [
      "hand-written ustar",
      gunzipSync(
        tgz([
          ["demo/", ""],
          ["demo/Chart.yaml", "name: demo\n"],
          ["demo/templates/a.yaml", "a: 1\n"],
        ]),
      ),
    ],
    [
      "a 130-byte path in the ustar prefix",
      gunzipSync(tgz([[`demo/${"d".repeat(120)}/${"f".repeat(60)}.yaml`, "x"]])),
    ],
  );

  it("reads the charts of the conformance corpus as node-tar does", () => {
    let read = 0;
    for (const [what, bytes] of archives) if (agrees(bytes, what)) read++;
    // node-tar writes pax headers for long names: those archives are left to it.
    expect(read).toBeGreaterThan(archives.length / 2);
  });

  it("reads a damaged archive only as node-tar does, without a warning", () => {
    const seed = Number(process.env.SLIPWAY_FUZZ_SEED ?? 20261203);
    const rng = new Rng(seed);
    const small = archives.filter(([, b]) => b.length < 400_000);
    let read = 0;
    let left = 0;
    for (let i = 0; i < 1500; i++) {
      const [what, original] = rng.pick(small);
      const bytes = Buffer.from(original);
      const headers: number[] = [];
      for (let p = 0; p + 512 <= bytes.length; p += 512) if (bytes[p + 257] === 0x75) headers.push(p);
      let damage: Buffer = bytes;
      const at = rng.pick(headers) + rng.int(512);
      switch (rng.int(8)) {
        case 7: {
          // a ustar prefix of up to 155 bytes (byte 475 tells node-tar its length)
          const off = at - (at % 512);
          const n = 100 + rng.int(56);
          const prefix = Array.from({ length: n }, () => rng.pick(["a", "b", "/", ".", "\u00e9"])).join("");
          bytes.fill(0, off + 345, off + 500);
          bytes.write(prefix, off + 345, 155, "utf8");
          fixChecksum(bytes, off);
          break;
        }
        case 0: // a byte of a header
          bytes[at] = rng.int(256);
          break;
        case 1: // a header byte with its checksum fixed up, so that node-tar reads the header
          bytes[at] = rng.pick([0, 0x2f, 0x35, 0x30, 0x78, 0x4c, 0x31, 0x80, 0x20, 0x5c, 0x2d]);
          fixChecksum(bytes, at - (at % 512));
          break;
        case 2:
          damage = bytes.subarray(0, rng.int(bytes.length));
          break;
        case 3:
          damage = Buffer.concat([bytes, Buffer.from([1, 2, 3])]);
          break;
        case 4:
          damage = bytes.subarray(0, bytes.length - 1024);
          break;
        case 5: // a zero block between entries
          damage = Buffer.concat([bytes.subarray(0, 512 * 3), Buffer.alloc(512), bytes.subarray(512 * 3)]);
          break;
        default: // the size field
          bytes.write(`${rng.int(4096).toString(8).padStart(11, "0")}\0`, at - (at % 512) + 124);
          fixChecksum(bytes, at - (at % 512));
      }
      if (agrees(damage, `${what}, damage ${i} (seed ${seed})`)) read++;
      else left++;
    }
    // Both ways happen: the test would pass vacuously otherwise.
    expect(read).toBeGreaterThan(50);
    expect(left).toBeGreaterThan(50);
  });

  it("leaves compressed data and what holds no entry to node-tar", () => {
    expect(readPlainTar(Buffer.from(tgz([["demo/Chart.yaml", "x"]])))).toBeUndefined();
    expect(readPlainTar(Buffer.alloc(1024))).toBeUndefined();
    expect(readPlainTar(Buffer.alloc(100))).toBeUndefined();
  });

  it("gives readChartArchive the files node-tar gave it", () => {
    const chart = readChartArchive(
      tgz([
        ["demo/", ""],
        ["demo/Chart.yaml", "\ufeffname: demo\n"],
        ["demo/templates/a.yaml", "a: 1\n"],
      ]),
    );
    expect(chart.map((f) => [f.name, Buffer.from(f.data).toString()])).toEqual([
      ["Chart.yaml", "name: demo\n"],
      ["templates/a.yaml", "a: 1\n"],
    ]);
  });
});

function fixChecksum(h: Buffer, off: number): void {
  h.write("        ", off + 148);
  let sum = 0;
  for (let i = off; i < off + 512; i++) sum += h[i]!;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, off + 148);
}
