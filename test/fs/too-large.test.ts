/**
 * A file larger than the longest string V8 holds (just under 512 MiB) is refused by its size,
 * naming the file and the limit, before it is read — it used to be read whole and reported as
 * "invalid UTF-8" (or "Cannot create a string longer than 0x1fffffe8 characters", no file).
 * The files here are sparse: nothing near that size is written or read.
 */
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_FILE_BYTES, readRegularFile } from "../../src/fs/read-regular.js";
import { decodeYamlText } from "../../src/yaml/index.js";
import { slipway } from "../support/cli.js";

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function sparse(dir: string, name: string, size: number): string {
  const file = path.join(dir, name);
  writeFileSync(file, "");
  truncateSync(file, size);
  return file;
}

describe("files too large to read", () => {
  it("readRegularFile refuses one over the limit unread, and reads one at the limit's edge", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "slipway-too-large-"));
    dirs.push(dir);
    const big = sparse(dir, "big.yaml", MAX_FILE_BYTES + 1);
    expect(() => readRegularFile(big)).toThrow(
      expect.objectContaining({
        code: "EFBIG",
        file: big,
        message: expect.stringMatching(/too large: 536870889 bytes; .* at most 536870888 bytes \(512 MiB\)/),
      }),
    );
    expect(readRegularFile(sparse(dir, "small.yaml", 4)).length).toBe(4);
  });

  it("build names the file and the limit, once, exit 1", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "slipway-too-large-"));
    dirs.push(dir);
    writeFileSync(path.join(dir, "kustomization.yaml"), "resources:\n  - big.yaml\n");
    sparse(dir, "big.yaml", MAX_FILE_BYTES + 1);
    const r = slipway(["build", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(path.join(dir, "big.yaml"));
    expect(r.stderr).toMatch(/file is too large: 536870889 bytes; .*512 MiB/);
    expect(r.stderr).not.toMatch(/UTF-8|Cannot create a string/);
  });

  it("text that decodes longer than a string can be is a size error, not an encoding error", () => {
    vi.spyOn(TextDecoder.prototype, "decode").mockImplementation(() => {
      throw Object.assign(new Error("Cannot create a string longer than 0x1fffffe8 characters"), {
        code: "ERR_STRING_TOO_LONG",
      });
    });
    expect(() => decodeYamlText(Buffer.from("a: 1\n"), "big.yaml")).toThrow(
      expect.objectContaining({ file: "big.yaml", message: expect.stringMatching(/too large/) }),
    );
  });
});
