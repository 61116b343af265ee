import { azureKeyId } from "./azure-kv.js";
import { SELECTION_RULE_NAMES, type SelectionRules } from "./rules.js";
import { Branch, Comment, Sequence, SopsTime, type TreeValue } from "./tree.js";

/**
 * The `sops` metadata block: master keys (in key groups), lastmodified, MAC, selection rule,
 * version. Read from any layout sops ever wrote; written in sops 3.13's layout (every map
 * sorted by key, empty key lists omitted).
 */

export const SOPS_VERSION = "3.13.2";

export const KEY_TYPES = ["kms", "gcp_kms", "hckms", "azure_kv", "hc_vault", "age", "pgp"] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** Plain, order-keeping copy of a metadata entry we do not interpret (PGP, KMS, …). */
export type RawValue = string | number | boolean | null | RawValue[] | { [k: string]: RawValue };

export interface AgeKey {
  type: "age";
  recipient: string;
  enc: string;
}
export interface OtherKey {
  type: Exclude<KeyType, "age">;
  /** Fingerprint, ARN, URL… — what a person would call the key. */
  id: string;
  raw: { [k: string]: RawValue };
}
export type MasterKey = AgeKey | OtherKey;
export type KeyGroup = MasterKey[];

export interface SopsMetadata {
  keyGroups: KeyGroup[];
  shamirThreshold?: number;
  lastmodified: string;
  mac: string;
  /** The one selection rule in force (with sops' default filled in when the file has none). */
  rules: SelectionRules;
  macOnlyEncrypted: boolean;
  version: string;
}

export function toRaw(v: TreeValue): RawValue {
  if (v instanceof Branch) {
    const o: { [k: string]: RawValue } = {};
    for (const it of v.items) if (!(it instanceof Comment)) o[it.key] = toRaw(it.value);
    return o;
  }
  if (v instanceof Sequence)
    return v.items.filter((x) => !(x instanceof Comment)).map((x) => toRaw(x as TreeValue));
  if (v === null) return null;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof SopsTime) return v.text;
  if (typeof v === "object") return v.bytes.toString("utf8");
  return v;
}

function asString(v: RawValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "object") return undefined;
  return String(v);
}

function keyId(type: KeyType, raw: { [k: string]: RawValue }): string {
  const pick = (...names: string[]) => names.map((n) => asString(raw[n])).find((x) => x) ?? "";
  switch (type) {
    case "pgp":
      return pick("fp");
    case "kms":
      return pick("arn");
    case "gcp_kms":
      return pick("resource_id");
    case "hckms":
      return pick("key_id");
    case "azure_kv": {
      const url = pick("vault_url", "vaultUrl");
      return url ? azureKeyId(url, pick("name", "key"), pick("version")) : "";
    }
    case "hc_vault": {
      const addr = pick("vault_address");
      const engine = pick("engine_path");
      const name = pick("key_name");
      return addr ? `${addr}/v1/${engine}/keys/${name}` : "";
    }
    default:
      return pick("recipient");
  }
}

function parseGroup(obj: { [k: string]: RawValue }): KeyGroup {
  const group: KeyGroup = [];
  for (const type of KEY_TYPES) {
    const list = obj[type];
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      if (!entry || typeof entry !== "object" || Array.isArray(entry)) continue;
      if (type === "age") {
        group.push({ type, recipient: asString(entry.recipient) ?? "", enc: asString(entry.enc) ?? "" });
      } else group.push({ type, id: keyId(type, entry), raw: entry });
    }
  }
  return group;
}

export class MetadataError extends Error {}

/** Parses the un-flattened `sops` object. */
export function parseMetadata(raw: RawValue): SopsMetadata {
  if (!raw || typeof raw !== "object" || Array.isArray(raw))
    throw new MetadataError("sops metadata is not a mapping");
  const top = parseGroup(raw);
  let keyGroups: KeyGroup[];
  if (top.length > 0) keyGroups = [top];
  else if (Array.isArray(raw.key_groups)) {
    keyGroups = raw.key_groups
      .filter((g): g is { [k: string]: RawValue } => !!g && typeof g === "object" && !Array.isArray(g))
      .map(parseGroup);
  } else keyGroups = [];
  const rules: SelectionRules = {};
  for (const name of SELECTION_RULE_NAMES) {
    const v = asString(raw[name]);
    if (v !== undefined && v !== "") rules[name] = v;
  }
  if (Object.keys(rules).length > 1) {
    throw new MetadataError(`sops metadata sets more than one of ${Object.keys(rules).join(", ")}`);
  }
  if (Object.keys(rules).length === 0) rules.unencrypted_suffix = "_unencrypted";
  const lastmodified = asString(raw.lastmodified);
  if (!lastmodified) throw new MetadataError("sops metadata has no lastmodified");
  const threshold = raw.shamir_threshold;
  const md: SopsMetadata = {
    keyGroups,
    lastmodified,
    mac: asString(raw.mac) ?? "",
    rules,
    macOnlyEncrypted: raw.mac_only_encrypted === true || raw.mac_only_encrypted === "true",
    version: asString(raw.version) ?? "",
  };
  if (threshold !== undefined && threshold !== null && Number(threshold) > 0)
    md.shamirThreshold = Number(threshold);
  return md;
}

