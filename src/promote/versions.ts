/**
 * The versions that make up a release, read from what an environment renders: container
 * images (tag and digest) wherever kustomize's image transformer looks (every `containers` /
 * `initContainers` list), HelmRelease chart versions, OCIRepository / GitRepository refs
 * (tag, semver, digest, commit), HelmChart versions, and the HelmRelease values paths chosen
 * in slipway.yaml (`promote.apps.<app>.values`).
 */
import { objectKey } from "../diff/index.js";
import { splitImage } from "../kustomize/transformers/images.js";
import { isMap, type KObject, type YamlValue } from "../kustomize/types.js";
import { secretsOf } from "../platform/masking.js";
import type { RenderedResource } from "../platform/model.js";
import type { ScalarValue } from "../yaml/cst-edit.js";
import { type FieldPath, formatFieldPath, type VersionField } from "./model.js";

const CONTAINER_LISTS = new Set(["containers", "initContainers", "ephemeralContainers"]);

const SOURCE_REFS: Record<string, { group: string; fields: string[] }> = {
  OCIRepository: { group: "source.toolkit.fluxcd.io", fields: ["tag", "semver", "digest"] },
  GitRepository: { group: "source.toolkit.fluxcd.io", fields: ["tag", "semver", "commit"] },
};

export interface VersionOptions {
  /** Maps environment words away from names (see src/diff/env.ts). */
  normalize: (s: string) => string;
  /** HelmRelease values paths (dotted) promoted with this app. */
  valuesPaths?: string[];
}

/** Every version field of the objects one Flux Kustomization applies. */
export function versionFields(resources: RenderedResource[], opts: VersionOptions): VersionField[] {
  const out: VersionField[] = [];
  for (const r of resources) {
    const obj = r.object;
    const key = objectKey(obj, opts.normalize);
    const kind = String(obj.kind ?? "");
    const group = groupOf(obj);
    const add = (f: Omit<VersionField, "key" | "resource">) =>
      out.push({ ...f, key: `${key}|${formatFieldPath(f.path)}`, resource: r });
    if (kind !== "CustomResourceDefinition") {
      walkContainers(obj, [], (path, image) => {
        const ref = splitImage(image);
        add({ kind: "image", label: `image ${ref.name}`, path, value: image, image: ref });
      });
    }
    const spec = isMap(obj.spec) ? obj.spec : undefined;
    if (!spec) continue;
    if (group === "helm.toolkit.fluxcd.io" && kind === "HelmRelease") {
      const chart = isMap(spec.chart) && isMap(spec.chart.spec) ? spec.chart.spec : undefined;
      if (chart && isScalar(chart.version)) {
        const v = String(chart.version);
        add({
          kind: "chart",
          label: `HelmRelease ${nameOf(obj)} chart ${String(chart.chart ?? "")} version`.replace("  ", " "),
          path: ["spec", "chart", "spec", "version"],
          value: v,
          range: isRange(v),
        });
      }
      for (const dotted of opts.valuesPaths ?? []) {
        const path: FieldPath = ["spec", "values", ...parseValuesPath(dotted)];
        const v = valueAt(obj, path);
        if (v === undefined || !isScalar(v)) continue;
        add({
          kind: "value",
          label: `HelmRelease ${nameOf(obj)} values ${dotted}`,
          path,
          value: scalarOf(v),
        });
      }
      continue;
    }
    if (group === "source.toolkit.fluxcd.io" && kind === "HelmChart" && isScalar(spec.version)) {
      const v = String(spec.version);
      add({
        kind: "chart",
        label: `HelmChart ${nameOf(obj)} version`,
        path: ["spec", "version"],
        value: v,
        range: isRange(v),
      });
      continue;
    }
    const source = SOURCE_REFS[kind];
    if (source && group === source.group && isMap(spec.ref)) {
      for (const f of source.fields) {
        const v = spec.ref[f];
        if (!isScalar(v)) continue;
        add({
          kind: "source",
          label: `${kind} ${nameOf(obj)} ref.${f}`,
          path: ["spec", "ref", f],
          value: String(v),
          range: f === "semver",
        });
      }
    }
  }
  return out;
}

