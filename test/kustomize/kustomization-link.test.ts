/**
 * A kustomization file that is itself a symbolic link. kustomize looks for it through the
 * build's loader (kusttarget.go loadKustFile), so under the default RootOnly restrictor a
 * kustomization.yaml linked to a file outside its directory is not found at all, while one linked
 * within the directory is read. Each row is built by `kubectl kustomize` (the oracle) and by
 * `slipway build`: the same outcome, the same bytes, and kubectl's words for the failure.
 */
import { symlinkSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { errorMessage } from "../../src/errors.js";
import { buildYaml } from "../../src/kustomize/build.js";
import { tempTree } from "../support/cli.js";
import { requires } from "../support/env.js";
import { kubectlKustomize } from "../support/kubectl.js";

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
const KS = "resources:\n- cm.yaml\n";

interface Row {
  name: string;
  files: Record<string, string>;
  /** Link path → target, relative to the link's directory. */
  links: Record<string, string>;
  build: string;
  expected: { yaml: string } | { error: string };
}

const notFound = (dir: string) =>
  `unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${dir}'`;

const rows: Row[] = [
  {
    name: "linked to a file outside its directory",
    files: { "shared/kustomization.yaml": KS, "shared/cm.yaml": cm("shared"), "app/cm.yaml": cm("app") },
    links: { "app/kustomization.yaml": "../shared/kustomization.yaml" },
    build: "app",
    expected: { error: notFound("app") },
  },
  {
    name: "linked to a file beside it",
    files: { "app/real.yaml": KS, "app/cm.yaml": cm("app") },
    links: { "app/kustomization.yaml": "real.yaml" },
    build: "app",
    expected: { yaml: cm("app") },
  },
  {
    name: "linked to a file below its directory",
    files: { "app/conf/k.yaml": KS, "app/cm.yaml": cm("app") },
    links: { "app/kustomization.yaml": "conf/k.yaml" },
    build: "app",
    expected: { yaml: cm("app") },
  },
  {
    name: "a base whose kustomization file is linked out of the base",
    files: {
      "app/kustomization.yaml": "resources:\n- ../base\n",
      "base/cm.yaml": cm("base"),
      "elsewhere/kustomization.yaml": KS,
    },
    links: { "base/kustomization.yaml": "../elsewhere/kustomization.yaml" },
    build: "app",
    expected: { error: notFound("base") },
  },
];

function tree(row: Row): string {
  const root = tempTree(row.files);
  for (const [link, target] of Object.entries(row.links)) symlinkSync(target, path.join(root, link));
  return root;
}

describe.runIf(requires("kubectl"))("a linked kustomization file, against kubectl", () => {
  it.each(rows.map((r) => [r.name, r] as const))("%s", async (_name, row) => {
    const root = tree(row);
    const dir = path.join(root, row.build);
    const oracle = await kubectlKustomize(dir);
    let ours: { ok: true; yaml: string } | { ok: false; error: string };
    try {
      ours = { ok: true, yaml: buildYaml(dir) };
    } catch (e) {
      ours = { ok: false, error: errorMessage(e) };
    }
    if ("yaml" in row.expected) {
      expect(oracle).toMatchObject({ ok: true, stdout: row.expected.yaml });
      expect(ours).toEqual({ ok: true, yaml: row.expected.yaml });
    } else {
      const words = row.expected.error.replace(
        /directory '([^']+)'/,
        (_m, d) => `directory '${path.join(root, d)}'`,
      );
      expect(oracle.ok).toBe(false);
      expect(oracle.stderr).toContain(words);
      expect(ours.ok).toBe(false);
      expect(ours.ok ? "" : ours.error).toContain(words);
    }
  });
});
