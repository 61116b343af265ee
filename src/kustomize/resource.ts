import { kindSecretPaths } from "../secrets/kinds.js";
import { type SecretPaths, unionSecrets, type ValuePath } from "../secrets/paths.js";
import { locateWitnesses, type SecretWitness, witnessAt } from "../secrets/witness.js";
import { writtenText } from "../yaml/scalar-text.js";
import { cloneValue } from "./clone.js";
import { type Gvk, parseApiVersion, type ResId, resIdString } from "./resid.js";
import { isMap, type KObject, type YamlMap, type YamlValue } from "./types.js";

/** Where a resource was read from: the file a person edits and the document's first line. */
export interface SourceOrigin {
  file: string;
  line: number;
}

export type GeneratorBehavior = "create" | "merge" | "replace";

/**
 * What kustomize's `buildMetadata` annotations report: the file a resource came from, or the
 * kustomization and builtin plugin that generated or transformed it. Paths are absolute here
 * and made relative to the build root when printed.
 */
export interface BuildOrigin {
  path?: string;
  configuredIn?: string;
  configuredBy?: { apiVersion: string; kind: string; name?: string; namespace?: string };
}

/**
 * A patch that was applied to a resource, kept so that findings about a field the patch set
 * point at the patch a person edits rather than at the base document.
 */
export interface PatchRecord {
  /** Absolute path of the patch file, or of the kustomization holding an inline patch. */
  file: string;
  /** 1-based line of the patch document in `file` (the kustomization's line for inline patches). */
  line: number;
  inline: boolean;
  /** A strategic-merge patch document as written, or JSON 6902 operations. */
  smp?: YamlMap;
  ops?: Array<{ op: string; path?: string }>;
}

/**
 * `list` with `item` added, in a new array of exactly that length. A resource's bookkeeping lists
 * mostly hold one entry, and both a first push and `[...list, item]` reserve 17 slots: ~150 bytes
 * per list and resource, a fifth of what a 300,000-resource stream keeps alive.
 */
export function appended<T>(list: readonly T[], item: T): T[] {
  return list.concat([item]);
}

/**
 * One Kubernetes object in a build, with the bookkeeping kustomize keeps beside it
 * (previous ids, name prefixes/suffixes, back references). kustomize stores these as
 * internal annotations; here they are fields, so transformers can never leak them.
 */
export class Resource {
  obj: KObject;
  /** Ids this resource had before renames/namespace changes, oldest first (kustomize's PrevIds). */
  prevIds: Array<{ name: string; namespace: string; kind: string }> = [];
  prefixes: string[] = [];
  suffixes: string[] = [];
  refBy: ResId[] = [];
  refVarNames: string[] = [];
  /** Set on generated ConfigMaps/Secrets. */
  behavior?: GeneratorBehavior;
  needsHash = false;
  /**
   * Whether kustomize would hold build annotations on this resource (previous names, prefixes,
   * generator behaviour): see holdBuildAnnotations.
   */
  holdsBuildAnnotations = false;
  source?: SourceOrigin;
  /** Kustomization directories whose transformers changed this resource (outermost last). */
  touchedBy: string[] = [];
  origin?: BuildOrigin;
  /** Builtin transformers that ran over this resource, innermost kustomization first. */
  transformations: BuildOrigin[] = [];
  /** Patches applied to this resource, in order. */
  patches: PatchRecord[] = [];
  /**
   * Values marked secret during the build (from decrypted files, copied from secret fields),
   * each with the value it marked so that the mark follows the value through list merges.
   */
  secretWitnesses: SecretWitness[] = [];

  constructor(obj: KObject, source?: SourceOrigin) {
    this.obj = obj;
    this.source = source;
  }

  clone(): Resource {
    const r = new Resource(cloneValue(this.obj), this.source);
    r.prevIds = this.prevIds.map((p) => ({ ...p }));
    r.prefixes = [...this.prefixes];
    r.suffixes = [...this.suffixes];
    r.refBy = this.refBy.map((id) => ({ ...id }));
    r.refVarNames = [...this.refVarNames];
    r.behavior = this.behavior;
    r.needsHash = this.needsHash;
    r.holdsBuildAnnotations = this.holdsBuildAnnotations;
    r.touchedBy = [...this.touchedBy];
    r.origin = this.origin;
    r.transformations = [...this.transformations];
    r.patches = [...this.patches];
    r.secretWitnesses = [...this.secretWitnesses];
    return r;
  }

  /** Marks the value now at `path` secret. */
  markSecret(path: ValuePath): void {
    const w = witnessAt(this.obj, path);
    if (w) this.secretWitnesses.push(w);
  }

  /** Marks a value expected at `path` (a patch's secret value: found wherever it landed). */
  markSecretValue(path: ValuePath, value: YamlValue): void {
    this.secretWitnesses.push({ path, value });
  }

  /** Marks every path of `paths`, each below `at`. */
  markSecrets(paths: SecretPaths | undefined, at: ValuePath = []): void {
    for (const p of paths?.paths() ?? []) this.markSecret([...at, ...p]);
  }

  /** The secret fields as they are now: marked values where they are, and a Secret's data. */
  secretPaths(): SecretPaths | undefined {
    return unionSecrets(this.markedSecretPaths(), kindSecretPaths(this.obj));
  }

  /**
   * The marked values where they are now, without a Secret's data: the values whose origin is
   * secret (decrypted, made by a chart, copied from a secret field), not those a Secret of the
   * repository holds in clear text.
   */
  markedSecretPaths(): SecretPaths | undefined {
    if (this.secretWitnesses.length === 0) return undefined;
    const found = locateWitnesses(this.obj, this.secretWitnesses);
    this.secretWitnesses = found.witnesses;
    return found.paths;
  }

