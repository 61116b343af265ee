/**
 * The values a HelmRelease gives its chart, composed as helm-controller does
 * (fluxcd/pkg chartutil.ChartValuesFromReferences): every `valuesFrom` reference in order —
 * a whole values document merged over the result, or with `targetPath` one value set by Helm's
 * `--set` parser (`--set-string` when quoted, escaped when `literal`) — then `spec.values`
 * merged on top. The chart's defaults (and `valuesFiles`, which replace them) are underneath,
 * coalesced by the Helm engine. Numbers of `spec.values` are float64, as the API server's JSON
 * decodes them.
 */

import { parseSetInto, parseSetStringInto, StrvalsError } from "../helm/strvals.js";
import { formatValue } from "../helm/template/fmt.js";
import { fromJsonValue, GoInt, GoMap, type GoValue } from "../helm/template/value.js";
import { mergeMaps, readYaml, withoutQuotedData } from "../helm/yaml.js";
import { ROOT_CA_CONFIGMAP } from "../kubernetes-made.js";
import { isMap, type KObject, type YamlMap } from "../kustomize/types.js";
import { isEncryptedString } from "../sops/aes.js";
import type { ValuesReference } from "./spec.js";

/** A ConfigMap or Secret of the cluster, by kind, namespace and name. */
export type ObjectLookup = (
  kind: "ConfigMap" | "Secret",
  namespace: string,
  name: string,
) => KObject | undefined;

export interface ValuesProblem {
  message: string;
  /** The `spec.valuesFrom` entry it is about. */
  index: number;
  /** A non-optional reference to something that does not exist in the rendered cluster. */
  notFound: boolean;
  /**
   * The value is still SOPS ciphertext (no age identity decrypted its file): in the cluster it is
   * decrypted, so the release is not wrong, only not renderable here.
   */
  encrypted?: boolean;
  /** The source is one Kubernetes makes (kubernetes-made.ts), whose content only the cluster has. */
  clusterMade?: boolean;
}

export interface ComposedValues {
  values: GoMap;
  /** Plaintext strings taken from Secrets (the printers mask them). */
  secretStrings: string[];
  /** Optional references that were missing (helm-controller logs and goes on). */
  skipped: string[];
}

export class ValuesReferenceError extends Error {
  constructor(readonly problem: ValuesProblem) {
    super(problem.message);
  }
}

/** The data of a ConfigMap (`data`) or Secret (`data` decoded, `stringData` over it, as the API server stores it). */
export function dataOf(obj: KObject): Map<string, string> {
  const out = new Map<string, string>();
  if (obj.kind === "Secret") {
    if (isMap(obj.data))
      for (const [k, v] of Object.entries(obj.data))
        if (typeof v === "string") out.set(k, Buffer.from(v, "base64").toString("utf8"));
    if (isMap(obj.stringData))
      for (const [k, v] of Object.entries(obj.stringData)) out.set(k, typeof v === "string" ? v : String(v));
  } else if (isMap(obj.data)) {
    for (const [k, v] of Object.entries(obj.data)) out.set(k, typeof v === "string" ? v : String(v));
  }
  return out;
}

/** Whether `key` of a ConfigMap or Secret is still a SOPS `ENC[...]` value. */
function leftEncrypted(obj: KObject, key: string): boolean {
  for (const field of [obj.stringData, obj.data]) {
    const v = isMap(field) ? field[key] : undefined;
    if (typeof v === "string" && isEncryptedString(v)) return true;
  }
  return false;
}

function refText(ref: ValuesReference, namespace: string, optional: boolean): string {
  return `could not resolve${optional ? " optional" : ""} ${ref.kind} chart values reference '${namespace}/${ref.name}'${ref.valuesKey ? ` with key '${ref.valuesKey}'` : ""}`;
}

