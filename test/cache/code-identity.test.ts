import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { computeIdentity, identityMemoFile, rememberedIdentity } from "../../src/cache/code-identity.js";

const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

/** A project with a bundle, every path's time stamps an hour old (the racy window long past). */
function project(): { here: string; cacheDir: string; root: string } {
  const root = mkdtempSync(path.join(tmpdir(), "slipway-identity-"));
  temps.push(root);
  const here = path.join(root, "dist", "bundle");
  mkdirSync(here, { recursive: true });
  writeFileSync(path.join(root, "package.json"), '{"name":"x"}');
  writeFileSync(path.join(root, "package-lock.json"), '{"lockfileVersion":3}');
  writeFileSync(path.join(here, "main.js"), "console.log(1);\n");
  writeFileSync(path.join(here, "chunk-a.js"), "export const a = 1;\n");
  writeFileSync(path.join(here, "package.json"), '{"type":"commonjs"}');
  writeFileSync(path.join(here, "main.js.map"), "{}");
  const old = new Date(Date.now() - 3600_000);
  for (const p of [
    "package.json",
    "package-lock.json",
    "dist/bundle",
    "dist/bundle/main.js",
    "dist/bundle/chunk-a.js",
    "dist/bundle/package.json",
  ])
    utimesSync(path.join(root, p), old, old);
  return { here, cacheDir: path.join(root, "cache"), root };
}

// Changing a time stamp (utimes) moves a change time to now: the tests pass a `now` after it.
const later = () => Date.now() + 10_000;

/** The remembered identity replaced, so that an answer from the memo can be told apart. */
function forgeMemo(here: string, cacheDir: string): void {
  const file = identityMemoFile(here, cacheDir);
  const memo = JSON.parse(readFileSync(file, "utf8"));
  memo.identity = "remembered";
  writeFileSync(file, JSON.stringify(memo));
}

describe("code identity remembered in the cache directory", () => {
  it("is the digest of the code, remembered and then read back while nothing changed", () => {
    const { here, cacheDir } = project();
    const computed = computeIdentity(here);
    expect(rememberedIdentity(here, cacheDir, later())).toBe(computed);
    expect(existsSync(identityMemoFile(here, cacheDir))).toBe(true);
    expect(rememberedIdentity(here, cacheDir, later())).toBe(computed);
    forgeMemo(here, cacheDir);
    // Served from the memo: every stamp it names is unchanged.
    expect(rememberedIdentity(here, cacheDir, later())).toBe("remembered");
  });

  it.each([
    [
      "a code file rewritten with as many bytes",
      (root: string) => writeFileSync(path.join(root, "dist/bundle/chunk-a.js"), "export const a = 2;\n"),
    ],
    ["a code file added", (root: string) => writeFileSync(path.join(root, "dist/bundle/chunk-b.js"), "1;\n")],
    ["a code file removed", (root: string) => rmSync(path.join(root, "dist/bundle/chunk-a.js"))],
    ["the lockfile removed", (root: string) => rmSync(path.join(root, "package-lock.json"))],
    [
      "package.json changed",
      (root: string) => writeFileSync(path.join(root, "package.json"), '{"name":"y"}'),
    ],
  ])("is computed again after %s", (_, change) => {
    const { here, cacheDir, root } = project();
    const before = rememberedIdentity(here, cacheDir, later());
    forgeMemo(here, cacheDir);
    change(root);
    const after = rememberedIdentity(here, cacheDir, later());
    expect(after).toBe(computeIdentity(here));
    expect(after).not.toBe(before);
    expect(after).not.toBe("remembered");
  });

  it("is not remembered while a file it read changed in the last seconds", () => {
    const { here, cacheDir, root } = project();
    writeFileSync(path.join(root, "dist/bundle/chunk-a.js"), "export const a = 3;\n");
    expect(rememberedIdentity(here, cacheDir)).toBe(computeIdentity(here));
    expect(existsSync(identityMemoFile(here, cacheDir))).toBe(false);
  });

  it.each([
    ["not JSON", "{"],
    ["another format", JSON.stringify({ format: 0 })],
    [
      "a stamp of another shape",
      JSON.stringify({ format: 1, node: process.version, files: [["x", 1]], dirs: [] }),
    ],
    ["null", "null"],
  ])("a damaged memo (%s) is ignored", (_, text) => {
    const { here, cacheDir } = project();
    rememberedIdentity(here, cacheDir, later());
    writeFileSync(identityMemoFile(here, cacheDir), text);
    expect(rememberedIdentity(here, cacheDir, later())).toBe(computeIdentity(here));
  });

  it("an unwritable cache directory only means the code is hashed", () => {
    const { here, root } = project();
    const blocked = path.join(root, "blocked");
    writeFileSync(blocked, "a file where the cache directory would be");
    expect(rememberedIdentity(here, blocked, later())).toBe(computeIdentity(here));
  });
});
