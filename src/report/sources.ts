/**
 * The source view: only files the model points at (definitions, rendered objects' sources,
 * patches, findings, errors, SOPS files), with the text the render read — never another file,
 * never a fresh read of the disk — and every remembered secret value scrubbed.
 */

import * as path from "node:path";
import type { Finding } from "../check/types.js";
import type { Platform } from "../platform/model.js";
import { applierNameOf } from "../platform/model.js";
import type { SourceView } from "./model.js";
import type { Redactor } from "./redact.js";

/** Largest source shown (bytes). */
export const MAX_SOURCE_BYTES = 1024 * 1024;

/** Reads a file as the render read it (absolute path); undefined when the render did not read it. */
export type RecordedSource = (absolutePath: string) => Buffer | undefined;

/** Every repository-relative file the model points at, with the lines it points at. */
export function modelFiles(
  platform: Platform,
  findings: readonly Finding[],
  sopsFiles: readonly string[],
): Map<string, SourceView["marks"]> {
  const files = new Map<string, SourceView["marks"]>();
  const mark = (
    file: string | undefined,
    line: number | undefined,
    note: string,
    severity?: Finding["severity"],
  ) => {
    if (!file || path.posix.isAbsolute(file) || file.split("/").includes("..")) return;
    const marks = files.get(file) ?? files.set(file, []).get(file)!;
    if (line && line > 0) marks.push(severity ? { line, note, severity } : { line, note });
  };
  for (const e of platform.errors) mark(e.file, e.line, "error", "error");
  for (const c of platform.clusters) {
    for (const e of c.errors) mark(e.file, e.line, "error", "error");
    for (const k of c.kustomizations) {
      mark(k.definedAt?.file, k.definedAt?.line, `${applierNameOf(k.id)} (${c.name})`);
      for (const e of k.errors) mark(e.file, e.line, e.message.slice(0, 200), "error");
      for (const r of k.resources) {
        mark(r.source?.file, undefined, "");
        for (const p of r.patches ?? []) mark(p.file, undefined, "");
      }
    }
    for (const h of c.helmReleases)
      mark(h.definedAt?.file, h.definedAt?.line, `HelmRelease ${h.namespace}/${h.name} (${c.name})`);
  }
  for (const f of findings) mark(f.file, f.line, `${f.rule}: ${f.message}`.slice(0, 300), f.severity);
  for (const f of sopsFiles) mark(f, undefined, "");
  return files;
}

export function sourceView(
  root: string,
  file: string,
  marks: SourceView["marks"],
  read: RecordedSource,
  redact: Redactor,
): SourceView | undefined {
  const bytes = read(path.posix.join(root, file));
  if (!bytes) return undefined;
  const sorted = [...marks].sort((a, b) => a.line - b.line);
  const clean = sorted.map((m) => ({ ...m, note: redact.text(m.note) }));
  if (bytes.length > MAX_SOURCE_BYTES) {
    return { file, text: `(${bytes.length} bytes: too large to show)`, marks: clean };
  }
  const text = bytes.toString("utf8");
  if (!Buffer.from(text, "utf8").equals(bytes) || text.includes("\u0000")) {
    return { file, text: `(${bytes.length} bytes of binary content)`, marks: clean };
  }
  return { file, text: redact.text(text), marks: clean };
}
