/**
 * The graph's HelmRelease inventory of a render the cache holds comes from the render's summary
 * (the identities of its objects), without reading its objects, wherever those identities say
 * what the objects do; the graph is the same as from a render without the cache.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { type CacheKey, DiskRenderCache } from "../../src/cache/store.js";
import { graphNodes } from "../../src/platform/graph-nodes.js";
import { loadPlatform } from "../../src/platform/index.js";
import { RELEASE_UNIT } from "../../src/platform/release-cache.js";
import { fluxKs, fluxSync, helmRelease } from "../support/flux.js";
import { scratchDirs } from "../support/scratch.js";

const temps = scratchDirs();

/** Counts the reads of release objects (the summaries are another unit). */
class ObjectReadCountingCache extends DiskRenderCache {
  objectReads = 0;
  override get(key: CacheKey): unknown {
    if (key.unit === RELEASE_UNIT) this.objectReads++;
    return super.get(key);
  }
}

const chartSpec = (chart: string) =>
  `      chart: ./charts/${chart}\n      sourceRef:\n        kind: GitRepository\n        name: flux-system\n        namespace: flux-system\n`;

/**
 * Two releases: `named` renders a namespaced object and a ClusterRole (no namespace); `numbered`
 * an object whose namespace is a number (`2024`, unquoted), which its identity holds as "".
 */
function repository(): string {
  const root = temps.make("slipway-graph-inventory-");
  const files: Record<string, string> = {
    "clusters/prod/flux-system/gotk-sync.yaml": fluxSync("./clusters/prod"),
    "clusters/prod/apps.yaml": fluxKs("apps", "./apps"),
    "apps/kustomization.yaml": "resources:\n  - releases.yaml\n",
    "apps/releases.yaml": `${helmRelease("named", "apps", chartSpec("named"))}---\n${helmRelease("numbered", "apps", chartSpec("numbered"))}`,
    "charts/named/Chart.yaml": "apiVersion: v2\nname: named\nversion: 1.0.0\n",
    "charts/named/templates/objects.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: {{ .Release.Name }}-reader\nrules: []\n",
    "charts/numbered/Chart.yaml": "apiVersion: v2\nname: numbered\nversion: 1.0.0\n",
    "charts/numbered/templates/objects.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n  namespace: 2024\n",
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

describe("graph: HelmRelease inventory from the render cache", () => {
  it("lists a cached render from its summary, the objects unread, and the same graph as without the cache", () => {
    const root = repository();
    const plain = loadPlatform(root, { renderCache: false });
    const expected = graphNodes(plain);
    const inventory = (name: string) => expected.find((n) => n.name === name)?.inventory;
    expect(inventory("named")?.map((o) => o.namespace)).toEqual(["apps", ""]);
    expect(inventory("numbered")?.map((o) => o.namespace)).toEqual(["2024"]);

    const dir = temps.make("slipway-graph-inventory-cache-");
    loadPlatform(root, { renderCache: new DiskRenderCache(dir) });
    const cache = new ObjectReadCountingCache(dir);
    const warm = loadPlatform(root, { renderCache: cache });
    expect(warm.clusters[0]!.helmReleases.map((h) => h.status)).toEqual(["rendered", "rendered"]);
    expect(cache.objectReads).toBe(0);
    expect(graphNodes(warm)).toEqual(expected);
    // `numbered`'s identity holds "" for its namespace: its objects are read; `named`'s are not.
    expect(cache.objectReads).toBe(1);
  });
});
