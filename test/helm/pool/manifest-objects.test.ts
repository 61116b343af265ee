/**
 * A render's objects as a worker sends them (src/helm/pool/manifest-objects.ts): each manifest's
 * and hook's documents that are maps, parsed where the render ran and read back on the other
 * side exactly as parsing the text there gives them (values JSON cannot spell, key order, nulls
 * written with no text), for the text a HelmRelease reads (the content and a line break) only.
 */
import { describe, expect, it } from "vitest";
import { loadChartFiles } from "../../../src/helm/loader.js";
import { type Manifest, sortManifests } from "../../../src/helm/manifests.js";
import { decodeRelease, encodeRelease } from "../../../src/helm/pool/codec.js";
import {
  encodeManifestObjects,
  manifestObjects,
  sentManifestObjects,
} from "../../../src/helm/pool/manifest-objects.js";
import type { RenderedRelease } from "../../../src/helm/render.js";
import { isMap, type YamlValue } from "../../../src/kustomize/types.js";
import { isEmptyNull } from "../../../src/yaml/empty-null.js";
import { parseYamlDocuments } from "../../../src/yaml/parse.js";

const chart = loadChartFiles([
  { name: "Chart.yaml", data: new TextEncoder().encode("apiVersion: v2\nname: c\nversion: 1.0.0\n") },
]);

/** A render's manifests and hooks, their scans kept as a render for a HelmRelease keeps them. */
function rendered(tag: string): RenderedRelease {
  const files = new Map(
    Object.entries({
      "c/templates/cm.yaml": [
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${tag}\n  "1": first\ndata:\n  big: 9007199254740993\n  neg: -0.0\n  empty:\n  explicit: null\n  __proto__: kept\n  text: |\n    ends with a block`,
        "# just a comment",
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: anchors-${tag}\ndata: &d\n  a: "1"\nother: *d`,
      ].join("\n---\n"),
      "c/templates/hook.yaml": `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j-${tag}\n  annotations:\n    helm.sh/hook: pre-install\nspec:\n  x: >-\n    folded`,
    }),
  );
  const { manifests, hooks } = sortManifests(files, undefined, true);
  return { manifests, hooks, crds: [], notes: "", files };
}

/** The objects as the main thread parses them from the text itself. */
const parsedHere = (m: Manifest, text: string) =>
  parseYamlDocuments(text, m.path).flatMap((d) => (isMap(d.value) ? [d.value] : []));

/** Every map's empty-null keys, by path: what JSON and toEqual do not show. */
function emptyNulls(v: YamlValue, at = ""): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => emptyNulls(x, `${at}/${i}`));
  if (!isMap(v)) return [];
  return Object.keys(v).flatMap((k) => [
    ...(isEmptyNull(v, k) ? [`${at}/${k}`] : []),
    ...emptyNulls(v[k]!, `${at}/${k}`),
  ]);
}

const keysDeep = (v: YamlValue): unknown =>
  Array.isArray(v) ? v.map(keysDeep) : isMap(v) ? Object.entries(v).map(([k, x]) => [k, keysDeep(x)]) : v;

describe("a render's objects sent by the thread that rendered it", () => {
  const release = rendered("sent");
  // What postMessage does: the structured clone algorithm.
  const back = decodeRelease(chart, structuredClone(encodeRelease(chart, release)));
  const all = [...back.manifests, ...back.hooks];

  it("brings the release back as it was, with each manifest's and hook's objects beside it", () => {
    expect(back).toEqual(release);
    expect(Object.keys(back)).toEqual(Object.keys(release));
    for (const m of all) expect(sentManifestObjects(m, `${m.content}\n`)).toBeDefined();
  });

  it("reads them back exactly as parsing the text gives them", () => {
    for (const m of all) {
      const text = `${m.content}\n`;
      const sent = sentManifestObjects(m, text)!;
      const here = parsedHere(m, text);
      expect(sent).toEqual(here);
      expect(keysDeep(sent)).toEqual(keysDeep(here));
      expect(emptyNulls(sent)).toEqual(emptyNulls(here));
    }
    const cm = sentManifestObjects(back.manifests[0]!, `${back.manifests[0]!.content}\n`)![0]!;
    const data = cm.data as Record<string, YamlValue>;
    expect(data.big).toBe(9007199254740993n);
    expect(Object.is(data.neg, -0)).toBe(true);
    expect(Object.hasOwn(data, "__proto__")).toBe(true);
    expect(emptyNulls(cm)).toEqual(["/data/empty"]);
  });

  it("gives objects of the caller's own each time, for the text a HelmRelease reads only", () => {
    const m = back.manifests[0]!;
    expect(sentManifestObjects(m, `${m.content}\n`)).not.toBe(sentManifestObjects(m, `${m.content}\n`));
    expect(sentManifestObjects(m, `${m.content}\n`)![0]).not.toBe(
      sentManifestObjects(m, `${m.content}\n`)![0],
    );
    // The content alone (a hook applied without post-renderers) ends a block scalar otherwise.
    expect(sentManifestObjects(m, m.content)).toBeUndefined();
    expect(sentManifestObjects(m, `${m.content} \n`.slice(1))).toBeUndefined();
    // Nothing sent for a manifest of this thread's own render.
    expect(sentManifestObjects(release.manifests[0]!, `${release.manifests[0]!.content}\n`)).toBeUndefined();
  });

  it("sends nothing for a text that does not parse: the receiver parses it and meets the error", () => {
    const broken: Manifest = {
      path: "c/templates/x.yaml",
      content: "a: [1, 2",
      head: {} as Manifest["head"],
    };
    expect(encodeManifestObjects(broken)).toBeUndefined();
    expect(() => manifestObjects(broken, `${broken.content}\n`)).toThrow();
  });
});
