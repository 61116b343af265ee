import * as path from "node:path";
import { SlipwayError } from "../errors.js";
import type { SecretFile } from "../fs/filesystem.js";
import { hiddenLinkNote } from "../fs/hidden-link.js";
import { kindSecretPaths } from "../secrets/kinds.js";
import { SecretPaths } from "../secrets/paths.js";
import {
  clearAnalysedScalars,
  decodeYamlText,
  endBeforeNodeMessage,
  firstDocumentOf,
  parseYaml,
  parseYamlDocuments,
} from "../yaml/index.js";
import { cloneValue } from "./clone.js";
import type { FieldSpec } from "./fieldspec.js";
import {
  decodeHelmChartArgs,
  type HelmOptions,
  helmDisabledError,
  inflateHelmChart,
} from "./generators/helm-chart.js";
import {
  type GeneratorArgs,
  type GeneratorOptions,
  generateConfigMap,
  generateSecret,
  mergedNeedsHash,
  mergeGenerated,
} from "./generators/index.js";
import { decodeGoJson } from "./go-json-decode.js";
import { type Kustomization, kustomizationFileNames, readKustomization } from "./kustomization.js";
import { kustomizationType, transformerConfigType } from "./kustomization-schema.js";
import {
  asLocalInput,
  isRemoteReference,
  type Loader,
  LocalInputError,
  RemoteResourceError,
  remoteError,
} from "./loader.js";
import { clearParsedResourceFiles, parseResourceFile } from "./parsed-files.js";
import { builtinSchemaRegistry, type SchemaRegistry, schemaFromOpenApiDocument } from "./patch/index.js";
import { clearPatchTexts } from "./patch-text.js";
import { applyPatch, type PatchEntry, patchEntryFrom } from "./patches.js";
import { resIdEquals, resIdString } from "./resid.js";
import { ResMap } from "./resmap.js";
import { appended, type BuildOrigin, Resource } from "./resource.js";
import {
  defaultTransformerConfig,
  emptyTransformerConfig,
  fieldSpecsFrom,
  mergeFieldSpecs,
  mergeTransformerConfigs,
  type TransformerConfig,
  transformerConfigFrom,
} from "./transformer-config.js";
import { applyImages, parseImages } from "./transformers/images.js";
import { applyMapEntries } from "./transformers/labels.js";
import { applyNamespace } from "./transformers/namespace.js";
import { applyPrefixSuffix } from "./transformers/prefix-suffix.js";
import { applyReplacements, parseReplacements } from "./transformers/replacements.js";
import { applyReplicas, parseReplicas } from "./transformers/replicas.js";
import { parseVars, VarSet } from "./transformers/vars.js";
import { isMap, type KObject, type YamlMap, type YamlValue } from "./types.js";

/** What one kustomization accumulates: resources plus the rules (field specs, vars) that travel upward. */
export class Accumulator {
  resources = new ResMap();
  config: TransformerConfig = emptyConfig;
  vars = new VarSet();

  merge(other: Accumulator): void {
    this.resources.appendAll(other.resources);
    this.config = mergeTransformerConfigs(this.config, other.config);
    this.vars.mergeSet(other.vars);
  }

  clone(): Accumulator {
    const a = new Accumulator();
    a.resources = this.resources.clone();
    a.config = this.config;
    a.vars.mergeSet(this.vars);
    return a;
  }
}

const emptyConfig: TransformerConfig = emptyTransformerConfig();

/** Shared across one build (or a whole multi-directory run): parse and base caches. */
/** A kustomization uses `helmCharts` (the chart inflation generator). */
export class HelmChartsError extends SlipwayError {}

export class BuildCache {
  readonly bases = new Map<
    string,
    { acc: Accumulator; schemaAfter: SchemaState; omitted?: readonly OmittedRemote[] }
  >();
  readonly kustomizations = new Map<string, Kustomization>();
  /**
   * Kustomization files served by the caller whose reading it already holds (by absolute
   * path): Flux's rewritten file, made as an object (src/platform/kustomization-file.ts). The
   * file is still found as any other; its text is printed only for an error that names a line.
   */
  readonly readyKustomizations = new Map<string, ReadyKustomization>();
}

/** A kustomization file's reading (sigs.k8s.io/yaml's, before the struct decode) and its text. */
export interface ReadyKustomization {
  value: YamlMap;
  text: () => string;
}

/**
 * kustomize keeps one global OpenAPI schema per build: the root's `openapi:` setting, or else
 * the first one a nested kustomization sets; patches use whatever is set when they run.
 */
export interface SchemaState {
  key: string;
  registry: SchemaRegistry;
  set: boolean;
}

/**
 * Runs a generator plugin that is not one of kustomize's builtins (e.g. a ksops SOPS
 * generator). Returns the generated objects, or undefined when it does not know the plugin
 * (the build then fails as `kubectl kustomize` would without the plugin binary).
 */
export type GeneratorPluginRunner = (
  config: KObject,
  at: { fs: Loader["fs"]; dir: string; file: string },
) => Array<{ object: KObject; secrets?: SecretPaths }> | undefined;

/** kustomize's annotations on plugin output that say how to absorb it (removed from the object). */
const BEHAVIOR_ANNOTATION = "kustomize.config.k8s.io/behavior";
const NEEDS_HASH_ANNOTATION = "kustomize.config.k8s.io/needs-hash";

/**
 * Kustomizations (bases and components) nested deeper are refused. kustomize recurses on Go's
 * growing stack; ours is fixed and a few thousand levels overflow it. Real trees nest a dozen.
 */
const MAX_KUSTOMIZATION_DEPTH = 100;

/** A generator source kustomize fetches (sources.ts refuses it as a RemoteResourceError). */
const REMOTE_SOURCE = /^https?:\/\//i;

/**
 * A remote entry of `resources:` that a partial build left out (Slipway never fetches):
 * `file` is the kustomization that lists it, `line` the entry's line when found.
 */
export interface OmittedRemote {
  resource: string;
  file: string;
  line?: number;
  /**
   * The generated object left out (`ConfigMap flux-cluster-dashboard`) when `resource` is a
   * remote file or env source of a `configMapGenerator`/`secretGenerator` entry.
   */
  generated?: string;
}

export class BuildContext {
  schema: SchemaState = { key: "builtin", registry: builtinSchemaRegistry(), set: false };
  /** Kustomizations being accumulated, the root's included. */
  depth = 0;
  /** Remote resources left out so far (omitRemote), bases served from the cache included. */
  readonly omitted: OmittedRemote[] = [];
  constructor(
    readonly cache: BuildCache,
    readonly generatorPlugins?: GeneratorPluginRunner,
    /** `--enable-helm` and the helm flags; without it helmCharts fail as in kustomize */
    readonly helm?: HelmOptions,
    /**
     * Leave remote `resources:` entries out instead of failing (Flux renders: the rest of the
     * build is still knowable). Off inside `generators:`/`transformers:` directories, whose
     * output changes other objects.
     */
    public omitRemote = false,
  ) {}

