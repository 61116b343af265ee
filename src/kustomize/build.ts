import * as path from "node:path";
import { errorMessage, SlipwayError } from "../errors.js";
import { DiskFileSystem, type FileSystem } from "../fs/filesystem.js";
import { emitYamlStream } from "../yaml/index.js";
import { goFloatName } from "../yaml/numbers.js";
import { writtenText } from "../yaml/scalar-text.js";
import type { HelmOptions } from "./generators/helm-chart.js";
import { nameHash } from "./generators/index.js";
import { Loader, type LoadRestrictor, LocalInputError, remoteError } from "./loader.js";
import type { BuildOrigin, Resource } from "./resource.js";
import {
  BuildCache,
  BuildContext,
  type GeneratorPluginRunner,
  KustTarget,
  type OmittedRemote,
} from "./target.js";
import { fixNameReferences } from "./transformers/nameref.js";
import { readSortOptions, sortResources } from "./transformers/sort.js";
import { resolveVars } from "./transformers/vars.js";
import type { YamlMap } from "./types.js";

export interface BuildOptions {
  fs?: FileSystem;
  loadRestrictor?: LoadRestrictor;
  /** Share parsed files and built bases across several builds of one run. */
  cache?: BuildCache;
  /**
   * "kustomization": the root's sortOptions or kustomize's legacy order (kubectl kustomize);
   * "fifo": keep accumulation order (Flux's kustomize-controller).
   */
  order?: "kustomization" | "fifo";
  /** Non-builtin generator plugins (ksops); without it they fail as in `kubectl kustomize`. */
  generatorPlugins?: GeneratorPluginRunner;
  /** Flux builds: no path may leave this directory (the source artifact's root). */
  confineTo?: string;
  /** `--enable-helm` and helm flags: helmCharts render with Slipway's Helm engine; else they fail */
  helm?: HelmOptions;
}

/** Builds one kustomization directory: the resources `kubectl kustomize DIR` would print, in order. */
export function buildResources(dir: string, opts: BuildOptions = {}): Resource[] {
  return buildWith(
    new BuildContext(opts.cache ?? new BuildCache(), opts.generatorPlugins, opts.helm),
    dir,
    opts,
  );
}

/**
 * Builds as buildResources, but leaves remote `resources:` entries (which kustomize and Flux
 * fetch, Slipway never does) out and lists them: what the rest of the tree builds to is still
 * known. When the build fails without them (a patch or replacement that needs their objects),
 * it fails as a whole build would, with the first remote entry's error; a local file's failure
 * (LocalInputError) is thrown as it is, since Flux's build fails on it with the remote parts too.
 */
export function buildResourcesWithoutRemote(
  dir: string,
  opts: BuildOptions = {},
): { resources: Resource[]; omitted: OmittedRemote[] } {
  const ctx = new BuildContext(opts.cache ?? new BuildCache(), opts.generatorPlugins, opts.helm, true);
  try {
    return { resources: buildWith(ctx, dir, opts), omitted: ctx.omitted };
  } catch (e) {
    const first = ctx.omitted[0];
    // A local file's failure is the repository's, whatever the parts left out would hold.
    if (first === undefined || e instanceof LocalInputError) throw e;
    const err = remoteError(first.resource);
    throw err.withContext(`${err.message} (without it the rest fails to build: ${errorMessage(e)})`, {
      file: first.file,
      ...(first.line !== undefined ? { line: first.line } : {}),
    });
  }
}

function buildWith(ctx: BuildContext, dir: string, opts: BuildOptions): Resource[] {
  const fs = opts.fs ?? new DiskFileSystem();
  const root = confirmedDir(fs, toPosixAbsolute(dir));
  const loader = new Loader(
    fs,
    root,
    opts.loadRestrictor ?? "LoadRestrictionsRootOnly",
    undefined,
    opts.confineTo,
  );
  const target = new KustTarget(loader, ctx);
  ctx.setSchema(target.k, loader, true);
  const ra = target.accumulate();
  for (const r of ra.resources) {
    if (!r.needsHash) continue;
    const h = nameHash(r.obj);
    r.storePreviousId();
    r.setName(`${r.name}-${h}`);
  }
  fixNameReferences(ra.resources, ra.config.nameReference);
  resolveVars(ra.resources, ra.vars, ra.config.varReference);
  let list = ra.resources.resources().filter((r) => !r.isLocalConfig());
  for (const r of list) {
    r.dropEmptyBuildAnnotations();
    stringifyAnnotations(r);
    failOnUnprintableMetadata(r);
  }
  if (opts.order !== "fifo") list = sortResources(list, readSortOptions(target.k.sortOptions, target.k.file));
  const meta = target.k.buildMetadata;
  if (meta.includes("originAnnotations")) {
    for (const r of list)
      if (r.origin) r.setAnnotation("config.kubernetes.io/origin", originText(r.origin, root, ""));
  }
  if (meta.includes("transformerAnnotations")) {
    for (const r of list) {
      if (r.transformations.length === 0) continue;
      r.setAnnotation(
        "alpha.config.kubernetes.io/transformations",
        r.transformations.map((t) => originText(t, root, "- ").replace(/\n(?=.)/g, "\n  ")).join(""),
      );
    }
  }
  return list;
}

