/**
 * The persistent render cache under the platform loader: a warm run rebuilds the cold run's
 * model exactly, any change to what a release depends on is a miss, damaged entries are never
 * trusted, and secret material never reaches the cache directory.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { encodePack } from "../../src/cache/pack.js";
import { type CacheKey, DiskRenderCache, type RenderCache } from "../../src/cache/store.js";
import { loadPlatformWithSecrets } from "../../src/platform/decrypt.js";
import { loadPlatform, type Platform } from "../../src/platform/index.js";
import { RELEASE_UNIT } from "../../src/platform/release-cache.js";
import { FIXTURE_FILES, sopsFixtureFiles, writeFixture } from "../helmrelease/fixture.js";
import { demoIdentities } from "../support/flux.js";
import { scratchDirs } from "../support/scratch.js";

const temps = scratchDirs();
const temp = (prefix: string) => temps.make(prefix);
const fixture = (overrides: Record<string, string> = {}) => {
  const root = writeFixture(overrides);
  temps.keep(root);
  return root;
};

/** The whole model as JSON (bigints spelt out, wall times left out), what every output is formatted from. */
function modelJson(p: Platform): string {
  return JSON.stringify(p, (k, v) => (k === "renderMs" ? undefined : typeof v === "bigint" ? `${v}n` : v));
}

const render = (root: string, cache: RenderCache | false) => loadPlatform(root, { renderCache: cache });
const release = (p: Platform, name: string) =>
  p.clusters.flatMap((c) => c.helmReleases).find((h) => h.name === name)!;

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const abs = path.join(d, e.name);
      if (e.isDirectory()) walk(abs);
      else out.push(abs);
    }
  };
  walk(dir);
  return out.sort();
}

/** A RenderCache that remembers every body it was given (in memory, unsealed), to inspect what would be stored. */
class SpyCache implements RenderCache {
  readonly bodies = new Map<string, unknown>();
  readonly stats = { hits: 0, misses: 0, writes: 0, rejected: 0 };
  private readonly disk: DiskRenderCache;
  constructor(dir: string) {
    this.disk = new DiskRenderCache(dir, "spy");
  }
  key(unit: string, inputs: string): CacheKey {
    return this.disk.key(unit, inputs);
  }
  get(key: CacheKey): unknown {
    this.stats.misses++;
    const body = this.bodies.get(key.id);
    return body === undefined ? undefined : structuredClone(body); // each get is the caller's own
  }
  put(key: CacheKey, body: unknown): void {
    this.stats.writes++;
    this.bodies.set(key.id, JSON.parse(JSON.stringify(body)));
  }
}

describe("render cache: warm equals cold", () => {
  it("rebuilds the same model from the cache as without it, hooks, CRDs and warnings included", () => {
    const root = fixture();
    const dir = temp("slipway-rc-");
    const none = modelJson(render(root, false));
    const coldCache = new DiskRenderCache(dir);
    const cold = modelJson(render(root, coldCache));
    expect(coldCache.stats.writes).toBeGreaterThan(0);
    expect(new DiskRenderCache(temp("slipway-rc-empty-")).mayHold(RELEASE_UNIT)).toBe(false);
    expect(coldCache.mayHold(RELEASE_UNIT)).toBe(true);
    const warmCache = new DiskRenderCache(dir);
    const warm = render(root, warmCache);
    expect(warmCache.stats.hits).toBeGreaterThan(0);
    expect(warmCache.stats.writes).toBe(0);
    expect(cold).toBe(none);
    expect(modelJson(warm)).toBe(none);
    // "other" has hooks (test enabled) and no secret inputs: served from the cache.
    const other = release(warm, "other");
    expect(other.status).toBe("rendered");
    expect(other.resources?.some((r) => r.hook?.includes("test"))).toBe(true);
  });
});