  omit(o: OmittedRemote): void {
    if (!this.omitted.some((x) => x.file === o.file && x.resource === o.resource)) this.omitted.push(o);
  }

  /** kyaml's openapi.SetSchema. */
  setSchema(k: Kustomization, loader: Loader, reset: boolean): void {
    if (this.schema.set && !reset) return;
    const o = k.openapi ?? {};
    const hasPath = o.path !== undefined;
    const hasVersion = o.version !== undefined;
    if (hasPath && hasVersion) {
      throw new SlipwayError("builtin version and custom schema provided, cannot use both", { file: k.file });
    }
    if (hasPath) {
      const file = loader.resolve(o.path!);
      let text: string;
      try {
        text = decodeYamlText(loader.load(o.path!), file);
      } catch (e) {
        throw wrap(e, `openapi.path: '${o.path}'`);
      }
      this.schema = {
        key: `custom:${file}`,
        registry: schemaFromOpenApiDocument(parseYaml(text, file), { file }),
        set: true,
      };
      return;
    }
    if (hasVersion) {
      try {
        this.schema = { key: `builtin:${o.version}`, registry: builtinSchemaRegistry(o.version), set: true };
      } catch (e) {
        throw wrap(e, `in ${k.file}`);
      }
      return;
    }
    this.schema = { key: "builtin", registry: builtinSchemaRegistry(), set: false };
  }
}

/** Forgets every parsed file (benchmarks measure cold runs with it). */
export function clearParsedFiles(): void {
  clearParsedResourceFiles();
  readKustomizations.clear();
  clearPatchTexts();
  clearAnalysedScalars();
}

/**
 * Parses resource YAML the way kustomize's resource factory does (List kinds expanded).
 * `secret`: the file holds decrypted values (Flux decrypted it before the build); they are
 * marked on the resources.
 */
export function resourcesFromText(text: string, file: string, secret?: SecretFile): Resource[] {
  const out: Resource[] = [];
  const docs = parseResourceFile(text, file);
  docs.forEach((doc, i) => {
    addDocument(
      out,
      doc.value,
      file,
      doc.line,
      secret && (secret.documents?.[i] ?? wholeDocument(doc.value)),
    );
  });
  return out;
}

/** Every field but the object's identity (a resource read from a file that is secret as a whole). */
function wholeDocument(v: YamlValue): SecretPaths {
  const out = new SecretPaths();
  if (isMap(v))
    for (const k of Object.keys(v)) if (!["apiVersion", "kind", "metadata"].includes(k)) out.add([k]);
  return out;
}

/** kyaml's text of a metadata field: a scalar's text, "" for a collection or a null. */
function metaText(v: YamlValue | undefined): string {
  if (v === undefined || v === null || typeof v === "object") return "";
  return String(v);
}

function addDocument(out: Resource[], v: YamlValue, file: string, line: number, secrets?: SecretPaths): void {
  if (v === null) return;
  if (!isMap(v)) throw new SlipwayError("a resource document must be a YAML mapping", { file, line });
  if (Object.keys(v).length === 0) return;
  const kind = v.kind;
  if (typeof kind === "string" && kind.endsWith("List") && Array.isArray(v.items)) {
    for (const [i, item] of v.items.entries())
      addDocument(out, item, file, line, secrets?.under(["items", i]));
    return;
  }
  // kyaml's GetValidatedMetadata (kustomize's dropBadNodes runs it on every document read): the
  // kind and metadata.name are read as a scalar's text, so a collection or an empty text is none.
  const kindText = metaText(kind);
  if (kindText === "")
    throw new SlipwayError("missing Resource metadata: 'kind' is required", { file, line });
  const metadata = v.metadata;
  if (!kindText.endsWith("List") && metaText(isMap(metadata) ? metadata.name : undefined) === "") {
    throw new SlipwayError(`missing metadata.name in object of kind ${kindText}`, { file, line });
  }
  const r = new Resource(v as KObject, { file, line });
  r.origin = { path: file };
  r.markSecrets(secrets);
  out.push(r);
}

/** One kustomization directory being built (kustomize's KustTarget). */
export class KustTarget {
  readonly k: Kustomization;

  constructor(
    readonly loader: Loader,
    readonly ctx: BuildContext,
  ) {
    this.k = loadKustomization(loader, ctx.cache);
  }

  private get schema(): SchemaRegistry {
    return this.ctx.schema.registry;
  }

  get dir(): string {
    return this.loader.root;
  }

  /** Builds this kustomization into a fresh accumulator. */
  accumulate(): Accumulator {
    return this.accumulateInto(new Accumulator());
  }

  /**
   * Components add to their parent's accumulator; kustomizations start from an empty one.
   * An error that names no file is this kustomization's.
   */
  accumulateInto(ra: Accumulator): Accumulator {
    if (this.ctx.depth >= MAX_KUSTOMIZATION_DEPTH) {
      throw new SlipwayError(
        `kustomizations nested more than ${MAX_KUSTOMIZATION_DEPTH} levels deep (Slipway's limit)`,
        {
          file: this.k.file,
        },
      );
    }
    this.ctx.depth++;
    try {
      return this.accumulateOwn(ra);
    } catch (e) {
      throw e instanceof SlipwayError ? withFile(e, this.k.file) : e;
    } finally {
      this.ctx.depth--;
    }
  }

  private accumulateOwn(ra: Accumulator): Accumulator {
    this.accumulateResources(ra, this.k.resources);
    // Custom specs come first, so that kustomize's merge drops a default that a more
    // specific custom spec for the same path already covers.
    let config = emptyConfig;
    for (const c of this.k.configurations) {
      const file = this.loader.resolve(c);
      config = mergeTransformerConfigs(
        config,
        transformerConfigFrom(readTransformerConfig(this.loadText(c, "configurations"), file), file),
      );
    }
    config = mergeTransformerConfigs(config, defaultTransformerConfig());
    ra.config = mergeTransformerConfigs(ra.config, config);
    if (this.k.crds.length > 0) ra.config = mergeTransformerConfigs(ra.config, this.crdConfig());
    this.runGenerators(ra);
    for (const c of this.k.components) {
      const child = this.childTarget(c, true);
      child.accumulateInto(ra);
    }
    this.runTransformers(ra);
    if (this.k.vars.length > 0)
      ra.vars.mergeVars(ra.resources, parseVars(this.k.vars, this.k.file), this.k.file);
    return ra;
  }

