/**
 * `path.posix.relative` and `path.posix.join` for the paths a load passes around most: absolute,
 * already normal (no `//`, `.`, `..` segment or trailing slash), one below the other. Those
 * answers are slices and concatenations; node's functions resolve and re-normalise both
 * arguments character by character on every call, which a warm diff of a large repository did
 * some hundred thousand times (~7% of its CPU). Any other input goes to node's function, so
 * every answer is node's (test/fs/posix-path.test.ts compares them on generated paths).
 */
import * as path from "node:path";

/** A `//`, a `.` or `..` segment, or a trailing slash. */
const NOT_NORMAL = /\/\/|\/\.\.?(?:\/|$)|\/$/;

/** An absolute POSIX path as path.posix.normalize writes it, without a trailing slash (but `/`). */
export function isNormalAbsolute(p: string): boolean {
  return p.charCodeAt(0) === 47 && (p.length === 1 || !NOT_NORMAL.test(p));
}

/** `path.posix.relative(from, to)`. */
export function relativePath(from: string, to: string): string {
  if (to === from) return "";
  if (from === "/") {
    if (isNormalAbsolute(to)) return to.slice(1);
  } else if (
    to.length > from.length &&
    to.charCodeAt(from.length) === 47 &&
    to.startsWith(from) &&
    isNormalAbsolute(from) &&
    isNormalAbsolute(to)
  ) {
    return to.slice(from.length + 1);
  }
  return path.posix.relative(from, to);
}

/** `path.posix.join(dir, name)`, `name` one entry of `dir`. */
export function joinName(dir: string, name: string): string {
  if (name !== "" && name !== "." && name !== ".." && !name.includes("/") && isNormalAbsolute(dir)) {
    return dir.length === 1 ? `/${name}` : `${dir}/${name}`;
  }
  return path.posix.join(dir, name);
}

/** `./`, `../`, `.` or `..` at the start of a relative path. */
const DOT_START = /^\.\.?(?:\/|$)/;

/**
 * `path.posix.resolve(dir, ref)`, `dir` absolute: the refs kustomization files name are mostly
 * plain relative paths (`app`, `./helmrelease.yaml`), whose answer is a concatenation.
 */
export function resolvePath(dir: string, ref: string): string {
  if (ref !== "" && ref.charCodeAt(0) !== 47 && isNormalAbsolute(dir)) {
    let r = ref;
    while (r.length > 2 && r.charCodeAt(0) === 46 && r.charCodeAt(1) === 47) r = r.slice(2);
    if (r.charCodeAt(0) !== 47 && !DOT_START.test(r) && !NOT_NORMAL.test(r)) {
      return dir.length === 1 ? `/${r}` : `${dir}/${r}`;
    }
  }
  return path.posix.resolve(dir, ref);
}

/**
 * `path.posix.join(dir, rel)`, `dir` absolute: repository-relative paths (`.`, `kubernetes/apps`)
 * below the root are a concatenation.
 */
export function joinPath(dir: string, rel: string): string {
  if (isNormalAbsolute(dir)) {
    if (rel === ".") return dir;
    if (rel !== "" && rel.charCodeAt(0) !== 47 && !DOT_START.test(rel) && !NOT_NORMAL.test(rel)) {
      return dir.length === 1 ? `/${rel}` : `${dir}/${rel}`;
    }
  }
  return path.posix.join(dir, rel);
}
