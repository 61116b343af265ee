import { SlipwayError } from "../../errors.js";
import type { FileSystem } from "../../fs/filesystem.js";
import { SecretPaths } from "../../secrets/paths.js";
import type { YamlMap } from "../types.js";
import {
  type GeneratorArgs,
  type GeneratorBehavior,
  type GeneratorOptions,
  generatorBehavior,
  mergeGeneratorOptions,
  type SecretArgs,
} from "./args.js";
import { wrappedBase64 } from "./base64.js";
import { sortedGoKeys } from "./go-order.js";
import type { KvPair } from "./kv-pair.js";
import { setOwn } from "./own.js";
import type { LoadRestrictor } from "./restrictor.js";
import { loadKvPairs, type SourceContext } from "./sources.js";
import { plainScalarIsNotString } from "./yaml-key.js";

/**
 * A generated ConfigMap/Secret before it meets the resources already accumulated.
 * `needsHash`: append `-<nameHash>` to the name at the very end of the top-level build.
 */
export interface GeneratedObject {
  object: YamlMap;
  behavior: GeneratorBehavior;
  needsHash: boolean;
  /** Fields whose value came from a decrypted file (`data.KEY` / `binaryData.KEY`). */
  secrets?: SecretPaths;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * One `configMapGenerator` entry. Values that are valid UTF-8 go to `data`, others to
 * `binaryData` (base64). `globalOptions` is the kustomization's `generatorOptions`.
 * `kustomizationFile` (default `<dir>/kustomization.yaml`) is only used in error messages.
 */
export function generateConfigMap(
  args: GeneratorArgs,
  globalOptions: GeneratorOptions | undefined,
  fs: FileSystem,
  dir: string,
  loadRestrictor: LoadRestrictor,
  kustomizationFile?: string,
): GeneratedObject {
  const ctx = sourceContext(fs, dir, loadRestrictor, kustomizationFile);
  const options = mergeGeneratorOptions(globalOptions, args.options);
  const object = baseObject("ConfigMap", args, ctx);
  const loaded = loadKvPairs(args, ctx);
  const pairs = uniquePairs(args.name, loaded, ctx);
  const secretKeys = new Set(loaded.filter((p) => p.secret).map((p) => p.key));
  const secrets = new SecretPaths();
  for (const key of sortedGoKeys(pairs)) {
    const bytes = pairs[key] as Buffer;
    const text = decodeUtf8(bytes);
    // Created on first use, so whichever of data/binaryData the first sorted key needs comes first.
    if (text !== undefined) rejectUnrenderableText(args.name, key, text, ctx.kustomizationFile);
    const field = text === undefined ? "binaryData" : "data";
    const target = (object[field] ??= {}) as YamlMap;
    setOwn(target, key, text ?? wrappedBase64(bytes));
    if (secretKeys.has(key)) secrets.add([field, key]);
  }
  return withSecrets(finish(object, args, options, ctx), secrets);
}

/** One `secretGenerator` entry: every value base64 in `data` (present even when empty). */
export function generateSecret(
  args: SecretArgs,
  globalOptions: GeneratorOptions | undefined,
  fs: FileSystem,
  dir: string,
  loadRestrictor: LoadRestrictor,
  kustomizationFile?: string,
): GeneratedObject {
  const ctx = sourceContext(fs, dir, loadRestrictor, kustomizationFile);
  const options = mergeGeneratorOptions(globalOptions, args.options);
  const object = baseObject("Secret", args, ctx);
  object.type = args.type ? args.type : "Opaque";
  const loaded = loadKvPairs(args, ctx);
  const pairs = uniquePairs(args.name, loaded, ctx);
  const data: YamlMap = {};
  for (const key of sortedGoKeys(pairs)) setOwn(data, key, wrappedBase64(pairs[key] as Buffer));
  object.data = data;
  const secrets = new SecretPaths();
  for (const p of loaded) if (p.secret) secrets.add(["data", p.key]);
  return withSecrets(finish(object, args, options, ctx), secrets);
}

function sourceContext(
  fs: FileSystem,
  dir: string,
  restrict: LoadRestrictor,
  kustomizationFile: string | undefined,
): SourceContext {
  const file = kustomizationFile ?? `${dir.replace(/\/+$/, "")}/kustomization.yaml`;
  return { fs, dir, restrict, kustomizationFile: file };
}

function baseObject(kind: string, args: GeneratorArgs, ctx: SourceContext): YamlMap {
  // kustomize says "configmap" for Secrets too.
  if (!args.name) throw new SlipwayError("a configmap must have a name", { file: ctx.kustomizationFile });
  const metadata: YamlMap = { name: args.name };
  if (args.namespace) metadata.namespace = args.namespace;
  return { apiVersion: "v1", kind, metadata };
}

function uniquePairs(name: string, pairs: KvPair[], ctx: SourceContext): Record<string, Buffer> {
  const byKey: Record<string, Buffer> = Object.create(null);
  for (const { key, value } of pairs) {
    rejectNonStringKey(key, `data key of ${name}`, ctx);
    if (Object.hasOwn(byKey, key)) {
      throw new SlipwayError(`configmap ${name} illegally repeats the key \`${key}\``, {
        file: ctx.kustomizationFile,
      });
    }
    byKey[key] = value;
  }
  return byKey;
}

/**
 * kyaml writes multi-line ConfigMap values as literal block scalars; one that starts with a
 * tab cannot be read back ("found a tab character where an indentation space is expected"),
 * so kustomize fails on it, on creation and on every merge.
 */
export function rejectUnrenderableText(name: string, key: string, text: string, file?: string): void {
  if (!text.startsWith("\t") || !text.includes("\n")) return;
  throw new SlipwayError(
    `ConfigMap ${name}: the value of "${key}" starts with a tab and spans several lines, which kustomize cannot render (yaml: found a tab character where an indentation space is expected)`,
    { file },
  );
}

/**
 * kustomize v5.5.0 writes generated keys unquoted and fails when YAML reads one back as a
 * number, bool, null or time (see plainScalarIsNotString); Slipway fails on the same inputs.
 */
function rejectNonStringKey(key: string, what: string, ctx: SourceContext): void {
  if (!plainScalarIsNotString(key)) return;
  throw new SlipwayError(
    `${what} "${key}" is not a string in YAML (kustomize fails with "json: unsupported type: map[interface {}]interface {}"); rename the key`,
    { file: ctx.kustomizationFile },
  );
}

function finish(
  object: YamlMap,
  args: GeneratorArgs,
  options: GeneratorOptions | undefined,
  ctx: SourceContext,
): GeneratedObject {
  for (const k of Object.keys(options?.labels ?? {})) rejectNonStringKey(k, `label of ${args.name}`, ctx);
  for (const k of Object.keys(options?.annotations ?? {}))
    rejectNonStringKey(k, `annotation of ${args.name}`, ctx);
  const metadata = object.metadata as YamlMap;
  if (options?.labels && Object.keys(options.labels).length > 0) {
    metadata.labels = sortedCopy(options.labels);
  }
  if (options?.annotations && Object.keys(options.annotations).length > 0) {
    metadata.annotations = sortedCopy(options.annotations);
  }
  if (options?.immutable) object.immutable = true;
  return {
    object,
    behavior: generatorBehavior(args.behavior),
    needsHash: !options?.disableNameSuffixHash,
  };
}

function withSecrets(g: GeneratedObject, secrets: SecretPaths): GeneratedObject {
  return secrets.isEmpty() ? g : { ...g, secrets };
}

function sortedCopy(m: Record<string, string>): YamlMap {
  const out: YamlMap = {};
  for (const k of sortedGoKeys(m)) setOwn(out, k, m[k] as string);
  return out;
}

function decodeUtf8(bytes: Buffer): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}