  /** Reads a file the kustomization names; `field` says which entry, in errors. */
  private loadText(p: string, field?: string): string {
    try {
      return decodeYamlText(this.loader.load(p), this.loader.resolve(p));
    } catch (e) {
      throw field ? wrap(e, `${field}: '${p}'`) : e;
    }
  }

  private childTarget(p: string, component: boolean): KustTarget {
    const child = new KustTarget(this.loader.child(p), this.ctx);
    this.ctx.setSchema(child.k, child.loader, false);
    if (component && child.k.kind !== "Component") {
      throw new SlipwayError(
        `accumulating components: accumulateDirectory: "expected kind 'Component' for path '${child.dir}' but got '${child.k.kind}'"`,
        { file: child.k.file },
      );
    }
    if (!component && child.k.kind === "Component") {
      throw new SlipwayError(`expected kind != 'Component' for path '${child.dir}'`, { file: child.k.file });
    }
    return child;
  }

  private accumulateResources(ra: Accumulator, paths: string[]): void {
    // Consecutive files are appended in one batch, so a directory of N files costs O(N), not
    // O(N²); on a conflict the batch is replayed file by file to name the offending file.
    let batch: Array<{ p: string; rs: Resource[] }> = [];
    const flush = () => {
      if (batch.length === 0) return;
      const files = batch;
      batch = [];
      try {
        ra.resources.appendAll(files.flatMap((f) => f.rs));
      } catch {
        for (const f of files) {
          try {
            ra.resources.appendAll(f.rs);
          } catch (e) {
            throw wrap(e, `accumulating resources: '${f.p}'`);
          }
        }
      }
    };
    for (const p of paths) {
      if (isRemoteReference(p)) {
        if (!this.ctx.omitRemote) throw withFile(remoteError(p), this.k.file);
        const line = this.entryLine(p);
        this.ctx.omit({ resource: p, file: this.k.file, ...(line !== undefined ? { line } : {}) });
        continue;
      }
      let isFile: boolean;
      try {
        isFile = this.loader.isFile(p);
      } catch (e) {
        throw wrap(e, `resources: '${p}'`);
      }
      if (isFile) {
        const abs = this.loader.resolve(p);
        try {
          batch.push({ p, rs: resourcesFromText(this.loadText(p), abs, this.loader.fs.secretFile?.(abs)) });
        } catch (e) {
          throw asLocalInput(wrap(e, `accumulating resources: '${p}'`));
        }
        continue;
      }
      flush();
      const abs = this.loader.resolve(p);
      if (!this.loader.fs.exists(abs)) {
        throw new LocalInputError(
          `accumulating resources: '${p}': no such file or directory (${abs})${hiddenLinkNote(this.loader.fs, abs)}`,
          {
            file: this.k.file,
          },
        );
      }
      let sub: Accumulator;
      try {
        sub = this.buildBase(p);
      } catch (e) {
        throw throughBase(e, p);
      }
      ra.merge(sub);
    }
    flush();
  }

  /** A base is built once per cache and copied for each use. */
  private buildBase(p: string): Accumulator {
    const childLoader = this.loader.child(p);
    // A base built with generator plugins may hold their output; a build without them must fail.
    const plugins = this.ctx.generatorPlugins ? "\0plugins" : "";
    // A base built without its remote resources must not stand in for a whole one.
    const omit = this.ctx.omitRemote ? "\0omit" : "";
    const key = `${childLoader.root}\0${childLoader.restrictor}\0${this.ctx.schema.key}${plugins}${omit}`;
    const cached = this.ctx.cache.bases.get(key);
    if (cached) {
      this.ctx.schema = cached.schemaAfter;
      for (const o of cached.omitted ?? []) this.ctx.omit(o);
      return cached.acc.clone();
    }
    const omittedBefore = this.ctx.omitted.length;
    const child = new KustTarget(childLoader, this.ctx);
    if (child.k.kind === "Component") {
      // The fix is in the kustomization that lists it under `resources:` (kubectl names both).
      const line = this.entryLine(p);
      throw new SlipwayError(
        `expected kind != 'Component' for path '${child.dir}' (${child.k.file} is a Component: list it under components:, not resources:)`,
        { file: this.k.file, ...(line !== undefined ? { line } : {}) },
      );
    }
    this.ctx.setSchema(child.k, child.loader, false);
    const acc = child.accumulate();
    const omitted = this.ctx.omitted.slice(omittedBefore);
    this.ctx.cache.bases.set(key, {
      acc: acc.clone(),
      schemaAfter: this.ctx.schema,
      ...(omitted.length > 0 ? { omitted } : {}),
    });
    return acc;
  }

  /** The line of list entry `p` in this kustomization file (for error messages only). */
  private entryLine(p: string): number | undefined {
    let text: string;
    try {
      text = this.loader.fs.readFile(this.k.file).toString("utf8");
    } catch {
      return undefined;
    }
    const quoted = p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const entry = new RegExp(`^\\s*-\\s*["']?${quoted}/?["']?\\s*(#.*)?$`);
    const i = text.split("\n").findIndex((l) => entry.test(l));
    return i < 0 ? undefined : i + 1;
  }

  private crdConfig(): TransformerConfig {
    // CRD files may declare object references (x-kubernetes-object-ref-*); kustomize derives
    // nameReference specs from them.
    const tc = { ...emptyConfig, nameReference: [] as TransformerConfig["nameReference"] };
    for (const c of this.k.crds) {
      const file = this.loader.resolve(c);
      const docs = parseYamlDocuments(this.loadText(c, "crds"), file);
      for (const d of docs) collectCrdRefs(d.value, tc);
    }
    return tc;
  }

  private runGenerators(ra: Accumulator): void {
    const globalOptions = generatorOptionsFrom(this.k.generatorOptions, this.k.file);
    const restrict = (abs: string) => this.loader.checkFile(abs, abs);
    for (const raw of this.k.configMapGenerator) {
      const args = generatorArgsFrom(raw, this.k.file, "ConfigMapArgs.configMapGenerator");
      const g = this.unlessRemote(args, "ConfigMap", () =>
        generateConfigMap(args, globalOptions, this.loader.fs, this.dir, restrict, this.k.file),
      );
      if (g) this.absorb(ra, g);
    }
    for (const raw of this.k.secretGenerator) {
      const args = generatorArgsFrom(raw, this.k.file, "SecretArgs.secretGenerator");
      const g = this.unlessRemote(args, "Secret", () =>
        generateSecret(args, globalOptions, this.loader.fs, this.dir, restrict, this.k.file),
      );
      if (g) this.absorb(ra, g);
    }
    for (const raw of this.k.helmCharts) this.inflateChart(ra, raw, this.k.helmGlobals);
    for (const cfg of this.pluginConfigs(this.k.generators)) {
      const configuredIn = cfg.source?.file ?? this.k.file;
      for (const g of this.runGeneratorPlugin(cfg)) {
        // A generator configured from a decrypted file generates secret values.
        const secrets =
          cfg.secretWitnesses.length > 0
            ? generatedValues(g.object)
            : (g as { secrets?: SecretPaths }).secrets;
        this.absorb(ra, { ...g, secrets }, pluginIdentity(cfg), configuredIn);
      }
    }
  }

