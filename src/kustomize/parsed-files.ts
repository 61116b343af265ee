/**
 * Resource files parsed once per process, by file and content: kustomize builds read them
 * (src/kustomize/target.ts), and `check` places findings with the line trees kept here
 * (src/check/source-lines-cache.ts). A module of its own so that a check answered from the result
 * cache, which reads these trees and builds nothing, does not load the kustomize build (and the
 * Helm engine behind its chart generator) to reach them.
 */
import { SlipwayError } from "../errors.js";
import {
  type LineTreeDocument,
  type ParsedDocument,
  parseYamlDocumentsFull,
  parseYamlDocumentsWithLineTrees,
  withoutDocumentBoms,
} from "../yaml/index.js";
import { cloneValue } from "./clone.js";

/**
 * Parsed documents by file and content (copies, so callers may change them). Parsing is the costliest step of a build, and the
 * same files are parsed again and again when one run renders several revisions or clusters
 * that share bases. Entries are treated as immutable; callers get copies.
 * Each entry keeps the fast reader's line trees too (undefined for a text it left to the
 * full parser): `check` places findings in these files (src/check/source-lines-cache.ts) and
 * took them from a second parse of each (118 files of bjw-s home-ops, ~50-85 ms of a cold check),
 * where the trees cost ~5 ms for every file read.
 */
type MemoDocument = ParsedDocument & { tree?: LineTreeDocument["tree"] };
const parsedFiles = new Map<string, MemoDocument[]>();
const maxParsedFiles = 20_000;
// A copy of a large file's documents, and its text in the key, would double what a build of it
// holds (a 50 MB stream); such files are rarely read twice in a run.
const maxMemoizedText = 4 * 1024 * 1024;

/** Forgets the parsed files (src/kustomize/target.ts clearParsedFiles, with the build's other memos). */
export function clearParsedResourceFiles(): void {
  parsedFiles.clear();
}

export function parseResourceFile(source: string, file: string): ParsedDocument[] {
  // kyaml reads each document as a stream of its own: a BOM may start any of them.
  const text = withoutDocumentBoms(source, file);
  const key = `${file}\0${text}`;
  const hit = parsedFiles.get(key);
  if (hit) return hit.map((d) => ({ value: cloneValue(d.value), line: d.line }));
  let docs: MemoDocument[];
  try {
    // parseYamlDocuments(text, file), keeping the trees of what the fast reader read.
    docs = parseYamlDocumentsWithLineTrees(text) ?? parseYamlDocumentsFull(text, file);
  } catch (e) {
    // kustomize's error class name, which users and tools search for.
    if (e instanceof SlipwayError) throw e.withContext(`MalformedYAMLError: ${e.message}`);
    throw e;
  }
  const out = docs.map((d) => ({ value: d.value, line: d.line }));
  if (text.length > maxMemoizedText) return out;
  if (parsedFiles.size >= maxParsedFiles) parsedFiles.clear();
  parsedFiles.set(
    key,
    docs.map((d) => ({
      value: cloneValue(d.value),
      line: d.line,
      ...(d.tree === undefined ? {} : { tree: d.tree }),
    })),
  );
  return out;
}

/**
 * The documents this process parsed of `text` read at `file`, with their line trees, when the
 * fast reader read them; undefined otherwise. Shared with the memo: never to be changed.
 */
export function parsedLineTreeDocuments(text: string, file: string): readonly LineTreeDocument[] | undefined {
  const hit = parsedFiles.get(`${file}\0${text}`);
  if (hit === undefined || !hit.every((d) => d.tree !== undefined)) return undefined;
  return hit as LineTreeDocument[];
}
