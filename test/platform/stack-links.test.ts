/**
 * Plain kustomize stacks (slipway.yaml `flux: false`) follow symbolic links inside the
 * repository as `kubectl kustomize` follows them on disk (src/fs/in-repo-links.ts); Flux paths
 * keep reading no links (test/security/hidden-link-errors.test.ts). Each shape is built by
 * kubectl in the repository on disk (the oracle), by Slipway from disk, and by Slipway from the
 * Git revision holding the same tree: the three agree (outcome, and the bytes when it builds).
 * A link that leads out of the repository is the one deliberate difference: refused, naming the
 * link, and nothing from outside reaches any output.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DiskRenderCache } from "../../src/cache/store.js";
import { allRules } from "../../src/check/rules/index.js";
import { checkRepository } from "../../src/check/run.js";
import { diffRevisions } from "../../src/diff/index.js";
import { GitFileSystem } from "../../src/fs/git.js";
import { loadPlatform, type Platform } from "../../src/platform/index.js";
import { loadDashboard } from "../../src/report/load.js";
import { createSecretMasker } from "../../src/sops/index.js";
import { emitYamlStream } from "../../src/yaml/index.js";
import { requires } from "../support/env.js";
import { kubectlKustomize } from "../support/kubectl.js";

const scratch = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-stack-links-")));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;

const MARKER = "outside-content-51c0";
const cm = (name: string, extra = "") =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  a: "1"${extra}\n`;
const CONFIG = "clusters:\n  - name: stack\n    path: stack\n    flux: false\n";

/** A shape: files (relative to the repository), links (path → target) and what to expect. */
interface Shape {
  name: string;
  files: Record<string, string>;
  links: Record<string, string>;
}

const SHAPES: Shape[] = [
  {
    name: "a resource file link",
    files: { "stack/kustomization.yaml": "resources: [cm.yaml]\n", "stack/files/real.yaml": cm("a") },
    links: { "stack/cm.yaml": "files/real.yaml" },
  },
  {
    name: "a link to a link",
    files: { "stack/kustomization.yaml": "resources: [cm.yaml]\n", "stack/real.yaml": cm("a") },
    links: { "stack/mid.yaml": "real.yaml", "stack/cm.yaml": "mid.yaml" },
  },
  {
    name: "a base directory link",
    files: {
      "stack/kustomization.yaml": "resources: [base]\n",
      "shared/base/kustomization.yaml": "resources: [cm.yaml]\n",
      "shared/base/cm.yaml": cm("b"),
    },
    links: { "stack/base": "../shared/base" },
  },
  {
    name: "a component directory link with a patch link",
    files: {
      "stack/kustomization.yaml": "resources: [cm.yaml]\ncomponents: [comp]\n",
      "stack/cm.yaml": cm("a"),
      "shared/comp/kustomization.yaml":
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - path: patch.yaml\n",
      "shared/comp/patches/p.yaml": cm("a", '\n  b: "2"'),
    },
    links: { "stack/comp": "../shared/comp", "shared/comp/patch.yaml": "patches/p.yaml" },
  },
  {
    name: "a linked kustomization file",
    files: { "stack/k.txt": "resources: [cm.yaml]\nnamePrefix: p-\n", "stack/cm.yaml": cm("a") },
    links: { "stack/kustomization.yaml": "k.txt" },
  },
  {
    name: "a generator file through a linked directory (refused by RootOnly)",
    files: {
      "stack/kustomization.yaml": "configMapGenerator:\n  - name: g\n    files: [conf/app.properties]\n",
      "shared/conf/app.properties": "x=1\n",
    },
    links: { "stack/conf": "../shared/conf" },
  },
  {
    name: "a file link out of the kustomization root (refused by RootOnly)",
    files: { "stack/kustomization.yaml": "resources: [cm.yaml]\n", "shared/cm.yaml": cm("a") },
    links: { "stack/cm.yaml": "../shared/cm.yaml" },
  },
  {
    name: "a dangling link",
    files: { "stack/kustomization.yaml": "resources: [cm.yaml]\n" },
    links: { "stack/cm.yaml": "missing.yaml" },
  },
  {
    name: "an absolute link to a file inside the repository",
    files: { "stack/kustomization.yaml": "resources: [l/cm.yaml]\n", "stack/d/cm.yaml": cm("a") },
    links: { "stack/l": "@/stack/d" },
  },
  {
    name: "`..` after a directory link is cleaned away first (Go's filepath.Join)",
    files: {
      "stack/kustomization.yaml": "resources: [l/../cm.yaml]\n",
      "stack/x/y/z.txt": "",
      "stack/x/cm.yaml": cm("from-x"),
      "stack/cm.yaml": cm("from-stack"),
    },
    links: { "stack/l": "x/y" },
  },
  {
    name: "`..` inside a link's target goes up from where the link before it led",
    files: {
      "stack/kustomization.yaml": "resources: [cm.yaml]\n",
      "stack/x/y/z.txt": "",
      "stack/x/q.yaml": cm("physical"),
      "stack/q.yaml": cm("lexical"),
    },
    links: { "stack/l": "x/y", "stack/cm.yaml": "l/../q.yaml" },
  },
];