  /**
   * What `generate` makes of a generator entry, or nothing in a partial build when a file or env
   * source is an http(s) URL (`dashboard.json=https://raw.githubusercontent.com/…`), which
   * kustomize, and so Flux, fetches and Slipway never does: the object's data is unknown, so it
   * is left out and noted as a remote `resources:` entry is, and the rest of the build goes on.
   */
  private unlessRemote<T>(
    args: GeneratorArgs,
    kind: "ConfigMap" | "Secret",
    generate: () => T,
  ): T | undefined {
    try {
      return generate();
    } catch (e) {
      if (!this.ctx.omitRemote || !(e instanceof RemoteResourceError)) throw e;
      const sources = [...(args.files ?? []), ...(args.envs ?? []), ...(args.env ? [args.env] : [])];
      const entry = sources.find((s) => REMOTE_SOURCE.test(s.slice(s.indexOf("=") + 1)));
      if (entry === undefined) throw e;
      const line = this.entryLine(entry);
      this.ctx.omit({
        resource: entry.slice(entry.indexOf("=") + 1),
        file: this.k.file,
        ...(line !== undefined ? { line } : {}),
        generated: `${kind} ${args.name}`,
      });
      return undefined;
    }
  }

  /** One HelmChartInflationGenerator: the chart's `helm template` output, absorbed like any generator's. */
  private inflateChart(ra: Accumulator, raw: YamlValue, globals: YamlValue | undefined): void {
    const helm = this.ctx.helm;
    if (!helm?.enabled)
      throw new HelmChartsError(helmDisabledError(raw, this.k.file).message, { file: this.k.file });
    const args = decodeHelmChartArgs(raw, globals, this.k.file);
    const text = inflateHelmChart(args, this.loader, helm, this.k.file);
    const source = `${this.k.file} (helm chart ${args.name})`;
    for (const d of parseYamlDocuments(text, source)) {
      if (d.value === null || d.value === undefined) continue;
      if (!isMap(d.value))
        throw new SlipwayError(`helm chart ${args.name}: a document is not a map`, { file: this.k.file });
      this.absorb(
        ra,
        { object: d.value, behavior: "create", needsHash: false, ...madeByChart(d.value) },
        { apiVersion: "builtin", kind: "HelmChartInflationGenerator" },
      );
    }
  }

  private absorb(
    ra: Accumulator,
    g: {
      object: YamlMap;
      behavior: "create" | "merge" | "replace";
      needsHash: boolean;
      secrets?: SecretPaths;
    },
    configuredBy: BuildOrigin["configuredBy"] = {
      apiVersion: "builtin",
      kind: g.object.kind === "Secret" ? "SecretGenerator" : "ConfigMapGenerator",
    },
    configuredIn = this.k.file,
  ): void {
    const incoming = new Resource(g.object as KObject, { file: this.k.file, line: 1 });
    incoming.origin = { configuredIn, configuredBy };
    incoming.behavior = g.behavior;
    incoming.needsHash = g.needsHash;
    incoming.holdBuildAnnotations();
    incoming.markSecrets(g.secrets);
    const id = incoming.curId();
    const matches = ra.resources.byAnyId((x) => resIdEquals(x, id));
    if (matches.length === 0) {
      if (g.behavior === "merge" || g.behavior === "replace") {
        throw new SlipwayError(`id ${resIdString(id)} does not exist; cannot merge or replace`, {
          file: this.k.file,
        });
      }
      ra.resources.append(incoming);
      return;
    }
    if (matches.length > 1) {
      throw new SlipwayError(
        `found multiple objects ${matches.map((m) => m.idString()).join(", ")} that could accept merge of ${resIdString(id)}`,
        { file: this.k.file },
      );
    }
    const old = matches[0]!;
    if (g.behavior === "create") {
      throw new SlipwayError(`id ${resIdString(id)} exists; behavior must be merge or replace`, {
        file: this.k.file,
      });
    }
    const merged = new Resource(mergeGenerated(old.obj, g), old.source);
    merged.prevIds = old.prevIds.map((x) => ({ ...x }));
    merged.prefixes = [...old.prefixes];
    merged.suffixes = [...old.suffixes];
    merged.refBy = old.refBy;
    merged.refVarNames = [...old.refVarNames];
    merged.behavior = g.behavior;
    merged.needsHash = mergedNeedsHash(old.needsHash, g);
    merged.holdBuildAnnotations();
    merged.origin = g.behavior === "merge" ? old.origin : incoming.origin;
    merged.transformations = g.behavior === "merge" ? [...old.transformations] : [];
    if (g.behavior === "merge") merged.secretWitnesses = [...old.secretWitnesses];
    merged.markSecrets(g.secrets);
    ra.resources.replaceAt(old, merged);
  }

  /** Records, for buildMetadata's transformerAnnotations, that a builtin transformer ran here. */
  private ran(
    ra: Accumulator,
    kind: string,
    by?: BuildOrigin["configuredBy"],
    configuredIn = this.k.file,
  ): void {
    // One record for every resource: it is only read.
    const record: BuildOrigin = { configuredIn, configuredBy: by ?? { apiVersion: "builtin", kind } };
    for (const r of ra.resources) {
      r.transformations = appended(r.transformations, record);
      if (r.touchedBy[r.touchedBy.length - 1] !== this.dir) r.touchedBy = appended(r.touchedBy, this.dir);
    }
  }

