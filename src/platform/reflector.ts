/**
 * emberstack reflector (reflector.v1.k8s.emberstack.com), modelled narrowly: a Secret or ConfigMap
 * the repository applies with `reflection-allowed: "true"` and `reflection-auto-enabled: "true"`
 * is copied by reflector into every other namespace of the cluster that its
 * `reflection-allowed-namespaces` and `reflection-auto-namespaces` lists admit (no list: every
 * namespace). A Kustomization in such a namespace reads the copy (david-driscoll/equestria-cluster:
 * `cluster-secrets` in flux-system, the `postBuild.substituteFrom` of 21 Kustomizations in their own
 * namespaces), when the cluster runs reflector (installsReflector; load.ts also counts a part of
 * the cluster it cannot see). Only auto-mirrors are modelled; reflector's namespace label
 * selectors are not (a source that sets one and no name list is mirrored nowhere here: never a
 * copy the cluster lacks).
 */
import { isMap, type KObject } from "../kustomize/types.js";
import { GoRegexp } from "../re2.js";
import type { ClusterProducedSecret } from "./cluster-objects.js";
import { groupOf, metaString } from "./flux-objects.js";

const PREFIX = "reflector.v1.k8s.emberstack.com/";
const ALLOWED = `${PREFIX}reflection-allowed`;
const ALLOWED_NAMESPACES = `${PREFIX}reflection-allowed-namespaces`;
const AUTO_ENABLED = `${PREFIX}reflection-auto-enabled`;
const AUTO_NAMESPACES = `${PREFIX}reflection-auto-namespaces`;

/** The copies reflector makes of `obj` in other namespaces, if it is an auto-mirrored source. */
export function reflectorMirrors(obj: KObject): ClusterProducedSecret | undefined {
  // The kind first: this runs on every rendered object.
  if ((obj.kind !== "Secret" && obj.kind !== "ConfigMap") || groupOf(obj) !== "") return undefined;
  const annotations = annotationsOf(obj);
  if (!isTrue(annotations[ALLOWED]) || !isTrue(annotations[AUTO_ENABLED])) return undefined;
  const source = metaString(obj, "namespace");
  const name = metaString(obj, "name");
  if (source === "" || name === "") return undefined;
  const bySelector = Object.keys(annotations).some((k) => k.startsWith(PREFIX) && k.endsWith("-selector"));
  const admits = (list: string | undefined, namespace: string) =>
    list === undefined || list.trim() === "" ? !bySelector : patternListMatch(list, namespace);
  const copy = mirrorOf(obj);
  return {
    selects: (namespace) =>
      namespace !== source &&
      admits(annotations[ALLOWED_NAMESPACES], namespace) &&
      admits(annotations[AUTO_NAMESPACES], namespace),
    secretIn: (namespace) => ({
      secret: copy(namespace),
      open: false,
      producer: `reflector (a copy of ${obj.kind} ${source}/${name})`,
    }),
  };
}

/**
 * Whether `obj` installs reflector in its cluster: a HelmRelease of its chart (`reflector` from
 * emberstack's Helm repository, or an OCIRepository chartRef named for it), an OCIRepository of
 * that chart, or a workload running its image (`emberstack/kubernetes-reflector`). Without one,
 * the annotations copy nothing in a real cluster.
 */
export function installsReflector(obj: KObject): boolean {
  const group = groupOf(obj);
  const spec = isMap(obj.spec) ? obj.spec : {};
  if (obj.kind === "HelmRelease" && group === "helm.toolkit.fluxcd.io") {
    const template = isMap(spec.chart) && isMap(spec.chart.spec) ? spec.chart.spec : {};
    const chart = typeof template.chart === "string" ? template.chart : "";
    const ref = isMap(spec.chartRef) && typeof spec.chartRef.name === "string" ? spec.chartRef.name : "";
    return chart === "reflector" || chart.endsWith("/reflector") || ref.includes("reflector");
  }
  if (obj.kind === "OCIRepository" && group === "source.toolkit.fluxcd.io")
    return typeof spec.url === "string" && /\/reflector\/*$/.test(spec.url);
  if (group !== "apps" || !WORKLOADS.has(String(obj.kind))) return false;
  const pod = isMap(spec.template) && isMap(spec.template.spec) ? spec.template.spec : {};
  const containers = Array.isArray(pod.containers) ? pod.containers : [];
  return containers.some(
    (c) => isMap(c) && typeof c.image === "string" && c.image.includes("kubernetes-reflector"),
  );
}

const WORKLOADS = new Set(["Deployment", "DaemonSet", "StatefulSet"]);

/** The object reflector writes in `namespace`: the source's name and content. */
function mirrorOf(obj: KObject): (namespace: string) => KObject {
  const { metadata: _metadata, status: _status, ...content } = obj;
  return (namespace) => ({ ...content, metadata: { name: metaString(obj, "name"), namespace } });
}

function annotationsOf(obj: KObject): Record<string, string> {
  const a = isMap(obj.metadata) ? obj.metadata.annotations : undefined;
  if (!isMap(a)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) if (typeof v === "string") out[k] = v;
  return out;
}

/** .NET's bool.TryParse, which reflector reads the flags with: "true" in any case, blanks around. */
function isTrue(v: string | undefined): boolean {
  return v !== undefined && v.trim().toLowerCase() === "true";
}

/**
 * reflector's PatternListMatch: comma-separated patterns, each a regular expression whose first
 * match must be the whole namespace name (a plain name matches itself). The patterns come from
 * the repository, so they run on RE2 (src/re2.ts), linear in time: on a backtracking engine
 * `(a+)+$` against a namespace of thirty `a`s and a dash ran for minutes. RE2 and .NET find the
 * same first match (leftmost, alternatives in order). A pattern neither can read matches
 * nothing, as in reflector. One that only a backtracking engine runs (look-around,
 * back-references) counts as a match: whether reflector copies there is unknown, and assuming
 * no copy would report the copy's readers as missing it, an error that may be false.
 */
export function patternListMatch(list: string, value: string): boolean {
  return list
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "")
    .some((p) => {
      const re = compiledPattern(p);
      if (re === NEEDS_BACKTRACKING) return true;
      return re !== undefined && re.firstMatch(value) === value;
    });
}

const NEEDS_BACKTRACKING = Symbol("needs a backtracking engine");

function compiledPattern(p: string): GoRegexp | typeof NEEDS_BACKTRACKING | undefined {
  try {
    return GoRegexp.compile(p);
  } catch {
    // Compiling (never running) JavaScript's own engine tells a construct RE2 lacks from nonsense.
    try {
      new RegExp(p);
      return NEEDS_BACKTRACKING;
    } catch {
      return undefined;
    }
  }
}
