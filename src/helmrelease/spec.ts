/**
 * What helm-controller (Flux 2.9, API helm.toolkit.fluxcd.io/v2) reads of a HelmRelease to
 * render it: release name and namespace, where the chart comes from, the values references,
 * post-renderers, CRD policy, hook and test settings. Pure: the object in, a typed view out.
 */
import { createHash } from "node:crypto";
import { isMap, type KObject, type YamlMap, type YamlValue } from "../kustomize/types.js";

export type CrdPolicy = "Skip" | "Create" | "CreateReplace";

import type { PostRenderStrategy } from "../flux/profile.js";

export type { PostRenderStrategy };

export interface ValuesReference {
  kind: string;
  name: string;
  valuesKey: string;
  targetPath: string;
  optional: boolean;
  /** `literal: true`: the value is a string, never parsed (ReplacePathLiteralValue). */
  literal: boolean;
  /** Index in `spec.valuesFrom`, for findings. */
  index: number;
}

/** `spec.chart.spec` (a HelmChart template) or `spec.chartRef`. */
export type ChartSpec =
  | {
      type: "template";
      chart: string;
      version: string;
      sourceRef: { kind: string; name: string; namespace: string };
      valuesFiles: string[];
      ignoreMissingValuesFiles: boolean;
    }
  | { type: "ref"; kind: string; name: string; namespace: string };

export interface KustomizePostRenderer {
  patches: Array<{ patch: string; target?: YamlMap }>;
  images: YamlMap[];
}

export interface ReleaseSpec {
  namespace: string;
  name: string;
  /** The Helm release name helm-controller uses (ShortenName applied). */
  releaseName: string;
  /** The namespace the release is installed in. */
  releaseNamespace: string;
  chart: ChartSpec | undefined;
  valuesFrom: ValuesReference[];
  values: YamlMap | undefined;
  /** install.crds: what render shows (the install view; see crdViewNote). */
  crds: CrdPolicy;
  /** upgrade.crds, defaulted as helm-controller's code does (see crdViewNote). */
  upgradeCrds: CrdPolicy;
  disableHooks: boolean;
  disableSchemaValidation: boolean;
  testEnabled: boolean;
  postRenderers: KustomizePostRenderer[];
  postRenderStrategy: PostRenderStrategy | undefined;
  commonMetadata: { labels?: Record<string, string>; annotations?: Record<string, string> } | undefined;
  suspended: boolean;
}

const MAX_RELEASE_NAME = 53;
const SHORT_HASH = 12;

/** helm-controller's release.ShortenName: over 53 characters, a prefix and 12 hex digits of its sha256. */
export function shortenReleaseName(name: string): string {
  if (name.length <= MAX_RELEASE_NAME) return name;
  const sum = createHash("sha256").update(name).digest("hex");
  return `${name.slice(0, MAX_RELEASE_NAME - (SHORT_HASH + 1))}-${sum.slice(0, SHORT_HASH)}`;
}

const str = (v: YamlValue | undefined): string => (typeof v === "string" ? v : "");
const bool = (v: YamlValue | undefined): boolean => v === true;
const mapOf = (v: YamlValue | undefined): YamlMap => (isMap(v) ? v : {});

