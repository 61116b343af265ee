/**
 * The emitter keeps the analysis of long scalars by text (src/yaml/emit.ts `analysedScalar`):
 * a text printed again, in another place (value, list item, flow, long key), under another
 * indentation or beside other texts, prints as it does the first time, byte for byte.
 */
import { describe, expect, it } from "vitest";
import type { YamlValue } from "../../src/kustomize/types.js";
import { clearAnalysedScalars, emitYaml } from "../../src/yaml/index.js";

const long = (s: string) => s.repeat(Math.ceil(300 / s.length));

const texts: Array<[string, string]> = [
  ["a multi-line patch", long("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")],
  ["no final break", long("line one\nline two\n").trimEnd()],
  ["leading space", ` ${long("indented\n")}`],
  ["words to fold", long("word ")],
  ["indicators", long("a: b # c, [d] {e} ")],
  ["a tab and trailing space", `${long("x\ty ")} `],
  ["emoji", long("🚀 launch ")],
  ["yes-like", `yes${long(" ")}`],
];

function documents(s: string): YamlValue[] {
  return [
    { value: s },
    { spec: { patches: [{ patch: s, target: { kind: "X" } }] } },
    { list: [s, s] },
    { [s]: "long key" },
    { a: { b: { c: { d: s } } } },
  ];
}

describe("a long scalar printed again", () => {
  it.each(texts)("%s prints as it did the first time", (_, s) => {
    for (const doc of documents(s)) {
      clearAnalysedScalars();
      const fresh = emitYaml(doc);
      // Printed after the same text elsewhere, its analysis kept.
      for (const other of documents(s)) emitYaml(other);
      expect(emitYaml(doc)).toBe(fresh);
    }
  });
});
