/**
 * A `patches:` text read once per process. kustomize reads each entry's text twice (as JSON 6902
 * operations, then as strategic merge documents) and every build reads it again: in a Flux
 * repository one `spec.patches` entry of a parent Kustomization is copied into the spec of
 * each Kustomization it patches, so its inner patch is read by each build (bjw-s home-ops: one
 * HelmRelease-defaults patch in 93 builds, ~13 ms of a cold check). Reading a text is a pure
 * function of it (the file only names it in errors, which are not kept), so a result is kept
 * by text; callers get copies, as patch records keep what they are given and appliers may edit it.
 */
import { parseYamlDocuments } from "../yaml/index.js";
import { cloneValue } from "./clone.js";
import { type Json6902Op, json6902Operations } from "./patch/index.js";
import type { YamlValue } from "./types.js";

interface Read {
  /** json6902Operations(text): the operations, or null when the text is not a list of them. */
  ops?: Json6902Op[] | null;
  /** parseYamlDocuments(text): each document's value and line. */
  docs?: Array<{ value: YamlValue; line: number }>;
}

const reads = new Map<string, Read>();
const MAX_TEXTS = 2000;
/** Larger texts are rarely shared, and a copy of one would double what it holds. */
const MAX_TEXT = 256 * 1024;

function readOf(text: string): Read | undefined {
  if (text.length > MAX_TEXT) return undefined;
  let read = reads.get(text);
  if (read === undefined) {
    if (reads.size >= MAX_TEXTS) reads.clear();
    read = {};
    reads.set(text, read);
  }
  return read;
}

/** json6902Operations(text), each call with operations of its own. */
export function patchOperations(text: string): Json6902Op[] | undefined {
  const read = readOf(text);
  if (read === undefined) return json6902Operations(text);
  if (read.ops === undefined) read.ops = json6902Operations(text) ?? null;
  return read.ops === null ? undefined : read.ops.map(copyOp);
}

/** parseYamlDocuments(text, file), each call with values of its own. Throws as it does. */
export function patchDocuments(text: string, file: string): Array<{ value: YamlValue; line: number }> {
  const read = readOf(text);
  if (read === undefined) return parseYamlDocuments(text, file);
  read.docs ??= parseYamlDocuments(text, file).map((d) => ({ value: d.value, line: d.line }));
  return read.docs.map((d) => ({ value: cloneValue(d.value), line: d.line }));
}

function copyOp(op: Json6902Op): Json6902Op {
  const out = { ...op };
  if (Object.hasOwn(op, "value")) out.value = cloneValue(op.value as YamlValue);
  return out;
}

/** Forgets every text (benchmarks measure cold runs with it). */
export function clearPatchTexts(): void {
  reads.clear();
}
