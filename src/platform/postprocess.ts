/**
 * What kustomize-controller does to each built object before applying it (SPEC §1 steps 7–10):
 * decryption (a hook: SOPS is a separate module), post-build substitution, the re-read that
 * expands Lists and drops kustomize Kustomization documents, the name/kind/apiVersion check,
 * owner labels and `spec.commonMetadata`. Owner labels and commonMetadata come after
 * substitution and are never substituted.
 */

import { SlipwayError } from "../errors.js";
import {
  gvkString,
  isSubstitutionDisabled,
  type PostBuildSettings,
  substituteResource,
} from "../flux/postbuild.js";
import { cloneValue } from "../kustomize/clone.js";
import type { Resource } from "../kustomize/resource.js";
import { isMap, type KObject, type YamlMap, type YamlValue } from "../kustomize/types.js";
import { kindSecretPaths, SecretIdentityError, secretIdentityField } from "../secrets/kinds.js";
import { SecretPaths, unionSecrets } from "../secrets/paths.js";
import { emitYaml, parseYaml } from "../yaml/index.js";
import { groupOf, metaString, specOf } from "./flux-objects.js";
import type { PlatformErrorCode } from "./model.js";
import { secretTextMarks } from "./secret-text.js";

export const OWNER_NAME_LABEL = "kustomize.toolkit.fluxcd.io/name";
export const OWNER_NAMESPACE_LABEL = "kustomize.toolkit.fluxcd.io/namespace";

export interface ProcessedObject {
  object: KObject;
  /** The built resource it came from (for its source location). */
  from: Resource;
  /**
   * Its secret fields: marked during the build, decrypted by SOPS, written by substitution
   * from a secret variable, and a Secret's data.
   */
  secrets?: SecretPaths;
  /**
   * The part of `secrets` whose value is secret to a reader of the repository: marked in the
   * build, decrypted, or substituted from a secret variable. The rest (a Secret's data written
   * in clear in Git) is masked all the same, but no message is withheld for quoting it.
   */
  secretOrigin?: SecretPaths;
}

export interface PostProcessResult {
  objects: ProcessedObject[];
  /**
   * One per cause. Flux stops at the first failing object; Slipway reports every distinct
   * problem once (the first object that has it, with how many more do), so a missing
   * `substituteFrom` source is one error, not one per object.
   */
  errors: SlipwayError[];
  /** The variables of `settings.sealed` (ciphertext) that objects it returns were substituted with. */
  sealed?: Set<string>;
}

/** An error about a field of the Flux Kustomization itself, not about one built object. */
export class KustomizationFieldError extends SlipwayError {
  constructor(
    message: string,
    readonly field: Array<string | number>,
    readonly code?: PlatformErrorCode,
  ) {
    super(message);
  }
}

/**
 * Decrypts one built object; `secrets` are the fields it decrypted. No object: it stays
 * encrypted down to its kind and name, so nothing can be said of it (the hook reports why).
 */
export type DecryptObject = (object: KObject) => { object: KObject | undefined; secrets?: SecretPaths };

/**
 * `specSecrets`: the lower-cased forms of the values the Flux Kustomization's own spec holds from
 * a secret (its parent decrypted them; secretSpecStrings, secretForms). Its `patches`, `images`
 * and `commonMetadata` write them into the objects with nothing left to say where they came
 * from, so the objects are searched for them (secret-text.ts).
 */
