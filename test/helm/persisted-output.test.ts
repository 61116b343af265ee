/**
 * `helm template`'s printed output kept in the persistent cache (src/helm/persisted-output.ts):
 * a second run with the same inputs prints the same bytes (stdout and warnings) without
 * rendering, over the conformance corpus; any input that changes (a chart file, a values file,
 * a flag) is a miss; a render that drew randomness or read the clock unpinned is never stored;
 * damaged entries are misses; --output-dir and runs without a cache store nothing.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DiskRenderCache } from "../../src/cache/store.js";
import { runHelmTemplate, type TemplateIO } from "../../src/cli/helm.js";
import { diskReader } from "../../src/helm/chart-source.js";
import { forgetParsedTemplates } from "../../src/helm/engine.js";
import { OUTPUT_UNIT, UNKEPT_UNIT } from "../../src/helm/persisted-output.js";
import { PARSE_UNIT } from "../../src/helm/persisted-parse.js";
import { entryDamages, entryFiles, storedEntries } from "../support/cache-entries.js";
import { requires } from "../support/env.js";
import { scratchDirs } from "../support/scratch.js";
import { corpus } from "./corpus.js";

const temps = scratchDirs();
const temp = (prefix: string) => temps.make(prefix);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(argv: string[], cwd: string, cache: DiskRenderCache | undefined, written?: string[]): Run {
  return runWith(argv, cwd, cache, diskReader, written);
}

function runWith(
  argv: string[],
  cwd: string,
  cache: DiskRenderCache | undefined,
  reader: TemplateIO["reader"],
  written?: string[],
): Run {
  let stdout = "";
  let stderr = "";
  const io: TemplateIO = {
    cwd,
    reader,
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    writeFiles: (files) => {
      written?.push(...files.map((f) => f.file));
    },
    exists: () => false,
    cache,
    outputCache: cache,
  };
  const code = runHelmTemplate(argv, io);
  return { code, stdout, stderr };
}

/** Entries of printed outputs read back (the store's stats also count the unkept hints' reads). */
const outputReads = new WeakMap<DiskRenderCache, number>();
const outputHits = (cache: DiskRenderCache) => outputReads.get(cache) ?? 0;
/** A cache whose reads of printed outputs are counted (outputHits). */
function outputCache(): DiskRenderCache {
  const cache = new DiskRenderCache(temp("slipway-output-cache-"), "test-code-identity");
  const get = cache.get.bind(cache);
  cache.get = (key) => {
    const body = get(key);
    if (body !== undefined && key.unit === OUTPUT_UNIT) outputReads.set(cache, outputHits(cache) + 1);
    return body;
  };
  return cache;
}

/** A chart directory (named demo) with these templates, and values.yaml when given. */
function demoChart(templates: Record<string, string>, values?: string): string {
  const dir = temp("slipway-output-chart-");
  mkdirSync(path.join(dir, "templates"));
  writeFileSync(path.join(dir, "Chart.yaml"), "apiVersion: v2\nname: demo\nversion: 0.1.0\n");
  if (values !== undefined) writeFileSync(path.join(dir, "values.yaml"), values);
  for (const [name, text] of Object.entries(templates))
    writeFileSync(path.join(dir, "templates", name), text);
  return dir;
}

const outputEntries = (cache: DiskRenderCache) =>
  existsSync(cache.dir)
    ? storedEntries(cache.dir).filter((f) => f.includes(`${path.sep}${OUTPUT_UNIT}${path.sep}`))
    : [];

describe.runIf(requires("shared"))("persisted outputs over the conformance corpus", () => {
  it("every case prints the same bytes from the cache, and random or clock-reading renders are not kept", () => {
    const cache = outputCache();
    let kept = 0;
    for (const group of ["templates", "cases"]) {
      for (const id of readdirSync(path.join(corpus, group)).sort()) {
        const dir = path.join(corpus, group, id);
        const meta = JSON.parse(readFileSync(path.join(dir, "case.yaml"), "utf8"));
        const argv = [
          meta.release,
          path.resolve(dir, meta.chart),
          "--namespace",
          meta.namespace,
          ...meta.values.flatMap((v: string) => ["-f", path.resolve(dir, v)]),
          ...meta.flags.map((f: string) => f.replaceAll("{casedir}", dir)),
        ];
        const before = outputEntries(cache).length;
        const first = run(argv, dir, cache);
        const stored = outputEntries(cache).length - before;
        const hits = outputHits(cache);
        const second = run(argv, dir, cache);
        if (first.code !== 0 || meta.nondeterministic) {
          expect(stored, `${group}/${id}: nothing kept`).toBe(0);
          continue;
        }
        kept += stored;
        expect(second, `${group}/${id}`).toEqual(first);
        // the first run may have stored nothing only when its render used an unpinned clock or randomness
        if (stored === 1) expect(outputHits(cache), `${group}/${id} read back`).toBe(hits + 1);
      }
    }
    expect(kept).toBeGreaterThan(200);
  });
});