  private runTransformers(ra: Accumulator): void {
    const k = this.k;
    const tc = ra.config;
    const schema = this.schema;
    const load = (field: string) => (p: string) => this.loadText(p, field);
    for (const entry of k.patchesStrategicMerge) {
      this.applyLegacySmPatches(ra, entry, k.file);
    }
    if (k.patchesStrategicMerge.length > 0) this.ran(ra, "PatchStrategicMergeTransformer");
    for (const raw of k.patches) {
      applyPatch(ra.resources, patchEntryFrom(raw, load("patches"), k.file, this.loader), schema, k.file);
      this.ran(ra, "PatchTransformer");
    }
    if (k.namespace !== "") {
      applyNamespace(ra.resources, { namespace: k.namespace, fieldSpecs: tc.namespace });
      this.ran(ra, "NamespaceTransformer");
    }
    // Runs even without a prefix or suffix: each level's (possibly empty) entry is what
    // name references use to tell apart copies of one base.
    applyPrefixSuffix(ra.resources, k.namePrefix, k.nameSuffix, tc.namePrefix);
    if (k.namePrefix !== "") this.ran(ra, "PrefixTransformer");
    if (k.nameSuffix !== "") this.ran(ra, "SuffixTransformer");
    for (const l of k.labels) {
      this.applyLabelsEntry(ra, l);
      this.ran(ra, "LabelTransformer");
    }
    if (Object.keys(k.commonLabels).length > 0) {
      applyMapEntries(ra.resources, k.commonLabels, tc.commonLabels);
      this.ran(ra, "LabelTransformer");
    }
    if (Object.keys(k.commonAnnotations).length > 0) {
      applyMapEntries(ra.resources, k.commonAnnotations, tc.commonAnnotations);
      this.ran(ra, "AnnotationsTransformer");
    }
    for (const raw of k.patchesJson6902) {
      applyPatch(
        ra.resources,
        patchEntryFrom(raw, load("patchesJson6902"), k.file, this.loader, true),
        schema,
        k.file,
      );
      this.ran(ra, "PatchJson6902Transformer");
    }
    for (const r of parseReplicas(k.replicas, k.file)) {
      applyReplicas(ra.resources, [r], tc.replicas);
      this.ran(ra, "ReplicaCountTransformer");
    }
    for (const img of parseImages(k.images, k.file)) {
      applyImages(ra.resources, [img], tc.images);
      this.ran(ra, "ImageTagTransformer");
    }
    if (k.replacements.length > 0) {
      applyReplacements(
        ra.resources,
        parseReplacements(k.replacements, k.file, load("replacements")),
        k.file,
      );
      this.ran(ra, "ReplacementTransformer");
    }
    for (const cfg of this.pluginConfigs(k.transformers)) {
      this.runTransformerPlugin(ra, cfg);
      this.ran(ra, cfg.kind, pluginIdentity(cfg), cfg.source?.file ?? k.file);
    }
    for (const cfg of this.pluginConfigs(k.validators)) {
      throw new SlipwayError(`validators are not supported (${cfg.kind})`, { file: k.file });
    }
  }

  private applyLabelsEntry(ra: Accumulator, raw: YamlValue): void {
    if (!isMap(raw)) throw new SlipwayError("labels entries must be maps", { file: this.k.file });
    const pairs: Record<string, string> = {};
    if (isMap(raw.pairs))
      for (const [key, v] of Object.entries(raw.pairs)) pairs[key] = v === null ? "" : String(v);
    let specs: FieldSpec[] = fieldSpecsFrom(raw.fields, this.k.file);
    const tc = ra.config;
    if (raw.includeSelectors === true) {
      specs = mergeFieldSpecs(specs, tc.commonLabels);
    } else {
      specs = mergeFieldSpecs(specs, [{ path: "metadata/labels", create: true }]);
      if (raw.includeTemplates === true) specs = mergeFieldSpecs(specs, tc.templateLabels);
    }
    specs = mergeFieldSpecs(specs, tc.labels);
    applyMapEntries(ra.resources, pairs, specs);
  }

