/**
 * The one pass over a repository's YAML files that discovery needs: every Flux Kustomization
 * and GitRepository document, every FluxInstance `spec.sync` (flux-operator: as an object, or as
 * the values of its `flux-instance` Helm chart), and the sync files that cannot be read. Only
 * files that mention Flux are parsed; dot-directories, node_modules and Helm charts' templates/
 * are skipped; the FileSystem given is the repository without symbolic links, so each
 * directory is seen once.
 */
import * as path from "node:path";
import { SlipwayError } from "../errors.js";
import { distributionVersion } from "../flux/profile.js";
import { type FileSystem, readFileWithin } from "../fs/filesystem.js";
import { joinName, relativePath } from "../fs/posix-path.js";
import { cloneValue } from "../kustomize/clone.js";
import { type Kustomization, kustomizationFileNames, readKustomization } from "../kustomize/kustomization.js";
import { parseResourceFile } from "../kustomize/parsed-files.js";
import { isMap, type KObject, type YamlMap, type YamlValue } from "../kustomize/types.js";
import {
  groupOf,
  isFluxKustomization,
  isHelmRelease,
  metaString,
  SOURCE_GROUP,
  specOf,
  stringField,
} from "./flux-objects.js";
import type { ObjectRef, SourceLocation } from "./model.js";
import { type TerraformBootstrap, terraformBootstraps } from "./terraform-bootstrap.js";

export interface FluxDocument {
  object: KObject;
  at: SourceLocation;
}

/** What a FluxInstance's `spec.sync` makes flux-operator create: a source and a Kustomization. */
export interface InstanceSync {
  /** Where the sync settings are written. */
  via: "FluxInstance" | "HelmRelease";
  /** `namespace/name` of the FluxInstance or HelmRelease that holds them. */
  holder: string;
  /** Namespace of the FluxInstance (and so of the objects it creates). */
  namespace: string;
  /** Source kind: GitRepository, OCIRepository or Bucket. */
  kind: string;
  /** Name of the source and Kustomization: `sync.name`, else the namespace. */
  name: string;
  /**
   * The holder names no namespace: `namespace` is flux-operator's default, and the Flux
   * Kustomization that applies the holder may set another (targetNamespace).
   */
  namespaceAssumed?: boolean;
  /** `sync.name` as written ("" when absent). */
  syncName: string;
  /** `sync.path` as written. */
  path: string;
  url: string;
  /** `sync.ref` as written (`refs/heads/main`), "" when absent. */
  ref: string;
  /**
   * `spec.kustomize.patches` (the chart's `instance.kustomize.patches`): flux-operator applies
   * them to the sync objects as to the controllers (a `decryption` for the sync Kustomization).
   */
  patches?: YamlValue[];
  /** `distribution.version` and `components` (the chart's `instance.…`): the Flux it installs. */
  distribution?: { version?: string; components?: string[] };
  at: SourceLocation;
}

