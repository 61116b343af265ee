/**
 * Plain words at the edge of the kustomize reader's shortcut (src/yaml/fast/kyaml.ts isPlainText:
 * a letter-led word is text unless it could be a YAML 1.1/1.2 bool or null): as keys and values,
 * in block and flow style, both readers (go-yaml v3 and YAMLToJSON's v2) answer as the full path.
 */
import { describe, expect, it } from "vitest";
import { parseYamlDocuments } from "../../../src/yaml/parse.js";
import { compareReaders } from "./corpus.js";

const words = [
  ..."yYnNtTfFoOaZ".split(""),
  ...["yes", "Yes", "YES", "yEs", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "oN"],
  ...["true", "True", "TRUE", "tRue", "false", "False", "FALSE", "fAlse", "null", "Null", "NULL", "nUll"],
  ...["falsy", "truest", "nulls", "yess", "offset", "onion", "type", "name", "object", "string"],
];

describe("fast reader: letter-led plain words", () => {
  it("reads each as the full path does", () => {
    const problems: string[] = [];
    for (const w of words) {
      const text = `${w}: ${w}\nk:\n  ${w}: [${w}, x]\n  f: {${w}: ${w}}\nl:\n- ${w}\n`;
      problems.push(...compareReaders(text, "words.yaml").problems);
    }
    expect(problems).toEqual([]);
  });

  it("answers them itself", () => {
    // v2 reads `no` as false; v3 keeps it: the shortcut must not take either reading from the other.
    expect(parseYamlDocuments("no: no\nyes: [on]\n", "f.yaml", { yamlToJson: true })[0]?.value).toEqual({
      false: false,
      true: [true],
    });
    expect(parseYamlDocuments("no: no\nyes: [on]\nt: TRUE\n", "f.yaml")[0]?.value).toEqual({
      no: "no",
      yes: ["on"],
      t: true,
    });
  });
});
