/**
 * The controller profile: which Flux a cluster runs and how its controllers are configured,
 * as far as rendering depends on it. Flux behaviour changed across minors (strict post-build
 * substitution is the default from kustomize-controller 1.9 / Flux 2.9; helm-controller uses
 * Helm 4 and sends hooks to post-renderers from 1.5 / Flux 2.8; beta APIs stopped being
 * served in 2.7 and 2.8) and some of it sits behind feature gates (`--feature-gates` of
 * kustomize-controller and helm-controller: kc/hc internal/features/features.go).
 *
 * Where it comes from, first match wins: slipway.yaml `profile:`; the cluster's own Flux
 * installation as rendered — a Flux Operator `FluxInstance` (`spec.distribution.version`,
 * `spec.components`) or `flux install`/bootstrap manifests (the `app.kubernetes.io/version`
 * label of `app.kubernetes.io/part-of: flux` objects, controller Deployments' `--feature-gates`);
 * otherwise Flux 2.9.
 */
import { isMap, type KObject, type YamlValue } from "../kustomize/types.js";
import { parseConstraints, parseVersion } from "../semver/index.js";

export const DEFAULT_FLUX_MINOR = "2.9";
/** The newest Flux minor whose behaviour Slipway knows; newer versions are treated as this one. */
export const NEWEST_KNOWN_MINOR = "2.9";
const OLDEST_KNOWN_MINOR = "2.0";

export type PostRenderStrategy = "nohooks" | "combined" | "separate";

export type ProfileOrigin = "slipway.yaml" | "FluxInstance" | "flux-install" | "flux-manifests" | "default";

export interface ControllerProfile {
  /** The Flux version as declared ("2.x", "v2.7.3", "2.9"). */
  version: string;
  /** The Flux minor whose semantics apply ("2.9"). */
  minor: string;
  /** Where the version came from, with the object or file that says so. */
  origin: ProfileOrigin;
  originAt?: { file: string; line: number };
  /**
   * With origin "default": the FluxInstance (or install manifests) the cluster has, which name no
   * version Slipway can read (a flux-instance release whose values leave the version to a chart
   * that is not in the chart cache, a Flux 1 label).
   */
  unversioned?: { origin: DetectedFlux["origin"]; at?: { file: string; line: number } };
  /** Feature gates of kustomize-controller and helm-controller, defaults filled in. */
  featureGates: Record<string, boolean>;
  /** Gates set explicitly (slipway.yaml or a controller's --feature-gates), for display. */
  explicitGates: string[];
  /** helm-controller's default `spec.postRenderStrategy`. */
  postRenderStrategy: PostRenderStrategy;
  /** Flux components installed, when known (FluxInstance spec.components, install manifests). */
  components?: string[];
}

/** What slipway.yaml's `profile:` section says; every field optional. */
export interface ProfileConfig {
  flux?: string;
  featureGates?: Record<string, boolean>;
  postRenderStrategy?: PostRenderStrategy;
}

/** Gate defaults by the Flux minor they changed in (opt-in gates default false everywhere). */
const GATE_DEFAULTS: Record<string, (minor: string) => boolean> = {
  // kustomize-controller: opt-out from v1.9 (Flux 2.9).
  StrictPostBuildSubstitutions: (m) => compareMinor(m, "2.9") >= 0,
  ExternalArtifact: () => false,
  AdditiveCELDependencyCheck: () => false,
  CancelHealthCheckOnNewRevision: () => false,
  DisableChartDigestTracking: () => false,
  UseHelm3Defaults: () => false,
  DefaultToRetryOnFailure: () => false,
  AllowDNSLookups: () => false,
  DisableFailFastBehavior: () => false,
};

export const KNOWN_FEATURE_GATES = Object.keys(GATE_DEFAULTS);

