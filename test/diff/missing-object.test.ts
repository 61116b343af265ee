import { rmSync } from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { slipway } from "../support/cli.js";
import { fluxKs, SYNC } from "../support/flux.js";
import { GitFixture } from "./git-fixture.js";

/**
 * A base revision whose objects are not all there (a damaged or partial clone): the diff stops
 * with one line naming the missing object, exit 2 (README: an error). A folder's tree missing was
 * git's own words ("Could not read …"), the revision's root tree "fatal: not a tree object",
 * which names nothing.
 */
describe("diff: a git object missing at the base", () => {
  let repo: GitFixture | undefined;
  afterEach(() => {
    repo?.cleanup();
    repo = undefined;
  });

  const twoCommits = () => {
    const r = new GitFixture().write({
      "clusters/c/flux-system/gotk-sync.yaml": SYNC,
      "clusters/c/app.yaml": fluxKs("app", "./app"),
      "app/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\ndata: {x: '1'}\n",
    });
    const base = r.commit("one");
    r.write({
      "app/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\ndata: {x: '2'}\n",
    });
    r.commit("two");
    return { r, base };
  };
  /** Removes the loose object `oid` from the fixture's object store. */
  const drop = (r: GitFixture, oid: string) =>
    rmSync(path.join(r.dir, ".git", "objects", oid.slice(0, 2), oid.slice(2)));

  for (const [what, spec] of [
    ["a folder's tree", "HEAD~1:app"],
    ["the revision's root tree", "HEAD~1^{tree}"],
    ["a file's blob", "HEAD~1:app/cm.yaml"],
  ] as const) {
    it(`${what}: one line naming it, exit 2`, () => {
      const { r, base } = twoCommits();
      repo = r;
      const oid = r.git("rev-parse", spec);
      drop(r, oid);
      const out = slipway(["diff", r.dir, "--base", base]);
      expect(out.code).toBe(2);
      const lines = out.stderr.split("\n").filter((l) => l !== "");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^slipway diff: git object ${oid} is missing in `));
    });
  }
});
