/**
 * The symbolic links a Flux Kustomization loses without a word. source-controller archives
 * regular files and directories only (fluxcd/pkg artifact/storage/archive.go, `Archive`:
 * "Ignore anything that is not a file or directories e.g. symlinks"), so a link in the
 * repository is not in the artifact kustomize-controller builds. Where the directory has a
 * kustomization file, a link it names fails the build (an error already); where Flux generates
 * the kustomization from the YAML files below the directory (or the kustomization file is
 * itself a link), a linked manifest or directory is simply not applied. These are the links
 * named so that `check` can say so instead of rendering less in silence.
 */
import * as path from "node:path";
import type { FileSystem } from "../fs/filesystem.js";
import { joinName } from "../fs/posix-path.js";
import { kustomizationFileNames } from "../kustomize/kustomization.js";

/**
 * Links below `dir` (absolute) that a generated kustomization would have taken: YAML files and
 * names without an extension (directories); kustomization roots below it are not entered, as
 * Flux's generator does not (they are built as they are, and a link they name fails them).
 * Absolute paths, sorted; [] when the file system cannot tell its links (a Git revision).
 */
export function linksLeftOut(fs: FileSystem, dir: string): string[] {
  if (!fs.linksIn) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of fs.linksIn!(d)) {
      const ext = path.posix.extname(name);
      if (ext === "" || ext === ".yaml" || ext === ".yml") out.push(joinName(d, name));
    }
    for (const name of fs.readDir(d)) {
      const p = joinName(d, name);
      if (!fs.isDirectory(p)) continue;
      if (kustomizationFileNames.some((k) => fs.exists(joinName(p, k)))) continue;
      walk(p);
    }
  };
  if (fs.isDirectory(dir)) walk(dir);
  return out.sort();
}
