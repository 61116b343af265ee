import { describe, expect, it } from "vitest";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { buildYaml } from "../../src/kustomize/build.js";
import { decodeYamlText } from "../../src/yaml/index.js";
import { tempTree } from "../support/cli.js";
import { requires } from "../support/env.js";
import { kubectlKustomize } from "../support/kubectl.js";

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p))));

describe("YAML files must be UTF-8", () => {
  it("decodes valid UTF-8, a BOM kept for the parser", () => {
    expect(decodeYamlText(bytes("a: café ✓ 🚀\n"), "f.yaml")).toBe("a: café ✓ 🚀\n");
    expect(decodeYamlText(bytes([0xef, 0xbb, 0xbf], "a: 1\n"), "f.yaml")).toBe("\ufeffa: 1\n");
  });

  it.each([
    ["a Latin-1 é", bytes("a: 1\nb: caf", [0xe9], "s\n"), "invalid trailing UTF-8 octet", 2, 7],
    ["a byte that starts nothing", bytes("a: 1\nb: ", [0xff], "\n"), "invalid leading UTF-8 octet", 2, 4],
    ["a cut sequence at the end", bytes("a: x", [0xe2, 0x9c]), "incomplete UTF-8 octet sequence", 1, 5],
    [
      "a lead byte without its continuation",
      bytes("a: ", [0xc3], "x\n"),
      "invalid trailing UTF-8 octet",
      1,
      4,
    ],
    ["an overlong encoding", bytes("a: ", [0xc0, 0xaf], "\n"), "invalid length of a UTF-8 sequence", 1, 4],
    ["an encoded surrogate", bytes("é: ", [0xed, 0xa0, 0x80], "\n"), "invalid Unicode character", 1, 4],
  ])("rejects %s, naming file, line and column", (_, input, reason, line, column) => {
    try {
      decodeYamlText(input, "dir/f.yaml");
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ file: "dir/f.yaml", line, column });
      expect((e as Error).message).toContain(reason);
    }
  });

  it("a build names the file that is not UTF-8", () => {
    // "café" in Latin-1
    const fs = new MemoryFileSystem({
      "/k/kustomization.yaml": "resources: [cm.yaml]\n",
      "/k/cm.yaml": bytes(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: caf",
        [0xe9],
        "\n",
      ),
    });
    expect(() => buildYaml("/k", { fs })).toThrow(/cm\.yaml.*incomplete UTF-8 octet sequence/);
  });
});

describe.runIf(requires("kubectl"))("YAML files must be UTF-8, against kubectl", () => {
  it.each([
    [
      "a resource",
      {
        "kustomization.yaml": "resources: [cm.yaml]\n",
        "cm.yaml": bytes("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n# ", [0xff], "\n"),
      },
    ],
    ["the kustomization", { "kustomization.yaml": bytes("resources: []\n# caf", [0xe9], "\n") }],
    [
      "a patch",
      {
        "kustomization.yaml": "resources: [cm.yaml]\npatches:\n  - path: p.yaml\n",
        "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
        "p.yaml": bytes("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: ", [0xe9], "\n"),
      },
    ],
  ])("both refuse invalid UTF-8 in %s", async (_, files) => {
    const dir = tempTree(files);
    expect((await kubectlKustomize(dir)).ok).toBe(false);
    expect(() => buildYaml(dir)).toThrow(/UTF-8/);
  });
});
