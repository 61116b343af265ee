/**
 * source-watcher's copy operations (internal/builder/builder.go, v1beta1 API), applied to an
 * in-memory staging tree with `cp`-like semantics:
 *
 * - `@alias/file` → `@artifact/dest` copies to `dest`, or into it when `dest` ends in `/` or is
 *   an existing directory; `@alias/dir` (or `dir/`) copies the directory as `dest/dir`;
 *   `@alias/` copies the whole source into `dest`.
 * - A glob (`*?[]`) is Go's io/fs.Glob, so `dir/**` is the entries directly below `dir`, each
 *   copied (recursively for directories) with the `dir/` prefix stripped; any other glob keeps
 *   the matched path below `dest`. No match, or everything excluded, is an error.
 * - `exclude` patterns are doublestar patterns matched against the source-relative path and
 *   the path relative to the literal prefix of `from`; a pattern without `/` also matches the
 *   base name at any depth.
 * - Merge: a file copied onto an existing file is deep-merged as YAML (Helm's values merge:
 *   maps merge, the copied file wins, lists are replaced); directories recursed into are copied,
 *   never merged. Extract: tarballs (`.tar.gz`, `.tgz`) are unpacked into `dest`.
 * Operations run in order; later ones overwrite earlier files.
 */
import * as path from "node:path";
import type { FileSystem } from "../fs/filesystem.js";
import { BadPatternError } from "../go/path-match.js";
import { extractTarball, isTarball } from "./extract.js";
import { doublestarGlob, doublestarMatch, goGlob, validDoublestarPattern } from "./glob.js";
import { mergeYamlFiles } from "./merge.js";
import { type ArtifactTree, ArtifactTreeError, clean } from "./tree.js";

export type CopyStrategy = "Overwrite" | "Merge" | "Extract";

export interface CopyOperation {
  from: string;
  to: string;
  exclude: string[];
  strategy: CopyStrategy;
}

/** A source's artifact content as the generator sees it: a filesystem and its root directory. */
export interface SourceContent {
  fs: FileSystem;
  /** Absolute path of the source artifact's root in `fs`. */
  root: string;
}

export class CopyError extends Error {}

/** Applies the operations in order; throws CopyError with source-watcher's wording. */
export function applyCopyOperations(
  ops: readonly CopyOperation[],
  sources: ReadonlyMap<string, SourceContent>,
  tree: ArtifactTree,
): void {
  for (const op of ops) {
    try {
      applyCopyOperation(op, sources, tree);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw new CopyError(`failed to apply copy operation from '${op.from}' to '${op.to}': ${msg}`);
    }
  }
}

function applyCopyOperation(
  op: CopyOperation,
  sources: ReadonlyMap<string, SourceContent>,
  tree: ArtifactTree,
) {
  const { alias, pattern } = parseCopySource(op.from);
  const dest = parseCopyDestination(op.to);
  const src = sources.get(alias);
  if (!src) throw new CopyError(`source alias '${alias}' not found`);
  for (const p of op.exclude) {
    if (!validDoublestarPattern(p)) throw new CopyError(`invalid exclude pattern '${p}'`);
  }
  const destEndsWithSlash = op.to.endsWith("/");
  if (!/[*?[\]]/.test(pattern)) {
    applySingleSourceCopy(op, src, pattern, tree, dest, destEndsWithSlash);
    return;
  }
  let matches: string[];
  try {
    matches =
      op.strategy === "Extract"
        ? doublestarGlob(src.fs, src.root, pattern)
        : goGlob(src.fs, src.root, pattern);
  } catch (err) {
    if (err instanceof BadPatternError) {
      throw new CopyError(`invalid glob pattern '${pattern}': syntax error in pattern`);
    }
    throw err;
  }
  if (matches.length === 0) throw new CopyError(`no files match pattern '${pattern}' in source '${alias}'`);
  const excludeBase = sourceSelectionRoot(pattern);
  const kept = matches.filter(
    (m) => m !== "." && m !== ".." && !shouldExcludePath(m, excludeBase, op.exclude),
  );
  if (kept.length === 0) {
    throw new CopyError(`all files matching pattern '${pattern}' in source '${alias}' were excluded`);
  }
  for (const match of kept) {
    if (op.strategy === "Extract") {
      if (!isTarball(match)) continue;
      extractTarball(src, match, tree, dest);
      continue;
    }
    const destFile = globDestination(pattern, match, dest);
    copyPath(op, src, match, tree, destFile, excludeBase);
  }
}

