/**
 * Text report for people: findings grouped by cluster, then by file (sorted as the engine
 * sorted them), each as `line  severity  rule  message`, and a closing summary line.
 * Colours only when asked (the CLI asks on a TTY without NO_COLOR).
 */
import { printable } from "../../printable.js";
import type { CheckResult } from "../engine.js";
import type { Finding, Severity } from "../types.js";

export interface TextOptions {
  color?: boolean;
}

const COLORS: Record<Severity | "dim" | "bold", string> = {
  error: "\x1b[31m",
  warning: "\x1b[33m",
  info: "\x1b[36m",
  dim: "\x1b[2m",
  bold: "\x1b[1m",
};
const RESET = "\x1b[0m";

export function formatText(result: CheckResult, opts: TextOptions = {}): string {
  const paint = (style: keyof typeof COLORS, s: string) => (opts.color ? `${COLORS[style]}${s}${RESET}` : s);
  const out: string[] = [];
  let cluster: string | undefined | null = null;
  let file: string | undefined | null = null;
  for (const f of result.findings) {
    if (f.cluster !== cluster) {
      cluster = f.cluster;
      file = null;
      if (out.length > 0) out.push("");
      out.push(paint("bold", cluster ? `cluster ${printable(cluster)}` : "repository"));
    }
    if (f.file !== file) {
      file = f.file;
      out.push(`  ${file === undefined ? "(no file)" : printable(file)}`);
    }
    // Names and messages come from the repository: one finding, one line, no terminal controls.
    out.push(
      `    ${lineOf(f)}  ${paint(f.severity, f.severity.padEnd(7))}  ${printable(f.message)}  ${paint("dim", `[${f.rule}${printable(context(f))}]`)}`,
    );
  }
  if (out.length > 0) out.push("");
  out.push(summaryLine(result));
  return `${out.join("\n")}\n`;
}

function lineOf(f: Finding): string {
  return String(f.line ?? "-").padStart(5);
}

function context(f: Finding): string {
  if (!f.kustomization) return "";
  // A ResourceSet applier's id is `ResourceSet/<namespace>/<name>`.
  if (f.kustomization.startsWith("ResourceSet/"))
    return ` in ResourceSet ${f.kustomization.slice("ResourceSet/".length)}`;
  return ` in Kustomization ${f.kustomization}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** `N errors, N warnings in N resources across N clusters` (plus infos when there are any). */
export function summaryLine(result: CheckResult): string {
  const s = result.summary;
  const infos = s.infos > 0 ? `, ${plural(s.infos, "info")}` : "";
  return `${plural(s.errors, "error")}, ${plural(s.warnings, "warning")}${infos} in ${plural(s.resources, "resource")} across ${plural(s.clusters, "cluster")}`;
}
