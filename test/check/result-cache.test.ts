import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { flushWrites } from "../../src/cache/pack-writes.js";
import { DiskRenderCache, type RenderCache } from "../../src/cache/store.js";
import { CHECK_RESULT_UNIT } from "../../src/check/result-cache.js";
import { allRules } from "../../src/check/rules/index.js";
import { type CheckRepositoryOptions, checkRepository } from "../../src/check/run.js";
import { checkCommand, FORMATS, formatCheckReport } from "../../src/cli/check.js";
import { type ChartProvider, directoryChartProvider } from "../../src/helmrelease/charts.js";
import { storedEntries } from "../support/cache-entries.js";
import { captureOutput } from "../support/capture.js";
import { tempTree } from "../support/cli.js";
import { conformanceChartDirs } from "../support/conformance-charts.js";
import { demoIdentities, demoPlaintexts, platformDir } from "../support/demo-secrets.js";
import { applyEdit, HOSTILE_KINDS, KINDS, UNIT_KINDS } from "../support/edit-kinds.js";
import { requires, sharedDir } from "../support/env.js";
import { GitCopy, seedOf, yamlFiles } from "../support/metamorphic.js";
import { Rng } from "../support/random.js";

/**
 * Issue 16: `check` served from the whole-run result cache (src/check/result-cache.ts) prints
 * exactly what a run without the cache prints — every format, the exit code — and a change to
 * any input (a file, a chart, an age key, an option) is never answered from an old entry.
 */

