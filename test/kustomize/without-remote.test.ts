import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { SlipwayError } from "../../src/errors.js";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { buildResources, buildResourcesWithoutRemote } from "../../src/kustomize/build.js";
import { LocalInputError, RemoteResourceError } from "../../src/kustomize/loader.js";
import { BuildCache } from "../../src/kustomize/target.js";
import { emitYamlStream } from "../../src/yaml/index.js";
import { requires } from "../support/env.js";
import { kubectlKustomize, mapLimit } from "../support/kubectl.js";
import { fuzzSeeds, Rng } from "../support/random.js";

/**
 * buildResourcesWithoutRemote leaves remote `resources:` entries out (Flux renders: Slipway never
 * fetches). The property: its output is what `kubectl kustomize` prints for the same tree with
 * those entries deleted, and it lists exactly the entries it left out.
 */
const REMOTES = [
  "https://github.com/example/operator/releases/download/v1.0.0/crds.yaml",
  "github.com/example/deploy//base?ref=v1.2.3",
  "https://raw.githubusercontent.com/example/x/main/manifest.yaml",
  "git@github.com:example/y.git//config?ref=main",
];

interface Tree {
  /** With remote entries. */
  files: Record<string, string>;
  /** The same tree, remote entries deleted. */
  stripped: Record<string, string>;
  /** `file\0entry` of every remote entry the root reaches. */
  remotes: string[];
}

function generateTree(seed: number): Tree {
  const rng = new Rng(seed);
  const files: Record<string, string> = {};
  const stripped: Record<string, string> = {};
  const remotes: string[] = [];
  /** A kustomization file whose `resources:` gets remote entries at random places. */
  const kustomization = (file: string, resources: string[], rest: string) => {
    const withRemote: string[] = [];
    for (const r of resources) {
      if (rng.bool(0.35)) {
        const url = rng.pick(REMOTES);
        if (!withRemote.includes(url)) {
          withRemote.push(url);
          remotes.push(`${file}\0${url}`);
        }
      }
      withRemote.push(r);
    }
    if (rng.bool(0.3)) {
      const url = rng.pick(REMOTES);
      if (!withRemote.includes(url)) {
        withRemote.push(url);
        remotes.push(`${file}\0${url}`);
      }
    }
    const list = (xs: string[]) => (xs.length ? `resources:\n${xs.map((x) => `- ${x}`).join("\n")}\n` : "");
    files[file] = `${list(withRemote)}${rest}`;
    stripped[file] = `${list(resources)}${rest}`;
  };
  const nBases = 1 + rng.int(3);
  for (let i = 0; i < nBases; i++) {
    const cm = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm${i}\ndata:\n  k: "${i}"\n`;
    const deploy = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app${i}\nspec:\n  selector:\n    matchLabels: {app: app${i}}\n  template:\n    metadata:\n      labels: {app: app${i}}\n    spec:\n      containers:\n      - name: main\n        image: nginx\n        envFrom:\n        - configMapRef: {name: cm${i}}\n`;
    files[`base${i}/cm.yaml`] = stripped[`base${i}/cm.yaml`] = cm;
    files[`base${i}/deploy.yaml`] = stripped[`base${i}/deploy.yaml`] = deploy;
    const nested = i > 0 && rng.bool(0.4) ? [`../base${i - 1}`] : [];
    const rest = rng.bool(0.5) ? `commonLabels:\n  base: b${i}\n` : "";
    kustomization(`base${i}/kustomization.yaml`, ["cm.yaml", "deploy.yaml", ...nested], rest);
  }
  // A base another base includes is not listed again (twice would be a kustomize conflict).
  const bases = Array.from({ length: nBases }, (_, i) => `../base${i}`).filter(
    (_, i) => !Object.values(stripped).some((t) => t.includes(`- ../base${i}\n`)),
  );
  const parts: string[] = [];
  if (rng.bool(0.6)) parts.push(`namePrefix: ${rng.pick(["dev-", "p-"])}`);
  if (rng.bool(0.5)) parts.push(`namespace: ${rng.pick(["dev", "team-a"])}`);
  if (rng.bool(0.5)) parts.push("labels:\n- pairs:\n    env: prod\n  includeSelectors: true");
  if (rng.bool(0.5))
    parts.push(
      'patches:\n- target:\n    kind: Deployment\n  patch: |-\n    - op: add\n      path: /metadata/annotations\n      value: {patched: "yes"}',
    );
  if (rng.bool(0.4)) parts.push("configMapGenerator:\n- name: extra\n  literals: [A=1]");
  kustomization("overlay/kustomization.yaml", bases, parts.length ? `${parts.join("\n")}\n` : "");
  return { files, stripped, remotes: remotes.sort() };
}

const workRoot = mkdtempSync(path.join(tmpdir(), "slipway-without-remote-"));
afterAll(() => rmSync(workRoot, { recursive: true, force: true }));

function write(dir: string, files: Record<string, string>): string {
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), content);
  }
  return path.join(dir, "overlay");
}

