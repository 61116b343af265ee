import { randomBytes } from "node:crypto";
import { SlipwayError } from "../errors.js";
import type { IvSource } from "./aes.js";
import { isAgeRecipient } from "./age.js";
import { azureKeyMatches } from "./azure-kv.js";
import type { CreationRule, SopsConfig } from "./config.js";
import { ageRecipientsOf, otherKeysOf, recoverDataKey, wrapKeyGroups } from "./datakey.js";
import { type DecryptedSops, decryptSops } from "./decrypt.js";
import { resolveRule, sealBranches, storeOptions } from "./encrypt.js";
import { findAgeIdentities } from "./identities.js";
import type { SopsMetadata } from "./metadata.js";
import {
  detectYamlIndent,
  emitEncrypted,
  formatForFile,
  loadEncrypted,
  loadPlain,
  type SopsFormat,
  type StoreOptions,
} from "./store.js";
import { treeEqual } from "./tree.js";

/** Edit, updatekeys, rotate and status: the key-management operations on existing files. */

function keepIndent(original: Buffer, format: SopsFormat, stores: StoreOptions): StoreOptions {
  if (format !== "yaml" || stores.yamlIndent !== undefined) return stores;
  const indent = detectYamlIndent(original.toString("utf8"));
  return indent ? { ...stores, yamlIndent: indent } : stores;
}

export interface ReencryptOptions {
  iv?: IvSource;
  now?: Date;
  stores?: StoreOptions;
}

/**
 * Re-encrypts an edited plaintext of a decrypted file. Unchanged values keep their exact
 * ciphertext; with no change at all the original bytes come back untouched.
 */
export function reencryptEdited(
  decrypted: DecryptedSops,
  editedPlain: Buffer | string,
  opts: ReencryptOptions = {},
): Buffer {
  const edited = loadPlain(editedPlain, decrypted.format, decrypted.file);
  const same =
    edited.length === decrypted.branches.length &&
    edited.every((b, i) => treeEqual(b, decrypted.branches[i]!));
  if (same) return decrypted.original;
  const { mac: _mac, lastmodified: _lm, ...skeleton } = decrypted.metadata;
  try {
    return sealBranches(edited, skeleton, decrypted.dataKey, decrypted.format, {
      ...opts,
      stash: decrypted.stash,
      stores: keepIndent(decrypted.original, decrypted.format, opts.stores ?? {}),
    });
  } catch (err) {
    throw new SlipwayError((err as Error).message, { file: decrypted.file });
  }
}

export interface KeyUpdateOptions {
  file?: string;
  format?: SopsFormat;
  /** Explicit rule; otherwise chosen from `config` (or the `.sops.yaml` found) by path. */
  rule?: CreationRule;
  config?: SopsConfig | null;
  identities?: readonly string[];
  stores?: StoreOptions;
}

export interface KeyUpdateResult {
  output: Buffer;
  changed: boolean;
  added: string[];
  removed: string[];
}

function recipientIds(md: Pick<SopsMetadata, "keyGroups">): string[] {
  return md.keyGroups.flatMap((g) => g.map((k) => (k.type === "age" ? k.recipient : `${k.type}:${k.id}`)));
}

/**
 * `sops updatekeys`: the data key is re-wrapped for the keys the creation rule now names;
 * values, lastmodified and MAC stay as they are. Entries of recipients that stay keep their
 * ciphertext (single key group).
 */
export async function updateKeys(
  input: Buffer | string,
  opts: KeyUpdateOptions = {},
): Promise<KeyUpdateResult> {
  const file = opts.file;
  const format = formatForFile(file, opts.format);
  const original = typeof input === "string" ? Buffer.from(input, "utf8") : input;
  const { branches, metadata } = loadEncrypted(original, format, file);
  const { rule, config } = resolveRule(opts);
  const before = recipientIds(metadata);
  const plannedIds = rule.keyGroups.flat().map((k) => (k.type === "age" ? k.id : `${k.type}:${k.id}`));
  const sameShape =
    metadata.keyGroups.length === rule.keyGroups.length &&
    metadata.keyGroups.every((g, i) => {
      const want = rule.keyGroups[i]!.map((k) => (k.type === "age" ? k.id : `${k.type}:${k.id}`)).sort();
      const have = g.map((k) => (k.type === "age" ? k.recipient : `${k.type}:${k.id}`)).sort();
      return want.length === have.length && want.every((x, j) => x === have[j]);
    }) &&
    (metadata.keyGroups.length <= 1 ||
      (rule.shamirThreshold ?? rule.keyGroups.length) === metadata.shamirThreshold);
  if (sameShape) return { output: original, changed: false, added: [], removed: [] };
  const dataKey = await recoverDataKey(metadata, opts.identities ?? findAgeIdentities().identities, file);
  let wrapped: Awaited<ReturnType<typeof wrapKeyGroups>>;
  try {
    wrapped = await wrapKeyGroups(dataKey, rule.keyGroups, rule.shamirThreshold, metadata, true);
  } catch (err) {
    throw new SlipwayError((err as Error).message, { file });
  }
  const next: SopsMetadata = { ...metadata, ...wrapped };
  if (!wrapped.shamirThreshold) delete next.shamirThreshold;
  const output = emitEncrypted(
    branches,
    next,
    format,
    keepIndent(original, format, storeOptions(config, opts.stores)),
  );
  return {
    output,
    changed: true,
    added: plannedIds.filter((id) => !before.includes(id)),
    removed: before.filter((id) => !plannedIds.includes(id)),
  };
}

