import type { FileSystem } from "./filesystem.js";

/**
 * The first path on the way to `abs` (absolute, normal) that is a symbolic link the view
 * leaves out (FileSystem.linksIn: a source artifact holds no links; a plain stack's view,
 * src/fs/in-repo-links.ts, none that leads out of the repository), if any. A build that
 * cannot find a file says why when the file is there on disk, behind a link: "no such file"
 * alone is not true of what the user sees. Only asked on the way to an error.
 */
export function hiddenLinkOn(fs: FileSystem, abs: string): string | undefined {
  if (!fs.linksIn) return undefined;
  let dir = "/";
  // Directories above a confined view's root are not in it: the walk starts at the first it has.
  let inside = false;
  for (const name of abs.split("/").filter(Boolean)) {
    const p = dir === "/" ? `/${name}` : `${dir}/${name}`;
    if (fs.isDirectory(dir)) {
      inside = true;
      if (fs.linksIn(dir).includes(name)) return p;
    } else if (inside) {
      return undefined;
    }
    dir = p;
  }
  return undefined;
}

/** What to add to a "does not exist" message when a hidden link is the reason. */
export function hiddenLinkNote(fs: FileSystem, abs: string): string {
  const link = hiddenLinkOn(fs, abs);
  if (link !== undefined && fs.linksInside)
    return `; ${link} is a symbolic link that leads outside the repository, and Slipway reads nothing outside the repository and the --allow-path directories: move its target into the repository, or allow its directory with --allow-path`;
  return link === undefined
    ? ""
    : `; ${link} is a symbolic link, and Slipway reads no links in a repository, as Flux's source artifact holds none (source-controller archives regular files and directories only): replace it with the file or directory`;
}
