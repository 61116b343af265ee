/**
 * Flux's rewritten kustomization file reaches kustomize as the object it was written from
 * (issue 16): the text is printed only when something reads the file or an error names a line.
 */
import { describe, expect, it } from "vitest";
import type { FileSystem } from "../../src/fs/filesystem.js";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { buildResourcesWithoutRemote } from "../../src/kustomize/build.js";
import { BuildCache } from "../../src/kustomize/target.js";
import { buildFluxPath } from "../../src/platform/build.js";

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

/** Passes every call through and counts the reads of one path. */
function counting(fs: FileSystem, file: string): { fs: FileSystem; reads: () => number } {
  let n = 0;
  const wrapped: FileSystem = Object.create(fs);
  wrapped.readFile = (p: string) => {
    if (p === file) n++;
    return fs.readFile(p);
  };
  return { fs: wrapped, reads: () => n };
}

describe("Flux's kustomization file handed to kustomize as an object", () => {
  for (const [name, files] of [
    ["generated", { "/r/app/a.yaml": cm("a"), "/r/app/b.yml": cm("b") }],
    [
      "rewritten",
      {
        "/r/app/kustomization.yaml": "resources: [a.yaml, b.yml]\n",
        "/r/app/a.yaml": cm("a"),
        "/r/app/b.yml": cm("b"),
      },
    ],
  ] as const) {
    it(`${name}: builds without reading (or printing) the file`, () => {
      const fs = new MemoryFileSystem({ ...files });
      let seen: { reads: () => number } | undefined;
      const built = buildFluxPath(fs, "/r", { path: "./app", namePrefix: "p-" }, new BuildCache(), (o) => {
        const c = counting(o, "/r/app/kustomization.yaml");
        seen = c;
        return c.fs;
      });
      expect(built.resources.map((r) => r.name)).toEqual(["p-a", "p-b"]);
      expect(seen?.reads()).toBe(0);
    });
  }

  it("a decryption hook that reads the file still builds the same", () => {
    const fs = new MemoryFileSystem({ "/r/app/a.yaml": cm("a") });
    const built = buildFluxPath(fs, "/r", { path: "./app" }, new BuildCache(), (o) => {
      expect(o.readFile("/r/app/kustomization.yaml").toString()).toContain("- ./a.yaml");
      return o;
    });
    expect(built.resources.map((r) => r.name)).toEqual(["a"]);
  });

  it("kustomize takes a ready reading over the file's text; its errors name the line of the text", () => {
    const fs = new MemoryFileSystem({
      "/d/kustomization.yaml": "resources: [a.yaml]\n",
      "/d/a.yaml": cm("a"),
      "/d/b.yaml": cm("b"),
    });
    const cache = new BuildCache();
    cache.readyKustomizations.set("/d/kustomization.yaml", {
      value: { resources: ["b.yaml"] },
      text: () => "resources:\n- b.yaml\n",
    });
    const { resources } = buildResourcesWithoutRemote("/d", { fs, cache });
    expect(resources.map((r) => r.name)).toEqual(["b"]);

    const bad = new BuildCache();
    bad.readyKustomizations.set("/d/kustomization.yaml", {
      value: { resources: ["b.yaml"], namePrefix: ["x"] },
      text: () => "namePrefix:\n- x\nresources:\n- b.yaml\n",
    });
    expect(() => buildResourcesWithoutRemote("/d", { fs, cache: bad })).toThrow(
      expect.objectContaining({ line: 1, file: "/d/kustomization.yaml" }),
    );
  });
});