function applySingleSourceCopy(
  op: CopyOperation,
  src: SourceContent,
  pattern: string,
  tree: ArtifactTree,
  dest: string,
  destEndsWithSlash: boolean,
): void {
  const srcPath = goClean(pattern);
  if (srcPath.startsWith("../") || srcPath === ".." || srcPath.startsWith("/")) {
    throw new CopyError(`failed to stat source '${srcPath}': path escapes from parent`);
  }
  const abs = join(src.root, srcPath);
  if (!src.fs.exists(abs)) throw new CopyError(`source '${srcPath}' does not exist`);
  if (src.fs.isDirectory(abs)) {
    if (op.strategy === "Extract") {
      throw new CopyError(`extract strategy is not supported for directories, got '${srcPath}'`);
    }
    const finalDest = joinRel(dest, path.posix.basename(srcPath));
    copyPath(op, src, srcPath, tree, finalDest, srcPath);
    return;
  }
  if (shouldExcludePath(srcPath, ".", op.exclude)) return;
  if (op.strategy === "Extract") {
    if (!isTarball(srcPath)) {
      throw new CopyError(`extract strategy requires tarball file (.tar.gz or .tgz), got '${srcPath}'`);
    }
    extractTarball(src, srcPath, tree, dest);
    return;
  }
  const finalDest =
    destEndsWithSlash || tree.isDir(dest) ? joinRel(dest, path.posix.basename(srcPath)) : dest;
  copyPath(op, src, srcPath, tree, finalDest, ".");
}

/** copyFileWithRoots: a directory is copied recursively (never merged), a file copied or merged. */
function copyPath(
  op: CopyOperation,
  src: SourceContent,
  srcPath: string,
  tree: ArtifactTree,
  destPath: string,
  excludeBase: string,
): void {
  const abs = join(src.root, srcPath);
  if (src.fs.isDirectory(abs)) {
    copyDir(src, srcPath, tree, destPath, op.exclude, excludeBase);
    return;
  }
  if (op.strategy === "Merge" && tree.isFile(destPath)) {
    const existing = tree.files.get(clean(destPath))!;
    tree.write(destPath, mergeYamlFiles(existing, readArtifactFile(tree, destPath), abs, src.fs));
    return;
  }
  writeCopy(tree, destPath, abs, src.fs);
}

function copyDir(
  src: SourceContent,
  srcPath: string,
  tree: ArtifactTree,
  destPath: string,
  exclude: readonly string[],
  excludeBase: string,
): void {
  ensureDir(tree, destPath);
  const walk = (rel: string, depth: number) => {
    if (depth > 256) throw new CopyError(`directory nesting too deep at '${rel}'`);
    for (const name of src.fs.readDir(join(src.root, rel))) {
      const childRel = rel === "." ? name : `${rel}/${name}`;
      const isDir = src.fs.isDirectory(join(src.root, childRel));
      if (shouldExcludePath(childRel, excludeBase, exclude)) continue;
      const target = joinRel(destPath, srcPath === "." ? childRel : childRel.slice(srcPath.length + 1));
      if (isDir) {
        ensureDir(tree, target);
        walk(childRel, depth + 1);
      } else {
        writeCopy(tree, target, join(src.root, childRel), src.fs);
      }
    }
  };
  walk(srcPath, 0);
}

function ensureDir(tree: ArtifactTree, rel: string): void {
  try {
    tree.mkdirAll(rel);
  } catch (err) {
    if (err instanceof ArtifactTreeError) throw new CopyError(err.message);
    throw err;
  }
}