/** The YAML text kustomize writes into its origin annotations (keys in its struct order). */
function originText(o: BuildOrigin, root: string, first: string): string {
  const rel = (p: string) => path.posix.relative(root, p) || ".";
  if (o.path !== undefined) return `${first}path: ${rel(o.path)}\n`;
  let s = `${first}configuredIn: ${rel(o.configuredIn ?? "")}\n`;
  const by = o.configuredBy;
  if (by) {
    s += `configuredBy:\n  apiVersion: ${by.apiVersion}\n  kind: ${by.kind}\n`;
    if (by.name) s += `  name: ${by.name}\n`;
    if (by.namespace) s += `  namespace: ${by.namespace}\n`;
  }
  return s;
}

/** `kubectl kustomize DIR`, byte for byte. */
export function buildYaml(dir: string, opts: BuildOptions = {}): string {
  return emitYamlStream(buildResources(dir, opts).map((r) => r.obj));
}

/** kustomize's ConfirmDir: the build root with its links resolved (as given when it does not exist). */
function confirmedDir(fs: FileSystem, dir: string): string {
  try {
    return fs.isDirectory(dir) ? fs.realPath(dir) : dir;
  } catch {
    return dir;
  }
}

function toPosixAbsolute(dir: string): string {
  const abs = path.resolve(dir);
  return abs.split(path.sep).join("/");
}

/** kustomize rewrites annotations as strings when it strips its build annotations. */
function stringifyAnnotations(r: Resource): void {
  const md = r.metadata;
  const a = md?.annotations;
  // kustomize drops its origin annotation from every resource at the end (RemoveOriginAnnotations
  // → SetAnnotations), and kyaml clears a field set to an empty map: so an empty, null or `[]`
  // annotations field disappears (labels stay as they are).
  if (md && Object.hasOwn(md, "annotations") && (a === null || isEmptyCollection(a))) {
    delete md.annotations;
    return;
  }
  if (a === null || typeof a !== "object" || Array.isArray(a)) return;
  for (const [k, v] of Object.entries(a)) {
    // The text it was written with (scalar-text.ts); else what a JSON round trip left: "null" for
    // null, and a map or list has no text (yaml.Node.Value is empty).
    const text = writtenText(a, k);
    if (text !== undefined) a[k] = text;
    else if (typeof v !== "string") a[k] = v === null ? "null" : typeof v === "object" ? "" : String(v);
  }
}

/**
 * A name, namespace or label read as `.inf`/`.nan` is kept while kustomize holds it by its text
 * (a namespace transformer may replace it, a patch with a target turns a label into a string);
 * one still there when kustomize makes JSON of the object fails the build, as kubectl does.
 */
function failOnUnprintableMetadata(r: Resource): void {
  const md = r.metadata;
  if (md === undefined) return;
  unprintable(r, md, "name");
  unprintable(r, md, "namespace");
  const labels = md.labels;
  if (isPlainMap(labels)) for (const k of Object.keys(labels)) unprintable(r, labels, k);
}

function unprintable(r: Resource, map: YamlMap, key: string): void {
  const v = map[key];
  if (typeof v !== "number" || Number.isFinite(v)) return;
  const text = writtenText(map, key) ?? String(v);
  throw new SlipwayError(`json: unsupported value: ${goFloatName(v)} (kustomize cannot print ${text})`, {
    file: r.source?.file,
    ...(r.source ? { line: r.source.line } : {}),
  });
}

function isPlainMap(v: unknown): v is YamlMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isEmptyCollection(v: unknown): boolean {
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === "object" && v !== null && Object.keys(v).length === 0;
}
