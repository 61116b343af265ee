/**
 * Values files and Chart.yaml in UTF-16 (src/helm/utf16.ts): Slipway against Helm 4.1.4, and
 * the same verdicts recorded from it for runs without the oracle.
 */
import { describe, expect, it } from "vitest";
import { composeUserValues } from "../../src/helm/values.js";
import { requires } from "../support/env.js";
import { both, type Tree } from "./differential.js";

const BE = Buffer.from([0xfe, 0xff]);
const LE = Buffer.from([0xff, 0xfe]);
const be = (text: string) => Buffer.concat([BE, Buffer.from(text, "utf16le").swap16()]);
const le = (text: string) => Buffer.concat([LE, Buffer.from(text, "utf16le")]);

/** name, bytes, the values Helm reads from them (as JSON) or the end of its error. */
const cases: Array<[string, Uint8Array, string]> = [
  [
    "UTF-16LE: the line splitter adds a byte",
    le("a: h\u00e9llo\nb: 2\n"),
    "yaml: incomplete UTF-16 character",
  ],
  ["UTF-16LE with CRLF", le("a: one\r\nb: two\r\n"), "yaml: incomplete UTF-16 character"],
  ["UTF-16LE, the mark alone (gains a newline byte)", LE, "yaml: incomplete UTF-16 character"],
  ["UTF-16BE", be("b: thr\u00e9e\n"), '{"b":"thrée"}'],
  ["UTF-16BE, the mark alone (gains a newline byte)", BE, "yaml: incomplete UTF-16 character"],
  ["UTF-16BE: only the first YAML document", be("a: one\n---\nb: two\n"), '{"a":"one"}'],
  ["UTF-16BE with CRLF", be("a: one\r\nb: two\r\n"), '{"a":"one","b":"two"}'],
  ["UTF-16BE without a final newline", be("a: one\r\nb: two"), "yaml: incomplete UTF-16 character"],
  ["UTF-16BE surrogate pair", be("a: \u{1f600}\n"), '{"a":"😀"}'],
  [
    "UTF-16BE lone low surrogate",
    Buffer.concat([BE, Buffer.from([0, 0x61, 0, 0x3a, 0, 0x20, 0xdc, 0, 0, 0x0a])]),
    "yaml: unexpected low surrogate area",
  ],
  [
    "UTF-16BE high surrogate without its low one",
    Buffer.concat([BE, Buffer.from([0, 0x61, 0, 0x3a, 0, 0x20, 0xd8, 0, 0, 0x78, 0, 0x0a])]),
    "yaml: expected low surrogate area",
  ],
  ["UTF-16BE control character", be("a: x\u0001y\n"), "yaml: control characters are not allowed"],
  ["UTF-16BE nested", be("b:\n  c: d\n# comment\nl: [1, 2]\n"), '{"b":{"c":"d"},"l":[1,2]}'],
  [
    "UTF-16BE list",
    be("- a\n"),
    "json: cannot unmarshal array into Go value of type map[string]interface {}",
  ],
];

const plain = (v: unknown): unknown =>
  v instanceof Map
    ? Object.fromEntries([...v].map(([k, x]) => [k, plain(x)]))
    : Array.isArray(v)
      ? v.map(plain)
      : v;

describe("UTF-16 values files, as Helm 4.1.4 reads them", () => {
  it.each(cases)("%s", (_, bytes, expected) => {
    const read = () => JSON.stringify(plain(composeUserValues({ files: [{ name: "v.yaml", text: bytes }] })));
    if (expected.startsWith("{")) expect(read()).toBe(expected);
    else expect(read).toThrow(expected);
  });
});

describe.runIf(requires("helm"))("UTF-16 YAML: Slipway vs Helm 4.1.4", () => {
  const chart = (values: string | Uint8Array, chartYaml: string | Uint8Array): Tree => ({
    "chart/Chart.yaml": chartYaml,
    "chart/values.yaml": values,
    "chart/templates/cm.yaml": "kind: ConfigMap\ndata:\n  v: {{ toJson .Values | quote }}\n",
  });
  const plainChart = "apiVersion: v2\nname: u\nversion: 0.1.0\n";
  const agree = (files: Tree, args: string[]) => {
    const { helm, slipway } = both(files, args);
    expect([slipway.ok, slipway.stdout]).toEqual([helm.ok, helm.stdout]);
    if (!helm.ok)
      expect(slipway.stderr.trim().split("\n").at(-1)).toBe(helm.stderr.trim().split("\n").at(-1));
  };

  it.each(cases)("values.yaml: %s", (_, bytes) => agree(chart(bytes, plainChart), ["r", "chart"]));
  it.each(cases)("-f file: %s", (_, bytes) =>
    agree({ ...chart("z: 1\n", plainChart), "v.yaml": bytes }, ["r", "chart", "-f", "v.yaml"]),
  );
  it.each([
    ["UTF-16LE", le(plainChart)],
    ["UTF-16BE", be(plainChart)],
    ["UTF-16BE, an odd byte at the end", Buffer.concat([be(plainChart), Buffer.from([0])])],
    ["UTF-16BE control character", be(`${plainChart}description: a\u0002b\n`)],
  ])("Chart.yaml: %s (read without the line splitter)", (_, bytes) =>
    agree(chart("z: 1\n", bytes), ["r", "chart"]),
  );
});
