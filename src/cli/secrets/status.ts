import * as fs from "node:fs";
import { errorMessage } from "../../errors.js";
import { type SopsFileStatus, sopsStatus } from "../../sops/index.js";
import type { SopsConfigCache } from "./config.js";

/** `slipway secrets status`: one entry per SOPS file, and the report in text or JSON. */

export interface StatusEntry {
  file: string;
  format?: string;
  ageRecipients: string[];
  otherKeys: Array<{ type: string; id: string }>;
  canDecrypt: boolean;
  decryptProblem?: string;
  /** null: no `.sops.yaml` governs the file, so there is nothing to compare with. */
  matchesConfig: boolean | null;
  expectedRecipients?: string[];
  missingRecipients: string[];
  extraRecipients: string[];
  configProblem?: string;
  /** The file cannot be read as a SOPS file at all. */
  error?: string;
  ok: boolean;
}

export interface StatusReport {
  keySources: string[];
  files: StatusEntry[];
  summary: { files: number; canDecrypt: number; cannotDecrypt: number; mismatched: number; errors: number };
  ok: boolean;
}

function fromStatus(file: string, s: SopsFileStatus, hasConfig: boolean): StatusEntry {
  const matchesConfig = s.matchesConfig ?? (hasConfig ? false : null);
  // Built field by field so that the JSON reads in a fixed, logical order.
  return {
    file,
    format: s.format,
    ageRecipients: s.ageRecipients,
    otherKeys: s.otherKeys,
    canDecrypt: s.canDecrypt,
    ...(s.decryptProblem ? { decryptProblem: s.decryptProblem } : {}),
    matchesConfig,
    ...(s.expectedRecipients ? { expectedRecipients: s.expectedRecipients } : {}),
    missingRecipients: s.missingRecipients,
    extraRecipients: s.extraRecipients,
    ...(s.configProblem ? { configProblem: s.configProblem } : {}),
    ok: s.canDecrypt && matchesConfig !== false,
  };
}

export async function statusOf(
  file: string,
  identities: readonly string[],
  configs: SopsConfigCache,
): Promise<StatusEntry> {
  try {
    const config = configs.configFor(file);
    // verifyMac: a tampered file is not one the key "can decrypt"
    const s = await sopsStatus(fs.readFileSync(file), { file, identities, config, verifyMac: true });
    return fromStatus(file, s, config !== null);
  } catch (err) {
    return {
      file,
      ageRecipients: [],
      otherKeys: [],
      canDecrypt: false,
      matchesConfig: null,
      missingRecipients: [],
      extraRecipients: [],
      error: oneLine(errorMessage(err)),
      ok: false,
    };
  }
}

export function buildReport(entries: StatusEntry[], keySources: string[]): StatusReport {
  const summary = {
    files: entries.length,
    canDecrypt: entries.filter((e) => e.canDecrypt).length,
    cannotDecrypt: entries.filter((e) => !e.error && !e.canDecrypt).length,
    mismatched: entries.filter((e) => e.matchesConfig === false).length,
    errors: entries.filter((e) => e.error !== undefined).length,
  };
  return { keySources, files: entries, summary, ok: entries.every((e) => e.ok) };
}

function oneLine(s: string): string {
  return s.split("\n")[0]!;
}

/** Strips the "file: " prefix a SlipwayError adds, since the report names the file already. */
function withoutFile(file: string, message: string): string {
  return message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message;
}

function shortRecipient(r: string): string {
  return r.length > 24 ? `${r.slice(0, 12)}…${r.slice(-8)}` : r;
}

export function formatStatusText(report: StatusReport): string {
  const lines: string[] = [];
  for (const e of report.files) {
    lines.push(`${e.ok ? "ok  " : "FAIL"} ${e.file}${e.format ? ` (${e.format})` : ""}`);
    if (e.error) {
      lines.push(`     error: ${withoutFile(e.file, e.error)}`);
      continue;
    }
    const recipients = [...e.ageRecipients, ...e.otherKeys.map((k) => `${k.type}:${k.id}`)];
    lines.push(
      `     recipients: ${recipients.length > 0 ? recipients.map(shortRecipient).join(", ") : "none"}`,
    );
    lines.push(
      `     decrypt:    ${e.canDecrypt ? "yes" : `no: ${withoutFile(e.file, oneLine(e.decryptProblem ?? "unknown reason"))}`}`,
    );
    let rule: string;
    if (e.matchesConfig === null) rule = "no .sops.yaml";
    else if (e.configProblem) rule = `no rule: ${withoutFile(e.file, oneLine(e.configProblem))}`;
    else if (e.matchesConfig) rule = "recipients match";
    else {
      const parts: string[] = [];
      if (e.missingRecipients.length > 0)
        parts.push(`missing ${e.missingRecipients.map(shortRecipient).join(", ")}`);
      if (e.extraRecipients.length > 0)
        parts.push(`extra ${e.extraRecipients.map(shortRecipient).join(", ")}`);
      rule = `mismatch: ${parts.join("; ")} (run 'slipway secrets updatekeys')`;
    }
    lines.push(`     .sops.yaml: ${rule}`);
  }
  const s = report.summary;
  const keys = report.keySources.length > 0 ? report.keySources.join(", ") : "no age key found";
  lines.push(
    `${s.files} SOPS file${s.files === 1 ? "" : "s"}: ${s.canDecrypt} decryptable, ${s.cannotDecrypt} not decryptable, ${s.mismatched} not matching .sops.yaml, ${s.errors} unreadable (keys: ${keys})`,
  );
  return `${lines.join("\n")}\n`;
}
