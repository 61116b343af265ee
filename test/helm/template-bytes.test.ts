/**
 * Template files are bytes to Helm: text/template parses them as UTF-8 where it must (actions)
 * and passes any other byte through, strconv.Unquote makes a byte that is not UTF-8 in a quoted
 * literal U+FFFD, and the rendered manifest then goes to go-yaml, whose reader refuses such a
 * byte in its own words. Expected outputs are what Helm 4.1.4 printed; with the oracle the same
 * charts run through both.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { utf8Encode } from "../../src/helm/template/gostring.js";
import { requires } from "../support/env.js";
import { both, runSlipway, type Tree, writeTree } from "./differential.js";

const CHART = "apiVersion: v2\nname: u\nversion: 0.1.0\n";
const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p))));
const chart = (template: Uint8Array, extra: Tree = {}): Tree => ({
  "chart/Chart.yaml": CHART,
  "chart/values.yaml": "a: 1\n",
  "chart/templates/cm.yaml": template,
  ...extra,
});
const SOURCE = "---\n# Source: u/templates/cm.yaml\n";
const PLAIN = "kind: ConfigMap\ndata:\n  v: x\n";
const le = (text: string) => bytes([0xff, 0xfe], [...Buffer.from(text, "utf16le")]);
const be = (text: string) => bytes([0xfe, 0xff], [...Buffer.from(text, "utf16le").swap16()]);

/** name, chart, what Helm printed (stdout) or the end of its error. */
const cases: Array<[string, Tree, { stdout: string | Uint8Array } | { error: string }]> = [
  [
    "a byte that is not UTF-8 in a helper's text stays a byte",
    chart(
      Buffer.from(
        'kind: ConfigMap\ndata:\n  v: {{ include "h" . | quote }}\n  l: {{ include "h" . | len }}\n',
      ),
      {
        "chart/templates/_h.tpl": bytes('{{ define "h" }}a', [0xfe], "b{{ end }}"),
      },
    ),
    { stdout: `${SOURCE}kind: ConfigMap\ndata:\n  v: "a\\xfeb"\n  l: 3\n` },
  ],
  [
    "in a double-quoted literal it is U+FFFD",
    chart(
      bytes(
        'kind: ConfigMap\ndata:\n  v: {{ "x\\t',
        [0xff],
        'y" | quote }}\n  n: {{ "x',
        [0xff, 0xfe],
        'y" | len }}\n',
      ),
    ),
    { stdout: `${SOURCE}kind: ConfigMap\ndata:\n  v: "x\\t\ufffdy"\n  n: 8\n` },
  ],
  [
    "in a raw string it stays a byte",
    chart(bytes("kind: ConfigMap\ndata:\n  v: {{ `x", [0xc3], "y` | len }}\n")),
    { stdout: `${SOURCE}kind: ConfigMap\ndata:\n  v: 3\n` },
  ],
  [
    "in a character constant it is U+FFFD",
    chart(bytes("kind: ConfigMap\ndata:\n  v: {{ '", [0xff], "' }}\n")),
    { stdout: `${SOURCE}kind: ConfigMap\ndata:\n  v: 65533\n` },
  ],
  [
    "bare in an action, the lexer names U+FFFD",
    chart(bytes("kind: ConfigMap\ndata:\n  v: {{ 1 ", [0xff], " }}\n")),
    { error: "parse error at (u/templates/cm.yaml:3): U+FFFD '\ufffd'" },
  ],
  [
    "in the rendered text, go-yaml's reader fails it",
    chart(bytes("# x", [0xff], "\nkind: ConfigMap\n")),
    { error: "error converting YAML to JSON: yaml: invalid leading UTF-8 octet" },
  ],
  [
    "a sequence cut at the end of the rendered text",
    chart(bytes("kind: ConfigMap\ndata:\n  v: 1\n# ", [0xe2, 0x82])),
    { error: "error converting YAML to JSON: yaml: incomplete UTF-8 octet sequence" },
  ],
  [
    "a UTF-16LE template renders to its bytes, which go-yaml reads as UTF-16 and Helm prints",
    chart(le(PLAIN), { "chart/templates/b.yaml": "kind: Secret\n" }),
    // installation order: the Secret first, so go-yaml read the kind
    { stdout: bytes("---\n# Source: u/templates/b.yaml\nkind: Secret\n", SOURCE, [...le(PLAIN)], "\n") },
  ],
  [
    "a UTF-16BE template without its last line break",
    chart(be(PLAIN.trimEnd())),
    { stdout: bytes(SOURCE, [...be(PLAIN.trimEnd())], "\n") },
  ],
  [
    "a UTF-16BE template whose last line break TrimSpace cuts in half",
    chart(be(PLAIN)),
    { error: "error converting YAML to JSON: yaml: incomplete UTF-16 character" },
  ],
];

function slipway(files: Tree) {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-template-bytes-"));
  try {
    writeTree(dir, files);
    return runSlipway(dir, ["r", "chart"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("template bytes that are not UTF-8, as Helm 4.1.4 reads them", () => {
  it.each(cases)("%s", (_, files, expected) => {
    const r = slipway(files);
    // Go strings hold bytes that are not UTF-8 as U+DC00+byte (template/gostring.ts).
    if ("stdout" in expected)
      expect([r.ok, Buffer.from(utf8Encode(r.stdout))]).toEqual([true, Buffer.from(expected.stdout)]);
    else expect([r.ok, r.stderr]).toEqual([false, expect.stringContaining(expected.error)]);
  });
  it.runIf(requires("helm")).each(cases)("%s: as helm", (_, files) => {
    const { helm, slipway } = both(files, ["r", "chart"]);
    // helm's stdout was read as UTF-8 (U+FFFD for each byte that is not): Slipway's the same way
    const stdout = Buffer.from(utf8Encode(slipway.stdout)).toString("utf8");
    expect([slipway.ok, stdout, slipway.stderr]).toEqual([helm.ok, helm.stdout, helm.stderr]);
  });
});
