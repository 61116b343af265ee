/**
 * What a process reads once however many builds use it (src/kustomize/patch-text.ts and the
 * kustomization memo of target.ts): a patch text and a kustomization file are parsed once per
 * text, builds get values of their own, and a changed text is read again. The parser is counted
 * through a mock of src/yaml that calls the real one.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";

const calls = vi.hoisted(() => ({ parseYaml: 0, parseYamlDocuments: 0 }));
vi.mock("../../src/yaml/index.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/yaml/index.js")>();
  return {
    ...real,
    parseYaml: (...args: Parameters<typeof real.parseYaml>) => {
      calls.parseYaml++;
      return real.parseYaml(...args);
    },
    parseYamlDocuments: (...args: Parameters<typeof real.parseYamlDocuments>) => {
      calls.parseYamlDocuments++;
      return real.parseYamlDocuments(...args);
    },
  };
});

const { MemoryFileSystem } = await import("../../src/fs/filesystem.js");
const { buildYaml } = await import("../../src/kustomize/build.js");
const { clearParsedFiles } = await import("../../src/kustomize/target.js");
const { patchDocuments, patchOperations } = await import("../../src/kustomize/patch-text.js");
const { isEmptyNull } = await import("../../src/yaml/empty-null.js");

beforeEach(() => {
  clearParsedFiles();
  calls.parseYaml = 0;
  calls.parseYamlDocuments = 0;
});

describe("a patch text", () => {
  const smp = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  gone:\n  k: v\n";

  it("is parsed once, each caller getting documents of its own", () => {
    const a = patchDocuments(smp, "/k/kustomization.yaml");
    const b = patchDocuments(smp, "/other/kustomization.yaml");
    expect(calls.parseYamlDocuments).toBe(1);
    expect(b).toEqual(a);
    expect(b[0]!.value).not.toBe(a[0]!.value);
    (a[0]!.value as { data: Record<string, unknown> }).data.k = "changed";
    expect(patchDocuments(smp, "/k/kustomization.yaml")[0]!.value).toMatchObject({ data: { k: "v" } });
    // A key written with no value stays one in every copy (a strategic merge deletes it).
    const data = (b[0]!.value as { data: Record<string, null> }).data;
    expect(isEmptyNull(data, "gone")).toBe(true);
  });

  it("as JSON 6902 operations: read once, values copied", () => {
    const text = "- op: add\n  path: /metadata/labels\n  value:\n    a: b\n";
    const a = patchOperations(text);
    const b = patchOperations(text);
    expect(a).toEqual([{ op: "add", path: "/metadata/labels", value: { a: "b" } }]);
    expect(b).toEqual(a);
    expect(b![0]!.value).not.toBe(a![0]!.value);
    expect(patchOperations(smp)).toBeUndefined();
    expect(patchOperations(smp)).toBeUndefined();
  });

  it("that does not parse fails every time", () => {
    const bad = "a: [\n";
    expect(() => patchDocuments(bad, "/k/kustomization.yaml")).toThrow();
    expect(() => patchDocuments(bad, "/k/kustomization.yaml")).toThrow();
  });
});

describe("a kustomization file used by several builds", () => {
  const files = {
    "/c/kustomization.yaml":
      "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonLabels:\n  team: a\n",
    "/a/kustomization.yaml": "resources: [cm.yaml]\ncomponents: [../c]\n",
    "/a/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
    "/b/kustomization.yaml": "resources: [cm.yaml]\ncomponents: [../c]\n",
    "/b/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n",
  };

  it("is parsed once, however many build caches read it", () => {
    const fs = new MemoryFileSystem(files);
    const first = buildYaml("/a", { fs });
    expect(calls.parseYaml).toBe(2);
    expect(buildYaml("/a", { fs })).toBe(first);
    // /b's own file and nothing else: the component's was read already.
    expect(buildYaml("/b", { fs })).toContain("team: a");
    expect(calls.parseYaml).toBe(3);
  });

  it("shares an inline patch's documents between builds", () => {
    const patch =
      "patches:\n  - patch: |-\n      kind: ConfigMap\n      metadata:\n        name: x\n      data:\n        k: v\n    target:\n      kind: ConfigMap\n";
    const fs = new MemoryFileSystem({
      ...files,
      "/a/kustomization.yaml": `resources: [cm.yaml]\n${patch}`,
      "/b/kustomization.yaml": `resources: [cm.yaml]\n${patch}`,
    });
    expect(buildYaml("/a", { fs })).toContain("k: v");
    expect(buildYaml("/b", { fs })).toContain("k: v");
    expect(calls.parseYamlDocuments).toBe(1);
  });

  it("is read again when its text changed", () => {
    const fs = new MemoryFileSystem(files);
    expect(buildYaml("/a", { fs })).toContain("team: a");
    fs.write("/c/kustomization.yaml", files["/c/kustomization.yaml"].replace("team: a", "team: z"));
    expect(buildYaml("/a", { fs })).toContain("team: z");
  });
});
