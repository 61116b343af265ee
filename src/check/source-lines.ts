/**
 * Maps a finding's object and field path to the line a person edits. The rendered object may
 * differ from what is written (name prefixes, namespaces, patches), so the document is found
 * through the object's recorded source (file + document line) and only then is the field
 * path looked up in that document; a path that does not exist there (added by a transformer,
 * or a missing required field) falls back to its nearest existing ancestor, then to the
 * document's first line. Each source file is parsed at most once per run.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { isMap, type KObject, type YamlValue } from "../kustomize/types.js";
import type { RenderedResource, SourceLocation } from "../platform/model.js";
import { type PositionedDocument, parseYamlDocumentsWithPositions } from "../yaml/index.js";
import type { FieldPath } from "./types.js";

export type ReadSource = (absolutePath: string) => string | undefined;

const readFromDisk: ReadSource = (file) => {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
};

export class SourceLines {
  private readonly docs = new Map<string, PositionedDocument[]>();

  /** `root`: absolute repository root that source files are relative to. */
  constructor(
    private readonly root: string,
    private readonly read: ReadSource = readFromDisk,
  ) {}

  /** The file and line of `fieldPath` inside the object's source document; the document's line when unknown. */
  locate(resource: RenderedResource, fieldPath: FieldPath = []): SourceLocation | undefined {
    const src = resource.source;
    if (src === undefined) return undefined;
    const doc = this.documentOf(src, resource.object);
    if (doc === undefined) return { file: src.file, line: src.line };
    for (let n = fieldPath.length; n > 0; n--) {
      const line = safeLineOf(doc, fieldPath.slice(0, n));
      if (line !== undefined) return { file: src.file, line };
    }
    return { file: src.file, line: doc.line || src.line };
  }

  /** The line of `fieldPath` in the document at `at` (e.g. a Flux Kustomization's `definedAt`). */
  lineAt(at: SourceLocation, object: KObject, fieldPath: FieldPath): number {
    return (
      this.locate({ object, source: at, touchedBy: [], kustomization: "", cluster: "" }, fieldPath)?.line ??
      at.line
    );
  }

  private documentsOf(file: string): PositionedDocument[] {
    let docs = this.docs.get(file);
    if (docs !== undefined) return docs;
    docs = [];
    const abs = path.posix.isAbsolute(file) ? file : path.posix.join(this.root, file);
    const text = this.read(abs);
    if (text !== undefined) {
      try {
        docs = parseYamlDocumentsWithPositions(text, abs);
      } catch {
        docs = []; // an unparsable file is reported by the render itself
      }
    }
    this.docs.set(file, docs);
    return docs;
  }

  private documentOf(src: SourceLocation, object: KObject): PositionedDocument | undefined {
    const docs = this.documentsOf(src.file);
    if (docs.length === 0) return undefined;
    const exact = docs.find((d) => d.line === src.line);
    if (exact && sameKind(exact.value, object)) return exact;
    // The document whose content holds src.line (sources may record a field's line).
    let containing: PositionedDocument | undefined;
    for (const d of docs) if (d.line <= src.line) containing = d;
    if (containing && sameKind(containing.value, object)) return containing;
    // Otherwise the one with the same kind whose name the rendered name contains (prefixes, suffixes).
    const name = nameOf(object);
    const byName = docs.find(
      (d) => sameKind(d.value, object) && nameOf(d.value) !== "" && name.includes(nameOf(d.value)),
    );
    return byName ?? exact ?? containing;
  }
}

function safeLineOf(doc: PositionedDocument, p: FieldPath): number | undefined {
  try {
    return doc.lineOf(p);
  } catch {
    return undefined;
  }
}

function sameKind(value: YamlValue, object: KObject): boolean {
  return isMap(value) && value.kind === object.kind;
}

function nameOf(value: YamlValue): string {
  if (!isMap(value) || !isMap(value.metadata)) return "";
  const name = value.metadata.name;
  return typeof name === "string" ? name : "";
}
