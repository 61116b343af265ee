import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { isNormalAbsolute, joinName, joinPath, relativePath, resolvePath } from "../../src/fs/posix-path.js";
import { Rng } from "../support/random.js";

/**
 * The fast paths of src/fs/posix-path.ts answer as node's path.posix does: on a table of edge
 * cases and on 20,000 generated pairs (resolvePath's refs with and without `./`; segments that are empty, `.`, `..`, dotted names, a
 * prefix of another segment; leading, doubled and trailing slashes; relative paths).
 */
const SEGMENTS = ["", ".", "..", "a", "ab", "a.b", ".a", "..a", "a..", "b", "abc", "a b", "…"];

function randomPath(rng: Rng): string {
  const n = rng.int(5);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(rng.pick(SEGMENTS));
  let p = parts.join(rng.chance(0.1) ? "//" : "/");
  if (rng.chance(0.85)) p = `/${p}`;
  if (rng.chance(0.1)) p = `${p}/`;
  return p;
}

describe("posix-path", () => {
  it.each([
    ["/", "/"],
    ["/", "/a"],
    ["/a", "/a"],
    ["/a", "/a/b"],
    ["/a", "/ab"],
    ["/a", "/a/"],
    ["/a/", "/a/b"],
    ["/a", "/a//b"],
    ["/a", "/a/./b"],
    ["/a", "/a/../b"],
    ["/a", "/a/b/.."],
    ["/a", "/a/b/."],
    ["/a/.", "/a/b"],
    ["a", "a/b"],
    ["/a", "a/b"],
    ["/a/b", "/a"],
    ["/a", "/a/.b"],
    ["/a", "/a/..b"],
  ])("relativePath(%j, %j)", (from, to) => {
    expect(relativePath(from, to)).toBe(path.posix.relative(from, to));
  });

  it.each([
    ["/", "a"],
    ["/a", "b"],
    ["/a/", "b"],
    ["/a", ""],
    ["/a", "."],
    ["/a", ".."],
    ["/a", "b/c"],
    ["/a", "/b"],
    ["/a//b", "c"],
    ["/a/..", "c"],
    ["a", "b"],
    ["", "b"],
    ["/a", ".b"],
  ])("joinName(%j, %j)", (dir, name) => {
    expect(joinName(dir, name)).toBe(path.posix.join(dir, name));
  });

  it.each([
    ["/", "a"],
    ["/a", "b"],
    ["/a", "./b"],
    ["/a", ".//b"],
    ["/a", "././b"],
    ["/a", "./"],
    ["/a", "./."],
    ["/a", "./.."],
    ["/a", "../b"],
    ["/a", "b/"],
    ["/a", "b//c"],
    ["/a", "b/./c"],
    ["/a", "b/.."],
    ["/a", "/b"],
    ["/a", ""],
    ["/a", "."],
    ["/a", ".b"],
    ["/a", "..b/c"],
    ["/a/", "b"],
    ["/a/..", "b"],
    ["a", "b"],
    ["", "b"],
  ])("resolvePath(%j, %j)", (dir, ref) => {
    expect(resolvePath(dir, ref)).toBe(path.posix.resolve(dir, ref));
  });

  it.each([
    ["/", "."],
    ["/", "a"],
    ["/a", "."],
    ["/a", "b/c"],
    ["/a", "./b"],
    ["/a", "../b"],
    ["/a", "b/"],
    ["/a", "b//c"],
    ["/a", "/b"],
    ["/a", ""],
    ["/a", ".b"],
    ["/a/", "b"],
    ["a", "b"],
  ])("joinPath(%j, %j)", (dir, rel) => {
    expect(joinPath(dir, rel)).toBe(path.posix.join(dir, rel));
  });

  it("answers as path.posix on generated paths", () => {
    const rng = new Rng(16);
    for (let i = 0; i < 20_000; i++) {
      const a = randomPath(rng);
      // Half the pairs one below the other, as the callers' paths are.
      const b = rng.chance(0.5) ? `${a}/${randomPath(rng).replace(/^\//, "")}` : randomPath(rng);
      expect(relativePath(a, b), `relativePath(${a}, ${b})`).toBe(path.posix.relative(a, b));
      const name = rng.pick(SEGMENTS);
      expect(joinName(a, name), `joinName(${a}, ${name})`).toBe(path.posix.join(a, name));
      const ref = `${rng.chance(0.3) ? "./" : ""}${randomPath(rng).replace(/^\//, rng.chance(0.8) ? "" : "/")}`;
      expect(resolvePath(a, ref), `resolvePath(${a}, ${ref})`).toBe(path.posix.resolve(a, ref));
      expect(joinPath(a, ref), `joinPath(${a}, ${ref})`).toBe(path.posix.join(a, ref));
      // normalize keeps a trailing slash; a normal path here has none (but "/").
      const normal = a.startsWith("/") && path.posix.normalize(a) === a && (a === "/" || !a.endsWith("/"));
      expect(isNormalAbsolute(a), a).toBe(normal);
    }
  });
});
