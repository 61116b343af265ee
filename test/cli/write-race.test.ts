/**
 * A file saved while promote or images re-render the edit (seconds on a large repository) must
 * not be overwritten with an edit of its old text: the write is refused, naming the file, and
 * the user's save stays. The save is simulated inside the verification step, which runs between
 * reading the files and writing them.
 */
import { appendFileSync, cpSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { imagesCommand } from "../../src/cli/images.js";
import { promoteCommand } from "../../src/cli/promote.js";
import { GitFixture } from "../diff/git-fixture.js";
import { captureOutput } from "../support/capture.js";
import { repoRoot } from "../support/env.js";
import { demoKeyFile } from "../support/flux.js";

const during = vi.hoisted(() => ({ save: undefined as undefined | (() => void) }));
vi.mock("../../src/promote/verify.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/promote/verify.js")>();
  return {
    ...real,
    verifyPromotion: (...args: Parameters<typeof real.verifyPromotion>) => {
      during.save?.();
      during.save = undefined;
      return real.verifyPromotion(...args);
    },
  };
});

const FRONTEND = "apps/frontend/overlays/production/kustomization.yaml";
const KEY = ["--age-key-file", demoKeyFile];

describe("a file saved between plan and write", () => {
  const repo = new GitFixture();
  cpSync(path.join(repoRoot, "examples/platform"), repo.dir, { recursive: true });
  repo.commit("platform");
  afterAll(() => repo.cleanup());
  const file = path.join(repo.dir, FRONTEND);

  it.each([
    [
      "promote --write",
      () => promoteCommand([repo.dir, ...KEY, "--from", "staging", "--to", "production", "--write"]),
    ],
    [
      "promote --commit",
      () => promoteCommand([repo.dir, ...KEY, "--from", "staging", "--to", "production", "--commit"]),
    ],
    [
      "images set --write",
      () => imagesCommand(["set", repo.dir, ...KEY, "ghcr.io/acme-platform/frontend:9.9.9", "--write"]),
    ],
  ])("%s refuses, naming the file, and keeps the save", async (name, command) => {
    const head = repo.git("rev-parse", "HEAD");
    during.save = () => appendFileSync(file, "# saved meanwhile\n");
    try {
      const r = await captureOutput(command);
      if (name === "promote --commit") {
        // Caught one step earlier: the file is no longer as committed.
        expect(r.code).toBe(1);
        expect(r.stdout).toContain(`--commit would also commit uncommitted changes in ${FRONTEND}`);
      } else {
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(`${file}: the file changed since Slipway read it`);
      }
      expect(readFileSync(file, "utf8")).toMatch(/newTag: 2\.4\.1[^\n]*\n(?:.*\n)*# saved meanwhile\n$/);
      expect(repo.git("status", "--porcelain")).toBe(`M ${FRONTEND}`);
      expect(repo.git("rev-parse", "HEAD")).toBe(head);
    } finally {
      repo.git("checkout", "-q", "--", ".");
    }
  });
});