  /** `patchesStrategicMerge` entries are file paths or inline YAML. */
  private legacySmPatches(entry: YamlValue): PatchEntry & { kind: "smp" } {
    if (typeof entry !== "string")
      throw new SlipwayError("patchesStrategicMerge entries must be strings", { file: this.k.file });
    let text: string;
    let file = this.k.file;
    let inline = true;
    if (!entry.includes("\n") && this.loader.isFile(entry)) {
      text = this.loadText(entry, "patchesStrategicMerge");
      file = this.loader.resolve(entry);
      inline = false;
    } else if (entry.includes("\n") || /^\s*[\w"'-]+\s*:/.test(entry)) {
      text = entry;
    } else {
      text = this.loadText(entry, "patchesStrategicMerge");
      file = this.loader.resolve(entry);
      inline = false;
    }
    const parsed = parseYamlDocuments(text, file).filter(
      (d) => isMap(d.value) && Object.keys(d.value).length > 0,
    );
    return {
      kind: "smp",
      docs: parsed.map((d) => d.value as KObject),
      options: {},
      throughResMap: true,
      file,
      ...(inline ? {} : { lines: parsed.map((d) => d.line) }),
    };
  }

  /** Legacy strategic-merge patches apply one document at a time, each to its own target. */
  private applyLegacySmPatches(ra: Accumulator, entry: YamlValue, kfile: string): void {
    const patch = this.legacySmPatches(entry);
    for (const [i, doc] of patch.docs.entries()) {
      const lines = patch.lines ? [patch.lines[i]!] : undefined;
      applyPatch(ra.resources, { ...patch, docs: [doc], ...(lines ? { lines } : {}) }, this.schema, kfile);
    }
  }

  /** Plugin configs from `generators:` / `transformers:` (inline YAML, files or kustomization dirs). */
  private pluginConfigs(entries: string[]): Resource[] {
    // A plugin directory without a remote entry would transform the other objects differently.
    const omit = this.ctx.omitRemote;
    this.ctx.omitRemote = false;
    try {
      return this.pluginConfigsOf(entries);
    } finally {
      this.ctx.omitRemote = omit;
    }
  }

  private pluginConfigsOf(entries: string[]): Resource[] {
    const out: Resource[] = [];
    for (const e of entries) {
      if (e.includes("\n") || (!this.loader.fs.exists(this.loader.resolve(e)) && /:\s/.test(e))) {
        out.push(...resourcesFromText(e, this.k.file));
        continue;
      }
      if (this.loader.isFile(e)) {
        const abs = this.loader.resolve(e);
        out.push(
          ...resourcesFromText(
            this.loadText(e, "generators/transformers"),
            abs,
            this.loader.fs.secretFile?.(abs),
          ),
        );
        continue;
      }
      const acc = this.buildBase(e);
      out.push(...acc.resources.resources());
    }
    return out;
  }

  private runGeneratorPlugin(cfg: Resource) {
    const kind = cfg.kind;
    const spec = cfg.obj;
    const restrict = (abs: string) => this.loader.checkFile(abs, abs);
    if (!isBuiltin(cfg)) {
      const at = { fs: this.loader.fs, dir: this.dir, file: cfg.source?.file ?? this.k.file };
      const objects = this.ctx.generatorPlugins?.(cloneValue(spec), at);
      if (!objects) throw pluginError(cfg, this.k.file);
      return objects.map((o) => ({ ...pluginOutput(o.object), secrets: o.secrets }));
    }
    const args: YamlMap = { ...spec };
    delete args.apiVersion;
    delete args.kind;
    const md = isMap(spec.metadata) ? spec.metadata : {};
    delete args.metadata;
    if (kind === "HelmChartInflationGenerator") return this.chartPluginOutput(args);
    if (args.name === undefined) args.name = md.name ?? "";
    if (args.namespace === undefined && md.namespace !== undefined) args.namespace = md.namespace;
    if (kind === "ConfigMapGenerator") {
      const a = generatorArgsFrom(args, this.k.file);
      return [generateConfigMap(a, undefined, this.loader.fs, this.dir, restrict, this.k.file)];
    }
    if (kind === "SecretGenerator") {
      const a = generatorArgsFrom(args, this.k.file);
      return [generateSecret(a, undefined, this.loader.fs, this.dir, restrict, this.k.file)];
    }
    if (kind === "IAMPolicyGenerator") return [iamPolicyServiceAccount(spec, this.k.file)];
    throw new SlipwayError(`unable to load builtin ${cfg.kind}.builtin.[noGrp]`, { file: this.k.file });
  }

  /** `generators:` entries of kind HelmChartInflationGenerator: HelmGlobals and HelmChart inline. */
  private chartPluginOutput(args: YamlMap) {
    const helm = this.ctx.helm;
    if (!helm?.enabled)
      throw new HelmChartsError(helmDisabledError(args, this.k.file).message, { file: this.k.file });
    const a = decodeHelmChartArgs(args, undefined, this.k.file);
    const text = inflateHelmChart(a, this.loader, helm, this.k.file);
    return parseYamlDocuments(text, this.k.file)
      .filter((d) => d.value !== null && d.value !== undefined)
      .map((d) => {
        if (!isMap(d.value))
          throw new SlipwayError(`helm chart ${a.name}: a document is not a map`, { file: this.k.file });
        return { object: d.value, behavior: "create" as const, needsHash: false, ...madeByChart(d.value) };
      });
  }

  private runTransformerPlugin(ra: Accumulator, cfg: Resource): void {
    if (!isBuiltin(cfg)) throw pluginError(cfg, this.k.file);
    const s = cfg.obj;
    const file = cfg.source?.file ?? this.k.file;
    const load = (p: string) => this.loadText(p);
    const specs = (key = "fieldSpecs") => fieldSpecsFrom(s[key], file);
    switch (cfg.kind) {
      case "PatchTransformer":
        applyPatch(ra.resources, patchEntryFrom(s, load, file, this.loader), this.schema, file);
        return;
      case "PatchJson6902Transformer":
        applyPatch(
          ra.resources,
          patchEntryFrom({ ...s, patch: s.jsonOp ?? s.patch }, load, file, this.loader, true),
          this.schema,
          file,
        );
        return;
      case "PatchStrategicMergeTransformer": {
        const entries: YamlValue[] = Array.isArray(s.paths) ? s.paths : [];
        for (const e of entries) this.applyLegacySmPatches(ra, e, file);
        if (typeof s.patches === "string") this.applyLegacySmPatches(ra, s.patches, file);
        return;
      }
      case "NamespaceTransformer": {
        const md = isMap(s.metadata) ? s.metadata : {};
        applyNamespace(ra.resources, {
          namespace: String(md.namespace ?? ""),
          fieldSpecs: specs(),
          unsetOnly: s.unsetOnly === true,
          setRoleBindingSubjects:
            (s.setRoleBindingSubjects as "defaultOnly" | "allServiceAccounts" | "none") ?? "defaultOnly",
        });
        return;
      }
      case "PrefixSuffixTransformer":
      case "PrefixTransformer":
      case "SuffixTransformer":
        applyPrefixSuffix(ra.resources, String(s.prefix ?? ""), String(s.suffix ?? ""), specs());
        return;
      case "LabelTransformer":
        applyMapEntries(ra.resources, stringMap(s.labels), specs());
        return;
      case "AnnotationsTransformer":
        applyMapEntries(ra.resources, stringMap(s.annotations), specs());
        return;
      case "ImageTagTransformer":
        applyImages(ra.resources, parseImages([s.imageTag ?? {}], file), specs());
        return;
      case "ReplicaCountTransformer":
        applyReplicas(ra.resources, parseReplicas([s.replica ?? {}], file), specs());
        return;
      case "ReplacementTransformer":
        applyReplacements(
          ra.resources,
          parseReplacements(Array.isArray(s.replacements) ? s.replacements : [], file, load),
          file,
        );
        return;
      case "HashTransformer":
        return;
      default:
        throw new SlipwayError(`unable to load builtin ${cfg.kind}.builtin.[noGrp]`, { file });
    }
  }
}

/** How buildMetadata annotations name a plugin configured by a resource. */
function pluginIdentity(cfg: Resource): NonNullable<BuildOrigin["configuredBy"]> {
  const by: NonNullable<BuildOrigin["configuredBy"]> = { apiVersion: cfg.apiVersion, kind: cfg.kind };
  if (cfg.name) by.name = cfg.name;
  if (cfg.namespace) by.namespace = cfg.namespace;
  return by;
}

/** Every value of a generated ConfigMap/Secret (data, binaryData, stringData). */
function generatedValues(obj: YamlMap): SecretPaths {
  const out = new SecretPaths();
  for (const field of ["data", "binaryData", "stringData"]) {
    const m = obj[field];
    if (isMap(m)) for (const k of Object.keys(m)) out.add([field, k]);
  }
  return out;
}

function pluginOutput(obj: KObject): {
  object: YamlMap;
  behavior: "create" | "merge" | "replace";
  needsHash: boolean;
  secrets?: SecretPaths;
} {
  const md = isMap(obj.metadata) ? obj.metadata : undefined;
  const ann = md && isMap(md.annotations) ? md.annotations : undefined;
  const behavior = ann?.[BEHAVIOR_ANNOTATION];
  const needsHash = ann?.[NEEDS_HASH_ANNOTATION] === "true";
  if (ann) {
    delete ann[BEHAVIOR_ANNOTATION];
    delete ann[NEEDS_HASH_ANNOTATION];
    if (md && Object.keys(ann).length === 0) delete md.annotations;
  }
  return {
    object: obj,
    behavior: behavior === "merge" || behavior === "replace" ? behavior : "create",
    needsHash,
  };
}

function isBuiltin(cfg: Resource): boolean {
  const v = cfg.apiVersion;
  return v === "builtin" || v.startsWith("builtin/") || v === "";
}

function pluginError(cfg: Resource, file: string): SlipwayError {
  return new SlipwayError(
    `plugin ${cfg.apiVersion}/${cfg.kind} is not supported: Slipway runs only kustomize's builtin plugins (exec and KRM-function plugins need --enable-alpha-plugins and a plugin binary; SOPS ksops generators are handled by Slipway's Flux renderer)`,
    { file },
  );
}

function stringList(
  v: YamlValue | undefined,
  what: string,
  file: string,
  goStruct?: string,
): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new SlipwayError(`${what} must be a list of strings`, { file });
  return v.map((x) => {
    if (x === null) return "";
    if (typeof x === "string") return x;
    // kustomize decodes the file as JSON into []string: a number, bool, map or list there is
    // an error (`- key=a: b` is a map), never its JavaScript spelling.
    if (goStruct === undefined) throw new SlipwayError(`${what} must be a list of strings`, { file });
    throw new SlipwayError(
      `invalid Kustomization: json: cannot unmarshal ${jsonKind(x)} into Go struct field ${goStruct}.${what} of type string`,
      { file },
    );
  });
}

