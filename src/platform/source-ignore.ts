/**
 * Which `spec.ignore` shapes the artifact a Flux Kustomization (or a HelmRelease's chart, or an
 * ArtifactGenerator) reads: the one of the source object its sourceRef names, as the cluster
 * holds it. source-controller applies it to GitRepository and OCIRepository artifacts
 * (reconcileArtifact of both) and to Bucket ones, so two sources of one repository with
 * different ignores give two different artifacts (src/fs/sourceignore.ts has the rules).
 *
 * The cluster holds the object its Kustomizations apply: the one rendered so far. The root
 * Kustomization is built before anything is rendered, so its source is read from the
 * repository's documents (the sync file's GitRepository), and the root is built again when its
 * own output applies the source with another ignore (load.ts, adoptSelfAppliedRoot).
 */
import * as path from "node:path";
import type { SpecIgnore } from "../fs/source-artifact.js";
import { isMap } from "../kustomize/types.js";
import { type FluxSource, type ObjectRef, type SourceLocation, sameObjectRef } from "./model.js";
import type { FluxDocument } from "./scan.js";

/** Source kinds whose artifact source-controller filters by spec.ignore. */
const IGNORING_KINDS = new Set(["GitRepository", "OCIRepository", "Bucket"]);

/** The spec.ignore of `obj` (a source object), named for messages; undefined when unset. */
export function specIgnoreOfObject(
  obj: unknown,
  ref: ObjectRef,
  at?: SourceLocation,
): SpecIgnore | undefined {
  if (!isMap(obj) || !isMap(obj.spec) || typeof obj.spec.ignore !== "string") return undefined;
  const where = at?.file ? ` (${at.file}${at.line ? `:${at.line}` : ""})` : "";
  return { text: obj.spec.ignore, source: `spec.ignore of ${ref.kind} ${ref.namespace}/${ref.name}${where}` };
}

/**
 * The spec.ignore of the source `ref` names: the rendered object's, else the repository
 * document's (preferring one in `preferFile`, then one below `clusterDir`; documents that
 * disagree give none, as Slipway cannot tell which the cluster holds).
 */
export function specIgnoreOf(
  ref: ObjectRef,
  rendered: readonly FluxSource[],
  documents: readonly FluxDocument[],
  prefer: { file?: string; clusterDir: string },
): SpecIgnore | undefined {
  if (!IGNORING_KINDS.has(ref.kind)) return undefined;
  const source = rendered.find((s) => sameObjectRef(s, ref));
  if (source) return specIgnoreOfObject(source.object, ref, source.definedAt);
  const named = documents.filter((d) => {
    const meta = d.object.metadata;
    return (
      d.object.kind === ref.kind &&
      isMap(meta) &&
      meta.name === ref.name &&
      (typeof meta.namespace === "string" && meta.namespace !== "" ? meta.namespace : "flux-system") ===
        ref.namespace
    );
  });
  const inFile = named.filter((d) => d.at.file === prefer.file);
  const below = named.filter((d) => isBelow(d.at.file, prefer.clusterDir));
  const chosen = inFile.length > 0 ? inFile : below.length > 0 ? below : named;
  const ignores = chosen.map((d) => specIgnoreOfObject(d.object, ref, d.at));
  const first = ignores[0];
  return ignores.every((i) => i?.text === first?.text) ? first : undefined;
}

function isBelow(file: string, dir: string): boolean {
  if (dir === "." || dir === "") return true;
  const rel = path.posix.relative(dir, file);
  return !rel.startsWith("../") && !path.posix.isAbsolute(rel);
}
