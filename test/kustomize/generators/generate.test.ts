import { describe, expect, it } from "vitest";
import { SlipwayError } from "../../../src/errors.js";
import { MemoryFileSystem } from "../../../src/fs/filesystem.js";
import {
  type GeneratorArgs,
  generateConfigMap,
  generateSecret,
  generatorBehavior,
  nameHash,
  noLoadRestrictor,
  rootOnlyLoadRestrictor,
  type SecretArgs,
  wrappedBase64,
} from "../../../src/kustomize/generators/index.js";
import type { YamlMap } from "../../../src/kustomize/types.js";

// Expected values below were printed by `kubectl kustomize` (kustomize v5.5.0) for the same inputs.

const DIR = "/k";

function cm(args: GeneratorArgs, files: Record<string, string | Buffer> = {}) {
  const fs = new MemoryFileSystem(files);
  fs.mkdir(DIR);
  return generateConfigMap(args, undefined, fs, DIR, rootOnlyLoadRestrictor(DIR));
}

function secret(args: SecretArgs, files: Record<string, string | Buffer> = {}) {
  const fs = new MemoryFileSystem(files);
  fs.mkdir(DIR);
  return generateSecret(args, undefined, fs, DIR, rootOnlyLoadRestrictor(DIR));
}

function cmError(args: GeneratorArgs, files: Record<string, string | Buffer> = {}): SlipwayError {
  try {
    cm(args, files);
  } catch (err) {
    expect(err).toBeInstanceOf(SlipwayError);
    return err as SlipwayError;
  }
  throw new Error("expected an error");
}

describe("literals", () => {
  it("splits at the first '=' and strips one pair of matching quotes", () => {
    const g = cm({
      name: "c",
      literals: [
        'q1="v"',
        "q2='v'",
        "q3=\"v'",
        'q4="',
        'q5=""',
        "q6=a=b",
        "q7=",
        'q8=" x "',
        'q9="a"b"',
        " q10=v",
      ],
    });
    expect(g.object).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c" },
      data: {
        " q10": "v",
        q1: "v",
        q2: "v",
        q3: "\"v'",
        q4: '"',
        q5: "",
        q6: "a=b",
        q7: "",
        q8: " x ",
        q9: 'a"b',
      },
    });
    expect(Object.keys(g.object.data as YamlMap)[0]).toBe(" q10");
    expect(nameHash(g.object)).toBe("m7k556ghmm");
    expect(g).toMatchObject({ behavior: "create", needsHash: true });
  });

  it("does not validate keys (kustomize's key validator is a no-op)", () => {
    for (const [lit, hash] of [
      ["a b=1", "5ck52bh8kf"],
      ["a/b=1", "ctfh8798tt"],
      ["..a=1", "hkf5cgt6gt"],
      [".=1", "f8hcth67fc"],
      ["é=1", "5g7g8kh899"],
      ["1a=1", "khfdgcfc2g"],
    ] as const) {
      const g = cm({ name: "c", literals: [lit] });
      expect(nameHash(g.object)).toBe(hash);
    }
  });

  it("rejects a literal without key or '='", () => {
    expect(cmError({ name: "c", literals: ["a=1", "=v"] }).message).toBe(
      "loading KV pairs: literal sources [a=1 =v]: invalid literal source =v, expected key=value",
    );
    expect(cmError({ name: "c", literals: ["k"] }).message).toContain("invalid literal source k");
    expect(cmError({ name: "c", literals: ["k"] }).file).toBe("/k/kustomization.yaml");
  });

  it("hashes values with Go's JSON escapes", () => {
    expect(nameHash(cm({ name: "c", literals: ["a=x\by"] }).object)).toBe("gf8748767c");
    expect(nameHash(cm({ name: "d", literals: ["a=x\u2028y<>&é😀"] }).object)).toBe("75tmk8ffb4");
  });
});

