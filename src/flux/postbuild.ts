/**
 * Flux `spec.postBuild` as kustomize-controller v1.9.x applies it to each built resource
 * (../shared/flux/SPEC.md §5): variables from `substituteFrom` (ConfigMaps/Secrets of the
 * Kustomization's own namespace, in list order, later wins) then inline `substitute` (wins),
 * every "\n" removed from values; resources labelled or annotated
 * `kustomize.toolkit.fluxcd.io/substitute: disabled` are left alone; substitution runs on
 * kustomize's serialisation of ONE resource and the result is re-parsed as YAML 1.1, so a
 * value can change a scalar's type (`"${v}"` with v=123 becomes the number 123).
 */
import { SlipwayError } from "../errors.js";
import { isGoBase64 } from "../kustomize/generators/base64.js";
import { isMap, type KObject, type YamlValue } from "../kustomize/types.js";
import { SecretIdentityError, secretIdentityField } from "../secrets/kinds.js";
import { type SecretPaths, unionSecrets } from "../secrets/paths.js";
import { isEncryptedString } from "../sops/index.js";
import { serialisationRefuses } from "../yaml/index.js";
import { DEFAULT_OPS, EnvsubstError, substituteTracked } from "./envsubst.js";
import { parseTemplate, type Segment } from "./envsubst-parse.js";
import { pathsInRanges } from "./secret-ranges.js";

export const SUBSTITUTE_KEY = "kustomize.toolkit.fluxcd.io/substitute";
export const SUBSTITUTE_DISABLED = "disabled";

/** Flux's own spelling of the rule, used in its error message. */
export const VAR_NAME_PATTERN = "^[_[:alpha:]][_[:alpha:][:digit:]]*$";
const VAR_NAME = /^[_A-Za-z][_A-Za-z0-9]*$/;

export type VariableSourceKind = "ConfigMap" | "Secret";

export interface VariableSourceRef {
  kind: VariableSourceKind;
  name: string;
  /** Always the Flux Kustomization's namespace (not its targetNamespace). */
  namespace: string;
}

/** Finds a ConfigMap/Secret rendered in the same cluster; undefined when it does not exist. */
export type VariableSourceLookup = (ref: VariableSourceRef) => KObject | undefined;

export interface PostBuildSettings {
  /** The merged variables (empty when none). */
  vars: Record<string, string>;
  /**
   * Variables whose value is secret: from a Secret, from a ConfigMap field that is secret, or
   * an inline value that the parent substituted from one. Where they land is marked secret.
   */
  secretVars?: ReadonlySet<string>;
  /**
   * Variables whose value is still SOPS ciphertext (a Secret no key decrypted), each to the
   * Secret it came from (`namespace/name`); absent when none. Slipway substitutes the
   * ciphertext where Flux substitutes the plaintext.
   */
  sealed?: ReadonlyMap<string, string>;
  /** `StrictPostBuildSubstitutions`: true by default in kustomize-controller ≥ 1.9, false in `flux build`. */
  strict: boolean;
  /** `spec.postBuild.substituteStrategy: Always`: substitute (apply defaults) even with no variables. */
  always: boolean;
  /**
   * Why the variables could not be loaded. Flux loads them per resource, after the opt-out
   * check, so this fails only resources that are not opted out.
   */
  loadError?: string;
  /** The field of the Flux Kustomization to edit for `loadError` (`spec.postBuild.substituteFrom[i]`). */
  loadErrorField?: Array<string | number>;
  /** `loadError` is about a source that does not exist in the rendered cluster. */
  loadErrorNotFound?: boolean;
  /** PostBuildOptions.open. */
  open?: string[];
  /** PostBuildOptions.openValue. */
  openValue?: (variable: string) => string;
  /** PostBuildOptions.strictBecause. */
  strictBecause?: string;
  /** PostBuildOptions.strictAssumed. */
  strictAssumed?: boolean;
}

