/**
 * `.Capabilities` of `helm template` (Helm 4.1.4 pkg/chart/common/capabilities.go): Kubernetes
 * v1.35.0 (client-go v0.35 + 1 major), the API versions client-go's scheme knows (the exact list of
 * Helm 4.1.4, in its order, `apiextensions.k8s.io` included), extended with `--api-versions`, and
 * Helm's build info. `--kube-version` is parsed as k8s.io/apimachinery's ParseGeneric.
 */
import { type GoMethod, type GoObject, type GoValue, NO_FIELD, sliceOf } from "./template/value.js";

/** scheme.Scheme.PrioritizedVersionsAllGroups() of client-go v0.35 plus apiextensions v1beta1, v1. */
export const DEFAULT_API_VERSIONS: readonly string[] = [
  "v1",
  "admissionregistration.k8s.io/v1",
  "admissionregistration.k8s.io/v1alpha1",
  "admissionregistration.k8s.io/v1beta1",
  "internal.apiserver.k8s.io/v1alpha1",
  "apps/v1",
  "apps/v1beta1",
  "apps/v1beta2",
  "authentication.k8s.io/v1",
  "authentication.k8s.io/v1alpha1",
  "authentication.k8s.io/v1beta1",
  "authorization.k8s.io/v1",
  "authorization.k8s.io/v1beta1",
  "autoscaling/v1",
  "autoscaling/v2",
  "autoscaling/v2beta1",
  "autoscaling/v2beta2",
  "batch/v1",
  "batch/v1beta1",
  "certificates.k8s.io/v1",
  "certificates.k8s.io/v1beta1",
  "certificates.k8s.io/v1alpha1",
  "coordination.k8s.io/v1alpha2",
  "coordination.k8s.io/v1beta1",
  "coordination.k8s.io/v1",
  "discovery.k8s.io/v1",
  "discovery.k8s.io/v1beta1",
  "events.k8s.io/v1",
  "events.k8s.io/v1beta1",
  "extensions/v1beta1",
  "flowcontrol.apiserver.k8s.io/v1",
  "flowcontrol.apiserver.k8s.io/v1beta1",
  "flowcontrol.apiserver.k8s.io/v1beta2",
  "flowcontrol.apiserver.k8s.io/v1beta3",
  "networking.k8s.io/v1",
  "networking.k8s.io/v1beta1",
  "node.k8s.io/v1",
  "node.k8s.io/v1alpha1",
  "node.k8s.io/v1beta1",
  "policy/v1",
  "policy/v1beta1",
  "rbac.authorization.k8s.io/v1",
  "rbac.authorization.k8s.io/v1beta1",
  "rbac.authorization.k8s.io/v1alpha1",
  "resource.k8s.io/v1",
  "resource.k8s.io/v1beta2",
  "resource.k8s.io/v1beta1",
  "resource.k8s.io/v1alpha3",
  "scheduling.k8s.io/v1alpha1",
  "scheduling.k8s.io/v1beta1",
  "scheduling.k8s.io/v1",
  "storage.k8s.io/v1beta1",
  "storage.k8s.io/v1",
  "storage.k8s.io/v1alpha1",
  "storagemigration.k8s.io/v1beta1",
  "apiextensions.k8s.io/v1beta1",
  "apiextensions.k8s.io/v1",
];

/** Helm 4.1.4's version.BuildInfo as the oracle reports it. */
export const HELM_BUILD_INFO = {
  version: "v4.1.4",
  gitCommit: "05fa37973dc9e42b76e1d2883494c87174b6074f",
  gitTreeState: "clean",
  goVersion: "go1.25.9",
  kubeClientVersion: "v1.35",
} as const;

export interface KubeVersion {
  /** as given, with a `v` prefix (`v1.33.4-gke.1245000`) */
  version: string;
  /** `v<major>.<minor>.<patch>`: what constraints see and `{{ .Capabilities.KubeVersion }}` prints */
  normalized: string;
  major: string;
  minor: string;
}

export const DEFAULT_KUBE_VERSION: KubeVersion = {
  version: "v1.35.0",
  normalized: "v1.35.0",
  major: "1",
  minor: "35",
};

export class KubeVersionError extends Error {}

/**
 * common.ParseKubeVersion over k8s.io/apimachinery's version.ParseGeneric: optional spaces and
 * `v`, at least two dot-separated numeric components (the first without a leading zero),
 * anything after them ignored; `normalized` is `v` + the components as parsed.
 */
export function parseKubeVersion(text: string): KubeVersion {
  const m = /^\s*v?([0-9]+(?:\.[0-9]+)*)(.*)$/s.exec(text);
  if (!m) throw new KubeVersionError(`could not parse "${text}" as version`);
  const parts = (m[1] as string).split(".");
  if (parts.length < 2) throw new KubeVersionError(`illegal version string "${text}"`);
  if (parts[0] !== "0" && (parts[0] as string).startsWith("0")) {
    throw new KubeVersionError(`illegal zero-prefixed version component "${parts[0]}" in "${text}"`);
  }
  const nums = parts.map((p) => BigInt(p));
  for (const [i, n] of nums.entries()) {
    if (n > 0xffffffffffffffffn) {
      throw new KubeVersionError(
        `illegal non-numeric version component "${parts[i]}" in "${text}": value out of range`,
      );
    }
  }
  return {
    version: text.startsWith("v") ? text : `v${text}`,
    normalized: `v${nums.join(".")}`,
    major: String(nums[0]),
    minor: String(nums[1]),
  };
}

