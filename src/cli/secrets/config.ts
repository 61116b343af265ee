import * as fs from "node:fs";
import * as path from "node:path";
import { findSopsConfig, parseSopsConfig, type SopsConfig } from "../../sops/index.js";

/**
 * `.sops.yaml` lookup for many files of one tree: each config file is read and parsed once.
 * `null` means no `.sops.yaml` governs the file.
 */
export class SopsConfigCache {
  private readonly byFile = new Map<string, SopsConfig>();

  configFor(file: string): SopsConfig | null {
    const configFile = findSopsConfig(path.dirname(path.resolve(file)));
    if (!configFile) return null;
    let config = this.byFile.get(configFile);
    if (!config) {
      config = parseSopsConfig(fs.readFileSync(configFile, "utf8"), configFile);
      this.byFile.set(configFile, config);
    }
    return config;
  }
}
