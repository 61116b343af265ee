import * as nodeFs from "node:fs";
import * as path from "node:path";
import { parse as parseYamlText } from "yaml";
import { SlipwayError } from "../errors.js";
import { checkYamlNesting, MAX_ALIAS_COUNT, YamlNestingError } from "../yaml/limits.js";
import { isAgeRecipient, splitRecipients, WITHHELD_SECRET_KEY } from "./age.js";
import { azureKeyId, azureKeyIdFromUrl } from "./azure-kv.js";
import type { PlannedKey } from "./datakey.js";
import { goRegex } from "./goregex.js";
import { checkSingleRule, SELECTION_RULE_NAMES, type SelectionRules } from "./rules.js";

/**
 * `.sops.yaml`: creation rules (which keys and which selection rule a new file gets) and
 * store settings. Found like sops finds it: `.sops.yaml` in the start directory or a parent.
 */

export interface CreationRule {
  pathRegex?: string;
  /** Key groups in sops' order (age, pgp, kms, gcp_kms, hckms, azure_kv, hc_vault). */
  keyGroups: PlannedKey[][];
  shamirThreshold?: number;
  rules: SelectionRules;
  macOnlyEncrypted: boolean;
}

export interface SopsConfig {
  /** Absolute path of the `.sops.yaml` (undefined for configs built in code). */
  file?: string;
  creationRules: CreationRule[];
  stores: { yamlIndent?: number; jsonIndent?: number; jsonBinaryIndent?: number };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function stringList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return splitRecipients(v);
  if (Array.isArray(v)) return v.flatMap((x) => (typeof x === "string" ? splitRecipients(x) : []));
  return [];
}

function objectIds(v: unknown, idOf: (o: Obj) => string): string[] {
  if (!Array.isArray(v)) return [];
  return v.map((x) => (isObj(x) ? idOf(x) : typeof x === "string" ? x : "")).filter((s) => s !== "");
}