/** A file that may define a cluster but cannot be parsed. */
export interface UnreadableFile {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

export interface RepositoryScan {
  /** Every Flux Kustomization document in the repository's YAML files. */
  kustomizations: FluxDocument[];
  gitRepositories: FluxDocument[];
  /**
   * GitRepositories among them that are the checkout's own repository (same-repository.ts
   * checkoutSources, set by the load): this repository under another name, not another one.
   */
  selfSources?: ObjectRef[];
  /**
   * GitRepositories that are another repository by their URL (same-repository.ts checkoutRule
   * `others`, set by the load): their paths are never this repository's folders.
   */
  otherSources?: ObjectRef[];
  /** The URLs of the checkout's remotes (checkout.ts, set by the load). */
  checkoutRemotes?: string[];
  /** The Flux sources (GitRepository, OCIRepository, HelmRepository, Bucket, HelmChart) of the files parsed. */
  sources: Array<ObjectRef & { at: SourceLocation }>;
  /**
   * Files not parsed that may define more (sourcesOf reads them): most are an app's HelmRelease
   * and its OCIRepository, which only a cluster applied from outside the repository asks about.
   */
  unparsedSourceFiles: string[];
  instances: InstanceSync[];
  /** Sync files (`gotk-sync.yaml`, or a file with a Flux source and Kustomization) that do not parse. */
  unreadableSyncFiles: UnreadableFile[];
  /** YAML files over MAX_SCAN_BYTES, not read (repository-relative). */
  tooLarge: string[];
  /** YAML names that are no regular file (a FIFO, a device) or could not be read, with why. */
  unreadable: Array<{ file: string; why: string }>;
  /** flux-instance HelmReleases whose values (and so sync) discovery cannot read, with why. */
  unreadValues: Array<{ file: string; line: number; why: string }>;
  /** Terraform `flux_bootstrap_git` resources (terraform-bootstrap.ts). */
  terraformBootstraps: TerraformBootstrap[];
  /**
   * HelmRelease documents in the files read (rendered or not, by any cluster or none), a file
   * discovery does not parse counting once when it mentions HelmRelease: an estimate that only
   * decides when the render workers start.
   */
  helmReleases: number;
}

const SKIP_DIRS = new Set(["node_modules"]);
/** Larger YAML files are not read by discovery (checked before reading). */
export const MAX_SCAN_BYTES = 32 * 1024 * 1024;
const OPERATOR_GROUP = "fluxcd.controlplane.io";
const SYNC_KINDS = new Set(["GitRepository", "OCIRepository", "Bucket"]);
const SOURCE_KINDS = new Set(["GitRepository", "OCIRepository", "HelmRepository", "Bucket", "HelmChart"]);

export function scanRepository(fs: FileSystem, root: string): RepositoryScan {
  const scan: RepositoryScan = {
    kustomizations: [],
    gitRepositories: [],
    sources: [],
    unparsedSourceFiles: [],
    instances: [],
    unreadableSyncFiles: [],
    tooLarge: [],
    unreadable: [],
    unreadValues: [],
    terraformBootstraps: [],
    helmReleases: 0,
  };
  // Terraform modules (folders) by their files' text, read when one names flux_bootstrap_git.
  const terraform = new Map<string, Map<string, string>>();
  const walk = (dir: string) => {
    for (const name of fs.readDir(dir)) {
      const abs = joinName(dir, name);
      if (fs.isDirectory(abs)) {
        if (!name.startsWith(".") && !SKIP_DIRS.has(name) && !isChartTemplates(fs, dir, name)) walk(abs);
        continue;
      }
      if (isTerraformFile(name)) {
        readTerraform(fs, abs, relativePath(root, abs), terraform);
        continue;
      }
      if (!name.endsWith(".yaml") && !name.endsWith(".yml")) continue;
      const file = relativePath(root, abs);
      let bytes: Buffer | undefined;
      try {
        bytes = readFileWithin(fs, abs, MAX_SCAN_BYTES);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // Vanished since the listing (ENOENT) or a link out of the root: nothing to say here.
        if (code !== "ENOENT" && code !== "ELOOP")
          scan.unreadable.push({
            file,
            why: code === "EINVAL" ? "not a regular file" : (e as Error).message,
          });
        continue;
      }
      if (bytes === undefined) {
        scan.tooLarge.push(file);
        continue;
      }
      let known = scannedByBytes.get(bytes);
      if (known?.abs !== abs || known.file !== file) {
        known = { abs, file, found: scanFile(bytes.toString("utf8"), name, abs, file) };
        scannedByBytes.set(bytes, known);
      }
      addCopy(scan, known.found, pending, file);
    }
  };
  const pending: FluxDocument[] = [];
  walk(root);
  for (const d of pending) {
    const found = instanceSyncFromValuesFrom(fs, root, d);
    if (found && "sync" in found) scan.instances.push(found.sync);
    else if (found) scan.unreadValues.push({ file: d.at.file, line: d.at.line, why: found.unread });
  }
  for (const module of terraform.values())
    if ([...module.values()].some((t) => t.includes("flux_bootstrap_git")))
      scan.terraformBootstraps.push(...terraformBootstraps(module));
  return scan;
}

/** Terraform's configuration and the variable files it loads by itself. */
function isTerraformFile(name: string): boolean {
  return name.endsWith(".tf") || name === "terraform.tfvars" || name.endsWith(".auto.tfvars");
}

const MAX_TERRAFORM_BYTES = 1024 * 1024;

function readTerraform(
  fs: FileSystem,
  abs: string,
  file: string,
  into: Map<string, Map<string, string>>,
): void {
  let bytes: Buffer | undefined;
  try {
    bytes = readFileWithin(fs, abs, MAX_TERRAFORM_BYTES);
  } catch {
    return; // Not YAML: a file discovery cannot read here says nothing of a cluster.
  }
  if (bytes === undefined) return;
  const dir = path.posix.dirname(file);
  let module = into.get(dir);
  if (!module) into.set(dir, (module = new Map()));
  module.set(file, bytes.toString("utf8"));
}

/** What one YAML file adds to a scan (its objects are the memo's: the scan takes copies). */
interface FileScan {
  kustomizations: FluxDocument[];
  gitRepositories: FluxDocument[];
  sources: Array<ObjectRef & { at: SourceLocation }>;
  /** Not parsed, and it may define a source. */
  mayDefineSource: boolean;
  instances: InstanceSync[];
  /** flux-instance HelmReleases whose values come from ConfigMaps (valuesFrom), read after the walk. */
  valuesFrom: FluxDocument[];
  unreadableSyncFile?: UnreadableFile;
  helmReleases: number;
}

/**
 * Each file's scan by the bytes read (and its path): a Git revision serves one Buffer per blob
 * to every read, and both revisions of a diff share their unchanged blobs, so the base of a
 * diff decoded and matched every file the head's scan had just done. The outcome is a function
 * of the text, the name and the path; read buffers are never written to.
 */
const scannedByBytes = new WeakMap<Buffer, { abs: string; file: string; found: FileScan }>();

function scanFile(text: string, name: string, abs: string, file: string): FileScan {
  const found: FileScan = {
    kustomizations: [],
    gitRepositories: [],
    sources: [],
    mayDefineSource: false,
    instances: [],
    valuesFrom: [],
    helmReleases: 0,
  };
  if (!text.includes("toolkit.fluxcd.io") && !text.includes(OPERATOR_GROUP)) return found;
  // A sync file that does not parse is reported: gotk-sync.yaml is one by its name alone.
  if (!mayHoldDiscoveryObject(text) && name !== "gotk-sync.yaml" && name !== "gotk-sync.yml") {
    if (text.includes("HelmRelease")) found.helmReleases++; // not parsed: counted once
    found.mayDefineSource = mayDefineSource(text);
    return found;
  }
  let docs: ReturnType<typeof parseResourceFile>;
  try {
    // The same cache as builds use: these files are built right after discovery.
    docs = parseResourceFile(text, abs);
  } catch (err) {
    if (isSyncFile(name, text)) found.unreadableSyncFile = unreadable(file, err);
    return found;
  }
  for (const d of docs) {
    if (!isMap(d.value)) continue;
    const at = { file, line: d.line };
    const source = sourceOf(d.value, at);
    if (source) found.sources.push(source);
    if (isFluxKustomization(d.value)) found.kustomizations.push({ object: d.value, at });
    else if (d.value.kind === "GitRepository" && groupOf(d.value) === SOURCE_GROUP)
      found.gitRepositories.push({ object: d.value, at });
    else {
      if (isHelmRelease(d.value)) found.helmReleases++;
      const sync = instanceSync(d.value, at);
      if (sync) found.instances.push(sync);
      else if (isFluxInstanceRelease(d.value, text)) found.valuesFrom.push({ object: d.value, at });
    }
  }
  return found;
}

/** Adds a copy of `found` to the scan: each load may change the objects it was given. */
function addCopy(scan: RepositoryScan, found: FileScan, pending: FluxDocument[], file: string): void {
  const copy = (d: FluxDocument): FluxDocument => ({ object: cloneValue(d.object), at: { ...d.at } });
  for (const d of found.kustomizations) scan.kustomizations.push(copy(d));
  for (const d of found.gitRepositories) scan.gitRepositories.push(copy(d));
  for (const d of found.sources) scan.sources.push({ ...d, at: { ...d.at } });
  if (found.mayDefineSource) scan.unparsedSourceFiles.push(file);
  for (const i of found.instances) scan.instances.push({ ...i, at: { ...i.at } });
  for (const d of found.valuesFrom) pending.push(copy(d));
  if (found.unreadableSyncFile) scan.unreadableSyncFiles.push({ ...found.unreadableSyncFile });
  scan.helmReleases += found.helmReleases;
}

/**
 * False when no document of `text` can be one discovery keeps (a Flux Kustomization, a
 * GitRepository, a FluxInstance, a HelmRelease with `values.instance.sync`), so the file need
 * not be parsed: most files that name a Flux group are HelmReleases and sources of apps.
 * Without a backslash (a double-quoted escape), every string YAML decodes is made of runs of
 * the text's characters joined by spaces or line breaks (folding), so a kind or key without
 * blanks is decoded only where it is written out whole.
 */
/** Whether a file may define a Flux source other than a GitRepository (mayHoldDiscoveryObject's reasoning). */
function mayDefineSource(text: string): boolean {
  return (
    text.includes("\\") ||
    text.includes("OCIRepository") ||
    text.includes("HelmRepository") ||
    text.includes("Bucket") ||
    text.includes("HelmChart")
  );
}

/** Every Flux source the repository defines: the scan's, and those of the files it did not parse. */
export function sourcesOf(
  scan: RepositoryScan,
  fs: FileSystem,
  root: string,
): Array<ObjectRef & { at: SourceLocation }> {
  const out = [...scan.sources];
  for (const file of scan.unparsedSourceFiles) {
    const abs = joinName(root, file);
    let docs: ReturnType<typeof parseResourceFile>;
    try {
      docs = parseResourceFile(fs.readFile(abs).toString("utf8"), abs);
    } catch {
      continue;
    }
    for (const d of docs) {
      if (isMap(d.value)) {
        const source = sourceOf(d.value, { file, line: d.line });
        if (source) out.push(source);
      }
    }
  }
  return out;
}

function sourceOf(value: YamlMap, at: SourceLocation): (ObjectRef & { at: SourceLocation }) | undefined {
  if (!SOURCE_KINDS.has(String(value.kind)) || groupOf(value) !== SOURCE_GROUP) return undefined;
  return {
    kind: String(value.kind),
    namespace: metaString(value, "namespace") || "flux-system",
    name: metaString(value, "name"),
    at,
  };
}

export function mayHoldDiscoveryObject(text: string): boolean {
  return (
    text.includes("\\") ||
    text.includes("Kustomization") ||
    text.includes("GitRepository") ||
    text.includes("FluxInstance") ||
    (text.includes("instance") && text.includes("sync")) ||
    (text.includes("flux-instance") && text.includes("valuesFrom"))
  );
}

/**
 * A Helm chart's `templates/` folder (beside its Chart.yaml): Go templates,
 * not objects; what they make is known only once the chart is rendered for a HelmRelease.
 */
function isChartTemplates(fs: FileSystem, parent: string, name: string): boolean {
  return name === "templates" && fs.exists(path.posix.join(parent, "Chart.yaml"));
}

/** What `flux bootstrap` writes, or any file holding a Flux source and a Flux Kustomization. */
function isSyncFile(name: string, text: string): boolean {
  // A file with template actions is a template of something else (a chart, a cookiecutter).
  if (text.includes("{{")) return false;
  if (name === "gotk-sync.yaml" || name === "gotk-sync.yml") return true;
  // The source's kind at a document's top level: an app's ks.yaml names one under its
  // `sourceRef` too (Stormcargo's broken archive/goldilocks/ks.yaml), and is no sync file.
  return (
    text.includes("kustomize.toolkit.fluxcd.io") &&
    /\bkind:\s*["']?Kustomization\b/.test(text) &&
    /^kind:\s*["']?(GitRepository|OCIRepository|Bucket)\b/m.test(text)
  );
}

function unreadable(file: string, err: unknown): UnreadableFile {
  const out: UnreadableFile = { file, message: err instanceof Error ? err.message : String(err) };
  if (err instanceof SlipwayError) {
    if (err.line !== undefined) out.line = err.line;
    if (err.column !== undefined) out.column = err.column;
  }
  return out;
}

/** A HelmRelease of the flux-instance chart with ConfigMap `valuesFrom` (its values live elsewhere). */
function isFluxInstanceRelease(obj: KObject, text: string): boolean {
  if (!isHelmRelease(obj)) return false;
  const spec = specOf(obj);
  if (!Array.isArray(spec.valuesFrom)) return false;
  const chartRef = isMap(spec.chartRef) ? spec.chartRef : {};
  const chart = isMap(spec.chart) && isMap(spec.chart.spec) ? spec.chart.spec : {};
  return (
    stringField(chart, "chart") === "flux-instance" ||
    stringField(chartRef, "name") === "flux-instance" ||
    text.includes("controlplaneio-fluxcd/charts/flux-instance")
  );
}

/**
 * The FluxInstance sync of a flux-instance HelmRelease whose values come from a ConfigMap of the
 * kustomization beside it: one its `configMapGenerator` makes (`files: [values.yaml=…]`, the
 * onedr0p cluster-template layout) or a ConfigMap object in one of its `resources:` files. A
 * Secret's values are not read (discovery decrypts nothing): a note says so. Only files inside
 * the repository are read; anything that does not resolve is no cluster (the instance stays
 * unknown).
 */
function instanceSyncFromValuesFrom(
  fs: FileSystem,
  root: string,
  d: FluxDocument,
): { sync: InstanceSync } | { unread: string } | undefined {
  const dir = path.posix.dirname(path.posix.join(root, d.at.file));
  const inside = (abs: string) =>
    abs.startsWith(`${root.replace(/\/+$/, "")}/`) && fs.exists(abs) && !fs.isDirectory(abs);
  const kustomizationFile = kustomizationFileNames.map((n) => path.posix.join(dir, n)).find(inside);
  if (kustomizationFile === undefined) return undefined;
  let kustomization: Kustomization;
  try {
    const k = parseResourceFile(fs.readFile(kustomizationFile).toString("utf8"), kustomizationFile)[0]?.value;
    if (!isMap(k)) return undefined;
    // Its fields as kustomize reads them: Go's JSON decoding matches their names in any case
    // (bo0tzz's `configMapgenerator:` makes the instance values, and made no cluster here).
    kustomization = readKustomization(k, kustomizationFile, dir);
  } catch {
    return undefined;
  }
  const generators = kustomization.configMapGenerator;
  const resources = kustomization.resources;
  const releaseNamespace = metaString(d.object, "namespace") || kustomization.namespace;
  const syncOf = (values: unknown): InstanceSync | undefined => {
    if (!isMap(values)) return undefined;
    return instanceSync({ ...d.object, spec: { ...specOf(d.object), values } } as KObject, d.at);
  };
  const parsedValues = (text: string, file: string): unknown => {
    try {
      return parseResourceFile(text, file)[0]?.value;
    } catch {
      return undefined; // values that do not parse define no cluster; the release's render reports them
    }
  };
  let secret: string | undefined;
  for (const ref of specOf(d.object).valuesFrom as unknown[]) {
    if (!isMap(ref)) continue;
    const kind = stringField(ref, "kind");
    const name = stringField(ref, "name");
    const key = stringField(ref, "valuesKey") || "values.yaml";
    if (kind === "Secret") {
      secret ??= name;
      continue;
    }
    if (kind !== "ConfigMap") continue;
    const generator = generators.find((g) => isMap(g) && stringField(g, "name") === name);
    const files = isMap(generator) && Array.isArray(generator.files) ? generator.files : [];
    for (const entry of files) {
      if (typeof entry !== "string") continue;
      const eq = entry.indexOf("=");
      const file = eq < 0 ? entry : entry.slice(eq + 1);
      if ((eq < 0 ? path.posix.basename(file) : entry.slice(0, eq)) !== key) continue;
      const abs = path.posix.resolve(dir, file);
      if (!inside(abs)) continue;
      const sync = syncOf(parsedValues(fs.readFile(abs).toString("utf8"), abs));
      if (sync) return { sync };
    }
    // A ConfigMap written out in a resource file of the same kustomization.
    for (const entry of resources) {
      if (typeof entry !== "string") continue;
      const abs = path.posix.resolve(dir, entry);
      if (!inside(abs)) continue;
      let docs: ReturnType<typeof parseResourceFile>;
      try {
        docs = parseResourceFile(fs.readFile(abs).toString("utf8"), abs);
      } catch {
        continue;
      }
      for (const doc of docs) {
        const cm = doc.value;
        if (!isMap(cm) || cm.kind !== "ConfigMap" || groupOf(cm) !== "" || metaString(cm, "name") !== name)
          continue;
        const ns = metaString(cm, "namespace");
        if (ns !== "" && releaseNamespace !== "" && ns !== releaseNamespace) continue;
        const text = isMap(cm.data) ? cm.data[key] : undefined;
        const sync = typeof text === "string" ? syncOf(parsedValues(text, abs)) : undefined;
        if (sync) return { sync };
      }
    }
  }
  if (secret === undefined) return undefined;
  return {
    unread: `flux-instance HelmRelease ${metaString(d.object, "namespace") || releaseNamespace || "(no namespace)"}/${metaString(d.object, "name")} takes values from Secret ${secret}, which discovery does not read (it decrypts nothing): a cluster its instance.sync names is found only by other means (or declare it in slipway.yaml clusters)`,
  };
}

/**
 * `spec.sync` of a FluxInstance, or `values.instance.sync` of a HelmRelease of the
 * flux-instance chart (controlplaneio-fluxcd/charts), which renders that FluxInstance.
 */
function instanceSync(obj: KObject, at: SourceLocation): InstanceSync | undefined {
  let sync: YamlMap | undefined;
  let via: InstanceSync["via"];
  let namespace: string;
  let kustomize: YamlValue | undefined;
  let settings: YamlMap;
  if (obj.kind === "FluxInstance" && groupOf(obj) === OPERATOR_GROUP) {
    const s = specOf(obj).sync;
    sync = isMap(s) ? s : undefined;
    kustomize = specOf(obj).kustomize;
    settings = specOf(obj);
    via = "FluxInstance";
    namespace = metaString(obj, "namespace");
  } else if (isHelmRelease(obj)) {
    const spec = specOf(obj);
    const values = isMap(spec.values) ? spec.values : undefined;
    const instance = values && isMap(values.instance) ? values.instance : undefined;
    sync = instance && isMap(instance.sync) ? instance.sync : undefined;
    kustomize = instance?.kustomize;
    settings = instance ?? {};
    via = "HelmRelease";
    namespace = stringField(spec, "targetNamespace") || metaString(obj, "namespace");
  } else {
    return undefined;
  }
  if (!sync) return undefined;
  // The flux-instance chart's values default `instance.sync.kind` to GitRepository, and its
  // template writes the sync only with a URL (charts/flux-instance: values.yaml, templates/
  // instance.yaml); a FluxInstance's CRD requires the kind.
  const kind = stringField(sync, "kind") || (via === "HelmRelease" ? "GitRepository" : "");
  const syncPath = stringField(sync, "path");
  if (!SYNC_KINDS.has(kind) || syncPath === "") return undefined;
  if (via === "HelmRelease" && stringField(sync, "url") === "") return undefined;
  // flux-operator's namespace; the FluxInstance must live there (the chart installs it there).
  const namespaceAssumed = namespace === "";
  namespace ||= "flux-system";
  return {
    via,
    holder: `${metaString(obj, "namespace") || namespace}/${metaString(obj, "name")}`,
    namespace,
    ...(namespaceAssumed ? { namespaceAssumed } : {}),
    kind,
    syncName: stringField(sync, "name"),
    name: stringField(sync, "name") || namespace,
    path: syncPath,
    url: stringField(sync, "url"),
    ref: stringField(sync, "ref"),
    ...(isMap(kustomize) && Array.isArray(kustomize.patches) && kustomize.patches.length > 0
      ? { patches: cloneValue(kustomize.patches) as YamlValue[] }
      : {}),
    ...distributionOf(settings),
    at,
  };
}

function distributionOf(settings: YamlMap): Pick<InstanceSync, "distribution"> {
  const version = distributionVersion(settings.distribution) ?? "";
  const components = Array.isArray(settings.components) ? settings.components.map(String) : undefined;
  if (version === "" && components === undefined) return {};
  return { distribution: { ...(version !== "" ? { version } : {}), ...(components ? { components } : {}) } };
}