export function postProcess(
  resources: Resource[],
  kustomization: KObject,
  settings: PostBuildSettings | undefined,
  decrypt: DecryptObject | undefined,
  specSecrets: readonly string[] = [],
): PostProcessResult {
  const out: ProcessedObject[] = [];
  const errors: SlipwayError[] = [];
  let sealed: Set<string> | undefined;
  const name = metaString(kustomization, "name");
  const namespace = metaString(kustomization, "namespace");
  const common = specOf(kustomization).commonMetadata;
  for (const r of resources) {
    const where = r.source ? { file: r.source.file, line: r.source.line } : undefined;
    if (settings?.loadError !== undefined && !isSubstitutionDisabled(r.obj)) {
      // The variables could not be loaded: Flux fails here, at the first object it substitutes.
      const message = `post build failed for '${gvkString(r.obj)}/${metaString(r.obj, "name")}': ${settings.loadError}`;
      const code = settings.loadErrorNotFound ? "SUBSTITUTE_SOURCE_NOT_FOUND" : undefined;
      errors.push(
        settings.loadErrorField
          ? new KustomizationFieldError(message, settings.loadErrorField, code)
          : new SlipwayError(message),
      );
      return { objects: [], errors };
    }
    try {
      let obj = cloneValue(r.obj);
      let origin = r.markedSecretPaths();
      let secrets = unionSecrets(origin, kindSecretPaths(r.obj));
      // Marks from the build (decrypted generator inputs and patches, replacements, vars) on an
      // identity field: a secret was copied there, and every output prints identities. Neither
      // kind nor name is quoted, as either may be the secret.
      const copied = secretIdentityField(secrets);
      if (copied !== undefined) {
        throw new SecretIdentityError(
          `an object's ${copied} holds a value copied from a secret (a decrypted input, a replacement or a var), which every output prints; Slipway does not render an object whose identity is secret`,
          where,
        );
      }
      if (decrypt) {
        const d = decrypt(obj);
        if (d.object === undefined) continue;
        obj = d.object;
        secrets = unionSecrets(secrets, d.secrets);
        origin = unionSecrets(origin, d.secrets);
      }
      if (settings && needsSubstitution(settings)) {
        const input = obj;
        const s = substituteResource(() => emitYaml(input), settings, parseYaml11, input, where, secrets);
        obj = s.object;
        secrets = s.secrets;
        if (s.substituted) origin = unionSecrets(origin?.existingIn(obj), s.fromSecretVariables);
        if (s.sealed) for (const v of s.sealed) (sealed ??= new Set()).add(v);
      }
      for (const [item, itemSecrets, itemOrigin] of expandList(obj, secrets, origin)) {
        if (isKustomizeConfig(item)) continue;
        checkIdentity(item, where, itemSecrets);
        setOwnerLabels(item, name, namespace);
        if (isMap(common)) applyCommonMetadata(item, common);
        const fromSpec = secretTextMarks(item, specSecrets);
        const specIdentity = secretIdentityField(fromSpec);
        if (specIdentity !== undefined) {
          throw new SecretIdentityError(
            `an object's ${specIdentity} holds a value the Flux Kustomization's own spec has from a secret, which every output prints; Slipway does not render an object whose identity is secret`,
            where,
          );
        }
        const marks = unionSecrets(unionSecrets(itemSecrets, fromSpec), kindSecretPaths(item));
        const origin = unionSecrets(itemOrigin, fromSpec);
        out.push(
          marks
            ? { object: item, from: r, secrets: marks, secretOrigin: origin ?? new SecretPaths() }
            : { object: item, from: r },
        );
      }
    } catch (err) {
      if (err instanceof SlipwayError) {
        errors.push(err.file ? err : err.withContext(err.message, where ?? {}));
      } else {
        throw err;
      }
    }
  }
  return { objects: out, errors: onePerCause(errors), ...(sealed ? { sealed } : {}) };
}

const OBJECT_PREFIX = /^post build failed for '[^']*': /;

/** Errors that differ only in the object they name are one problem: the first, counting the rest. */
function onePerCause(errors: SlipwayError[]): SlipwayError[] {
  const byCause = new Map<string, { first: SlipwayError; more: number }>();
  for (const e of errors) {
    const cause = e.message.replace(OBJECT_PREFIX, "");
    const seen = byCause.get(cause);
    if (seen) seen.more++;
    else byCause.set(cause, { first: e, more: 0 });
  }
  // The count keeps the first error's kind: a SecretIdentityError stays a warning of Slipway's
  // limit, a StrictSubstitutionError keeps whether its strictness was assumed.
  return [...byCause.values()].map(({ first, more }) =>
    more === 0
      ? first
      : first.withContext(
          `${first.message} (and ${more} more object${more === 1 ? "" : "s"} of this Kustomization fail the same way)`,
        ),
  );
}

