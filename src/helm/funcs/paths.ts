/**
 * sprig's path functions: Go's path package (base, dir, clean, ext, isAbs) and path/filepath
 * (os*), which on Linux — where Helm runs — behave the same way.
 */
import { type FuncTable, goFunc } from "./define.js";

/** path.Clean: lexical processing of ., .. and repeated slashes. */
export function clean(path: string): string {
  if (path === "") return ".";
  const rooted = path.startsWith("/");
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(part);
  }
  const joined = out.join("/");
  if (rooted) return `/${joined}`;
  return joined === "" ? "." : joined;
}

/** path.Base: the last element, trailing slashes removed. */
export function base(path: string): string {
  if (path === "") return ".";
  path = path.replace(/\/+$/, "");
  if (path === "") return "/";
  return path.slice(path.lastIndexOf("/") + 1);
}

/** path.Dir: everything but the last element, cleaned. */
export function dir(path: string): string {
  return clean(path.slice(0, path.lastIndexOf("/") + 1));
}

/** path.Ext: from the last dot of the last element. */
export function ext(path: string): string {
  for (let i = path.length - 1; i >= 0 && path[i] !== "/"; i--) if (path[i] === ".") return path.slice(i);
  return "";
}

const isAbs = (path: string): boolean => path.startsWith("/");

export const pathFuncs: FuncTable = {
  base: goFunc("func(path string) string", (p: string) => base(p)),
  dir: goFunc("func(path string) string", (p: string) => dir(p)),
  clean: goFunc("func(path string) string", (p: string) => clean(p)),
  ext: goFunc("func(path string) string", (p: string) => ext(p)),
  isAbs: goFunc("func(path string) bool", (p: string) => isAbs(p)),
  osBase: goFunc("func(path string) string", (p: string) => base(p)),
  osClean: goFunc("func(path string) string", (p: string) => clean(p)),
  osDir: goFunc("func(path string) string", (p: string) => dir(p)),
  osExt: goFunc("func(path string) string", (p: string) => ext(p)),
  osIsAbs: goFunc("func(path string) bool", (p: string) => isAbs(p)),
};