/** A value read at a field path in a rendered object. */
export function valueAt(obj: YamlValue, path: ReadonlyArray<FieldPath[number]>): YamlValue | undefined {
  let node: YamlValue | undefined = obj;
  for (const step of path) {
    if (node === undefined || node === null) return undefined;
    if (typeof step === "object") {
      if (!Array.isArray(node)) return undefined;
      node = node.find((it) => isMap(it) && it.name === step.name);
    } else if (typeof step === "number") {
      node = Array.isArray(node) ? node[step] : undefined;
    } else {
      node = isMap(node) ? node[step] : undefined;
    }
  }
  return node;
}

/**
 * The field's path with list items by index (`containers[0]`, never `[name=…]`) when the field
 * holds a secret value (RenderedResource.secrets: a decrypted file, a Secret's variable…), the
 * container's name counted in; undefined when it does not. A secret version is neither printed
 * nor written: the index path is what may be said of it.
 */
export function secretFieldPath(r: RenderedResource, path: FieldPath): FieldPath | undefined {
  const secrets = secretsOf(r);
  if (!secrets) return undefined;
  const at: Array<string | number> = [];
  let node: YamlValue | undefined = r.object;
  let secret = false;
  for (const step of path) {
    if (typeof step === "object") {
      const i: number = Array.isArray(node) ? node.findIndex((it) => isMap(it) && it.name === step.name) : -1;
      if (i < 0) return undefined;
      at.push(i);
      secret ||= secrets.covers([...at, "name"]);
      node = (node as YamlValue[])[i];
    } else {
      at.push(step);
      node =
        typeof step === "number"
          ? Array.isArray(node)
            ? node[step]
            : undefined
          : isMap(node)
            ? node[step]
            : undefined;
    }
  }
  return secret || secrets.covers(at) ? at : undefined;
}

/** `image.tag`, `controllers.main.containers[0].image.tag`, `podAnnotations["a.b/c"]`. */
export function parseValuesPath(dotted: string): Array<string | number> {
  const out: Array<string | number> = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  for (const m of dotted.matchAll(re)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(JSON.parse(`"${m[3]}"`) as string);
  }
  return out;
}

/**
 * A version constraint rather than one version. Open ranges (`>=1.0.0`, `*`) are policies
 * ("newest stable"), which a promotion does not copy from one environment to the next.
 */
export function isRange(v: string): boolean {
  return !/^v?\d+(\.\d+){0,2}([-+][0-9A-Za-z.+-]*)?$/.test(v.trim());
}

export function isOpenRange(v: string): boolean {
  const s = v.trim();
  if (s === "*" || s === "x" || s === "X" || s === "" || s === "latest") return true;
  return /^>=?/.test(s) && !/[<]|\|\|/.test(s);
}

function walkContainers(
  node: YamlValue,
  path: FieldPath,
  visit: (path: FieldPath, image: string) => void,
): void {
  if (Array.isArray(node)) {
    for (const [i, el] of node.entries()) walkContainers(el, [...path, i], visit);
    return;
  }
  if (!isMap(node)) return;
  for (const [k, v] of Object.entries(node)) {
    if (CONTAINER_LISTS.has(k) && Array.isArray(v)) {
      v.forEach((c, i) => {
        if (!isMap(c) || typeof c.image !== "string") return;
        const step = typeof c.name === "string" ? { name: c.name } : i;
        visit([...path, k, step, "image"], c.image);
      });
      continue;
    }
    walkContainers(v, [...path, k], visit);
  }
}

function isScalar(v: YamlValue | undefined): v is string | number | boolean | bigint {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean" || typeof v === "bigint";
}

function scalarOf(v: string | number | boolean | bigint): ScalarValue {
  return typeof v === "bigint" ? v.toString() : v;
}

function nameOf(obj: KObject): string {
  const md = isMap(obj.metadata) ? obj.metadata : {};
  const ns = typeof md.namespace === "string" ? `${md.namespace}/` : "";
  return `${ns}${String(md.name ?? "")}`;
}

function groupOf(obj: KObject): string {
  const v = String(obj.apiVersion ?? "");
  const slash = v.lastIndexOf("/");
  return slash < 0 ? "" : v.slice(0, slash);
}