function groupFromObject(g: Obj, depth = 0): PlannedKey[] {
  if (depth > 20) throw new Error("key_groups merge nesting too deep");
  const keys: PlannedKey[] = [];
  for (const r of stringList(g.age)) keys.push({ type: "age", id: r });
  for (const r of stringList(g.pgp)) keys.push({ type: "pgp", id: r });
  for (const r of objectIds(g.kms, (o) => String(o.arn ?? ""))) keys.push({ type: "kms", id: r });
  for (const r of objectIds(g.gcp_kms, (o) => String(o.resource_id ?? "")))
    keys.push({ type: "gcp_kms", id: r });
  for (const r of objectIds(g.hckms, (o) => String(o.key_id ?? ""))) keys.push({ type: "hckms", id: r });
  for (const r of objectIds(g.azure_keyvault, (o) =>
    typeof o.vaultUrl === "string" && typeof o.key === "string"
      ? azureKeyId(o.vaultUrl, o.key, typeof o.version === "string" ? o.version : "")
      : "",
  )) {
    keys.push({ type: "azure_kv", id: r });
  }
  for (const r of stringList(g.hc_vault)) keys.push({ type: "hc_vault", id: r });
  if (Array.isArray(g.merge))
    for (const m of g.merge) if (isObj(m)) keys.push(...groupFromObject(m, depth + 1));
  // key_groups entries are de-duplicated by type + identifier
  const seen = new Set<string>();
  return keys.filter((k) => {
    const id = `${k.type}\u0000${k.id}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function flatGroup(r: Obj): PlannedKey[] {
  const keys: PlannedKey[] = [];
  for (const a of stringList(r.age)) keys.push({ type: "age", id: a });
  for (const a of stringList(r.pgp)) keys.push({ type: "pgp", id: a });
  for (const a of stringList(r.kms)) keys.push({ type: "kms", id: a });
  for (const a of stringList(r.gcp_kms)) keys.push({ type: "gcp_kms", id: a });
  for (const a of objectIds(r.hckms, (o) => String(o.key_id ?? ""))) keys.push({ type: "hckms", id: a });
  for (const a of stringList(r.azure_keyvault)) keys.push({ type: "azure_kv", id: azureKeyIdFromUrl(a) });
  for (const a of stringList(r.hc_vault_transit_uri)) keys.push({ type: "hc_vault", id: a });
  return keys;
}

export function parseCreationRule(r: Obj): CreationRule {
  const keyGroups = Array.isArray(r.key_groups)
    ? r.key_groups.filter(isObj).map((g) => groupFromObject(g))
    : [flatGroup(r)].filter((g) => g.length > 0);
  const rules: SelectionRules = {};
  for (const name of SELECTION_RULE_NAMES) {
    const v = r[name];
    if (typeof v === "string" && v !== "") rules[name] = v;
  }
  checkSingleRule(rules);
  for (const name of [
    "unencrypted_regex",
    "encrypted_regex",
    "unencrypted_comment_regex",
    "encrypted_comment_regex",
  ] as const) {
    if (rules[name]) goRegex(rules[name]);
  }
  const rule: CreationRule = { keyGroups, rules, macOnlyEncrypted: r.mac_only_encrypted === true };
  if (typeof r.path_regex === "string" && r.path_regex !== "") {
    goRegex(r.path_regex);
    rule.pathRegex = r.path_regex;
  }
  if (typeof r.shamir_threshold === "number") rule.shamirThreshold = r.shamir_threshold;
  return rule;
}

export function parseSopsConfig(text: string, file?: string): SopsConfig {
  let doc: unknown;
  try {
    checkYamlNesting(text, file);
    doc = parseYamlText(text, { merge: true, maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const message = (err as Error).message.split("\n")[0] ?? "";
    if (err instanceof YamlNestingError) {
      throw new SlipwayError(`invalid .sops.yaml: ${message}`, { file, line: err.line, column: err.column });
    }
    // The yaml package's errors carry where they are; the check points at that line.
    const at = (err as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    throw new SlipwayError(`invalid .sops.yaml: ${message}`, {
      file,
      ...(at ? { line: at.line, column: at.col } : {}),
    });
  }
  const root = isObj(doc) ? doc : {};
  const rules = Array.isArray(root.creation_rules) ? root.creation_rules : [];
  const creationRules: CreationRule[] = [];
  rules.forEach((r, i) => {
    if (!isObj(r)) return;
    try {
      creationRules.push(parseCreationRule(r));
    } catch (err) {
      throw new SlipwayError(`creation_rules[${i}]: ${(err as Error).message}`, { file });
    }
  });
  const stores = isObj(root.stores) ? root.stores : {};
  const indentOf = (v: unknown) => (isObj(v) && typeof v.indent === "number" ? v.indent : undefined);
  const config: SopsConfig = {
    creationRules,
    stores: {
      yamlIndent: indentOf(stores.yaml),
      jsonIndent: indentOf(stores.json),
      jsonBinaryIndent: indentOf(stores.json_binary),
    },
  };
  if (file) config.file = file;
  return config;
}

export interface ConfigFileSystem {
  exists(p: string): boolean;
  readFile(p: string): Buffer | string;
}

const diskFs: ConfigFileSystem = { exists: nodeFs.existsSync, readFile: (p) => nodeFs.readFileSync(p) };

/** `.sops.yaml` in `startDir` or one of its parents (at most 100 levels, as sops). */
export function findSopsConfig(startDir: string, fs: ConfigFileSystem = diskFs): string | undefined {
  let dir = path.resolve(startDir);
  for (let i = 0; i < 100; i++) {
    const candidate = path.join(dir, ".sops.yaml");
    if (fs.exists(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

export function loadSopsConfig(startDir: string, fs: ConfigFileSystem = diskFs): SopsConfig | undefined {
  const file = findSopsConfig(startDir, fs);
  if (!file) return undefined;
  return parseSopsConfig(fs.readFile(file).toString(), file);
}

/**
 * First creation rule whose path_regex matches the file path relative to the config's
 * directory (an empty path_regex matches everything).
 */
export function selectCreationRule(config: SopsConfig, filePath: string): CreationRule {
  let rel = path.resolve(filePath);
  if (config.file) {
    const dir = `${path.dirname(path.resolve(config.file))}/`;
    if (rel.startsWith(dir)) rel = rel.slice(dir.length);
  }
  if (config.creationRules.length === 0) {
    throw new SlipwayError("no creation_rules in .sops.yaml", { file: config.file });
  }
  for (const rule of config.creationRules) {
    if (rule.pathRegex && !goRegex(rule.pathRegex).test(rel)) continue;
    checkAgeRecipients(rule, config.file);
    return rule;
  }
  throw new SlipwayError(`no matching creation rules found for ${rel}`, { file: config.file });
}

/**
 * sops parses the age recipients of the rule it selects, and an entry that is no age or SSH
 * public key fails it (age/keysource.go parseRecipient): a template's `age: YOUR_AGE_PUBLIC_KEY`
 * names no key a file could be missing.
 */
function checkAgeRecipients(rule: CreationRule, file: string | undefined): void {
  for (const key of rule.keyGroups.flat()) {
    if (key.type !== "age" || isAgeRecipient(key.id) || key.id.startsWith("ssh-")) continue;
    if (key.id === WITHHELD_SECRET_KEY)
      throw new SlipwayError(
        "the creation rule's age recipient is an age secret key (a private key, not printed here): whoever can read this file can decrypt every file encrypted for it, so treat it as exposed: make a new key (age-keygen), put its public key here, then run 'slipway secrets updatekeys' and 'slipway secrets rotate' on the files the old one encrypted",
        { file },
      );
    throw new SlipwayError(
      `the creation rule's age recipient '${key.id}' is no age or SSH public key (a placeholder?); sops refuses the rule`,
      { file },
    );
  }
}

/** A rule for explicit age recipients, with sops' defaults (what `sops -e --age …` does). */
export function ruleForRecipients(recipients: string[], rules: SelectionRules = {}): CreationRule {
  return {
    keyGroups: [recipients.flatMap(splitRecipients).map((id) => ({ type: "age" as const, id }))],
    rules,
    macOnlyEncrypted: false,
  };
}