describe("render cache: staleness", () => {
  const dir = temp("slipway-rc-stale-");
  const replicasOf = (p: Platform) =>
    (release(p, "other").resources ?? [])
      .map((r) => r.object)
      .find((o) => o.kind === "Deployment" && (o.spec as { replicas?: unknown })?.replicas !== undefined)
      ?.spec;

  const otherWith = (extra: string) => ({
    "apps/helmrelease.yaml": FIXTURE_FILES["apps/helmrelease.yaml"]!.replace(
      "  install:\n    crds: Skip\n",
      `  install:\n    crds: Skip\n${extra}`,
    ),
  });

  /** Counts the rendered releases it stores (each fixture is a new root: its Flux builds are always stored). */
  class ReleaseCountingCache extends DiskRenderCache {
    releaseWrites = 0;
    override put(key: CacheKey, body: unknown): void {
      if (key.unit === RELEASE_UNIT) this.releaseWrites++;
      super.put(key, body);
    }
  }

  function expectFresh(overrides: Record<string, string>) {
    const root = fixture(overrides);
    const cache = new ReleaseCountingCache(dir);
    const p = render(root, cache);
    expect(modelJson(p)).toBe(modelJson(render(root, false)));
    return { p, cache };
  }

  beforeAll(() => {
    render(fixture(), new DiskRenderCache(dir));
    render(fixture(otherWith("  values:\n    replicas: 5\n")), new DiskRenderCache(dir));
  });

  it("one values key changed: a miss and the new output", () => {
    const { p, cache } = expectFresh(otherWith("  values:\n    replicas: 6\n"));
    expect(cache.releaseWrites).toBeGreaterThan(0);
    expect(replicasOf(p)).toMatchObject({ replicas: 6 });
    const back = expectFresh(otherWith("  values:\n    replicas: 5\n"));
    expect(replicasOf(back.p)).toMatchObject({ replicas: 5 });
    expect(back.cache.releaseWrites).toBe(0);
  });

  it("a values file the kustomization reads changed (valuesFrom ConfigMap): a miss", () => {
    const withFrom = otherWith("  valuesFrom:\n    - kind: ConfigMap\n      name: demo-values\n");
    expectFresh(withFrom);
    const changed = {
      ...withFrom,
      "apps/values.yaml": FIXTURE_FILES["apps/values.yaml"]!.replace("replicas: 2", "replicas: 9"),
    };
    const { p, cache } = expectFresh(changed);
    expect(cache.releaseWrites).toBeGreaterThan(0);
    expect(replicasOf(p)).toMatchObject({ replicas: 9 });
  });

  it("chart content changed (one template byte): a miss and the new output", () => {
    const changed = {
      "charts/demo/templates/deployment.yaml": FIXTURE_FILES[
        "charts/demo/templates/deployment.yaml"
      ]!.replace("app: {{ .Chart.Name }}", "app: {{ .Chart.Name }}-v2"),
    };
    const { p, cache } = expectFresh(changed);
    expect(cache.releaseWrites).toBeGreaterThan(0);
    expect(JSON.stringify(release(p, "other").resources)).toContain("demo-v2");
  });

  it("another Slipway build: nothing of this build's entries is read", () => {
    const root = fixture();
    const same = new DiskRenderCache(dir);
    render(root, same);
    expect(same.stats.hits).toBeGreaterThan(0);
    const rebuilt = new DiskRenderCache(dir, "0".repeat(64));
    expect(modelJson(render(root, rebuilt))).toBe(modelJson(render(root, false)));
    expect(rebuilt.stats.hits).toBe(0);
    expect(rebuilt.stats.writes).toBeGreaterThan(0);
  });
});

/** A pack's one entry: its id and its bytes (the packs of a cache that writes at once hold one each). */
function onlyEntry(pack: Buffer): { id: string; bytes: Buffer } {
  const nl = pack.indexOf(0x0a);
  const [[id, offset, length]] = JSON.parse(pack.subarray(0, nl).toString()).entries;
  return { id, bytes: pack.subarray(nl + 1 + offset, nl + 1 + offset + length) };
}

describe("render cache: damaged entries", () => {
  it.each<[string, (file: string, other: Buffer) => void]>([
    ["truncated", (f) => writeFileSync(f, readFileSync(f).subarray(0, Math.floor(statSync(f).size / 2)))],
    [
      "one body byte flipped",
      (f) => {
        const b = readFileSync(f);
        b[b.length - 20]! ^= 0x01;
        writeFileSync(f, b);
      },
    ],
    ["empty", (f) => writeFileSync(f, "")],
    [
      "another entry's bytes under this entry's name in the index",
      (f, other) => {
        const { id } = onlyEntry(readFileSync(f));
        writeFileSync(f, Buffer.concat(encodePack([{ id, bytes: onlyEntry(other).bytes }])));
      },
    ],
    [
      "a forged body under a well-formed header (size and an added digest made to match)",
      (f) => {
        const entry = onlyEntry(readFileSync(f));
        const nl = entry.bytes.indexOf(0x0a);
        const body = Buffer.from(entry.bytes.subarray(nl + 1));
        body[20]! ^= 0x01;
        const header = JSON.parse(entry.bytes.subarray(0, nl).toString());
        header.sha256 = createHash("sha256").update(body).digest("hex");
        const forged = Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), body]);
        writeFileSync(f, Buffer.concat(encodePack([{ id: entry.id, bytes: forged }])));
      },
    ],
  ])("%s: ignored, rendered again and rewritten", (_, damage) => {
    const root = fixture();
    const dir = temp("slipway-rc-bad-");
    const expected = modelJson(render(root, false));
    render(root, new DiskRenderCache(dir));
    // The rendered releases' entries (built Flux Kustomizations have theirs: left intact).
    const all = files(dir);
    const entries = all.filter((f) => !/[/\\]flux-(post)?build[^/\\]*[/\\]/.test(f));
    expect(entries.length).toBeGreaterThan(1);
    const originals = entries.map((f) => readFileSync(f));
    for (const [i, f] of entries.entries()) damage(f, originals[(i + 1) % entries.length]!);
    const after = new DiskRenderCache(dir);
    expect(modelJson(render(root, after))).toBe(expected);
    // A release's objects are read after its summary: with the summary damaged, they are not.
    const objectEntries = entries.filter((f) => /[/\\]helm-release[/\\]/.test(f));
    expect(objectEntries.length).toBeGreaterThan(0);
    expect(after.stats.rejected).toBe(entries.length - objectEntries.length);
    expect(after.stats.writes).toBe(entries.length);
    const healed = new DiskRenderCache(dir);
    expect(modelJson(render(root, healed))).toBe(expected);
    expect(healed.stats.rejected).toBe(0);
    expect(healed.stats.hits).toBe(all.length);
  });
});

