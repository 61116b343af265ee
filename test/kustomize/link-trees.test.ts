import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { errorMessage } from "../../src/errors.js";
import { GitFileSystem } from "../../src/fs/git.js";
import { buildYaml } from "../../src/kustomize/build.js";
import { loadPlatform, type Platform } from "../../src/platform/index.js";
import { emitYamlStream } from "../../src/yaml/index.js";
import { requires } from "../support/env.js";
import { kubectlKustomize, mapLimit } from "../support/kubectl.js";
import { Rng } from "../support/random.js";

/**
 * Differential fuzzing of what a file system and a file's first bytes can do to a build:
 * seeded kustomize trees whose resources, bases, components and patches are reached through
 * symbolic links (to files, to directories, to other links), whose files start with a byte order
 * mark, end lines with CR-LF, or hold empty and comment-only documents. Each tree is built by
 * `kubectl kustomize` (the oracle), by `slipway build`, and as a plain stack of a repository
 * (slipway.yaml `flux: false`) from disk and from the Git revision holding the same tree: all
 * four agree on the outcome and, when it builds, on the bytes. Where kubectl says the
 * kustomization is empty, so does Slipway. Replay one tree with `SLIPWAY_FUZZ_SEED=<seed>`; add
 * `SLIPWAY_FUZZ_COUNT=<n>` for a run of n fresh trees from it.
 */

const BOM = "\ufeff";

interface Tree {
  files: Record<string, string>;
  /** Link path → target (relative), created after the files. */
  links: Record<string, string>;
}

/** A file's bytes after the generator's damage: BOM, CR-LF, a leading or empty document. */
function dress(rng: Rng, text: string, resource: boolean): string {
  let t = text;
  if (rng.chance(0.2)) t = `---\n${t}`;
  if (resource && rng.chance(0.15)) t = `${t}---\n`;
  if (resource && rng.chance(0.1)) t = `${t}--- # empty\n---\n`;
  if (rng.chance(0.15)) t = `# ${rng.pick(["header", "generated", ""])}\n${t}`;
  if (rng.chance(0.2)) t = BOM + t;
  if (rng.chance(0.2)) t = t.replace(/\n/g, "\r\n");
  return t;
}

