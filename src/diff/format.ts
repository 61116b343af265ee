/**
 * Reporters for a DiffReport: plain text for terminals, markdown for a pull-request comment
 * (summary table first, one collapsible section per Flux Kustomization), JSON as is.
 */
import type { YamlValue } from "../kustomize/types.js";
import { failureLines, notComparedCount, whereFailed } from "./coverage.js";
import { compact, type FieldChange } from "./fields.js";
import { cell, codeCell, inline, quoted } from "./markdown-text.js";
import type { DiffReport, KustomizationDiff, NotCompared, ObjectDiff } from "./model.js";

const MAX_VALUE = 240;

export function valueText(v: YamlValue | undefined): string {
  let s: string;
  if (typeof v === "string") s = /[\n\r\t]|^\s|\s$|^$/.test(v) ? JSON.stringify(v) : v;
  else s = compact(v);
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE)}…` : s;
}

function objectTitle(o: ObjectDiff): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`;
}

function countsText(k: KustomizationDiff): string {
  const parts: string[] = [];
  if (k.counts.added) parts.push(`${k.counts.added} added`);
  if (k.counts.removed) parts.push(`${k.counts.removed} removed`);
  if (k.counts.changed) parts.push(`${k.counts.changed} changed`);
  if (k.change !== "changed") parts.unshift(`Kustomization ${k.change}`);
  if (k.baseStatus && k.headStatus && k.baseStatus !== k.headStatus)
    parts.push(`${k.baseStatus} → ${k.headStatus}`);
  else if (k.headStatus && k.headStatus !== "rendered") parts.push(k.headStatus);
  return parts.join(", ") || "no object changes";
}

function fieldLines(f: FieldChange): string[] {
  if (f.change === "added") return [`+ ${f.path}: ${valueText(f.new)}`];
  if (f.change === "removed") return [`- ${f.path}: ${valueText(f.old)}`];
  return [`~ ${f.path}: ${valueText(f.old)} → ${valueText(f.new)}`];
}

function heading(r: DiffReport): string {
  return r.mode === "environment" ? `${r.base} vs ${r.head}` : `${r.base} → ${r.head}`;
}

/** "No differences", qualified when something was not compared. */
function noDifferences(r: DiffReport): string {
  if (nothingFound(r)) return `Nothing was compared (${heading(r)}): no cluster found at either revision.`;
  if (r.notCompared.length === 0)
    return r.suspended.length === 0
      ? `No differences (${heading(r)}).`
      : `No differences in what Flux applies (${heading(r)}); ${suspendedCount(r)} not compared (listed below).`;
  const unseen = r.notCompared.filter((n) => n.leftOutChanged).length;
  if (unseen > 0)
    return `No differences in the objects compared (${heading(r)}), but what Slipway cannot render offline or decrypt changed in ${unseen} Flux Kustomization${unseen === 1 ? "" : "s"} (listed below).`;
  return `No differences in what was compared (${heading(r)}), but ${notComparedCount(r.notCompared)} could not be compared (listed below).`;
}

/** A revision diff where discovery found no cluster on either side. */
function nothingFound(r: DiffReport): boolean {
  return (
    r.discovery !== undefined && r.discovery.base.clusters.length + r.discovery.head.clusters.length === 0
  );
}

function whyNot(n: NotCompared): string {
  if (n.reason === "chart-not-rendered")
    return `differs, but its chart output was not compared: ${n.errors.join("; ")}`;
  if (n.reason === "partial")
    return n.leftOutChanged
      ? "what Slipway cannot render offline or decrypt changed, so the cluster changes in ways not shown; the rest was compared"
      : "compared without what Slipway cannot render offline";
  return n.reason === "failed" ? whereFailed(n) : "not rendered: its source is not this repository";
}

function suspendedCount(r: DiffReport): string {
  const n = r.suspended.length;
  return `${n} suspended Flux Kustomization${n === 1 ? " was" : "s were"}`;
}