/** Composes the user values of a release; throws ValuesReferenceError where helm-controller fails. */
export function composeReleaseValues(
  namespace: string,
  refs: readonly ValuesReference[],
  specValues: YamlMap | undefined,
  lookup: ObjectLookup,
): ComposedValues {
  const values = specValues ? (fromJsonValue(specValues) as GoMap) : new GoMap();
  let result = new GoMap();
  const secretStrings: string[] = [];
  const skipped: string[] = [];
  const fail = (ref: ValuesReference, reason: string, notFound: boolean, encrypted = false): never => {
    throw new ValuesReferenceError({
      message: `${refText(ref, namespace, false)}: ${reason}`,
      index: ref.index,
      notFound,
      ...(encrypted ? { encrypted } : {}),
    });
  };
  for (const ref of refs) {
    if (ref.kind !== "ConfigMap" && ref.kind !== "Secret")
      fail(ref, "unsupported values reference kind", false);
    const kind = ref.kind as "ConfigMap" | "Secret";
    const obj = lookup(kind, namespace, ref.name);
    if (!obj && kind === "ConfigMap" && ref.name === ROOT_CA_CONFIGMAP.name) {
      // Kubernetes makes it in every namespace: there, with a CA only the cluster has.
      if (ref.valuesKey !== ROOT_CA_CONFIGMAP.key) {
        if (ref.optional) {
          skipped.push(`${refText(ref, namespace, true)}: key not found`);
          continue;
        }
        fail(
          ref,
          `key not found: the ConfigMap ${ROOT_CA_CONFIGMAP.name} Kubernetes makes in every namespace holds only '${ROOT_CA_CONFIGMAP.key}'`,
          false,
        );
      }
      throw new ValuesReferenceError({
        message: `${refText(ref, namespace, false)}: ConfigMap ${namespace}/${ROOT_CA_CONFIGMAP.name} is made by Kubernetes in every namespace, and its CA certificate only the cluster has, so the chart is not rendered or checked`,
        index: ref.index,
        notFound: false,
        clusterMade: true,
      });
    }
    if (!obj) {
      if (ref.optional) {
        skipped.push(`${refText(ref, namespace, true)}: resource not found`);
        continue;
      }
      fail(ref, `${kind} ${namespace}/${ref.name} is not rendered in this cluster`, true);
    }
    // Ciphertext is no value: parsed as one, its commas failed a targetPath with a made-up
    // strvals error, and a whole document failed to read.
    if (leftEncrypted(obj!, ref.valuesKey))
      fail(
        ref,
        `${kind} ${namespace}/${ref.name} is SOPS-encrypted and no age identity available here decrypts it, so the chart is not rendered (set SOPS_AGE_KEY_FILE or SOPS_AGE_KEY, or pass --age-key-file)`,
        false,
        true,
      );
    const data = dataOf(obj!).get(ref.valuesKey);
    if (data === undefined) {
      if (ref.optional) {
        skipped.push(`${refText(ref, namespace, true)}: key not found`);
        continue;
      }
      fail(ref, "key not found", true);
    }
    const text = data!;
    if (kind === "Secret") secretStrings.push(text);
    if (ref.targetPath !== "") {
      result = mergeMaps(result, values);
      try {
        setPath(result, ref.targetPath, text, ref.literal);
      } catch (e) {
        if (e instanceof StrvalsError)
          fail(
            ref,
            `failed to merge value: ${kind === "Secret" ? withoutStrvalsData(e.message) : e.message}`,
            false,
          );
        throw e;
      }
      if (kind === "Secret") secretStrings.push(...landedStrings(ref.targetPath, text, ref.literal));
      continue;
    }
    let doc: GoValue;
    try {
      doc = readYaml(text, `${kind} ${namespace}/${ref.name} key ${ref.valuesKey}`);
    } catch (e) {
      // A Secret's key or value never reaches the message (Flux's would quote them).
      const message = kind === "Secret" ? withoutSecretYaml((e as Error).message) : (e as Error).message;
      return fail(ref, `failed to read values data: ${message}`, false);
    }
    if (doc === null) doc = new GoMap();
    if (!(doc instanceof GoMap)) return fail(ref, "failed to read values data: not a map", false);
    if (kind === "Secret") secretStrings.push(...leafStrings(doc));
    result = mergeMaps(result, doc);
  }
  return { values: mergeMaps(result, values), secretStrings, skipped };
}

