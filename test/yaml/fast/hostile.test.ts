/**
 * Input built to hurt a reader: the fast reader must neither overflow the stack nor answer
 * differently; deep nesting goes to the full path (and its limits), huge scalars and big
 * streams are read iteratively. Wall time is measured by scripts/bench-yaml.js, not here.
 */
import { describe, expect, it } from "vitest";
import { readRawYamlFast } from "../../../src/helm/yaml.js";
import { scanFastYaml } from "../../../src/yaml/fast/index.js";
import { parseYamlDocuments, parseYamlDocumentsFast } from "../../../src/yaml/parse.js";
import { compareReaders } from "./corpus.js";

describe("the fast YAML reader on hostile input", () => {
  it.each([
    ["compact sequences 100,000 deep", `${"- ".repeat(100_000)}x\n`],
    ["flow sequences 100,000 deep", `a: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`],
    ["block mappings 3,000 deep", Array.from({ length: 3000 }, (_, i) => `${" ".repeat(i)}k:`).join("\n")],
  ])("leaves %s to the full path without overflowing", (_, text) => {
    expect(scanFastYaml(text)).toBeUndefined();
    expect(parseYamlDocumentsFast(text)).toBeUndefined();
    expect(readRawYamlFast(text)).toBeUndefined();
  });

  it("refuses exactly the characters go-yaml refuses (and the few it leaves to the full path)", () => {
    // The reader's character check, as it was written before its prefilter.
    const refused =
      /[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]/u;
    const texts: string[] = [];
    for (let c = 0; c <= 0xffff; c++) texts.push(`a: x${String.fromCharCode(c)}y\n`);
    // surrogate pairs (an astral character, allowed), reversed pairs and lone halves at the end
    for (const pair of ["\ud83d\ude00", "\udbff\udfff", "\ude00\ud83d", "\ud83d", "\ude00"])
      texts.push(`a: x${pair}`, `a: ${pair}\n`);
    let read = 0;
    for (const text of texts) {
      const fast = scanFastYaml(text);
      if (refused.test(text)) expect(fast, JSON.stringify(text)).toBeUndefined();
      else if (fast !== undefined) read++;
    }
    // every character the check lets through is read (a few, like "#", end the plain scalar)
    expect(read).toBeGreaterThan(60_000);
  });

  it("agrees with the full path at the deepest nesting it reads", () => {
    const text = `${Array.from({ length: 100 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n")} end\n`;
    const r = compareReaders(text, "deep.yaml");
    expect(r.problems).toEqual([]);
    expect(r.bailed).toEqual({ kyaml: false, helm: false });
  });

  it.each([
    ["a 4 MB plain scalar", `a: ${"x".repeat(4 << 20)}\nb: 1\n`],
    ["a 4 MB double-quoted scalar", `a: "${"\\t x".repeat(1 << 20)}"\n`],
    ["a 4 MB literal block", `a: |\n${"  line of text\n".repeat(300_000)}b: 1\n`],
    ["a 4 MB folded multi-line plain scalar", `a: start\n${"  more words here\n".repeat(250_000)}b: 1\n`],
    ["a key near the length limit", `${"k".repeat(999)}: v\n${"k".repeat(1100)}: w\n`],
  ])("reads %s like the full path", (_, text) => {
    const r = compareReaders(text, "huge.yaml");
    expect(r.problems).toEqual([]);
  });

  it("reads a 20 MB stream of 40,000 documents one level at a time", () => {
    const doc = (i: number) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  labels: {app: x}\ndata:\n  key: |\n${"    some text\n".repeat(30)}  n: "${i}"\n`;
    const text = Array.from({ length: 40_000 }, (_, i) => doc(i)).join("---\n");
    expect(text.length).toBeGreaterThan(20e6);
    const docs = parseYamlDocumentsFast(text);
    expect(docs).toHaveLength(40_000);
    // Spot-check against the full path, one document at a time.
    for (const i of [0, 12_345, 39_999]) {
      expect(docs?.[i]?.value).toEqual(parseYamlDocuments(doc(i), "one.yaml")[0]?.value);
    }
  }, 120_000);
});
