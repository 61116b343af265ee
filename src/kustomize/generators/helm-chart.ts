/**
 * kustomize v5.5.0's HelmChartInflationGenerator (api/internal/builtins/HelmChartInflationGenerator.go,
 * api/types/helmchartargs.go) with Slipway's Helm engine (src/helm, `helm template` of Helm 4.1.4)
 * in place of the `helm` subprocess. What kustomize does, and so what this does:
 *
 * - the chart is `{chartHome}/{name}` (chartHome: the entry's, else `helmGlobals.chartHome`, else
 *   `charts`, relative to the kustomization root); with both `repo` and `version` set, chartHome
 *   becomes `{chartHome}/{name}-{version}` (where `helm pull --untardir` would put it);
 * - values: `valuesFile` (default: the chart's own values.yaml, read through the loader, so root
 *   restrictions apply) merged with `valuesInline` by `valuesMerge` — `override` (default: inline
 *   wins), `merge` (the file wins) or `replace` (inline only) — with kyaml's merge2, then
 *   `additionalValuesFiles`; all of them are `-f` files, so the chart's defaults stay underneath;
 * - `helm template RELEASE CHART --namespace --api-versions --kube-version --include-crds
 *   --skip-tests --no-hooks`, whose output kustomize reads as resources.
 *
 * Differs because Slipway never downloads in a build: a chart missing from chartHome with a `repo`
 * is an error that says how to vendor it (kustomize would run `helm pull`). Random template
 * functions are seeded from the release (kustomize's helm is unseeded), so builds are repeatable.
 */
import * as path from "node:path";
import { SlipwayError } from "../../errors.js";
import type { FileSystem } from "../../fs/filesystem.js";
import type { ValuesFile } from "../../helm/values.js";
import { decodeYamlText, emitYaml, parseYaml } from "../../yaml/index.js";
import type { Loader } from "../loader.js";
import { builtinSchemaRegistry, strategicMergePatch } from "../patch/index.js";
import { isMap, type YamlMap, type YamlValue } from "../types.js";

/**
 * A helmCharts entry whose chart is not in chartHome: `kustomize build --enable-helm` would pull
 * it, Slipway builds offline. A limit of Slipway, not an error of the repository.
 */
export class ChartNotVendoredError extends SlipwayError {
  constructor(message: string, where?: { file?: string }) {
    super(message, where);
    this.name = "ChartNotVendoredError";
  }
}

/** `kubectl kustomize`'s helm flags. */
export interface HelmOptions {
  /** --enable-helm: without it a kustomization with helmCharts fails, as in kustomize */
  enabled: boolean;
  /**
   * How a chart is rendered, when enabled: helm-render.ts's renderChartDir. Passed by the caller
   * so that the kustomize modules do not load the Helm engine for the builds that render none.
   */
  render?: (chartDir: string, fs: FileSystem, render: ChartDirRender) => string;
  /**
   * --helm-kube-version. quirk kept: kustomize means the flag to win ("CLI args takes
   * precedence") but then unmarshals the entry over it, so an entry's kubeVersion wins.
   */
  kubeVersion?: string;
  /** --helm-api-versions: used when the entry has no apiVersions (same quirk) */
  apiVersions?: readonly string[];
  /** the clock behind `now` and --generate-name (ms since the epoch); default: a fixed epoch */
  now?: number;
}

/** One chart's `helm template` as the generator runs it (the flags kustomize passes). */
export interface ChartDirRender {
  releaseName: string;
  namespace: string;
  values: ValuesFile[];
  kubeVersion?: string;
  apiVersions: readonly string[];
  now: number;
  includeCrds: boolean;
  skipTests: boolean;
  noHooks: boolean;
}

/** types.HelmGlobals + types.HelmChart, decoded from one `helmCharts` entry. */
export interface HelmChartArgs {
  chartHome: string;
  name: string;
  version: string;
  repo: string;
  releaseName: string;
  namespace: string;
  valuesFile: string;
  additionalValuesFiles: string[];
  valuesInline: YamlMap;
  valuesMerge: string;
  includeCRDs: boolean;
  skipHooks: boolean;
  skipTests: boolean;
  apiVersions: string[];
  kubeVersion: string;
  nameTemplate: string;
}

/** A fixed clock keeps `now` in templates (and generated names) repeatable across builds. */
const DEFAULT_NOW = Date.parse("2025-01-01T00:00:00Z");
const LEGAL_MERGES = ["merge", "override", "replace"];

