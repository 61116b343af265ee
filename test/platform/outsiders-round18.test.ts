import { rmSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { reportCommand } from "../../src/cli/report.js";
import { captureOutput } from "../support/capture.js";
import { tempTree } from "../support/cli.js";
import { ks, SYNC } from "../support/flux.js";

/**
 * Layouts of public repositories Slipway had not seen (round 18), cut down to what made a false
 * error, a quiet answer or a wrong one.
 */
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tree = (files: Record<string, string>) => {
  const d = tempTree(files);
  dirs.push(d);
  return d;
};

describe("report: a Kustomization rendered only in part (SaschaJohn's flux2-homelab)", () => {
  // infrastructure/controllers/gateway-api/kustomization.yaml names the Gateway API release
  // manifest by URL: left out offline, a render error that fails nothing. The report exited 1
  // after "0 failed, 0 error findings", saying nothing of why.
  it("says what made the exit code 1", async () => {
    const repo = tree({
      "clusters/c/flux-system/gotk-sync.yaml": SYNC,
      "clusters/c/infra.yaml": ks("infra", "  path: ./infra\n"),
      "infra/kustomization.yaml":
        "resources:\n  - cm.yaml\n  - https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.0/standard-install.yaml\n",
      "infra/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: flux-system}\n",
    });
    const out = path.join(repo, "..", `${path.basename(repo)}-report.html`);
    dirs.push(out);
    const r = await captureOutput(() => reportCommand([repo, "--html", out]));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/0 failed, 1 rendered only in part, 1 render error, \d+ error findings\n$/);
  });
});
