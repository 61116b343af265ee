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

describe("UTF-16 YAML files (a byte order mark first), as go-yaml reads them", () => {
  const docs =
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: "h\u00e9llo \u{1F600}"\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n';
  const le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
  const be = (text: string) => Buffer.from(le(text).map((_, i, all) => all[i ^ 1]!));

  it("decodes little and big endian; kyaml splits documents in the bytes, so only the first is read", () => {
    for (const encode of [le, be]) {
      const text = decodeYamlText(encode(docs), "f.yaml");
      expect(
        text.startsWith(
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: "h\u00e9llo \u{1F600}"\n',
        ),
      ).toBe(true);
      expect(text).not.toContain("name: b");
    }
  });

  it("refuses a lone surrogate, naming the file", () => {
    const bad = Buffer.concat([le("kind: x\n"), Buffer.from([0x00, 0xd8, 0x61, 0x00])]);
    expect(() => decodeYamlText(bad, "dir/f.yaml")).toThrow(/not valid UTF-16/);
  });

  it.runIf(requires("kubectl"))("builds as kubectl does (evankanderson's operator-part2.yaml)", async () => {
    const dir = tempTree({
      "kustomization.yaml": "resources: [be.yaml, le.yaml]\n",
      "be.yaml": be(docs),
      "le.yaml": le(docs.replace("name: a", "name: c").replaceAll("\n", "\r\n")),
    });
    const oracle = await kubectlKustomize(dir);
    expect(oracle.ok).toBe(true);
    expect(buildYaml(dir)).toBe(oracle.stdout);
  });
});
