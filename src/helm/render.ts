/**
 * One release of a chart, rendered as `helm template` renders it (Helm 4.1.4 pkg/action/install.go
 * RunWithContext in client-only dry-run mode, then renderResources): dependency processing,
 * values coalescing, schema validation, the kubeVersion constraint, the engine, NOTES.txt, and the
 * split into manifests, hooks and CRDs. Pure: the chart and the values are given, nothing is read.
 */
import type { RenderCache } from "../cache/store.js";
import { SlipwayError } from "../errors.js";
import {
  type ApiVersionsRead,
  capabilitiesObject,
  DEFAULT_KUBE_VERSION,
  type KubeVersion,
  KubeVersionError,
  parseKubeVersion,
} from "./capabilities.js";
import type { Chart } from "./chart.js";
import { CoalesceError, coalesceValues, type Warn } from "./coalesce.js";
import { defaultFuncs } from "./default-funcs.js";
import { isCompatibleRange, processDependencies } from "./dependencies.js";
import { type FuncMapBuilder, RenderError, renderTemplates, renderValues, seededRandom } from "./engine.js";
import { checkDependenciesPresent } from "./loader.js";
import { type CrdFile, crdFiles, type Hook, type Manifest, sortManifests } from "./manifests.js";
import type { HeadsReader } from "./persisted-heads.js";
import type { ParsePersistence } from "./persisted-parse.js";
import { chartName, renderTree } from "./render-chart.js";
import { validateValues } from "./schema.js";
import { slogLine } from "./slog.js";
import { GoMap } from "./template/value.js";

export interface RenderOptions {
  releaseName: string;
  namespace: string;
  /** the user's values (composeUserValues), without the chart's defaults */
  values?: GoMap;
  /** `--kube-version` (text as given, or parsed); default v1.35.0 */
  kubeVersion?: string | KubeVersion;
  /** `--api-versions` entries */
  apiVersions?: readonly string[];
  /** Records how the templates looked at the API versions (see ApiVersionsRead). */
  apiVersionsRead?: ApiVersionsRead;
  /** `--is-upgrade`: .Release.IsUpgrade true, IsInstall false */
  isUpgrade?: boolean;
  skipSchemaValidation?: boolean;
  /**
   * Told the URL when a values.schema.json refers to a schema Slipway does not fetch (the schema
   * error's remoteSchemaRef); the render then goes on without validating the values, as with
   * skipSchemaValidation. Without it, that is a schema error like any other (`helm template`).
   */
  onRemoteSchemaRef?: (url: string) => void;
  /** seed of rand*, uuidv4, gen*…: equal seeds give equal output; default: random per render */
  seed?: string | number;
  /** the clock behind `now` (ms since the epoch, or a function); default: the wall clock */
  now?: number | (() => number);
  /** where coalescing warnings go (Helm logs them); default: dropped */
  warn?: Warn;
  /** the function table; default: every function Helm registers */
  funcs?: FuncMapBuilder;
  /** the chart's location, for error messages */
  chartPath?: string;
  /** a persistent cache where parsed templates and compiled schemas are kept between processes; default none */
  cache?: RenderCache;
  /** when a chart's parse goes to `cache` (persisted-parse.ts); default: at once */
  parses?: ParsePersistence;
  /**
   * How the heads of the rendered documents are read (persisted-heads.ts); default: each read.
   * `helm template` keeps them in its cache; HelmReleases, whose values may come from Secrets and
   * whose renders the release cache keeps whole, do not.
   */
  heads?: HeadsReader;
  /** Keep the fast reader's documents of the manifests for a second reader (manifest-scans.ts). */
  keepScans?: boolean;
  /**
   * Told each time the render draws randomness or reads the clock (the non-hermetic functions'
   * only sources): a render that never called it is a function of its inputs.
   */
  onNonHermetic?: (source: "random" | "clock") => void;
}

export interface RenderedRelease {
  /** regular manifests, sorted in install order */
  manifests: Manifest[];
  /** hook documents, sorted by kind */
  hooks: Hook[];
  /** crds/ files of the chart and its enabled subcharts (printed only with --include-crds) */
  crds: CrdFile[];
  /** the root chart's rendered NOTES.txt ("" when none) */
  notes: string;
  /** every rendered template by name (partials excluded, NOTES.txt included) */
  files: Map<string, string>;
}

export class ReleaseNameError extends SlipwayError {}

/** The chart's kubeVersion excludes the cluster's: failed in renderResources, as Helm does. */
export class IncompatibleKubeVersionError extends SlipwayError {}