/** -1, 0, 1 comparing "2.7" and "2.10" numerically. */
export function compareMinor(a: string, b: string): number {
  const [am, an] = a.split(".").map(Number) as [number, number];
  const [bm, bn] = b.split(".").map(Number) as [number, number];
  return am !== bm ? Math.sign(am - bm) : Math.sign(an - bn);
}

/**
 * The Flux minor a declared version means: `v2.7.3`, `2.7` → 2.7; a range (what
 * FluxInstance `spec.distribution.version` holds: `2.x`, `2.7.x`, `>=2.5 <2.8`, `*`) → the
 * newest known minor it admits, which is what the operator installs. Undefined when it names
 * no Flux 2 version.
 */
export function fluxMinorOf(version: string): string | undefined {
  const v = version.trim();
  if (v === "" || v === "latest") return NEWEST_KNOWN_MINOR;
  if (/^v?\d+\.\d+(\.\d+)?([-+].*)?$/.test(v)) {
    try {
      const parsed = parseVersion(v);
      return clampMinor(`${parsed.major}.${parsed.minor}`);
    } catch {
      return undefined;
    }
  }
  let constraints: ReturnType<typeof parseConstraints>;
  try {
    constraints = parseConstraints(v);
  } catch {
    return undefined;
  }
  for (let minor = Number(NEWEST_KNOWN_MINOR.split(".")[1]); minor >= 0; minor--) {
    for (let patch = 0; patch <= 20; patch++) {
      if (constraints.check(parseVersion(`2.${minor}.${patch}`))) return `2.${minor}`;
    }
  }
  // A range beyond what Slipway knows (`>=3.0`) is a newer Flux.
  return constraints.check(parseVersion("99.0.0")) ? NEWEST_KNOWN_MINOR : undefined;
}

function clampMinor(m: string): string | undefined {
  // Flux v2 before 2.0 (`v0.36.0` in symbiontik's gotk-components.yaml) served the beta APIs and
  // substituted leniently, as 2.0 does.
  if (m.startsWith("0.")) return OLDEST_KNOWN_MINOR;
  if (!m.startsWith("2.")) return undefined;
  if (compareMinor(m, NEWEST_KNOWN_MINOR) > 0) return NEWEST_KNOWN_MINOR;
  if (compareMinor(m, OLDEST_KNOWN_MINOR) < 0) return OLDEST_KNOWN_MINOR;
  return m;
}

/** The profile of a cluster: explicit configuration over what its Flux installation says. */
export function resolveProfile(
  config: ProfileConfig | undefined,
  detected: DetectedFlux | undefined,
): ControllerProfile {
  let version = DEFAULT_FLUX_MINOR;
  let origin: ProfileOrigin = "default";
  let originAt: ControllerProfile["originAt"];
  if (config?.flux) {
    version = config.flux;
    origin = "slipway.yaml";
  } else if (detected?.version) {
    version = detected.version;
    origin = detected.origin;
    originAt = detected.at;
  }
  const read = fluxMinorOf(version);
  // A version Slipway cannot place (a Flux 1 label, a typo) says nothing: Flux 2.9 is assumed, as
  // with no version at all, so what depends on the version stays a warning.
  if (read === undefined && origin !== "slipway.yaml") {
    origin = "default";
    originAt = undefined;
  }
  const unversioned =
    origin === "default" && detected
      ? { origin: detected.origin, ...(detected.at ? { at: detected.at } : {}) }
      : undefined;
  const minor = read ?? DEFAULT_FLUX_MINOR;
  const featureGates: Record<string, boolean> = {};
  for (const [gate, dflt] of Object.entries(GATE_DEFAULTS)) featureGates[gate] = dflt(minor);
  const explicit = new Set<string>();
  const components = detected?.components;
  // flux bootstrap and the Flux Operator enable ExternalArtifact on kustomize-controller and
  // helm-controller whenever source-watcher is installed.
  if (components?.includes("source-watcher") || detected?.usesArtifactGenerators)
    featureGates.ExternalArtifact = true;
  for (const [gate, on] of Object.entries(detected?.featureGates ?? {})) {
    featureGates[gate] = on;
    explicit.add(gate);
  }
  for (const [gate, on] of Object.entries(config?.featureGates ?? {})) {
    featureGates[gate] = on;
    explicit.add(gate);
  }
  const postRenderStrategy =
    config?.postRenderStrategy ??
    (featureGates.UseHelm3Defaults || compareMinor(minor, "2.8") < 0 ? "nohooks" : "combined");
  return {
    version,
    minor,
    origin,
    ...(originAt ? { originAt } : {}),
    ...(unversioned ? { unversioned } : {}),
    featureGates,
    explicitGates: [...explicit].sort(),
    postRenderStrategy,
    ...(components ? { components } : {}),
  };
}

