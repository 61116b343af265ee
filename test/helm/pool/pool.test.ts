/**
 * The render pool with real worker threads: they run the compiled dist/ (`npm test` builds it
 * first), so this suite loads the pool and the chart loader from dist/ too (Go value classes
 * must be the pool's own).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, requires, sharedDir } from "../../support/env.js";

const dist = (p: string) => path.join(repoRoot, "dist", p);
const built = existsSync(dist("helm/pool/worker.js"));
if (!built) process.stderr.write("[skipped] render pool suite needs dist/ (npm run build)\n");

const enc = new TextEncoder();
const file = (name: string, text: string) => ({ name, data: enc.encode(text) });

describe.runIf(built)("render pool (worker threads)", async () => {
  const pool = await import(dist("helm/pool/index.js"));
  const { loadChartFiles } = await import(dist("helm/loader.js"));
  const { GoMap, GoInt } = await import(dist("helm/template/value.js"));

  const random = loadChartFiles([
    file("Chart.yaml", "apiVersion: v2\nname: random\nversion: 1.0.0\n"),
    file("values.yaml", "size: 8\n"),
    file(
      "templates/secret.yaml",
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}\nstringData:\n  pw: {{ randAlphaNum (int .Values.size) | quote }}\n  id: {{ uuidv4 | quote }}\n  n: {{ .Values.n | toJson | quote }}\n  t: {{ typeOf .Values.n | quote }}\n",
    ),
  ]);
  const failing = loadChartFiles([
    file("Chart.yaml", "apiVersion: v2\nname: failing\nversion: 1.0.0\n"),
    file("templates/x.yaml", '{{ if .Values.boom }}{{ fail "boom" }}{{ end }}\nkind: ConfigMap\n'),
  ]);
  const jobs = Array.from({ length: 7 }, (_, i) => ({
    chart: i % 3 === 2 ? failing : random,
    job: {
      releaseName: `r${i}`,
      namespace: "ns",
      values: new GoMap([
        ["n", i % 2 ? new GoInt("int64", BigInt(i)) : i + 0.5],
        ["boom", i === 5],
      ]),
      apiVersions: ["example.com/v1"],
      skipSchemaValidation: false,
      seed: `cluster/ns/r${i}`,
      now: Date.parse("2025-01-01T00:00:00Z"),
    },
  }));

  it("renders in the main thread when there are too few jobs for a worker to pay (no worker runs yet)", () => {
    expect(pool.runningWorkers()).toBe(0);
    const few = pool.renderReleases(jobs.slice(0, 2), { threads: 2 });
    expect(pool.lastBatch.workers).toBe(0);
    expect(pool.runningWorkers()).toBe(0);
    expect(few).toEqual(pool.renderReleases(jobs.slice(0, 2), { threads: 0 }));
  });

  it("does a step of idle work after each render of its own beside a worker, and gives the same outcomes", async () => {
    const { addIdleWork } = await import(dist("idle-work.js"));
    let steps = 0;
    let on = true;
    addIdleWork(() => {
      if (!on) return false;
      steps++;
      return true;
    });
    const expected = pool.renderReleases(jobs, { threads: 0 });
    // The worker starts for this batch: the main thread renders what it claims before the
    // worker is up (it may render them all, and then never waits for the worker).
    expect(pool.runningWorkers()).toBe(0);
    const out = pool.renderReleases(jobs, { threads: 1, mainRenders: true });
    on = false;
    expect(out).toEqual(expected);
    expect(pool.lastBatch.fromWorkers).toBeLessThan(jobs.length);
    expect(steps).toBeGreaterThanOrEqual(jobs.length - pool.lastBatch.fromWorkers);
  });

  it("gives the same outcomes in order, whoever renders them", () => {
    const inProcess = pool.renderReleases(jobs, { threads: 0 });
    expect(pool.lastBatch.workers).toBe(0);
    const workersOnly = pool.renderReleases(jobs, { threads: 2, mainRenders: false });
    expect(pool.lastBatch).toEqual({ workers: 2, fromWorkers: jobs.length });
    const shared = pool.renderReleases(jobs, { threads: 1 });
    expect(workersOnly).toEqual(inProcess);
    expect(shared).toEqual(inProcess);
    // The jobs really differ and really fail where they should.
    expect(inProcess[5]).toEqual({ ok: false, error: expect.stringContaining("boom") });
    expect(inProcess[0].ok && inProcess[0].release.manifests[0].content).toContain('t: "float64"');
    expect(inProcess[1].ok && inProcess[1].release.manifests[0].content).toContain('t: "int64"');
    const pw = (o: { ok: boolean; release?: { manifests: Array<{ content: string }> } }) =>
      o.release?.manifests[0]?.content.match(/pw: (.*)/)?.[1];
    expect(pw(inProcess[0])).not.toBe(pw(inProcess[1]));
  });

  it("brings each manifest's objects from the worker that rendered it, as parsing its text gives them", async () => {
    const { sentManifestObjects } = await import(dist("helm/pool/manifest-objects.js"));
    const { parseYamlDocuments } = await import(dist("yaml/parse.js"));
    const ok = jobs.filter((_, i) => i % 3 !== 2);
    const workersOnly = pool.renderReleases(ok, { threads: 1, mainRenders: false });
    expect(pool.lastBatch.fromWorkers).toBe(ok.length);
    const inProcess = pool.renderReleases(ok, { threads: 0 });
    for (const [i, o] of workersOnly.entries()) {
      for (const m of o.release.manifests) {
        const text = `${m.content}\n`;
        expect(sentManifestObjects(m, text)).toEqual(
          parseYamlDocuments(text, m.path).map((d: { value: unknown }) => d.value),
        );
      }
      // A render of this thread's own has nothing sent: its objects are parsed here.
      for (const m of inProcess[i].release.manifests)
        expect(sentManifestObjects(m, `${m.content}\n`)).toBeUndefined();
    }
  });

  it("brings crds/ files back as files of the main thread's chart, not copies of their text", () => {
    const crd = (name: string) =>
      `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${name}.example.com\n`;
    const withCrds = loadChartFiles([
      file("Chart.yaml", "apiVersion: v2\nname: with-crds\nversion: 1.0.0\n"),
      file("crds/a.yaml", crd("as")),
      file("crds/notes.txt", "not a manifest"),
      file("templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"),
      file("charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 1.0.0\n"),
      file("charts/sub/crds/b.yaml", crd("bs")),
      file("charts/sub/templates/x.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sub\n"),
    ]);
    const crdJobs = jobs
      .slice(0, 5)
      .map(({ job }) => ({ chart: withCrds, job: { ...job, values: new GoMap() } }));
    const inProcess = pool.renderReleases(crdJobs, { threads: 0 });
    const workersOnly = pool.renderReleases(crdJobs, { threads: 2, mainRenders: false });
    expect(pool.lastBatch.fromWorkers).toBe(crdJobs.length);
    expect(workersOnly).toEqual(inProcess);
    const files = [
      withCrds.files.find((f: { name: string }) => f.name === "crds/a.yaml"),
      withCrds.dependencies[0].files[0],
    ];
    for (const o of workersOnly) {
      expect(o.release.crds.map((c: { path: string }) => c.path)).toEqual([
        "with-crds/crds/a.yaml",
        "with-crds/charts/sub/crds/b.yaml",
      ]);
      expect(o.release.crds.map((c: { content: string }) => c.content)).toEqual([crd("as"), crd("bs")]);
      // The very bytes of the chart this thread loaded: nothing of them travelled.
      expect(o.release.crds.map((c: { data: Uint8Array }) => c.data)).toEqual(files.map((f) => f.data));
      for (const [i, c] of o.release.crds.entries()) expect(c.data).toBe(files[i].data);
    }
  });

  it("claims the largest charts first, ties in job order; outcomes stay in job order", () => {
    // random's template is larger than failing's: jobs 0,1,3,4,6 before 2,5
    expect(pool.claimOrder(jobs)).toEqual([0, 1, 3, 4, 6, 2, 5]);
    const byOne = pool.renderReleases(jobs, { threads: 1, mainRenders: false });
    expect(byOne).toEqual(pool.renderReleases(jobs, { threads: 0 }));
    expect(byOne[5]).toEqual({ ok: false, error: expect.stringContaining("boom") });
  });

  it("hands each outcome to onOutcome once, as it arrives, equal to the one returned", () => {
    for (const opts of [{ threads: 0 }, { threads: 1 }, { threads: 2, mainRenders: false }]) {
      const seen: Array<[number, unknown]> = [];
      const out = pool.renderReleases(jobs, opts, (i: number, o: unknown) => seen.push([i, o]));
      expect(seen.map(([i]) => i).sort()).toEqual(jobs.map((_, i) => i));
      for (const [i, o] of seen) expect(o).toBe(out[i]);
      expect(out).toEqual(pool.renderReleases(jobs, { threads: 0 }));
    }
  });

  it("does idle work while it waits for the workers' renders, and gives the same outcomes", async () => {
    const { addIdleWork } = await import(dist("idle-work.js"));
    let steps = 0;
    let left = 1000;
    addIdleWork(() => {
      if (left === 0) return false;
      left--;
      steps++;
      return true;
    });
    // On a loaded machine the worker may post every render before the main thread first
    // looks, which leaves it nothing to wait for: a few batches give it the chance.
    const expected = pool.renderReleases(jobs, { threads: 0 });
    for (let batch = 0; batch < 20 && steps === 0; batch++) {
      const out = pool.renderReleases(jobs, { threads: 1, mainRenders: false });
      expect(pool.lastBatch).toEqual({ workers: 1, fromWorkers: jobs.length });
      expect(out).toEqual(expected);
    }
    expect(steps).toBeGreaterThan(0);
    left = 0;
  });

  it("sends a chart again after a batch without it made the worker forget it", () => {
    const randomOnly = jobs.filter((j) => j.chart === random);
    const failingOnly = jobs.filter((j) => j.chart === failing);
    const expected = pool.renderReleases(randomOnly, { threads: 0 });
    for (const batch of [randomOnly, [...failingOnly, ...failingOnly], randomOnly]) {
      const out = pool.renderReleases(batch, { threads: 1, mainRenders: false });
      expect(pool.lastBatch).toEqual({ workers: 1, fromWorkers: batch.length });
      if (batch === randomOnly) expect(out).toEqual(expected);
    }
  });

  it("has the main thread claim jobs of a large batch beside warm workers, of a small one only while none is warm", () => {
    const warm = () => true;
    const cold = () => false;
    const big = pool.MIN_JOBS_FOR_WORKERS;
    expect(pool.mainClaims(undefined, big, warm)).toBe(true);
    expect(pool.mainClaims(undefined, big - 1, warm)).toBe(false);
    expect(pool.mainClaims(undefined, big - 1, cold)).toBe(true);
    expect(pool.mainClaims(false, big, cold)).toBe(false);
    expect(pool.mainClaims(true, 1, warm)).toBe(true);
  });

  it("gives the same outcomes whether the main thread renders beside a warm worker or not", () => {
    // The earlier tests had workers render: they are warm.
    const out = pool.renderReleases(jobs, { threads: 1 });
    expect(pool.lastBatch.workers).toBe(1);
    expect(out).toEqual(pool.renderReleases(jobs, { threads: 0 }));
    expect(pool.renderReleases(jobs, { threads: 1, mainRenders: false })).toEqual(out);
    expect(pool.lastBatch).toEqual({ workers: 1, fromWorkers: jobs.length });
  });

  it("gives a small batch to a warm worker that runs, and starts none for it", () => {
    const running = pool.runningWorkers();
    const few = pool.renderReleases(jobs.slice(0, 2), { threads: running + 1 });
    expect(pool.lastBatch).toEqual({ workers: running, fromWorkers: 2 });
    expect(pool.runningWorkers()).toBe(running);
    expect(few).toEqual(pool.renderReleases(jobs.slice(0, 2), { threads: 0 }));
  });

  it("starts workers ahead of a batch big enough for them, then renders with them", () => {
    // The earlier tests started two; a batch that needs three starts the third ahead of it.
    const before = pool.runningWorkers();
    pool.prestartWorkers(3, before + 1);
    expect(pool.runningWorkers()).toBe(before); // three jobs render in the main thread
    pool.prestartWorkers(4, before + 1);
    expect(pool.runningWorkers()).toBe(before + 1);
    pool.prestartWorkers(4, before + 1);
    expect(pool.runningWorkers()).toBe(before + 1);
    const out = pool.renderReleases(jobs, { threads: before + 1, mainRenders: false });
    expect(pool.lastBatch).toEqual({ workers: before + 1, fromWorkers: jobs.length });
    expect(out).toEqual(pool.renderReleases(jobs, { threads: 0 }));
  });

  it("uses a render started ahead when accepted, renders it again when not, and takes back unstarted ones", () => {
    // A worker runs (earlier tests started them).
    expect(pool.runningWorkers()).toBeGreaterThan(0);
    const expected = pool.renderReleases(jobs, { threads: 0 });
    const ahead = (seed?: string) =>
      jobs.map(({ chart, job }) => pool.renderAhead(chart, seed ? { ...job, seed } : job, { threads: 1 }));
    // Accepted: the worker's outcomes (never taken back, so every one is the worker's).
    const started = ahead();
    expect(started.every((r) => r !== undefined)).toBe(true);
    const used = pool.totals.aheadUsed;
    const out = pool.renderReleases(
      jobs.map((j, i) => ({ ...j, ahead: { render: started[i], accepts: () => true } })),
      { threads: 1, takeBack: false },
    );
    expect(out).toEqual(expected);
    expect(pool.totals.aheadUsed - used).toBe(jobs.length);
    // Rejected (renders of other jobs): rendered again.
    const other = ahead("other");
    const rejected: number[] = [];
    const again = pool.renderReleases(
      jobs.map((j, i) => ({
        ...j,
        ahead: { render: other[i], accepts: () => rejected.push(i) < 0 },
      })),
      { threads: 1, takeBack: false },
    );
    expect(again).toEqual(expected);
    expect(rejected.sort()).toEqual(jobs.map((_, i) => i));
    // Taken back where no worker started them, else awaited: the same outcomes either way.
    const mixed = ahead();
    expect(
      pool.renderReleases(
        jobs.map((j, i) => ({ ...j, ahead: { render: mixed[i], accepts: () => true } })),
        { threads: 1 },
      ),
    ).toEqual(expected);
    // Dropped renders are never taken for another job's outcome.
    const dropped = pool.renderAhead(jobs[0].chart, { ...jobs[0].job, seed: "dropped" }, { threads: 1 });
    pool.dropAhead(dropped);
    expect(pool.renderReleases(jobs, { threads: 1 })).toEqual(expected);
    expect(pool.renderAhead(jobs[0].chart, jobs[0].job, { threads: 1, ahead: false })).toBeUndefined();
    expect(pool.renderAhead(jobs[0].chart, jobs[0].job, { threads: 0 })).toBeUndefined();
  });

  it("renders a job whose render started ahead is not used with its batch, where a worker may claim it", () => {
    pool.prestartWorkers(jobs.length, 1);
    expect(pool.runningWorkers()).toBeGreaterThan(0);
    const expected = pool.renderReleases(jobs, { threads: 0 });
    const other = jobs.map(({ chart, job }) =>
      pool.renderAhead(chart, { ...job, seed: "other" }, { threads: 1 }),
    );
    // A batch posted after them: the worker posts the renders started ahead before its outcome,
    // so every one has arrived when the next batch starts.
    expect(pool.renderReleases(jobs, { threads: 1, mainRenders: false })).toEqual(expected);
    const rejected = pool.totals.aheadRejected;
    const out = pool.renderReleases(
      jobs.map((j, i) => ({ ...j, ahead: { render: other[i], accepts: () => false } })),
      { threads: 1, takeBack: false, mainRenders: false },
    );
    expect(out).toEqual(expected);
    expect(pool.totals.aheadRejected - rejected).toBe(jobs.length);
    // Rendered again by the worker (the batch), not one after the other in the main thread.
    expect(pool.lastBatch).toEqual({ workers: 1, fromWorkers: jobs.length });
  });

  it("renders HelmReleases ahead of the builds, and again where a later build changes their API versions", async () => {
    const { loadPlatform } = await import(dist("platform/index.js"));
    const { FIXTURE_FILES, localRelease, writeFixture } = await import("../../helmrelease/fixture.js");
    const watcher = (name: string, values: string) => `---\n${localRelease(name, values, "watcher")}`;
    // apps (the releases) is built before late (a CRD the releases' templates may ask about).
    const root = writeFixture({
      "apps/kustomization.yaml": `${FIXTURE_FILES["apps/kustomization.yaml"]}  - watchers.yaml\n`,
      "apps/watchers.yaml": [
        watcher("asks-late", '    ask: "late.io/v1"\n'),
        watcher("asks-other", '    ask: "other.io/v1"\n'),
        watcher("counts", '    ask: "other.io/v1"\n    count: true\n'),
      ].join(""),
      "charts/watcher/Chart.yaml": "apiVersion: v2\nname: watcher\nversion: 1.0.0\n",
      "charts/watcher/templates/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  has: {{ .Capabilities.APIVersions.Has .Values.ask | quote }}\n{{- if .Values.count }}\n  count: {{ len .Capabilities.APIVersions | quote }}\n{{- end }}\n",
      "clusters/prod/late.yaml": FIXTURE_FILES["clusters/prod/apps.yaml"]!.replace(
        "name: apps",
        "name: late",
      ).replace("path: ./apps", "path: ./late"),
      "late/kustomization.yaml": "resources:\n  - crd.yaml\n",
      "late/crd.yaml":
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: lates.late.io\nspec:\n  group: late.io\n  names:\n    kind: Late\n    plural: lates\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n",
    });
    const saved = process.env.SLIPWAY_WORKERS;
    const model = () =>
      JSON.stringify(loadPlatform(root, { renderCache: false }), (k, v) =>
        k === "renderMs" ? undefined : typeof v === "bigint" ? `${v}n` : v,
      );
    try {
      process.env.SLIPWAY_WORKERS = "0";
      const expected = model();
      expect(expected).toContain('"has":"true"');
      process.env.SLIPWAY_WORKERS = "1";
      // Every render started ahead is awaited (none taken back), so the outcome does not depend on timing.
      pool.poolDefaults.takeBack = false;
      const used = pool.totals.aheadUsed;
      const rejected = pool.totals.aheadRejected;
      expect(model()).toBe(expected);
      // asks-other is used; asks-late (its Has answer changes) and counts (it saw the whole
      // list) render again.
      expect(pool.totals.aheadUsed - used).toBeGreaterThan(0);
      expect(pool.totals.aheadRejected - rejected).toBe(2);
    } finally {
      delete pool.poolDefaults.takeBack;
      if (saved === undefined) delete process.env.SLIPWAY_WORKERS;
      else process.env.SLIPWAY_WORKERS = saved;
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("renders a job a worker gave back (a result that could not travel) at once, not after the stall timeout", async () => {
    const givingBack = await import(`${dist("helm/pool/index.js")}?give-back-on-claim`);
    givingBack.workerFaults.giveBackOnClaim = true;
    const expected = pool.renderReleases(jobs, { threads: 0 });
    const stalls = givingBack.totals.stalls;
    expect(givingBack.renderReleases(jobs, { threads: 1, mainRenders: false })).toEqual(expected);
    expect(givingBack.lastBatch.workers).toBe(1);
    expect(givingBack.lastBatch.fromWorkers).toBe(0);
    // Before, the batch waited STALL_MS (two minutes) for results that never came, then gave up.
    expect(givingBack.totals.stalls).toBe(stalls);
  });

  it("renders what a worker that died had claimed itself, without waiting for it", async () => {
    // A module instance of its own: its workers are started with the fault, the others are not.
    const crashing = await import(`${dist("helm/pool/index.js")}?crash-on-claim`);
    crashing.workerFaults.crashOnClaim = true;
    const expected = pool.renderReleases(jobs, { threads: 0 });
    const lost = crashing.totals.workersLost;
    // The only worker claims the first job and dies; the main thread only waits, then renders.
    expect(crashing.renderReleases(jobs, { threads: 1, mainRenders: false })).toEqual(expected);
    expect(crashing.lastBatch.fromWorkers).toBe(0);
    expect(crashing.totals.workersLost).toBe(lost + 1);
    // A render started ahead on a worker that dies: the batch awaiting it renders it.
    await new Promise((r) => setTimeout(r, 50)); // the exit event removes the dead worker
    crashing.prestartWorkers(jobs.length, 1);
    const started = jobs.map(({ chart, job }) => crashing.renderAhead(chart, job, { threads: 1 }));
    expect(started.every((r) => r !== undefined)).toBe(true);
    const out = crashing.renderReleases(
      jobs.map((j, i) => ({ ...j, ahead: { render: started[i], accepts: () => true } })),
      { threads: 1, takeBack: false },
    );
    expect(out).toEqual(expected);
    expect(crashing.totals.aheadUsed).toBe(0);
    expect(crashing.totals.workersLost).toBe(lost + 2);
  });

  it("a worker keeps a cached chart's parse where the main thread does: beside the chart, not in the render cache", async () => {
    const { DiskRenderCache } = await import(dist("cache/store.js"));
    const { keepParsesIn } = await import(dist("helm/persisted-parse.js"));
    const dir = mkdtempSync(path.join(tmpdir(), "slipway-pool-parses-"));
    try {
      // Over the size under which no parse is stored, with the digest a chart from the cache has.
      const big = loadChartFiles([
        file("Chart.yaml", "apiVersion: v2\nname: big\nversion: 1.0.0\n"),
        file(
          "templates/cm.yaml",
          `kind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n${"# padding\n".repeat(4000)}`,
        ),
      ]);
      Object.defineProperty(big, "digest", { value: "a".repeat(64), enumerable: true });
      const beside = path.join(dir, "charts", "derived");
      keepParsesIn(big, new DiskRenderCache(dir, "c".repeat(64), { deferWrites: true, root: beside }));
      const bigJobs = jobs
        .slice(0, 4)
        .map(({ job }, i) => ({ chart: big, job: { ...job, releaseName: `big${i}` } }));
      const cache = new DiskRenderCache(dir, "c".repeat(64), { deferWrites: true });
      const out = pool.renderReleases(bigJobs, { threads: 1, mainRenders: false, cache });
      expect(out.every((o: { ok: boolean }) => o.ok)).toBe(true);
      expect(pool.lastBatch.workers).toBe(1);
      const parseUnits = (root: string) =>
        existsSync(root)
          ? readdirSync(root, { recursive: true }).filter((f) => String(f).includes("helm-parse"))
          : [];
      expect(parseUnits(beside).length).toBeGreaterThan(0);
      expect(parseUnits(path.join(dir, "renders"))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("ends its workers when retired; renders started ahead then render with their batch, and a later batch starts workers again", () => {
    const expected = pool.renderReleases(jobs, { threads: 0 });
    pool.prestartWorkers(jobs.length, 1);
    expect(pool.runningWorkers()).toBeGreaterThan(0);
    const started = jobs.map(({ chart, job }) => pool.renderAhead(chart, job, { threads: 1 }));
    expect(started.every((r) => r !== undefined)).toBe(true);
    pool.retireWorkers();
    expect(pool.runningWorkers()).toBe(0);
    // What the worker had not posted by then never arrives: the batch renders it, whether it
    // takes the render back or would wait for it.
    for (const takeBack of [true, false]) {
      const out = pool.renderReleases(
        jobs.map((j, i) => ({ ...j, ahead: { render: started[i], accepts: () => true } })),
        { threads: 0, takeBack },
      );
      expect(out).toEqual(expected);
    }
    // A retired worker ends by itself, not as a worker that died: the next batch, started
    // before it has ended, waits for its own worker's results.
    const lost = pool.totals.workersLost;
    const out = pool.renderReleases(jobs, { threads: 1, mainRenders: false });
    expect(pool.lastBatch).toEqual({ workers: 1, fromWorkers: jobs.length });
    expect(out).toEqual(expected);
    expect(pool.totals.workersLost).toBe(lost);
  });

  it("reads the worker count from SLIPWAY_WORKERS", () => {
    expect(pool.workerCount({ SLIPWAY_WORKERS: "0" })).toBe(0);
    expect(pool.workerCount({ SLIPWAY_WORKERS: "2" })).toBe(2);
    expect(pool.workerCount({ SLIPWAY_WORKERS: "lots" })).toBe(0);
    expect(pool.workerCount({})).toBeGreaterThanOrEqual(0);
    // By default one per core beyond the first, at most 3; on two cores one only while the
    // second core is idle (spare-core.ts), else none.
    expect([1, 2, 3, 4, 8].map((cores) => pool.workerCount({}, cores, () => false))).toEqual([0, 0, 2, 3, 3]);
    expect([1, 2, 3, 4, 8].map((cores) => pool.workerCount({}, cores, () => true))).toEqual([0, 1, 2, 3, 3]);
    expect(pool.workerCount({ SLIPWAY_WORKERS: "1" }, 2, () => false)).toBe(1);
    expect(pool.workerCount({ SLIPWAY_WORKERS: "0" }, 2, () => true)).toBe(0);
  });

  describe.runIf(requires("shared"))("real repositories", () => {
    it("render every HelmRelease identically with 0, 1 and 3 workers", async () => {
      const { loadPlatform } = await import(dist("platform/index.js"));
      const { directoryChartProvider } = await import(dist("helmrelease/charts.js"));
      const { readYaml } = await import(dist("helm/yaml.js"));
      const chartsDir = path.join(sharedDir, "conformance/helm/charts");
      const charts: Record<string, string> = {};
      for (const d of readdirSync(chartsDir))
        charts[String(readYaml(readFileSync(path.join(chartsDir, d, "Chart.yaml"), "utf8")).get("name"))] =
          path.join(chartsDir, d);
      const provider = directoryChartProvider(charts);
      const snapshot = (repo: string) =>
        JSON.stringify(
          loadPlatform(path.join(sharedDir, "realworld", repo), { charts: provider }).clusters.map(
            (c: { helmReleases: Array<Record<string, unknown>> }) =>
              c.helmReleases.map((h) => [h.name, h.status, h.errors, h.warnings, h.resources]),
          ),
        );
      const saved = process.env.SLIPWAY_WORKERS;
      const before = pool.totals.fromWorkers;
      try {
        for (const repo of ["fluxcd__flux2-hub-spoke-example", "fluxcd__flux2-kustomize-helm-example"]) {
          process.env.SLIPWAY_WORKERS = "0";
          const expected = snapshot(repo);
          expect(expected).toContain('"rendered"');
          // Workers only, so every release of a batch big enough for them crosses a thread.
          pool.poolDefaults.mainRenders = false;
          for (const n of ["1", "3"]) {
            process.env.SLIPWAY_WORKERS = n;
            expect(snapshot(repo), `${repo} with ${n} workers`).toBe(expected);
            // Without renders started ahead of the batch (ReleasesAhead) too.
            pool.poolDefaults.ahead = false;
            expect(snapshot(repo), `${repo} with ${n} workers, none ahead`).toBe(expected);
            delete pool.poolDefaults.ahead;
          }
          delete pool.poolDefaults.mainRenders;
        }
        // The largest repository renders HelmReleases ahead while its Flux builds run (their
        // values and API versions change as builds go on): the same output as rendering after.
        const repo = "bjw-s-labs__home-ops";
        process.env.SLIPWAY_WORKERS = "0";
        const expected = snapshot(repo);
        expect(expected).toContain('"rendered"');
        process.env.SLIPWAY_WORKERS = "1";
        expect(snapshot(repo), `${repo} with a worker`).toBe(expected);
        // Every render started ahead waited for (none taken back): as many used as can be.
        pool.poolDefaults.takeBack = false;
        const aheadBefore = pool.totals.aheadUsed;
        expect(snapshot(repo), `${repo} with a worker, renders ahead awaited`).toBe(expected);
        expect(pool.totals.aheadUsed - aheadBefore).toBeGreaterThan(0);
      } finally {
        delete pool.poolDefaults.mainRenders;
        delete pool.poolDefaults.ahead;
        delete pool.poolDefaults.takeBack;
        if (saved === undefined) delete process.env.SLIPWAY_WORKERS;
        else process.env.SLIPWAY_WORKERS = saved;
      }
      expect(pool.totals.fromWorkers - before).toBeGreaterThan(0);
    }, 600_000);
  });
});