function jsonKind(x: YamlValue): string {
  if (Array.isArray(x)) return "array";
  if (typeof x === "number" || typeof x === "bigint") return "number";
  return typeof x === "boolean" ? "bool" : "object";
}

function generatorOptionsFrom(v: YamlValue | undefined, file: string): GeneratorOptions | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isMap(v)) throw new SlipwayError("generatorOptions must be a map", { file });
  const o: GeneratorOptions = {};
  if (v.labels !== undefined && v.labels !== null) o.labels = stringMap(v.labels);
  if (v.annotations !== undefined && v.annotations !== null) o.annotations = stringMap(v.annotations);
  if (v.disableNameSuffixHash === true) o.disableNameSuffixHash = true;
  if (v.immutable === true) o.immutable = true;
  return o;
}

/** A generator entry as kustomize decodes it (ConfigMapArgs / SecretArgs). */
function generatorArgsFrom(
  v: YamlValue,
  file: string,
  /** The kustomization field it came from, as Go's JSON errors name it (`ConfigMapArgs.configMapGenerator`). */
  goField?: string,
): GeneratorArgs & { type?: string } {
  if (!isMap(v)) throw new SlipwayError("generator entries must be maps", { file });
  const str = (x: YamlValue | undefined) => (x === undefined || x === null ? undefined : String(x));
  const args: GeneratorArgs & { type?: string } = { name: str(v.name) ?? "" };
  const ns = str(v.namespace);
  if (ns !== undefined) args.namespace = ns;
  const behavior = str(v.behavior);
  if (behavior !== undefined) args.behavior = behavior;
  const literals = stringList(v.literals, "literals", file, goField);
  if (literals) args.literals = literals;
  const files = stringList(v.files, "files", file, goField);
  if (files) args.files = files;
  const envs = stringList(v.envs, "envs", file, goField);
  if (envs) args.envs = envs;
  const env = str(v.env);
  if (env) args.env = env;
  const options = generatorOptionsFrom(v.options, file);
  if (options) args.options = options;
  const type = str(v.type);
  if (type !== undefined) args.type = type;
  return args;
}

function stringMap(v: YamlValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (isMap(v)) for (const [k, x] of Object.entries(v)) out[k] = x === null ? "" : String(x);
  return out;
}

/** kustomize's IAMPolicyGenerator (GKE workload identity): a ServiceAccount bound to a Google service account. */
function iamPolicyServiceAccount(spec: KObject, file: string) {
  const cloud = spec.cloud;
  if (cloud !== "gke")
    throw new SlipwayError(`IAMPolicyGenerator: unsupported cloud '${String(cloud)}'`, { file });
  const gsa = isMap(spec.serviceAccount) ? spec.serviceAccount : {};
  const ksa = isMap(spec.kubernetesService) ? spec.kubernetesService : {};
  const md = isMap(spec.metadata) ? spec.metadata : {};
  const object: YamlMap = {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: {
      annotations: {
        "iam.gke.io/gcp-service-account": `${String(gsa.name ?? "")}@${String(gsa.projectId ?? "")}.iam.gserviceaccount.com`,
      },
      name: String(ksa.name ?? ""),
    },
  };
  if (ksa.namespace !== undefined) (object.metadata as YamlMap).namespace = ksa.namespace;
  else if (md.namespace !== undefined) (object.metadata as YamlMap).namespace = md.namespace;
  return { object, behavior: "create" as const, needsHash: false };
}

/**
 * Name references declared by CRD schemas (`crds:` files): a property carrying
 * `x-kubernetes-object-ref-kind` holds the name of an object of that kind. Accepts both
 * CustomResourceDefinition objects and the legacy Go-openapi definition maps.
 */
function collectCrdRefs(doc: YamlValue, tc: TransformerConfig): void {
  if (!isMap(doc)) return;
  const add = (ownerKind: string, refKind: string, refVersion: YamlValue | undefined, p: string[]) => {
    tc.nameReference.push({
      kind: refKind,
      ...(typeof refVersion === "string" ? { version: refVersion } : {}),
      fieldSpecs: [{ kind: ownerKind, path: [...p, "name"].join("/") }],
    });
  };
  const walk = (
    node: YamlValue | undefined,
    prefix: string[],
    ownerKind: string,
    resolve: (ref: string) => YamlValue | undefined,
    seen: Set<string>,
  ) => {
    if (!isMap(node)) return;
    const props = isMap(node.properties) ? node.properties : undefined;
    if (!props) return;
    for (const [name, sub] of Object.entries(props)) {
      if (!isMap(sub)) continue;
      const p = [...prefix, name];
      if (typeof sub["x-kubernetes-object-ref-kind"] === "string") {
        add(ownerKind, sub["x-kubernetes-object-ref-kind"], sub["x-kubernetes-object-ref-api-version"], p);
      }
      const ref = sub.$ref;
      if (typeof ref === "string" && !seen.has(ref)) {
        walk(resolve(ref), p, ownerKind, resolve, new Set([...seen, ref]));
      }
      walk(sub, p, ownerKind, resolve, seen);
    }
  };
  if (doc.kind === "CustomResourceDefinition") {
    const spec = isMap(doc.spec) ? doc.spec : undefined;
    const names = spec && isMap(spec.names) ? spec.names : undefined;
    const kind = names && typeof names.kind === "string" ? names.kind : undefined;
    if (!kind || !spec) return;
    const none = () => undefined;
    for (const v of Array.isArray(spec.versions) ? spec.versions : []) {
      if (isMap(v) && isMap(v.schema)) walk(v.schema.openAPIV3Schema, [], kind, none, new Set());
    }
    if (isMap(spec.validation)) walk(spec.validation.openAPIV3Schema, [], kind, none, new Set());
    return;
  }
  const resolve = (ref: string) => {
    const def = doc[ref];
    return isMap(def) ? def.Schema : undefined;
  };
  for (const [defName, def] of Object.entries(doc)) {
    if (!isMap(def) || !isMap(def.Schema)) continue;
    const props = def.Schema.properties;
    if (!isMap(props) || props.kind === undefined || props.apiVersion === undefined) continue;
    const kind = defName.slice(defName.lastIndexOf(".") + 1);
    if (kind.endsWith("List")) continue;
    walk(def.Schema, [], kind, resolve, new Set([defName]));
  }
}