/** What a cluster's rendered objects say about the Flux it installs. */
export interface DetectedFlux {
  version?: string;
  origin: "FluxInstance" | "flux-install" | "flux-manifests";
  at?: { file: string; line: number };
  components?: string[];
  featureGates?: Record<string, boolean>;
  /** The cluster applies ArtifactGenerators, so source-watcher runs there. */
  usesArtifactGenerators?: boolean;
}

export interface ObjectWithSource {
  object: KObject;
  source?: { file: string; line: number };
}

const FLUX_CONTROLLERS = new Set([
  "source-controller",
  "kustomize-controller",
  "helm-controller",
  "notification-controller",
  "image-reflector-controller",
  "image-automation-controller",
  "source-watcher",
]);

/** Reads the Flux installation from a cluster's rendered objects; undefined when there is none. */
export function detectFlux(objects: Iterable<ObjectWithSource>): DetectedFlux | undefined {
  let instance: DetectedFlux | undefined;
  let install: DetectedFlux | undefined;
  let manifests: DetectedFlux | undefined;
  let generators = false;
  for (const { object, source } of objects) {
    const apiVersion = typeof object.apiVersion === "string" ? object.apiVersion : "";
    if (object.kind === "ArtifactGenerator" && apiVersion.startsWith("source.extensions.fluxcd.io/"))
      generators = true;
    if (object.kind === "FluxInstance" && apiVersion.startsWith("fluxcd.controlplane.io/")) {
      if (instance) continue;
      const spec = isMap(object.spec) ? object.spec : {};
      const version = distributionVersion(spec.distribution);
      instance = {
        origin: "FluxInstance",
        ...(version !== undefined ? { version } : {}),
        ...(source ? { at: source } : {}),
        ...(Array.isArray(spec.components) ? { components: spec.components.map(String) } : {}),
      };
      continue;
    }
    if (object.kind === "OCIRepository" && apiVersion.startsWith("source.toolkit.fluxcd.io/")) {
      manifests ??= fluxManifestsOf(object, source);
      continue;
    }
    const labels = labelsOf(object);
    if (labels["app.kubernetes.io/part-of"] !== "flux") continue;
    install ??= { origin: "flux-install", components: [] };
    const v = labels["app.kubernetes.io/version"];
    if (v && !install.version) {
      install.version = v;
      if (source) install.at = source;
    }
    if (object.kind === "Deployment" && apiVersion === "apps/v1") {
      const name = nameOf(object);
      if (FLUX_CONTROLLERS.has(name)) {
        install.components!.push(name);
        const gates = featureGatesOf(object);
        if (gates) install.featureGates = { ...(install.featureGates ?? {}), ...gates };
      }
    }
  }
  // Objects labelled part of Flux without a version (truxnell's PodMonitor for the controllers)
  // leave the version to the manifests' tag.
  if (install && !install.version && manifests?.version) {
    install.version = manifests.version;
    install.origin = "flux-manifests";
    if (manifests.at) install.at = manifests.at;
  }
  const found = instance ?? install ?? manifests;
  if (found && install?.components?.length === 0) delete install.components;
  if (!found) return generators ? { origin: "flux-install", usesArtifactGenerators: true } : undefined;
  if (generators) found.usesArtifactGenerators = true;
  return found;
}

