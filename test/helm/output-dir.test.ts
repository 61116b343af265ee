import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { diskIO, runHelmTemplate } from "../../src/cli/helm.js";
import { helmOraclePath, requires } from "../support/env.js";
import { writeTree } from "./differential.js";

function listTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[path.relative(root, p)] = readFileSync(p, "utf8");
    }
  };
  walk(root);
  return out;
}

describe.runIf(requires("helm"))("helm template --output-dir: the files Helm writes", () => {
  it("writes CRDs, manifests (appended per template) and hooks like Helm 4.1.4", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "slipway-helm-out-"));
    try {
      writeTree(dir, {
        "chart/Chart.yaml": "apiVersion: v2\nname: od\nversion: 0.1.0\n",
        "chart/crds/c.yaml": "kind: CustomResourceDefinition\nmetadata: {name: c}\n",
        "chart/templates/a.yaml": "kind: A\n---\nkind: Service\n",
        "chart/templates/hook.yaml": "kind: Pod\nmetadata:\n  annotations:\n    helm.sh/hook: test\n",
      });
      const flags = ["--include-crds", "--release-name"];
      const helm = spawnSync(
        helmOraclePath() as string,
        ["template", "r", "chart", "--output-dir", "helm-out", ...flags],
        {
          cwd: dir,
          encoding: "utf8",
          env: { PATH: process.env.PATH ?? "", HOME: dir, KUBECONFIG: "/dev/null" },
        },
      );
      let stdout = "";
      const io = { ...diskIO(), cwd: dir, stdout: (s: string) => (stdout += s), stderr: () => {} };
      const code = runHelmTemplate(["r", "chart", "--output-dir", "ours", ...flags], io);
      expect(code).toBe(helm.status);
      expect(stdout).toBe(helm.stdout.replaceAll("helm-out", "ours"));
      expect(listTree(path.join(dir, "ours"))).toEqual(listTree(path.join(dir, "helm-out")));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