function memory(files: Record<string, string>): MemoryFileSystem {
  return new MemoryFileSystem(Object.fromEntries(Object.entries(files).map(([p, t]) => [`/t/${p}`, t])));
}

describe.runIf(requires("kubectl"))(
  "a build without remote resources vs kubectl on the tree without them",
  () => {
    const seeds = fuzzSeeds(1, 30);
    // A long exploratory run (SLIPWAY_FUZZ_RUNS) gets the time its kubectl calls take.
    vi.setConfig({ testTimeout: Math.max(120_000, seeds.length * 1_000) });
    it(`${seeds.length} seeded trees agree byte for byte, and every left-out entry is listed`, async () => {
      const trees = seeds.map(generateTree);
      // The property says something only when entries are left out, at several depths (a replay
      // of one seed need not leave any out).
      if (seeds.length > 1) {
        expect(trees.filter((t) => t.remotes.some((r) => r.startsWith("base"))).length).toBeGreaterThan(5);
        expect(trees.filter((t) => t.remotes.some((r) => r.startsWith("overlay"))).length).toBeGreaterThan(5);
      }
      const dirs = trees.map((t, i) => write(path.join(workRoot, String(seeds[i])), t.stripped));
      const oracle = await mapLimit(dirs, 2, (d) => kubectlKustomize(d));
      const failures: string[] = [];
      trees.forEach((tree, i) => {
        const seed = seeds[i]!;
        const expected = oracle[i]!;
        if (!expected.ok) {
          failures.push(`seed ${seed}: kubectl failed on the stripped tree: ${expected.stderr.trim()}`);
          return;
        }
        const built = buildResourcesWithoutRemote("/t/overlay", { fs: memory(tree.files) });
        const yaml = emitYamlStream(built.resources.map((r) => r.obj));
        if (yaml !== expected.stdout)
          failures.push(`seed ${seed}: output differs (SLIPWAY_FUZZ_SEED=${seed})`);
        const listed = built.omitted.map((o) => `${o.file.replace(/^\/t\//, "")}\0${o.resource}`).sort();
        if (JSON.stringify(listed) !== JSON.stringify(tree.remotes))
          failures.push(`seed ${seed}: left out ${listed.join(", ")}; expected ${tree.remotes.join(", ")}`);
      });
      expect(failures).toEqual([]);
    });
  },
);