export interface PostBuildOptions {
  strict: boolean;
  /** `flux build --dry-run`: substituteFrom is skipped entirely. */
  skipSubstituteFrom?: boolean;
  /** The secret fields of a variable source (a ConfigMap field may hold a secret too). */
  sourceSecrets?: (source: KObject) => SecretPaths | undefined;
  /** The secret fields of the Flux Kustomization itself (its inline `substitute` values). */
  ownSecrets?: SecretPaths;
  /**
   * The sources read whose keys cannot all be known offline (an ExternalSecret's `dataFrom`), as
   * messages name them: a variable missing from `vars` may be one of theirs.
   */
  open?: string[];
  /**
   * The value a variable gets that `vars` lacks while `open` sources are read: a placeholder,
   * as for a Secret known only by its keys (an empty value would turn `server: ${HOST}` into
   * null, which Flux never applies).
   */
  openValue?: (variable: string) => string;
  /** Why `strict` is on (strictSubstitutionReason), added to a strict-mode failure. */
  strictBecause?: string;
  /**
   * `strict` comes from the Flux version Slipway assumes, as nothing names one (no FluxInstance,
   * install manifests, slipway.yaml profile or option): a strict-mode failure is then a
   * StrictSubstitutionError that says so.
   */
  strictAssumed?: boolean;
}

/**
 * Reads `spec.postBuild` of a Flux Kustomization; undefined when it has none (then Flux
 * does not substitute at all). Throws SlipwayError for a spec the Flux API would reject.
 */
export function postBuildSettings(
  kustomization: KObject,
  lookup: VariableSourceLookup,
  opts: PostBuildOptions,
): PostBuildSettings | undefined {
  const postBuild = postBuildOf(kustomization);
  if (postBuild === undefined) return undefined;
  const always = postBuild.substituteStrategy === "Always";
  const open = {
    ...(opts.open && opts.open.length > 0
      ? { open: opts.open, ...(opts.openValue ? { openValue: opts.openValue } : {}) }
      : {}),
    ...(opts.strict && opts.strictBecause ? { strictBecause: opts.strictBecause } : {}),
    ...(opts.strict && opts.strictAssumed ? { strictAssumed: true } : {}),
  };
  try {
    const { vars, secretVars, sealed } = collectVariablesWithSecrets(kustomization, lookup, opts);
    return { vars, secretVars, ...(sealed.size > 0 ? { sealed } : {}), strict: opts.strict, always, ...open };
  } catch (err) {
    if (!(err instanceof VariableSourceError)) throw err;
    return {
      vars: {},
      secretVars: new Set(),
      strict: opts.strict,
      always,
      loadError: err.message,
      loadErrorField: err.field,
      ...(err.notFound ? { loadErrorNotFound: true } : {}),
    };
  }
}

/**
 * A variable without a value or default under strict substitution (Flux: `envsubst error:
 * variable not set (strict mode)`). `assumed`: the strictness is that of the Flux version
 * Slipway assumes (PostBuildOptions.strictAssumed); an older Flux applies the object.
 */
export class StrictSubstitutionError extends SlipwayError {
  constructor(
    message: string,
    readonly assumed: boolean,
    where?: { file?: string; line?: number },
  ) {
    super(message, where);
    this.name = "StrictSubstitutionError";
  }
}

/** A substituteFrom source that is missing or unusable (Flux: `substitute from '…' error: …`). */
export class VariableSourceError extends SlipwayError {
  constructor(
    message: string,
    /** The `spec.postBuild.substituteFrom` entry of the Flux Kustomization that names the source. */
    readonly field: Array<string | number>,
    /** The source does not exist (rather than existing with unusable data). */
    readonly notFound = false,
  ) {
    super(message);
  }
}

