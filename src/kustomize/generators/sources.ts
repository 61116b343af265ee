import * as path from "node:path";
import { SlipwayError } from "../../errors.js";
import type { FileSystem } from "../../fs/filesystem.js";
import { hiddenLinkNote } from "../../fs/hidden-link.js";
import { LocalInputError, RemoteResourceError } from "../loader.js";
import type { GeneratorArgs } from "./args.js";
import { parseEnvFile } from "./envfile.js";
import type { KvPair } from "./kv-pair.js";
import type { LoadRestrictor } from "./restrictor.js";

/** Where a generator reads from and whom to blame. */
export interface SourceContext {
  fs: FileSystem;
  /** Absolute directory of the kustomization; relative source paths start here. */
  dir: string;
  restrict: LoadRestrictor;
  /** The kustomization file, named in errors. */
  kustomizationFile: string;
}

/**
 * All key/value pairs of one generator, in kustomize's order: env files (`envs`, then the
 * legacy `env`), then literals, then files. Duplicates are left to the caller.
 */
export function loadKvPairs(args: GeneratorArgs, ctx: SourceContext): KvPair[] {
  const envs = [...(args.envs ?? []), ...(args.env ? [args.env] : [])];
  const pairs: KvPair[] = [];
  // kustomize fetches a remote source and goes on; Slipway cannot, but still reads every local
  // source first, so that a local one's failure is reported as the failure it is.
  let remote: RemoteResourceError | undefined;
  for (const envPath of envs) {
    if (isRemoteSource(envPath)) {
      remote ??= remoteSourceError(envPath, ctx, "env source files", envs);
      continue;
    }
    const content = readSource(envPath, ctx, "env source files", envs);
    const file = resolveSource(envPath, ctx.dir);
    const secret = ctx.fs.secretFile?.(file) !== undefined;
    try {
      for (const pair of parseEnvFile(content, file)) pairs.push(secret ? { ...pair, secret } : pair);
    } catch (err) {
      if (!(err instanceof SlipwayError)) throw err;
      // A decrypted file's lines are secret: say where, not what.
      const detail = secret ? "a line is not KEY=VALUE or not valid UTF-8" : err.message;
      throw new LocalInputError(`loading KV pairs: env source files ${goList(envs)}: ${detail}`, {
        file,
        line: err.line,
      });
    }
  }
  for (const literal of args.literals ?? []) {
    const [key, value] = parseLiteralSource(literal, ctx, args.literals ?? []);
    pairs.push({ key, value: Buffer.from(value, "utf8") });
  }
  for (const source of args.files ?? []) {
    const [key, filePath] = parseFileSource(source, ctx, args.files ?? []);
    if (isRemoteSource(filePath)) {
      remote ??= remoteSourceError(filePath, ctx, "file sources", args.files ?? []);
      continue;
    }
    const value = readSource(filePath, ctx, "file sources", args.files ?? []);
    const secret = ctx.fs.secretFile?.(resolveSource(filePath, ctx.dir)) !== undefined;
    pairs.push(secret ? { key, value, secret } : { key, value });
  }
  if (remote) throw remote;
  return pairs;
}

/** `key=value`: split at the first `=`; the key must not be empty; quotes come off the value. */
export function parseLiteralSource(
  source: string,
  ctx?: SourceContext,
  all: string[] = [source],
): [string, string] {
  const eq = source.indexOf("=");
  if (eq <= 0) {
    throw sourceError(
      `literal sources ${goList(all)}: invalid literal source ${source}, expected key=value`,
      ctx,
    );
  }
  return [source.slice(0, eq), stripMatchingQuotes(source.slice(eq + 1))];
}

/** One pair of identical surrounding `"` or `'` is removed; nothing else is unescaped. */
export function stripMatchingQuotes(value: string): string {
  if (value.length < 2) return value;
  const first = value[0];
  if ((first === '"' || first === "'") && value[value.length - 1] === first) {
    return value.slice(1, -1);
  }
  return value;
}

/** `path` (key = basename of the path) or `key=path`; a second `=` is an error. */
export function parseFileSource(
  source: string,
  ctx?: SourceContext,
  all: string[] = [source],
): [string, string] {
  const fail = (msg: string) => sourceError(`file sources ${goList(all)}: ${msg}`, ctx);
  const separators = source.split("=").length - 1;
  if (separators === 0) return [goPathBase(source.replaceAll("\\", "/")), source];
  if (separators > 1) throw fail(`source "${source}" key name or file path contains '='`);
  const [key = "", filePath = ""] = source.split("=");
  if (key === "") {
    throw fail(`missing key name for file path "${filePath}" in source "${source}"`);
  }
  if (filePath === "") {
    throw fail(`missing file path for key name "${key}" in source "${source}"`);
  }
  return [key, filePath];
}

/** Go's path.Base: trailing slashes ignored, "" → ".", all slashes → "/". */
function goPathBase(p: string): string {
  if (p === "") return ".";
  const trimmed = p.replace(/\/+$/, "");
  if (trimmed === "") return "/";
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

export function resolveSource(p: string, dir: string): string {
  return path.posix.resolve(dir, p);
}

function readSource(p: string, ctx: SourceContext, what: string, all: string[]): Buffer {
  const fail = (msg: string) => sourceError(`${what} ${goList(all)}: ${msg}`, ctx);
  const abs = resolveSource(p, ctx.dir);
  try {
    ctx.restrict(abs);
  } catch (err) {
    throw fail(err instanceof Error ? err.message : String(err));
  }
  if (!ctx.fs.exists(abs)) throw fail(`file '${abs}' does not exist${hiddenLinkNote(ctx.fs, abs)}`);
  if (ctx.fs.isDirectory(abs)) throw fail(`'${abs}' must resolve to a file`);
  return ctx.fs.readFile(abs);
}

function isRemoteSource(p: string): boolean {
  return /^https?:\/\//i.test(p);
}

function remoteSourceError(p: string, ctx: SourceContext, what: string, all: string[]): RemoteResourceError {
  return new RemoteResourceError(
    `loading KV pairs: ${what} ${goList(all)}: '${p}' is a remote file; Slipway reads local files only (no network)`,
    { file: ctx.kustomizationFile },
  );
}

/** Go's `%v` of a []string. */
function goList(items: string[]): string {
  return `[${items.join(" ")}]`;
}

/** A generator entry's own source is wrong (see LocalInputError): missing, out of bounds, malformed. */
function sourceError(message: string, ctx: SourceContext | undefined): LocalInputError {
  return new LocalInputError(`loading KV pairs: ${message}`, { file: ctx?.kustomizationFile });
}
