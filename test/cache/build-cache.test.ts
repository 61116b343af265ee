/**
 * Built Flux Kustomization paths in the render cache (src/platform/build-cache.ts): served only
 * while every read of the build gives the same answer; any change to what the build read, the
 * directories it listed or the spec is a miss and a new output.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DiskRenderCache } from "../../src/cache/store.js";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { answerNow, type ReadRecord } from "../../src/fs/recording.js";
import type { Resource } from "../../src/kustomize/resource.js";
import { BuildCache } from "../../src/kustomize/target.js";
import type { YamlMap } from "../../src/kustomize/types.js";
import { buildFluxPath } from "../../src/platform/build.js";
import { BUILD_UNIT, cachedFluxBuild, RunAnswers } from "../../src/platform/build-cache.js";
import { isEmptyNull } from "../../src/yaml/empty-null.js";
import { entryFiles } from "../support/cache-entries.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function newCache(): DiskRenderCache {
  const d = mkdtempSync(path.join(tmpdir(), "slipway-build-cache-"));
  dirs.push(d);
  return new DiskRenderCache(d, "test-code-identity");
}

const cm = (name: string, value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  key: ${value}\n`;

function repo(): MemoryFileSystem {
  return new MemoryFileSystem({
    "/repo/base/kustomization.yaml": "resources:\n  - config.yaml\n",
    "/repo/base/config.yaml": cm("base", "one"),
    "/repo/components/label/kustomization.yaml":
      "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - path: patch.yaml\n    target: {kind: ConfigMap}\n",
    "/repo/components/label/patch.yaml":
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: any\n  labels:\n    patched: "yes"\n',
    "/repo/app/kustomization.yaml":
      "resources:\n  - ../base\n  - extra.yaml\ncomponents:\n  - ../components/label\n",
    "/repo/app/extra.yaml": cm("extra", "two"),
    "/repo/plain/a.yaml": cm("a", "1"),
  });
}

/** The parts of a build the platform uses, as JSON. */
function view(resources: Resource[]): string {
  return JSON.stringify(
    resources.map((r) => ({ obj: r.obj, source: r.source, touchedBy: r.touchedBy, patches: r.patches })),
  );
}

function build(cache: DiskRenderCache, fs: MemoryFileSystem, spec: YamlMap): { out: string; hits: number } {
  const before = cache.stats.hits;
  const b = cachedFluxBuild(cache, fs, "/repo", spec, new BuildCache());
  const direct = buildFluxPath(fs, "/repo", spec, new BuildCache());
  // Whatever the cache did, the result is the one a build gives now.
  expect(view(b.resources)).toBe(view(direct.resources));
  expect([b.dir, b.generated]).toEqual([direct.dir, direct.generated]);
  return { out: view(b.resources), hits: cache.stats.hits - before };
}