/** Avoids re-serialising objects that substitution would leave alone anyway. */
function needsSubstitution(settings: PostBuildSettings): boolean {
  // Open sources: an object named by a variable they may hold is refused (substituteResource).
  if (settings.loadError !== undefined || settings.open !== undefined) return true;
  return Object.keys(settings.vars).length > 0 || settings.always;
}

/**
 * sigs.k8s.io/yaml's YAMLToJSON, as Flux re-reads a substituted object: go-yaml v2 resolution
 * (yes/no/on/off/y/n booleans, 0755 octal, `.` and `._` stay text), timestamps kept as their
 * text, duplicate keys tolerated, NaN and infinities refused (JSON has none).
 */
export function parseYaml11(text: string): YamlValue {
  return parseYaml(text, "<post-build>", { allowDuplicateKeys: true, yamlToJson: true });
}

/**
 * ssa ReadObjects (fluxcd/pkg ssa/utils/object.go) on one decoded object: apimachinery's
 * Unstructured.IsList is true for ANY object whose top-level `items` is a list, whatever its
 * kind (kustomize has already inlined `*List` kinds, so what reaches here is e.g. a custom
 * resource with an `items` field), and EachListItem replaces it by its items. An item that is
 * not a map fails the read (Go's "items member is not an object"). Undefined: not a list.
 */
export function readObjectsItems(obj: KObject): KObject[] | undefined {
  if (!Array.isArray(obj.items)) return undefined;
  return obj.items.map((item, i) => {
    if (isMap(item)) return item;
    throw new SlipwayError(
      `failed to read objects: items member is not an object: ${String(obj.kind)}/${metaString(obj, "name")} has a top-level 'items' list, which Flux reads as a List, and items[${i}] is not a map`,
    );
  });
}

/** ssa ReadObjects: a List is replaced by its items (marks follow them). */
function expandList(
  obj: KObject,
  secrets: SecretPaths | undefined,
  origin: SecretPaths | undefined,
): Array<[KObject, SecretPaths | undefined, SecretPaths | undefined]> {
  const items = readObjectsItems(obj);
  if (items === undefined) return [[obj, secrets, origin]];
  return items.map((item, i) => [item, secrets?.under(["items", i]), origin?.under(["items", i])]);
}

function isKustomizeConfig(obj: KObject): boolean {
  return obj.kind === "Kustomization" && groupOf(obj) === "kustomize.config.k8s.io";
}

function checkIdentity(
  obj: KObject,
  where: { file?: string; line?: number } | undefined,
  secrets: SecretPaths | undefined,
): void {
  if (obj.apiVersion && obj.kind && metaString(obj, "name")) return;
  // An object with secret fields is not quoted.
  const text =
    secrets && !secrets.isEmpty()
      ? "(an object holding secret values, not shown)"
      : emitYaml(obj).trimEnd().split("\n").slice(0, 6).join(" ");
  throw new SlipwayError(`failed to decode Kubernetes apiVersion, kind and name from: ${text}`, where);
}

function metadataOf(obj: KObject): YamlMap {
  if (!isMap(obj.metadata)) obj.metadata = {};
  return obj.metadata as YamlMap;
}

function mapField(m: YamlMap, field: "labels" | "annotations"): YamlMap {
  if (!isMap(m[field])) m[field] = {};
  return m[field] as YamlMap;
}

function setOwnerLabels(obj: KObject, name: string, namespace: string): void {
  const labels = mapField(metadataOf(obj), "labels");
  labels[OWNER_NAME_LABEL] = name;
  labels[OWNER_NAMESPACE_LABEL] = namespace;
}

function applyCommonMetadata(obj: KObject, common: YamlMap): void {
  for (const field of ["labels", "annotations"] as const) {
    const extra = common[field];
    if (!isMap(extra) || Object.keys(extra).length === 0) continue;
    const target = mapField(metadataOf(obj), field);
    for (const [k, v] of Object.entries(extra)) target[k] = typeof v === "string" ? v : String(v ?? "");
  }
}
