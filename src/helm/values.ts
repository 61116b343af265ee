/**
 * The user-supplied values of `helm template`, composed as Helm 4.1.4's values.Options.MergeValues
 * does (pkg/cli/values/options.go): `-f` files in order (each file's documents merged, then
 * merged over the previous files with loader.MergeMaps), then every `--set-json`, `--set`,
 * `--set-string`, `--set-file` and `--set-literal`, in that order of flags (not command-line
 * order). The chart's own defaults are not part of this: coalesce.ts puts them underneath.
 */
import { SlipwayError } from "../errors.js";
import {
  parseJsonObject,
  parseSetFileInto,
  parseSetInto,
  parseSetJsonInto,
  parseSetLiteralInto,
  parseSetStringInto,
  StrvalsError,
} from "./strvals.js";
import { GoMap } from "./template/value.js";
import { mergeMaps, readValuesBytes, readValuesDocuments } from "./yaml.js";

export interface ValuesFile {
  /** the name errors use (the path as given) */
  name: string;
  /** the file's text, or its bytes (invalid UTF-8 then fails as in Helm) */
  text: string | Uint8Array;
}

export interface ValueOptions {
  files?: ValuesFile[];
  setJson?: string[];
  set?: string[];
  setString?: string[];
  setFile?: string[];
  setLiteral?: string[];
  /** reads a `--set-file` path (the CLI reads the disk; the library never does on its own) */
  readFile?: (path: string) => string;
}

export class ValuesError extends SlipwayError {}

function strvalsFailure(flag: string, e: unknown): never {
  if (e instanceof StrvalsError) throw new ValuesError(`failed parsing ${flag} data: ${e.message}`);
  throw e;
}

/** MergeValues of values.Options: the values a user gives a release. */
export function composeUserValues(opts: ValueOptions): GoMap {
  let base = new GoMap();
  for (const f of opts.files ?? []) {
    let current: GoMap;
    try {
      current =
        typeof f.text === "string" ? readValuesDocuments(f.text, f.name) : readValuesBytes(f.text, f.name);
    } catch (e) {
      if (e instanceof SlipwayError) {
        throw new ValuesError(`failed to parse ${f.name}: ${e.message}`, {
          file: e.file ?? f.name,
          line: e.line,
          column: e.column,
        });
      }
      throw e;
    }
    base = mergeMaps(base, current);
  }
  for (const value of opts.setJson ?? []) {
    const trimmed = value.trim();
    if (trimmed.startsWith("{")) {
      try {
        base = mergeMaps(base, parseJsonObject(trimmed));
      } catch {
        throw new ValuesError(`failed parsing --set-json data JSON: ${value}`);
      }
    } else {
      try {
        parseSetJsonInto(value, base);
      } catch {
        throw new ValuesError(`failed parsing --set-json data ${value}`);
      }
    }
  }
  for (const value of opts.set ?? []) {
    try {
      parseSetInto(value, base);
    } catch (e) {
      strvalsFailure("--set", e);
    }
  }
  for (const value of opts.setString ?? []) {
    try {
      parseSetStringInto(value, base);
    } catch (e) {
      strvalsFailure("--set-string", e);
    }
  }
  for (const value of opts.setFile ?? []) {
    const read = opts.readFile;
    if (!read) throw new ValuesError("--set-file needs a file reader");
    try {
      parseSetFileInto(value, base, read);
    } catch (e) {
      if (e instanceof StrvalsError) strvalsFailure("--set-file", e);
      throw new ValuesError(`failed parsing --set-file data: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  for (const value of opts.setLiteral ?? []) {
    try {
      parseSetLiteralInto(value, base);
    } catch (e) {
      strvalsFailure("--set-literal", e);
    }
  }
  return base;
}