/**
 * A YAML error about a Secret's values document without the data it quotes: the keys go-yaml
 * and sigs.k8s.io/yaml quote (withoutQuotedData), and the scalar go-yaml quotes in backquotes
 * when a tag does not fit it (`cannot decode !!str \`<value>\` as a !!int`).
 */
function withoutSecretYaml(message: string): string {
  return withoutQuotedData(message).replace(/`[^`]*`/g, "`…`");
}

/**
 * A strvals error without the parts of the value it quotes. The value goes after `targetPath=`
 * in Helm's --set syntax, so a comma in a Secret's value starts a new key made of the rest of
 * the value, and strvals quotes keys and indices (`key "…" has no value`, `negative -5 index`).
 * Flux's message quotes them; ours keeps the kind of error and drops the data.
 */
function withoutStrvalsData(message: string): string {
  return message.replace(/"(?:[^"\\]|\\.)*"/g, '"…"').replace(/-?\d+/g, "N");
}

/** ReplacePathValue / ReplacePathLiteralValue of fluxcd/pkg chartutil. */
function setPath(dest: GoMap, path: string, value: string, literal: boolean): void {
  if (literal) {
    const escaped = value.replace(/[\\,[\]{}]/g, (c) => `\\${c}`);
    parseSetStringInto(`${path}=${escaped}`, dest);
    return;
  }
  const quoted =
    (value.startsWith("'") && value.endsWith("'")) || (value.startsWith('"') && value.endsWith('"'));
  if (quoted) {
    parseSetStringInto(`${path}=${value.replace(/^['"]+|['"]+$/g, "")}`, dest);
    return;
  }
  parseSetInto(`${path}=${value}`, dest);
}

/**
 * The texts a Secret's value becomes at a targetPath, beside the value itself: strvals drops
 * backslash escapes and reads more keys and values after a comma, so the chart prints
 * `a\\b` as `ab` and `x,user=bob` as `x` and `bob` under a key `user`. Output masking looks
 * for what the chart was given, not only for what the Secret holds.
 */
function landedStrings(path: string, text: string, literal: boolean): string[] {
  const landed = new GoMap();
  setPath(landed, path, text, literal);
  const pathKeys = new Set(path.split(".").map((k) => k.replace(/\[\d+\]$/, "")));
  const out: string[] = [];
  const walk = (v: GoValue) => {
    if (typeof v === "string") {
      if (v !== "" && v !== text) out.push(v);
    } else if (v instanceof GoMap) {
      for (const [k, x] of v.entries()) {
        if (!pathKeys.has(k)) out.push(k);
        walk(x);
      }
    } else if (Array.isArray(v)) for (const x of v) walk(x);
  };
  walk(landed);
  return out;
}

/**
 * The texts of a values document's leaves, as a chart prints them: strings, and numbers in
 * Go's `%v` form (`9.8765432e+07`) and, when whole, as `int`, `printf "%d"` and `toJson` print
 * them. Output masking looks for each.
 */
function leafStrings(v: GoValue): string[] {
  if (typeof v === "string") return v === "" ? [] : [v];
  if (typeof v === "number") return Number.isInteger(v) ? [formatValue(v), v.toFixed(0)] : [formatValue(v)];
  if (v instanceof GoInt) return [formatValue(v)];
  if (v instanceof GoMap) return [...v.values()].flatMap(leafStrings);
  if (Array.isArray(v)) return v.flatMap(leafStrings);
  return [];
}
