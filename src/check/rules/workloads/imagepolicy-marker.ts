/**
 * `imagepolicy-marker`: image-automation setter markers (`# {"$imagepolicy": "ns:policy"}`)
 * name an ImagePolicy that the platform defines. Markers are YAML comments, which rendered
 * objects do not keep, so the rule reads the platform's own files: every rendered object's
 * source file, every file below each Flux Kustomization's directory, and the kustomization
 * files of the directories that transformed an object (overlays setting `images`).
 */

import * as path from "node:path";
import { LineCounter, parseAllDocuments, visit } from "yaml";
import { outputUnknown, type Platform } from "../../../platform/model.js";
import { checkYamlNesting } from "../../../yaml/limits.js";
import { type RepoFiles, repoFiles } from "../../repo-files.js";
import type { Rule, RuleContext } from "../../types.js";
import { isKind, nameOf, namespaceOf } from "./objects.js";

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];
const SKIP_DIRS = new Set([".git", "node_modules"]);

export interface Marker {
  line: number;
  /** The `$imagepolicy` value as written. */
  value: string;
  /** `ns:name` of the policy, or undefined when the value is malformed. */
  policy?: { namespace: string; name: string };
  /**
   * Inside a multi-line string (an inline patch, a values block): text, not a YAML comment,
   * so image automation never sees it.
   */
  inString?: boolean;
}

/**
 * Setter markers in one file's text. A marker is a YAML comment whose text (after the `#`s)
 * is a JSON object of string values with a `$imagepolicy` key and nothing after it, on a
 * scalar value: the line comment of `key: value` or `- value`, or a comment line just above
 * a `- value` sequence item. Comments of mapping keys (`key:` with a nested block, or a
 * comment line above `key: value`) are not markers, as in kyaml.
 */
export function findMarkers(text: string): Marker[] {
  if (!text.includes('"$imagepolicy"')) return [];
  const lines = text.split(/\r?\n/);
  const inString = multiLineStringLines(text);
  const out: Marker[] = [];
  lines.forEach((lineText, i) => {
    if (!lineText.includes('"$imagepolicy"')) return;
    const hash = commentStart(lineText);
    if (hash < 0) return;
    const value = markerValue(lineText.slice(hash));
    if (value === undefined) return;
    const marker: Marker = { line: i + 1, value, ...parsePolicyRef(value) };
    if (inString.has(i + 1)) {
      out.push({ ...marker, inString: true });
      return;
    }
    const before = lineText.slice(0, hash).trim();
    if (before === "") {
      if (isScalarSequenceItem(nextContentLine(lines, i + 1))) out.push(marker);
    } else if (!before.endsWith(":") && before !== "-") out.push(marker);
  });
  return out;
}

/** The `$imagepolicy` value of a comment (from its `#`), or undefined when it is not a marker. */
function markerValue(comment: string): string | undefined {
  const body = comment.replace(/^#+/, "").trim();
  if (!body.startsWith("{")) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  const fields = parsed as Record<string, unknown>;
  if (typeof fields.$imagepolicy !== "string" || Object.values(fields).some((v) => typeof v !== "string"))
    return undefined;
  return fields.$imagepolicy;
}

function nextContentLine(lines: string[], from: number): string {
  for (let i = from; i < lines.length; i++) {
    const t = (lines[i] as string).trim();
    if (t !== "" && !t.startsWith("#")) return lines[i] as string;
  }
  return "";
}

/** `- value` (a scalar item), not `- key: value` (a mapping item). */
function isScalarSequenceItem(line: string): boolean {
  const m = /^\s*-\s+(.*)$/.exec(line);
  if (!m) return false;
  const item = (m[1] as string).replace(/\s+#.*$/, "");
  return item !== "" && !/:(\s|$)/.test(item);
}

/** 1-based lines that are the continuation of a block scalar or a multi-line flow string. */
function multiLineStringLines(text: string): Set<number> {
  const out = new Set<number>();
  const lineCounter = new LineCounter();
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    checkYamlNesting(text);
    docs = parseAllDocuments(text, { lineCounter });
  } catch {
    return out;
  }
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    visit(doc, {
      Scalar(_key, node) {
        if (!node.range || typeof node.value !== "string") return;
        const first = lineCounter.linePos(node.range[0]).line;
        const last = lineCounter.linePos(Math.max(node.range[0], node.range[1] - 1)).line;
        // A block scalar starts at its `|`/`>` header; its text begins on the next line.
        for (let l = first + 1; l <= last; l++) out.add(l);
      },
    });
  }
  return out;
}

