/**
 * Reporters for a promotion: text for terminals, markdown for the pull request that carries
 * it (what changes and why, then the rendered diff of the target), JSON as is.
 */
import { formatMarkdown as formatDiffMarkdown, formatText as formatDiffText } from "../diff/format.js";
import { cell, codeCell, quoted } from "../diff/markdown-text.js";
import type { DiffReport } from "../diff/model.js";
import { formatPath } from "../yaml/cst-edit.js";
import { type Edit, editedFiles, type PromotionPlan, type Refusal } from "./model.js";

export interface PromotionResult {
  plan: PromotionPlan;
  /** The target's rendered diff (absent when the plan was refused before rendering). */
  diff?: DiffReport;
  /** Files written (with --write / --commit). */
  written: string[];
  /** Commits made (with --commit). */
  commits: Array<{ app: string; commit: string; subject: string }>;
  /** How the run was asked for, for the last line. */
  mode: "plan" | "write" | "commit";
  /** The commit the source environment was read at (with a note when it had uncommitted changes). */
  sourceCommit?: string;
}

export function editText(e: Edit): string {
  const at = `${e.file}:${e.line}`;
  const where = e.inner ? ` (inline patch, ${formatPath(e.inner.path)})` : "";
  if (e.op === "set") return `${at}${where}  ${e.what}: ${e.old} → ${String(e.value)}`;
  if (e.op === "insert") return `${at}${where}  + ${e.what}: ${String(e.value)}`;
  return `${at}${where}  - ${e.what}: ${e.old}`;
}

function refusalText(r: Refusal): string[] {
  const lines = [`✗ ${r.app ? `${r.app}: ` : ""}${r.message} [${r.code}]`];
  if (r.suggestion) lines.push(...r.suggestion.split("\n").map((l) => `    ${l}`));
  return lines;
}

function heading(plan: PromotionPlan): string {
  return `${plan.from}${plan.fromRef ? ` (at ${plan.fromRef})` : ""} → ${plan.to}`;
}

export function formatPromotionText(r: PromotionResult): string {
  const { plan } = r;
  const out: string[] = [`Promote ${heading(plan)}`, ""];
  for (const app of plan.apps) {
    out.push(`${app.app} (Flux Kustomization ${app.target})`);
    for (const c of app.changes) {
      out.push(`  ${c.label}: ${c.from} → ${c.to}  (${c.object})`);
      for (const e of c.edits) out.push(`    ${editText(e)}`);
      for (const n of c.notes) out.push(`    note: ${n}`);
    }
    out.push("");
  }
  const same = plan.skipped.filter((s) => s.reason === "no version differences").map((s) => s.app);
  const other = plan.skipped.filter((s) => s.reason !== "no version differences");
  if (plan.apps.length === 0 && plan.refusals.length === 0) out.push(nothingToPromote(plan), "");
  if (same.length > 0) out.push(`Same versions: ${same.join(", ")}`);
  for (const s of other) out.push(`Skipped ${s.app}: ${s.reason}`);
  for (const n of plan.notes) out.push(`Not promoted: ${n}`);
  if (same.length > 0 || other.length > 0 || plan.notes.length > 0) out.push("");
  if (plan.refusals.length > 0) {
    out.push("Refused; nothing was written:");
    for (const x of plan.refusals) out.push(...refusalText(x).map((l) => (l ? `  ${l}` : l)));
    out.push("");
  }
  if (r.diff && plan.refusals.length === 0 && plan.apps.length > 0) {
    out.push(`Rendered diff of ${plan.to}:`);
    out.push(
      ...formatDiffText(r.diff)
        .trimEnd()
        .split("\n")
        .map((l) => (l ? `  ${l}` : l)),
    );
    out.push("");
  }
  out.push(lastLine(r));
  return `${out.join("\n")}\n`;
}

function nothingToPromote(plan: PromotionPlan): string {
  // Apps only one environment runs are not a reason to doubt the answer; unreadable ones are.
  const skipped = plan.skipped.filter(
    (s) => s.reason !== "no version differences" && !s.reason.startsWith("not deployed"),
  ).length;
  return skipped === 0
    ? `Nothing to promote: ${plan.to} already runs ${plan.from}'s versions.`
    : `Nothing to promote among the apps Slipway could compare (${skipped} skipped, see below).`;
}

function lastLine(r: PromotionResult): string {
  const files = editedFiles(r.plan);
  const n = (count: number, w: string) => `${count} ${w}${count === 1 ? "" : "s"}`;
  if (r.plan.refusals.length > 0) return `Promotion refused (${n(r.plan.refusals.length, "reason")}).`;
  if (files.length === 0) return "No files to change.";
  if (r.mode === "commit")
    return `Committed ${n(r.commits.length, "app")}: ${r.commits.map((c) => `${c.commit.slice(0, 12)} ${c.subject}`).join("; ")}`;
  if (r.mode === "write") return `Wrote ${n(r.written.length, "file")}: ${r.written.join(", ")}`;
  return `Plan only: ${n(files.length, "file")} would change. Run again with --write to apply it, or --commit for one commit per app.`;
}

export function formatPromotionMarkdown(r: PromotionResult): string {
  const { plan } = r;
  const out: string[] = [`### Promote ${cell(heading(plan))}`, ""];
  if (r.sourceCommit)
    out.push(
      `Versions read from ${codeCell(plan.from)} at ${codeCell(r.sourceCommit)}, rendered and checked by \`slipway promote\`.`,
      "",
    );
  if (plan.apps.length > 0) {
    out.push("| App | Version | From | To | Edited |", "|---|---|---|---|---|");
    for (const app of plan.apps) {
      for (const c of app.changes) {
        const where = c.edits.map((e) => codeCell(`${e.file}:${e.line}`)).join("<br>");
        out.push(
          `| ${cell(app.app)} | ${cell(c.label)} | ${codeCell(c.from)} | ${codeCell(c.to)} | ${where} |`,
        );
      }
    }
    out.push("");
  } else if (plan.refusals.length === 0) {
    out.push(cell(nothingToPromote(plan)), "");
  }
  const notes = plan.apps.flatMap((a) => a.changes.flatMap((c) => c.notes.map((n) => `${a.app}: ${n}`)));
  for (const n of [...notes, ...plan.notes.map((n) => `not promoted: ${n}`)]) out.push(`> ${quoted(n)}`, ">");
  if (notes.length + plan.notes.length > 0) out.splice(out.length - 1, 1, "");
  const other = plan.skipped.filter((s) => s.reason !== "no version differences");
  for (const s of other) out.push(`- skipped **${cell(s.app)}**: ${cell(s.reason)}`);
  if (other.length > 0) out.push("");
  if (plan.refusals.length > 0) {
    out.push("**Refused** (nothing was written):", "");
    for (const x of plan.refusals) {
      out.push(`- ❌ ${x.app ? `**${cell(x.app)}**: ` : ""}${cell(x.message)} \`${x.code}\``);
      if (x.suggestion)
        out.push("", "  ```yaml", ...x.suggestion.split("\n").map((l) => (l ? `  ${l}` : l)), "  ```");
    }
    out.push("");
  }
  if (r.diff && plan.refusals.length === 0 && plan.apps.length > 0) {
    out.push(
      formatDiffMarkdown(r.diff).replace(/^### slipway diff: .*\n/, `#### Rendered diff of ${plan.to}\n`),
    );
  }
  return `${out.join("\n").trimEnd()}\n`;
}