export function loadKustomization(loader: Loader, cache: BuildCache): Kustomization {
  const dir = loader.root;
  const cached = cache.kustomizations.get(dir);
  if (cached) return cached;
  // kustomize counts a name as found only when its loader may read it (kusttarget.go loadKustFile):
  // under RootOnly, a kustomization.yaml linked to a file outside its directory is not there.
  const found = kustomizationFileNames.filter((n) => {
    const p = path.posix.join(dir, n);
    return loader.fs.exists(p) && !loader.fs.isDirectory(p) && loader.mayRead(p);
  });
  if (found.length === 0) {
    throw new LocalInputError(
      `unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${dir}'`,
    );
  }
  if (found.length > 1) throw new LocalInputError(`Found multiple kustomization files under: ${dir}`);
  const file = path.posix.join(dir, found[0]!);
  let k: Kustomization | undefined;
  const ready = cache.readyKustomizations.get(file);
  try {
    if (ready !== undefined) {
      k = readKustomizationValue(ready.value, ready.text, file, dir);
      cache.kustomizations.set(dir, k);
      return k;
    }
    const text = kustomizationText(decodeYamlText(loader.fs.readFile(file), file), file);
    // The directory as given is kept in the result (k.dir), so it is part of the key.
    const key = `${dir}\0${file}\0${text}`;
    k = readKustomizations.get(key);
    if (k === undefined) {
      k = readKustomizationText(text, file, dir);
      if (readKustomizations.size >= maxReadKustomizations) readKustomizations.clear();
      readKustomizations.set(key, k);
    }
  } catch (e) {
    throw asLocalInput(e);
  }
  cache.kustomizations.set(dir, k);
  return k;
}

/**
 * Kustomization files read, by directory, file and text. A BuildCache shares them within a build; a cold
 * Flux run builds each Kustomization with a BuildCache of its own (so that its reads are
 * recorded, build-cache.ts), and read again the kustomization of every component and base the
 * builds share (bjw-s home-ops: ~10 ms of a cold check). The file is still read (and recorded);
 * only the parse is shared. A Kustomization is never changed once read.
 */
const maxReadKustomizations = 20_000;
const readKustomizations = new Map<string, Kustomization>();

function readKustomizationText(text: string, file: string, dir: string): Kustomization {
  // kustomize reads the file as types.Kustomization.Unmarshal does: sigs.k8s.io/yaml.YAMLToJSON
  // (go-yaml v2: `on`, `y` are booleans, a timestamp stays text), then encoding/json into the
  // struct, which refuses unknown fields and values of the wrong type.
  const raw = parseYaml(text, file, { allowDuplicateKeys: true, yamlToJson: true });
  return readKustomizationValue(raw, () => text, file, dir);
}

function readKustomizationValue(
  raw: YamlValue,
  text: () => string,
  file: string,
  dir: string,
): Kustomization {
  const lineOf = (field: string) => topLevelLine(text(), field);
  let typed: YamlValue = raw;
  if (isMap(raw)) {
    const decoded = decodeGoJson(raw, kustomizationType);
    if ("error" in decoded) {
      const { message, field } = decoded.error;
      throw new SlipwayError(`invalid Kustomization: ${message}`, {
        file,
        line: field === undefined ? undefined : lineOf(field),
      });
    }
    typed = decoded.value;
  }
  return readKustomization(typed, file, dir, lineOf);
}

/**
 * A `configurations:` file as kustomize reads it (sigs.k8s.io/yaml.UnmarshalStrict): go-yaml v2
 * scalars (`create: yes` is true), then encoding/json into builtinconfig.TransformerConfig,
 * refusing unknown fields and values of the wrong type.
 */
function readTransformerConfig(text: string, file: string): YamlValue {
  const decoded = decodeGoJson(parseYaml(text, file, { yamlToJson: true }), transformerConfigType);
  if ("error" in decoded)
    throw new SlipwayError(`error unmarshaling JSON: while decoding JSON: ${decoded.error.message}`, {
      file,
    });
  return decoded.value;
}

/**
 * The first document of a kustomization file, all kustomize reads of it (sigs.k8s.io/yaml):
 * an empty one is an empty kustomization whatever follows (firstDocumentOf).
 */
function kustomizationText(text: string, file: string): string {
  const first = firstDocumentOf(text);
  if ("text" in first) return first.text;
  const { message, line } = endBeforeNodeMessage(text, first.endBeforeNode);
  throw new SlipwayError(`invalid Kustomization: ${message}`, { file, line });
}

/** The line of a top-level `field:` in a YAML file (for error messages only). */
function topLevelLine(text: string, field: string): number | undefined {
  const lines = text.split("\n");
  const i = lines.findIndex(
    (l) => l.startsWith(field) && /^\s*:/.test(l.slice(field.length).replace(/^["']/, "")),
  );
  return i < 0 ? undefined : i + 1;
}

function wrap(e: unknown, context: string): unknown {
  if (e instanceof SlipwayError) return e.withContext(`${context}: ${e.message}`);
  return e;
}

const ACCUMULATING = /^accumulating resources(?: \(in (.*?)\))?: /;

/**
 * An error from inside base `p`, which names the innermost file already: the bases it was
 * reached through are listed once, outside in, where kustomize nests a full
 * "accumulating resources: accumulation err=..." clause per level.
 */
function throughBase(e: unknown, p: string): unknown {
  if (!(e instanceof SlipwayError)) return e;
  const m = ACCUMULATING.exec(e.message);
  const route = m?.[1] === undefined ? `'${p}'` : `'${p}' → ${m[1]}`;
  const rest = m ? e.message.slice(m[0].length) : e.message;
  return e.withContext(`accumulating resources (in ${route}): ${rest}`);
}

function withFile(e: SlipwayError, file: string): SlipwayError {
  return e.file ? e : e.withContext(e.message, { file });
}

export type { PatchEntry };
export { cloneValue };

/**
 * A chart's Secret holds what the chart made of values (or generated): marked, so that it
 * counts as secret, not as a value read in clear from the repository.
 */
function madeByChart(object: YamlMap): { secrets?: SecretPaths } {
  const secrets = kindSecretPaths(object as KObject);
  return secrets ? { secrets } : {};
}