function sortedBranch(entries: Array<[string, TreeValue]>): Branch {
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new Branch(sorted.map(([key, value]) => ({ key, value })));
}

function fromRaw(v: RawValue): TreeValue {
  if (Array.isArray(v)) return new Sequence(v.map(fromRaw));
  if (v && typeof v === "object") return sortedBranch(Object.entries(v).map(([k, x]) => [k, fromRaw(x)]));
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : v;
  return v;
}

function groupEntries(group: KeyGroup, alwaysPresent: readonly KeyType[]): Array<[string, TreeValue]> {
  const out: Array<[string, TreeValue]> = [];
  for (const type of KEY_TYPES) {
    const keys = group.filter((k) => k.type === type);
    if (keys.length === 0 && !alwaysPresent.includes(type)) continue;
    out.push([
      type,
      new Sequence(
        keys.map((k) =>
          k.type === "age"
            ? sortedBranch([
                ["enc", k.enc],
                ["recipient", k.recipient],
              ])
            : fromRaw(k.raw),
        ),
      ),
    ]);
  }
  return out;
}

/** The metadata as a tree in sops 3.13's layout, ready for any store's emitter. */
export function metadataTree(md: SopsMetadata): Branch {
  const entries: Array<[string, TreeValue]> = [];
  if (md.keyGroups.length === 1) entries.push(...groupEntries(md.keyGroups[0]!, []));
  else if (md.keyGroups.length > 1) {
    entries.push([
      "key_groups",
      new Sequence(md.keyGroups.map((g) => sortedBranch(groupEntries(g, ["age", "hc_vault"])))),
    ]);
    if (md.shamirThreshold) entries.push(["shamir_threshold", BigInt(md.shamirThreshold)]);
  }
  entries.push(["lastmodified", md.lastmodified], ["mac", md.mac]);
  if (md.macOnlyEncrypted) entries.push(["mac_only_encrypted", true]);
  for (const name of SELECTION_RULE_NAMES) {
    const v = md.rules[name];
    if (v !== undefined) entries.push([name, v]);
  }
  entries.push(["version", md.version]);
  return sortedBranch(entries);
}

// ---------------------------------------------------------------------------------------
// dotenv keeps metadata flattened: `sops_age__list_0__map_enc=…`.

export function flattenMetadata(tree: Branch, prefix = "sops_"): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const visit = (v: TreeValue, key: string) => {
    if (v instanceof Branch) {
      for (const it of v.items) if (!(it instanceof Comment)) visit(it.value, `${key}__map_${it.key}`);
    } else if (v instanceof Sequence) {
      v.items.forEach((x, i) => {
        visit(x as TreeValue, `${key}__list_${i}`);
      });
    } else if (v !== null) out.push([key, typeof v === "boolean" ? String(v) : String(v)]);
  };
  for (const it of tree.items) if (!(it instanceof Comment)) visit(it.value, `${prefix}${it.key}`);
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function unflattenMetadata(entries: Array<[string, string]>): RawValue {
  const root: { [k: string]: RawValue } = {};
  for (const [flatKey, value] of entries) {
    const parts = flatKey.split(/(__map_|__list_)/);
    // parts: [first, sep, name, sep, name, …]
    let container: RawValue = root;
    let key: string | number = parts[0]!;
    for (let i = 1; i < parts.length; i += 2) {
      const sep = parts[i]!;
      const next = sep === "__list_" ? Number(parts[i + 1]) : parts[i + 1]!;
      const holder = container as { [k: string]: RawValue } | RawValue[];
      let child = (holder as Record<string | number, RawValue>)[key as never];
      if (child === undefined || child === null || typeof child !== "object") {
        child = sep === "__list_" ? [] : {};
        (holder as Record<string | number, RawValue>)[key as never] = child;
      }
      container = child;
      key = next;
    }
    (container as Record<string | number, RawValue>)[key as never] = value;
  }
  return root;
}