/**
 * The merged variables of a Flux Kustomization: substituteFrom in order (later wins), then
 * inline `substitute` (wins over all), with every "\n" removed from values.
 * Throws VariableSourceError for a missing non-optional source, SlipwayError for a spec the
 * Flux API would reject.
 */
export function collectVariables(
  kustomization: KObject,
  lookup: VariableSourceLookup,
  opts: { skipSubstituteFrom?: boolean } = {},
): Record<string, string> {
  return collectVariablesWithSecrets(kustomization, lookup, opts).vars;
}

/**
 * `collectVariables`, plus which of the variables hold secret values, and which of those are
 * still ciphertext (see PostBuildSettings).
 */
export function collectVariablesWithSecrets(
  kustomization: KObject,
  lookup: VariableSourceLookup,
  opts: Omit<PostBuildOptions, "strict"> = {},
): { vars: Record<string, string>; secretVars: Set<string>; sealed: Map<string, string> } {
  const postBuild = postBuildOf(kustomization);
  const vars = new Map<string, string>();
  const secretVars = new Set<string>();
  const sealed = new Map<string, string>();
  const set = (key: string, value: string, secret: boolean, sealedIn?: string) => {
    vars.set(key, stripNewlines(value));
    if (secret) secretVars.add(key);
    else secretVars.delete(key);
    if (sealedIn !== undefined) sealed.set(key, sealedIn);
    else sealed.delete(key);
  };
  if (postBuild === undefined) return { vars: {}, secretVars, sealed };
  const namespace = namespaceOf(kustomization);
  if (!opts.skipSubstituteFrom) {
    for (const [i, ref] of substituteFromOf(postBuild).entries()) {
      const field = ["spec", "postBuild", "substituteFrom", i];
      const source = lookup({ kind: ref.kind, name: ref.name, namespace });
      if (source === undefined) {
        if (ref.optional) continue;
        const plural = ref.kind === "ConfigMap" ? "configmaps" : "secrets";
        throw new VariableSourceError(
          `substitute from '${ref.kind}/${ref.name}' error: ${plural} "${ref.name}" not found`,
          field,
          true,
        );
      }
      const marked = opts.sourceSecrets?.(source);
      // Still in its SOPS envelope: no key here decrypted it (Flux's does).
      const envelope = ref.kind === "Secret" && isMap(source.sops) ? `${namespace}/${ref.name}` : undefined;
      for (const [key, value, from] of sourceData(source, ref, field)) {
        const sealedIn = envelope !== undefined && isEncryptedString(value) ? envelope : undefined;
        set(key, value, ref.kind === "Secret" || marked?.touches([from, key]) === true, sealedIn);
      }
    }
  }
  const inline = postBuild.substitute;
  if (inline !== undefined && inline !== null) {
    if (!isMap(inline)) throw new SlipwayError("spec.postBuild.substitute must be a map of strings");
    for (const [key, value] of Object.entries(inline)) {
      if (typeof value !== "string") {
        throw new SlipwayError(
          `spec.postBuild.substitute.${key} must be a string (quote it): Flux's API rejects ${JSON.stringify(value)}`,
        );
      }
      set(key, value, opts.ownSecrets?.touches(["spec", "postBuild", "substitute", key]) === true);
    }
  }
  return { vars: Object.fromEntries(vars), secretVars, sealed };
}

function stripNewlines(value: string): string {
  return value.replaceAll("\n", "");
}

function postBuildOf(kustomization: KObject): KObject | undefined {
  const spec = kustomization.spec;
  if (!isMap(spec)) return undefined;
  const postBuild = spec.postBuild;
  if (postBuild === undefined || postBuild === null) return undefined;
  if (!isMap(postBuild)) throw new SlipwayError("spec.postBuild must be a map");
  return postBuild;
}

function namespaceOf(obj: KObject): string {
  const metadata = obj.metadata;
  const ns = isMap(metadata) ? metadata.namespace : undefined;
  return typeof ns === "string" ? ns : "";
}

