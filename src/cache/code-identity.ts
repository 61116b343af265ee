/**
 * Which Slipway produced a cache entry: the package version plus a digest of the code that is
 * running (the bundle, dist/'s module tree, or src/ under the test runner), the lockfile that
 * pins its dependencies and the Node version. A rebuild that changes one byte of the renderer is
 * a different identity, so a development build never reads what another build wrote.
 *
 * Hashing the code costs ~10–25 ms once per process; it runs only when a cache is consulted.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

let memo: string | undefined;

/** The identity of the running code (hex sha256), computed once per process. */
export function codeIdentity(): string {
  memo ??= computeIdentity(path.dirname(fileURLToPath(import.meta.url)));
  return memo;
}

/**
 * `here` is the directory of this module: `dist/bundle` (one file per command, dependencies
 * inlined), `dist/cache` (tsc's module tree) or `src/cache` (vitest runs the sources).
 */
export function computeIdentity(here: string): string {
  const h = createHash("sha256");
  h.update(`node ${process.version}\0`);
  const bundled = path.basename(here) === "bundle";
  const codeRoot = bundled ? here : path.dirname(here);
  const projectRoot = bundled ? path.dirname(path.dirname(here)) : path.dirname(codeRoot);
  for (const name of ["package.json", "package-lock.json"]) {
    const file = path.join(projectRoot, name);
    h.update(`${name}\0`);
    if (fs.existsSync(file)) h.update(fs.readFileSync(file));
  }
  for (const file of codeFiles(codeRoot, bundled)) {
    const data = fs.readFileSync(file);
    h.update(`${path.relative(codeRoot, file)}\0${data.length}\0`);
    h.update(data);
  }
  return h.digest("hex");
}

/** Every code file under `root`, sorted; the module tree leaves out the bundle and the web assets. */
function codeFiles(root: string, bundled: boolean): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!bundled && dir === root && (e.name === "bundle" || e.name === "web")) continue;
        walk(abs);
      } else if (/\.(js|mjs|cjs|ts|json)$/.test(e.name) && !e.name.endsWith(".map")) out.push(abs);
    }
  };
  walk(root);
  return out.sort();
}
