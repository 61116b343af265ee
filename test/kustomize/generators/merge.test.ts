import { describe, expect, it } from "vitest";
import { MemoryFileSystem } from "../../../src/fs/filesystem.js";
import type { YamlMap } from "../../../src/kustomize/types.js";
import {
  type GeneratedObject,
  generateConfigMap,
  generateSecret,
  goJsonForTest,
  hashInput,
  mergedNeedsHash,
  mergeGenerated,
  mergeGeneratorOptions,
  nameHash,
  noLoadRestrictor,
} from "./helpers.js";

// Expected values below were printed by `kubectl kustomize` (kustomize v5.5.0) for the same inputs.

const fs = new MemoryFileSystem();
const gen = (args: Parameters<typeof generateConfigMap>[0]) =>
  generateConfigMap(args, undefined, fs, "/k", noLoadRestrictor);

describe("mergeGeneratorOptions", () => {
  it("lets the generator win per key and ORs the booleans", () => {
    expect(
      mergeGeneratorOptions(
        {
          labels: { a: "g", b: "g" },
          annotations: { x: "g" },
          disableNameSuffixHash: true,
          immutable: false,
        },
        { labels: { a: "l" }, disableNameSuffixHash: false, immutable: true },
      ),
    ).toEqual({
      labels: { a: "l", b: "g" },
      annotations: { x: "g" },
      disableNameSuffixHash: true,
      immutable: true,
    });
    expect(mergeGeneratorOptions(undefined, undefined)).toBeUndefined();
    expect(mergeGeneratorOptions({ labels: { a: "g" } }, undefined)).toEqual({ labels: { a: "g" } });
    const local = { labels: { a: "l" } };
    mergeGeneratorOptions({ labels: { b: "g" } }, local);
    expect(local).toEqual({ labels: { a: "l" } });
  });
});

describe("mergeGenerated", () => {
  const plain: YamlMap = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "cm", labels: { x: "1" }, annotations: { y: "2" } },
    data: { a: "1", n: 5 },
    binaryData: { bb: "AAEC" },
    immutable: true,
  };

  it("merges data, binaryData, labels and annotations; drops the old immutable", () => {
    const g = gen({ name: "cm", behavior: "merge", literals: ["b=1"], options: { labels: { x: "9" } } });
    const merged = mergeGenerated(plain, g);
    expect(merged).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cm", labels: { x: "9" }, annotations: { y: "2" } },
      data: { a: "1", b: "1", n: "5" },
      binaryData: { bb: "AAEC" },
    });
    expect(Object.keys(merged)).toEqual(["apiVersion", "kind", "metadata", "data", "binaryData"]);
    expect(g.object.data).toEqual({ b: "1" });
  });

  it("replace keeps only the merged metadata from the existing resource", () => {
    const g = gen({ name: "cm", behavior: "replace", literals: ["b=1"], options: { labels: { x: "9" } } });
    expect(mergeGenerated(plain, g)).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cm", labels: { x: "9" }, annotations: { y: "2" } },
      data: { b: "1" },
    });
  });

  it("takes the existing name and namespace", () => {
    const existing = { ...plain, metadata: { name: "p-cm", namespace: "ns" } };
    const g = gen({ name: "cm", behavior: "merge", literals: ["b=1"] });
    expect(mergeGenerated(existing, g).metadata).toEqual({ name: "p-cm", namespace: "ns" });
    const g2 = gen({ name: "cm", namespace: "default", behavior: "merge", literals: ["b=1"] });
    expect(mergeGenerated({ ...plain, metadata: { name: "cm" } }, g2).metadata).toEqual({ name: "cm" });
  });

  it("uses the incoming Secret type even when it is the default", () => {
    const base = generateSecret(
      { name: "s", type: "kubernetes.io/tls", literals: ["a=1"] },
      undefined,
      fs,
      "/k",
      noLoadRestrictor,
    );
    const over = generateSecret(
      { name: "s", behavior: "merge", literals: ["b=1"] },
      undefined,
      fs,
      "/k",
      noLoadRestrictor,
    );
    const merged = mergeGenerated(base.object, over);
    expect(merged).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s" },
      type: "Opaque",
      data: { a: "MQ==", b: "MQ==" },
    });
    expect(nameHash(merged)).toBe("95456cdh5m");
  });

  it("keeps the existing origin annotation on merge", () => {
    const origin = "config.kubernetes.io/origin";
    const existing = { ...plain, metadata: { name: "cm", annotations: { [origin]: "old" } } };
    const g = gen({ name: "cm", behavior: "merge", options: { annotations: { [origin]: "new" } } });
    expect((mergeGenerated(existing, g).metadata as YamlMap).annotations).toEqual({ [origin]: "old" });
    const r: GeneratedObject = { ...g, behavior: "replace" };
    expect((mergeGenerated(existing, r).metadata as YamlMap).annotations).toEqual({ [origin]: "new" });
  });

  it("hashes only when both sides want a hash", () => {
    const on = gen({ name: "cm", behavior: "merge" });
    const off = gen({ name: "cm", behavior: "merge", options: { disableNameSuffixHash: true } });
    expect(mergedNeedsHash(true, on)).toBe(true);
    expect(mergedNeedsHash(true, off)).toBe(false);
    expect(mergedNeedsHash(false, on)).toBe(false);
    expect(mergedNeedsHash(false, off)).toBe(false);
  });
});

describe("nameHash", () => {
  it("ignores the name, namespace, labels, annotations and immutable", () => {
    const a = gen({ name: "a", literals: ["k=v"] }).object;
    const b = gen({
      name: "b",
      namespace: "x",
      literals: ["k=v"],
      options: { labels: { l: "1" }, immutable: true },
    }).object;
    expect(nameHash(a)).toBe(nameHash(b));
    expect(hashInput(a)).toBe('{"data":{"k":"v"},"kind":"ConfigMap","name":""}');
  });

  it("hashes patched non-string data and Secret stringData like kustomize", () => {
    const cm: YamlMap = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c" },
      data: { a: "1", b: true, big: 123456789012345678901234567890n, f: 1.5, n: 5 },
    };
    expect(nameHash(cm)).toBe("dm54hhbc6g");
    const s: YamlMap = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s" },
      data: { a: "MQ==" },
      stringData: { x: "<y>" },
      type: "Opaque",
    };
    expect(nameHash(s)).toBe("7cgf8kk952");
  });

  it("encodes missing, scalar and sequence fields as Go does", () => {
    expect(hashInput({ kind: "Secret" })).toBe('{"data":"","kind":"Secret","name":"","type":""}');
    expect(hashInput({ kind: "ConfigMap", data: "x", binaryData: [] })).toBe(
      '{"binaryData":null,"data":"x","kind":"ConfigMap","name":""}',
    );
    expect(hashInput({ kind: "ConfigMap", "metadata/name": "n", binaryData: 5 })).toBe(
      '{"data":"","kind":"ConfigMap","name":"n"}',
    );
  });
});

describe("Go JSON", () => {
  it("escapes like encoding/json", () => {
    expect(goJsonForTest('a<b>&\u2028\u2029\b\f\n\r\t"\\\u0001\u007fé😀')).toBe(
      '"a\\u003cb\\u003e\\u0026\\u2028\\u2029\\b\\f\\n\\r\\t\\"\\\\\\u0001\u007fé😀"',
    );
    expect(goJsonForTest({ b: 1e21, a: 1e-7, é: [null, 0.5] })).toBe('{"a":1e-7,"b":1e+21,"é":[null,0.5]}');
  });
});
