import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { chartsCommand } from "../../src/cli/charts.js";
import { checkCommand } from "../../src/cli/check.js";
import { diffCommand } from "../../src/cli/diff.js";
import { graphCommand } from "../../src/cli/graph.js";
import { imagesCommand } from "../../src/cli/images.js";
import { newCommand } from "../../src/cli/new.js";
import { promoteCommand } from "../../src/cli/promote.js";
import { renderCommand } from "../../src/cli/render.js";
import { reportCommand } from "../../src/cli/report.js";
import { GitFixture } from "../diff/git-fixture.js";
import { captureOutput } from "../support/capture.js";
import { tempTree } from "../support/cli.js";
import { repoRoot } from "../support/env.js";

/**
 * A repository where discovery finds nothing (no Flux objects, no kustomize stack): every
 * command says so on stderr and exits 2, never a quiet success over nothing.
 */
const LOUD = /no cluster found in .*: no Flux sync objects .* declare clusters in slipway\.yaml/;

describe("every command says loudly when no cluster was found", () => {
  const dirs: string[] = [];
  const empty = () => {
    const d = tempTree({
      "README.md": "# nothing to deploy\n",
      // Kubernetes YAML that no Flux object or stack applies, and a kustomization nothing marks as a root.
      "docs/example.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
      "k8s/app/kustomization.yaml": "resources: [../../docs/example.yaml]\n",
    });
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const commands: Array<[string, (repo: string) => Promise<number>]> = [
    ["check", (r) => checkCommand([r])],
    ["check --format json", (r) => checkCommand([r, "--format", "json"])],
    ["render", (r) => renderCommand([r])],
    ["render --format json", (r) => renderCommand([r, "--format", "json"])],
    ["graph", (r) => graphCommand([r])],
    ["images list", (r) => imagesCommand(["list", r])],
    ["images set", (r) => imagesCommand(["set", r, "nginx:1.27"])],
    ["diff --matrix", (r) => diffCommand([r, "--matrix"])],
    // An empty cache directory of the repository's own: nothing may be pulled or read elsewhere.
    ["charts pull", (r) => chartsCommand(["pull", r, "--cache-dir", path.join(r, ".cache")])],
    ["charts list", (r) => chartsCommand(["list", r, "--cache-dir", path.join(r, ".cache")])],
    ["new service", (r) => newCommand(["service", "web", r])],
    ["new cluster", (r) => newCommand(["cluster", "prod", r, "--like", "dev"])],
    ["promote", (r) => promoteCommand([r, "--from", "staging", "--to", "production"])],
  ];
  for (const [name, command] of commands) {
    it(name, async () => {
      const r = await captureOutput(() => command(empty()));
      expect(r.stderr).toMatch(LOUD);
      expect(r.code).toBe(2);
    });
  }

  it("serve says so on stderr and keeps serving (a saved file may add a cluster)", async () => {
    // The built CLI, as test/cli/build.test.ts runs it: serve only ends on a signal.
    const cli = path.join(repoRoot, "bin/slipway.js");
    const child = spawn(process.execPath, [cli, "serve", empty(), "--port", "0", "--no-watch", "--no-cache"]);
    let stderr = "";
    const summary = new Promise<void>((resolve, reject) => {
      child.stderr.on("data", (c: Buffer) => {
        stderr += c.toString();
        if (/ 0 clusters, /.test(stderr)) resolve();
      });
      child.on("exit", (code) => reject(new Error(`serve exited early with ${code}: ${stderr}`)));
    });
    try {
      await summary;
    } finally {
      child.kill("SIGTERM");
    }
    expect(stderr).toMatch(LOUD);
  });

  it("report --html writes no empty page", async () => {
    const repo = empty();
    const out = path.join(repo, "report.html");
    const r = await captureOutput(() => reportCommand([repo, "--html", out]));
    expect(r.stderr).toMatch(LOUD);
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it("diff between revisions: 'Nothing was compared', never 'No differences'", async () => {
    const git = new GitFixture();
    try {
      git.write({ "README.md": "one\n" });
      const c0 = git.commit("one");
      git.write({ "README.md": "two\n" });
      const c1 = git.commit("two");
      for (const format of ["text", "markdown", "json"]) {
        const r = await captureOutput(() =>
          diffCommand([git.dir, "--base", c0, "--head", c1, "--format", format]),
        );
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(LOUD);
        expect(r.stdout).not.toMatch(/^No differences/m);
        if (format !== "json")
          expect(r.stdout).toMatch(/Nothing was compared.*no cluster found at either revision/);
        else
          expect(JSON.parse(r.stdout).errors).toContain(
            "no cluster found at either revision: nothing was compared",
          );
      }
    } finally {
      git.cleanup();
    }
  });
});
