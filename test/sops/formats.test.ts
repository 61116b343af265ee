import { describe, expect, it } from "vitest";
import { emitYaml, loadYaml } from "../../src/sops/formats/yaml.js";
import { quoteSingleLine, resolvePlain } from "../../src/sops/formats/yaml-scalar.js";
import { createSecretMasker, isSopsEncrypted, maskSecretValues } from "../../src/sops/mask.js";
import { Branch, SopsTime } from "../../src/sops/tree.js";
import { formatGoFloat } from "../../src/sops/values.js";

describe("go-yaml v3 scalar resolution", () => {
  it.each([
    ["yes", "yes"],
    ["on", "on"],
    ["true", true],
    ["False", false],
    ["~", null],
    ["", null],
    ["0777", 511n],
    ["1_000", 1000n],
    ["0x1F", 31n],
    ["-12", -12n],
    ["08", 8],
    ["3.14", 3.14],
    ["1e3", 1000],
    [".inf", Number.POSITIVE_INFINITY],
    ["1.2.3", "1.2.3"],
  ])("%s → %s", (text, expected) => {
    expect(resolvePlain(text)).toEqual(expected);
  });

  it("timestamps become RFC 3339 times", () => {
    expect(resolvePlain("2024-01-01")).toEqual(new SopsTime("2024-01-01T00:00:00Z"));
    expect(resolvePlain("2024-1-2T3:04:05.500+01:00")).toEqual(new SopsTime("2024-01-02T03:04:05.5+01:00"));
    expect(resolvePlain("2024-02-30")).toBe("2024-02-30");
  });

  it("integers beyond int64 are refused as sops does", () => {
    expect(() => loadYaml("a: 18446744073709551615\n")).toThrow(/int64/);
  });
});

describe("YAML input go-yaml v3 refuses is refused, not rewritten", () => {
  // Before, an undefined alias was encrypted as null and `!!binary SECRETLL2` as the bytes of a
  // lenient decode (decrypting to `!!binary SECRETLLLw==`): a value changed without a word.
  it.each([
    ["an alias to no anchor", "a: x\nb: *nowhere\n", /^unknown anchor 'nowhere' referenced$/, 2],
    ["!!binary with junk", "a: !!binary SECRETLLL2\n", /invalid base64/, 1],
    ["!!binary without padding", "a: !!binary aGk\n", /invalid base64/, 1],
    ["!!binary in the URL alphabet", "a: !!binary _-8=\n", /invalid base64/, 1],
  ])("%s", (_name, text, message, line) => {
    let err: unknown;
    try {
      loadYaml(text);
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).toMatch(message);
    expect((err as { line?: number }).line).toBe(line);
  });

  it("!!binary as Go reads it: line breaks of a block scalar skipped", () => {
    const [doc] = loadYaml("a: !!binary |\n  aGVsbG8g\n  d29ybGQ=\n");
    expect(String((doc!.items[0] as { value: unknown }).value)).toBe("hello world");
  });
});

// sops reads YAML into go-yaml v3 nodes (stores/yaml/store.go), whose decoder goes by a node's
// kind and never by a collection's tag; the tag is not kept in sops' tree, so not written back.
describe("YAML 1.1 collection tags are the plain collections they tag, as go-yaml v3 reads them", () => {
  it.each([
    ["!!set, a mapping of null values", "a: !!set\n  ? x\n  ? y\n", "a:\n  x: null\n  y: null\n"],
    ["!!set in flow", "a: !!set {x, y}\n", "a: {x: null, y: null}\n"],
    ["!!omap with a repeated key", "a: !!omap\n  - k: 1\n  - k: 2\n", "a:\n  - k: 1\n  - k: 2\n"],
    ["!!omap entry of two keys", "a: !!omap\n  - k: 1\n    j: 2\n", "a:\n  - k: 1\n    j: 2\n"],
    ["!!omap bare entry", "a: !!omap\n  - x\n", "a:\n  - x\n"],
    ["!!pairs", "a: !!pairs [k: 1, k: 2]\n", "a: [k: 1, k: 2]\n"],
    ["!!set on a sequence", "a: !!set [x, x]\n", "a: [x, x]\n"],
  ])("%s", (_name, tagged, plain) => {
    expect(loadYaml(tagged)).toEqual(loadYaml(plain));
    expect(emitYaml(loadYaml(tagged), 4)).toBe(emitYaml(loadYaml(plain), 4));
  });

  it("a repeated key of a !!set is refused, as sops refuses it (mapping key already defined)", () => {
    expect(() => loadYaml("a: !!set\n  ? x\n  ? x\n")).toThrow(/unique/);
  });
});

describe("YAML output like sops", () => {
  it.each([
    ["plain", "plain"],
    ["true", '"true"'],
    ["yes", '"yes"'],
    ["0777", '"0777"'],
    ["2024-01-01T00:00:00Z", '"2024-01-01T00:00:00Z"'],
    ["", '""'],
    [" lead", "' lead'"],
    ["a: b", "'a: b'"],
    ["tab\there", '"tab\\there"'],
    ["ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]", "ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]"],
  ])("%j is written as %s", (s, out) => {
    expect(quoteSingleLine(s)).toBe(out);
  });

  it("round-trips a document with comments, lists and block scalars at indent 2 and 4", () => {
    const text =
      "# head\na: 1\nb:\n    # inner\n    c: x\n    l:\n        - 1\n        - k: v\n          m: |\n            lit\nz: 1.5e+09\n";
    expect(emitYaml(loadYaml(text), 4)).toBe(text);
    const two = "a:\n  - x\n  - k: |-\n      two\n      lines\nb: {}\nc: []\n";
    expect(emitYaml(loadYaml(two), 2)).toBe(two);
  });

  it("floats use Go's formats", () => {
    expect(formatGoFloat(1e21)).toBe("1000000000000000000000");
    expect(formatGoFloat(0.000001)).toBe("0.000001");
    expect(formatGoFloat(1.5e-7)).toBe("0.00000015");
    expect(formatGoFloat(Number.POSITIVE_INFINITY)).toBe("+Inf");
    expect(emitYaml([new Branch([{ key: "f", value: 1234567890 }])])).toBe("f: 1.23456789e+09\n");
  });
});

describe("masking", () => {
  it("the same value masks the same within a run, differently across runs, never revealing it", () => {
    const m1 = createSecretMasker();
    const m2 = createSecretMasker();
    const a = m1.mask("hunter22");
    expect(a).toMatch(/^<masked:sha256:[0-9a-f]{8}>$/);
    expect(m1.mask("hunter22")).toBe(a);
    expect(m1.mask("other")).not.toBe(a);
    expect(m2.mask("hunter22")).not.toBe(a);
    expect(maskSecretValues({ data: { k: "hunter22", n: 5 } }, m1)).toEqual({
      data: { k: a, n: m1.mask(5) },
    });
  });

  it("recognises sops documents", () => {
    expect(isSopsEncrypted({ a: "x", sops: { mac: "ENC[...]", lastmodified: "2024-01-01T00:00:00Z" } })).toBe(
      true,
    );
    expect(isSopsEncrypted({ a: "x", sops: "no" })).toBe(false);
    expect(isSopsEncrypted({ kind: "Secret" })).toBe(false);
    expect(isSopsEncrypted(null)).toBe(false);
  });
});
