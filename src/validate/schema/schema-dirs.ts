import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { KObject } from "../../kustomize/types.js";
import { parseYamlDocuments } from "../../yaml/index.js";
import type { CrdProblem } from "./types.js";

const SCHEMA_FILE = /\.(ya?ml|json)$/i;

function listFiles(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) listFiles(full, out);
    else if (entry.isFile() && SCHEMA_FILE.test(entry.name)) out.push(full);
  }
}

/** CRD objects found in the files under `dirs`, in a stable order; unreadable files become problems. */
export function loadCrdFiles(dirs: readonly string[]): {
  crds: { obj: KObject; file: string }[];
  problems: CrdProblem[];
} {
  const crds: { obj: KObject; file: string }[] = [];
  const problems: CrdProblem[] = [];
  for (const dir of dirs) {
    const files: string[] = [];
    try {
      listFiles(dir, files);
    } catch (e) {
      problems.push({
        crd: "",
        file: dir,
        issue: {
          kind: "bad-crd",
          path: [],
          message: `schema directory cannot be read: ${(e as Error).message}`,
        },
      });
      continue;
    }
    for (const file of files) {
      try {
        for (const doc of parseYamlDocuments(readFileSync(file, "utf8"), file)) {
          const v = doc.value;
          if (
            typeof v === "object" &&
            v !== null &&
            !Array.isArray(v) &&
            v.kind === "CustomResourceDefinition"
          )
            crds.push({ obj: v, file });
        }
      } catch (e) {
        problems.push({
          crd: "",
          file,
          issue: { kind: "bad-crd", path: [], message: `file cannot be parsed: ${(e as Error).message}` },
        });
      }
    }
  }
  return { crds, problems };
}