/**
 * The Flux version a FluxInstance's `distribution` installs, as far as the repository says it. A
 * range across minors (`2.x`) is the newest release in the operator's manifests artifact: the
 * newest Flux Slipway knows for the default `:latest`, but an artifact pinned to a release
 * (`flux-operator-manifests:v0.38.1`, MatherlyNet's) holds the Flux of that day, which the
 * repository does not say.
 */
export function distributionVersion(distribution: YamlValue | undefined): string | undefined {
  const dist = isMap(distribution) ? distribution : {};
  if (typeof dist.version !== "string" || dist.version === "") return undefined;
  const artifact = typeof dist.artifact === "string" ? dist.artifact : "";
  const tag = /@sha256:|:[^/:]+$/.exec(artifact)?.[0];
  const pinned = tag !== undefined && tag !== ":latest";
  const oneMinor = /^v?\d+\.\d+(\.(\d+|x|\*))?$/.test(dist.version.trim());
  return pinned && !oneMinor ? undefined : dist.version;
}

/**
 * The Flux release an OCIRepository of Flux's install manifests pins (`oci://ghcr.io/fluxcd/flux-manifests`
 * at tag `v2.2.2`, which a Kustomization `flux` of the cluster applies: how onedr0p's older
 * template has Flux manage itself); the manifests are not in the repository to read labels from.
 */
function fluxManifestsOf(repo: KObject, source: ObjectWithSource["source"]): DetectedFlux | undefined {
  const spec = isMap(repo.spec) ? repo.spec : {};
  const url = typeof spec.url === "string" ? spec.url.trim().replace(/\/+$/, "") : "";
  if (url !== FLUX_MANIFESTS) return undefined;
  const ref = isMap(spec.ref) ? spec.ref : {};
  const version = typeof ref.tag === "string" ? ref.tag : typeof ref.semver === "string" ? ref.semver : "";
  if (version === "") return undefined;
  return { origin: "flux-manifests", version, ...(source ? { at: source } : {}) };
}

const FLUX_MANIFESTS = "oci://ghcr.io/fluxcd/flux-manifests";

/** `--feature-gates=A=true,B=false` of a Deployment's first container. */
function featureGatesOf(deploy: KObject): Record<string, boolean> | undefined {
  const spec = isMap(deploy.spec) ? deploy.spec : {};
  const tmpl = isMap(spec.template) ? spec.template : {};
  const pod = isMap(tmpl.spec) ? tmpl.spec : {};
  const containers = Array.isArray(pod.containers) ? pod.containers : [];
  let out: Record<string, boolean> | undefined;
  for (const c of containers) {
    if (!isMap(c) || !Array.isArray(c.args)) continue;
    for (const arg of c.args) {
      if (typeof arg !== "string" || !arg.startsWith("--feature-gates=")) continue;
      for (const pair of arg.slice("--feature-gates=".length).split(",")) {
        const [k, v] = pair.split("=");
        if (k && (v === "true" || v === "false")) (out ??= {})[k.trim()] = v === "true";
      }
    }
  }
  return out;
}

