import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { DiskFileSystem } from "../../src/fs/filesystem.js";
import { buildYaml } from "../../src/kustomize/build.js";
import { isMap, type KObject } from "../../src/kustomize/types.js";
import {
  fluxKustomizationFile,
  loadPlatform,
  OWNER_NAME_LABEL,
  OWNER_NAMESPACE_LABEL,
  type Platform,
  secureJoin,
} from "../../src/platform/index.js";
import { emitYaml, parseYamlDocuments } from "../../src/yaml/index.js";
import { requires, sharedDir } from "../support/env.js";
import { kubectlKustomize } from "../support/kubectl.js";

const realworld = path.join(sharedDir, "realworld");
const repos = requires("shared")
  ? readdirSync(realworld).filter((d) => statSync(path.join(realworld, d)).isDirectory())
  : [];

/** Flux Kustomization documents per file, counted with the `yaml` package (independent of Slipway's parser). */
function fluxKustomizationsInFiles(root: string): Map<string, number> {
  const counts = new Map<string, number>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const abs = path.join(dir, name);
      if (statSync(abs).isDirectory()) {
        if (!name.startsWith(".")) walk(abs);
        continue;
      }
      if (!/\.ya?ml$/.test(name)) continue;
      for (const doc of YAML.parseAllDocuments(readFileSync(abs, "utf8"))) {
        let v: unknown;
        try {
          v = doc.toJS();
        } catch {
          continue;
        }
        const o = v as { apiVersion?: unknown; kind?: unknown } | null;
        if (
          o &&
          typeof o.apiVersion === "string" &&
          o.apiVersion.startsWith("kustomize.toolkit.fluxcd.io/") &&
          o.kind === "Kustomization"
        ) {
          const rel = path.relative(root, abs);
          counts.set(rel, (counts.get(rel) ?? 0) + 1);
        }
      }
    }
  };
  walk(root);
  return counts;
}

const loaded = new Map<string, { platform: Platform; ms: number }>();
function load(repo: string) {
  let l = loaded.get(repo);
  if (!l) {
    const t = performance.now();
    const platform = loadPlatform(path.join(realworld, repo));
    l = { platform, ms: performance.now() - t };
    loaded.set(repo, l);
  }
  return l;
}

describe.runIf(requires("shared"))("real-world repositories load as platforms", () => {
  it.each(repos)("%s", (repo) => {
    const { platform, ms } = load(repo);
    const inFiles = fluxKustomizationsInFiles(path.join(realworld, repo));
    const fileTotal = [...inFiles.values()].reduce((a, b) => a + b, 0);
    const discovered = new Map<string, Set<string>>();
    let total = 0;
    for (const c of platform.clusters) {
      for (const k of c.kustomizations) {
        if (k.synthetic) continue;
        // ResourceSets, and the Kustomizations they generate from a template, are not documents of this kind.
        if (k.kind === "ResourceSet" || k.appliedBy?.startsWith("ResourceSet/")) continue;
        total++;
        if (!k.definedAt) continue;
        let s = discovered.get(k.definedAt.file);
        if (!s) discovered.set(k.definedAt.file, (s = new Set()));
        s.add(`${k.definedAt.line}`);
      }
    }
    const uniqueDocs = [...discovered.values()].reduce((a, s) => a + s.size, 0);
    const notReached = [...inFiles].filter(([f, n]) => (discovered.get(f)?.size ?? 0) < n).map(([f]) => f);
    process.stdout.write(
      `${repo}: ${platform.clusters.length} cluster(s) [${platform.clusters.map((c) => c.name).join(", ")}], ` +
        `${total} Flux Kustomizations (${uniqueDocs} distinct documents) of ${fileTotal} in the repository's files; ` +
        `${Math.round(ms)} ms${notReached.length ? `; not applied by any cluster: ${notReached.join(", ")}` : ""}\n`,
    );
    expect(platform.clusters.length).toBeGreaterThan(0);
    // Every discovered Kustomization is a document of the repository, never more per file.
    for (const [file, lines] of discovered)
      expect(lines.size, file).toBeLessThanOrEqual(inFiles.get(file) ?? 0);
    // Most of the repository's Flux Kustomizations are reached by following the trees.
    expect(uniqueDocs).toBeGreaterThanOrEqual(Math.floor(fileTotal * 0.6));
  });
});