describe("Flux Kustomization build cache", () => {
  it("serves an unchanged build with its sources, patches and transformers", () => {
    const cache = newCache();
    const fs = repo();
    const spec = { path: "./app", namePrefix: "p-" };
    const cold = build(cache, fs, spec);
    expect(cold.hits).toBe(0);
    const warm = build(cache, fs, spec);
    expect(warm.hits).toBe(2); // the read manifest and the output
    expect(warm.out).toBe(cold.out);
    expect(warm.out).toContain('"patched":"yes"');
    expect(warm.out).toContain("/repo/components/label/patch.yaml");
  });

  it("keeps what JSON cannot say (empty-null marks, big integers) beside plain objects", () => {
    const cache = newCache();
    const fs = new MemoryFileSystem({
      "/repo/mixed/plain.yaml": cm("plain", "one"),
      "/repo/mixed/marked.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: marked\n  labels:\ndata:\n  big: x\n",
      "/repo/mixed/big.yaml":
        "apiVersion: v1\nkind: Thing\nmetadata:\n  name: big\nspec:\n  n: 12345678901234567890\n",
    });
    const spec = { path: "./mixed" };
    const direct = buildFluxPath(fs, "/repo", spec, new BuildCache()).resources;
    cachedFluxBuild(cache, fs, "/repo", spec, new BuildCache());
    const before = cache.stats.hits;
    const served = cachedFluxBuild(cache, fs, "/repo", spec, new BuildCache()).resources;
    expect(cache.stats.hits - before).toBe(2);
    expect(served.map((r) => r.obj)).toStrictEqual(direct.map((r) => r.obj));
    const named = (rs: Resource[], name: string) =>
      rs.find((r) => (r.obj.metadata as YamlMap).name === name)!;
    const marked = named(direct, "marked");
    expect(isEmptyNull(marked.obj.metadata as YamlMap, "labels")).toBe(true);
    expect(isEmptyNull(named(served, "marked").obj.metadata as YamlMap, "labels")).toBe(true);
    expect(typeof (named(served, "big").obj.spec as YamlMap).n).toBe(
      typeof (named(direct, "big").obj.spec as YamlMap).n,
    );
    expect(named(served, "plain").obj).toStrictEqual(named(direct, "plain").obj);
  });

  it("misses when a base file is edited", () => {
    const cache = newCache();
    const fs = repo();
    const spec = { path: "./app" };
    const cold = build(cache, fs, spec);
    fs.write("/repo/base/config.yaml", cm("base", "changed"));
    const after = build(cache, fs, spec);
    expect(after.hits).toBe(1); // the manifest only: its answers no longer hold
    expect(after.out).not.toBe(cold.out);
    expect(after.out).toContain('"key":"changed"');
    expect(build(cache, fs, spec).hits).toBe(2);
  });

  it("finds an earlier build again when a file goes back (a diff's two revisions, a revert)", () => {
    const cache = newCache();
    const fs = repo();
    const spec = { path: "./app" };
    const first = build(cache, fs, spec);
    fs.write("/repo/base/config.yaml", cm("base", "changed"));
    expect(build(cache, fs, spec).hits).toBe(1);
    fs.write("/repo/base/config.yaml", cm("base", "one"));
    const back = build(cache, fs, spec);
    expect(back.hits).toBe(2);
    expect(back.out).toBe(first.out);
  });

  it("misses when a file is added to a directory a generated kustomization lists", () => {
    const cache = newCache();
    const fs = repo();
    const spec = { path: "./plain" };
    const cold = build(cache, fs, spec);
    fs.write("/repo/plain/b.yaml", cm("b", "2"));
    const after = build(cache, fs, spec);
    expect(after.hits).toBe(1);
    expect(after.out).not.toBe(cold.out);
    expect(after.out).toContain('"name":"b"');
  });

  it("misses when a component file is deleted (and the build then fails as it would)", () => {
    const cache = newCache();
    const fs = repo();
    const spec = { path: "./app" };
    build(cache, fs, spec);
    const without = new MemoryFileSystem();
    for (const [p, text] of Object.entries({
      "/repo/base/kustomization.yaml": fs.readFile("/repo/base/kustomization.yaml"),
      "/repo/base/config.yaml": fs.readFile("/repo/base/config.yaml"),
      "/repo/components/label/kustomization.yaml": fs.readFile("/repo/components/label/kustomization.yaml"),
      "/repo/app/kustomization.yaml": fs.readFile("/repo/app/kustomization.yaml"),
      "/repo/app/extra.yaml": fs.readFile("/repo/app/extra.yaml"),
    }))
      without.write(p, text);
    expect(() => cachedFluxBuild(cache, without, "/repo", spec, new BuildCache())).toThrow(/patch\.yaml/);
  });

  it("misses when the Kustomization spec changes", () => {
    const cache = newCache();
    const fs = repo();
    const cold = build(cache, fs, { path: "./app" });
    const prefixed = build(cache, fs, { path: "./app", namePrefix: "x-" });
    expect(prefixed.hits).toBe(0);
    expect(prefixed.out).not.toBe(cold.out);
    expect(prefixed.out).toContain('"name":"x-base"');
  });

  it("treats a damaged output entry as a miss", () => {
    const cache = newCache();
    const fs = repo();
    const spec = { path: "./app" };
    const cold = build(cache, fs, spec);
    const unitDir = path.join(cache.dir, BUILD_UNIT);
    for (const f of entryFiles(unitDir)) writeFileSync(f, "garbage");
    const after = build(cache, fs, spec);
    expect(after.out).toBe(cold.out);
    expect(cache.stats.rejected).toBe(1);
  });
});