describe("render cache: a release's objects read after its summary", () => {
  it("objects damaged, summary intact: rendered again when looked at, and rewritten", () => {
    const root = fixture();
    const dir = temp("slipway-rc-objects-");
    const expected = modelJson(render(root, false));
    render(root, new DiskRenderCache(dir));
    const objectEntries = files(dir).filter((f) => /[/\\]helm-release[/\\]/.test(f));
    expect(objectEntries.length).toBeGreaterThan(0);
    for (const f of objectEntries) writeFileSync(f, readFileSync(f).subarray(0, 40));
    const after = new DiskRenderCache(dir);
    const p = render(root, after);
    // Loaded from summaries: nothing rejected until the objects are looked at.
    expect(after.stats.rejected).toBe(0);
    expect(modelJson(p)).toBe(expected);
    expect(after.stats.rejected).toBe(objectEntries.length);
    const healed = new DiskRenderCache(dir);
    expect(modelJson(render(root, healed))).toBe(expected);
    expect(healed.stats.rejected).toBe(0);
  });
});

describe("render cache: secrets", () => {
  const PLAIN_VALUE = "pl41n-greeting-0f9e8d7c";
  let root: string;

  beforeAll(async () => {
    root = fixture(await sopsFixtureFiles(PLAIN_VALUE));
    const text = readFileSync(path.join(root, "apps/secret.yaml"), "utf8");
    expect(text).not.toContain("s3cr3t-value");
    expect(readFileSync(path.join(root, "apps/sealed.sops.yaml"), "utf8")).not.toContain(PLAIN_VALUE);
  });

  const load = (cache: RenderCache) =>
    loadPlatformWithSecrets(root, { identities: demoIdentities, renderCache: cache }).then((r) => r.platform);

  it("releases with decrypted SOPS values or Secret values are neither stored nor looked up", async () => {
    const spy = new SpyCache(temp("slipway-rc-spy-"));
    const p = await load(spy);
    const demo = release(p, "demo");
    const sealed = release(p, "sealed");
    // The decryption happened: the plaintext is in the (unmasked) model...
    expect(JSON.stringify(demo.resources)).toContain("s3cr3t-value");
    expect(JSON.stringify(sealed.resources)).toContain(PLAIN_VALUE);
    // ...and in nothing handed to the cache, while the release without secrets was stored.
    const stored = JSON.stringify([...spy.bodies.values()]);
    expect(spy.stats.writes).toBeGreaterThan(0);
    expect(stored).toContain("other-migrate");
    expect(stored).not.toContain("s3cr3t-value");
    expect(stored).not.toContain(Buffer.from("s3cr3t-value").toString("base64"));
    expect(stored).not.toContain(PLAIN_VALUE);
    expect(stored).not.toMatch(/"name":"(demo|sealed)"/);
  });

  it("no plaintext anywhere in the cache directory after a cold and a warm run", async () => {
    const dir = temp("slipway-rc-sops-");
    const cold = modelJson(await load(new DiskRenderCache(dir)));
    const warmCache = new DiskRenderCache(dir);
    expect(modelJson(await load(warmCache))).toBe(cold);
    expect(warmCache.stats.hits).toBeGreaterThan(0);
    const all = files(dir);
    expect(all.length).toBeGreaterThan(0);
    for (const f of all) {
      const bytes = readFileSync(f);
      for (const secret of ["s3cr3t-value", PLAIN_VALUE, "other-migrate", "apiVersion"]) {
        expect(bytes.includes(secret), `${f} holds ${secret}`).toBe(false);
        expect(bytes.includes(Buffer.from(secret).toString("base64")), `${f} holds base64 ${secret}`).toBe(
          false,
        );
      }
      expect(statSync(f).mode & 0o077).toBe(0);
    }
  });
});
