/**
 * Generated YAML streams, read by the fast reader and by the full path with both readers
 * (kustomize's and Helm's): wherever the fast reader answers, it answers the same. The streams
 * mix nested mappings and sequences (compact and indentless), tricky plain scalars, quoted and
 * block scalars with every header, multi-line scalars, comments, CRLF, unicode, empty and
 * comment-only documents; some of them are invalid on purpose (the fast reader must then leave
 * them to the full path). Replay a failure with SLIPWAY_FUZZ_SEED.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stream } from "../streams.js";
import { compareReaders } from "./corpus.js";

const seed = process.env.SLIPWAY_FUZZ_SEED ? Number(process.env.SLIPWAY_FUZZ_SEED) : undefined;

describe("fast YAML reader = full path on generated streams", () => {
  it("agrees wherever it answers, for both readers", () => {
    let answered = 0;
    let runs = 0;
    fc.assert(
      fc.property(stream, (text) => {
        runs++;
        const r = compareReaders(text, "gen.yaml");
        if (!r.bailed.kyaml) answered++;
        expect(r.problems).toEqual([]);
      }),
      { numRuns: 1500, seed },
    );
    // The generator aims at the fast subset; if it stopped reaching it, this test would be empty.
    expect(answered).toBeGreaterThan(runs / 4);
  }, 120_000);

  it.each([
    ["plain and quoted", "a: yes\nb: '0x1F'\nc: \"it's: here\"\nd: 'it''s'\ne: ~\n"],
    ["block scalars", "a: |-\n  x\n\n  y\nb: >+\n  p\n  q\n\n\nc: |2\n    indented\n"],
    ["multi-line plain", "a: one\n  two\n\n  three\nb: x\n"],
    ["multi-line quoted", "a: \"one\n  two \\\n  three\n\n  four\"\nb: 'x\n  y'\n"],
    [
      "nested flow collections",
      'a: {drop: ["ALL"], add: [NET_ADMIN]}\nb: [[1, 2], {x: [y]}, []]\nc: {k: {}}\n',
    ],
    ["compact and indentless", "a:\n- b: 1\n  c: [x, 'y']\n- - 1\n  - {}\nd: end\n"],
    ["comments and documents", "# c\n---\na: 1 # c\n  # indented comment\n---\n# only\n---\n- x\n"],
    ["CRLF", 'a: 1\r\nb: |\r\n  x\r\n  y\r\nc: "q"\r\n'],
    ["unicode keys", 'ключ: значение\n日本: 語\n"k: v": x\n'],
    ["a literal block at the end without a line break", "a: |\n  x\n\n  y"],
    ["a kept block at the end without a line break", "b:\n  a: |+\n    x\n    y"],
    ["a stripped folded block at the end without a line break", "a: >-\n  x\n  y\n  "],
    ["a folded block at the end without a line break", "a: >\n  x\n\n  y"],
    ["flow collections in a block sequence", "- {key: app, operator: In, values: [alertmanager]}\n"],
  ])("answers %s like the full path", (_, text) => {
    const r = compareReaders(text, "case.yaml");
    expect(r.problems).toEqual([]);
    expect(r.bailed).toEqual({ kyaml: false, helm: false });
  });

  it.each([
    ["an alias to an unknown anchor", "a: *x\n"],
    ["an alias inside its own anchor", "a: &x\n  b: *x\n"],
    ["an alias to an anchor of an earlier document", "a: &x 1\n---\nb: *x\n"],
    ["an anchor on a key", "&k a: 1\n"],
    ["an anchor on nothing", "a: &x\nb: *x\n"],
    ["heavy aliasing", `a: &x\n${"  - 1\n".repeat(10)}b:\n${"  - *x\n".repeat(20)}`],
    ["a tag", "a: !!str 1\n"],
    ["a merge key", "a: {x: 1}\nb:\n  <<: {y: 2}\n"],
    ["a duplicate key", "a: 1\na: 2\n"],
    ["a tab indentation", "a:\n\tb: 1\n"],
    ["a nested mapping on one line", "a: b: c\n"],
    ["a directive", "%YAML 1.2\n---\na: 1\n"],
    ["an unclosed quote", 'a: "x\n'],
    ["a complex key", "? a\n: b\n"],
    ["flow collections nested 40 deep", `a: ${"[".repeat(40)}x${"]".repeat(40)}\n`],
    ["a block scalar ending on a blank line without a line break", "a: |\n  x\n  "],
    // go-yaml takes them for indicators in a flow collection (found by the property above).
    ["a flow scalar starting with ?", "- {A: ?x}\n"],
    ["a flow scalar starting with :", "a: [:x]\n"],
    // go-yaml ends a flow plain scalar at `?` (found by test/kustomize/yaml-streams.test.ts).
    ["a flow scalar with ? inside", "a: {b: c?d}\n"],
  ])("leaves %s to the full path", (_, text) => {
    const r = compareReaders(text, "case.yaml");
    expect(r.problems).toEqual([]);
    expect(r.bailed.kyaml).toBe(true);
  });
});
