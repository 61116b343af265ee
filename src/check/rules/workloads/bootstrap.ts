/**
 * What a repository's bootstrap creates before Flux runs. Many Flux repositories install the
 * CNI, cert-manager and Flux itself with helmfile (`bootstrap/helmfile.yaml`,
 * `helmfile.d/*.yaml`); `helmfile sync` creates each release's namespace unless
 * `createNamespace: false` (helmfile's default is true, per release or in `helmDefaults`).
 * Those namespaces exist on every cluster bootstrapped from the repository, as do those made
 * outside Flux in other ways (bootstrap-texts.ts): Namespace manifests embedded in Talos
 * machine configuration or Terraform, Terraform namespaces, `kubectl create namespace` in scripts.
 */
import * as path from "node:path";
import YAML from "yaml";
import type { RenderCache } from "../../../cache/store.js";
import { isMap } from "../../../kustomize/types.js";
import type { Platform } from "../../../platform/model.js";
import { type RepoFiles, repoFiles } from "../../repo-files.js";
import { embeddedNamespaces, scriptNamespaces, terraformNamespaces } from "./bootstrap-texts.js";

const SKIP_DIRS = new Set([".git", "node_modules"]);
const MAX_FILES = 20_000;

/** Namespace → the helmfile (repository-relative) that creates it. */
export type BootstrapNamespaces = Map<string, string>;

const memo = new WeakMap<Platform, BootstrapNamespaces>();

/**
 * A helmfile's namespaces in the persistent render cache, keyed by its text (and the running
 * code, as every entry): a check after an edit elsewhere reads them instead of loading and
 * running the `yaml` package's full parser for one or two files (~8 ms of a warm run).
 */
export const HELMFILE_UNIT = "check-helmfile-namespaces";

/** `cache`: where a helmfile's namespaces are kept between runs (none: parsed every run). */
export function bootstrapNamespaces(platform: Platform, cache?: RenderCache): BootstrapNamespaces {
  let out = memo.get(platform);
  if (out === undefined) {
    const found: BootstrapNamespaces = new Map();
    const files = repoFiles(platform);
    const add = (namespaces: Iterable<string>, file: string) => {
      for (const ns of namespaces) if (!found.has(ns)) found.set(ns, file);
    };
    for (const { file, type } of bootstrapFiles(files, platform.root)) {
      const text = files.text(path.join(platform.root, file));
      if (text === undefined) continue;
      if (type === "yaml") {
        if (/^releases\s*:/m.test(text)) add(cachedHelmfileNamespaces(text, cache), file);
        add(embeddedNamespaces(text, false), file);
      } else {
        add(embeddedNamespaces(text, true), file);
        if (type === "terraform") add(terraformNamespaces(text), file);
      }
      if (type !== "terraform" && text.includes("kubectl")) add(scriptNamespaces(text), file);
    }
    out = found;
    memo.set(platform, out);
  }
  return out;
}

/**
 * The namespaces a helmfile's releases are installed into (and created in), from its text;
 * nothing when the text is not a helmfile. Templated values (`{{ … }}`) are not guessed.
 */
export function helmfileNamespaces(text: string): string[] {
  const out: string[] = [];
  let docs: YAML.Document[];
  try {
    // A template in a value (`{{ requiredEnv "X" }}`) reads as a flow map used as a key; the
    // library would warn on stderr that it stringifies it, for every check.
    docs = YAML.parseAllDocuments(text, { logLevel: "error" }) as YAML.Document[];
  } catch {
    return out;
  }
  for (const doc of docs) {
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch {
      continue;
    }
    if (!isMap(value as never)) continue;
    const helmfile = value as Record<string, unknown>;
    // A Kubernetes object is not a helmfile, whatever its fields.
    if (helmfile.apiVersion !== undefined || helmfile.kind !== undefined) continue;
    if (!Array.isArray(helmfile.releases)) continue;
    const defaults = isMap(helmfile.helmDefaults as never)
      ? (helmfile.helmDefaults as Record<string, unknown>)
      : {};
    const createByDefault = defaults.createNamespace !== false;
    for (const release of helmfile.releases) {
      if (!isMap(release as never)) continue;
      const r = release as Record<string, unknown>;
      if (typeof r.chart !== "string" || typeof r.namespace !== "string") continue;
      if (r.namespace === "" || r.namespace.includes("{{")) continue;
      const create = typeof r.createNamespace === "boolean" ? r.createNamespace : createByDefault;
      if (create) out.push(r.namespace);
    }
  }
  return out;
}

function cachedHelmfileNamespaces(text: string, cache: RenderCache | undefined): string[] {
  if (cache === undefined) return helmfileNamespaces(text);
  const key = cache.key(HELMFILE_UNIT, text);
  const known = (cache.get(key) as { namespaces?: unknown } | undefined)?.namespaces;
  if (Array.isArray(known) && known.every((ns) => typeof ns === "string")) return known;
  const namespaces = helmfileNamespaces(text);
  cache.put(key, { namespaces });
  return namespaces;
}

type BootstrapFileType = "yaml" | "terraform" | "script";

/** Names of files a bootstrap is written in besides YAML: scripts and task runners. */
const SCRIPT_NAMES =
  /^(?:Makefile|makefile|GNUmakefile|justfile|Justfile|\.justfile)$|\.(?:sh|bash|zsh|just|mk)$/;

function fileType(name: string): BootstrapFileType | undefined {
  if (/\.ya?ml$/.test(name)) return "yaml";
  if (/\.(?:tf|hcl)$/.test(name)) return "terraform";
  return SCRIPT_NAMES.test(name) ? "script" : undefined;
}

function bootstrapFiles(files: RepoFiles, root: string): Array<{ file: string; type: BootstrapFileType }> {
  const out: Array<{ file: string; type: BootstrapFileType }> = [];
  const walk = (rel: string) => {
    if (out.length >= MAX_FILES) return;
    const entries = files.list(path.join(root, rel));
    if (entries === undefined) return;
    for (const { name, dir, file } of entries) {
      const child = rel === "" ? name : `${rel}/${name}`;
      // Symbolic links are not followed: reads stay inside the repository, and loops end; a
      // FIFO or device is not read (it would block or never end).
      if (dir) {
        if (!SKIP_DIRS.has(name)) walk(child);
      } else if (file) {
        const type = fileType(name);
        if (type !== undefined) out.push({ file: child, type });
      }
    }
  };
  walk("");
  return out;
}
