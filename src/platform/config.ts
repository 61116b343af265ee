/**
 * `slipway.yaml` at the repository root: optional; only for repositories that zero-config
 * discovery cannot describe. Paths are relative to the repository root.
 *
 * ```yaml
 * # slipway.yaml — every field is optional
 * clusters:                      # when given, these are the clusters (no discovery),
 *   - name: dev                  #   unless `discover: true` below
 *     path: clusters/dev         # the directory Flux syncs (the flux-system Kustomization's spec.path)
 *     sourceRoot: .              # root of the repository spec.path values are relative to (default: .)
 *     variables:                 # postBuild.substitute of the cluster's root Kustomization, so they
 *       cluster_name: dev        #   reach the variables in its children's spec (e.g. spec.path)
 *   - name: dev-stack
 *     path: k8s/stacks/dev
 *     flux: false                # a plain kustomize stack (`kustomize build PATH`): no Flux semantics
 * discover: false                # also discover clusters beside the listed ones (default false)
 * sources:                       # Flux sources other than this repository, mapped to local directories
 *   - kind: GitRepository        #   GitRepository | OCIRepository | Bucket | ExternalArtifact
 *     namespace: flux-system
 *     name: platform-shared
 *     path: ../platform-shared   #   its artifact root; unmapped sources are reported as external
 * strict: true                   # StrictPostBuildSubstitutions (kustomize-controller ≥ 1.9 default)
 * check:                         # `slipway check`
 *   schemaDirs: [schemas/crds]   #   extra CRD files (.yaml/.yml/.json), searched recursively
 *   rules:
 *     image-tag-pinned:
 *       severity: warning        #   error | warning | info | off
 *       exclude: ["apps/legacy/**"]  # repository-relative path globs of files not to report on
 *       options: {}              #   rule-specific
 * promote:                       # `slipway promote`
 *   apps:
 *     podinfo:                   #   an app: its Flux Kustomization's name
 *       values: [image.tag]      #   HelmRelease spec.values paths promoted with its versions
 * profile:                       # the Flux the clusters run (default: what the cluster installs —
 *   flux: "2.9"                  #   its FluxInstance or flux install manifests — else 2.9)
 *   featureGates:                #   kustomize-controller / helm-controller --feature-gates
 *     StrictPostBuildSubstitutions: true
 *     ExternalArtifact: true
 *     DisableChartDigestTracking: false
 *   postRenderStrategy: combined #   helm-controller's default (nohooks before Flux 2.8)
 * charts:                        # `slipway charts pull`
 *   mirrors:                     #   fetch from `to` what the sources name `from` (longest prefix wins;
 *     - from: https://charts.bitnami.com/bitnami  #   the cache keeps the original location, so render
 *       to: https://nexus.internal/helm/bitnami   #   needs no change)
 *     - from: oci://ghcr.io
 *       to: oci://registry.internal:5000/ghcr
 *       insecure: true           #   plain HTTP to the mirror (OCI)
 * inputProviders:                # Flux Operator ResourceSetInputProviders whose inputs come from outside
 *   - namespace: apps            #   (GitHub pull requests, OCI tags, ...): their exported inputs as a
 *     name: podinfo-prs          #   YAML list of input sets (what `status.exportedInputs` would hold)
 *     file: ci/podinfo-prs.yaml
 * ```
 */

import * as path from "node:path";
import { SlipwayError } from "../errors.js";
import { decodeProfileConfig, type ProfileConfig } from "../flux/profile.js";
import type { FileSystem } from "../fs/filesystem.js";
import { isMap, type YamlValue } from "../kustomize/types.js";
import { parseYaml } from "../yaml/index.js";
import { type ClusterObjectConfig, parseClusterObjects } from "./cluster-objects.js";

export const CONFIG_FILE = "slipway.yaml";

export interface ClusterConfig {
  name: string;
  /** Repository-relative directory. */
  path: string;
  /** Repository-relative root that `spec.path` values resolve against. */
  sourceRoot: string;
  variables: Record<string, string>;
  flux: boolean;
  /** The cluster's Kubernetes version and API versions (chart `.Capabilities`). */
  kubernetes?: KubernetesConfig;
}

