/**
 * A CI job runs `slipway check --output out/findings.json` (or report --html, render --out,
 * build --output) in the pull request's checkout. The pull request may commit `out` as a
 * symbolic link to a directory elsewhere (the runner's ~/.ssh, another job's workspace): the
 * write must not follow it there. Only the command line names places outside the repository;
 * an output outside the checkout is written as named, links and all.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildCommand } from "../../src/cli/build.js";
import { checkCommand } from "../../src/cli/check.js";
import { renderCommand } from "../../src/cli/render.js";
import { refuseCheckoutLinks } from "../../src/fs/checkout-links.js";
import { captureOutput } from "../support/capture.js";

let work: string;
let repo: string;
let elsewhere: string;

beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), "slipway-output-links-"));
  repo = path.join(work, "checkout");
  elsewhere = path.join(work, "elsewhere");
  mkdirSync(elsewhere);
  mkdirSync(path.join(repo, ".git"), { recursive: true });
  mkdirSync(path.join(repo, "clusters", "dev"), { recursive: true });
  writeFileSync(path.join(repo, "slipway.yaml"), "clusters:\n  - name: dev\n    path: clusters/dev\n");
  writeFileSync(
    path.join(repo, "clusters", "dev", "cm.yaml"),
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\ndata: {k: v}\n",
  );
  writeFileSync(
    path.join(repo, "clusters", "dev", "kustomization.yaml"),
    "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [cm.yaml]\n",
  );
  // Committed by the pull request: `out` leads out of the checkout.
  symlinkSync(elsewhere, path.join(repo, "out"));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

describe("outputs named inside the pull request's checkout", () => {
  it.each([
    ["check --output", () => checkCommand([repo, "--output", path.join(repo, "out", "findings.json")])],
    [
      "check --write-baseline",
      () => checkCommand([repo, "--write-baseline", path.join(repo, "out", "b.json")]),
    ],
    ["render --out", () => renderCommand([repo, "--out", path.join(repo, "out", "tree")])],
    ["render --out (the link itself)", () => renderCommand([repo, "--out", path.join(repo, "out")])],
    [
      "build --output",
      () =>
        buildCommand([path.join(repo, "clusters", "dev"), "--output", path.join(repo, "out", "all.yaml")]),
    ],
  ])("%s is not written through a link of the checkout", async (_, run) => {
    const r = await captureOutput(run);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/refusing to write through a symbolic link/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it("writes an output outside the checkout as named, through the user's own links", async () => {
    const mine = path.join(work, "mine");
    symlinkSync(elsewhere, mine);
    const r = await captureOutput(() => checkCommand([repo, "--output", path.join(mine, "findings.json")]));
    expect(r.stderr).not.toMatch(/symbolic link/);
    expect(existsSync(path.join(elsewhere, "findings.json"))).toBe(true);
  });

  it("refuses a link anywhere below the checkout's top, from a repository in a subdirectory too", () => {
    mkdirSync(path.join(repo, "kubernetes"));
    expect(() => refuseCheckoutLinks(path.join(repo, "out", "x"), path.join(repo, "kubernetes"))).toThrow(
      /refusing to write through a symbolic link: .*out/,
    );
    expect(() => refuseCheckoutLinks(path.join(repo, "reports", "x"), repo)).not.toThrow();
    expect(() => refuseCheckoutLinks(path.join(elsewhere, "x"), repo)).not.toThrow();
  });
});
