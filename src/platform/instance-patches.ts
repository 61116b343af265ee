/**
 * flux-operator builds a FluxInstance's sync objects with its `spec.kustomize.patches`, as it
 * builds the controllers (fluxoperator.dev, "Flux Instance Customization"): a patch that targets
 * the sync Kustomization is how a FluxInstance gives it `decryption`, which the FluxInstance's
 * own fields cannot. The root Kustomization Slipway makes for a FluxInstance gets the same
 * patches, applied by Slipway's kustomize, so that its SOPS Secrets are decrypted as Flux does.
 */
import { MemoryFileSystem } from "../fs/filesystem.js";
import { buildResources } from "../kustomize/build.js";
import { isMap, type KObject, type YamlMap, type YamlValue } from "../kustomize/types.js";
import { emitYaml } from "../yaml/index.js";
import { parseYaml } from "../yaml/parse.js";

const KUSTOMIZE_GROUP = "kustomize.toolkit.fluxcd.io";

/**
 * The patches that can apply to the sync Kustomization: a target of kind Kustomization (or of
 * Flux's kustomize group with no kind), or a strategic merge patch without a target that is a
 * Kustomization. Those for the controllers (Deployments, ServiceAccounts) and for the source are
 * left out, as are patches read from a file (flux-operator takes inline patches only).
 */
export function syncKustomizationPatches(patches: readonly YamlValue[]): YamlMap[] {
  return patches.filter((p): p is YamlMap => {
    if (!isMap(p) || typeof p.patch !== "string") return false;
    if (isMap(p.target)) {
      const kind = p.target.kind;
      return kind === "Kustomization" || (kind === undefined && p.target.group === KUSTOMIZE_GROUP);
    }
    if (p.target !== undefined) return false;
    try {
      const doc = parseYaml(p.patch, "patch");
      return isMap(doc) && doc.kind === "Kustomization";
    } catch {
      return false;
    }
  });
}

/** `root` with the patches of `patches` that target it applied, or why they do not apply. */
export function patchInstanceRoot(
  root: KObject,
  patches: readonly YamlValue[],
): { object: KObject } | { error: string } {
  const mine = syncKustomizationPatches(patches);
  if (mine.length === 0) return { object: root };
  const fs = new MemoryFileSystem({
    "/instance/root.yaml": emitYaml(root),
    "/instance/kustomization.yaml": emitYaml({
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      resources: ["root.yaml"],
      patches: mine,
    }),
  });
  try {
    const built = buildResources("/instance", { fs });
    const object = built[0]?.obj;
    return built.length === 1 && isMap(object)
      ? { object: object as KObject }
      : { error: "the build gave no single object" };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