describe("persisted outputs", () => {
  const chart = (templates: Record<string, string>, values = "x: 1\n") => demoChart(templates, values);
  const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n";

  it("changed chart files, values files and flags are misses; equal inputs hit", () => {
    const dir = chart({ "cm.yaml": `${cm}  x: {{ .Values.x | quote }}\n  ns: {{ .Release.Namespace }}\n` });
    const cache = outputCache();
    const valuesFile = path.join(dir, "my.yaml");
    writeFileSync(valuesFile, "x: 2\n");
    const argv = ["r", dir, "-f", valuesFile];
    const first = run(argv, dir, cache);
    expect(first.stdout).toContain('x: "2"');
    expect(run(argv, dir, cache)).toEqual(first);
    expect(outputHits(cache)).toBe(1);
    writeFileSync(valuesFile, "x: 3\n");
    expect(run(argv, dir, cache).stdout).toContain('x: "3"');
    expect(run([...argv, "-n", "other"], dir, cache).stdout).toContain("ns: other");
    expect(run([...argv, "--set", "x=4"], dir, cache).stdout).toContain('x: "4"');
    writeFileSync(path.join(dir, "templates", "cm.yaml"), `${cm}  y: {{ .Values.x | quote }}\n`);
    expect(run(argv, dir, cache).stdout).toContain('y: "3"');
    expect(outputHits(cache)).toBe(1);
  });

  it("warnings are printed again in order", () => {
    const dir = chart({ "cm.yaml": `${cm}  x: {{ .Values.x | quote }}\n` });
    const cache = outputCache();
    const argv = ["r", dir, "--set", "x.a=1"];
    const first = run(argv, dir, cache);
    expect(first.stderr).not.toBe("");
    expect(run(argv, dir, cache)).toEqual(first);
    expect(outputHits(cache)).toBe(1);
  });

  it.each([
    ["randomness", "{{ randAlphaNum 12 }}", "--seed", "s1"],
    ["the clock", "{{ now | unixEpoch }}", "--now", "2026-01-02T03:04:05Z"],
  ])("a render that reads %s is kept only when it is pinned", (_, expr, flag, pin) => {
    const dir = chart({ "cm.yaml": `${cm}  v: "${expr}"\n` });
    const cache = outputCache();
    run(["r", dir], dir, cache);
    expect(outputEntries(cache)).toHaveLength(0);
    const pinned = run(["r", dir, flag, pin], dir, cache);
    expect(outputEntries(cache)).toHaveLength(1);
    expect(run(["r", dir, flag, pin], dir, cache)).toEqual(pinned);
    expect(outputHits(cache)).toBe(1);
  });

  it("documents that differ at every run (unpinned randomness) keep one heads entry, not one per run", () => {
    const big = `  pad: "${"x".repeat(40 * 1024)}"\n`;
    const cm2 = cm.replace("name: c", "name: c2");
    const dir = chart({ "cm.yaml": `${cm}  v: "{{ randAlphaNum 12 }}"\n${big}`, "cm2.yaml": `${cm2}${big}` });
    const cache = outputCache();
    const heads = () =>
      storedEntries(cache.dir).filter((f) => f.includes(`${path.sep}helm-heads${path.sep}`));
    const first = run(["r", dir], dir, cache);
    expect(heads()).toHaveLength(1);
    const second = run(["r", dir], dir, cache);
    expect(heads()).toHaveLength(1);
    expect(second.code).toBe(0);
    expect(second.stdout).not.toBe(first.stdout);
    const pinned = run(["r", dir, "--seed", "s1"], dir, cache);
    expect(heads()).toHaveLength(1);
    expect(run(["r", dir, "--seed", "s1"], dir, cache)).toEqual(pinned);
  });

  it("failed renders, --output-dir runs and runs without a cache keep nothing", () => {
    const dir = chart({ "cm.yaml": `${cm}  x: {{ required "x!" .Values.y }}\n` });
    const cache = outputCache();
    expect(run(["r", dir], dir, cache).code).toBe(1);
    const ok = chart({ "cm.yaml": `${cm}  x: "1"\n` });
    const written: string[] = [];
    expect(run(["r", ok, "--output-dir", temp("slipway-out-")], ok, cache, written).code).toBe(0);
    expect(written.length).toBe(1);
    expect(run(["r", ok], ok, undefined).code).toBe(0);
    expect(outputEntries(cache)).toHaveLength(0);
  });

  it.each(entryDamages)("%s entry is a miss, and the run renders", (_, damage) => {
    const dir = chart({ "cm.yaml": `${cm}  x: {{ .Values.x | quote }}\n` });
    const cache = outputCache();
    const first = run(["r", dir], dir, cache);
    const [entry] = entryFiles(cache.dir).filter((f) => f.includes(`${path.sep}${OUTPUT_UNIT}${path.sep}`));
    writeFileSync(entry!, damage(readFileSync(entry!)));
    expect(run(["r", dir], dir, cache)).toEqual(first);
    expect(outputHits(cache)).toBe(0);
  });
});

