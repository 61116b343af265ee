/**
 * How builtin.ts loads kubernetes-models' schema modules. When the CLI runs from the bundle
 * (src/startup/start.ts), through the bundle loader and its V8 code cache: Node 20 compiles a
 * package's CommonJS files from source in every process, and the ~70 modules of a check's
 * built-in kinds (270 kB of ajv standalone code) cost a fresh `check` ~20 ms of compiling. The
 * bundle and src/startup are separate copies of the code, so the loader travels as a
 * process-wide symbol, like the render workers' launcher (src/helm/pool/launch.ts); without
 * one (dist/ modules, tests) Node's require loads them.
 */
import { createRequire } from "node:module";

/**
 * Loads the CommonJS file `file` and returns its exports; its requires of files `within`
 * accepts load the same way, the others through Node.
 */
export type PackageModuleLoader = (
  file: string,
  within: (resolved: string) => boolean,
) => Record<string, unknown>;

const LOADER = Symbol.for("slipway.package-module-loader");
const require = createRequire(import.meta.url);

export function setPackageModuleLoader(loader: PackageModuleLoader | undefined): void {
  (globalThis as { [LOADER]?: PackageModuleLoader })[LOADER] = loader;
}

/** The exports of `file` (absolute), through the process's loader if one is set. */
export function loadPackageModule(file: string, within: (resolved: string) => boolean): unknown {
  const loader = (globalThis as { [LOADER]?: PackageModuleLoader })[LOADER];
  return loader ? loader(file, within) : require(file);
}
