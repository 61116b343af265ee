/**
 * The schema pass through the render cache (src/check/rules/schema-cache.ts): a run served by
 * the cache reports what a run without it reports, an edited object or CRD is never answered
 * from an older entry, and nothing secret or outside the key is kept.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DiskRenderCache } from "../../../src/cache/store.js";
import { runCheck } from "../../../src/check/engine.js";
import { rules as schemaRules } from "../../../src/check/rules/schema.js";
import { schemaPassKey } from "../../../src/check/rules/schema-cache.js";
import { loadPlatform } from "../../../src/platform/index.js";
import type { Platform } from "../../../src/platform/model.js";
import { SecretPaths } from "../../../src/secrets/paths.js";
import { repoRoot } from "../../support/env.js";

const fixture = path.join(repoRoot, "test/fixtures/check/schema-rules");

function copy(): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "slipway-schema-cache-")), "repo");
  cpSync(fixture, dir, { recursive: true });
  return dir;
}

function cache(): DiskRenderCache {
  return new DiskRenderCache(mkdtempSync(path.join(tmpdir(), "slipway-schema-cache-dir-")), "test-code");
}

const load = (root: string) => loadPlatform(root, { renderCache: false });
const check = (p: Platform, renderCache: DiskRenderCache | false, schemaDirs: string[] = []) =>
  runCheck(p, { rules: schemaRules, renderCache, config: { rules: {}, schemaDirs } }).findings;

describe("schema pass in the render cache", () => {
  it("a run served by the cache reports what a run without it reports", () => {
    const root = copy();
    const expected = check(load(root), false);
    expect(expected.length).toBeGreaterThan(3);
    const c = cache();
    expect(check(load(root), c)).toEqual(expected);
    expect(c.stats).toMatchObject({ hits: 0, writes: 1 });
    // A new load of the same tree (as the next process makes): the entry answers.
    expect(check(load(root), c)).toEqual(expected);
    expect(c.stats).toMatchObject({ hits: 1, writes: 1 });
  });

  it("an edited object or CRD is validated again, never answered from the older entry", () => {
    const root = copy();
    const c = cache();
    check(load(root), c);
    const crd = path.join(root, "clusters/dev/crd-good.yaml");
    const text = readFileSync(crd, "utf8");
    expect(text).toContain("type: integer");
    // The Gizmo `wrong` (size: large) becomes valid under the edited CRD.
    writeFileSync(crd, text.replace("type: integer", "type: string"));
    // Each run checks a new load (a platform keeps its schema pass).
    const fresh = check(load(root), false);
    expect(check(load(root), c)).toEqual(fresh);
    expect(fresh.some((f) => f.message.includes("Gizmo default/wrong"))).toBe(false);
    const gizmos = path.join(root, "clusters/dev/gizmos.yaml");
    writeFileSync(gizmos, readFileSync(gizmos, "utf8").replace("size: 2", "size: [2]"));
    const again = check(load(root), false);
    expect(check(load(root), c)).toEqual(again);
    expect(again.some((f) => f.message.includes("Gizmo default/ok"))).toBe(true);
  });

  it("keeps nothing of an object with a secret field (validated in every run), nor with schema directories", () => {
    const root = copy();
    const c = cache();
    // The fixture's SOPS Secret is marked secret; mark an object with issues too (each run
    // checks a new load: a platform's schema pass is kept with it).
    const loadMarked = () => {
      const p = load(root);
      const resources = p.clusters[0]!.kustomizations.flatMap((k) => k.resources);
      const wrong = resources.find((r) => r.object.kind === "Deployment")!;
      wrong.secrets = SecretPaths.of([["metadata", "name"]]);
      return { p, resources };
    };
    const { resources } = loadMarked();
    const marked = resources.flatMap((r, i) => (r.secrets ? [i] : []));
    expect(marked.length).toBeGreaterThan(1);
    const expected = check(loadMarked().p, false);
    expect(expected.some((f) => f.resource?.kind === "Deployment")).toBe(true);
    expect(check(loadMarked().p, c)).toEqual(expected);
    const key = schemaPassKey(c, resources)!;
    const kept = (c.get(key) as { issues: Array<[number, unknown]> }).issues.map(([i]) => i);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.filter((i) => marked.includes(i))).toEqual([]);
    // Served by the entry, the marked objects' issues are found again.
    const hits = c.stats.hits;
    expect(check(loadMarked().p, c)).toEqual(expected);
    expect(c.stats.hits).toBe(hits + 1);
    // A CRD with a secret field: no entry at all.
    const crd = resources.find((r) => r.object.kind === "CustomResourceDefinition")!;
    crd.secrets = SecretPaths.of([["spec"]]);
    expect(schemaPassKey(c, resources)).toBeUndefined();
    const writes = c.stats.writes;
    const withDirs = load(root);
    expect(check(withDirs, c, ["schemas"])).toEqual(check(withDirs, false, ["schemas"]));
    expect(c.stats.writes).toBe(writes);
  });

  it("an entry that is not a pass's (damaged, or another count of objects) is a miss", () => {
    const root = copy();
    const expected = check(load(root), false);
    const c = cache();
    const p = load(root);
    const resources = p.clusters[0]!.kustomizations.flatMap((k) => k.resources);
    const key = schemaPassKey(c, resources)!;
    for (const body of [
      { issues: [[0, [{ kind: "nope", path: [], message: "x" }]]] },
      { issues: [[resources.length, []]] },
      {
        issues: [
          [1, []],
          [0, []],
        ],
      },
      { other: true },
    ]) {
      c.put(key, body);
      expect(check(load(root), c)).toEqual(expected);
    }
  });
});
