import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SlipwayError } from "../../src/errors.js";
import { writeFileAtomic } from "../../src/fs/atomic-write.js";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-atomic-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("writeFileAtomic", () => {
  it("a target that is a directory: an error naming it (not the temp file), nothing left behind", () => {
    const target = path.join(dir, "out");
    fs.mkdirSync(target);
    let error: unknown;
    try {
      writeFileAtomic(target, "x\n");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SlipwayError);
    expect((error as SlipwayError).format()).toBe(`${target}: cannot write here: it is a directory`);
    expect(fs.readdirSync(dir)).toEqual(["out"]);
    expect(fs.readdirSync(target)).toEqual([]);
  });

  it.each([
    ["a few chunks", 3],
    ["more chunks than one writev takes", 2500],
  ])("%s: the file is their concatenation, with the mode asked for", (_, n) => {
    const chunks = Array.from({ length: n }, (_, i) => Buffer.from(`chunk ${i};`.repeat((i % 7) + 1)));
    chunks.push(Buffer.alloc(0), Buffer.alloc(3 * 1024 * 1024, 0x61));
    const target = path.join(dir, "sub", "out");
    writeFileAtomic(target, chunks, { mode: 0o600 });
    expect(fs.readFileSync(target).equals(Buffer.concat(chunks))).toBe(true);
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(target))).toEqual(["out"]);
  });
});