/** What Helm charts see as `.Capabilities` (plus every CRD the cluster renders). */
export interface KubernetesConfig {
  /** e.g. "1.33.0"; default Helm's (v1.35.0). */
  version?: string;
  /** Extra `group/version` or `group/version/Kind` entries on top of Helm's built-in list. */
  apiVersions: string[];
}

export interface SourceMapping {
  kind: string;
  namespace: string;
  name: string;
  /** Repository-relative (or `../`) directory holding the source's artifact content. */
  path: string;
}

export type CheckSeverityConfig = "error" | "warning" | "info" | "off";

export interface CheckRuleConfig {
  severity?: CheckSeverityConfig;
  /** Repository-relative path globs (`*`, `**`, `?`) of files whose findings are dropped. */
  exclude: string[];
  options: Record<string, unknown>;
}

export interface CheckConfig {
  rules: Record<string, CheckRuleConfig>;
  /** Repository-relative directories of extra CRD files. */
  schemaDirs: string[];
}

export interface PromoteConfig {
  /** Per app (Flux Kustomization name): HelmRelease values paths that are versions. */
  apps: Record<string, { values: string[] }>;
}

/** Exported inputs of a dynamic ResourceSetInputProvider, read from a file in the repository. */
export interface InputProviderFile {
  namespace: string;
  name: string;
  /** Repository-relative file holding a YAML list of input sets. */
  file: string;
}

/** A registry or repository URL prefix fetched from another location (air-gapped sites). */
export interface ChartMirror {
  from: string;
  to: string;
  insecure: boolean;
}

export interface SlipwayConfig {
  file: string;
  charts?: { mirrors: ChartMirror[] };
  profile?: ProfileConfig;
  inputProviders?: InputProviderFile[];
  check?: CheckConfig;
  promote?: PromoteConfig;
  clusters?: ClusterConfig[];
  discover: boolean;
  sources: SourceMapping[];
  strict?: boolean;
  /** ConfigMaps/Secrets that exist only in the cluster (bootstrap, Terraform). */
  clusterObjects?: ClusterObjectConfig[];
  /** Default `.Capabilities` of every cluster (a cluster's own `kubernetes` adds to / overrides it). */
  kubernetes?: KubernetesConfig;
}

/** Reads `<root>/slipway.yaml`; undefined when there is none. Throws SlipwayError when it is invalid. */
export function readConfig(fs: FileSystem, root: string): SlipwayConfig | undefined {
  const file = path.posix.join(root, CONFIG_FILE);
  if (!fs.exists(file) || fs.isDirectory(file)) return undefined;
  return parseConfig(parseYaml(fs.readFile(file).toString("utf8"), file), file);
}