/** The legacy `helmChartInflationGenerator` entries (types.HelmChartArgs), as FixKustomization converts them. */
export function decodeLegacyHelmArgs(
  entries: readonly YamlValue[],
  file: string,
): { charts: YamlMap[]; globals: YamlMap } {
  const charts: YamlMap[] = [];
  const globals: YamlMap = {};
  const renames: Array<[string, string]> = [
    ["chartName", "name"],
    ["chartVersion", "version"],
    ["chartRepoUrl", "repo"],
    ["values", "valuesFile"],
    ["valuesLocal", "valuesInline"],
    ["valuesMerge", "valuesMerge"],
    ["releaseName", "releaseName"],
  ];
  for (const e of entries) {
    if (!isMap(e)) throw new SlipwayError("helmChartInflationGenerator entries must be maps", { file });
    const c: YamlMap = {};
    for (const [from, to] of renames) if (e[from] !== undefined && e[from] !== null) c[to] = e[from]!;
    charts.push(c);
    // last non-empty wins
    if (typeof e.helmHome === "string" && e.helmHome !== "") globals.configHome = e.helmHome;
    if (typeof e.chartHome === "string" && e.chartHome !== "") globals.chartHome = e.chartHome;
  }
  return { charts, globals };
}

/** Decodes one `helmCharts` entry over `helmGlobals` (sigs.k8s.io/yaml into the Go structs). */
export function decodeHelmChartArgs(
  raw: YamlValue,
  globals: YamlValue | undefined,
  file: string,
): HelmChartArgs {
  if (!isMap(raw)) throw new SlipwayError("helmCharts entries must be maps", { file });
  const g = isMap(globals) ? globals : {};
  const str = (m: YamlMap, k: string): string => {
    const v = m[k];
    if (v === undefined || v === null) return "";
    if (typeof v !== "string")
      throw new SlipwayError(`helmCharts: '${k}' must be a string, not ${JSON.stringify(v)}`, { file });
    return v;
  };
  const bool = (k: string): boolean => {
    const v = raw[k];
    if (v === undefined || v === null) return false;
    if (typeof v !== "boolean")
      throw new SlipwayError(`helmCharts: '${k}' must be true or false, not ${JSON.stringify(v)}`, { file });
    return v;
  };
  const strs = (k: string): string[] => {
    const v = raw[k];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string"))
      throw new SlipwayError(`helmCharts: '${k}' must be a list of strings`, { file });
    return v as string[];
  };
  const inline = raw.valuesInline;
  if (inline !== undefined && inline !== null && !isMap(inline))
    throw new SlipwayError("helmCharts: 'valuesInline' must be a map", { file });
  return {
    // The entry's own chartHome (types.HelmChart has none, but the plugin struct inlines
    // HelmGlobals too, so `generators:` configs may set it) over helmGlobals.
    chartHome: str(raw, "chartHome") || str(g, "chartHome"),
    name: str(raw, "name"),
    version: str(raw, "version"),
    repo: str(raw, "repo"),
    releaseName: str(raw, "releaseName"),
    namespace: str(raw, "namespace"),
    valuesFile: str(raw, "valuesFile"),
    additionalValuesFiles: strs("additionalValuesFiles"),
    valuesInline: isMap(inline) ? inline : {},
    valuesMerge: str(raw, "valuesMerge"),
    includeCRDs: bool("includeCRDs"),
    skipHooks: bool("skipHooks"),
    skipTests: bool("skipTests"),
    apiVersions: strs("apiVersions"),
    kubeVersion: str(raw, "kubeVersion"),
    nameTemplate: str(raw, "nameTemplate"),
  };
}

/** The error kustomize gives for helmCharts without --enable-helm (at configuration time). */
export function helmDisabledError(raw: YamlValue, file: string): SlipwayError {
  return new SlipwayError(
    `trouble configuring builtin HelmChartInflationGenerator with config: \`\n${emitYaml(raw)}\`: must specify --enable-helm`,
    { file },
  );
}

/** `{chartHome}` as kustomize resolves it (absChartHome). */
function absChartHome(a: HelmChartArgs, root: string): string {
  const home = path.posix.resolve(root, a.chartHome || "charts");
  return a.version !== "" && a.repo !== "" ? path.posix.join(home, `${a.name}-${a.version}`) : home;
}

/**
 * Renders one chart as the generator would: the text `helm template` prints, which the caller
 * reads as resources. Throws SlipwayErrors carrying the kustomization file.
 */
