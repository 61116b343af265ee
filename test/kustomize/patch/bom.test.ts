import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildYaml } from "../../../src/kustomize/build.js";
import { requires } from "../../support/env.js";
import { kubectlKustomize } from "../../support/kubectl.js";

/**
 * A JSON6902 patch file that starts with a UTF-8 byte order mark (Windows editors write one):
 * go-yaml skips it, so kubectl applies the patch; Slipway failed with "invalid patch:
 * Unexpected scalar at node end" (a YAML list) or "invalid JSON6902 patch" (a JSON array), a
 * false render error. Found by adding a BOM to every YAML file of stefanprodan/gitops-istio.
 */
const BOM = "\ufeff";
const YAML_OPS = '- op: add\n  path: /data/y\n  value: "2"\n';
const JSON_OPS = '[{"op": "add", "path": "/data/y", "value": "2"}]';
const EXPECTED = 'apiVersion: v1\ndata:\n  x: "1"\n  "y": "2"\nkind: ConfigMap\nmetadata:\n  name: a\n';

const cases: Array<[string, string, string]> = [
  ["patches:, a YAML list", "patches:\n- path: p.yaml\n  target: {kind: ConfigMap}\n", YAML_OPS],
  ["patches:, a JSON array", "patches:\n- path: p.yaml\n  target: {kind: ConfigMap}\n", JSON_OPS],
  [
    "patchesJson6902:, a YAML list",
    "patchesJson6902:\n- path: p.yaml\n  target: {version: v1, kind: ConfigMap, name: a}\n",
    YAML_OPS,
  ],
  [
    "patchesJson6902:, a JSON array",
    "patchesJson6902:\n- path: p.yaml\n  target: {version: v1, kind: ConfigMap, name: a}\n",
    JSON_OPS,
  ],
];

describe("JSON6902 patch files with a byte order mark", () => {
  const base = mkdtempSync(path.join(tmpdir(), "slipway-bom-"));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const dirs = cases.map(([, kustomization, ops], i) => {
    const dir = mkdtempSync(path.join(base, `c${i}-`));
    writeFileSync(path.join(dir, "kustomization.yaml"), `resources: [d.yaml]\n${kustomization}`);
    writeFileSync(
      path.join(dir, "d.yaml"),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: "1"}\n',
    );
    writeFileSync(path.join(dir, "p.yaml"), BOM + ops);
    return dir;
  });

  it.each(cases.map(([name], i) => [name, i] as const))("%s applies", (_, i) => {
    expect(buildYaml(dirs[i]!)).toBe(EXPECTED);
  });

  describe.runIf(requires("kubectl"))("kubectl agrees", () => {
    it.each(cases.map(([name], i) => [name, i] as const))("%s", async (_, i) => {
      const r = await kubectlKustomize(dirs[i]!);
      expect(r.stdout.replace(/^# Warning: .*\n/, "")).toBe(EXPECTED);
    });
  });
});
