import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { SlipwayError } from "../errors.js";
import { encryptValue, type IvSource, randomIv } from "./aes.js";
import { type CreationRule, loadSopsConfig, type SopsConfig, selectCreationRule } from "./config.js";
import { type CiphertextStash, encryptTree, rfc3339Now } from "./crypt.js";
import { wrapKeyGroups } from "./datakey.js";
import { SOPS_VERSION, type SopsMetadata } from "./metadata.js";
import { DEFAULT_UNENCRYPTED_SUFFIX, type SelectionRules } from "./rules.js";
import {
  emitEncrypted,
  formatForFile,
  hasSopsMetadata,
  loadPlain,
  type SopsFormat,
  type StoreOptions,
} from "./store.js";
import type { TreeBranches } from "./tree.js";

/** Encrypting plain files the way `sops encrypt` does, following `.sops.yaml`. */

export interface EncryptOptions {
  /** Path of the file: selects the creation rule and the format; names it in errors. */
  file?: string;
  format?: SopsFormat;
  /** The rule to apply; otherwise chosen from `config` by path. */
  rule?: CreationRule;
  /** `.sops.yaml` to use; default: found from the file's directory upwards. `null`: none. */
  config?: SopsConfig | null;
  /** Fixed data key (tests, re-encryption). Default: 32 random bytes. */
  dataKey?: Uint8Array;
  /** IV supplier (tests reproduce sops' ciphertexts with it). Default: random 32 bytes. */
  iv?: IvSource;
  /** The lastmodified time. Default: now. */
  now?: Date;
  /** `version` written in the metadata. Default: the sops version whose format we follow. */
  version?: string;
  stores?: StoreOptions;
}

export function resolveRule(opts: { file?: string; rule?: CreationRule; config?: SopsConfig | null }): {
  rule: CreationRule;
  config?: SopsConfig;
} {
  if (opts.rule) return { rule: opts.rule, config: opts.config ?? undefined };
  let config = opts.config ?? undefined;
  if (opts.config === undefined && opts.file) config = loadSopsConfig(path.dirname(path.resolve(opts.file)));
  if (!config) {
    throw new SlipwayError(
      "no .sops.yaml found and no recipients given; cannot choose the keys to encrypt for",
      {
        file: opts.file,
      },
    );
  }
  if (!opts.file) throw new SlipwayError("a file path is needed to pick a creation rule from .sops.yaml");
  return { rule: selectCreationRule(config, opts.file), config };
}

export function storeOptions(
  config: SopsConfig | undefined,
  override: StoreOptions | undefined,
): StoreOptions {
  return { ...config?.stores, ...override };
}

function effectiveRules(rule: CreationRule, format: SopsFormat): SelectionRules {
  if (format === "binary") return { unencrypted_suffix: DEFAULT_UNENCRYPTED_SUFFIX };
  return Object.keys(rule.rules).length > 0
    ? { ...rule.rules }
    : { unencrypted_suffix: DEFAULT_UNENCRYPTED_SUFFIX };
}

/** Encrypts already-loaded plain branches with a given data key and metadata skeleton. */
export function sealBranches(
  branches: TreeBranches,
  md: Omit<SopsMetadata, "mac" | "lastmodified">,
  dataKey: Uint8Array,
  format: SopsFormat,
  opts: { iv?: IvSource; now?: Date; stash?: CiphertextStash; stores?: StoreOptions },
): Buffer {
  const iv = opts.iv ?? randomIv;
  const rules = format === "binary" ? {} : md.rules;
  const { branches: enc, mac } = encryptTree(branches, dataKey, rules, md.macOnlyEncrypted, {
    iv,
    stash: opts.stash,
  });
  const lastmodified = rfc3339Now(opts.now);
  const metadata: SopsMetadata = { ...md, lastmodified, mac: encryptValue(mac, dataKey, lastmodified, iv) };
  return emitEncrypted(enc, metadata, format, opts.stores);
}

export async function encryptSops(plain: Buffer | string, opts: EncryptOptions = {}): Promise<Buffer> {
  const file = opts.file;
  const format = formatForFile(file, opts.format);
  const branches = loadPlain(plain, format, file);
  if (branches.length === 0) throw new SlipwayError("file cannot be completely empty", { file });
  if (hasSopsMetadata(branches, format))
    throw new SlipwayError("the file is already encrypted (it has sops metadata)", { file });
  const { rule, config } = resolveRule(opts);
  const dataKey = opts.dataKey ?? randomBytes(32);
  try {
    const wrapped = await wrapKeyGroups(dataKey, rule.keyGroups, rule.shamirThreshold, undefined, false);
    const md: Omit<SopsMetadata, "mac" | "lastmodified"> = {
      ...wrapped,
      rules: effectiveRules(rule, format),
      macOnlyEncrypted: rule.macOnlyEncrypted,
      version: opts.version ?? SOPS_VERSION,
    };
    return sealBranches(branches, md, dataKey, format, {
      ...opts,
      stores: storeOptions(config, opts.stores),
    });
  } catch (err) {
    if (err instanceof SlipwayError) throw err;
    throw new SlipwayError((err as Error).message, { file });
  }
}
