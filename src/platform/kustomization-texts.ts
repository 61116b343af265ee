/**
 * The kustomization files discovery reads as text (discover.ts asks three questions of them: is a
 * document listed, does a build reach a file, which entries are commented out), read once per
 * discovery run. The file of a folder is the first of kustomize's names that is a file, the one
 * kustomize and kustomize-controller build (kustomize refuses a folder holding two).
 */
import * as path from "node:path";
import type { FileSystem } from "../fs/filesystem.js";
import { kustomizationFileNames } from "../kustomize/kustomization.js";
import { isMap } from "../kustomize/types.js";
import { parseYamlDocuments } from "../yaml/index.js";
import { normalizeRelative } from "./config.js";

/** A folder's kustomization file: its text; null when it cannot be read, undefined when there is none. */
export type KustomizationText = string | null | undefined;

/** `- entry` lines behind a `#`, with the entry (quotes aside): `# - ./buildkit` → `./buildkit`. */
const COMMENTED_ENTRY = /^[ \t]*#[ \t]*-[ \t]+["']?([^\s"'#]+)/gm;

/**
 * Whether a kustomization file's text names `segment` as a path segment (`- config`, `./config`,
 * `../flux/config/`, `[config]`), not merely as part of a word: every file's
 * `kustomize.config.k8s.io/v1beta1` holds `config`, the folder onedr0p's template keeps its sync
 * objects in (kalenarndt: a kustomization listing only apps.yaml read as applying config/, which
 * hid the cluster's root).
 */
export function namesSegment(text: string, segment: string): boolean {
  const boundary = /[\s'"/[\],]/;
  for (let at = text.indexOf(segment); at >= 0; at = text.indexOf(segment, at + 1)) {
    const before = at === 0 ? "\n" : text[at - 1]!;
    const after = text[at + segment.length] ?? "\n";
    if (boundary.test(before) && boundary.test(after)) return true;
  }
  return false;
}

export class KustomizationTexts {
  private readonly texts = new Map<string, KustomizationText>();

  constructor(
    private readonly fs: FileSystem,
    private readonly root: string,
  ) {}

  /** The kustomization file of `dir` (repository-relative; "" or "." is the root). */
  of(dir: string): KustomizationText {
    const key = dir === "" ? "." : dir;
    if (this.texts.has(key)) return this.texts.get(key);
    const text = this.read(path.posix.join(this.root, key));
    this.texts.set(key, text);
    return text;
  }

  /**
   * Entries the kustomization files of `dirs` list only in a comment, resolved against their
   * folder (`# - ../common/rook-ceph` in `apps` → `common/rook-ceph`), each to the first folder
   * of `dirs` that comments it out.
   */
  commentedOut(dirs: Iterable<string>): Map<string, string> {
    const out = new Map<string, string>();
    for (const dir of dirs) {
      const text = this.of(dir);
      if (typeof text !== "string") continue;
      for (const m of text.matchAll(COMMENTED_ENTRY)) {
        const entry = normalizeRelative(path.posix.join(dir, m[1]!));
        if (!out.has(entry)) out.set(entry, dir);
      }
    }
    return out;
  }

  /** Whether the kustomization file of `dir` declares itself a kustomize Component (`kind: Component`). */
  isComponent(dir: string): boolean {
    const text = this.of(dir);
    if (typeof text !== "string") return false;
    try {
      const first = parseYamlDocuments(text, path.posix.join(dir, "kustomization.yaml"))[0]?.value;
      return isMap(first) && first.kind === "Component";
    } catch {
      return false;
    }
  }

  private read(abs: string): KustomizationText {
    for (const name of kustomizationFileNames) {
      const k = path.posix.join(abs, name);
      if (!this.fs.exists(k) || this.fs.isDirectory(k)) continue;
      try {
        return this.fs.readFile(k).toString("utf8");
      } catch {
        return null;
      }
    }
    return undefined;
  }
}