describe("files", () => {
  const files = {
    "/k/sub/x.txt": "hi\n",
    "/k/bin.dat": Buffer.from([0x61, 0xff, 0xfe, 0x62]),
    "/k/big.bin": Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
    "/k/dir/f": "x",
    "/outside.txt": "out\n",
  };

  it("uses the basename as key unless key=path is given", () => {
    const g = cm({ name: "c", files: ["sub/x.txt"] }, files);
    expect(g.object.data).toEqual({ "x.txt": "hi\n" });
    expect(nameHash(g.object)).toBe("gf88dk497g");
    expect(cm({ name: "c", files: ["/k/sub/x.txt"] }, files).object.data).toEqual({ "x.txt": "hi\n" });
    expect(cm({ name: "c", files: ["sub/../sub/x.txt"] }, files).object.data).toEqual({ "x.txt": "hi\n" });
    const k = cm({ name: "c", files: ["k=sub/x.txt"] }, files);
    expect(k.object.data).toEqual({ k: "hi\n" });
    expect(nameHash(k.object)).toBe("28k6k2h65c");
  });

  it("puts non-UTF-8 content in binaryData, base64 cut into 70-character lines", () => {
    const small = cm({ name: "c", files: ["bin.dat"] }, files);
    expect(small.object).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c" },
      binaryData: { "bin.dat": "Yf/+Yg==" },
    });
    expect(nameHash(small.object)).toBe("5hg988dcdc");
    const big = cm({ name: "c", files: ["big.bin"] }, files);
    const text = (big.object.binaryData as YamlMap)["big.bin"] as string;
    expect(text.split("\n").map((l) => l.length)).toEqual([70, 70, 70, 70, 64, 0]);
    expect(nameHash(big.object)).toBe("c78cgkgd5t");
  });

  it("keeps data before binaryData only when the first sorted key is text", () => {
    const g = cm({ name: "c", files: ["a=bin.dat", "b=sub/x.txt"] }, files);
    expect(Object.keys(g.object)).toEqual(["apiVersion", "kind", "metadata", "binaryData", "data"]);
  });

  it("keeps a UTF-8 BOM in file content", () => {
    const g = cm({ name: "c", files: ["b.txt"] }, { "/k/b.txt": "\ufeffhi" });
    expect(g.object.data).toEqual({ "b.txt": "\ufeffhi" });
  });

  it("reports malformed sources, directories, missing files and files outside the root", () => {
    expect(cmError({ name: "c", files: ["=sub/x.txt"] }, files).message).toBe(
      'loading KV pairs: file sources [=sub/x.txt]: missing key name for file path "sub/x.txt" in source "=sub/x.txt"',
    );
    expect(cmError({ name: "c", files: ["k="] }, files).message).toContain(
      'missing file path for key name "k" in source "k="',
    );
    expect(cmError({ name: "c", files: ["a=b=c"] }, files).message).toContain(
      `source "a=b=c" key name or file path contains '='`,
    );
    expect(cmError({ name: "c", files: ["dir"] }, files).message).toContain(
      "'/k/dir' must resolve to a file",
    );
    expect(cmError({ name: "c", files: ["sub/"] }, files).message).toContain(
      "'/k/sub' must resolve to a file",
    );
    expect(cmError({ name: "c", files: ["missing.txt"] }, files).message).toContain("/k/missing.txt");
    expect(cmError({ name: "c", files: ["../outside.txt"] }, files).message).toContain(
      "security; file '/outside.txt' is not in or below '/k'",
    );
    expect(cmError({ name: "c", files: ["https://example.com/x"] }, files).message).toContain("remote");
  });

  it("reads outside the root when the restrictor allows it", () => {
    const fs = new MemoryFileSystem(files);
    const g = generateConfigMap(
      { name: "c", files: ["../outside.txt"] },
      undefined,
      fs,
      DIR,
      noLoadRestrictor,
    );
    expect(g.object.data).toEqual({ "outside.txt": "out\n" });
  });
});

