/**
 * A Flux path without a kustomization file that holds symbolic links: source-controller's
 * artifact holds no links (fluxcd/pkg artifact/storage/archive.go), so the kustomization
 * kustomize-controller generates leaves them out and the objects they hold are never applied.
 * Slipway renders the same, and before said nothing: `check` now names each link (a warning),
 * in every format, and what is rendered stays Flux's.
 */
import { mkdirSync, symlinkSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { checkCommand } from "../../src/cli/check.js";
import { captureOutput } from "../support/capture.js";
import { tempTree } from "../support/cli.js";
import { fluxKs, fluxSync } from "../support/flux.js";
import { scratchDirs } from "../support/scratch.js";

const temps = scratchDirs();

const cm = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\n`;

function repo(): string {
  const root = tempTree({
    "clusters/prod/flux-system/gotk-sync.yaml": fluxSync("./clusters/prod", {
      url: "https://example.com/x.git",
      branch: "main",
      interval: { git: "1m", ks: "10m" },
      prune: true,
    }),
    "clusters/prod/apps.yaml": fluxKs("apps", "./apps/demo"),
    "apps/demo/a.yaml": cm("a"),
    "apps/demo/README.md": "links of other files are not manifests\n",
    "common/b.yaml": cm("b"),
    "common/dir/c.yaml": cm("c"),
    // A kustomization root below the path is built as it is: its own links are its business.
    "apps/demo/kbase/kustomization.yaml": "resources: [d.yaml]\n",
    "apps/demo/kbase/d.yaml": cm("d"),
  });
  temps.keep(root);
  symlinkSync("../../common/b.yaml", path.join(root, "apps/demo/b.yaml"));
  symlinkSync("../../common/dir", path.join(root, "apps/demo/linked-dir"));
  symlinkSync("a.yaml", path.join(root, "apps/demo/notes.md"));
  mkdirSync(path.join(root, "apps/demo/sub"));
  symlinkSync("../../../common/b.yaml", path.join(root, "apps/demo/sub/b.yml"));
  symlinkSync("d.yaml", path.join(root, "apps/demo/kbase/unused.yaml"));
  return root;
}

type Json = {
  findings: Array<{ rule: string; severity: string; file?: string; message: string }>;
  summary: { errors: number };
};

describe("links below a Flux path without a kustomization file", () => {
  it("each linked manifest or directory is a warning naming it; nothing else changes", async () => {
    const root = repo();
    const r = await captureOutput(() => checkCommand([root, "--format", "json"]));
    const j = JSON.parse(r.stdout) as Json;
    const links = j.findings.filter((f) => f.rule === "flux-symlink-left-out");
    expect(links.map((f) => [f.severity, f.file])).toEqual([
      ["warning", "apps/demo/b.yaml"],
      ["warning", "apps/demo/linked-dir"],
      ["warning", "apps/demo/sub/b.yml"],
    ]);
    expect(links[0]!.message).toContain("Kustomization flux-system/apps");
    expect(j.summary.errors).toBe(0);
    expect(r.code).toBe(0);
  });

  it("the text report says it too", async () => {
    const r = await captureOutput(() => checkCommand([repo()]));
    expect(r.stdout).toContain("apps/demo/b.yaml is a symbolic link");
  });
});
