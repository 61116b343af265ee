import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type DiffReport, diffExitCode, diffRevisions } from "../../src/diff/index.js";
import { createSecretMasker } from "../../src/sops/index.js";
import { fluxKs, SYNC } from "../support/flux.js";
import { GitFixture } from "./git-fixture.js";

/**
 * The working tree as head: a changed-only diff must see every file whose bytes the head's
 * renders read differently from the base, also those `git diff` does not list because Git
 * would not commit them as they are: an untracked file that .gitignore hides (alone or in an
 * ignored directory) and a CRLF working copy under `* text=auto eol=lf`; and an untracked Git
 * repository inside it, which Git lists as `dir/` like an ignored directory. Before, changed-only
 * printed "No differences" (exit 0) where --full reported the change (exit 1).
 */
const CM = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  a: b\n`;

function platform(): Record<string, string> {
  return {
    "clusters/c/flux-system/gotk-sync.yaml": SYNC,
    "clusters/c/gen.yaml": fluxKs("gen", "./apps/gen"),
    "clusters/c/conf.yaml": fluxKs("conf", "./apps/conf"),
    "apps/gen/cm.yaml": CM("g"),
    "apps/conf/kustomization.yaml":
      "namespace: default\nconfigMapGenerator:\n  - name: conf\n    files:\n      - app.conf\n",
    "apps/conf/app.conf": "line1\nline2\n",
    ".gitattributes": "* text=auto eol=lf\n",
    ".gitignore": "*.local.yaml\nscratch/\n",
  };
}

function both(repo: GitFixture, base: string): { fast: DiffReport; full: DiffReport } {
  const masker = createSecretMasker(Buffer.alloc(32, 3));
  const run = (changedOnly: boolean) =>
    diffRevisions({ repo: repo.dir, base, changedOnly, masker, charts: false }).report;
  return { fast: run(true), full: run(false) };
}

describe("changed-only diff of the working tree sees what git diff normalises away", () => {
  let repo: GitFixture | undefined;
  afterEach(() => repo?.cleanup());

  it.each([
    [
      "an ignored untracked file",
      { "apps/gen/extra.local.yaml": CM("ignored") },
      "ConfigMap default/ignored",
    ],
    [
      "a file in an ignored directory",
      { "apps/gen/scratch/cm.yaml": CM("scratched") },
      "ConfigMap default/scratched",
    ],
    [
      "an untracked Git repository",
      { "apps/gen/nested/cm.yaml": CM("nested") },
      "ConfigMap default/nested",
      "apps/gen/nested",
    ],
    [
      "a CRLF working copy under text=auto",
      { "apps/conf/app.conf": "line1\r\nline2\r\n" },
      "ConfigMap default/conf-",
    ],
  ])("%s", (_, files, expected, nestedRepo?: string) => {
    repo = new GitFixture();
    repo.write(platform());
    const base = repo.commit("initial");
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(repo.dir, p)), { recursive: true });
      writeFileSync(path.join(repo.dir, p), text);
    }
    if (nestedRepo) execFileSync("git", ["init", "-q"], { cwd: path.join(repo.dir, nestedRepo) });
    const { fast, full } = both(repo, base);
    const objects = (r: DiffReport) =>
      r.clusters.flatMap((c) =>
        c.kustomizations.flatMap((k) => k.objects.map((o) => `${o.kind} ${o.namespace}/${o.name}`)),
      );
    expect(objects(full).some((o) => o.startsWith(expected))).toBe(true);
    expect({ ...fast, changedOnly: false }).toEqual(full);
    expect(diffExitCode(fast)).toBe(1);
  });
});