/** `ns:name`, optionally followed by `:tag`, `:name` or `:digest`. */
function parsePolicyRef(value: string): Pick<Marker, "policy"> {
  const parts = value.split(":");
  if (parts.length === 3 && ["tag", "name", "digest"].includes(parts[2] as string)) parts.pop();
  if (parts.length !== 2 || parts[0] === "" || parts[1] === "") return {};
  return { policy: { namespace: parts[0] as string, name: parts[1] as string } };
}

/** Index of the `#` starting a YAML comment (at line start or after whitespace, outside quotes); -1 when none. */
function commentStart(line: string): number {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if ((c === '"' || c === "'") && (i === 0 || /[\s:[{,-]/.test(line[i - 1] as string))) quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(line[i - 1] as string))) return i;
  }
  return -1;
}

/** Repository-relative files that belong to the platform, sorted. */
export function platformFiles(platform: Platform): string[] {
  const repo = repoFiles(platform);
  const files = new Set<string>();
  const seenDirs = new Set<string>();
  // Resources of one directory share its kustomization files: they are looked for once per
  // directory (resources name the same few directories thousands of times).
  const kustomizationFilesIn = new Map<string, string[]>();
  const normalized = normalizer();
  const walk = (rel: string) => {
    if (seenDirs.has(rel)) return;
    seenDirs.add(rel);
    // Symbolic links are not followed (as the loader does not): reads stay inside the
    // repository, and a link to an ancestor is no endless walk.
    const entries = repo.list(path.join(platform.root, rel));
    if (entries === undefined) return;
    // path.posix.join(rel, name) is `prefix + name` for every entry's name (one segment, never
    // `.` or `..`): joined once per directory instead of once per entry.
    const prefix = rel === "." || rel === "" ? "" : path.posix.join(rel, "x").slice(0, -1);
    for (const { name, dir, file } of entries) {
      const child = prefix + name;
      if (dir) {
        if (!SKIP_DIRS.has(name)) walk(child);
      } else if (file && (/\.ya?ml$/.test(name) || name === "Kustomization")) files.add(child);
    }
  };
  for (const cluster of platform.clusters) {
    for (const k of cluster.kustomizations) {
      if (k.dir !== undefined && k.status !== "external") walk(path.posix.normalize(k.dir));
      for (const r of k.resources) {
        if (r.source) files.add(normalized(r.source.file));
        for (const dir of r.touchedBy) {
          let found = kustomizationFilesIn.get(dir);
          if (found === undefined) {
            found = KUSTOMIZATION_FILES.map((name) => path.posix.join(dir, name)).filter((f) =>
              isFile(repo, platform.root, f),
            );
            kustomizationFilesIn.set(dir, found);
          }
          for (const f of found) files.add(f);
        }
      }
    }
  }
  return [...files].sort();
}

/**
 * path.posix.normalize, once per distinct path: every object a chart renders has its
 * HelmRelease's file as its source (bjw-s home-ops: thousands of objects, ~120 files).
 */
function normalizer(): (file: string) => string {
  const known = new Map<string, string>();
  return (file) => {
    let out = known.get(file);
    if (out === undefined) {
      out = path.posix.normalize(file);
      known.set(file, out);
    }
    return out;
  };
}

/** lstat's answer, from the listing of the file's directory. */
function isFile(repo: RepoFiles, root: string, rel: string): boolean {
  const abs = path.join(root, rel);
  const name = path.basename(abs);
  return repo.list(path.dirname(abs))?.some((e) => e.name === name && e.file) ?? false;
}

/** What the platform could not render: ImagePolicies may hide there. */
interface Blind {
  /** Ids of failed and external Flux Kustomizations. */
  unrendered: string[];
  /** Repository-relative directories of failed Flux Kustomizations. */
  failedDirs: string[];
  /** Files some rendered object comes from. */
  renderedFiles: Set<string>;
}