interface SubstituteReference {
  kind: VariableSourceKind;
  name: string;
  optional: boolean;
}

function substituteFromOf(postBuild: KObject): SubstituteReference[] {
  const list = postBuild.substituteFrom;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new SlipwayError("spec.postBuild.substituteFrom must be a list");
  return list.map((entry, i) => {
    const where = `spec.postBuild.substituteFrom[${i}]`;
    if (!isMap(entry)) throw new SlipwayError(`${where} must be a map`);
    const { kind, name, optional } = entry;
    if (kind !== "ConfigMap" && kind !== "Secret") {
      throw new SlipwayError(`${where}.kind must be ConfigMap or Secret, not ${JSON.stringify(kind)}`);
    }
    if (typeof name !== "string" || name === "") throw new SlipwayError(`${where}.name must be set`);
    return { kind, name, optional: optional === true };
  });
}

/**
 * ConfigMap `data` (binaryData is ignored by Flux); Secret `data` base64-decoded, with
 * `stringData` merged over it as the API server would before Flux reads the Secret.
 */
function sourceData(
  source: KObject,
  ref: SubstituteReference,
  at: Array<string | number>,
): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = [];
  const where = `substitute from '${ref.kind}/${ref.name}' error`;
  const field = (name: string): KObject => {
    const value = source[name];
    if (value === undefined || value === null) return {};
    if (!isMap(value)) throw new VariableSourceError(`${where}: ${name} must be a map`, at);
    return value;
  };
  const str = (section: string, key: string, value: YamlValue): string => {
    if (typeof value === "string") return value;
    if (value === null) return "";
    // A Secret's values are never quoted.
    const shown =
      ref.kind === "Secret" ? `a ${Array.isArray(value) ? "list" : typeof value}` : JSON.stringify(value);
    throw new VariableSourceError(
      `${where}: ${section}.${key} must be a string (the API server rejects ${shown})`,
      at,
    );
  };
  if (ref.kind === "ConfigMap") {
    for (const [key, value] of Object.entries(field("data")))
      out.push([key, str("data", key, value), "data"]);
    return out;
  }
  const merged = new Map<string, [string, string]>();
  // A Secret still SOPS-encrypted (no key here): Flux decrypts it before it applies it, so each
  // value is base64 there; here it is its ENC[…] text, read as its stringData's are.
  const encrypted = isMap(source.sops);
  for (const [key, value] of Object.entries(field("data"))) {
    const encoded = str("data", key, value);
    if (encrypted && isEncryptedString(encoded)) {
      merged.set(key, [encoded, "data"]);
      continue;
    }
    // The API server decoded it as Go does (line breaks skipped), so kustomize's wrapped output is fine.
    if (!isGoBase64(encoded)) throw new VariableSourceError(`${where}: data.${key} is not valid base64`, at);
    merged.set(key, [Buffer.from(encoded, "base64").toString("utf8"), "data"]);
  }
  for (const [key, value] of Object.entries(field("stringData")))
    merged.set(key, [str("stringData", key, value), "stringData"]);
  return [...merged].map(([key, [value, from]]) => [key, value, from]);
}

/** True when a built object opts out with the label or annotation (exact, case-sensitive). */
export function isSubstitutionDisabled(obj: KObject): boolean {
  const metadata = obj.metadata;
  if (!isMap(metadata)) return false;
  for (const field of ["labels", "annotations"]) {
    const map = metadata[field];
    if (isMap(map) && map[SUBSTITUTE_KEY] === SUBSTITUTE_DISABLED) return true;
  }
  return false;
}

/** Flux checks every name each time it substitutes; returns the first invalid name (sorted), if any. */
export function invalidVariableName(vars: Record<string, string>): string | undefined {
  return Object.keys(vars)
    .sort()
    .find((name) => !VAR_NAME.test(name));
}

