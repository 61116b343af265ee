import * as fs from "node:fs";
import * as path from "node:path";
import { SlipwayError } from "../../errors.js";
import { readRegularFile } from "../../fs/read-regular.js";
import { findSopsConfig, parseSopsConfig, type SopsConfig } from "../../sops/index.js";

/**
 * `.sops.yaml` lookup for many files of one tree: each config file is read and parsed once.
 * `null` means no `.sops.yaml` governs the file.
 *
 * Found as sops finds it (the file's directory, then its parents), with two limits for the
 * tree-wide commands, which run on checked-out pull requests: a `.sops.yaml` inside a searched
 * directory that is a symbolic link out of the searched directories is not read (the walk does
 * not follow such links to SOPS files either, and says so), and a config that is not a regular
 * file (a FIFO would block the read forever) is refused by name.
 */
export class SopsConfigCache {
  private readonly byFile = new Map<string, SopsConfig>();

  /** `roots`: the real paths of the directories searched (none: a file named by the user). */
  constructor(private readonly roots: readonly string[] = []) {}

  configFor(file: string): SopsConfig | null {
    const configFile = findSopsConfig(path.dirname(path.resolve(file)));
    if (!configFile) return null;
    let config = this.byFile.get(configFile);
    if (!config) {
      this.refuseLinkOut(configFile);
      let text: string;
      try {
        text = readRegularFile(configFile).toString("utf8");
      } catch (e) {
        if (e instanceof SlipwayError) throw e;
        const code = (e as NodeJS.ErrnoException).code;
        throw new SlipwayError(
          code === "EINVAL" ? "cannot read: not a regular file" : `cannot read: ${code ?? "error"}`,
          { file: configFile },
        );
      }
      config = parseSopsConfig(text, configFile);
      this.byFile.set(configFile, config);
    }
    return config;
  }

  private refuseLinkOut(configFile: string): void {
    const inside = (p: string) => this.roots.some((r) => p === r || p.startsWith(`${r}${path.sep}`));
    let dir: string;
    let real: string;
    try {
      dir = fs.realpathSync(path.dirname(configFile));
      real = fs.realpathSync(configFile);
    } catch {
      return; // a dangling link: the read below names it
    }
    if (inside(dir) && !inside(real))
      throw new SlipwayError("a symbolic link out of the searched tree: not read", { file: configFile });
  }
}