export function inflateHelmChart(a: HelmChartArgs, loader: Loader, opts: HelmOptions, file: string): string {
  // validateArgs
  if (a.name === "") throw new SlipwayError("chart name cannot be empty", { file });
  const home = absChartHome(a, loader.root);
  const additional = a.additionalValuesFiles.map((f) => {
    try {
      return { name: path.posix.resolve(loader.root, f), text: text(loader.load(f), f) };
    } catch (e) {
      throw wrap(e, "could not load additionalValuesFile", file);
    }
  });
  const merge = a.valuesMerge || "override";
  if (!LEGAL_MERGES.includes(merge))
    throw new SlipwayError(`valuesMerge must be one of [${LEGAL_MERGES.join(" ")}]`, { file });

  // Generate: the chart must be there; Slipway never pulls.
  const chartDir = path.posix.join(home, a.name);
  if (!loader.fs.isDirectory(chartDir)) {
    if (a.repo === "") throw new SlipwayError("no repo specified for pull, no chart found at ''", { file });
    const pull = [
      "helm pull --untar",
      `--untardir ${path.posix.relative(loader.root, home) || "."}`,
      a.repo.startsWith("oci://") ? `${a.repo.replace(/\/$/, "")}/${a.name}` : `--repo ${a.repo} ${a.name}`,
      ...(a.version ? [`--version ${a.version}`] : []),
    ].join(" ");
    throw new ChartNotVendoredError(
      `helm chart '${a.name}'${a.version ? ` ${a.version}` : ""} from ${a.repo} is not in ${chartDir}: Slipway does not download charts during a build; vendor it first (${pull})`,
      { file },
    );
  }
  const valuesFile = a.valuesFile || path.posix.join(home, a.name, "values.yaml");
  const values: ValuesFile[] = [{ name: valuesFile, text: mainValues(a, merge, loader, valuesFile) }];
  values.push(...additional);

  const releaseName = releaseNameOf(a, opts.now ?? DEFAULT_NOW, file);
  const namespace = a.namespace || "default";
  const kubeVersion = a.kubeVersion || opts.kubeVersion;
  const apiVersions = a.apiVersions.length > 0 ? a.apiVersions : (opts.apiVersions ?? []);
  if (opts.render === undefined)
    throw new Error("helmCharts enabled without a chart renderer (HelmOptions.render)");
  try {
    return opts.render(chartDir, loader.fs, {
      releaseName,
      namespace,
      values,
      ...(kubeVersion ? { kubeVersion } : {}),
      apiVersions,
      now: opts.now ?? DEFAULT_NOW,
      includeCrds: a.includeCRDs,
      skipTests: a.skipTests,
      noHooks: a.skipHooks,
    });
  } catch (e) {
    throw wrap(e, `helm template ${releaseName} ${chartDir}`, file);
  }
}

/** The first `-f` file: the values file as it is, or merged with (or replaced by) valuesInline. */
function mainValues(a: HelmChartArgs, merge: string, loader: Loader, valuesFile: string): string {
  const inline = a.valuesInline;
  if (Object.keys(inline).length === 0 || merge !== "replace") {
    const own = text(loader.load(valuesFile), valuesFile);
    if (Object.keys(inline).length === 0) return own;
    const parsed = parseYaml(own, valuesFile);
    const chart: YamlMap = isMap(parsed) ? parsed : {};
    // merge2.Merge(src, dest) lets src win: override passes the inline values as src, merge the file.
    const merged =
      merge === "override"
        ? strategicMergePatch(chart, inline, undefined, builtinSchemaRegistry())
        : strategicMergePatch(inline, chart, undefined, builtinSchemaRegistry());
    return emitYaml(merged ?? {});
  }
  return emitYaml(inline);
}

/**
 * helm's NameAndChart: the releaseName, or --generate-name's `{chart}-{unix seconds}` (kustomize
 * passes --generate-name when releaseName is empty).
 */
function releaseNameOf(a: HelmChartArgs, now: number, file: string): string {
  if (a.nameTemplate !== "") {
    if (a.releaseName !== "")
      throw new SlipwayError("cannot set --name-template and also specify a name", { file });
    throw new SlipwayError("helmCharts: nameTemplate is not supported by Slipway; set releaseName instead", {
      file,
    });
  }
  if (a.releaseName !== "") return a.releaseName;
  const base = a.name.split("/").pop() || "chart";
  const dot = base.indexOf(".");
  return `${dot === -1 ? base : base.slice(0, dot)}-${Math.floor(now / 1000)}`;
}

function text(bytes: Uint8Array, file: string): string {
  return decodeYamlText(bytes, file);
}

function wrap(e: unknown, prefix: string, file: string): SlipwayError {
  if (e instanceof SlipwayError)
    return new SlipwayError(`${prefix}: ${e.message}`, {
      file: e.file ?? file,
      ...(e.line !== undefined ? { line: e.line } : {}),
      ...(e.column !== undefined ? { column: e.column } : {}),
    });
  return new SlipwayError(`${prefix}: ${(e as Error).message}`, { file });
}
