/**
 * The schema pass through the render cache (src/check/rules/schema-cache.ts): a run served by
 * the cache reports what a run without it reports, an edited object or CRD is never answered
 * from an older entry, and nothing secret or outside the key is kept.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { type CacheKey, DiskRenderCache } from "../../../src/cache/store.js";
import { runCheck } from "../../../src/check/engine.js";
import { rules as schemaRules } from "../../../src/check/rules/schema.js";
import {
  SCHEMA_GROUP_UNIT,
  SCHEMA_PASS_UNIT,
  schemaPassKeys,
} from "../../../src/check/rules/schema-cache.js";
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

/**
 * A render cache that counts the schema pass's own reads and writes (`stats` counts every unit's:
 * the engine keeps parsed source files in the same cache, src/check/source-lines-cache.ts).
 */
class SchemaCountingCache extends DiskRenderCache {
  readonly schemaStats = { hits: 0, writes: 0 };
  override get(key: CacheKey): unknown | undefined {
    const body = super.get(key);
    if (body !== undefined && isSchemaUnit(key.unit)) this.schemaStats.hits++;
    return body;
  }
  override put(key: CacheKey, body: unknown): void {
    if (isSchemaUnit(key.unit)) this.schemaStats.writes++;
    super.put(key, body);
  }
}

const isSchemaUnit = (unit: string) => unit === SCHEMA_PASS_UNIT || unit === SCHEMA_GROUP_UNIT;

function cache(): SchemaCountingCache {
  return new SchemaCountingCache(mkdtempSync(path.join(tmpdir(), "slipway-schema-cache-dir-")), "test-code");
}

const load = (root: string) => loadPlatform(root, { renderCache: false });
/** The pass's groups: each Flux Kustomization's objects, as schema.ts keys them. */
const groupsOf = (p: Platform) => p.clusters[0]!.kustomizations.map((k) => k.resources);
const passKey = (c: DiskRenderCache, p: Platform) => schemaPassKeys(c, groupsOf(p))!.pass;
const check = (p: Platform, renderCache: DiskRenderCache | false, schemaDirs: string[] = []) =>
  runCheck(p, { rules: schemaRules, renderCache, config: { rules: {}, schemaDirs } }).findings;

describe("schema pass in the render cache", () => {
  it("a run served by the cache reports what a run without it reports", () => {
    const root = copy();
    const expected = check(load(root), false);
    expect(expected.length).toBeGreaterThan(3);
    const c = cache();
    const groups = groupsOf(load(root)).filter((g) => g.length > 0).length;
    expect(check(load(root), c)).toEqual(expected);
    // The pass's entry and one per group.
    expect(c.schemaStats).toMatchObject({ hits: 0, writes: 1 + groups });
    // A new load of the same tree (as the next process makes): the entry answers.
    expect(check(load(root), c)).toEqual(expected);
    expect(c.schemaStats).toMatchObject({ hits: 1, writes: 1 + groups });
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
    const { p: markedPlatform, resources } = loadMarked();
    const marked = resources.flatMap((r, i) => (r.secrets ? [i] : []));
    expect(marked.length).toBeGreaterThan(1);
    const expected = check(loadMarked().p, false);
    expect(expected.some((f) => f.resource?.kind === "Deployment")).toBe(true);
    expect(check(loadMarked().p, c)).toEqual(expected);
    const key = passKey(c, markedPlatform);
    const kept = (c.get(key) as { issues: Array<[number, unknown]> }).issues.map(([i]) => i);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.filter((i) => marked.includes(i))).toEqual([]);
    // Served by the entry, the marked objects' issues are found again.
    const hits = c.schemaStats.hits;
    expect(check(loadMarked().p, c)).toEqual(expected);
    expect(c.schemaStats.hits).toBe(hits + 1);
    // A CRD with a secret field: no entry at all.
    const crd = resources.find((r) => r.object.kind === "CustomResourceDefinition")!;
    crd.secrets = SecretPaths.of([["spec"]]);
    expect(schemaPassKeys(c, groupsOf(markedPlatform))).toBeUndefined();
    const writes = c.schemaStats.writes;
    const withDirs = load(root);
    expect(check(withDirs, c, ["schemas"])).toEqual(check(withDirs, false, ["schemas"]));
    expect(c.schemaStats.writes).toBe(writes);
  });

  it("an entry that is not a pass's (damaged, or another count of objects) is a miss", () => {
    const root = copy();
    const expected = check(load(root), false);
    const c = cache();
    const p = load(root);
    const resources = p.clusters[0]!.kustomizations.flatMap((k) => k.resources);
    const keys = schemaPassKeys(c, groupsOf(p))!;
    const key = keys.pass;
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
      // The pass missed and the groups' entries answered; damaged too, they are misses.
      for (const g of keys.groups) c.put(g, body);
      c.put(key, body);
      expect(check(load(root), c)).toEqual(expected);
    }
  });
});

