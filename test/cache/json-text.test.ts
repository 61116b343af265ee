/**
 * Bodies given as their JSON text in parts (JsonText): the same entries, read back alike, as a
 * body JSON.stringify'd by put; a release's entry is the text it was before.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { flushWrites } from "../../src/cache/pack-writes.js";
import { type CacheKey, DiskRenderCache, type RenderCache } from "../../src/cache/store.js";
import { encodeNoting, JsonText, parseBody } from "../../src/cache/value-codec.js";
import type { KObject } from "../../src/kustomize/types.js";
import type { RenderedResource } from "../../src/platform/model.js";
import {
  RELEASE_SUMMARY_UNIT,
  RELEASE_UNIT,
  readCachedRelease,
  writeCachedRelease,
} from "../../src/platform/release-cache.js";
import { markEmptyNull } from "../../src/yaml/empty-null.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function temp(): string {
  const d = mkdtempSync(path.join(tmpdir(), "slipway-json-text-"));
  dirs.push(d);
  return d;
}

/** Parts as release-cache.ts writes them: one-byte and two-byte texts side by side. */
function partsOf(i: number): string[] {
  return [
    '{"resources":[',
    `{"object":{"n":${i}}`,
    "}",
    ',{"object":{"d":"“exported_”"}',
    ',"plain":true}',
    "]}",
  ];
}

describe("JsonText bodies", () => {
  it.each([
    ["at once", false],
    ["deferred", true],
  ])("%s writes: read back as the text's value", (_, deferWrites) => {
    const dir = temp();
    const cache = new DiskRenderCache(dir, "code", { deferWrites });
    const keys = Array.from({ length: 20 }, (_, i) => cache.key("unit", `inputs ${i}`));
    for (const [i, k] of keys.entries()) cache.put(k, new JsonText(partsOf(i)));
    flushWrites();
    const reader = new DiskRenderCache(dir, "code");
    for (const [i, k] of keys.entries()) expect(JSON.stringify(reader.get(k))).toBe(partsOf(i).join(""));
    expect(reader.stats.rejected).toBe(0);
  });

  it("JSON.stringify gives a cache that stringifies bodies itself the same text", () => {
    expect(JSON.stringify(new JsonText(partsOf(3)))).toBe(partsOf(3).join(""));
  });
});

describe("writeCachedRelease", () => {
  it("writes the text JSON.stringify wrote of the entry put together from the objects", () => {
    const tagged: KObject = {
      apiVersion: "v1",
      kind: "ConfigMap",
      data: { big: 10n ** 20n } as never,
      e: null,
    };
    markEmptyNull(tagged, "e");
    const objects: Array<[KObject, Partial<RenderedResource>]> = [
      [{ apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", d: "“x”" }, { crd: true }],
      [{ apiVersion: "v1", kind: "Service", metadata: { name: "s" } }, {}],
      [tagged, {}],
      [{ apiVersion: "batch/v1", kind: "Job" }, { hook: ["pre-install", "post-upgrade"] }],
    ];
    const resources = objects.map(
      ([object, extra]): RenderedResource => ({
        object,
        touchedBy: [],
        kustomization: "ns/k",
        cluster: "c",
        ...extra,
      }),
    );
    const written = new Map<string, string>();
    const disk = new DiskRenderCache(temp(), "code");
    const cache: RenderCache = {
      key: (unit, inputs) => disk.key(unit, inputs),
      get: () => undefined,
      put: (key: CacheKey, body: unknown) => void written.set(key.unit, JSON.stringify(body)),
      stats: disk.stats,
    };
    const key = { ...disk.key(RELEASE_UNIT, "inputs"), summary: disk.key(RELEASE_SUMMARY_UNIT, "inputs") };
    writeCachedRelease(cache, key, resources, [], { whole: false, has: [] }, []);
    // The body as it was built before it was written from each object's text.
    const before = {
      resources: resources.map((r) => {
        const { encoded, plain } = encodeNoting(r.object);
        return {
          object: encoded,
          ...(plain ? { plain: true } : {}),
          ...(r.crd ? { crd: true } : {}),
          ...(r.hook ? { hook: r.hook } : {}),
        };
      }),
    };
    expect(written.get(RELEASE_UNIT)).toBe(JSON.stringify(before));
  });

  it("names the CRDs its chart's entry holds instead of holding them; reads them back through that entry", () => {
    const crd = (name: string): KObject => ({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name, labels: { a: "b" } },
    });
    const resource = (object: KObject, extra: Partial<RenderedResource> = {}): RenderedResource => ({
      object,
      touchedBy: [],
      kustomization: "ns/k",
      cluster: "c",
      ...extra,
    });
    const resources = [
      resource(crd("x.example.com"), { crd: true }),
      resource(crd("y.example.com"), { crd: true }),
      resource({ apiVersion: "v1", kind: "Service", metadata: { name: "s" } }),
      resource({ apiVersion: "batch/v1", kind: "Job" }, { hook: ["pre-install"] }),
    ];
    const written = new Map<string, string>();
    const disk = new DiskRenderCache(temp(), "code");
    const cache: RenderCache = {
      key: (unit, inputs) => disk.key(unit, inputs),
      get: (key) => (written.has(key.id) ? parseBody(written.get(key.id)!) : undefined),
      put: (key: CacheKey, body: unknown) => void written.set(key.id, JSON.stringify(body)),
      stats: disk.stats,
    };
    const key = { ...disk.key(RELEASE_UNIT, "inputs"), summary: disk.key(RELEASE_SUMMARY_UNIT, "inputs") };
    const stored = { at: [":crds/x.yaml", "0:crds/y.yaml"], labels: { l: "v" } };
    writeCachedRelease(cache, key, resources, [], { whole: false, has: [] }, [], undefined, stored);
    const body = JSON.parse(written.get(key.id)!);
    expect(body.crds).toEqual(stored);
    expect(body.resources.map((r: { object: KObject }) => r.object.kind)).toEqual(["Service", "Job"]);
    expect(written.get(key.id)).not.toContain("CustomResourceDefinition");

    const asked: unknown[] = [];
    const hit = readCachedRelease(cache, key, (crds) => {
      asked.push(crds);
      return [crd("x.example.com"), crd("y.example.com")];
    })!;
    const back = hit.resources()!;
    expect(asked).toEqual([stored]);
    expect(back).toEqual(
      resources.map((r) => ({
        object: r.object,
        ...(r.crd ? { crd: true } : {}),
        ...(r.hook ? { hook: r.hook } : {}),
      })),
    );
    expect(hit.identities.map((i) => i[3])).toEqual(["x.example.com", "y.example.com", "s", ""]);
    // CRDs that no longer read there (the chart's entry pruned): the objects are unreadable.
    expect(readCachedRelease(cache, key, () => undefined)!.resources()).toBeUndefined();
    expect(readCachedRelease(cache, key)!.resources()).toBeUndefined();
  });
});
