/**
 * A FluxInstance's `sync.path` with Flux variables in it (`kubernetes/clusters/${CLUSTER}/bootstrap`):
 * the instance (or the HelmRelease of the flux-instance chart holding it) is applied by a Flux
 * Kustomization whose `postBuild.substitute` fills the variables before flux-operator ever reads
 * the path. The scan reads the file as written, so the path is resolved here through the
 * Kustomizations of this repository that build the holder's folder, one path per such
 * Kustomization (a fleet shares one instance file and names each cluster in its own Kustomization).
 * Only inline `substitute` is read: a value from `substituteFrom` needs the cluster rendered first,
 * which needs this path.
 */
import * as path from "node:path";
import { EnvsubstError, substituteVariables } from "../flux/envsubst.js";
import { isMap } from "../kustomize/types.js";
import { normalizeRelative } from "./config.js";
import { sourceRefOf, specOf, stringField } from "./flux-objects.js";
import type { FluxDocument, InstanceSync, RepositoryScan } from "./scan.js";

export interface ResolvedSyncPath {
  /** The path with the variables substituted, as written (may start with `./`). */
  path: string;
  /** The Flux Kustomization whose substitutions filled it. */
  by: FluxDocument;
}

/** The paths `sync.path` becomes under each Kustomization here that applies its holder. */
export function resolveSyncPath(sync: InstanceSync, scan: RepositoryScan): ResolvedSyncPath[] {
  const holderDir = path.posix.dirname(sync.at.file);
  const out: ResolvedSyncPath[] = [];
  for (const k of scan.kustomizations) {
    const spec = specOf(k.object);
    // Only a GitRepository's path is a folder of this repository (an OCI artifact's `./` is not).
    if (sourceRefOf(k.object)?.kind !== "GitRepository") continue;
    if (!builds(builtDir(k), holderDir)) continue;
    const postBuild = spec.postBuild;
    const substitute = isMap(postBuild) ? postBuild.substitute : undefined;
    if (!isMap(substitute)) continue;
    const vars: Record<string, string> = {};
    for (const [name, value] of Object.entries(substitute)) if (typeof value === "string") vars[name] = value;
    let resolved: string;
    try {
      resolved = substituteVariables(sync.path, vars, { strict: true });
    } catch (err) {
      // This Kustomization does not define every variable of the path: it is not the one.
      if (err instanceof EnvsubstError) continue;
      throw err;
    }
    if (!out.some((r) => r.path === resolved)) out.push({ path: resolved, by: k });
  }
  return out;
}

/**
 * `sync` in the namespace it lives in. A holder written without a namespace (soulwhisper's
 * flux-instance HelmRelease) lands in the targetNamespace of the Flux Kustomization that applies
 * it (`gitops-system`), and flux-operator names the sync's source and Kustomization after it: read
 * as `flux-system`, the cluster's own GitRepository looked like another repository. Used when
 * every such Kustomization here agrees on one.
 */
export function inItsNamespace(sync: InstanceSync, scan: RepositoryScan): InstanceSync {
  if (!sync.namespaceAssumed) return sync;
  const holderDir = path.posix.dirname(sync.at.file);
  // The nearest build: `cluster-apps` building `./kubernetes/apps` reaches the holder's folder only
  // through the app's own Kustomization.
  let nearest = -1;
  const targets = new Set<string>();
  for (const k of scan.kustomizations) {
    const built = builtDir(k);
    if (!builds(built, holderDir) || built.length < nearest) continue;
    if (built.length > nearest) targets.clear();
    nearest = built.length;
    targets.add(stringField(specOf(k.object), "targetNamespace"));
  }
  const [namespace] = targets;
  if (targets.size !== 1 || !namespace) return sync;
  const name = sync.holder.slice(sync.holder.indexOf("/") + 1);
  return { ...sync, namespace, holder: `${namespace}/${name}`, name: sync.syncName || namespace };
}

/** The repository-relative folder a Flux Kustomization's `spec.path` names. */
function builtDir(k: FluxDocument): string {
  return normalizeRelative(stringField(specOf(k.object), "path").replace(/^\/+/, ""));
}

/** Whether a build of the folder `built` reads files of the folder `dir` (itself or below). */
function builds(built: string, dir: string): boolean {
  return built === "." || dir === built || dir.startsWith(`${built}/`);
}
