/**
 * `helm template`'s release namespace: -n, else $HELM_NAMESPACE, else "default", an empty value
 * either way meaning "default" (Helm's settings); the printed-output cache tells namespaces apart.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DiskRenderCache } from "../../src/cache/store.js";
import { runHelmTemplate, type TemplateIO } from "../../src/cli/helm.js";
import { diskReader } from "../../src/helm/chart-source.js";
import { helmOraclePath, requires } from "../support/env.js";

const dir = mkdtempSync(path.join(tmpdir(), "slipway-helm-ns-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const chart = path.join(dir, "chart");
mkdirSync(path.join(chart, "templates"), { recursive: true });
writeFileSync(path.join(chart, "Chart.yaml"), "apiVersion: v2\nname: ns\nversion: 0.1.0\n");
writeFileSync(path.join(chart, "templates", "cm.yaml"), "ns: {{ .Release.Namespace }}\n");

function slipway(args: string[], helmNamespace: string | undefined, cache?: DiskRenderCache): string {
  let stdout = "";
  const io: TemplateIO = {
    cwd: dir,
    reader: diskReader,
    stdout: (s) => {
      stdout += s;
    },
    stderr: () => {},
    writeFiles: () => {},
    exists: () => false,
    ...(cache ? { cache, outputCache: cache } : {}),
    ...(helmNamespace === undefined ? {} : { helmNamespace }),
  };
  expect(runHelmTemplate(["r", chart, ...args], io)).toBe(0);
  return stdout;
}

const cases: Array<{ args: string[]; env: string | undefined; ns: string }> = [
  { args: [], env: undefined, ns: "default" },
  { args: [], env: "foo", ns: "foo" },
  { args: [], env: "", ns: "default" },
  { args: ["-n", "bar"], env: "foo", ns: "bar" },
  { args: ["-n", ""], env: "foo", ns: "default" },
  { args: ["--namespace=bar"], env: undefined, ns: "bar" },
];

describe("helm template: the release namespace", () => {
  it.each(cases)("$args with HELM_NAMESPACE=$env is $ns", ({ args, env, ns }) => {
    expect(slipway(args, env)).toContain(`ns: ${ns}\n`);
  });

  it("a printed output kept for one $HELM_NAMESPACE is not served for another", () => {
    const cache = new DiskRenderCache(path.join(dir, "cache"), "test-code-identity");
    expect(slipway([], "foo", cache)).toContain("ns: foo\n");
    expect(slipway([], "foo", cache)).toContain("ns: foo\n");
    expect(slipway([], "bar", cache)).toContain("ns: bar\n");
    expect(slipway([], undefined, cache)).toContain("ns: default\n");
  });
});

describe.runIf(requires("helm"))("helm template: the release namespace, against Helm", () => {
  it.each(cases)("$args with HELM_NAMESPACE=$env prints what Helm prints", ({ args, env }) => {
    const home = path.join(dir, "home");
    const r = spawnSync(helmOraclePath()!, ["template", "r", chart, ...args], {
      encoding: "utf8",
      env: {
        PATH: process.env.PATH ?? "",
        HOME: home,
        HELM_CACHE_HOME: home,
        HELM_CONFIG_HOME: home,
        HELM_DATA_HOME: home,
        ...(env === undefined ? {} : { HELM_NAMESPACE: env }),
      },
    });
    expect(r.status).toBe(0);
    expect(slipway(args, env)).toBe(r.stdout);
  });
});