/**
 * A cluster of several Flux Kustomizations: when the pass misses, the groups (Flux
 * Kustomizations) whose objects and whose cluster's CRDs did not change answer from their own
 * entries, and only the others are validated.
 */
describe("schema groups in the render cache", () => {
  const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gizmos.example.com
spec:
  group: example.com
  names: {kind: Gizmo, plural: gizmos}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: integer}
`;
  const fluxKustomization = (name: string, p: string) => `---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: ${name}, namespace: flux-system}
spec:
  interval: 10m
  path: ${p}
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
`;
  function repo(): string {
    const root = path.join(mkdtempSync(path.join(tmpdir(), "slipway-schema-groups-")), "repo");
    const write = (p: string, text: string) => {
      mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
      writeFileSync(path.join(root, p), text);
    };
    write(
      "clusters/dev/flux-system/gotk-sync.yaml",
      `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system, namespace: flux-system}
spec: {interval: 1m, ref: {branch: main}, url: ssh://git@github.com/example/fleet}
${fluxKustomization("flux-system", "./clusters/dev")}`,
    );
    write(
      "clusters/dev/apps.yaml",
      fluxKustomization("crds", "./infra/crds") +
        fluxKustomization("gizmos", "./apps/gizmos") +
        fluxKustomization("web", "./apps/web"),
    );
    write("infra/crds/crd.yaml", CRD);
    write(
      "apps/gizmos/gizmos.yaml",
      `apiVersion: example.com/v1
kind: Gizmo
metadata: {name: wrong, namespace: default}
spec: {size: large}
---
apiVersion: example.com/v1
kind: Gizmo
metadata: {name: ok, namespace: default}
spec: {size: 2}
`,
    );
    write(
      "apps/web/deployment.yaml",
      readFileSync(path.join(fixture, "clusters/dev/deployment.yaml"), "utf8"),
    );
    return root;
  }
  const groupCount = (root: string) => groupsOf(load(root)).filter((g) => g.length > 0).length;

  it("an edited object is validated again; the other groups answer from their entries", () => {
    const root = repo();
    const groups = groupCount(root);
    expect(groups).toBe(4);
    const c = cache();
    const replicas = (f: { message: string }) =>
      f.message.includes("Deployment default/web") && f.message.includes("replicas");
    const first = check(load(root), c);
    expect(first).toEqual(check(load(root), false));
    expect(first.some(replicas)).toBe(true);
    const deployment = path.join(root, "apps/web/deployment.yaml");
    writeFileSync(deployment, readFileSync(deployment, "utf8").replace('replicas: "3"', "replicas: 3"));
    const before = { ...c.schemaStats };
    const fresh = check(load(root), false);
    expect(check(load(root), c)).toEqual(fresh);
    expect(
      fresh.some((f) => f.message.includes("Deployment default/web") && f.message.includes("replicas")),
    ).toBe(false);
    // The pass missed, the three unchanged groups hit; the web group and the pass were written.
    expect(c.schemaStats.hits - before.hits).toBe(groups - 1);
    expect(c.schemaStats.writes - before.writes).toBe(2);
  });

  it("an edited CRD validates again every object of its kind, in every group", () => {
    const root = repo();
    const c = cache();
    const first = check(load(root), c);
    expect(first.some((f) => f.message.includes("Gizmo default/wrong"))).toBe(true);
    // The CRD's group alone changed; the Gizmos' group did not, but its key did.
    const crd = path.join(root, "infra/crds/crd.yaml");
    writeFileSync(crd, CRD.replace("size: {type: integer}", "size: {type: string}"));
    const before = { ...c.schemaStats };
    const fresh = check(load(root), false);
    expect(fresh.some((f) => f.message.includes("Gizmo default/wrong"))).toBe(false);
    expect(fresh.some((f) => f.message.includes("Gizmo default/ok"))).toBe(true);
    expect(check(load(root), c)).toEqual(fresh);
    expect(c.schemaStats.hits - before.hits).toBe(0);
    // Back to the first CRD: every entry of the first run answers again.
    writeFileSync(crd, CRD);
    expect(check(load(root), c)).toEqual(first);
  });
});