/** kustomize's `Gvk.String()` (`Deployment.v1.apps`, `ConfigMap.v1.[noGrp]`), as Flux's errors print it. */
export function gvkString(obj: KObject): string {
  const apiVersion = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const kind = typeof obj.kind === "string" && obj.kind !== "" ? obj.kind : "[noKind]";
  return `${kind}.${version || "[noVer]"}.${group || "[noGrp]"}`;
}

export interface SubstitutedResource {
  object: KObject;
  /** False when skipped (opted out, or no variables without `substituteStrategy: Always`). */
  substituted: boolean;
  /** The secret fields of `object`: those it had, and those a secret variable was written into. */
  secrets?: SecretPaths;
  /** The fields of `object` a secret variable was written into (part of `secrets`); absent when none. */
  fromSecretVariables?: SecretPaths;
  /** The variables of `settings.sealed` (ciphertext) its text names; absent when none. */
  sealed?: string[];
}

/**
 * Applies post-build substitution to one rendered resource.
 *
 * @param resourceYaml kustomize's serialisation of this one object (what `kubectl kustomize`
 *   prints for it: sorted keys, source quotes gone) — Flux substitutes on that text; a function
 *   when the caller has the object and writing the text can be skipped (see below).
 * @param parse parses one YAML document as sigs.k8s.io/yaml's YAMLToJSON does (YAML 1.1:
 *   `yes`/`on`/`y` are booleans, `0755` octal, empty value null); may throw on bad YAML.
 * @param object the already-parsed object, to avoid re-parsing when substitution is skipped.
 * @throws SlipwayError `post build failed for '<Kind.version.group>/<name>': …`, like Flux.
 */
