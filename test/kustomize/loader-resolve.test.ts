import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { Loader } from "../../src/kustomize/loader.js";

/**
 * Loader.resolve takes a concatenation for plain relative entries; every entry a kustomization
 * may name resolves as path.posix.resolve does (errors and origin annotations print these paths).
 */
describe("Loader.resolve", () => {
  const refs = [
    "app",
    "./app",
    "././app/x.yaml",
    ".//app",
    "app/",
    "app//x.yaml",
    "app/./x.yaml",
    "app/../x.yaml",
    "../base",
    "..",
    ".",
    "./",
    "",
    "/abs/x.yaml",
    ".hidden",
    "..x",
    "a b/c",
  ];
  for (const root of ["/repo/k", "/", "/repo/k/", "/repo//k", "/repo/./k", "repo/k"]) {
    it.each(refs)(`resolves %j under ${JSON.stringify(root)} as path.posix.resolve`, (ref) => {
      const loader = new Loader(new MemoryFileSystem(), root, "LoadRestrictionsRootOnly");
      expect(loader.resolve(ref)).toBe(path.posix.resolve(root, ref));
    });
  }
});