export function parseConfig(raw: YamlValue, file: string): SlipwayConfig {
  const fail = (message: string): never => {
    throw new SlipwayError(`${CONFIG_FILE}: ${message}`, { file });
  };
  if (raw === null) return { file, discover: true, sources: [] };
  if (!isMap(raw)) return fail("must be a map");
  for (const key of Object.keys(raw)) {
    if (
      ![
        "clusters",
        "discover",
        "sources",
        "strict",
        "check",
        "promote",
        "profile",
        "inputProviders",
        "clusterObjects",
        "charts",
        "kubernetes",
      ].includes(key)
    )
      fail(`unknown field '${key}'`);
  }
  const str = (v: YamlValue | undefined, where: string, dflt?: string): string => {
    if ((v === undefined || v === null) && dflt !== undefined) return dflt;
    if (typeof v !== "string" || v === "") return fail(`${where} must be a non-empty string`);
    return v;
  };
  const bool = (v: YamlValue | undefined, where: string, dflt: boolean): boolean => {
    if (v === undefined || v === null) return dflt;
    if (typeof v !== "boolean") return fail(`${where} must be true or false`);
    return v;
  };
  let clusters: ClusterConfig[] | undefined;
  if (raw.clusters !== undefined && raw.clusters !== null) {
    if (!Array.isArray(raw.clusters)) fail("clusters must be a list");
    clusters = (raw.clusters as YamlValue[]).map((c, i) => {
      const where = `clusters[${i}]`;
      if (!isMap(c)) return fail(`${where} must be a map`);
      for (const key of Object.keys(c)) {
        if (!["name", "path", "sourceRoot", "variables", "flux", "kubernetes"].includes(key))
          fail(`${where}: unknown field '${key}'`);
      }
      const variables: Record<string, string> = {};
      if (c.variables !== undefined && c.variables !== null) {
        if (!isMap(c.variables)) fail(`${where}.variables must be a map of strings`);
        for (const [k, v] of Object.entries(c.variables as Record<string, YamlValue>)) {
          if (v !== null && typeof v === "object") fail(`${where}.variables.${k} must be a string`);
          variables[k] = v === null ? "" : String(v);
        }
      }
      return {
        name: str(c.name, `${where}.name`),
        path: normalizeRelative(str(c.path, `${where}.path`)),
        sourceRoot: normalizeRelative(str(c.sourceRoot, `${where}.sourceRoot`, ".")),
        variables,
        flux: bool(c.flux, `${where}.flux`, true),
        ...(c.kubernetes !== undefined && c.kubernetes !== null
          ? { kubernetes: parseKubernetes(c.kubernetes, `${where}.kubernetes`, fail) }
          : {}),
      };
    });
    const seen = new Set<string>();
    for (const c of clusters) {
      if (seen.has(c.name)) fail(`cluster name '${c.name}' is used twice`);
      seen.add(c.name);
    }
  }
  const sources: SourceMapping[] = [];
  if (raw.sources !== undefined && raw.sources !== null) {
    if (!Array.isArray(raw.sources)) fail("sources must be a list");
    for (const [i, s] of (raw.sources as YamlValue[]).entries()) {
      const where = `sources[${i}]`;
      if (!isMap(s)) return fail(`${where} must be a map`);
      sources.push({
        kind: str(s.kind, `${where}.kind`),
        namespace: str(s.namespace, `${where}.namespace`, "flux-system"),
        name: str(s.name, `${where}.name`),
        path: normalizeRelative(str(s.path, `${where}.path`)),
      });
    }
  }
  const check = raw.check === undefined || raw.check === null ? undefined : parseCheck(raw.check, fail);
  const promote =
    raw.promote === undefined || raw.promote === null ? undefined : parsePromote(raw.promote, fail);
  const profile =
    raw.profile === undefined || raw.profile === null ? undefined : decodeProfileConfig(raw.profile, fail);
  const inputProviders =
    raw.inputProviders === undefined || raw.inputProviders === null
      ? undefined
      : parseInputProviders(raw.inputProviders, fail);
  const clusterObjects =
    raw.clusterObjects === undefined || raw.clusterObjects === null
      ? undefined
      : parseClusterObjects(raw.clusterObjects, fail);
  const charts = raw.charts === undefined || raw.charts === null ? undefined : parseCharts(raw.charts, fail);
  return {
    file,
    ...(clusterObjects ? { clusterObjects } : {}),
    ...(charts ? { charts } : {}),
    ...(check ? { check } : {}),
    ...(promote ? { promote } : {}),
    ...(profile ? { profile } : {}),
    ...(inputProviders ? { inputProviders } : {}),
    clusters,
    discover: bool(raw.discover, "discover", clusters === undefined),
    sources,
    strict: raw.strict === undefined || raw.strict === null ? undefined : bool(raw.strict, "strict", true),
    ...(raw.kubernetes !== undefined && raw.kubernetes !== null
      ? { kubernetes: parseKubernetes(raw.kubernetes, "kubernetes", fail) }
      : {}),
  };
}

function parseKubernetes(raw: YamlValue, where: string, fail: (message: string) => never): KubernetesConfig {
  if (!isMap(raw)) return fail(`${where} must be a map`);
  for (const key of Object.keys(raw)) {
    if (!["version", "apiVersions"].includes(key)) fail(`${where}: unknown field '${key}'`);
  }
  const out: KubernetesConfig = { apiVersions: [] };
  if (raw.version !== undefined && raw.version !== null) {
    const v = typeof raw.version === "number" ? String(raw.version) : raw.version;
    if (typeof v !== "string" || !/^v?\d+\.\d+(\.\d+)?$/.test(v))
      fail(`${where}.version must be a Kubernetes version such as "1.33.0"`);
    out.version = v as string;
  }
  if (raw.apiVersions !== undefined && raw.apiVersions !== null) {
    if (!Array.isArray(raw.apiVersions) || raw.apiVersions.some((s) => typeof s !== "string" || s === ""))
      fail(`${where}.apiVersions must be a list of strings such as "monitoring.coreos.com/v1"`);
    out.apiVersions = raw.apiVersions as string[];
  }
  return out;
}

