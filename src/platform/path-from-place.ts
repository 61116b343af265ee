/**
 * A Flux path whose variables only the cluster fills (`./clusters/${CLUSTER_NAME}`, substituted
 * from a ConfigMap the cluster applies, or by the bootstrap from `cluster.env`), read where the
 * document naming it sits: kid/home-infra's root `cluster` lives in
 * `clusters/home/flux/cluster/cluster.yaml`, so `${CLUSTER_NAME}` is `home`, the one value under
 * which the path names a folder holding the document. Only a variable that is a whole segment,
 * after segments that match the document's own folders one for one, takes the folder's name:
 * anything else the place does not tell.
 */
import * as path from "node:path";
import { EnvsubstError, substituteVariables } from "../flux/envsubst.js";
import type { FileSystem } from "../fs/filesystem.js";
import { normalizeRelative } from "./config.js";

/** A segment that is one variable and nothing else. */
const VARIABLE_SEGMENT = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/**
 * The variables of `specPath` that the folders of `file` give, aligned from the repository's
 * root; undefined when it gives none, or two values for one variable.
 */
export function variablesFromPlace(specPath: string, file: string): Record<string, string> | undefined {
  const segments = normalizeRelative(specPath.replace(/^\/+/, "")).split("/");
  const folders = path.posix.dirname(file).split("/");
  const vars: Record<string, string> = {};
  for (let i = 0; i < segments.length && i < folders.length; i++) {
    const segment = segments[i]!;
    const variable = VARIABLE_SEGMENT.exec(segment)?.[1];
    if (variable !== undefined) {
      if (vars[variable] !== undefined && vars[variable] !== folders[i]) return undefined;
      vars[variable] = folders[i]!;
      continue;
    }
    // A segment mixing text and a variable (`cluster-${ENV}`), or the first folder that differs:
    // the place says nothing further.
    if (segment.includes("${") || segment !== folders[i]) break;
  }
  return Object.keys(vars).length > 0 ? vars : undefined;
}

/**
 * The folder (repository-relative) the variables `vars` of `specPath` name as a folder of `file`:
 * its folders down to the deepest variable segment (`clusters/home` for `./clusters/${CLUSTER_NAME}`).
 */
export function placeFolder(specPath: string, file: string): string {
  const segments = normalizeRelative(specPath.replace(/^\/+/, "")).split("/");
  const folders = path.posix.dirname(file).split("/");
  let deepest = 0;
  for (let i = 0; i < segments.length && i < folders.length; i++)
    if (VARIABLE_SEGMENT.test(segments[i]!)) deepest = i + 1;
  return folders.slice(0, deepest).join("/");
}

/** Files read for a variable's value: settings, not a whole tree's manifests. */
const MAX_CONFIRMING_FILES = 2000;
const MAX_CONFIRMING_BYTES = 256 * 1024;
const SETTINGS_FILE = /\.(ya?ml|env|json)$/;

/**
 * Whether a file in `folder` gives each of `vars` its value as a setting (`CLUSTER_NAME=home` in
 * `cluster.env`, `CLUSTER: jsdyb-k8s-001` in a ConfigMap of cluster settings): what Flux or the
 * bootstrap substitutes, so the place is not a guess. A folder named like a cluster that holds
 * no such setting (`kubernetes/flux/` for `./kubernetes/${CLUSTER}`) says nothing.
 */
export function confirmedInFolder(
  fs: FileSystem,
  root: string,
  folder: string,
  vars: Record<string, string>,
): boolean {
  const wanted = Object.entries(vars).map(
    ([name, value]) =>
      new RegExp(
        `^\\s*(?:export\\s+)?"?${name}"?\\s*[:=]\\s*["']?${escapeRegExp(value)}["']?\\s*(?:#.*)?$`,
        "m",
      ),
  );
  const found = wanted.map(() => false);
  let files = 0;
  const walk = (dir: string): boolean => {
    let entries: string[];
    try {
      entries = fs.readDir(dir);
    } catch {
      return false;
    }
    for (const name of entries) {
      if (name.startsWith(".")) continue;
      const p = `${dir}/${name}`;
      if (fs.isDirectory(p)) {
        if (walk(p)) return true;
        continue;
      }
      if (!SETTINGS_FILE.test(name) || ++files > MAX_CONFIRMING_FILES) continue;
      let text: string;
      try {
        if (fs.size(p) > MAX_CONFIRMING_BYTES) continue;
        text = fs.readFile(p).toString("utf8");
      } catch {
        continue;
      }
      wanted.forEach((re, i) => {
        if (!found[i] && re.test(text)) found[i] = true;
      });
      if (found.every(Boolean)) return true;
    }
    return false;
  };
  return walk(folder === "" ? root : path.posix.join(root, folder));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `text` (a path, an ignore list) with `vars` substituted, or undefined when one of its variables is not among them. */
export function substitutedWith(text: string, vars: Record<string, string>): string | undefined {
  try {
    return substituteVariables(text, vars, { strict: true });
  } catch (err) {
    if (err instanceof EnvsubstError) return undefined;
    throw err;
  }
}

/** Whether the folder `builds` (repository-relative) holds `file`. */
export function holdsFile(builds: string, file: string): boolean {
  const dir = path.posix.dirname(file);
  return builds === "." || dir === builds || dir.startsWith(`${builds}/`);
}

/** `vars` as messages show them: `CLUSTER_NAME=home, ENV=prod`. */
export function showVariables(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
}