export interface RotateOptions extends KeyUpdateOptions {
  iv?: IvSource;
  now?: Date;
  dataKey?: Uint8Array;
  /** Also switch to the recipients of the creation rule (default: keep the file's own). */
  applyRule?: boolean;
}

/** `sops rotate`: a new data key, every value re-encrypted, the key wrapped for the recipients. */
export async function rotateDataKey(input: Buffer | string, opts: RotateOptions = {}): Promise<Buffer> {
  const decrypted = await decryptSops(input, opts);
  const file = decrypted.file;
  const md = decrypted.metadata;
  let planned = md.keyGroups.map((g) =>
    g.map((k) => ({ type: k.type, id: k.type === "age" ? k.recipient : k.id })),
  );
  let threshold = md.shamirThreshold;
  let config: SopsConfig | undefined;
  if (opts.applyRule) {
    const resolved = resolveRule(opts);
    planned = resolved.rule.keyGroups;
    threshold = resolved.rule.shamirThreshold;
    config = resolved.config;
  }
  const dataKey = opts.dataKey ?? randomBytes(32);
  try {
    const wrapped = await wrapKeyGroups(dataKey, planned, threshold, undefined, false);
    const { mac: _m, lastmodified: _l, shamirThreshold: _s, keyGroups: _k, ...rest } = md;
    return sealBranches(decrypted.branches, { ...rest, ...wrapped }, dataKey, decrypted.format, {
      iv: opts.iv,
      now: opts.now,
      stores: keepIndent(decrypted.original, decrypted.format, storeOptions(config, opts.stores)),
    });
  } catch (err) {
    throw new SlipwayError((err as Error).message, { file });
  }
}

export interface SopsFileStatus {
  file?: string;
  format: SopsFormat;
  ageRecipients: string[];
  /** PGP/KMS/Vault/… keys, by type and identifier. */
  otherKeys: Array<{ type: string; id: string }>;
  keyGroupCount: number;
  lastmodified: string;
  version: string;
  /** Whether the given identities recover the data key (and the MAC verifies, if checked). */
  canDecrypt: boolean;
  /** Why not, when canDecrypt is false (never contains secrets). */
  decryptProblem?: string;
  /** The recipients the matching creation rule names; undefined without a config/rule. */
  expectedRecipients?: string[];
  missingRecipients: string[];
  extraRecipients: string[];
  /**
   * age entries whose `recipient` is no age or SSH public key (`REMOVED_BY_HISTORY_REWRITE`, a
   * history rewrite's scrubbing): sops decrypts with the entry's stanza, never that label, so
   * the file does not say which key it is for.
   */
  unnamedRecipients: string[];
  /** undefined when there is no rule to compare with. */
  matchesConfig?: boolean;
  configProblem?: string;
}

export interface StatusOptions extends KeyUpdateOptions {
  /** Also decrypt all values and check the MAC (slower; default false). */
  verifyMac?: boolean;
}

export async function sopsStatus(input: Buffer | string, opts: StatusOptions = {}): Promise<SopsFileStatus> {
  const file = opts.file;
  const format = formatForFile(file, opts.format);
  const { metadata } = loadEncrypted(input, format, file);
  const status: SopsFileStatus = {
    file,
    format,
    ageRecipients: ageRecipientsOf(metadata),
    otherKeys: otherKeysOf(metadata),
    keyGroupCount: metadata.keyGroups.length,
    lastmodified: metadata.lastmodified,
    version: metadata.version,
    canDecrypt: false,
    missingRecipients: [],
    extraRecipients: [],
    unnamedRecipients: ageRecipientsOf(metadata).filter((r) => !isAgeRecipient(r) && !r.startsWith("ssh-")),
  };
  const identities = opts.identities ?? findAgeIdentities().identities;
  try {
    if (opts.verifyMac) await decryptSops(input, { file, format, identities });
    else await recoverDataKey(metadata, identities, file);
    status.canDecrypt = true;
  } catch (err) {
    status.decryptProblem = (err as Error).message;
  }
  try {
    if (opts.rule || opts.config !== null) {
      const { rule } = resolveRule(opts);
      const expected = rule.keyGroups.flat().map((k) => (k.type === "age" ? k.id : `${k.type}:${k.id}`));
      const actual = recipientIds(metadata);
      status.expectedRecipients = expected;
      status.missingRecipients = expected.filter((x) => !actual.some((a) => sameRecipient(x, a)));
      status.extraRecipients = actual.filter((a) => !expected.some((x) => sameRecipient(x, a)));
      status.matchesConfig = status.missingRecipients.length === 0 && status.extraRecipients.length === 0;
    }
  } catch (err) {
    status.configProblem = (err as Error).message;
  }
  return status;
}

/**
 * PGP fingerprints are written with or without spaces and in either case (sops itself
 * accepts both in .sops.yaml); compare them without. age recipients compare as written.
 */
function comparableRecipient(r: string): string {
  return r.startsWith("pgp:") ? `pgp:${r.slice(4).replace(/\s+/g, "").toUpperCase()}` : r;
}

/** Whether the recipient a rule names (`want`) is one the file has (`have`). */
function sameRecipient(want: string, have: string): boolean {
  if (comparableRecipient(want) === comparableRecipient(have)) return true;
  const azure = "azure_kv:";
  return (
    want.startsWith(azure) &&
    have.startsWith(azure) &&
    azureKeyMatches(want.slice(azure.length), have.slice(azure.length))
  );
}