const SEVERITIES = ["error", "warning", "info", "off"];

function parseCheck(raw: YamlValue, fail: (message: string) => never): CheckConfig {
  if (!isMap(raw)) return fail("check must be a map");
  for (const key of Object.keys(raw)) {
    if (!["rules", "schemaDirs"].includes(key)) fail(`check: unknown field '${key}'`);
  }
  const strings = (v: YamlValue | undefined, where: string): string[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((s) => typeof s !== "string" || s === ""))
      return fail(`${where} must be a list of non-empty strings`);
    return v as string[];
  };
  const rules: Record<string, CheckRuleConfig> = {};
  if (raw.rules !== undefined && raw.rules !== null) {
    if (!isMap(raw.rules)) fail("check.rules must be a map of rule id to settings");
    for (const [id, r] of Object.entries(raw.rules as Record<string, YamlValue>)) {
      const where = `check.rules.${id}`;
      // `rule-id: off` is shorthand for `{ severity: off }`.
      const settings =
        typeof r === "string" || typeof r === "boolean" ? { severity: r === false ? "off" : r } : r;
      if (settings !== null && !isMap(settings)) fail(`${where} must be a map`);
      const m = (settings ?? {}) as Record<string, YamlValue>;
      for (const key of Object.keys(m)) {
        if (!["severity", "exclude", "options"].includes(key)) fail(`${where}: unknown field '${key}'`);
      }
      const rule: CheckRuleConfig = { exclude: strings(m.exclude, `${where}.exclude`), options: {} };
      if (m.severity !== undefined && m.severity !== null) {
        if (typeof m.severity !== "string" || !SEVERITIES.includes(m.severity))
          fail(`${where}.severity must be one of ${SEVERITIES.join(", ")}`);
        rule.severity = m.severity as CheckSeverityConfig;
      }
      if (m.options !== undefined && m.options !== null) {
        if (!isMap(m.options)) fail(`${where}.options must be a map`);
        rule.options = m.options as Record<string, unknown>;
      }
      rules[id] = rule;
    }
  }
  return {
    rules,
    schemaDirs: strings(raw.schemaDirs, "check.schemaDirs").map(normalizeRelative),
  };
}

function parsePromote(raw: YamlValue, fail: (message: string) => never): PromoteConfig {
  if (!isMap(raw)) return fail("promote must be a map");
  for (const key of Object.keys(raw)) if (key !== "apps") fail(`promote: unknown field '${key}'`);
  const apps: PromoteConfig["apps"] = {};
  if (raw.apps === undefined || raw.apps === null) return { apps };
  if (!isMap(raw.apps)) return fail("promote.apps must be a map of app name to settings");
  for (const [app, settings] of Object.entries(raw.apps)) {
    const where = `promote.apps.${app}`;
    if (!isMap(settings)) return fail(`${where} must be a map`);
    for (const key of Object.keys(settings)) if (key !== "values") fail(`${where}: unknown field '${key}'`);
    const values = settings.values ?? [];
    if (!Array.isArray(values) || values.some((v) => typeof v !== "string" || v === ""))
      return fail(`${where}.values must be a list of values paths (image.tag)`);
    apps[app] = { values: values as string[] };
  }
  return { apps };
}