describe("persisted outputs and Secrets", () => {
  it.each([
    [
      "block style",
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  p: {{ .Values.p }}\n",
    ],
    [
      "flow style",
      '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"stringData":{"p":"{{ .Values.p }}"}}\n',
    ],
    [
      "quoted, in a hook",
      'apiVersion: v1\n"kind": "Secret"\nmetadata:\n  name: s\n  annotations:\n    helm.sh/hook: pre-install\nstringData:\n  p: {{ .Values.p }}\n',
    ],
  ])("a render that prints a Secret (%s) is not kept", (_, template) => {
    const dir = demoChart({ "s.yaml": template });
    const cache = outputCache();
    const argv = ["r", dir, "--set", "p=hunter2"];
    const first = run(argv, dir, cache);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("hunter2");
    expect(outputEntries(cache)).toEqual([]);
    expect(run(argv, dir, cache)).toEqual(first);
    expect(outputHits(cache)).toBe(0);
  });

  it("a crds/ file that is a Secret keeps the render out, one that only mentions the word does not", () => {
    const store = (crd: string) => {
      const dir = temp("slipway-output-secret-");
      mkdirSync(path.join(dir, "crds"));
      writeFileSync(path.join(dir, "Chart.yaml"), "apiVersion: v2\nname: demo\nversion: 0.1.0\n");
      writeFileSync(path.join(dir, "crds", "c.yaml"), crd);
      const cache = outputCache();
      expect(run(["r", dir, "--include-crds"], dir, cache).code).toBe(0);
      return outputEntries(cache).length;
    };
    expect(store("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n")).toBe(0);
    expect(store("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Secret\n")).toBe(1);
    expect(store("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s\n")).toBe(1);
  });

  it("a chart whose output was not kept skips the lookup, and prints and keeps its output once it can", () => {
    const secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  p: {{ .Values.p }}\n";
    const cm = (x: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  x: ${x}\n`;
    const dir = demoChart({ "s.yaml": secret, "c.yaml": cm("one") });
    const cache = outputCache();
    const hints = () =>
      storedEntries(cache.dir).filter((f) => f.includes(`${path.sep}${UNKEPT_UNIT}${path.sep}`));
    const fresh = (argv: string[]) => run(argv, dir, undefined);
    for (const p of ["hunter2", "correct-horse"]) {
      const argv = ["r", dir, "--set", `p=${p}`];
      expect(run(argv, dir, cache)).toEqual(fresh(argv));
      expect(run(argv, dir, cache)).toEqual(fresh(argv));
    }
    // One hint for the chart, whatever the values; no output kept.
    expect(hints()).toHaveLength(1);
    expect(outputEntries(cache)).toEqual([]);
    // The Secret goes: the run renders the new output (no lookup, no stale bytes) and keeps it.
    rmSync(path.join(dir, "templates", "s.yaml"));
    writeFileSync(path.join(dir, "templates", "c.yaml"), cm("two"));
    const argv = ["r", dir, "--set", "p=hunter2"];
    const afterChange = run(argv, dir, cache);
    expect(afterChange).toEqual(fresh(argv));
    expect(afterChange.stdout).toContain("x: two");
    expect(outputEntries(cache)).toHaveLength(1);
    expect(outputHits(cache)).toBe(0);
    expect(run(argv, dir, cache)).toEqual(afterChange);
    expect(outputHits(cache)).toBe(1);
    // A later change is a miss as ever.
    writeFileSync(path.join(dir, "templates", "c.yaml"), cm("three"));
    expect(run(argv, dir, cache).stdout).toContain("x: three");
  });

  it("a chart whose output is not kept has its template parse stored once and read by the next run", () => {
    // Large enough for its parse to be persisted (engine.ts's PERSIST_MIN_TEXT).
    const defines = Array.from({ length: 800 }, (_, i) => `{{- define "d${i}" }}x: {{ .Values.p }}{{ end }}`);
    const dir = demoChart({
      "s.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  p: {{ .Values.p }}\n",
      "_defines.tpl": `${defines.join("\n")}\n`,
    });
    const cache = outputCache();
    const parses = () =>
      storedEntries(cache.dir).filter((f) => f.includes(`${path.sep}${PARSE_UNIT}${path.sep}`));
    const argv = ["r", dir, "--set", "p=hunter2"];
    // A fresh process each time: no chart or parse remembered from the run before.
    const freshRun = () => {
      forgetParsedTemplates();
      return runWith(argv, dir, cache, { ...diskReader });
    };
    const first = freshRun();
    expect(first.code, first.stderr).toBe(0);
    expect(parses()).toHaveLength(1);
    expect(freshRun()).toEqual(first);
    expect(freshRun()).toEqual(first);
    expect(parses()).toHaveLength(1);
    expect(outputEntries(cache)).toEqual([]);
  });

  it("a SecretStore or a secretRef's kind is not a Secret", () => {
    const dir = demoChart({
      "s.yaml":
        "apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata:\n  name: s\nspec:\n  ref:\n    kind: SecretStores\n",
    });
    const cache = outputCache();
    run(["r", dir], dir, cache);
    expect(outputEntries(cache)).toHaveLength(1);
  });
});