export function substituteResource(
  resourceYaml: string | (() => string),
  settings: PostBuildSettings,
  parse: (text: string) => YamlValue,
  object?: KObject,
  where?: { file?: string },
  /** The secret fields of the object before substitution (kept where they still exist). */
  secrets?: SecretPaths,
): SubstitutedResource {
  const serialised = (): string => (typeof resourceYaml === "string" ? resourceYaml : resourceYaml());
  const original = object ?? asObject(parse(serialised()));
  const unchanged = (): SubstitutedResource =>
    secrets ? { object: original, substituted: false, secrets } : { object: original, substituted: false };
  if (isSubstitutionDisabled(original)) return unchanged();
  const name = secrets?.covers(["metadata", "name"]) ? "(secret)" : nameOf(original);
  const failed = (message: string) => `post build failed for '${gvkString(original)}/${name}': ${message}`;
  const fail = (message: string, kind: typeof SlipwayError = SlipwayError): never => {
    throw new kind(failed(message), where);
  };
  if (settings.loadError !== undefined) fail(settings.loadError);
  if (settings.open) {
    const unknown = unknownIdentityVariable(original, settings.vars);
    if (unknown !== undefined) {
      // Flux substitutes the value the cluster's Secret holds; Slipway knows neither it nor
      // whether the key exists, so it cannot name the object (nor say it is misnamed).
      fail(
        `not rendered: its ${unknown.field} comes from a secret Slipway cannot read offline (variable ${unknown.variable} may be one of ${settings.open.join(", or one of ")})`,
        SecretIdentityError,
      );
    }
  }
  let vars = settings.vars;
  let secretVars = settings.secretVars;
  if (settings.open && settings.openValue) {
    const unknown = unknownVariables(serialised(), vars);
    if (unknown.length > 0) {
      vars = { ...vars };
      const secret = new Set(secretVars);
      // Values that may come from a Secret: marked as its known keys are.
      for (const name of unknown) {
        vars[name] = settings.openValue(name);
        secret.add(name);
      }
      secretVars = secret;
    }
  }
  if (Object.keys(vars).length === 0 && !settings.always) return unchanged();
  const invalid = invalidVariableName(settings.vars);
  if (invalid !== undefined) {
    fail(`envsubst error: '${invalid}' var name is invalid, must match '${VAR_NAME_PATTERN}'`);
  }
  if (object !== undefined && passesUnchanged(original)) return unchanged();
  const yaml = serialised();
  let text: string;
  let secretRanges: Array<[number, number]>;
  let named: Set<string> | undefined;
  try {
    ({ text, secretRanges, named } = substituteTracked(yaml, vars, {
      strict: settings.strict,
      ...(secretVars ? { secretVars } : {}),
      ...(settings.sealed ? { watch: settings.sealed } : {}),
    }));
  } catch (err) {
    if (err instanceof EnvsubstError && err.variable !== undefined && settings.strictBecause) {
      const message = failed(`envsubst error: ${err.message} (strict: ${settings.strictBecause})`);
      throw new StrictSubstitutionError(message, settings.strictAssumed === true, where);
    }
    if (err instanceof SlipwayError) return fail(`envsubst error: ${err.message}`);
    throw err;
  }
  // Nothing substituted: Flux's YAML round trip would give the same object back, except that
  // it passes numbers through float64 — so only integers beyond 2^53 need the real round trip.
  if (text === yaml && !hasBigInt(original)) return unchanged();
  const holdsSecrets = secretRanges.length > 0 || (secrets !== undefined && !secrets.isEmpty());
  let parsed: YamlValue;
  try {
    parsed = parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // The text holds secret values: say where it broke, never what it says there.
    return fail(`YAMLToJSON: ${holdsSecrets ? withheld(message) : message}`);
  }
  if (!isMap(parsed)) return fail("UnmarshalJSON: the substituted document is not an object");
  parsed = throughFloat64(parsed);
  if (!holdsSecrets) return { object: parsed, substituted: true };
  const substituted = pathsInRanges(text, secretRanges).existingIn(parsed);
  // Every output prints an object's identity and none can mask it (withoutIdentity): a secret
  // variable there would be shown in the clear, so the object is not rendered. Differs from
  // Flux, which applies it.
  const identity = secretIdentityField(substituted);
  if (identity !== undefined) {
    return fail(
      `a variable from a Secret is substituted into ${identity}, which every output prints; Slipway does not render an object whose identity is secret`,
      SecretIdentityError,
    );
  }
  const marks = unionSecrets(secrets?.existingIn(parsed), substituted);
  return {
    object: parsed,
    substituted: true,
    ...(marks ? { secrets: marks } : {}),
    ...(substituted.isEmpty() ? {} : { fromSecretVariables: substituted }),
    ...(named && named.size > 0 ? { sealed: [...named] } : {}),
  };
}

/** The first variable without a default in the object's name or namespace that `vars` lacks. */
function unknownIdentityVariable(
  obj: KObject,
  vars: Record<string, string>,
): { field: "name" | "namespace"; variable: string } | undefined {
  const metadata = obj.metadata;
  if (!isMap(metadata)) return undefined;
  for (const field of ["name", "namespace"] as const) {
    const text = metadata[field];
    const variable = typeof text === "string" ? unknownVariables(text, vars)[0] : undefined;
    if (variable !== undefined) return { field, variable };
  }
  return undefined;
}

/**
 * Variables `text` uses without a default that `vars` lacks; none when it does not parse
 * (substitution then reports the error as Flux does).
 */
function unknownVariables(text: string, vars: Record<string, string>): string[] {
  if (!text.includes("${")) return [];
  try {
    return unknownIn(parseTemplate(text), vars);
  } catch {
    return [];
  }
}

function unknownIn(segments: Segment[], vars: Record<string, string>): string[] {
  const out = new Set<string>();
  const visit = (list: Segment[]) => {
    for (const s of list) {
      if (typeof s === "string") continue;
      if (!DEFAULT_OPS.has(s.op) && !Object.hasOwn(vars, s.name)) out.add(s.name);
      visit(s.args);
    }
  };
  visit(segments);
  return [...out];
}

