/**
 * An ArtifactGenerator (`source.extensions.fluxcd.io/v1beta1`, fluxcd/source-watcher) run
 * offline: its sources resolved to local content, the spec validated as the controller does
 * (unique aliases and artifact names, valid names, revision aliases), the path pattern
 * expanded, and each artifact's copy operations applied in order. As in the controller, the
 * first artifact that fails to build stops the generator: it and the ones after it are not
 * produced. A source Slipway cannot read (not this repository, not mapped in slipway.yaml)
 * makes only the artifacts that copy from it unavailable, and says why.
 */
import { isMap, type KObject, type YamlValue } from "../kustomize/types.js";
import { ArtifactFileSystem } from "./artifact-fs.js";
import { applyCopyOperations, type CopyOperation, type CopyStrategy, type SourceContent } from "./copy.js";
import { dnsSubdomainErrors } from "./k8s-names.js";
import {
  type ArtifactRequest,
  buildArtifactRequests,
  type OutputArtifactSpec,
  PathPatternError,
} from "./path-pattern.js";
import { ArtifactTree } from "./tree.js";

export const SOURCE_WATCHER_GROUP = "source.extensions.fluxcd.io";
export const GENERATOR_RECONCILE_ANNOTATION = "source.extensions.fluxcd.io/reconcile";
export const GENERATOR_LABEL = "source.extensions.fluxcd.io/generator";

export interface SourceRef {
  alias: string;
  kind: string;
  name: string;
  /** Defaulted to the generator's namespace. */
  namespace: string;
}

export interface ArtifactGeneratorSpec {
  namespace: string;
  name: string;
  sources: SourceRef[];
  pathPattern?: string;
  artifacts: OutputArtifactSpec[];
  commonMetadata: { labels: Record<string, string>; annotations: Record<string, string> };
  disabled: boolean;
}

export function isArtifactGenerator(obj: KObject): boolean {
  const v = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
  return obj.kind === "ArtifactGenerator" && v.startsWith(`${SOURCE_WATCHER_GROUP}/`);
}

export class GeneratorSpecError extends Error {}

/** Decodes the object; throws GeneratorSpecError for what the API server or controller rejects. */
export function decodeArtifactGenerator(obj: KObject): ArtifactGeneratorSpec {
  const meta = isMap(obj.metadata) ? obj.metadata : {};
  const namespace = str(meta.namespace) || "default";
  const name = str(meta.name);
  const spec = isMap(obj.spec) ? obj.spec : {};
  const annotations = isMap(meta.annotations) ? meta.annotations : {};
  const disabled = str(annotations[GENERATOR_RECONCILE_ANNOTATION]).toLowerCase() === "disabled";
  if (!Array.isArray(spec.sources) || spec.sources.length === 0) {
    throw new GeneratorSpecError("spec.sources: Required value: at least one source");
  }
  if (!Array.isArray(spec.artifacts) || spec.artifacts.length === 0) {
    throw new GeneratorSpecError("spec.artifacts: Required value: at least one artifact");
  }
  const sources = spec.sources.map((s, i): SourceRef => {
    if (!isMap(s)) throw new GeneratorSpecError(`spec.sources[${i}]: must be an object`);
    const alias = str(s.alias);
    if (!/^[a-z0-9]([a-z0-9_-]*[a-z0-9])?$/.test(alias)) {
      throw new GeneratorSpecError(`spec.sources[${i}].alias: Invalid value: "${alias}"`);
    }
    const kind = str(s.kind);
    if (!["Bucket", "GitRepository", "OCIRepository", "HelmChart", "ExternalArtifact"].includes(kind)) {
      throw new GeneratorSpecError(
        `spec.sources[${i}].kind: Unsupported value: "${kind}": supported values: "Bucket", "GitRepository", "OCIRepository", "HelmChart", "ExternalArtifact"`,
      );
    }
    return { alias, kind, name: str(s.name), namespace: str(s.namespace) || namespace };
  });
  const artifacts = spec.artifacts.map((a, i): OutputArtifactSpec => {
    if (!isMap(a)) throw new GeneratorSpecError(`spec.artifacts[${i}]: must be an object`);
    if (!Array.isArray(a.copy) || a.copy.length === 0) {
      throw new GeneratorSpecError(`spec.artifacts[${i}].copy: Required value`);
    }
    const copy = a.copy.map((c, j): CopyOperation => {
      if (!isMap(c)) throw new GeneratorSpecError(`spec.artifacts[${i}].copy[${j}]: must be an object`);
      const strategy = str(c.strategy) || "Overwrite";
      if (!["Overwrite", "Merge", "Extract"].includes(strategy)) {
        throw new GeneratorSpecError(
          `spec.artifacts[${i}].copy[${j}].strategy: Unsupported value: "${strategy}": supported values: "Overwrite", "Merge", "Extract"`,
        );
      }
      const from = str(c.from);
      const to = str(c.to);
      if (!/^@([a-z0-9]([a-z0-9_-]*[a-z0-9])?)\//.test(from)) {
        throw new GeneratorSpecError(`spec.artifacts[${i}].copy[${j}].from: Invalid value: "${from}"`);
      }
      if (!/^@artifact\//.test(to)) {
        throw new GeneratorSpecError(`spec.artifacts[${i}].copy[${j}].to: Invalid value: "${to}"`);
      }
      return {
        from,
        to,
        exclude: Array.isArray(c.exclude) ? c.exclude.map(str) : [],
        strategy: strategy as CopyStrategy,
      };
    });
    return {
      name: str(a.name),
      revision: str(a.revision) || undefined,
      originRevision: str(a.originRevision) || undefined,
      copy,
    };
  });
  const cm = isMap(spec.commonMetadata) ? spec.commonMetadata : {};
  const pathPattern = str(spec.pathPattern) || undefined;
  validateSpec(sources, artifacts, pathPattern);
  return {
    namespace,
    name,
    sources,
    pathPattern,
    artifacts,
    commonMetadata: { labels: stringMap(cm.labels), annotations: stringMap(cm.annotations) },
    disabled,
  };
}