function configMap(name: string, rng: Rng): string {
  const data = rng.pick(['a: "1"', "a: b", "x: |\n    multi\n    line", 'empty: ""']);
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  ${data}\n`;
}

function generateTree(seed: number): Tree {
  const rng = new Rng(seed);
  const files: Record<string, string> = {};
  const links: Record<string, string> = {};
  const resources: string[] = [];

  // Resources of the stack: a plain file, a link beside it, a link to a link, one in a linked directory.
  const nRes = 1 + rng.int(3);
  for (let i = 0; i < nRes; i++) {
    const name = `cm${i}`;
    let text = configMap(name, rng);
    if (rng.chance(0.2)) text = `${text}---\n${BOM}${configMap(`${name}-second`, rng)}`;
    const how = rng.pick(["file", "file", "link", "link-to-link", "linked-dir", "dangling"] as const);
    switch (how) {
      case "file":
        files[`stack/${name}.yaml`] = dress(rng, text, true);
        resources.push(`${name}.yaml`);
        break;
      case "link":
        files[`stack/real/${name}.yaml`] = dress(rng, text, true);
        links[`stack/${name}.yaml`] = `real/${name}.yaml`;
        resources.push(`${name}.yaml`);
        break;
      case "link-to-link":
        files[`stack/real/${name}.yaml`] = dress(rng, text, true);
        links[`stack/mid-${name}.yaml`] = `real/${name}.yaml`;
        links[`stack/${name}.yaml`] = `mid-${name}.yaml`;
        resources.push(`${name}.yaml`);
        break;
      case "linked-dir":
        files[`stack/data/${name}.yaml`] = dress(rng, text, true);
        links["stack/ld"] = "data";
        resources.push(`ld/${name}.yaml`);
        break;
      case "dangling":
        links[`stack/${name}.yaml`] = `nowhere/${name}.yaml`;
        resources.push(`${name}.yaml`);
        break;
    }
  }

  // A base outside the stack, named directly or through a directory link.
  if (rng.chance(0.6)) {
    files["shared/base/kustomization.yaml"] = dress(rng, "resources:\n- base.yaml\n", false);
    files["shared/base/base.yaml"] = dress(rng, configMap("base", rng), true);
    if (rng.bool()) {
      links["stack/base"] = "../shared/base";
      resources.push("base");
    } else {
      resources.push("../shared/base");
    }
    // A file link from the base out of its own root (RootOnly refuses it, in kubectl too).
    if (rng.chance(0.15)) {
      files["shared/other.yaml"] = configMap("other", rng);
      links["shared/base/other.yaml"] = "../other.yaml";
      files["shared/base/kustomization.yaml"] = "resources:\n- base.yaml\n- other.yaml\n";
    }
  }

  const parts = [`resources:\n${resources.map((r) => `- ${r}\n`).join("")}`];
  // A component through a link, whose patch is a link too.
  if (rng.chance(0.4)) {
    files["shared/comp/kustomization.yaml"] = dress(
      rng,
      "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n- path: patch.yaml\n  target:\n    kind: ConfigMap\n",
      false,
    );
    files["shared/comp/patches/p.yaml"] = dress(
      rng,
      '- op: add\n  path: /metadata/annotations\n  value:\n    patched: "yes"\n',
      false,
    );
    links["shared/comp/patch.yaml"] = "patches/p.yaml";
    links["stack/comp"] = "../shared/comp";
    parts.push("components:\n- comp\n");
  }
  if (rng.chance(0.3)) parts.push(`namePrefix: ${rng.pick(["p-", "x-"])}\n`);
  let kustomization = parts.join("");
  // Empty or comment-only first documents: the whole kustomization is then empty.
  if (rng.chance(0.15))
    kustomization = `${rng.pick(["---\n", "# nothing\n---\n", "--- null\n"])}---\n${kustomization}`;
  if (rng.chance(0.1)) kustomization = `${kustomization}---\nnamePrefix: ignored-\n`;
  const kfile = rng.chance(0.15) ? "stack/k.real" : "stack/kustomization.yaml";
  files[kfile] = dress(rng, kustomization, false);
  if (kfile !== "stack/kustomization.yaml") links["stack/kustomization.yaml"] = "k.real";
  files["slipway.yaml"] = "clusters:\n  - name: stack\n    path: stack\n    flux: false\n";
  return { files, links };
}

const workRoot = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-link-fuzz-")));
afterAll(() => rmSync(workRoot, { recursive: true, force: true }));

function materialise(seed: number, tree: Tree): string {
  const dir = path.join(workRoot, String(seed));
  for (const [p, content] of Object.entries(tree.files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), content);
  }
  for (const [p, target] of Object.entries(tree.links)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    symlinkSync(target, path.join(dir, p));
  }
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "tree");
  return dir;
}

interface Outcome {
  ok: boolean;
  stdout: string;
  error: string;
}

function slipwayBuild(dir: string): Outcome {
  try {
    return { ok: true, stdout: buildYaml(dir), error: "" };
  } catch (e) {
    return { ok: false, stdout: "", error: errorMessage(e) };
  }
}

function stackOutcome(p: Platform): Outcome {
  const k = p.clusters[0]?.kustomizations[0];
  if (k?.status !== "rendered")
    return { ok: false, stdout: "", error: k?.errors.map((e) => e.message).join("\n") ?? "no stack" };
  return { ok: true, stdout: emitYamlStream(k.resources.map((r) => r.object)), error: "" };
}

describe.runIf(requires("kubectl"))(
  "random trees with links, BOMs, CR-LF and empty documents vs kubectl",
  () => {
    const first = Number(process.env.SLIPWAY_FUZZ_SEED ?? 1);
    // A seed alone replays one tree; with SLIPWAY_FUZZ_COUNT it starts a run of fresh ones.
    const count = Number(process.env.SLIPWAY_FUZZ_COUNT ?? (process.env.SLIPWAY_FUZZ_SEED ? 1 : 40));
    const seeds = Array.from({ length: count }, (_, i) => first + i);

    it(`${count} seeded trees agree (seeds ${first}..${first + count - 1})`, async () => {
      const repos = seeds.map((s) => materialise(s, generateTree(s)));
      const oracle = await mapLimit(repos, 2, (r) => kubectlKustomize(path.join(r, "stack")));
      const failures: string[] = [];
      let built = 0;
      seeds.forEach((seed, i) => {
        const repo = repos[i]!;
        const want = oracle[i]!;
        if (want.ok) built++;
        const opts = { renderCache: false as const, charts: false as const };
        const got: Record<string, Outcome> = {
          build: slipwayBuild(path.join(repo, "stack")),
          disk: stackOutcome(loadPlatform(repo, opts)),
          revision: stackOutcome(loadPlatform(repo, { ...opts, fs: GitFileSystem.open(repo, "HEAD") })),
        };
        for (const [how, g] of Object.entries(got)) {
          const at = `seed ${seed} (${how}, SLIPWAY_FUZZ_SEED=${seed})`;
          if (g.ok !== want.ok)
            failures.push(
              `${at}: kubectl ${want.ok ? "built" : `failed: ${want.stderr.trim().slice(0, 300)}`}; slipway ${g.ok ? "built" : `failed: ${g.error.slice(0, 300)}`}`,
            );
          else if (g.ok && g.stdout !== want.stdout) failures.push(`${at}: output differs`);
          else if (
            !g.ok &&
            want.stderr.includes("kustomization.yaml is empty") &&
            !g.error.includes("is empty")
          )
            failures.push(
              `${at}: kubectl says the kustomization is empty; slipway: ${g.error.slice(0, 300)}`,
            );
        }
      });
      expect(failures).toEqual([]);
      // Both outcomes are exercised (a replay of one tree has only one).
      if (count > 1) {
        expect(built).toBeGreaterThan(0);
        expect(built).toBeLessThan(count);
      }
    }, 300_000);
  },
);