describe("buildResourcesWithoutRemote", () => {
  const fs = (files: Record<string, string>) => memory(files);
  const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

  it("a whole build (kubectl's drop-in) still fails on a remote resource", () => {
    const files = {
      "overlay/kustomization.yaml": `resources:\n- ${REMOTES[0]}\n- cm.yaml\n`,
      "overlay/cm.yaml": cm("a"),
    };
    expect(() => buildResources("/t/overlay", { fs: fs(files) })).toThrow(RemoteResourceError);
  });

  it("names the kustomization and the entry's line", () => {
    const files = {
      "overlay/kustomization.yaml": `# vendored soon\nresources:\n- cm.yaml\n- "${REMOTES[2]}"\n`,
      "overlay/cm.yaml": cm("a"),
    };
    const built = buildResourcesWithoutRemote("/t/overlay", { fs: fs(files) });
    expect(built.resources.map((r) => r.name)).toEqual(["a"]);
    expect(built.omitted).toEqual([{ resource: REMOTES[2], file: "/t/overlay/kustomization.yaml", line: 4 }]);
  });

  it("a base built once for two overlays lists its remote entry for both (base cache)", () => {
    const files = {
      "base/kustomization.yaml": `resources:\n- ${REMOTES[0]}\n- cm.yaml\n`,
      "base/cm.yaml": cm("a"),
      "one/kustomization.yaml": "resources: [../base]\nnamePrefix: one-\n",
      "two/kustomization.yaml": "resources: [../base]\nnamePrefix: two-\n",
    };
    const cache = new BuildCache();
    const memfs = fs(files);
    const one = buildResourcesWithoutRemote("/t/one", { fs: memfs, cache });
    const two = buildResourcesWithoutRemote("/t/two", { fs: memfs, cache });
    expect(two.resources.map((r) => r.name)).toEqual(["two-a"]);
    expect(one.omitted).toEqual(two.omitted);
    expect(two.omitted.map((o) => o.file)).toEqual(["/t/base/kustomization.yaml"]);
    // and a whole build sharing the cache still fails: the partial base is not served to it
    expect(() => buildResources("/t/one", { fs: memfs, cache })).toThrow(RemoteResourceError);
  });

  it("fails as a whole build would when the rest needs the remote objects (a patch of them)", () => {
    const files = {
      "overlay/kustomization.yaml": `resources:\n- ${REMOTES[0]}\n- cm.yaml\npatches:\n- path: patch.yaml\n`,
      "overlay/cm.yaml": cm("a"),
      "overlay/patch.yaml":
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: operator\nspec:\n  replicas: 2\n",
    };
    let err: unknown;
    try {
      buildResourcesWithoutRemote("/t/overlay", { fs: fs(files) });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RemoteResourceError);
    expect((err as SlipwayError).file).toBe("/t/overlay/kustomization.yaml");
    expect((err as SlipwayError).line).toBe(2);
    expect((err as SlipwayError).message).toContain(`remote resource '${REMOTES[0]}' is not supported`);
    expect((err as SlipwayError).message).toContain("without it the rest fails to build");
  });

  describe("a local file's failure beside a remote part is that failure, not the remote part's", () => {
    // Flux fetches the remote part and then fails on the local file all the same: an error of
    // the repository, never put down to what a partial build leaves out.
    const DASHBOARD = "https://raw.githubusercontent.com/example/x/main/dashboard.json";
    const cases: Array<[string, Record<string, string>, string]> = [
      [
        "a resource file that is missing",
        { "overlay/kustomization.yaml": `resources:\n- ${REMOTES[0]}\n- cm.yaml\n- missing.yaml\n` },
        "accumulating resources: 'missing.yaml': no such file or directory",
      ],
      [
        "a resource file that is not YAML",
        {
          "overlay/kustomization.yaml": `resources:\n- ${REMOTES[0]}\n- cm.yaml\n- bad.yaml\n`,
          "overlay/bad.yaml": "a: [b\n",
        },
        "MalformedYAMLError",
      ],
      [
        "a base directory without a kustomization file",
        {
          "overlay/kustomization.yaml": `resources:\n- ${REMOTES[2]}\n- ../base\n`,
          "base/cm.yaml": cm("b"),
        },
        "unable to find one of 'kustomization.yaml'",
      ],
      [
        "a file in a base that is missing",
        {
          "overlay/kustomization.yaml": `resources:\n- ${REMOTES[2]}\n- ../base\n`,
          "base/kustomization.yaml": "resources: [gone.yaml]\n",
        },
        "'gone.yaml': no such file or directory",
      ],
      [
        "a generator file outside the source root, beside a remote resource",
        {
          "overlay/kustomization.yaml": `resources:\n- ${REMOTES[0]}\n- cm.yaml\nconfigMapGenerator:\n- name: g\n  files: [leak=../../etc/passwd]\n`,
        },
        "security; path '/etc/passwd' is not in or below the source root",
      ],
      [
        "a generator file that is missing, after a remote file of the same generator",
        {
          "overlay/kustomization.yaml": `resources: [cm.yaml]\nconfigMapGenerator:\n- name: g\n  files: [d.json=${DASHBOARD}, local.txt]\n`,
        },
        "file '/t/overlay/local.txt' does not exist",
      ],
      [
        "a literal that is not key=value, beside a remote generator file",
        {
          "overlay/kustomization.yaml": `resources: [cm.yaml]\nconfigMapGenerator:\n- name: r\n  files: [d.json=${DASHBOARD}]\n- name: g\n  literals: [novalue]\n`,
        },
        "invalid literal source novalue, expected key=value",
      ],
    ];
    for (const [what, files, says] of cases) {
      it(what, () => {
        let err: unknown;
        try {
          buildResourcesWithoutRemote("/t/overlay", {
            fs: fs({ "overlay/cm.yaml": cm("a"), ...files }),
            confineTo: "/t",
          });
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(LocalInputError);
        expect((err as SlipwayError).message).toContain(says);
        expect((err as SlipwayError).message).not.toContain("without it the rest fails to build");
      });
    }

    it("and with the remote part alone the same tree builds in part (the cases are not broken otherwise)", () => {
      const files = {
        "overlay/kustomization.yaml": `resources:\n- ${REMOTES[0]}\n- cm.yaml\nconfigMapGenerator:\n- name: g\n  files: [d.json=${DASHBOARD}, local.txt]\n`,
        "overlay/cm.yaml": cm("a"),
        "overlay/local.txt": "x\n",
      };
      const built = buildResourcesWithoutRemote("/t/overlay", { fs: fs(files), confineTo: "/t" });
      expect(built.resources.map((r) => r.name)).toEqual(["a"]);
      expect(built.omitted.map((o) => o.resource)).toEqual([REMOTES[0], DASHBOARD]);
    });
  });

  it("a remote component is never left out: it changes the other objects", () => {
    const files = {
      "overlay/kustomization.yaml": `resources: [cm.yaml]\ncomponents:\n- ${REMOTES[1]}\n`,
      "overlay/cm.yaml": cm("a"),
    };
    expect(() => buildResourcesWithoutRemote("/t/overlay", { fs: fs(files) })).toThrow(RemoteResourceError);
  });

  it("nor a remote entry inside a transformers: directory (its configs change the other objects)", () => {
    const files = {
      "overlay/kustomization.yaml": "resources: [cm.yaml]\ntransformers: [../tx]\n",
      "overlay/cm.yaml": cm("a"),
      "tx/kustomization.yaml": `resources:\n- ${REMOTES[0]}\n`,
    };
    expect(() => buildResourcesWithoutRemote("/t/overlay", { fs: fs(files) })).toThrow(RemoteResourceError);
  });
});
