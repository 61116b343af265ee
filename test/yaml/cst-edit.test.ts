import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { errorMessage } from "../../src/errors.js";
import { applyScalarEdits, type CstPath, type ScalarValue, YamlCst } from "../../src/yaml/cst-edit.js";
import { parseYamlDocuments } from "../../src/yaml/index.js";

const kustomization = `# production: stable releases only.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
images:
  - name: ghcr.io/acme/backend
    newTag: 1.8.3 # {"$imagepolicy": "flux-system:backend:tag"}
  - name: 'ghcr.io/acme/worker'
    newTag: "2.0"
    digest: sha256:aaaa
`;

describe("YamlCst.set", () => {
  it.each<[string, string, CstPath, ScalarValue, string]>([
    [
      "keeps the setter marker on the line",
      kustomization,
      ["images", 0, "newTag"],
      "1.9.0",
      '    newTag: 1.9.0 # {"$imagepolicy": "flux-system:backend:tag"}\n',
    ],
    ["keeps double quotes", kustomization, ["images", 1, "newTag"], "2.1", '    newTag: "2.1"\n'],
    ["quotes a plain string YAML would read as a number", "v: 1.8.3\n", ["v"], "1.10", 'v: "1.10"\n'],
    ["quotes a plain string YAML 1.1 reads as a boolean", "v: x\n", ["v"], "yes", 'v: "yes"\n'],
    ["quotes an empty string", "v: x\n", ["v"], "", 'v: ""\n'],
    ["writes numbers plain", "replicas: 2\n", ["replicas"], 3, "replicas: 3\n"],
    ["keeps single quotes", "v: 'a'\n", ["v"], "b", "v: 'b'\n"],
    ["edits inside flow collections", "v: {a: 1, b: [x, y]}\n", ["v", "b", 1], "z", "v: {a: 1, b: [x, z]}\n"],
    ["edits a sequence item", "- a\n- b # keep\n", [1], "c", "- a\n- c # keep\n"],
    ["keeps a block scalar's style", "v: |\n  a\n  b\nw: 1\n", ["v"], "c\n", "v: |\n  c\nw: 1\n"],
    ["edits a tagged scalar", "v: !!str 1.0\n", ["v"], "2.0", "v: !!str 2.0\n"],
  ])("%s", (_, text, path, value, expected) => {
    const found = new YamlCst(text).find(0, path);
    if (found?.kind !== "scalar") throw new Error("test path is not a scalar");
    const out = applyScalarEdits(text, [{ doc: 0, path, value }]);
    expect(out).toContain(expected);
    // Every byte outside the scalar is kept.
    const [start, end] = found.range;
    expect(out.slice(0, start)).toBe(text.slice(0, start));
    expect(out.slice(out.length - (text.length - end))).toBe(text.slice(end));
  });

  it("a no-op edit returns identical bytes", () => {
    const text = `a:   "x"  # c\nb: 'y'\nc: |-\n   z\nd: {e: f}\n`;
    const edits = [
      { doc: 0, path: ["a"], value: "x" },
      { doc: 0, path: ["b"], value: "y" },
      { doc: 0, path: ["c"], value: "z" },
      { doc: 0, path: ["d", "e"], value: "f" },
    ];
    expect(applyScalarEdits(text, edits)).toBe(text);
  });

  it("edits the right document of a stream", () => {
    const text = "---\nkind: A\nv: 1\n---\n# two\nkind: B\nv: 1\n";
    const cst = new YamlCst(text);
    expect(cst.documentCount).toBe(2);
    expect(cst.documentAtLine(6)).toBe(1);
    cst.set(1, ["v"], 2);
    expect(cst.toString()).toBe("---\nkind: A\nv: 1\n---\n# two\nkind: B\nv: 2\n");
  });

  it("refuses aliases, collections and missing paths", () => {
    const text = "a: &x 1\nb: *x\nc: [1]\n";
    const cst = new YamlCst(text, "f.yaml");
    expect(() => cst.set(0, ["b"], "2")).toThrow(/f\.yaml: b: is an alias/);
    expect(() => cst.set(0, ["c"], "2")).toThrow(/not a scalar/);
    expect(() => cst.set(0, ["d"], "2")).toThrow(/no such field/);
  });

  it("reports YAML syntax errors with a line", () => {
    let error: unknown;
    try {
      new YamlCst("a: [1\nb: 2\n", "bad.yaml");
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      file: "bad.yaml",
      line: 2,
      message: expect.stringMatching(/Flow sequence/),
    });
  });

  it("finds scalars with their line comment and position", () => {
    const cst = new YamlCst(kustomization);
    const tag = cst.find(0, ["images", 0, "newTag"]);
    expect(tag).toMatchObject({
      kind: "scalar",
      value: "1.8.3",
      line: 8,
      comment: '{"$imagepolicy": "flux-system:backend:tag"}',
    });
    expect(cst.find(0, ["images", 1, "name"])).toMatchObject({
      value: "ghcr.io/acme/worker",
      type: "QUOTE_SINGLE",
    });
    expect(cst.find(0, ["images"])).toMatchObject({ kind: "seq", line: 6 });
    const all = [...cst.scalars()].map((s) => s.path.join("."));
    expect(all).toContain("images.1.digest");
  });

  it("re-parses to the same values except the edited one", () => {
    const out = applyScalarEdits(kustomization, [
      { doc: 0, path: ["images", 1, "digest"], value: "sha256:bbbb" },
    ]);
    const before = parseYamlDocuments(kustomization, "k")[0]!.value as Record<string, unknown>;
    const after = parseYamlDocuments(out, "k")[0]!.value as Record<string, unknown>;
    (before.images as Array<Record<string, string>>)[1]!.digest = "sha256:bbbb";
    expect(after).toEqual(before);
  });

  it("adds a key on its own line, indented like its siblings", () => {
    const cst = new YamlCst(kustomization);
    cst.insert(0, ["images", 0], "digest", "sha256:cccc", "newTag");
    cst.insert(0, ["images", 1], "newName", "1.10");
    expect(cst.toString()).toBe(
      kustomization
        .replace('"flux-system:backend:tag"}\n', '"flux-system:backend:tag"}\n    digest: sha256:cccc\n')
        .replace("digest: sha256:aaaa\n", 'digest: sha256:aaaa\n    newName: "1.10"\n'),
    );
    expect(() => cst.insert(0, ["images", 0], "name", "x")).toThrow(/already has 'name'/);
    expect(() => cst.insert(0, ["images"], "x", "y")).toThrow(/not a block mapping/);
  });

  it("refuses to add to a flow collection, naming the outermost one to write in block style, at its line", () => {
    const refusal = (
      text: string,
      path: CstPath,
      edit = (c: YamlCst) => c.insert(0, path, "digest", "sha"),
    ) => {
      try {
        edit(new YamlCst(text, "k.yaml"));
      } catch (e) {
        return errorMessage(e);
      }
      return "added";
    };
    const fix =
      "write images in block style (a '- ' line per item, a 'key: value' line per field) and run again";
    expect(refusal('resources: []\nimages: [{name: app, newTag: "1.0"}]\n', ["images", 0])).toBe(
      `k.yaml:2:9: images is written in flow style; cannot add 'digest' to images[0]: ${fix}`,
    );
    expect(
      refusal("images:\n  - name: a\n    newTag: x\n  - {name: app, newTag: y}  # app\n", ["images", 1]),
    ).toBe(
      "k.yaml:4:5: images[1] is written in flow style; cannot add 'digest' to images[1]: write images[1] in block style (a '- ' line per item, a 'key: value' line per field) and run again",
    );
    expect(refusal("r: [a]  # one\n", ["r"], (c) => c.append(0, ["r"], "b"))).toBe(
      "k.yaml:1:4: r is written in flow style; cannot add 'b' to r: write r in block style (a '- ' line per item, a 'key: value' line per field) and run again",
    );
  });

  it("removes a key with its line", () => {
    const cst = new YamlCst(kustomization);
    cst.remove(0, ["images", 1, "digest"]);
    expect(cst.toString()).toBe(kustomization.replace("    digest: sha256:aaaa\n", ""));
    expect(() => cst.remove(0, ["images", 1, "name"])).toThrow(/first entry/);
  });

  it("appends an item to a block sequence, indented like the others", () => {
    const text = "resources:\n  - a.yaml   # first\n  - b.yaml\nother: 1\n";
    const cst = new YamlCst(text);
    cst.append(0, ["resources"], "c.yaml");
    expect(cst.toString()).toBe("resources:\n  - a.yaml   # first\n  - b.yaml\n  - c.yaml\nother: 1\n");
    const flat = new YamlCst("resources:\n- a.yaml\n");
    flat.append(0, ["resources"], "yes");
    expect(flat.toString()).toBe('resources:\n- a.yaml\n- "yes"\n');
    expect(() => new YamlCst("r: a\n").append(0, ["r"], "b")).toThrow(/not a block sequence/);
  });

  it("adds lines with the file's line break, and keeps a missing final newline missing", () => {
    const cases: Array<[string, (c: YamlCst) => void, string]> = [
      [
        "resources:\r\n  - a.yaml\r\n",
        (c) => c.append(0, ["resources"], "b.yaml"),
        "resources:\r\n  - a.yaml\r\n  - b.yaml\r\n",
      ],
      [
        "resources:\n  - a.yaml # one",
        (c) => c.append(0, ["resources"], "b.yaml"),
        "resources:\n  - a.yaml # one\n  - b.yaml",
      ],
      [
        "resources:\r\n  - a.yaml",
        (c) => c.append(0, ["resources"], "b.yaml"),
        "resources:\r\n  - a.yaml\r\n  - b.yaml",
      ],
      [
        "images:\r\n  - name: x\r\n    newTag: v1\r\n",
        (c) => c.insert(0, ["images", 0], "digest", "sha256:aa"),
        "images:\r\n  - name: x\r\n    newTag: v1\r\n    digest: sha256:aa\r\n",
      ],
      [
        "images:\n  - name: x\n    newTag: v1",
        (c) => c.insert(0, ["images", 0], "digest", "sha256:aa"),
        "images:\n  - name: x\n    newTag: v1\n    digest: sha256:aa",
      ],
    ];
    for (const [text, edit, expected] of cases) {
      const cst = new YamlCst(text);
      edit(cst);
      expect(cst.toString()).toBe(expected);
    }
  });

  it("removes a sequence item with its line", () => {
    const text = "resources:\n  - a.yaml\n  - b.yaml # two\n  - c.yaml\n";
    for (const [i, expected] of [
      [1, "resources:\n  - a.yaml\n  - c.yaml\n"],
      [0, "resources:\n  - b.yaml # two\n  - c.yaml\n"],
      [2, "resources:\n  - a.yaml\n  - b.yaml # two\n"],
    ] as const) {
      const cst = new YamlCst(text);
      cst.removeItem(0, ["resources"], i);
      expect(cst.toString()).toBe(expected);
    }
  });

  it("removing the only item of a mapping's sequence leaves an empty list, not a null", () => {
    for (const [text, expected] of [
      ["kind: K\nresources:\n  - a.yaml # one\nnext: 1\n", "kind: K\nresources: []\nnext: 1\n"],
      ["kind: K\nresources:\n- a.yaml", "kind: K\nresources: []"],
      ["kind: K\r\nresources:\r\n  - a.yaml\r\n", "kind: K\r\nresources: []\r\n"],
    ] as const) {
      const cst = new YamlCst(text);
      cst.removeItem(0, ["resources"], 0);
      expect(cst.toString()).toBe(expected);
      expect(parse(cst.toString())).toEqual({
        kind: "K",
        resources: [],
        ...(text.includes("next") ? { next: 1 } : {}),
      });
    }
    expect(() => new YamlCst("- - a\n").removeItem(0, [0], 0)).toThrow(/cannot remove the only item/);
  });
});
