/**
 * The source files a promotion reads and edits, each parsed once: its text, its CST (for
 * edits) and its documents' values (for finding fields), documents matched by the line
 * their content starts on — the line the Platform model records for every object.
 */
import * as path from "node:path";
import type { FileSystem } from "../fs/filesystem.js";
import type { YamlValue } from "../kustomize/types.js";
import { isSopsEncrypted } from "../sops/index.js";
import { YamlCst } from "../yaml/cst-edit.js";
import { parseYamlDocuments } from "../yaml/index.js";

export interface SourceDocument {
  /** Index among the file's documents (as YamlCst counts them). */
  index: number;
  /** 1-based line where its content starts. */
  line: number;
  value: YamlValue;
}

export interface SourceFile {
  /** Repository-relative path. */
  file: string;
  text: string;
  cst: YamlCst;
  docs: SourceDocument[];
  /** A document carries SOPS metadata: its MAC covers every value of the file. */
  encrypted: boolean;
}

export class SourceFiles {
  private readonly cache = new Map<string, SourceFile | Error | undefined>();

  constructor(
    readonly fs: FileSystem,
    /** Absolute POSIX repository root. */
    readonly root: string,
  ) {}

  /** The parsed file, undefined when it does not exist; throws when it is not valid YAML. */
  get(file: string): SourceFile | undefined {
    if (!this.cache.has(file)) this.cache.set(file, this.load(file));
    const f = this.cache.get(file);
    if (f instanceof Error) throw f;
    return f;
  }

  /** The document of `file` whose content starts at `line` (or the last one before it). */
  docAt(file: string, line: number): { source: SourceFile; doc: SourceDocument } | undefined {
    const source = this.get(file);
    if (!source) return undefined;
    let found: SourceDocument | undefined;
    for (const d of source.docs) if (d.line <= line) found = d;
    return found ? { source, doc: found } : undefined;
  }

  absolute(file: string): string {
    return path.posix.resolve(this.root, file);
  }

  private load(file: string): SourceFile | Error | undefined {
    const abs = this.absolute(file);
    if (!this.fs.exists(abs) || this.fs.isDirectory(abs)) return undefined;
    const text = this.fs.readFile(abs).toString("utf8");
    try {
      const cst = new YamlCst(text, file);
      const lines = cst.contentLines();
      let values: Map<number, YamlValue>;
      try {
        values = new Map(
          parseYamlDocuments(text, file, { allowDuplicateKeys: true }).map((d) => [d.line, d.value]),
        );
      } catch {
        values = new Map();
      }
      const docs: SourceDocument[] = [];
      for (const [index, line] of lines.entries()) {
        if (line === undefined) continue;
        docs.push({ index, line, value: values.get(line) ?? null });
      }
      return { file, text, cst, docs, encrypted: docs.some((d) => isSopsEncrypted(d.value)) };
    } catch (e) {
      return e instanceof Error ? e : new Error(String(e));
    }
  }
}