/** The controller's validateSpec (artifactgenerator_validation.go). */
function validateSpec(sources: SourceRef[], artifacts: OutputArtifactSpec[], pathPattern?: string): void {
  const aliases = new Set<string>();
  for (const s of sources) {
    if (aliases.has(s.alias)) throw new GeneratorSpecError(`duplicate source alias '${s.alias}' found`);
    aliases.add(s.alias);
  }
  const names = new Set<string>();
  for (const a of artifacts) {
    if (names.has(a.name)) throw new GeneratorSpecError(`duplicate artifact name '${a.name}' found`);
    if (!pathPattern) {
      const errs = dnsSubdomainErrors(a.name);
      if (errs.length > 0) {
        throw new GeneratorSpecError(
          `artifact name "${a.name}" is not a valid Kubernetes object name: ${errs.join("; ")}`,
        );
      }
    }
    if (a.revision && !aliases.has(a.revision.replace(/^@/, ""))) {
      throw new GeneratorSpecError(
        `artifact ${a.name} revision source alias '${a.revision.replace(/^@/, "")}' not found`,
      );
    }
    names.add(a.name);
  }
}

/** How a generator's source resolves: readable content, or why not. */
export type SourceResolution =
  | { content: SourceContent }
  /** Not readable offline (another repository, a chart registry, ...): a warning, not an error. */
  | { unavailable: string }
  /** A source that exists nowhere (not in the repository, nor produced by anything). */
  | { missing: string };

export interface GeneratedArtifact {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Set when the artifact was built. */
  fs?: ArtifactFileSystem;
  /** Why it was not built: an error in the generator (error) or a source Slipway cannot read (warning). */
  problem?: { severity: "error" | "warning"; message: string };
  /** Directory matched by the path pattern, when stamped out by one. */
  match?: string;
}

export interface GeneratorRun {
  artifacts: GeneratedArtifact[];
  /** A problem that stops the whole generator (no artifact is produced). */
  problem?: { severity: "error" | "warning"; message: string };
}

/**
 * Builds every artifact of the generator. `mountRoot(name)` gives the virtual absolute
 * directory an artifact is mounted at.
 */
export function runArtifactGenerator(
  spec: ArtifactGeneratorSpec,
  resolve: (ref: SourceRef) => SourceResolution,
  mountRoot: (name: string) => string,
): GeneratorRun {
  if (spec.disabled) {
    return {
      artifacts: [],
      problem: {
        severity: "warning",
        message: `reconciliation is disabled (${GENERATOR_RECONCILE_ANNOTATION}: disabled): source-watcher produces no new artifacts`,
      },
    };
  }
  const sources = new Map<string, SourceContent>();
  const unavailable = new Map<string, string>();
  for (const ref of spec.sources) {
    const r = resolve(ref);
    if ("content" in r) sources.set(ref.alias, r.content);
    else if ("unavailable" in r) unavailable.set(ref.alias, r.unavailable);
    else return { artifacts: [], problem: { severity: "error", message: r.missing } };
  }
  let requests: ArtifactRequest[];
  try {
    requests = buildArtifactRequests(spec.pathPattern, spec.artifacts, (alias) => sources.get(alias));
  } catch (err) {
    if (err instanceof PathPatternError && spec.pathPattern) {
      const alias = spec.pathPattern.slice(1).split("/")[0]!;
      const why = unavailable.get(alias);
      if (why) return { artifacts: [], problem: { severity: "warning", message: why } };
    }
    return { artifacts: [], problem: { severity: "error", message: (err as Error).message } };
  }
  const artifacts: GeneratedArtifact[] = [];
  let stopped: string | undefined;
  for (const req of requests) {
    const labels = { ...spec.commonMetadata.labels, ...(req.labels ?? {}) };
    labels["app.kubernetes.io/managed-by"] = "source-watcher";
    const out: GeneratedArtifact = {
      namespace: spec.namespace,
      name: req.name,
      labels,
      annotations: { ...spec.commonMetadata.annotations },
      ...(req.match !== undefined ? { match: req.match } : {}),
    };
    artifacts.push(out);
    if (stopped !== undefined) {
      out.problem = { severity: "error", message: `not built: ${stopped}` };
      continue;
    }
    const blocked = req.copy
      .map((c) => c.from.slice(1).split("/")[0]!)
      .find((alias) => unavailable.has(alias));
    if (blocked !== undefined) {
      out.problem = { severity: "warning", message: unavailable.get(blocked)! };
      continue;
    }
    const tree = new ArtifactTree();
    try {
      applyCopyOperations(req.copy, sources, tree);
      out.fs = new ArtifactFileSystem(tree, mountRoot(req.name));
    } catch (err) {
      const message = `${req.name} build failed: ${(err as Error).message}`;
      out.problem = { severity: "error", message };
      stopped = `the generator stopped at artifact ${req.name} (${message})`;
    }
  }
  return { artifacts };
}

function str(v: YamlValue | undefined): string {
  return typeof v === "string" ? v : v === undefined || v === null ? "" : String(v);
}

function stringMap(v: YamlValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (isMap(v)) for (const [k, x] of Object.entries(v)) out[k] = str(x);
  return out;
}