function labelsOf(obj: KObject): Record<string, string> {
  const md = isMap(obj.metadata) ? obj.metadata : {};
  const labels = isMap(md.labels) ? md.labels : {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (typeof v === "string") out[k] = v;
  return out;
}

function nameOf(obj: KObject): string {
  const md = isMap(obj.metadata) ? obj.metadata : {};
  return typeof md.name === "string" ? md.name : "";
}

/**
 * Why post-build substitution is strict under `profile`, for the strict-mode error: the Flux
 * version Slipway assumed and where it read it, or the setting that made it strict, so a user
 * can tell what to change when the cluster runs another Flux.
 */
export function strictSubstitutionReason(
  profile: ControllerProfile,
  config: ProfileConfig | undefined,
): string {
  const gate = "StrictPostBuildSubstitutions";
  if (profile.explicitGates.includes(gate)) {
    return config?.featureGates?.[gate] !== undefined
      ? `slipway.yaml profile.featureGates sets ${gate}: ${profile.featureGates[gate]}`
      : `kustomize-controller's --feature-gates sets ${gate}=${profile.featureGates[gate]}`;
  }
  const at = profile.originAt ? ` (${profile.originAt.file}:${profile.originAt.line})` : "";
  const version = JSON.stringify(profile.version);
  const unversioned = profile.unversioned;
  const unversionedAt = unversioned?.at ? ` (${unversioned.at.file}:${unversioned.at.line})` : "";
  const from: Record<ProfileOrigin, string> = {
    "slipway.yaml": `from slipway.yaml profile.flux ${version}`,
    FluxInstance: `from the FluxInstance's spec.distribution.version ${version}${at}`,
    "flux-install": `from the app.kubernetes.io/version label ${version} of the cluster's Flux install manifests${at}`,
    "flux-manifests": `from the tag ${version} of the OCIRepository of Flux's install manifests (${FLUX_MANIFESTS})${at}`,
    default:
      unversioned?.origin === "FluxInstance"
        ? `by default: the cluster's FluxInstance${unversionedAt} names no version Slipway can read`
        : unversioned !== undefined
          ? `by default: the cluster's Flux install manifests${unversionedAt} carry no version Slipway can read`
          : "by default: no FluxInstance, Flux install manifests or slipway.yaml profile.flux says which Flux the cluster runs",
  };
  return `Slipway assumes Flux ${profile.minor} ${from[profile.origin]}, whose kustomize-controller substitutes strictly by default (set profile.flux in slipway.yaml if the cluster runs another)`;
}

/** Decodes slipway.yaml's `profile:` section; throws with a message naming the field. */
export function decodeProfileConfig(raw: YamlValue, fail: (message: string) => never): ProfileConfig {
  if (raw === null) return {};
  if (!isMap(raw)) return fail("profile must be a map");
  const out: ProfileConfig = {};
  for (const key of Object.keys(raw)) {
    if (!["flux", "featureGates", "postRenderStrategy"].includes(key)) fail(`unknown field 'profile.${key}'`);
  }
  if (raw.flux !== undefined && raw.flux !== null) {
    const v = typeof raw.flux === "number" ? String(raw.flux) : raw.flux;
    if (typeof v !== "string" || fluxMinorOf(v) === undefined) {
      fail(
        `profile.flux must be a Flux 2 version such as "2.9" or "v2.7.3" (got ${JSON.stringify(raw.flux)})`,
      );
    }
    out.flux = v as string;
  }
  if (raw.featureGates !== undefined && raw.featureGates !== null) {
    if (!isMap(raw.featureGates)) fail("profile.featureGates must be a map of gate name to true/false");
    const gates: Record<string, boolean> = {};
    for (const [k, v] of Object.entries(raw.featureGates as Record<string, YamlValue>)) {
      if (typeof v !== "boolean") fail(`profile.featureGates.${k} must be true or false`);
      if (!KNOWN_FEATURE_GATES.includes(k)) {
        fail(
          `profile.featureGates.${k} is not a feature gate Slipway knows (${KNOWN_FEATURE_GATES.join(", ")})`,
        );
      }
      gates[k] = v as boolean;
    }
    out.featureGates = gates;
  }
  if (raw.postRenderStrategy !== undefined && raw.postRenderStrategy !== null) {
    const v = raw.postRenderStrategy;
    if (v !== "nohooks" && v !== "combined" && v !== "separate") {
      fail("profile.postRenderStrategy must be one of nohooks, combined, separate");
    }
    out.postRenderStrategy = v as PostRenderStrategy;
  }
  return out;
}