function write(root: string, files: Record<string, string>, links: Record<string, string>): void {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    writeFileSync(path.join(root, p), text);
  }
  for (const [p, target] of Object.entries(links)) {
    mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    symlinkSync(target.startsWith("@/") ? path.join(root, target.slice(2)) : target, path.join(root, p));
  }
}

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] })
    .toString("utf8")
    .trim();
}

function commitAll(dir: string, message: string): string {
  git(dir, "add", "-A");
  git(dir, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", message);
  return git(dir, "rev-parse", "HEAD");
}

function repoOf(shape: Shape): string {
  const root = path.join(scratch, `repo-${n++}`);
  mkdirSync(root);
  write(root, { "slipway.yaml": CONFIG, ...shape.files }, shape.links);
  git(root, "init", "-q", "-b", "main");
  commitAll(root, "init");
  return root;
}

/** The stack's outcome as text: its YAML stream, or "failed: <messages>". */
function outcome(p: Platform): { ok: boolean; text: string } {
  const k = p.clusters[0]?.kustomizations[0];
  if (!k) return { ok: false, text: `no stack: ${JSON.stringify(p.errors)}` };
  if (k.status !== "rendered") return { ok: false, text: k.errors.map((e) => e.message).join("\n") };
  return { ok: true, text: emitYamlStream(k.resources.map((r) => r.object)) };
}

describe.runIf(requires("kubectl"))("plain stacks follow in-repository links as kubectl kustomize", () => {
  it.each(SHAPES.map((s) => [s.name, s] as const))("%s", async (_, shape) => {
    const root = repoOf(shape);
    const want = await kubectlKustomize(path.join(root, "stack"));
    const disk = outcome(loadPlatform(root, { renderCache: false, charts: false }));
    const atRevision = outcome(
      loadPlatform(root, { renderCache: false, charts: false, fs: GitFileSystem.open(root, "HEAD") }),
    );
    expect({ ok: disk.ok, text: disk.ok ? disk.text : "" }).toEqual({
      ok: want.ok,
      text: want.ok ? want.stdout : "",
    });
    expect(atRevision).toEqual(disk);
  });
});

describe("a link that leads out of the repository", () => {
  const outside = path.join(scratch, "outside");
  mkdirSync(path.join(outside, "dir"), { recursive: true });
  writeFileSync(path.join(outside, "dir/kustomization.yaml"), "resources: [cm.yaml]\n");
  writeFileSync(path.join(outside, "dir/cm.yaml"), cm(MARKER));
  writeFileSync(path.join(outside, "cm.yaml"), cm(MARKER));

  it.each([
    ["a base directory", "resources: [ext]\n", { "stack/ext": path.join(outside, "dir") }, "stack/ext"],
    [
      "a file in the root",
      "resources: [ext.yaml]\n",
      { "stack/ext.yaml": path.join(outside, "cm.yaml") },
      "stack/ext.yaml",
    ],
    [
      "a link to a link out",
      "resources: [a.yaml]\n",
      { "stack/b.yaml": path.join(outside, "cm.yaml"), "stack/a.yaml": "b.yaml" },
      "stack/a.yaml",
    ],
  ])("is refused, naming the link: %s", async (_, kustomization, links, shown) => {
    const root = path.join(scratch, `repo-${n++}`);
    mkdirSync(root);
    write(root, { "slipway.yaml": CONFIG, "stack/kustomization.yaml": kustomization }, links);
    const p = loadPlatform(root, { renderCache: false, charts: false });
    const got = outcome(p);
    expect(got.ok).toBe(false);
    expect(got.text).toContain(
      `${path.join(root, shown)} is a symbolic link that leads outside the repository`,
    );
    expect(JSON.stringify(p)).not.toContain(MARKER);
    // The dashboard (serve, report --html) loads through a view of its own that records what it
    // reads: it refuses the same link, and the whole report holds nothing from outside.
    const dashboard = await loadDashboard(root, { identities: [] });
    expect(outcome(dashboard.platform)).toEqual(got);
    expect(JSON.stringify(dashboard.bundle())).not.toContain(MARKER);
  });
});

describe("a link whose target changes between two commits", () => {
  const files = {
    "slipway.yaml": CONFIG,
    "stack/kustomization.yaml": "resources: [base]\n",
    "shared/v1/kustomization.yaml": "resources: [cm.yaml]\n",
    "shared/v1/cm.yaml": cm("v1"),
    "shared/v2/kustomization.yaml": "resources: [cm.yaml]\n",
    "shared/v2/cm.yaml": cm("v2"),
  };

  it("changed-only diff equals --full, and both see the change", () => {
    const root = path.join(scratch, `repo-${n++}`);
    mkdirSync(root);
    write(root, files, { "stack/base": "../shared/v1" });
    git(root, "init", "-q", "-b", "main");
    const base = commitAll(root, "v1");
    rmSync(path.join(root, "stack/base"));
    symlinkSync("../shared/v2", path.join(root, "stack/base"));
    const head = commitAll(root, "v2");
    // The link's target edited in place, left in the working tree.
    writeFileSync(path.join(root, "shared/v2/cm.yaml"), cm("v2", '\n  b: "3"'));
    const masker = createSecretMasker(Buffer.alloc(32, 7));
    for (const h of [head, undefined]) {
      const opts = { repo: root, base, head: h, masker, charts: false as const, renderCache: false as const };
      const fast = diffRevisions({ ...opts, changedOnly: true }).report;
      const full = diffRevisions({ ...opts, changedOnly: false }).report;
      expect({ ...fast, changedOnly: undefined }).toEqual({ ...full, changedOnly: undefined });
      const text = JSON.stringify(full);
      expect(text).toContain("v1");
      expect(text).toContain("v2");
    }
  });

  it("check's result cache is not served once the link's target changes", async () => {
    const root = path.join(scratch, `repo-${n++}`);
    mkdirSync(root);
    write(root, files, { "stack/base": "../shared/v1" });
    const renderCache = new DiskRenderCache(path.join(scratch, `cache-${n++}`));
    const run = () => checkRepository(root, { identities: [], rules: allRules, renderCache });
    const names = (r: Awaited<ReturnType<typeof run>>) =>
      r.kind === "checked" ? { use: r.cache.use, resources: r.result?.summary.resources } : r.kind;
    expect(names(await run())).toEqual({ use: "stored", resources: 1 });
    expect(names(await run())).toEqual({ use: "hit", resources: 1 });
    // The target's content, then the link itself.
    writeFileSync(path.join(root, "shared/v1/cm.yaml"), `${cm("v1")}---\n${cm("v1b")}`);
    expect(names(await run())).toEqual({ use: "stored", resources: 2 });
    rmSync(path.join(root, "stack/base"));
    symlinkSync("../shared/v2", path.join(root, "stack/base"));
    expect(names(await run())).toEqual({ use: "stored", resources: 1 });
  });
});

// A Flux Kustomization document a plain stack applies through an in-repository link is applied:
// discovery and the "applied by no rendered cluster" note compare where the file really is
// (the scan walks no links), not the path the stack named.
describe("a Flux Kustomization document a stack reads through a link", () => {
  const ks =
    "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: app\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./apps/other\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n";
  const files = {
    "slipway.yaml": `${CONFIG}discover: true\n`,
    "stack/kustomization.yaml": "resources: [app]\n",
    "apps/app/kustomization.yaml": "resources: [ks.yaml, cm.yaml]\n",
    "apps/app/ks.yaml": ks,
    "apps/app/cm.yaml": cm("c"),
  };

  it("is neither a cluster of its own nor reported as applied by no cluster", () => {
    const root = path.join(scratch, `repo-${n++}`);
    mkdirSync(root);
    write(root, files, { "stack/app": "../apps/app" });
    const p = loadPlatform(root, { renderCache: false, charts: false });
    expect(p.clusters.map((c) => [c.name, c.kustomizations[0]?.resources.length])).toEqual([["stack", 2]]);
    expect(p.discovery?.notes ?? []).toEqual([]);
    // The same tree without the link: the stack reads nothing of apps/, which is then a cluster.
    const plain = path.join(scratch, `repo-${n++}`);
    mkdirSync(plain);
    // (Its path is a folder of this repository: a root that builds nothing here is no cluster.)
    write(
      plain,
      { ...files, "stack/kustomization.yaml": "resources: []\n", "apps/other/cm.yaml": cm("o") },
      {},
    );
    expect(
      loadPlatform(plain, { renderCache: false, charts: false })
        .clusters.map((c) => c.name)
        .sort(),
    ).toEqual(["app", "stack"]);
  });
});
