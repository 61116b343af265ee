/**
 * The real repositories the diff and masking properties run on: ../shared/realworld (always, in
 * CI) and, when SLIPWAY_EXTRA_REPOS names them, more folders of Git clones (colon-separated;
 * each folder holds one repository per sub-directory, e.g. SLIPWAY_EXTRA_REPOS=/tmp/ext:/tmp/ext4).
 * Repositories Slipway has never seen find what the corpus it was tuned on does not.
 * SLIPWAY_EXTRA_REPOS_ONLY=1 leaves ../shared/realworld out (a run over the extra ones alone).
 */
import { readdirSync, realpathSync, statSync } from "node:fs";
import * as path from "node:path";
import { sharedDir } from "./env.js";

export interface CorpusRepo {
  /** Unique label: the folder name, prefixed by its parent for extra folders. */
  name: string;
  dir: string;
}

function reposIn(parent: string, label: (d: string) => string): CorpusRepo[] {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  return (
    names
      .filter((d) => !d.startsWith(".") && statSync(path.join(parent, d)).isDirectory())
      .sort()
      // Through links: the copies are made of the repository, not of a link to it.
      .map((d) => ({ name: label(d), dir: realpathSync(path.join(parent, d)) }))
  );
}

/** ../shared/realworld's repositories, then those of SLIPWAY_EXTRA_REPOS; `only` keeps one by name. */
export function diffCorpus(withShared: boolean, only?: string): CorpusRepo[] {
  const shared = withShared && process.env.SLIPWAY_EXTRA_REPOS_ONLY !== "1";
  const out = shared ? reposIn(path.join(sharedDir, "realworld"), (d) => d) : [];
  for (const parent of (process.env.SLIPWAY_EXTRA_REPOS ?? "").split(":").filter(Boolean))
    out.push(...reposIn(parent, (d) => `${path.basename(parent)}/${d}`));
  return out.filter((r) => only === undefined || r.name === only || path.basename(r.dir) === only);
}
