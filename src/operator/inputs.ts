/**
 * ResourceSet input sets as the Flux Operator combines them (controlplaneio-fluxcd/flux-operator
 * internal/inputs): the ResourceSet's own `spec.inputs` first, then each selected
 * ResourceSetInputProvider's exported inputs in provider-key order (group/version/kind,
 * namespace, name). Every input set gets a `provider` reference. `Flatten` (the default)
 * concatenates them; `Permute` takes the Cartesian product, each provider's set placed under
 * its normalized name and the product's `id` derived from the chosen indices — at most
 * 10000 permutations, skipping providers without inputs unless `includeEmptyProviders`.
 */
import { isMap, type YamlMap, type YamlValue } from "../kustomize/types.js";

export const MAX_PERMUTATIONS = 10000;
export const OPERATOR_GROUP_VERSION = "fluxcd.controlplane.io/v1";

/** One input set: a JSON-like map. */
export type InputSet = YamlMap;

export interface InputProvider {
  kind: "ResourceSet" | "ResourceSetInputProvider";
  namespace: string;
  name: string;
  inputs: InputSet[];
}

export type InputStrategy = { name: "Flatten" } | { name: "Permute"; includeEmptyProviders: boolean };

export class InputsError extends Error {}

/** inputs.ID: the decimal Adler-32 checksum of the string's UTF-8 bytes. */
export function inputId(s: string): string {
  const bytes = Buffer.from(s, "utf8");
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return String(((b << 16) | a) >>> 0);
}

/**
 * NormalizeKeyForTemplate: lower case; spaces and punctuation become `_`; anything outside
 * [a-z0-9_] is dropped; empty words between `_` are removed.
 */
export function normalizeKey(key: string): string {
  let out = "";
  for (const ch of key) {
    const r = ch.toLowerCase();
    if (/^\s$/u.test(r) || /^\p{P}$/u.test(r)) out += "_";
    else if (/^[a-z0-9]$/.test(r)) out += r;
  }
  return out
    .split("_")
    .filter((w) => w !== "")
    .join("_");
}

/** Each input set with its `provider` reference (getFromProvider). */
function withProvider(p: InputProvider): InputSet[] {
  const ref: YamlMap = {
    apiVersion: OPERATOR_GROUP_VERSION,
    kind: p.kind,
    name: p.name,
    namespace: p.namespace,
  };
  return p.inputs.map((input) => {
    const out: YamlMap = {};
    for (const [k, v] of Object.entries(input))
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    out.provider = ref;
    return out;
  });
}

/**
 * Combines the ResourceSet's inputs (first) with its providers' (sorted here) by the strategy.
 * Throws InputsError with the operator's wording (too many permutations, empty normalized name).
 */
export function combineInputs(
  rset: InputProvider,
  providers: readonly InputProvider[],
  strategy: InputStrategy,
): InputSet[] {
  const sorted = [...providers].sort(
    (a, b) =>
      cmp(`${OPERATOR_GROUP_VERSION}, Kind=${a.kind}`, `${OPERATOR_GROUP_VERSION}, Kind=${b.kind}`) ||
      cmp(a.namespace, b.namespace) ||
      cmp(a.name, b.name),
  );
  const all = [rset, ...sorted];
  if (strategy.name === "Flatten") return all.flatMap(withProvider);
  const scoped: Array<{ name: string; sets: InputSet[] }> = [];
  let expected = 0;
  for (const p of all) {
    const inputs = withProvider(p);
    const fail = (msg: string): never => {
      throw new InputsError(`failed to get inputs from ${p.kind}/${p.name}: ${msg}`);
    };
    if (!strategy.includeEmptyProviders && inputs.length === 0) continue;
    expected = scoped.length === 0 ? inputs.length : expected * inputs.length;
    if (expected > MAX_PERMUTATIONS) {
      fail(
        `adding provider '${p.name}' with ${inputs.length} inputs would exceed the maximum allowed permutations. max: ${MAX_PERMUTATIONS}, got: ${expected}`,
      );
    }
    const name = normalizeKey(p.name);
    if (name === "") fail(`normalized provider name is empty: '${p.name}'`);
    scoped.push({ name, sets: inputs });
  }
  if (scoped.length === 0 || scoped.some((s) => s.sets.length === 0)) return [];
  const out: InputSet[] = [];
  const idx = scoped.map(() => 0);
  for (;;) {
    const perm: YamlMap = {};
    const idParts: string[] = [];
    scoped.forEach((s, i) => {
      Object.defineProperty(perm, s.name, {
        value: s.sets[idx[i]!]!,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      idParts.push(`${s.name}=${idx[i]}`);
    });
    perm.id = inputId(idParts.join("/"));
    out.push(perm);
    // Odometer order: the last provider varies fastest, as the operator's backtracking does.
    let i = scoped.length - 1;
    while (i >= 0) {
      idx[i]!++;
      if (idx[i]! < scoped[i]!.sets.length) break;
      idx[i] = 0;
      i--;
    }
    if (i < 0) return out;
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * NewResourceSetInput: the provider's `defaultValues` fill keys the input does not set.
 * A Static provider exports exactly one input set: its defaults plus an `id` (the operator
 * derives it from the object's UID, which only the cluster knows; offline, like
 * `flux-operator build resourceset`, from its name).
 */
export function withDefaults(defaults: YamlMap, input: YamlMap): YamlMap {
  const out: YamlMap = {};
  for (const [k, v] of Object.entries(input))
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  for (const [k, v] of Object.entries(defaults)) {
    if (!Object.hasOwn(out, k))
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A YAML list of input sets (a provider file, `status.exportedInputs`); throws InputsError. */
export function decodeInputList(v: YamlValue | undefined, where: string): InputSet[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new InputsError(`${where} must be a list of input sets (maps)`);
  return v.map((item, i) => {
    if (!isMap(item)) throw new InputsError(`${where}[${i}] must be a map`);
    return item;
  });
}
