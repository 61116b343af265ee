/**
 * GitHub Actions workflow commands: one `::error file=…,line=…,title=…::message` (or
 * `::warning`, `::notice`) per finding, which GitHub shows as annotations on the diff,
 * then the summary line.
 */
import { printable, withoutControls } from "../../printable.js";
import type { CheckResult } from "../engine.js";
import type { Finding } from "../types.js";
import { summaryLine } from "./text.js";

const COMMAND = { error: "error", warning: "warning", info: "notice" } as const;

/** Escaping of the message part of a workflow command. */
function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Property values escape `:` and `,` as well. */
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function annotation(f: Finding): string {
  const props: string[] = [];
  if (f.file !== undefined) props.push(`file=${escapeProperty(f.file)}`);
  if (f.file !== undefined && f.line !== undefined) props.push(`line=${f.line}`);
  props.push(`title=${escapeProperty(`${f.rule}${f.cluster ? ` (${printable(f.cluster)})` : ""}`)}`);
  // The runner shows the message in the step's log, which renders terminal escapes: control
  // characters the repository wrote are shown as escapes, as in the text report (line breaks
  // stay: an annotation may span lines). The file stays as it is, to place the annotation.
  return `::${COMMAND[f.severity]} ${props.join(",")}::${escapeData(withoutControls(f.message))}`;
}

export function formatGithub(result: CheckResult): string {
  const lines = result.findings.map(annotation);
  lines.push(summaryLine(result));
  return `${lines.join("\n")}\n`;
}
