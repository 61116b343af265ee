/**
 * Zero-config cluster discovery. A cluster is found from
 * 1. Flux's own sync objects: a file holding a `GitRepository` and a Flux `Kustomization`
 *    both named `flux-system` (what `flux bootstrap` writes to `<path>/flux-system/gotk-sync.yaml`);
 *    the Kustomization is the cluster's root and its `spec.path` the cluster directory;
 * 2. top-level Flux Kustomizations: ones no other Flux Kustomization applies (their file is in
 *    no discovered cluster's output and under no other Kustomization's `spec.path`), grouped by
 *    directory — the repository's bootstrap object lives elsewhere (Terraform, flux-operator).
 * A cluster is named after its directory (`clusters/dev` → `dev`); when two share a name, the
 * path segments that tell them apart are kept (`dev/clusters/services-amer`).
 */
import * as path from "node:path";
import { type FileSystem, readFileWithin } from "../fs/filesystem.js";
import { parseResourceFile } from "../kustomize/target.js";
import { isMap, type KObject } from "../kustomize/types.js";
import { normalizeRelative } from "./config.js";
import {
  groupOf,
  isFluxKustomization,
  metaString,
  SOURCE_GROUP,
  sourceRefOf,
  specOf,
  stringField,
} from "./flux-objects.js";
import type { ObjectRef, SourceLocation } from "./model.js";

export interface FluxDocument {
  object: KObject;
  at: SourceLocation;
}

export interface RepositoryScan {
  /** Every Flux Kustomization document in the repository's YAML files. */
  kustomizations: FluxDocument[];
  gitRepositories: FluxDocument[];
  /** YAML files over MAX_SCAN_BYTES, not read (repository-relative). */
  tooLarge: string[];
}

const SKIP_DIRS = new Set(["node_modules"]);
/** Larger YAML files are not read by discovery (checked before reading). */
export const MAX_SCAN_BYTES = 32 * 1024 * 1024;

/** Reads every `.yaml`/`.yml` file that mentions Flux (dot-directories and node_modules skipped). */
export function scanRepository(fs: FileSystem, root: string): RepositoryScan {
  const scan: RepositoryScan = { kustomizations: [], gitRepositories: [], tooLarge: [] };
  const walk = (dir: string) => {
    for (const name of fs.readDir(dir)) {
      const abs = path.posix.join(dir, name);
      if (fs.isDirectory(abs)) {
        if (!name.startsWith(".") && !SKIP_DIRS.has(name)) walk(abs);
        continue;
      }
      if (!name.endsWith(".yaml") && !name.endsWith(".yml")) continue;
      let text: string;
      try {
        const bytes = readFileWithin(fs, abs, MAX_SCAN_BYTES);
        if (bytes === undefined) {
          scan.tooLarge.push(path.posix.relative(root, abs));
          continue;
        }
        text = bytes.toString("utf8");
      } catch {
        continue;
      }
      if (!text.includes("toolkit.fluxcd.io")) continue;
      let docs: ReturnType<typeof parseResourceFile>;
      try {
        // The same cache as builds use: these files are built right after discovery.
        docs = parseResourceFile(text, abs);
      } catch {
        continue;
      }
      const file = path.posix.relative(root, abs);
      for (const d of docs) {
        if (!isMap(d.value)) continue;
        const at = { file, line: d.line };
        if (isFluxKustomization(d.value)) scan.kustomizations.push({ object: d.value, at });
        else if (d.value.kind === "GitRepository" && groupOf(d.value) === SOURCE_GROUP)
          scan.gitRepositories.push({ object: d.value, at });
      }
    }
  };
  walk(root);
  return scan;
}

export interface DiscoveredCluster {
  name: string;
  /** Repository-relative directory. */
  path: string;
  sourceRoot: string;
  discoveredBy: "sync" | "top-level" | "config";
  mode: "flux" | "kustomize";
  variables: Record<string, string>;
  /** The root Flux Kustomization, when the repository holds it; otherwise Slipway makes one up. */
  root?: FluxDocument;
  /** Sources that are this repository (the sync GitRepository, top-level Kustomizations' sourceRefs). */
  localSources: ObjectRef[];
  /** For top-level clusters: the Flux Kustomization documents that made it one. */
  topLevel?: FluxDocument[];
}

const FLUX_SYSTEM: ObjectRef = { kind: "GitRepository", namespace: "flux-system", name: "flux-system" };