describe("env files", () => {
  it("parses comments, blanks, BOM, CRLF, bare keys and keeps values verbatim", () => {
    const content = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(
        'FIRST=1\r\n# comment\n\n   \n  LEAD=2\nexport EXP=3\nTRAIL=4   \nEMPTY=\nQ="quoted"\nFROMENV\nUNSETENV\n\t#tabcomment\nEQ=a=b\nSP= x\n=skipped\n',
      ),
    ]);
    const g = cm({ name: "c", envs: ["a.env"] }, { "/k/a.env": content });
    expect(g.object.data).toEqual({
      EMPTY: "",
      EQ: "a=b",
      FIRST: "1",
      FROMENV: "",
      LEAD: "2",
      Q: '"quoted"',
      SP: " x",
      TRAIL: "4   ",
      UNSETENV: "",
      "export EXP": "3",
    });
    expect(nameHash(g.object)).toBe("tkdg654b99");
  });

  it("does not read values from the process environment", () => {
    process.env.SLIPWAY_GEN_TEST = "set";
    const g = cm({ name: "c", envs: ["a.env"] }, { "/k/a.env": "SLIPWAY_GEN_TEST\n" });
    delete process.env.SLIPWAY_GEN_TEST;
    expect(g.object.data).toEqual({ SLIPWAY_GEN_TEST: "" });
  });

  it("drops a BOM only on the first line and keeps keys kustomize does not validate", () => {
    const g = cm({ name: "c", envs: ["a.env"] }, { "/k/a.env": "A=1\n\ufeffB=2\nKEY =v\n1K=v\n" });
    expect(g.object.data).toEqual({ A: "1", "\ufeffB": "2", "KEY ": "v", "1K": "v" });
  });

  it("stops silently at a line of 64 KiB or more, as Go's bufio.Scanner does", () => {
    const keys = (n: number, tail: string) =>
      Object.keys(
        cm({ name: "c", envs: ["a.env"] }, { "/k/a.env": `Z=1\nA=${"x".repeat(n)}${tail}` }).object.data ??
          {},
      );
    expect(keys(65533, "\nB=2")).toEqual(["A", "B", "Z"]);
    expect(keys(65534, "\nB=2")).toEqual(["Z"]);
    expect(keys(65534, "")).toEqual(["Z"]);
    expect(keys(65533, "\r\nB=1")).toEqual(["Z"]);
  });

  it("rejects invalid UTF-8 with the file and line", () => {
    const err = cmError(
      { name: "c", envs: ["a.env"] },
      { "/k/a.env": Buffer.from([0x41, 0x3d, 0x31, 0x0a, 0xff, 0xfe, 0x3d, 0x32, 0x0a]) },
    );
    expect(err.message).toContain("env source files [a.env]: line [255 254 61 50] has invalid utf8 bytes");
    expect(err.file).toBe("/k/a.env");
    expect(err.line).toBe(2);
  });

  it("reads envs, then the legacy env, then literals and files", () => {
    const files = { "/k/a.env": "B=2\n", "/k/b.env": "C=3\n" };
    const g = secret({ name: "s", literals: ["A=1"], envs: ["a.env"], env: "b.env" }, files);
    expect(g.object.data).toEqual({ A: "MQ==", B: "Mg==", C: "Mw==" });
    expect(nameHash(g.object)).toBe("7k229gtdkt");
    const missing = cmError({ name: "c", literals: ["bad"], envs: ["missing.env"] });
    expect(missing.message).toContain("env source files [missing.env]");
  });
});

