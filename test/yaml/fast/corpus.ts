/**
 * The fast YAML reader against the full (`yaml` package) path on one text, for both readers:
 * kustomize's (values, empty-null marks, document lines, lineOf of every path; kyaml and
 * YAMLToJSON modes) and Helm's (go-yaml v2 values with their Go types). A result of the fast
 * reader must equal the full path's; a bail is counted, never a failure.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { readRawYamlFast, readRawYamlFull } from "../../../src/helm/yaml.js";
import type { YamlValue } from "../../../src/kustomize/types.js";
import { isEmptyNull } from "../../../src/yaml/empty-null.js";
import {
  type ParsedDocument,
  type ParseOptions,
  type PositionedDocument,
  parseYamlDocumentsFast,
  parseYamlDocumentsFull,
  parseYamlDocumentsWithPositionsFull,
} from "../../../src/yaml/parse.js";

export interface Comparison {
  /** the fast reader left the text to the full path (kustomize reader, Helm reader) */
  bailed: { kyaml: boolean; helm: boolean };
  /** what differs; empty when the fast reader agrees wherever it answered */
  problems: string[];
}

function attempt<T>(f: () => T): { value: T } | { error: string } {
  try {
    return { value: f() };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Every path in a value, the root included. */
function pathsOf(
  v: YamlValue,
  prefix: Array<string | number>,
  out: Array<Array<string | number>>,
): Array<Array<string | number>> {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => void pathsOf(x, [...prefix, i], out));
  else if (v !== null && typeof v === "object")
    for (const k of Object.keys(v)) pathsOf(v[k], [...prefix, k], out);
  return out;
}

/** The empty-null marks of a value, as paths. */
function marksOf(v: YamlValue, prefix = "", out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x, i) => void marksOf(x, `${prefix}/${i}`, out));
  else if (v !== null && typeof v === "object") {
    for (const k of Object.keys(v)) {
      if (isEmptyNull(v, k)) out.push(`${prefix}/${k}`);
      marksOf(v[k], `${prefix}/${k}`, out);
    }
  }
  return out;
}

function compareKyaml(text: string, file: string, options: ParseOptions, problems: string[]): boolean {
  const mode = options.yamlToJson ? "yamlToJson" : "kyaml";
  const fast = parseYamlDocumentsFast(text, options);
  if (fast === undefined) return true;
  const full = attempt(
    (): Array<ParsedDocument & { lineOf?: PositionedDocument["lineOf"] }> =>
      options.yamlToJson
        ? parseYamlDocumentsFull(text, file, options)
        : parseYamlDocumentsWithPositionsFull(text, file),
  );
  if ("error" in full) {
    problems.push(`${mode}: the full path fails (${full.error}) but the fast reader answered`);
    return false;
  }
  const want = full.value;
  if (fast.length !== want.length) {
    problems.push(`${mode}: ${fast.length} documents, the full path ${want.length}`);
    return false;
  }
  fast.forEach((doc, i) => {
    const other = want[i] as (typeof want)[number];
    if (!isDeepStrictEqual(doc.value, other.value)) {
      problems.push(`${mode} document ${i}: ${JSON.stringify(doc.value)} != ${JSON.stringify(other.value)}`);
      return;
    }
    if (doc.line !== other.line) problems.push(`${mode} document ${i}: line ${doc.line} != ${other.line}`);
    if (!isDeepStrictEqual(marksOf(doc.value), marksOf(other.value)))
      problems.push(`${mode} document ${i}: empty-null marks differ`);
    const lineOf = other.lineOf;
    if (options.yamlToJson || lineOf === undefined) return;
    // Every path of ordinary documents; the first few thousand of huge ones (lookups are linear).
    for (const p of pathsOf(doc.value, [], []).slice(0, 3000)) {
      const a = doc.lineOf(p);
      const b = lineOf(p);
      if (a !== b) problems.push(`${mode} document ${i}: lineOf(${JSON.stringify(p)}) ${a} != ${b}`);
    }
    // A path that is not there, and one through a scalar.
    if (doc.lineOf(["\u0000missing"]) !== lineOf(["\u0000missing"])) problems.push("lineOf(missing)");
  });
  return false;
}

export function compareReaders(text: string, file: string): Comparison {
  const problems: string[] = [];
  const kyamlBailed = compareKyaml(text, file, {}, problems);
  compareKyaml(text, file, { yamlToJson: true }, problems);
  const fast = readRawYamlFast(text);
  if (fast !== undefined) {
    const full = attempt(() => readRawYamlFull(text, file));
    if ("error" in full)
      problems.push(`helm: the full path fails (${full.error}) but the fast reader answered`);
    else if (!isDeepStrictEqual(fast, full.value))
      problems.push(`helm: ${JSON.stringify(fast)} != ${JSON.stringify(full.value)}`);
  }
  return { bailed: { kyaml: kyamlBailed, helm: fast === undefined }, problems };
}

/** Files inside a chart's templates/ are Go templates, not YAML. */
function isChartTemplate(file: string): boolean {
  const parts = file.split(path.sep);
  for (let i = parts.length - 2; i > 0; i--) {
    if (parts[i] === "templates" && existsSync(path.join(parts.slice(0, i).join(path.sep), "Chart.yaml")))
      return true;
  }
  return false;
}

/** The .yaml/.yml files under `dir` (sorted), chart templates left out. */
export function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === ".git" || name === "node_modules") continue;
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFilesUnder(p));
    else if (/\.ya?ml$/.test(name) && !isChartTemplate(p)) out.push(p);
  }
  return out;
}