/** A YAML error about text that holds secrets: its position only. */
function withheld(message: string): string {
  const at = /at line (\d+), column (\d+)/.exec(message);
  const where = at ? ` at line ${at[1]}, column ${at[2]} of the substituted object` : "";
  return `invalid YAML${where} (the text holds secret values and is not shown)`;
}

function asObject(value: YamlValue): KObject {
  if (!isMap(value)) throw new SlipwayError("post build: the resource is not a YAML map");
  return value;
}

function nameOf(obj: KObject): string {
  const metadata = obj.metadata;
  const name = isMap(metadata) ? metadata.name : undefined;
  return typeof name === "string" ? name : "";
}

/**
 * Whether `v`'s serialisation would come back from envsubst and Flux's re-read as `v` itself,
 * without writing it: envsubst acts on `$` alone, and the text holds one only where a key or a
 * string does; the re-read changes only integers beyond 2^53; and the writer refuses only what
 * `serialisationRefuses` names and numbers JSON has no spelling for (so those take the real path
 * and fail as they do there).
 */
function passesUnchanged(v: YamlValue): boolean {
  if (typeof v === "string") return !v.includes("$") && !serialisationRefuses(v);
  if (typeof v === "number") return Number.isFinite(v);
  if (typeof v === "bigint") return false;
  if (Array.isArray(v)) return v.every(passesUnchanged);
  if (isMap(v)) {
    for (const k in v) {
      if (k.includes("$") || serialisationRefuses(k, true) || !passesUnchanged(v[k] as YamlValue))
        return false;
    }
  }
  return true;
}

/**
 * The object as Flux applies it after `res.UnmarshalJSON`: kyaml's RNode.UnmarshalJSON decodes the
 * JSON with encoding/json into interface{} (every number a float64) and FromMap prints it back
 * with go-yaml v3, so an integer beyond 2^53 becomes its nearest double (9007199254740993 →
 * 9007199254740992). ssa's ReadObjects then reads the apply set as JSON, where encoding/json
 * writes such a double with its shortest digits padded with zeros (2^62 → 4611686018427388000),
 * and as unstructured (apimachinery util/json): digits that fit an int64 are that int64, others a
 * float64 — which `flux build` prints with the same digits, read back by go-yaml v2 as a uint64
 * below 2^64, and as a float beyond (or below int64's minimum). Safe integers and fractions
 * survive the trip unchanged.
 */
function throughFloat64<T extends YamlValue>(v: T): T {
  if (typeof v === "bigint") return float64Integer(v) as T;
  if (typeof v === "number" && Number.isInteger(v) && !Number.isSafeInteger(v))
    return float64Integer(BigInt(v)) as T;
  if (Array.isArray(v)) return v.map(throughFloat64) as T;
  if (isMap(v)) {
    let out: KObject | undefined;
    for (const k of Object.keys(v)) {
      const x = v[k] as YamlValue;
      const y = throughFloat64(x);
      if (y === x) continue;
      out ??= { ...v };
      Object.defineProperty(out, k, { value: y, enumerable: true, writable: true, configurable: true });
    }
    return (out ?? v) as T;
  }
  return v;
}

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

function float64Integer(b: bigint): YamlValue {
  const f = Number(b);
  if (Number.isSafeInteger(f)) return f;
  // Below 1e21, JavaScript's String(f) writes encoding/json's digits: the shortest that read
  // back as f, then zeros. From 1e21 both switch to an exponent: a float64.
  if (Math.abs(f) >= 1e21) return f;
  const digits = BigInt(String(f));
  return digits >= INT64_MIN && digits <= UINT64_MAX ? digits : f;
}

function hasBigInt(v: YamlValue): boolean {
  if (typeof v === "bigint") return true;
  if (Array.isArray(v)) return v.some(hasBigInt);
  if (isMap(v)) return Object.values(v).some(hasBigInt);
  return false;
}