function writeCopy(tree: ArtifactTree, destPath: string, abs: string, fs: FileSystem): void {
  try {
    tree.write(destPath, { origin: { kind: "copy", file: abs, fs } });
  } catch (err) {
    if (err instanceof ArtifactTreeError) throw new CopyError(err.message);
    throw err;
  }
}

/** The bytes of a staged file (copies are read from their source filesystem). */
export function readArtifactFile(tree: ArtifactTree, rel: string): Buffer {
  const f = tree.files.get(clean(rel));
  if (!f) throw new CopyError(`open ${rel}: no such file or directory`);
  if (f.content) return f.content;
  if (f.origin.kind === "copy") return f.origin.fs.readFile(f.origin.file);
  throw new CopyError(`open ${rel}: no content`);
}

/** calculateGlobDestination: `dir/**` strips `dir/`; other globs keep the matched path. */
function globDestination(pattern: string, match: string, dest: string): string {
  if (pattern.endsWith("/**")) {
    const prefix = pattern.slice(0, -3);
    if (match.startsWith(`${prefix}/`)) return joinRel(dest, match.slice(prefix.length + 1));
  }
  return joinRel(dest, match);
}

/** sourceSelectionRoot: the literal prefix of a pattern before its first glob segment. */
export function sourceSelectionRoot(pattern: string): string {
  const parts = goClean(pattern).split("/");
  const root: string[] = [];
  for (const p of parts) {
    if (/[*?[\]]/.test(p)) break;
    root.push(p);
  }
  return root.length === 0 ? "." : goClean(root.join("/"));
}

/** shouldExcludePath: against the source-relative path, then relative to `base`. */
export function shouldExcludePath(filePath: string, base: string, patterns: readonly string[]): boolean {
  if (matchesExclude(filePath, patterns)) return true;
  const rel = relativeToBase(base, filePath);
  if (rel === undefined || rel === "." || rel === filePath) return false;
  return matchesExclude(rel, patterns);
}

function relativeToBase(base: string, filePath: string): string | undefined {
  const b = goClean(base);
  const f = goClean(filePath);
  if (b === "." || b === "") return f;
  const rel = path.posix.relative(b, f) || ".";
  if (rel === ".." || rel.startsWith("../")) return undefined;
  return rel;
}

function matchesExclude(filePath: string, patterns: readonly string[]): boolean {
  const base = path.posix.basename(filePath);
  for (const p of patterns) {
    if (safeMatch(p, filePath)) return true;
    if (!p.includes("/") && safeMatch(p, base)) return true;
  }
  return false;
}

function safeMatch(pattern: string, name: string): boolean {
  try {
    return doublestarMatch(pattern, name);
  } catch {
    return false;
  }
}

function parseCopySource(from: string): { alias: string; pattern: string } {
  if (!from.startsWith("@")) throw new CopyError(`invalid copy source '${from}': source must start with '@'`);
  const slash = from.indexOf("/");
  if (slash < 0) throw new CopyError(`invalid copy source '${from}': source format must be '@alias/pattern'`);
  return { alias: from.slice(1, slash), pattern: from.slice(slash + 1) };
}

function parseCopyDestination(to: string): string {
  if (!to.startsWith("@artifact/")) {
    throw new CopyError(`invalid copy destination '${to}': destination must start with '@artifact/'`);
  }
  const rel = goClean(to.slice("@artifact/".length));
  if (rel === ".." || rel.startsWith("../")) {
    throw new CopyError(`invalid copy destination '${to}': path escapes from parent`);
  }
  return rel === "." ? "" : rel;
}

/** Go's path.Clean ("" → "."). */
export function goClean(p: string): string {
  if (p === "") return ".";
  const n = path.posix.normalize(p);
  return n.length > 1 && n.endsWith("/") ? n.slice(0, -1) : n;
}

function join(root: string, rel: string): string {
  return rel === "." || rel === "" ? root : path.posix.join(root, rel);
}

function joinRel(a: string, b: string): string {
  const j = path.posix.join(a || ".", b || ".");
  return j === "." ? "" : j.replace(/\/$/, "");
}