describe("build entries keep shared file names and patch records once", () => {
  const spec = { path: "./app" };
  // The component's patch targets every ConfigMap: one record, applied to two objects.
  const storedBody = (cache: DiskRenderCache): Record<string, unknown> => {
    const found: { output?: import("../../src/cache/store.js").CacheKey } = {};
    cachedFluxBuild(cache, repo(), "/repo", spec, new BuildCache(), new RunAnswers(), found);
    return cache.get(found.output!) as Record<string, unknown>;
  };

  it("writes a patch applied to several objects once, and they share it when read back", () => {
    const cache = newCache();
    build(cache, repo(), spec);
    const text = JSON.stringify(storedBody(cache));
    expect(text.split('"name":"any"').length - 1).toBe(1); // the patch document's own name
    expect(text.split('"/repo/components/label/patch.yaml"').length - 1).toBe(1);
    const direct = buildFluxPath(repo(), "/repo", spec, new BuildCache()).resources;
    const served = cachedFluxBuild(cache, repo(), "/repo", spec, new BuildCache()).resources;
    expect(cache.stats.hits).toBeGreaterThan(0);
    for (const resources of [direct, served]) {
      const patched = resources.filter((r) => r.patches.length > 0);
      expect(patched.length).toBe(2);
      expect(patched[0]!.patches[0]).toBe(patched[1]!.patches[0]);
    }
  });

  it("treats an index outside the entry's tables as a damaged entry (a miss)", () => {
    for (const damage of [
      (r: { s?: number[] }) => {
        r.s = [99, 1];
      },
      (r: { t?: unknown[] }) => {
        r.t = [-1];
      },
      (r: { p?: unknown[] }) => {
        r.p = ["0"];
      },
    ]) {
      const cache = newCache();
      const cold = build(cache, repo(), spec);
      const found: { output?: import("../../src/cache/store.js").CacheKey } = {};
      cachedFluxBuild(cache, repo(), "/repo", spec, new BuildCache(), new RunAnswers(), found);
      const body = cache.get(found.output!) as { resources: Array<Record<string, unknown>> };
      for (const r of body.resources) damage(r);
      cache.put(found.output!, body);
      const after = build(cache, repo(), spec);
      expect(after.out).toBe(cold.out);
    }
  });
});

describe("RunAnswers.holds", () => {
  // Answers of every kind of question, against recorded values that are right, wrong, of
  // another type, reordered, or what JSON gives for values it has no spelling for.
  const fs = repo();
  const questions: Array<[ReadRecord[0], string]> = [
    ["f", "/repo/base/config.yaml"],
    ["f", "/repo/missing.yaml"],
    ["e", "/repo/app"],
    ["e", "/repo/nope"],
    ["d", "/repo/app"],
    ["d", "/repo/app/extra.yaml"],
    ["l", "/repo/app"],
    ["l", "/repo/components"],
    ["l", "/repo/nope"],
    ["s", "/repo/app/extra.yaml"],
    ["s", "/repo/nope"],
    ["r", "/repo/app"],
  ];
  const recorded = (answer: unknown): unknown[] => [
    answer,
    JSON.parse(JSON.stringify(answer ?? null)),
    null,
    "",
    "x",
    true,
    false,
    0,
    42,
    [],
    ["kustomization.yaml"],
    Array.isArray(answer) ? [...answer].reverse() : [answer],
    Array.isArray(answer) ? [...answer, "more"] : { v: answer },
    typeof answer === "number" ? String(answer) : 1,
    typeof answer === "string" ? `${answer} ` : "true",
  ];
  it("is true exactly when the answer's JSON text equals the recorded value's", () => {
    const answers = new RunAnswers();
    let held = 0;
    for (const [op, p] of questions) {
      const answer = answerNow(fs, [op, p, null]);
      for (const was of recorded(answer)) {
        const r: ReadRecord = [op, p, was];
        const byText = answers.of(fs, r) === JSON.stringify(r[2]);
        expect(answers.holds(fs, r), `${op} ${p} ${JSON.stringify(was)}`).toBe(byText);
        if (byText) held++;
      }
    }
    expect(held).toBeGreaterThanOrEqual(questions.length);
  });
});
