/**
 * Spec fields of an applier that become part of the identity of each object it makes: a Flux
 * Kustomization's targetNamespace, namePrefix and nameSuffix (kustomize-controller's generated
 * kustomization), a HelmRelease's targetNamespace and releaseName (the release namespace, and the
 * name charts give their objects; releaseName defaults to `<targetNamespace>-<name>`). A parent
 * that substitutes a secret variable there (or a placeholder for one an open Secret may hold,
 * marked the same way) puts the secret into namespaces and names, which every output prints and
 * none can mask: such an applier is not rendered, as substituteResource refuses one object whose
 * identity is secret (differs from Flux, which applies them). A placeholder namespace would also
 * have rules judge a namespace no cluster has (a false namespace-exists).
 */
import type { SecretPaths } from "../secrets/paths.js";

const KUSTOMIZATION_FIELDS = [
  ["targetNamespace", "namespace"],
  ["namePrefix", "name"],
  ["nameSuffix", "name"],
] as const;

const HELMRELEASE_FIELDS = [
  ["targetNamespace", "namespace"],
  ["releaseName", "name"],
] as const;

/** Why an applier with these secret marks is not rendered; undefined when no identity field is secret. */
export function secretIdentitySpec(
  kind: "Kustomization" | "HelmRelease",
  secrets: SecretPaths | undefined,
): string | undefined {
  if (!secrets) return undefined;
  const fields = kind === "Kustomization" ? KUSTOMIZATION_FIELDS : HELMRELEASE_FIELDS;
  const found = fields.find(([field]) => secrets.covers(["spec", field]));
  if (!found) return undefined;
  const [field, becomes] = found;
  const what = kind === "Kustomization" ? "each object it applies" : "the objects its chart renders";
  return `its spec.${field} comes from a secret (a variable its parent substitutes from a Secret, or one Slipway cannot read offline) and becomes the ${becomes} of ${what}, which every output prints: not rendered, as Slipway does not render an object whose identity is secret`;
}