function stringMap(v: YamlValue | undefined): Record<string, string> | undefined {
  if (!isMap(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) out[k] = typeof x === "string" ? x : String(x);
  return out;
}

function crdPolicy(v: YamlValue | undefined, dflt: CrdPolicy): CrdPolicy {
  return v === "Skip" || v === "Create" || v === "CreateReplace" ? v : dflt;
}

/**
 * Render shows a release as helm-controller installs it: the chart's crds/ unless
 * `install.crds: Skip`. An upgrade applies crds/ by `upgrade.crds` instead, and both default to
 * Create in helm-controller's code (internal/action/crds.go `crdPolicyOrDefault`, used by
 * install.go and upgrade.go), although the API reference says upgrade defaults to Skip. Where the
 * two policies disagree on applying crds/ at all, the note says what an upgrade does instead.
 */
export function crdViewNote(spec: ReleaseSpec): string | undefined {
  const id = `HelmRelease ${spec.namespace}/${spec.name}`;
  if (spec.crds === "Skip" && spec.upgradeCrds !== "Skip")
    return `${id}: shown as installed, without its chart's crds/ (install.crds: Skip); an upgrade creates those CustomResourceDefinitions that do not exist yet (upgrade.crds: ${spec.upgradeCrds})`;
  if (spec.crds !== "Skip" && spec.upgradeCrds === "Skip")
    return `${id}: shown as installed, with its chart's crds/ (install.crds: ${spec.crds}); an upgrade applies none of them (upgrade.crds: Skip), so CustomResourceDefinitions a new chart version adds or changes reach the cluster only on a fresh install`;
  return undefined;
}

export function readReleaseSpec(obj: KObject): ReleaseSpec {
  const meta = mapOf(obj.metadata);
  const namespace = str(meta.namespace);
  const name = str(meta.name);
  const spec = mapOf(obj.spec);
  const targetNamespace = str(spec.targetNamespace);
  const releaseName = shortenReleaseName(
    str(spec.releaseName) || (targetNamespace ? `${targetNamespace}-${name}` : name),
  );
  const install = mapOf(spec.install);
  const upgrade = mapOf(spec.upgrade);
  const chartSpec = isMap(spec.chart) && isMap(spec.chart.spec) ? spec.chart.spec : undefined;
  let chart: ChartSpec | undefined;
  if (chartSpec) {
    const ref = mapOf(chartSpec.sourceRef);
    chart = {
      type: "template",
      chart: str(chartSpec.chart),
      version: str(chartSpec.version) || "*",
      sourceRef: { kind: str(ref.kind), name: str(ref.name), namespace: str(ref.namespace) || namespace },
      valuesFiles: Array.isArray(chartSpec.valuesFiles) ? chartSpec.valuesFiles.map(str).filter(Boolean) : [],
      ignoreMissingValuesFiles: bool(chartSpec.ignoreMissingValuesFiles),
    };
  } else if (isMap(spec.chartRef)) {
    const ref = spec.chartRef;
    chart = {
      type: "ref",
      kind: str(ref.kind),
      name: str(ref.name),
      namespace: str(ref.namespace) || namespace,
    };
  }
  const valuesFrom: ValuesReference[] = [];
  if (Array.isArray(spec.valuesFrom)) {
    spec.valuesFrom.forEach((v, index) => {
      if (!isMap(v)) return;
      valuesFrom.push({
        kind: str(v.kind),
        name: str(v.name),
        valuesKey: str(v.valuesKey) || "values.yaml",
        targetPath: str(v.targetPath),
        optional: bool(v.optional),
        literal: bool(v.literal),
        index,
      });
    });
  }
  const postRenderers: KustomizePostRenderer[] = [];
  if (Array.isArray(spec.postRenderers)) {
    for (const pr of spec.postRenderers) {
      if (!isMap(pr) || !isMap(pr.kustomize)) continue;
      const k = pr.kustomize;
      postRenderers.push({
        patches: (Array.isArray(k.patches) ? k.patches : []).filter(isMap).map((p) => ({
          patch: str(p.patch),
          ...(isMap(p.target) ? { target: p.target } : {}),
        })),
        images: (Array.isArray(k.images) ? k.images : []).filter(isMap),
      });
    }
  }
  const strategy = str(spec.postRenderStrategy);
  const cm = isMap(spec.commonMetadata) ? spec.commonMetadata : undefined;
  return {
    namespace,
    name,
    releaseName,
    releaseNamespace: targetNamespace || namespace,
    chart,
    valuesFrom,
    values: isMap(spec.values) ? spec.values : undefined,
    crds: crdPolicy(install.crds, "Create"),
    upgradeCrds: crdPolicy(upgrade.crds, "Create"),
    disableHooks: bool(install.disableHooks),
    disableSchemaValidation: bool(install.disableSchemaValidation),
    testEnabled: isMap(spec.test) && bool(spec.test.enable),
    postRenderers,
    postRenderStrategy:
      strategy === "combined" || strategy === "separate" || strategy === "nohooks" ? strategy : undefined,
    commonMetadata: cm
      ? {
          ...(stringMap(cm.labels) ? { labels: stringMap(cm.labels) } : {}),
          ...(stringMap(cm.annotations) ? { annotations: stringMap(cm.annotations) } : {}),
        }
      : undefined,
    suspended: bool(spec.suspend),
  };
}
