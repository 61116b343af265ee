/**
 * The second pass over a cluster's HelmReleases: once a chart templates CRDs, releases whose
 * templates would see the new API versions render again, the others keep their first render
 * (they asked `Has` about other versions only), and both end as a render with every version.
 */
import { describe, expect, it } from "vitest";
import { type CacheKey, DiskRenderCache } from "../../src/cache/store.js";
import { DEFAULT_API_VERSIONS } from "../../src/helm/capabilities.js";
import { loadPlatform, type Platform } from "../../src/platform/index.js";
import { RELEASE_UNIT } from "../../src/platform/release-cache.js";
import { scratchDirs } from "../support/scratch.js";
import { FIXTURE_FILES, localRelease, writeFixture } from "./fixture.js";

const temps = scratchDirs();

const chartRelease = (name: string, chart: string, values: string) =>
  `---\n${localRelease(name, values, chart)}`;

const FILES: Record<string, string> = {
  "apps/kustomization.yaml": `${FIXTURE_FILES["apps/kustomization.yaml"]}  - passes.yaml\n`,
  "apps/passes.yaml": [
    chartRelease("operator", "operator", "    x: 1\n"),
    chartRelease("asks-gadget", "watcher", '    ask: "example.com/v1/Gadget"\n'),
    chartRelease("asks-other", "watcher", '    ask: "other.io/v1"\n'),
    chartRelease("counts", "watcher", '    ask: "other.io/v1"\n    count: true\n'),
  ].join(""),
  "charts/operator/Chart.yaml": "apiVersion: v2\nname: operator\nversion: 1.0.0\n",
  "charts/operator/templates/crd.yaml": `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.example.com
spec:
  group: example.com
  names:
    kind: Gadget
    plural: gadgets
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
`,
  "charts/watcher/Chart.yaml": "apiVersion: v2\nname: watcher\nversion: 1.0.0\n",
  "charts/watcher/templates/cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
data:
  has: {{ .Capabilities.APIVersions.Has .Values.ask | quote }}
{{- if .Values.count }}
  count: {{ len .Capabilities.APIVersions | quote }}
{{- end }}
`,
};

/** Counts the rendered releases it stores: one per render. */
class ReleaseCountingCache extends DiskRenderCache {
  releaseWrites: string[] = [];
  override put(key: CacheKey, body: unknown): void {
    if (key.unit === RELEASE_UNIT) this.releaseWrites.push(key.id);
    super.put(key, body);
  }
}

const release = (p: Platform, name: string) =>
  p.clusters.flatMap((c) => c.helmReleases).find((h) => h.name === name)!;
const data = (p: Platform, name: string) =>
  release(p, name).resources?.find((r) => r.object.kind === "ConfigMap")?.object.data as Record<
    string,
    string
  >;
const modelJson = (p: Platform) =>
  JSON.stringify(p, (k, v) => (k === "renderMs" ? undefined : typeof v === "bigint" ? `${v}n` : v));

describe("second pass over HelmReleases once charts template CRDs", () => {
  const root = writeFixture(FILES);
  temps.keep(root);
  const dir = temps.make("slipway-passes-");
  const cold = new ReleaseCountingCache(dir);
  const p = loadPlatform(root, { renderCache: cold });

  it("renders again only the releases whose API version answers change", () => {
    expect(data(p, "asks-gadget")).toEqual({ has: "true" });
    expect(data(p, "asks-other")).toEqual({ has: "false" });
    // `len` saw the whole list: rendered again with example.com/v1/Gadget (example.com/v1 and
    // example.com/v1/Widget come from the demo chart's crds/ before any render)
    expect(Number(data(p, "counts")!.count)).toBe(DEFAULT_API_VERSIONS.length + 3);
    // Each release's model says it rendered with every version (a reproduction uses them all).
    for (const name of ["asks-gadget", "asks-other", "counts"])
      expect(release(p, name).renderInputs?.apiVersions).toEqual(
        expect.arrayContaining(["example.com/v1", "example.com/v1/Gadget"]),
      );
  });

  it("stores one render per release, plus the second renders of asks-gadget and counts", () => {
    // demo's inputs hold a secret (never stored); remote's chart is not in the repository
    const firstPass = p.clusters
      .flatMap((c) => c.helmReleases)
      .filter((h) => h.status === "rendered" && (h.secretInputs ?? []).length === 0).length;
    expect(firstPass).toBe(5);
    expect(cold.releaseWrites.length).toBe(firstPass + 2);
    expect(new Set(cold.releaseWrites).size).toBe(cold.releaseWrites.length);
  });

  it("gives the same model as rendering every release again, cold, warm and without a cache", () => {
    const none = loadPlatform(root, { renderCache: false });
    expect(modelJson(p)).toBe(modelJson(none));
    const warmCache = new ReleaseCountingCache(dir);
    const warm = loadPlatform(root, { renderCache: warmCache });
    expect(warmCache.releaseWrites).toEqual([]);
    expect(modelJson(warm)).toBe(modelJson(none));
  });

  it("keeps each warning once when a release renders twice", () => {
    const schema = {
      "charts/watcher/values.schema.json": '{"$ref": "https://example.com/remote.schema.json"}\n',
    };
    const r = writeFixture({ ...FILES, ...schema });
    temps.keep(r);
    const twice = release(loadPlatform(r, { renderCache: false }), "counts");
    const unvalidated = (twice.warnings ?? []).filter((w) => w.includes("values not validated"));
    expect(unvalidated).toHaveLength(1);
  });
});
