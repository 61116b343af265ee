import * as path from "node:path";

/**
 * Called with the absolute path of every file a generator is about to read; throws
 * (a SlipwayError or plain Error) when the path may not be loaded. Provided by the caller,
 * which knows the `--load-restrictor` setting and the kustomization root.
 */
export type LoadRestrictor = (absPath: string) => void;

/** `LoadRestrictionsNone`. */
export const noLoadRestrictor: LoadRestrictor = () => {};

/**
 * `LoadRestrictionsRootOnly` (kubectl's default): the file must be in or below `root`,
 * the directory of the kustomization that names it. Symlinks are not resolved here.
 */
export function rootOnlyLoadRestrictor(root: string): LoadRestrictor {
  const base = path.posix.resolve("/", root);
  return (absPath) => {
    const p = path.posix.resolve(base, absPath);
    const inside = base === "/" || p === base || p.startsWith(`${base}/`);
    if (!inside) throw new Error(`security; file '${p}' is not in or below '${base}'`);
  };
}