  get apiVersion(): string {
    const v = this.obj.apiVersion;
    return typeof v === "string" ? v : "";
  }
  get kind(): string {
    const v = this.obj.kind;
    return typeof v === "string" ? v : "";
  }
  get metadata(): YamlMap | undefined {
    const m = this.obj.metadata;
    return isMap(m) ? m : undefined;
  }
  get name(): string {
    return this.metaText("name");
  }
  get namespace(): string {
    return this.metaText("namespace");
  }
  /** kyaml's GetName/GetNamespace: the text written (yaml/scalar-text.ts), "" for null. */
  private metaText(key: "name" | "namespace"): string {
    const md = this.metadata;
    const n = md?.[key];
    if (n === undefined || n === null) return "";
    // A timestamp's value is its JSON form, a string: its text is asked for too.
    return writtenText(md!, key) ?? (typeof n === "string" ? n : String(n));
  }
  gvk(): Gvk {
    const { group, version } = splitApiVersion(this.apiVersion);
    return { group, version, kind: this.kind };
  }
  curId(): ResId {
    const { group, version } = splitApiVersion(this.apiVersion);
    return { group, version, kind: this.kind, name: this.name, namespace: this.namespace };
  }
  /** All previous ids (not including the current one), oldest first. */
  previousIds(): ResId[] {
    const gvk = this.gvk();
    return this.prevIds.map((p) => ({ ...gvk, kind: p.kind, name: p.name, namespace: p.namespace }));
  }
  /** The id the resource was first loaded with. */
  orgId(): ResId {
    const first = this.prevIds[0];
    if (first === undefined) return this.curId();
    const { group, version } = splitApiVersion(this.apiVersion);
    return { group, version, kind: first.kind, name: first.name, namespace: first.namespace };
  }
  originalName(): string {
    return this.orgId().name;
  }
  idString(): string {
    return resIdString(this.curId());
  }

  /** Records the current id as a previous one, before a rename or namespace change. */
  storePreviousId(): void {
    this.prevIds.push({ name: this.name, namespace: this.namespace, kind: this.kind });
    this.holdBuildAnnotations();
  }

  /**
   * kustomize keeps its bookkeeping (previous ids, prefixes, a generator's behaviour) as
   * annotations while it builds, so an object it has recorded any of it for has a
   * `metadata.annotations` map even when it has no annotation of its own, and what runs later in
   * the build finds the map: a JSON patch adding `/metadata/annotations/x` applies, an
   * AnnotationsTransformer whose field spec does not `create` writes (ToaHartor/maisonneux). The
   * bookkeeping is fields here, so the map is made empty where kustomize would make it;
   * dropEmptyBuildAnnotations removes it at the end, as kustomize does when it strips its own.
   */
  holdBuildAnnotations(): void {
    this.holdsBuildAnnotations = true;
    const md = this.ensureMetadata();
    if (md.annotations === undefined || md.annotations === null) md.annotations = {};
  }

  /** The end of a build: a map that only held kustomize's bookkeeping goes (see holdBuildAnnotations). */
  dropEmptyBuildAnnotations(): void {
    if (!this.holdsBuildAnnotations) return;
    const md = this.metadata;
    if (md && isMap(md.annotations) && Object.keys(md.annotations).length === 0) delete md.annotations;
  }

  ensureMetadata(): YamlMap {
    let m = this.obj.metadata;
    if (!isMap(m)) {
      m = {};
      this.obj.metadata = m;
    }
    return m;
  }
  setName(name: string): void {
    this.ensureMetadata().name = name;
  }
  setNamespace(ns: string): void {
    this.ensureMetadata().namespace = ns;
  }
  stringMap(field: "labels" | "annotations"): Record<string, string> {
    const m = this.metadata?.[field];
    const out: Record<string, string> = {};
    // kyaml's GetLabels/GetAnnotations: each value's text as written (yaml/scalar-text.ts).
    if (isMap(m)) for (const [k, v] of Object.entries(m)) out[k] = writtenText(m, k) ?? scalarString(v);
    return out;
  }
  labels(): Record<string, string> {
    return this.stringMap("labels");
  }
  annotations(): Record<string, string> {
    return this.stringMap("annotations");
  }
  setAnnotation(key: string, value: string): void {
    const md = this.ensureMetadata();
    let a = md.annotations;
    if (!isMap(a)) {
      a = {};
      md.annotations = a;
    }
    a[key] = value;
  }
  removeAnnotation(key: string): void {
    const a = this.metadata?.annotations;
    if (!isMap(a) || !(key in a)) return;
    delete a[key];
    if (Object.keys(a).length === 0) delete this.metadata!.annotations;
  }
  isLocalConfig(): boolean {
    return this.annotations()["config.kubernetes.io/local-config"] === "true";
  }
  /** A kind that only names a list of objects (`kind: List`, `*List`). */
  isEmpty(): boolean {
    return Object.keys(this.obj).length === 0;
  }
}

export function scalarString(v: YamlValue | undefined): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/**
 * parseApiVersion remembered per apiVersion: ids are asked for many times per resource by every
 * transformer, and a build has only a handful of distinct apiVersions. The parts are strings;
 * callers get their own Gvk object each time.
 */
const apiVersionParts = new Map<string, { group: string; version: string }>();
function splitApiVersion(apiVersion: string): { group: string; version: string } {
  let parts = apiVersionParts.get(apiVersion);
  if (parts === undefined) {
    parts = parseApiVersion(apiVersion);
    if (apiVersionParts.size < 4096) apiVersionParts.set(apiVersion, parts);
  }
  return parts;
}