function blindSpots(platform: Platform): Blind {
  const blind: Blind = { unrendered: [], failedDirs: [], renderedFiles: new Set() };
  const normalized = normalizer();
  for (const cluster of platform.clusters) {
    for (const k of cluster.kustomizations) {
      if (outputUnknown(k)) blind.unrendered.push(`${cluster.name}/${k.id}`);
      if (k.status === "failed" && k.dir !== undefined) blind.failedDirs.push(path.posix.normalize(k.dir));
      for (const r of k.resources) if (r.source) blind.renderedFiles.add(normalized(r.source.file));
    }
  }
  return blind;
}

function run(ctx: RuleContext): void {
  const policies = new Set<string>();
  for (const r of ctx.resources()) {
    if (isKind(r.object, "image.toolkit.fluxcd.io", "ImagePolicy"))
      policies.add(`${namespaceOf(r.object)}:${nameOf(r.object)}`);
  }
  // Asked for only by a marker naming an unknown policy: it walks every rendered object, and
  // most repositories have no such marker (bjw-s home-ops: none, ~5 ms of a cold check).
  let blind: Blind | undefined;
  const blindOf = () => {
    blind ??= blindSpots(ctx.platform);
    return blind;
  };
  const repo = repoFiles(ctx.platform);
  for (const file of platformFiles(ctx.platform)) {
    const text = repo.text(path.join(ctx.platform.root, file));
    if (text === undefined) continue;
    for (const m of findMarkers(text)) reportMarker(ctx, policies, blindOf, file, m);
  }
}

/** A name no ImagePolicy can have (not a DNS-1123 subdomain): `${var}` text, upper case. */
const POLICY_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function reportMarker(
  ctx: RuleContext,
  policies: Set<string>,
  blindOf: () => Blind,
  file: string,
  m: Marker,
): void {
  const at = { file, line: m.line };
  if (m.inString) {
    ctx.report({
      ...at,
      message: `image policy marker "${m.value}" is inside a multi-line string (e.g. an inline patch), not a YAML comment: image automation never updates it; move it to a patch file`,
      severity: "warning",
    });
    return;
  }
  if (m.policy === undefined) {
    ctx.report({
      ...at,
      message: `image policy marker "${m.value}" is malformed: expected "<namespace>:<policy>" optionally followed by ":tag", ":name" or ":digest"`,
    });
    return;
  }
  if (policies.has(`${m.policy.namespace}:${m.policy.name}`)) return;
  const variable = m.value.includes("${")
    ? "; Flux substitutes variables in rendered objects, never in comments, so image automation looks for this literal name"
    : "";
  const message = `image policy marker names ImagePolicy ${m.policy.namespace}/${m.policy.name}, which the platform does not define${variable}`;
  const impossible = !POLICY_NAME.test(m.policy.name) || !POLICY_NAME.test(m.policy.namespace);
  if (impossible) {
    ctx.report({ ...at, message });
    return;
  }
  const blind = blindOf();
  if (blind.unrendered.length === 0) {
    ctx.report({ ...at, message });
    return;
  }
  // The policy may be in output Slipway could not render. When the marker's own file is only
  // part of a failed Kustomization, that failure is the finding; this would be its echo.
  const inFailed = blind.failedDirs.some((d) => d === "." || file.startsWith(`${d}/`));
  if (inFailed && !blind.renderedFiles.has(file)) return;
  const list = blind.unrendered.slice(0, 3).join(", ") + (blind.unrendered.length > 3 ? ", …" : "");
  ctx.report({
    ...at,
    message: `${message} (it may be in the output of ${list}, which could not be rendered)`,
    severity: "warning",
  });
}

export const imagePolicyMarker: Rule = {
  id: "imagepolicy-marker",
  defaultSeverity: "error",
  description: 'Image-automation setter markers (# {"$imagepolicy": "ns:name"}) name an existing ImagePolicy',
  help: 'Flux image automation rewrites a field only when its setter marker names an ImagePolicy it knows, as "<namespace>:<policy>" (the full image), or with ":tag", ":name" or ":digest". A marker naming a policy that no Flux Kustomization of the platform applies is silently never updated. Fix the namespace or name, or add the ImagePolicy. Markers are read from the files that make up the platform (each rendered object\'s source file, the trees of the Flux Kustomizations\' paths, and the kustomization files of overlays). When some Flux Kustomization could not be rendered the policy may be in its output: the finding is a warning, and markers only in the own files of a failed Kustomization are left to its render error. A name no ImagePolicy can have (a ${variable}) is always an error.',
  run,
};
