/**
 * Flux image automation's setter markers: a line comment `{"$imagepolicy": "ns:policy"}` on a
 * scalar field, optionally with `:tag`, `:name` or `:digest` (image-automation-controller
 * internal/update/setters.go). The comment must be a JSON object, as kyaml's fieldmeta reads
 * it. Files are found as its ScreeningLocalReader does: `.yaml`, `.yml` or `Kustomization`
 * files that contain the token `"$imagepolicy"`.
 */
import * as path from "node:path";
import { confinedView } from "../fs/confined.js";
import type { FileSystem } from "../fs/filesystem.js";
import { linksBelow, walkFiles } from "../fs/walk.js";
import type { SourceFiles } from "../promote/sources.js";
import type { CstPath } from "../yaml/cst-edit.js";

export type MarkerForm = "image" | "tag" | "name" | "digest";

export interface SetterMarker {
  /** Repository-relative file. */
  file: string;
  doc: number;
  path: CstPath;
  line: number;
  /** The field's current value. */
  value: string;
  policy: { namespace: string; name: string };
  form: MarkerForm;
  /** The marker as written (`flux-system:backend:tag`). */
  setter: string;
}

const TOKEN = '"$imagepolicy"';

/** The setter in a line comment, or undefined when the comment is not one. */
export function parseMarker(
  comment: string,
): { setter: string; policy: { namespace: string; name: string }; form: MarkerForm } | undefined {
  if (!comment.includes("$imagepolicy")) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(comment);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const setter = (parsed as Record<string, unknown>).$imagepolicy;
  if (typeof setter !== "string") return undefined;
  const parts = setter.split(":");
  if (parts.length < 2 || parts.length > 3) return undefined;
  const [namespace, name, suffix] = parts as [string, string, string | undefined];
  const form: MarkerForm | undefined =
    suffix === undefined ? "image" : (["tag", "name", "digest"] as const).find((f) => f === suffix);
  if (!form) return undefined;
  return { setter, policy: { namespace, name }, form };
}

export function isMarkerFile(name: string): boolean {
  return name.endsWith(".yaml") || name.endsWith(".yml") || name === "Kustomization";
}

/** Every setter marker in the files below `dir` (repository-relative; `.` for all). */
export function findMarkers(
  fs: FileSystem,
  files: SourceFiles,
  dir = ".",
): { markers: SetterMarker[]; problems: string[] } {
  const markers: SetterMarker[] = [];
  const problems: string[] = [];
  // Read inside the repository only, and through no link: Slipway never writes through one.
  const inside = confinedView(fs, [files.root]);
  const top = path.posix.resolve(files.root, dir);
  for (const link of linksBelow(inside, top))
    problems.push(`${path.posix.relative(files.root, link)}: a symbolic link, not followed`);
  for (const abs of walkFiles(inside, top, isMarkerFile)) {
    const file = path.posix.relative(files.root, abs);
    if (!inside.readFile(abs).toString("utf8").includes(TOKEN)) continue;
    let source: ReturnType<SourceFiles["get"]>;
    try {
      source = files.get(file);
    } catch (e) {
      problems.push(`${file}: ${(e as Error).message}`);
      continue;
    }
    if (!source) continue;
    for (const s of source.cst.scalars()) {
      if (!s.comment) continue;
      const m = parseMarker(s.comment);
      if (!m) continue;
      markers.push({ file, doc: s.doc, path: s.path, line: s.line, value: s.value, ...m });
    }
  }
  return { markers, problems };
}