export interface CapabilitiesOptions {
  kubeVersion?: KubeVersion;
  /** `--api-versions` entries, added after the built-in list */
  apiVersions?: readonly string[];
  /** Told of every way a template observes the API versions (see ApiVersionsRead). */
  apiVersionsRead?: ApiVersionsRead;
}

/**
 * What a render learned of `.Capabilities.APIVersions`: the versions it asked `Has` about, and
 * whether it saw the whole list (printed, ranged, indexed, compared, `toYaml .Capabilities`).
 * A render that saw only `Has` answers renders the same with any list that gives the same
 * answers, so a caller that adds API versions (a second pass over a cluster's releases, once
 * CRDs templated by charts are known) re-renders only the releases whose answers change.
 */
export interface ApiVersionsRead {
  whole: boolean;
  has: Set<string>;
}

/** Whether a render that read `read` could render differently once `added` versions exist. */
export function apiVersionsReadChanges(
  read: { whole: boolean; has: Iterable<string> },
  added: ReadonlySet<string>,
): boolean {
  if (read.whole) return true;
  for (const v of read.has) if (added.has(v)) return true;
  return false;
}

function method(params: string[], call: (args: GoValue[]) => GoValue): GoMethod {
  return { params, call };
}

function struct(goType: string, fields: Record<string, GoValue>, extra: Partial<GoObject> = {}): GoObject {
  const names = Object.keys(fields);
  return {
    goType,
    goKind: goType.startsWith("*") ? "ptr" : "struct",
    field: (name) => (Object.hasOwn(fields, name) ? (fields[name] as GoValue) : NO_FIELD),
    method: () => undefined,
    fieldNames: () => names,
    ...extra,
  };
}

/** The `.Capabilities` object of a render. */
export function capabilitiesObject(opts: CapabilitiesOptions = {}): GoObject {
  const kv = opts.kubeVersion ?? DEFAULT_KUBE_VERSION;
  const apis = [...DEFAULT_API_VERSIONS, ...(opts.apiVersions ?? [])];
  const apiSet = new Set(apis);
  const read = opts.apiVersionsRead;
  // Every view of the whole list goes through here, so the recorder sees all a template saw.
  const wholeList = () => {
    if (read) read.whole = true;
    return sliceOf([...apis], "string");
  };
  const kubeVersion = struct(
    "common.KubeVersion",
    { Version: kv.version, Major: kv.major, Minor: kv.minor },
    {
      method: (name) => {
        if (name === "String") return method([], () => kv.normalized);
        if (name === "GitVersion") return method([], () => kv.version);
        return undefined;
      },
      goString: () => kv.normalized,
      // String has a pointer receiver: templates print v1.35.0, printf gets a copy and prints the struct.
      stringerNeedsAddress: true,
      fieldNames: () => ["Version", "normalizedVersion", "Major", "Minor"],
      fmtField: (name) =>
        name === "normalizedVersion"
          ? kv.normalized
          : name === "Version"
            ? kv.version
            : name === "Major"
              ? kv.major
              : kv.minor,
      field: (name) => {
        if (name === "Version") return kv.version;
        if (name === "Major") return kv.major;
        if (name === "Minor") return kv.minor;
        return NO_FIELD;
      },
      // normalizedVersion is unexported: encoding/json leaves it out.
      jsonFields: () => [
        ["Version", kv.version],
        ["Major", kv.major],
        ["Minor", kv.minor],
      ],
    },
  );
  const versionSet: GoObject = {
    goType: "common.VersionSet",
    goKind: "slice",
    field: () => NO_FIELD,
    method: (name) =>
      name === "Has"
        ? method(["string"], ([v]) => {
            read?.has.add(v as string);
            return apiSet.has(v as string);
          })
        : undefined,
    fmtValue: wholeList,
  };
  const buildInfo = struct(
    "version.BuildInfo",
    {
      Version: HELM_BUILD_INFO.version,
      GitCommit: HELM_BUILD_INFO.gitCommit,
      GitTreeState: HELM_BUILD_INFO.gitTreeState,
      GoVersion: HELM_BUILD_INFO.goVersion,
      KubeClientVersion: HELM_BUILD_INFO.kubeClientVersion,
    },
    {
      // BuildInfo's JSON tags (internal/version/version.go).
      jsonFields: () => [
        ["version", HELM_BUILD_INFO.version],
        ["git_commit", HELM_BUILD_INFO.gitCommit],
        ["git_tree_state", HELM_BUILD_INFO.gitTreeState],
        ["go_version", HELM_BUILD_INFO.goVersion],
        ["kube_client_version", HELM_BUILD_INFO.kubeClientVersion],
      ],
    },
  );
  return struct("*common.Capabilities", {
    KubeVersion: kubeVersion,
    APIVersions: versionSet,
    HelmVersion: buildInfo,
  });
}
