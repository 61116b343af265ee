/**
 * Slipway's Helm engine: `helm template` of Helm v4.1.4, in-process and offline.
 *
 *     import { loadChartDir, composeUserValues, renderChart, formatTemplateOutput } from "../helm/index.js";
 *
 *     const chart = loadChartDir("charts/podinfo");            // or loadChartArchive(".tgz"), loadChartFiles(files)
 *     const values = composeUserValues({ files: [{ name: "v.yaml", text }], set: ["replicaCount=3"] });
 *     const release = renderChart(chart, {
 *       releaseName: "podinfo", namespace: "apps", values,
 *       kubeVersion: "1.31.0", apiVersions: ["monitoring.coreos.com/v1"],
 *       isUpgrade: false, seed: "apps/podinfo", now: Date.parse("2025-01-01T00:00:00Z"),
 *     });
 *     release.manifests  // [{ path: "podinfo/templates/deployment.yaml", content, head: { kind, metadata, … } }]
 *     release.hooks      // hook documents with events, weight, delete policies
 *     release.crds       // crds/ files of the chart and enabled subcharts
 *     release.notes      // the rendered NOTES.txt
 *     formatTemplateOutput(release, { includeCrds, skipTests, noHooks, showOnly })  // helm template's stdout
 *
 * Loaded charts are immutable and cached by content; parsed templates are cached by content
 * too, so many releases of one chart parse it once. `values` are the user's values only: the
 * chart's defaults, subchart values, globals and import-values are applied by renderChart.
 * Errors are SlipwayErrors (RenderError carries the template, line and column).
 */

export {
  type ApiVersionsRead,
  apiVersionsReadChanges,
  DEFAULT_API_VERSIONS,
  DEFAULT_KUBE_VERSION,
  type KubeVersion,
  parseKubeVersion,
} from "./capabilities.js";
export type { Chart, ChartDependency, ChartFile, ChartMetadata } from "./chart.js";
export {
  type ChartDirReader,
  chartDirFiles,
  diskReader,
  fileSystemReader,
  loadChart,
  loadChartArchive,
  loadChartArchiveFromBytes,
  loadChartDir,
  readChartDir,
} from "./chart-source.js";
export { defaultFuncs } from "./default-funcs.js";
export { RenderError, seededRandom } from "./engine.js";
export { ChartLoadError, loadChartFiles, readChartArchive } from "./loader.js";
export { takeScan } from "./manifest-scans.js";
export {
  type CrdFile,
  formatTemplateOutput,
  type Hook,
  isTestHook,
  type Manifest,
  ManifestError,
  type PrintOptions,
} from "./manifests.js";
export { type RenderedRelease, type RenderOptions, renderChart, validateReleaseName } from "./render.js";
export { SchemaError } from "./schema.js";
export { composeUserValues, type ValueOptions, ValuesError, type ValuesFile } from "./values.js";
export { readValuesDocuments, readYaml } from "./yaml.js";