function parseCharts(raw: YamlValue, fail: (message: string) => never): { mirrors: ChartMirror[] } {
  if (!isMap(raw)) return fail("charts must be a map");
  for (const key of Object.keys(raw)) if (key !== "mirrors") fail(`charts: unknown field '${key}'`);
  const list = raw.mirrors ?? [];
  if (!Array.isArray(list)) return fail("charts.mirrors must be a list of {from, to}");
  const mirrors = list.map((m, i) => {
    const where = `charts.mirrors[${i}]`;
    if (!isMap(m)) return fail(`${where} must be a map`);
    for (const key of Object.keys(m)) {
      if (!["from", "to", "insecure"].includes(key)) fail(`${where}: unknown field '${key}'`);
    }
    for (const key of ["from", "to"]) {
      const v = m[key];
      if (typeof v !== "string" || !/^(https?|oci):\/\/[^/]+/i.test(v))
        fail(`${where}.${key} must be an http://, https:// or oci:// URL`);
    }
    const from = m.from as string;
    const to = m.to as string;
    if (from.toLowerCase().startsWith("oci://") !== to.toLowerCase().startsWith("oci://"))
      fail(`${where}: an oci:// location can only be mirrored to another oci:// location`);
    if (m.insecure !== undefined && m.insecure !== null && typeof m.insecure !== "boolean")
      fail(`${where}.insecure must be true or false`);
    return { from, to, insecure: m.insecure === true };
  });
  return { mirrors };
}

function parseInputProviders(raw: YamlValue, fail: (message: string) => never): InputProviderFile[] {
  if (!Array.isArray(raw)) return fail("inputProviders must be a list");
  return raw.map((p, i) => {
    const where = `inputProviders[${i}]`;
    if (!isMap(p)) return fail(`${where} must be a map`);
    for (const key of Object.keys(p)) {
      if (!["namespace", "name", "file"].includes(key)) fail(`${where}: unknown field '${key}'`);
    }
    for (const key of ["namespace", "name", "file"]) {
      if (typeof p[key] !== "string" || p[key] === "") fail(`${where}.${key} must be a non-empty string`);
    }
    return {
      namespace: p.namespace as string,
      name: p.name as string,
      file: normalizeRelative(p.file as string),
    };
  });
}

/** `./clusters/dev/` → `clusters/dev`; `.` stays `.`. */
export function normalizeRelative(p: string): string {
  const n = path.posix.normalize(p.replace(/\\/g, "/")).replace(/\/+$/, "");
  return n === "" ? "." : n.replace(/^\.\//, "");
}

/**
 * `slipway.yaml` comes from the pull request like everything else: the directories it names
 * (cluster paths and source roots, mapped sources, schema directories) must resolve, links
 * included, in or below the repository root or a directory the person running Slipway allowed
 * (`--allow-path`). Entries that do not are dropped, each with an error naming the field.
 */
export function confineConfig(
  config: SlipwayConfig,
  root: string,
  fs: FileSystem,
  allowed: readonly string[] = [],
): { config: SlipwayConfig; errors: SlipwayError[] } {
  const errors: SlipwayError[] = [];
  const real = (p: string): string => {
    try {
      return fs.realPath(p);
    } catch {
      return p;
    }
  };
  const roots = [root, ...allowed].map((r) => real(path.posix.resolve(root, r)));
  const inside = (rel: string) => {
    const abs = real(path.posix.resolve(root, rel));
    return roots.some((r) => abs === r || abs.startsWith(r === "/" ? "/" : `${r}/`));
  };
  const refuse = (field: string, value: string) => {
    errors.push(
      new SlipwayError(
        `${CONFIG_FILE}: ${field} '${value}' is outside the repository (run with --allow-path DIR to allow it)`,
        { file: config.file },
      ),
    );
    return false;
  };
  const out: SlipwayConfig = { ...config, sources: [] };
  if (config.clusters) {
    out.clusters = config.clusters.filter(
      (c, i) =>
        (inside(c.sourceRoot) || refuse(`clusters[${i}].sourceRoot`, c.sourceRoot)) &&
        (inside(path.posix.join(c.sourceRoot, c.path)) || refuse(`clusters[${i}].path`, c.path)) &&
        (inside(c.path) || refuse(`clusters[${i}].path`, c.path)),
    );
  }
  out.sources = config.sources.filter((s, i) => inside(s.path) || refuse(`sources[${i}].path`, s.path));
  if (config.check) {
    out.check = {
      ...config.check,
      schemaDirs: config.check.schemaDirs.filter((d, i) => inside(d) || refuse(`check.schemaDirs[${i}]`, d)),
    };
  }
  return { config: out, errors };
}