const VALID_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** chartutil.ValidateReleaseName */
export function validateReleaseName(name: string): void {
  if (name === "") throw new ReleaseNameError(`release name "${name}": no name provided`);
  if (name.length > 53 || !VALID_NAME.test(name)) {
    throw new ReleaseNameError(
      `release name "${name}": invalid release name, must match regex ${VALID_NAME.source} and the length must not be longer than 53`,
    );
  }
}

function kubeVersionOf(v: RenderOptions["kubeVersion"]): KubeVersion {
  if (v === undefined) return DEFAULT_KUBE_VERSION;
  if (typeof v !== "string") return v;
  try {
    return parseKubeVersion(v);
  } catch (e) {
    if (e instanceof KubeVersionError) throw new SlipwayError(`invalid kube version '${v}': ${e.message}`);
    throw e;
  }
}

/** `helm template RELEASE CHART` on a loaded chart. */
export function renderChart(chart: Chart, opts: RenderOptions): RenderedRelease {
  const warn = opts.warn ?? (() => {});
  const kubeVersion = kubeVersionOf(opts.kubeVersion);
  const type = chart.metadata.type;
  if (type !== "" && type !== "application") {
    throw new SlipwayError(`${type} charts are not installable`, { file: opts.chartPath });
  }
  if (chart.metadata.dependencies.length > 0) checkDependenciesPresent(chart);
  // action.Install.RunWithContext (Helm 4.1.4): a v3 chart loads, but install takes v2 charts only.
  if (chart.metadata.apiVersion === "v3")
    throw new SlipwayError("invalid chart apiVersion", { file: opts.chartPath });
  try {
    validateReleaseName(opts.releaseName);
  } catch (e) {
    if (!(e instanceof ReleaseNameError)) throw e;
    warn(slogLine("ERROR", "release name check failed", [["error", e.message]]));
    throw new ReleaseNameError(`release name check failed: ${e.message}`);
  }

  const userValues = opts.values ?? new GoMap();
  const root = renderTree(chart);
  try {
    processDependencies(root, userValues, warn);
  } catch (e) {
    if (e instanceof CoalesceError) {
      warn(slogLine("ERROR", "chart dependencies processing failed", [["error", e.message]]));
      throw new SlipwayError(`chart dependencies processing failed: ${e.message}`, { file: opts.chartPath });
    }
    throw e;
  }
  let values: GoMap;
  try {
    values = coalesceValues(root, userValues, warn);
  } catch (e) {
    if (e instanceof CoalesceError) throw new SlipwayError(e.message, { file: opts.chartPath });
    throw e;
  }
  if (!opts.skipSchemaValidation)
    validateValues(root, values, opts.chartPath, opts.cache, opts.onRemoteSchemaRef, warn);

  if (
    root.metadata.kubeVersion !== "" &&
    !isCompatibleRange(root.metadata.kubeVersion, kubeVersion.normalized)
  ) {
    throw new IncompatibleKubeVersionError(
      `chart requires kubeVersion: ${root.metadata.kubeVersion} which is incompatible with Kubernetes ${kubeVersion.version}`,
      { file: opts.chartPath ? `${opts.chartPath.replace(/\/+$/, "")}/Chart.yaml` : undefined },
    );
  }

  const caps = capabilitiesObject({
    kubeVersion,
    apiVersions: opts.apiVersions,
    ...(opts.apiVersionsRead ? { apiVersionsRead: opts.apiVersionsRead } : {}),
  });
  const top = renderValues(
    root,
    values,
    { name: opts.releaseName, namespace: opts.namespace, isUpgrade: opts.isUpgrade ?? false },
    caps,
  );
  const seed = opts.seed ?? `${Date.now()}:${Math.random()}`;
  const now =
    opts.now === undefined ? Date.now : typeof opts.now === "number" ? () => opts.now as number : opts.now;
  let random = seededRandom(seed);
  let clock = now;
  const told = opts.onNonHermetic;
  if (told !== undefined) {
    const draw = random;
    const read = clock;
    random = () => {
      told("random");
      return draw();
    };
    clock = () => {
      told("clock");
      return read();
    };
  }
  const files = renderTemplates(root, top, {
    funcs: opts.funcs ?? defaultFuncs,
    random,
    now: clock,
    cache: opts.cache,
    ...(opts.parses ? { parses: opts.parses } : {}),
  });

  const notesName = `${chartName(root)}/templates/NOTES.txt`;
  let notes = "";
  const manifestsIn = new Map<string, string>();
  for (const [name, text] of files) {
    if (name.endsWith("NOTES.txt")) {
      if (name === notesName) notes = text;
      continue;
    }
    manifestsIn.set(name, text);
  }
  const { manifests, hooks } = sortManifests(manifestsIn, opts.heads, opts.keepScans === true);
  return { manifests, hooks, crds: crdFiles(root), notes, files };
}

export { RenderError };
