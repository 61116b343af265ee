import { readdirSync, statSync } from "node:fs";
import * as path from "node:path";

const kustomizationNames = new Set(["kustomization.yaml", "kustomization.yml", "Kustomization"]);

/** Every directory under `root` that holds a kustomization file, sorted. */
export function kustomizationDirs(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(dir);
    if (entries.some((e) => kustomizationNames.has(e))) out.push(dir);
    for (const e of entries) {
      if (e === ".git" || e === "node_modules") continue;
      const p = path.join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
    }
  };
  walk(root);
  return out.sort();
}
