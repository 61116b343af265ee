/**
 * helm-controller's post-renderers (internal/postrender), in its order: each
 * `spec.postRenderers[].kustomize` (patches and images, run by a kustomize build over the
 * chart's output), then `spec.commonMetadata` labels and annotations, then the origin labels
 * `helm.toolkit.fluxcd.io/name|namespace` — the last two on `metadata` only, created when absent.
 */

import { MemoryFileSystem } from "../fs/filesystem.js";
import { buildResources } from "../kustomize/build.js";
import { cloneValue } from "../kustomize/clone.js";
import { parseApiVersion, resIdString } from "../kustomize/resid.js";
import { isMap, type KObject, type YamlMap } from "../kustomize/types.js";
import { emitYaml, emitYamlStream } from "../yaml/index.js";
import type { KustomizePostRenderer, ReleaseSpec } from "./spec.js";

export class PostRenderError extends Error {
  constructor(
    message: string,
    /** The error is about spec.postRenderers (a kustomize post-renderer), not the chart's output. */
    readonly inPostRenderers = true,
  ) {
    super(message);
  }
}

export const HELM_GROUP = "helm.toolkit.fluxcd.io";

/** The labels helm-controller puts on every object of a release (CRDs of `crds/` included). */
export function originLabels(hrNamespace: string, hrName: string): Record<string, string> {
  return { [`${HELM_GROUP}/name`]: hrName, [`${HELM_GROUP}/namespace`]: hrNamespace };
}

/** Runs one kustomize post-renderer over objects (kustomize-controller's builder: builtins only). */
export function runKustomize(objects: KObject[], pr: KustomizePostRenderer): KObject[] {
  if (pr.patches.length === 0 && pr.images.length === 0) return objects;
  const kustomization: YamlMap = {
    apiVersion: "kustomize.config.k8s.io/v1beta1",
    kind: "Kustomization",
    resources: ["helm-output.yaml"],
  };
  if (pr.images.length > 0) kustomization.images = pr.images;
  if (pr.patches.length > 0)
    kustomization.patches = pr.patches.map((p) => ({
      patch: p.patch,
      ...(p.target ? { target: p.target } : {}),
    }));
  const fs = new MemoryFileSystem({
    "/helm-postrender/kustomization.yaml": emitYaml(kustomization),
    "/helm-postrender/helm-output.yaml": emitYamlStream(objects),
  });
  try {
    return buildResources("/helm-postrender", { fs, order: "fifo" }).map((r) => r.obj);
  } catch (e) {
    const message = (e as Error).message.replace(/^\/helm-postrender\/[^:]*: /, "");
    throw new PostRenderError(`post-renderer (kustomize) fails: ${message}`);
  }
}

function setMetadataMap(obj: KObject, field: "labels" | "annotations", add: Record<string, string>): void {
  if (!isMap(obj.metadata)) obj.metadata = {};
  const meta = obj.metadata as YamlMap;
  const current = isMap(meta[field]) ? (meta[field] as YamlMap) : {};
  meta[field] = { ...current, ...add };
}

/** commonMetadata and origin labels (always), on objects owned by the caller. */
export function applyMetadata(objects: KObject[], spec: ReleaseSpec): void {
  const origin = originLabels(spec.namespace, spec.name);
  for (const obj of objects) {
    if (spec.commonMetadata?.labels) setMetadataMap(obj, "labels", spec.commonMetadata.labels);
    if (spec.commonMetadata?.annotations) setMetadataMap(obj, "annotations", spec.commonMetadata.annotations);
    setMetadataMap(obj, "labels", origin);
  }
}

/**
 * Every post-renderer of a release over `objects` (a new list; the input is not changed, unless
 * the caller gives the objects up with `owned`: they are then labelled in place when no
 * post-renderer made new ones — a release's freshly parsed output, which copying cost a cold
 * check of bjw-s home-ops ~7 ms and the collection of the copies).
 */
export function postRender(objects: KObject[], spec: ReleaseSpec, owned = false): KObject[] {
  // Every post-renderer of helm-controller reads the manifests into a kustomize ResMap (the
  // kustomize one through krusty, commonMetadata and origin labels through
  // NewResMapFromBytes, internal/postrender/transformer.go), and the origin-labels one always
  // runs: two objects with one id fail the release there, even where `helm template` prints both.
  // A kustomize post-renderer's own build refuses them first, with its wording.
  if (spec.postRenderers.length === 0) refuseDuplicateIds(objects);
  let out = objects;
  for (const pr of spec.postRenderers) out = runKustomize(out, pr);
  if (out === objects) out = owned ? [...objects] : objects.map((o) => cloneValue(o));
  applyMetadata(out, spec);
  return out;
}

/** resWrangler.Append's check over objects as written (no namespace filled in yet). */
function refuseDuplicateIds(objects: KObject[]): void {
  const seen = new Set<string>();
  for (const obj of objects) {
    const meta = isMap(obj.metadata) ? obj.metadata : {};
    const { group, version } = parseApiVersion(typeof obj.apiVersion === "string" ? obj.apiVersion : "");
    const id = {
      group,
      version,
      kind: typeof obj.kind === "string" ? obj.kind : "",
      name: typeof meta.name === "string" ? meta.name : "",
      namespace: typeof meta.namespace === "string" ? meta.namespace : "",
    };
    // kustomize compares namespaces with "" and "default" as one (ResId.IsNsEquals).
    const key = [id.group, id.version, id.kind, id.name, id.namespace || "default"].join("\0");
    if (seen.has(key)) {
      throw new PostRenderError(
        `post-renderer fails: may not add resource with an already registered id: ${resIdString(id)} (the chart renders this object twice)`,
        false,
      );
    }
    seen.add(key);
  }
}
