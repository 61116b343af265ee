/**
 * The Helm engine's part of the chart inflation generator (helm-chart.ts): `helm template` of a
 * chart directory, printed as kustomize reads it. A module of its own, passed to a build in
 * HelmOptions.render by the callers that enable helmCharts (`build --enable-helm`, the plain
 * stacks of the platform loader), so that every other build — and `check` and `diff` through
 * the kustomize modules — does not load the Helm engine (~450 kB of the bundle) to render none.
 */
import type { FileSystem } from "../../fs/filesystem.js";
import { fileSystemReader, loadChartDir } from "../../helm/chart-source.js";
import { formatTemplateOutput } from "../../helm/manifests.js";
import { renderChart } from "../../helm/render.js";
import { composeUserValues } from "../../helm/values.js";
import type { ChartDirRender } from "./helm-chart.js";

/** The chart at `chartDir` rendered with `render`'s values and flags: the text `helm template` prints. */
export function renderChartDir(chartDir: string, fs: FileSystem, render: ChartDirRender): string {
  const chart = loadChartDir(chartDir, fileSystemReader(fs));
  const release = renderChart(chart, {
    releaseName: render.releaseName,
    namespace: render.namespace,
    values: composeUserValues({ files: render.values }),
    ...(render.kubeVersion ? { kubeVersion: render.kubeVersion } : {}),
    apiVersions: render.apiVersions,
    seed: `kustomize/${render.namespace}/${render.releaseName}`,
    now: render.now,
    chartPath: chartDir,
  });
  return formatTemplateOutput(release, {
    includeCrds: render.includeCrds,
    skipTests: render.skipTests,
    noHooks: render.noHooks,
  });
}
