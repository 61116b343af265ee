import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../src/fs/atomic-write.js";
import { makeDirectories } from "../../src/fs/make-dirs.js";

const scratch = mkdtempSync(path.join(tmpdir(), "slipway-make-dirs-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("makeDirectories (mkdir -p)", () => {
  it("makes every missing directory, and an existing one is no error", () => {
    const dir = path.join(scratch, "a/b/c");
    makeDirectories(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
    makeDirectories(dir);
    makeDirectories(path.join(scratch, "a"));
  });

  it("under a file: mkdir's ENOTDIR, nothing made", () => {
    writeFileSync(path.join(scratch, "file"), "x");
    expect(() => makeDirectories(path.join(scratch, "file/d/e"))).toThrow(
      expect.objectContaining({ code: "ENOTDIR" }),
    );
    expect(existsSync(path.join(scratch, "file/d"))).toBe(false);
  });

  // Node 20's mkdirSync(…, { recursive: true }) loops for ever here: this test did not end.
  it.runIf(existsSync("/proc/self"))(
    "where mkdir(2) answers ENOENT below a directory that exists (procfs): that error",
    () => {
      expect(() => makeDirectories("/proc/slipway-no-such/cache")).toThrow(
        expect.objectContaining({ code: "ENOENT" }),
      );
      expect(() => writeFileAtomic("/proc/slipway-no-such/cache/entry", "x")).toThrow(
        expect.objectContaining({ code: "ENOENT" }),
      );
    },
  );
});