/** Suspended at both sides: Flux applies nothing of them until resumed, so they were not rendered. */
function suspendedTitle(r: DiffReport): string {
  const both = r.mode === "environment" ? "in both environments" : "at both revisions";
  return `Suspended ${both}, not compared (Flux applies nothing of ${r.suspended.length === 1 ? "it" : "them"} until resumed; a change in ${r.suspended.length === 1 ? "it" : "them"} shows when resumed)`;
}

function suspendedName(s: DiffReport["suspended"][number]): string {
  return `${s.id}${s.path ? ` (${s.path})` : ""}`;
}

function notComparedTitle(r: DiffReport): string {
  const failed = r.notCompared.filter((n) => n.reason === "failed").length;
  const charts = r.notCompared.filter((n) => n.reason === "chart-not-rendered").length;
  const partial = r.notCompared.filter((n) => n.reason === "partial").length;
  const external = r.notCompared.length - failed - charts - partial;
  const parts: string[] = [];
  if (failed)
    parts.push(`${failed} failed to render${r.acceptFailed ? " (accepted with --accept-failed)" : ""}`);
  if (external) parts.push(`${external} with an external source`);
  if (partial) parts.push(`${partial} in part`);
  if (charts) parts.push(`${charts} HelmRelease${charts === 1 ? "" : "s"} whose chart was not rendered`);
  return `Not compared: ${parts.join(", ")}`;
}

/** Errors other than the per-Kustomization failure lines (which the Not compared list details). */
function otherErrors(r: DiffReport): string[] {
  const lines = new Set(failureLines(r.notCompared).map((l) => l));
  return r.errors.filter((e) => !lines.has(e));
}

export function formatText(r: DiffReport): string {
  const out: string[] = [];
  if (r.clusters.length === 0) {
    out.push(noDifferences(r));
  }
  for (const c of r.clusters) {
    out.push(`cluster ${c.cluster}${c.change === "changed" ? "" : ` (${c.change})`}`);
    for (const k of c.kustomizations) {
      out.push(
        `  ${k.id.startsWith("ResourceSet/") ? k.id.replace("/", " ") : `Kustomization ${k.id}`}${k.path ? ` (${k.path})` : ""}: ${countsText(k)}`,
      );
      for (const d of k.dangers) out.push(`    ! ${d.message}`);
      for (const e of k.errors) out.push(`    error: ${e}`);
      for (const o of k.objects) {
        const mark = o.change === "added" ? "+" : o.change === "removed" ? "-" : "~";
        const at = o.source ? `  (${o.source.file}${o.source.line ? `:${o.source.line}` : ""})` : "";
        out.push(`    ${mark} ${objectTitle(o)}${at}`);
        for (const f of o.fields) for (const l of fieldLines(f)) out.push(`        ${l}`);
      }
    }
  }
  if (r.clusters.length > 0) out.push("", summaryLine(r));
  if (r.notCompared.length > 0) {
    out.push("", `${notComparedTitle(r)}:`);
    for (const n of r.notCompared) {
      out.push(`  ${n.reason === "failed" ? "✗" : "-"} ${n.cluster} ${n.id}: ${whyNot(n)}`);
      for (const e of n.errors) if (n.reason === "failed" || n.reason === "partial") out.push(`      ${e}`);
    }
  }
  if (r.suspended.length > 0) {
    out.push("", `${suspendedTitle(r)}:`);
    for (const s of r.suspended) out.push(`  - ${s.cluster} ${suspendedName(s)}`);
  }
  for (const e of otherErrors(r)) out.push(`error: ${e}`);
  return `${out.join("\n")}\n`;
}

function summaryLine(r: DiffReport): string {
  const s = r.summary;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
  return `${plural(s.kustomizations, "Flux Kustomization")} in ${plural(r.clusters.length, "cluster")}: ${s.added} added, ${s.removed} removed, ${s.changed} changed; ${plural(s.dangers, "danger note")}`;
}

/** A line inside a fenced code block (no HTML there; a newline could end the block). */
function fenced(s: string): string {
  return s.replace(/\r?\n|\r/g, "\\n");
}