describe("duplicates, names, options", () => {
  it("rejects a repeated key, naming the generator", () => {
    const err = cmError({ name: "c", literals: ["A=1"], envs: ["a.env"] }, { "/k/a.env": "A=2\n" });
    expect(err.message).toBe("configmap c illegally repeats the key `A`");
  });

  it("requires a name", () => {
    expect(cmError({ name: "" }).message).toBe("a configmap must have a name");
  });

  it("applies namespace, sorted labels and annotations, immutable; no data field when empty", () => {
    const g = cm({
      name: "c",
      namespace: "ns1",
      behavior: "bogus",
      options: { immutable: true, labels: { b: "2", a: "1" }, annotations: { z: "1" } },
    });
    expect(g.object).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", namespace: "ns1", labels: { a: "1", b: "2" }, annotations: { z: "1" } },
      immutable: true,
    });
    expect(Object.keys((g.object.metadata as YamlMap).labels as YamlMap)).toEqual(["a", "b"]);
    expect(nameHash(g.object)).toBe("6ct58987ht");
    expect(g.behavior).toBe("create");
  });

  it("honours disableNameSuffixHash from either level", () => {
    const fs = new MemoryFileSystem();
    const r = noLoadRestrictor;
    expect(
      generateConfigMap({ name: "c", options: { disableNameSuffixHash: true } }, {}, fs, DIR, r).needsHash,
    ).toBe(false);
    expect(
      generateConfigMap(
        { name: "c", options: { disableNameSuffixHash: false } },
        { disableNameSuffixHash: true },
        fs,
        DIR,
        r,
      ).needsHash,
    ).toBe(false);
    const g = generateSecret({ name: "s" }, { labels: { a: "g" }, immutable: true }, fs, DIR, r);
    expect(g.object.metadata).toEqual({ name: "s", labels: { a: "g" } });
    expect(g.object.immutable).toBe(true);
  });

  it("maps behaviors like kustomize", () => {
    expect(generatorBehavior("merge")).toBe("merge");
    expect(generatorBehavior("replace")).toBe("replace");
    expect(generatorBehavior("create")).toBe("create");
    expect(generatorBehavior(undefined)).toBe("create");
    expect(generatorBehavior("Merge")).toBe("create");
  });
});

describe("secrets", () => {
  it("always has data, base64 values, type Opaque by default", () => {
    const empty = secret({ name: "s", type: "kubernetes.io/tls", options: { immutable: true } });
    expect(empty.object).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s" },
      type: "kubernetes.io/tls",
      data: {},
      immutable: true,
    });
    expect(nameHash(empty.object)).toBe("694464d966");
    const g = secret(
      { name: "s2", literals: ["k=v"], files: ["b.bin"] },
      { "/k/b.bin": Buffer.from([0xff]) },
    );
    expect(g.object).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s2" },
      type: "Opaque",
      data: { "b.bin": "/w==", k: "dg==" },
    });
    expect(nameHash(g.object)).toBe("df4bccf82t");
  });
});

describe("wrappedBase64", () => {
  it("adds a newline after every line once the text reaches 70 characters", () => {
    expect(wrappedBase64(Buffer.alloc(0))).toBe("");
    expect(wrappedBase64(Buffer.alloc(51))).toBe("A".repeat(68));
    expect(wrappedBase64(Buffer.alloc(52))).toBe(`${"A".repeat(70)}\n==\n`);
    expect(wrappedBase64(Buffer.alloc(105))).toBe(`${"A".repeat(70)}\n${"A".repeat(70)}\n`);
  });
});

describe("values kustomize cannot render", () => {
  it("rejects a multi-line ConfigMap value that starts with a tab, and keys YAML reads as non-strings", () => {
    expect(cmError({ name: "c", literals: ["a=\tx\ny"] }).message).toContain("starts with a tab");
    expect(cm({ name: "c", literals: ["a=\n\tx", "b=\tx"] }).object.data).toEqual({ a: "\n\tx", b: "\tx" });
    expect(secret({ name: "s", literals: ["a=\tx\ny"] }).object.data).toEqual({ a: "CXgKeQ==" });
    expect(cmError({ name: "c", literals: ["4=x"] }).message).toContain('data key of c "4" is not a string');
    expect(cmError({ name: "c", options: { labels: { true: "x" } } }).message).toContain('label of c "true"');
  });
});