/** Clusters from Flux sync objects (`flux-system` GitRepository + Kustomization in one file). */
export function syncClusters(scan: RepositoryScan): DiscoveredCluster[] {
  const out: DiscoveredCluster[] = [];
  for (const k of scan.kustomizations) {
    if (metaString(k.object, "name") !== "flux-system") continue;
    const repo = scan.gitRepositories.find(
      (g) => g.at.file === k.at.file && metaString(g.object, "name") === "flux-system",
    );
    if (!repo) continue;
    const specPath = stringField(specOf(k.object), "path");
    const dir = specPath
      ? normalizeRelative(specPath.replace(/^\/+/, ""))
      : path.posix.dirname(path.posix.dirname(k.at.file));
    if (out.some((c) => c.path === dir)) continue;
    const repoRef = {
      kind: "GitRepository",
      namespace: metaString(repo.object, "namespace"),
      name: "flux-system",
    };
    out.push({
      name: "",
      path: dir,
      sourceRoot: ".",
      discoveredBy: "sync",
      mode: "flux",
      variables: {},
      root: k,
      localSources: [repoRef, sourceRefOf(k.object)],
    });
  }
  return out;
}

/**
 * Clusters made of top-level Flux Kustomizations: documents not yet covered by a rendered
 * cluster (`covered` holds `file:line` keys) and not under another Kustomization's path.
 */
export function topLevelClusters(
  scan: RepositoryScan,
  covered: Set<string>,
  known: string[],
): DiscoveredCluster[] {
  const paths = scan.kustomizations.map((k) => staticPrefix(stringField(specOf(k.object), "path")));
  const byDir = new Map<string, FluxDocument[]>();
  scan.kustomizations.forEach((k, i) => {
    if (covered.has(locationKey(k.at))) return;
    const file = k.at.file;
    const contained = paths.some((p, j) => j !== i && p !== "." && p !== "" && file.startsWith(`${p}/`));
    if (contained) return;
    const dir = path.posix.dirname(file);
    if (known.includes(dir)) return;
    let list = byDir.get(dir);
    if (!list) byDir.set(dir, (list = []));
    list.push(k);
  });
  const out: DiscoveredCluster[] = [];
  for (const [dir, docs] of [...byDir].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    // A Kustomization whose path is its own directory is the root itself (nothing applies it).
    const selfRoot = docs.filter((d) => staticPrefix(stringField(specOf(d.object), "path")) === dir);
    // Whatever applies these is this repository's own sync: their GitRepository is this one.
    const localSources = [
      FLUX_SYSTEM,
      ...docs.map((d) => sourceRefOf(d.object)).filter((r) => r.kind === "GitRepository"),
    ];
    out.push({
      name: "",
      path: dir,
      sourceRoot: ".",
      discoveredBy: "top-level",
      mode: "flux",
      variables: {},
      root: selfRoot.length === 1 ? selfRoot[0] : undefined,
      localSources,
      topLevel: docs,
    });
  }
  return out;
}

export function locationKey(at: SourceLocation): string {
  return `${at.file}:${at.line}`;
}

/** The part of a `spec.path` before any `${…}` variable, normalised; "" when it starts with one. */
export function staticPrefix(specPath: string): string {
  const segments = specPath.replace(/^\/+/, "").split("/");
  const fixed: string[] = [];
  for (const s of segments) {
    if (s.includes("${")) break;
    fixed.push(s);
  }
  if (fixed.length < segments.length && fixed.length === 0) return "";
  return normalizeRelative(fixed.join("/") || ".");
}

/** Names clusters after their directory, keeping the segments that tell same-named ones apart. */
export function nameClusters(clusters: Array<{ path: string; name: string }>): void {
  // `flux/bootstrap/flux-system` (bootstrapped with --path pointing at flux-system itself) → `bootstrap`.
  const base = (p: string) => {
    if (p === ".") return "root";
    const name = path.posix.basename(p);
    const parent = path.posix.dirname(p);
    return name === "flux-system" && parent !== "." ? path.posix.basename(parent) : name;
  };
  const groups = new Map<string, Array<{ path: string; name: string }>>();
  for (const c of clusters) {
    if (c.name) continue;
    const b = base(c.path);
    let g = groups.get(b);
    if (!g) groups.set(b, (g = []));
    g.push(c);
  }
  const taken = new Set(clusters.filter((c) => c.name).map((c) => c.name));
  for (const [b, group] of groups) {
    if (group.length === 1 && !taken.has(b)) {
      group[0]!.name = b;
      taken.add(b);
      continue;
    }
    const split = group.map((c) => c.path.split("/"));
    let common = 0;
    while (split.every((s) => s.length > common + 1 && s[common] === split[0]![common])) common++;
    for (let i = 0; i < group.length; i++) {
      let name = split[i]!.slice(common).join("/");
      while (taken.has(name)) name = `${name}~`;
      group[i]!.name = name;
      taken.add(name);
    }
  }
}