export function formatMarkdown(r: DiffReport): string {
  const out: string[] = [`### slipway diff: ${cell(heading(r))}`, ""];
  if (r.clusters.length === 0) {
    out.push(
      nothingFound(r)
        ? "❌ Nothing was compared: no cluster found at either revision."
        : r.notCompared.length === 0
          ? r.suspended.length === 0
            ? "No differences."
            : `No differences in what Flux applies; ${suspendedCount(r)} not compared (below).`
          : `❌ No differences in what was compared, but ${notComparedCount(r.notCompared)} could not be compared (below).`,
      "",
    );
    markdownTail(r, out);
    return `${out.join("\n")}\n`;
  }
  out.push(summaryLine(r), "");
  out.push("| Cluster | Flux Kustomization | Added | Removed | Changed | Danger notes |");
  out.push("|---|---|---:|---:|---:|---|");
  for (const c of r.clusters) {
    for (const k of c.kustomizations) {
      const dangers = k.dangers.map((d) => `⚠️ ${cell(d.message)}`).join("<br>");
      const status = k.change === "changed" ? "" : ` (${k.change})`;
      out.push(
        `| ${cell(c.cluster)} | ${codeCell(k.id)}${status} | ${k.counts.added} | ${k.counts.removed} | ${k.counts.changed} | ${dangers || (k.errors.length ? "❌ render error" : "")} |`,
      );
    }
  }
  out.push("");
  for (const c of r.clusters) {
    for (const k of c.kustomizations) {
      out.push(
        `<details><summary><b>${inline(c.cluster)}</b> · <code>${inline(k.id)}</code>${k.path ? ` (<code>${inline(k.path)}</code>)` : ""} — ${inline(countsText(k))}</summary>`,
        "",
      );
      for (const d of k.dangers) out.push(`> ⚠️ ${quoted(d.message)}`, ">");
      for (const e of k.errors) out.push(`> ❌ ${quoted(e)}`, ">");
      if (k.dangers.length > 0 || k.errors.length > 0) out.pop();
      if (k.dangers.length > 0 || k.errors.length > 0) out.push("");
      if (k.objects.length > 0) {
        out.push("```diff");
        for (const o of k.objects) {
          const at = o.source ? ` (${o.source.file}${o.source.line ? `:${o.source.line}` : ""})` : "";
          const title = fenced(`${objectTitle(o)}${at}`);
          if (o.change === "added") out.push(`+ ${title}`);
          else if (o.change === "removed") out.push(`- ${title}`);
          else {
            out.push(`! ${title}`);
            for (const f of o.fields) {
              if (f.change !== "added") out.push(`-   ${fenced(`${f.path}: ${valueText(f.old)}`)}`);
              if (f.change !== "removed") out.push(`+   ${fenced(`${f.path}: ${valueText(f.new)}`)}`);
            }
          }
        }
        out.push("```", "");
      }
      out.push("</details>", "");
    }
  }
  markdownTail(r, out);
  return `${out.join("\n")}\n`;
}

/** The Not compared table and the other errors. */
function markdownTail(r: DiffReport, out: string[]): void {
  if (r.notCompared.length > 0) {
    out.push(`**${cell(notComparedTitle(r))}**`, "");
    out.push("| Cluster | Flux Kustomization or HelmRelease | Why |", "|---|---|---|");
    for (const n of r.notCompared) {
      const errors =
        (n.reason === "failed" || n.reason === "partial") && n.errors.length > 0
          ? `: ${n.errors.map(cell).join("<br>")}`
          : "";
      out.push(
        `| ${cell(n.cluster)} | ${codeCell(n.id)} | ${n.reason === "failed" ? "❌ " : ""}${cell(whyNot(n))}${errors} |`,
      );
    }
    out.push("");
  }
  if (r.suspended.length > 0) {
    out.push(`**${cell(suspendedTitle(r))}**`, "");
    for (const s of r.suspended)
      out.push(`- ${cell(s.cluster)} ${codeCell(s.id)}${s.path ? ` (${cell(s.path)})` : ""}`);
    out.push("");
  }
  const errors = otherErrors(r);
  if (errors.length > 0) {
    out.push("**Errors**", "");
    for (const e of errors) out.push(`- ${cell(e)}`);
    out.push("");
  }
}

export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? Number(v) : v), 2)}\n`;
}
