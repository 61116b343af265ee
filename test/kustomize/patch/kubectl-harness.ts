import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import type { YamlMap } from "../../../src/kustomize/types.js";
import { kubectlPath } from "../../support/env.js";

export interface KubectlCase {
  /** Target resource; its metadata.name must be unique within a batch. */
  target: YamlMap;
  /** Patch text (YAML), applied with the given mode. */
  patch: string;
}

export type PatchMode = "patches-path" | "patches-inline" | "patchesStrategicMerge";

/** Results by target name: the patched object, or null when it was removed. */
export type KubectlResult = Map<string, YamlMap | null> | { error: string };

function kustomization(cases: KubectlCase[], mode: PatchMode): string {
  const resources = cases.map((_, i) => `- r${i}.yaml`).join("\n");
  if (mode === "patches-path") {
    return `resources:\n${resources}\npatches:\n${cases.map((_, i) => `- path: p${i}.yaml`).join("\n")}\n`;
  }
  if (mode === "patchesStrategicMerge") {
    return `resources:\n${resources}\npatchesStrategicMerge:\n${cases.map((_, i) => `- p${i}.yaml`).join("\n")}\n`;
  }
  const inline = cases
    .map((c) => `- patch: |-\n${c.patch.replace(/\n$/, "").replace(/^/gm, "    ")}`)
    .join("\n");
  return `resources:\n${resources}\npatches:\n${inline}\n`;
}

/** Runs one `kubectl kustomize` over many cases at once (each kubectl call costs ~0.1 s). */
export function runKubectlBatch(cases: KubectlCase[], mode: PatchMode): KubectlResult {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-smp-"));
  try {
    mkdirSync(dir, { recursive: true });
    cases.forEach((c, i) => {
      writeFileSync(path.join(dir, `r${i}.yaml`), stringify(c.target));
      writeFileSync(path.join(dir, `p${i}.yaml`), c.patch);
    });
    writeFileSync(path.join(dir, "kustomization.yaml"), kustomization(cases, mode));
    let out: string;
    try {
      out = execFileSync(kubectlPath, ["kustomize", dir], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      return { error: e.stderr || e.message };
    }
    const byName = new Map<string, YamlMap | null>();
    for (const c of cases) byName.set(String((c.target.metadata as YamlMap).name), null);
    for (const doc of parseAllDocuments(out) as Array<{ toJS(): unknown }>) {
      const obj = doc.toJS() as YamlMap | null;
      if (!obj) continue;
      byName.set(String((obj.metadata as YamlMap).name), obj);
    }
    return byName;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Like runKubectlBatch, but when the batch fails, runs the cases one by one to isolate errors. */
export function runKubectlCases(
  cases: KubectlCase[],
  mode: PatchMode,
): Array<YamlMap | null | { error: string }> {
  const batch = runKubectlBatch(cases, mode);
  if (batch instanceof Map)
    return cases.map((c) => batch.get(String((c.target.metadata as YamlMap).name)) ?? null);
  return cases.map((c) => {
    const one = runKubectlBatch([c], mode);
    if (!(one instanceof Map)) return one;
    return one.get(String((c.target.metadata as YamlMap).name)) ?? null;
  });
}