const scratch = mkdtempSync(path.join(tmpdir(), "slipway-check-cache-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let dirs = 0;
const newCacheDir = () => path.join(scratch, `cache-${dirs++}`);

interface Printed {
  use: string;
  code: number;
  reports: Record<string, string>;
}

/** One check as the command reports it: every format and the exit code. */
async function printed(repo: string, opts: Partial<CheckRepositoryOptions>): Promise<Printed> {
  const run = await checkRepository(repo, { identities: [], rules: allRules, ...opts });
  if (run.kind === "unknown-clusters")
    return { use: "none", code: 2, reports: { messages: run.messages.join("\n") } };
  const reports: Record<string, string> = { discovery: JSON.stringify(run.discovery) };
  if (run.result) {
    for (const f of FORMATS)
      reports[f] = await formatCheckReport(f, run.result, {
        discovery: run.discovery,
        clusterNames: run.clusterNames,
        color: false,
      });
  }
  const code = run.result === undefined ? 2 : run.result.summary.errors > 0 ? 1 : 0;
  return { use: run.cache.use, code, reports };
}

function expectSame(a: Printed, b: Printed): void {
  expect(a.code).toBe(b.code);
  expect(Object.keys(a.reports)).toEqual(Object.keys(b.reports));
  for (const k of Object.keys(a.reports)) expect(a.reports[k], k).toBe(b.reports[k]);
}

const corpus = path.join(sharedDir, "realworld");
const runs = requires("shared");
const repos = runs
  ? readdirSync(corpus)
      .filter((d) => statSync(path.join(corpus, d)).isDirectory())
      .sort()
  : [];

describe.runIf(runs)(
  "no cache, cold cache and warm cache print the same; so does every one-file edit",
  () => {
    const charts = runs ? directoryChartProvider(conformanceChartDirs()) : undefined;
    it.each([...repos, "examples/platform"])("%s", async (name) => {
      const source = name === "examples/platform" ? platformDir : path.join(corpus, name);
      // A Git copy: the cache must not depend on (nor be defeated by) the .git directory.
      const copy = new GitCopy(source);
      const renderCache = new DiskRenderCache(newCacheDir());
      const identities = name === "examples/platform" ? demoIdentities : [];
      try {
        const opts = { charts, identities };
        const none = await printed(copy.dir, opts);
        const cold = await printed(copy.dir, { ...opts, renderCache });
        const warm = await printed(copy.dir, { ...opts, renderCache });
        expect([none.use, cold.use, warm.use]).toEqual(["off", "stored", "hit"]);
        expectSame(cold, none);
        expectSame(warm, none);

        const files = yamlFiles(copy.dir);
        const failures: string[] = [];
        for (const [k, kind] of [...KINDS, ...HOSTILE_KINDS].entries()) {
          const seed = (seedOf(name) + k) >>> 0;
          const edit = applyEdit(copy.dir, files, kind, new Rng(seed));
          if (edit === undefined) continue;
          const cached = await printed(copy.dir, { ...opts, renderCache });
          const fresh = await printed(copy.dir, opts);
          process.stdout.write(`${name} ${kind} seed ${seed}: ${edit}: ${cached.use}\n`);
          if (cached.use === "hit") failures.push(`${kind} (seed ${seed}): ${edit}: served from the cache`);
          try {
            expectSame(cached, fresh);
          } catch {
            failures.push(`${kind} (seed ${seed}): ${edit}: differs from a run without the cache`);
          }
          copy.reset();
        }
        // Back to the first state: its entry serves again.
        const again = await printed(copy.dir, { ...opts, renderCache });
        expect(again.use).toBe("hit");
        expectSame(again, none);

        // The edits a check decides about per unit, one on top of the other: each state meets
        // a cache that holds the entries of every earlier state, so a key that misses one input
        // serves the answer of an earlier state. (A file no Kustomization reads may hit.)
        for (const [k, kind] of UNIT_KINDS.entries()) {
          const seed = (seedOf(name) + KINDS.length + k) >>> 0;
          const edit = applyEdit(copy.dir, yamlFiles(copy.dir), kind, new Rng(seed));
          if (edit === undefined) continue;
          const cached = await printed(copy.dir, { ...opts, renderCache });
          const fresh = await printed(copy.dir, opts);
          process.stdout.write(`${name} +${kind} seed ${seed}: ${edit}: ${cached.use}\n`);
          try {
            expectSame(cached, fresh);
          } catch {
            failures.push(
              `+${kind} (seed ${seed}), after the edits before it: ${edit}: differs from a run without the cache`,
            );
          }
        }
        expect(failures).toEqual([]);
      } finally {
        copy.cleanup();
      }
    });
  },
);

describe("the command prints the same with no cache, a cold and a warm cache", () => {
  const fixtures = [platformDir, path.join(platformDir, "../../test/fixtures/check/flux-rules")];
  it.each(fixtures)("%s", async (repo) => {
    const cacheDir = newCacheDir();
    const run = async (args: string[], cache: boolean) => {
      vi.stubEnv("SLIPWAY_NO_CACHE", cache ? "" : "1");
      vi.stubEnv("SLIPWAY_CACHE_DIR", cacheDir);
      try {
        return await captureOutput(() => checkCommand(args));
      } finally {
        vi.unstubAllEnvs();
      }
    };
    for (const format of FORMATS) {
      const args = [repo, "--format", format];
      const none = await run(args, false);
      const cold = await run(args, true);
      const warm = await run(args, true);
      expect(cold).toEqual(none);
      expect(warm).toEqual(none);
    }
    // The command's cache writes its pack when the process exits: this one does not.
    flushWrites();
    const entries = storedEntries(path.join(new DiskRenderCache(cacheDir).dir, CHECK_RESULT_UNIT));
    // One entry serves every format.
    expect(entries).toHaveLength(1);
  });
});

/** A small Flux repository: one Kustomization with a ConfigMap generated from an env file. */
function envRepo(): string {
  return tempTree({
    "clusters/dev/flux-system/gotk-sync.yaml": [
      "apiVersion: source.toolkit.fluxcd.io/v1",
      "kind: GitRepository",
      "metadata: {name: flux-system, namespace: flux-system}",
      "spec: {interval: 1m, url: https://example.com/repo, ref: {branch: main}}",
      "---",
      "apiVersion: kustomize.toolkit.fluxcd.io/v1",
      "kind: Kustomization",
      "metadata: {name: flux-system, namespace: flux-system}",
      "spec: {interval: 10m, path: ./clusters/dev, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}",
      "",
    ].join("\n"),
    "clusters/dev/apps.yaml": [
      "apiVersion: kustomize.toolkit.fluxcd.io/v1",
      "kind: Kustomization",
      "metadata: {name: apps, namespace: flux-system}",
      "spec: {interval: 10m, path: ./apps, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}",
      "",
    ].join("\n"),
    "apps/kustomization.yaml": [
      "apiVersion: kustomize.config.k8s.io/v1beta1",
      "kind: Kustomization",
      "resources: [deploy.yaml]",
      "configMapGenerator:",
      "  - name: settings",
      "    namespace: default",
      "    envs: [settings.env]",
      "",
    ].join("\n"),
    "apps/settings.env": "MODE=fast\nSLIPWAY_TEST_FROM_ENV\n",
    "apps/deploy.yaml": [
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata: {name: web, namespace: default}",
      "spec:",
      "  selector: {matchLabels: {app: web}}",
      "  template:",
      "    metadata: {labels: {app: web}}",
      "    spec:",
      "      containers:",
      "        - name: web",
      "          image: nginx:latest",
      "",
    ].join("\n"),
  });
}

describe("a changed input is never answered from the cache", () => {
  it("a changed file, a new file, a new empty directory, a removed file: each misses and equals a fresh run", async () => {
    const repo = envRepo();
    const renderCache = new DiskRenderCache(newCacheDir());
    expect((await printed(repo, { renderCache })).use).toBe("stored");
    expect((await printed(repo, { renderCache })).use).toBe("hit");
    const steps: Array<() => void> = [
      () =>
        writeFileSync(
          path.join(repo, "apps/deploy.yaml"),
          readFileSync(path.join(repo, "apps/deploy.yaml"), "utf8").replace("nginx:latest", "nginx:1.27"),
        ),
      () => writeFileSync(path.join(repo, "apps/extra.yaml"), "kind: ConfigMap\n"),
      () => mkdirSync(path.join(repo, "apps/empty")),
      () => rmSync(path.join(repo, "apps/extra.yaml")),
      () => writeFileSync(path.join(repo, "slipway.yaml"), "check:\n  rules:\n    image-tag-pinned: off\n"),
    ];
    for (const step of steps) {
      step();
      const cached = await printed(repo, { renderCache });
      expect(cached.use).toBe("stored");
      expectSame(cached, await printed(repo, {}));
    }
  });

  it("options: --strict, --cluster, the rules, the age keys each make another entry", async () => {
    const repo = envRepo();
    const renderCache = new DiskRenderCache(newCacheDir());
    expect((await printed(repo, { renderCache })).use).toBe("stored");
    for (const change of [
      { strict: true },
      { clusters: ["dev"] },
      { rules: allRules.slice(1) },
      { identities: demoIdentities },
    ] as Array<Partial<CheckRepositoryOptions>>) {
      const cached = await printed(repo, { renderCache, ...change });
      expect(cached.use, JSON.stringify(Object.keys(change))).toBe("stored");
      expectSame(cached, await printed(repo, change));
      expect((await printed(repo, { renderCache, ...change })).use).toBe("hit");
    }
  });

  it("the variable an env file names without a value is not read (kustomize v5.5.0): hit and fresh agree", async () => {
    const repo = envRepo();
    const renderCache = new DiskRenderCache(newCacheDir());
    const before = await printed(repo, { renderCache });
    process.env.SLIPWAY_TEST_FROM_ENV = "set";
    try {
      const cached = await printed(repo, { renderCache });
      expect(cached.use).toBe("hit");
      expectSame(cached, await printed(repo, {}));
      expectSame(cached, before);
    } finally {
      delete process.env.SLIPWAY_TEST_FROM_ENV;
    }
  });

  it("age key present or absent: separate entries, each equal to a fresh run", async () => {
    const renderCache = new DiskRenderCache(newCacheDir());
    const withKey = await printed(platformDir, { renderCache, identities: demoIdentities });
    const without = await printed(platformDir, { renderCache, identities: [] });
    expect([withKey.use, without.use]).toEqual(["stored", "stored"]);
    expect(withKey.reports.json).not.toBe(without.reports.json);
    expectSame(without, await printed(platformDir, { identities: [] }));
    const again = await printed(platformDir, { renderCache, identities: demoIdentities });
    expect(again.use).toBe("hit");
    expectSame(again, await printed(platformDir, { identities: demoIdentities }));
  });

  it.runIf(runs)("a chart changed, added or removed in the chart cache misses", async () => {
    const chartDirs = conformanceChartDirs();
    const copies: Record<string, string> = {};
    for (const [name, dir] of Object.entries(chartDirs)) {
      copies[name] = path.join(scratch, `charts-${dirs}`, name);
      cpSync(dir, copies[name]!, { recursive: true });
    }
    dirs++;
    const provider = (): ChartProvider => directoryChartProvider(copies);
    const repo = path.join(corpus, "fluxcd__flux2-kustomize-helm-example");
    const renderCache = new DiskRenderCache(newCacheDir());
    const first = await printed(repo, { renderCache, charts: provider() });
    expect(first.use).toBe("stored");
    expect((await printed(repo, { renderCache, charts: provider() })).use).toBe("hit");
    // The repository's charts (podinfo, ingress-nginx…): change one of those it used.
    const used = Object.keys(copies).filter((n) => first.reports.json!.includes(n) || n === "podinfo");
    const name = used.includes("podinfo") ? "podinfo" : used[0]!;
    const values = path.join(copies[name]!, "values.yaml");
    writeFileSync(values, `${readFileSync(values, "utf8")}\nslipwayTestKey: 1\n`);
    const changed = await printed(repo, { renderCache, charts: provider() });
    expect(changed.use).toBe("stored");
    expectSame(changed, await printed(repo, { charts: provider() }));
    // Removed from the cache: the release is reported as not cached, never served stale.
    const without = { ...copies };
    delete without[name];
    const removed = await printed(repo, { renderCache, charts: directoryChartProvider(without) });
    expect(removed.use).toBe("stored");
    expectSame(removed, await printed(repo, { charts: directoryChartProvider(without) }));
    expect(removed.reports.json).not.toBe(changed.reports.json);
  });

  it("a tampered or truncated entry is treated as absent", async () => {
    const repo = envRepo();
    const cacheDir = newCacheDir();
    // Each run with a cache of its own, as each process opens it (a cache keeps what it has
    // read of a pack: packs are never changed but by damage).
    const renderCache = () => new DiskRenderCache(cacheDir);
    const fresh = await printed(repo, {});
    const first = renderCache();
    expect((await printed(repo, { renderCache: first })).use).toBe("stored");
    const entries = listFiles(path.join(first.dir, CHECK_RESULT_UNIT));
    expect(entries).toHaveLength(1);
    const entry = entries[0]!;
    const bytes = readFileSync(entry);
    bytes[bytes.length - 20]! ^= 1;
    writeFileSync(entry, bytes);
    const tampered = await printed(repo, { renderCache: renderCache() });
    expect(tampered.use).toBe("stored");
    expectSame(tampered, fresh);
    for (const f of listFiles(path.join(first.dir, CHECK_RESULT_UNIT))) truncateSync(f, 40);
    const truncated = await printed(repo, { renderCache: renderCache() });
    expect(truncated.use).toBe("stored");
    expectSame(truncated, fresh);
    expect((await printed(repo, { renderCache: renderCache() })).use).toBe("hit");
  });

  it("a run that reads below node_modules, or a link leading out of the repository, is not stored", async () => {
    const repo = envRepo();
    const renderCache = new DiskRenderCache(newCacheDir());
    mkdirSync(path.join(repo, "apps/node_modules"));
    writeFileSync(
      path.join(repo, "apps/node_modules/extra.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: default}\n",
    );
    writeFileSync(
      path.join(repo, "apps/kustomization.yaml"),
      readFileSync(path.join(repo, "apps/kustomization.yaml"), "utf8").replace(
        "[deploy.yaml]",
        "[deploy.yaml, node_modules/extra.yaml]",
      ),
    );
    const read = await checkRepository(repo, { identities: [], rules: allRules, renderCache });
    expect(read.kind === "checked" && read.cache).toEqual({
      use: "kept",
      why: expect.stringContaining("node_modules"),
    });
    rmSync(path.join(repo, "apps/node_modules"), { recursive: true });
    writeFileSync(
      path.join(repo, "apps/kustomization.yaml"),
      readFileSync(path.join(repo, "apps/kustomization.yaml"), "utf8").replace(
        ", node_modules/extra.yaml",
        "",
      ),
    );
    symlinkSync(tmpdir(), path.join(repo, "apps/outside"));
    const linked = await checkRepository(repo, { identities: [], rules: allRules, renderCache });
    expect(linked.kind === "checked" && linked.cache.use).toBe("kept");
    rmSync(path.join(repo, "apps/outside"));
    symlinkSync("deploy.yaml", path.join(repo, "apps/inside.yaml"));
    const inside = await checkRepository(repo, { identities: [], rules: allRules, renderCache });
    expect(inside.kind === "checked" && inside.cache.use).toBe("stored");
  });

  it("an entry of a run with decrypted secrets holds no plaintext", async () => {
    const disk = new DiskRenderCache(newCacheDir());
    const bodies: unknown[] = [];
    const recording: RenderCache = {
      key: (unit, inputs) => disk.key(unit, inputs),
      get: (key) => disk.get(key),
      put: (key, body) => {
        if (key.unit === CHECK_RESULT_UNIT) bodies.push(body);
        disk.put(key, body);
      },
      stats: disk.stats,
    };
    const run = await printed(platformDir, { renderCache: recording, identities: demoIdentities });
    expect(run.use).toBe("stored");
    expect(bodies).toHaveLength(1);
    const text = JSON.stringify(bodies[0]);
    const leaked = (await demoPlaintexts()).filter((p) => text.includes(p));
    expect(leaked).toEqual([]);
  });
});

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(abs));
    else out.push(abs);
  }
  return out;
}
