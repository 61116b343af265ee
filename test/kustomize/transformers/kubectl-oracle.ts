import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { ResMap } from "../../../src/kustomize/resmap.js";
import { Resource } from "../../../src/kustomize/resource.js";
import type { KObject, YamlValue } from "../../../src/kustomize/types.js";
import { kubectlPath } from "../../support/env.js";

export { Rng } from "../../support/random.js";

export type OracleResult = { ok: true; docs: KObject[] } | { ok: false; error: string };

/**
 * Builds `resources` with `kustomization` (extra top-level fields) through `kubectl kustomize`.
 * Files are written as JSON, which is YAML, so no value changes type on the way in.
 */
export function kubectlBuild(resources: KObject[], kustomization: Record<string, YamlValue>): OracleResult {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-transformers-"));
  try {
    writeFileSync(path.join(dir, "res.yaml"), resources.map((r) => JSON.stringify(r)).join("\n---\n"));
    writeFileSync(
      path.join(dir, "kustomization.yaml"),
      JSON.stringify({ resources: ["res.yaml"], ...kustomization }),
    );
    let out: string;
    try {
      out = execFileSync(kubectlPath, ["kustomize", dir], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (e) {
      return { ok: false, error: String((e as { stderr?: string }).stderr ?? e) };
    }
    const docs = parseAllDocuments(out)
      .map((d) => d.toJS() as KObject | null)
      .filter((d): d is KObject => d !== null);
    return { ok: true, docs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function resMapOf(objs: KObject[]): ResMap {
  return new ResMap(objs.map((o) => new Resource(structuredClone(o))));
}

/** kubectl's documents keyed by kind/namespace/name (these transformers never rename). */
export function byId(docs: KObject[]): Map<string, KObject> {
  const m = new Map<string, KObject>();
  for (const d of docs) {
    const md = (d.metadata ?? {}) as Record<string, YamlValue>;
    m.set(`${String(d.kind)}/${String(md.namespace ?? "")}/${String(md.name)}`, d);
  }
  return m;
}

export function idOf(o: KObject): string {
  const md = (o.metadata ?? {}) as Record<string, YamlValue>;
  return `${String(o.kind)}/${String(md.namespace ?? "")}/${String(md.name)}`;
}
