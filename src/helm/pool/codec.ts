/**
 * Go values and charts in a form that survives `postMessage` (the structured clone algorithm
 * keeps Maps, typed arrays and bigints but drops classes): a GoMap, a GoInt or a typed slice
 * travels as a small tagged object and comes back as the same Go value. Plain objects never
 * occur in Go values (maps are GoMaps), so a plain object is always a tag.
 */
import type { SharedCacheLocation } from "../../cache/store.js";
import type { Chart, ChartDependency, ChartFile, ChartMetadata } from "../chart.js";
import { DeferredChartFile } from "../loader.js";
import { chartCrdFile } from "../manifests.js";
import { parseStoreOf } from "../persisted-parse.js";
import type { RenderedRelease } from "../render.js";
import { elemTypeOf, GoInt, GoMap, type GoValue, type IntKind, sliceOf } from "../template/value.js";
import { encodeManifestObjects, keepManifestObjects } from "./manifest-objects.js";

export type WireValue =
  | undefined
  | null
  | boolean
  | string
  | number
  | Uint8Array
  | WireValue[]
  | { g: "m"; t: string; e: Array<[string, WireValue]> }
  | { g: "i"; k: IntKind; v: bigint }
  | { g: "s"; t: string; v: WireValue[] };

/** Thrown for values that cannot travel (Go objects with methods): render them in-process. */
export class NotTransferable extends Error {}

export function encodeGo(v: GoValue): WireValue {
  if (v === undefined || v === null || typeof v !== "object") return v as WireValue;
  if (v instanceof Uint8Array) return v;
  if (v instanceof GoInt) return { g: "i", k: v.kind, v: v.value };
  if (Array.isArray(v)) {
    const items = v.map(encodeGo);
    const t = elemTypeOf(v);
    return t === "interface {}" ? items : { g: "s", t, v: items };
  }
  // Subclasses of GoMap carry methods (common.Values): they are made during a render, not sent.
  if (v instanceof GoMap && v.constructor === GoMap) {
    const e: Array<[string, WireValue]> = [];
    for (const [k, x] of v) e.push([k, encodeGo(x)]);
    return { g: "m", t: v.goType, e };
  }
  throw new NotTransferable(
    `a ${(v as { goType?: string }).goType ?? "Go object"} cannot be sent to a worker`,
  );
}

export function decodeGo(w: WireValue): GoValue {
  if (w === undefined || w === null || typeof w !== "object") return w;
  if (w instanceof Uint8Array) return w;
  if (Array.isArray(w)) return w.map(decodeGo);
  if (w.g === "i") return new GoInt(w.k, w.v);
  if (w.g === "s") return sliceOf(w.v.map(decodeGo), w.t);
  const m = new GoMap(null, w.t);
  for (const [k, x] of w.e) m.set(k, decodeGo(x));
  return m;
}

interface WireDependency extends Omit<ChartDependency, "importValues"> {
  importValues: WireValue[];
}

export interface WireChart {
  metadata: Omit<ChartMetadata, "dependencies"> & { dependencies: Array<WireDependency | null> };
  templates: Chart["templates"];
  values: WireValue;
  schema: Uint8Array | undefined;
  files: Chart["files"];
  dependencies: WireChart[];
  digest: string;
  /**
   * Where the chart's template parses are kept when not in the render cache (a chart from the
   * chart cache: persisted-parse.ts parseStoreOf), so a worker reads the parse `charts pull` made.
   */
  parses?: SharedCacheLocation;
}

/**
 * Files as plain objects: a DeferredChartFile (a large file of a chart directory, read when first
 * used) holds a function, which postMessage cannot clone; its bytes are read for the worker.
 */
function wireFiles(files: readonly ChartFile[]): ChartFile[] {
  return files.map((f) => (f instanceof DeferredChartFile ? { name: f.name, data: f.data } : f));
}

function parsesOf(c: Chart): Pick<WireChart, "parses"> {
  const at = parseStoreOf(c)?.shared?.();
  return at ? { parses: at } : {};
}

export function encodeChart(c: Chart): WireChart {
  return {
    metadata: {
      ...c.metadata,
      dependencies: c.metadata.dependencies.map((d) =>
        d === null ? null : { ...d, importValues: d.importValues.map(encodeGo) },
      ),
    },
    templates: wireFiles(c.templates),
    values: encodeGo(c.values),
    schema: c.schema,
    files: wireFiles(c.files),
    dependencies: c.dependencies.map(encodeChart),
    digest: c.digest,
    ...parsesOf(c),
  };
}

export function decodeChart(w: WireChart): Chart {
  return {
    metadata: {
      ...w.metadata,
      dependencies: w.metadata.dependencies.map((d) =>
        d === null ? null : { ...d, importValues: d.importValues.map(decodeGo) },
      ),
    },
    templates: w.templates,
    values: decodeGo(w.values) as GoMap,
    schema: w.schema,
    files: w.files,
    dependencies: w.dependencies.map(decodeChart),
    digest: w.digest,
  };
}

/**
 * A CRD file of a render as it travels back: where the file is in the chart both threads hold
 * (indexes through `dependencies`, then into `files`), not its bytes and text. Cloning a
 * CrdFile reads its lazy text: kube-prometheus-stack's crds/ were decoded and copied (4.5 MB
 * of text, and the bytes again) with every render of it a worker sent back.
 */
export type WireCrdFile =
  | { path: string; at: number[] }
  | { path: string; content: string; data?: Uint8Array };

export interface WireRelease extends Omit<RenderedRelease, "crds"> {
  crds: WireCrdFile[];
  /** encodeManifestObjects of each manifest, then of each hook (null: the main thread parses it). */
  objects: Array<string | null>;
}

export function encodeRelease(chart: Chart, release: RenderedRelease): WireRelease {
  // crdFiles (chartCrdFile) hands out each chart file's own bytes: they name the file.
  const where = new Map<Uint8Array, number[]>();
  const index = (c: Chart, at: number[]): void => {
    for (const [i, f] of c.files.entries()) if (f.name.startsWith("crds/")) where.set(f.data, [...at, i]);
    for (const [i, d] of c.dependencies.entries()) index(d, [...at, i]);
  };
  if (release.crds.length > 0) index(chart, []);
  return {
    ...release,
    objects: [...release.manifests, ...release.hooks].map((m) => encodeManifestObjects(m) ?? null),
    crds: release.crds.map((f) => {
      const at = f.data && where.get(f.data);
      return at
        ? { path: f.path, at }
        : { path: f.path, content: f.content, ...(f.data ? { data: f.data } : {}) };
    }),
  };
}

export function decodeRelease(chart: Chart, wire: WireRelease): RenderedRelease {
  const { objects, ...release } = wire;
  for (const [i, m] of [...release.manifests, ...release.hooks].entries()) {
    const json = objects[i];
    if (json !== null && json !== undefined) keepManifestObjects(m, json);
  }
  return {
    ...release,
    crds: wire.crds.map((w) => {
      if (!("at" in w)) return w;
      let c = chart;
      for (const i of w.at.slice(0, -1)) c = c.dependencies[i]!;
      return chartCrdFile(w.path, c.files[w.at[w.at.length - 1]!]!);
    }),
  };
}