/** What Flux adds to kubectl's build of the rewritten kustomization: owner labels, commonMetadata. */
function fluxFinish(obj: KObject, k: { name: string; namespace: string; object: KObject }): KObject {
  const md = (isMap(obj.metadata) ? obj.metadata : (obj.metadata = {})) as KObject;
  const labels = (isMap(md.labels) ? md.labels : (md.labels = {})) as KObject;
  labels[OWNER_NAME_LABEL] = k.name;
  labels[OWNER_NAMESPACE_LABEL] = k.namespace;
  const spec = isMap(k.object.spec) ? k.object.spec : {};
  const common = isMap(spec.commonMetadata) ? spec.commonMetadata : {};
  for (const f of ["labels", "annotations"] as const) {
    const extra = common[f];
    if (!isMap(extra)) continue;
    const target = (isMap(md[f]) ? md[f] : (md[f] = {})) as KObject;
    Object.assign(target, extra);
  }
  return obj;
}

describe.runIf(requires("kubectl", "shared"))(
  "Flux render equals kubectl's build plus the spec's transformations",
  () => {
    it.each(repos)("%s", async (repo) => {
      const { platform } = load(repo);
      const src = path.join(realworld, repo);
      const copy = mkdtempSync(path.join(tmpdir(), "slipway-flux-diff-"));
      cpSync(src, copy, { recursive: true });
      const fs = new DiskFileSystem();
      let compared = 0;
      let bothFail = 0;
      const mismatches: string[] = [];
      const engineDiffs: string[] = [];
      try {
        for (const c of platform.clusters) {
          for (const k of c.kustomizations) {
            const spec = isMap(k.object.spec) ? k.object.spec : {};
            if (k.dir === undefined || k.status === "suspended" || k.status === "external") continue;
            if (spec.postBuild !== undefined || spec.decryption !== undefined) continue;
            const dir = secureJoin(
              copy,
              path.posix.relative(platform.root, path.posix.join(platform.root, k.dir)),
            );
            let file: ReturnType<typeof fluxKustomizationFile>;
            try {
              file = fluxKustomizationFile(fs, dir, spec);
            } catch {
              continue;
            }
            const original = file.generated ? undefined : readFileSync(file.file);
            const obj = { ...file.object };
            if (obj.sortOptions === undefined) obj.sortOptions = { order: "fifo" };
            writeFileSync(file.file, emitYaml(obj));
            try {
              const r = await kubectlKustomize(dir, ["--load-restrictor", "LoadRestrictionsNone"]);
              if (!r.ok) {
                if (k.status === "failed") bothFail++;
                else
                  mismatches.push(
                    `${c.name} ${k.id}: kubectl fails but Slipway renders: ${r.stderr.slice(0, 200)}`,
                  );
                continue;
              }
              const expected = parseYamlDocuments(r.stdout, dir)
                .map((d) => d.value)
                .filter(isMap)
                .map((o) => emitYaml(fluxFinish(o, k)))
                .join("---\n");
              const actual = k.resources.map((x) => emitYaml(x.object)).join("---\n");
              compared++;
              if (actual !== expected) {
                // A difference the kustomize engine already has on this directory is not the Flux layer's.
                const srcDir = path.join(src, k.dir);
                const plain = await kubectlKustomize(srcDir, ["--load-restrictor", "LoadRestrictionsNone"]);
                let ours = "";
                try {
                  ours = buildYaml(srcDir, { loadRestrictor: "LoadRestrictionsNone" });
                } catch {}
                if (plain.ok && plain.stdout !== ours) engineDiffs.push(`${c.name} ${k.id} (${k.dir})`);
                else mismatches.push(`${c.name} ${k.id} (${k.dir})`);
              }
            } finally {
              if (original) writeFileSync(file.file, original);
              else rmSync(file.file);
            }
          }
        }
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
      process.stdout.write(
        `${repo}: ${compared - mismatches.length - engineDiffs.length} of ${compared} Flux Kustomizations equal to kubectl, ${bothFail} fail in both` +
          `${engineDiffs.length ? `; differences inherited from 'slipway build' vs kubectl: ${engineDiffs.join(", ")}` : ""}\n`,
      );
      expect(mismatches).toEqual([]);
    });
  },
);
