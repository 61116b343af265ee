import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { DiskFileSystem } from "../../../src/fs/filesystem.js";
import {
  type GeneratorOptions,
  generateConfigMap,
  generateSecret,
  mergedNeedsHash,
  mergeGenerated,
  nameHash,
  noLoadRestrictor,
  rootOnlyLoadRestrictor,
} from "../../../src/kustomize/generators/index.js";
import { isMap, type YamlMap } from "../../../src/kustomize/types.js";
import { requires, sharedDir } from "../../support/env.js";

/**
 * The kustomize conformance corpus, used two ways without the full engine:
 * 1. every hash-suffixed ConfigMap/Secret in an expected output must carry nameHash(itself);
 * 2. a small generator-only accumulation (resources dirs, components, generators with
 *    create/merge/replace) must reproduce the expected data and suffix for each generated
 *    object, except in cases where other transformers change data (listed below).
 */

const HASH_SUFFIX = /-([2456789bcdfghkmt]{10})$/;

interface Case {
  name: string;
  dir: string;
  meta: { root: string; expect: string; flags?: string[] };
  docs: YamlMap[];
}

function loadCases(): Case[] {
  const casesDir = path.join(sharedDir, "conformance/kustomize/cases");
  return readdirSync(casesDir).map((name) => {
    const dir = path.join(casesDir, name);
    const meta = JSON.parse(readFileSync(path.join(dir, "case.json"), "utf8"));
    const exp = path.join(dir, "expected.yaml");
    const docs = existsSync(exp)
      ? parseAllDocuments(readFileSync(exp, "utf8")).map((d) => d.toJS({ maxAliasCount: -1 }) as YamlMap)
      : [];
    return { name, dir, meta, docs: docs.filter((d) => d !== null && isMap(d)) };
  });
}

function metaName(o: YamlMap): string {
  const md = o.metadata;
  return isMap(md) && typeof md.name === "string" ? md.name : "";
}

/** Expected outputs whose data was changed by something other than generators. */
const DATA_CHANGED_ELSEWHERE = new Set([
  // vars / replacements / patches rewrite generated data after generation
  "replacementtransformer_test__TestReplacementTransformerWithConfigMapGenerator",
  "replacementtransformer_test__TestReplacementTransformerWithNamePrefixOverlay",
  "replacementtransformer_test__TestReplacementTransformerWithNamespaceOverlay",
]);

interface Item {
  object: YamlMap;
  needsHash: boolean;
  /** Every name the object has had, the current one last. */
  names: string[];
  /** Made or touched by a generator (plain resources are only there to be merged into). */
  generated: boolean;
}

/**
 * Just enough of kustomize's accumulation to run generators: resources, components (which
 * work on their parent's list), generators, then namePrefix/nameSuffix; no other transformer.
 */
function accumulate(dir: string, restrictRoot: boolean, fs: DiskFileSystem, items: Item[] = []): Item[] {
  const kf = ["kustomization.yaml", "kustomization.yml", "Kustomization"]
    .map((f) => path.join(dir, f))
    .find((f) => existsSync(f));
  if (!kf) return [];
  const k = (parse(readFileSync(kf, "utf8"), { uniqueKeys: false }) ?? {}) as YamlMap;
  for (const key of ["resources", "bases", "components"]) {
    for (const entry of (k[key] as string[] | undefined) ?? []) {
      const p = path.resolve(dir, entry);
      if (key === "components") accumulate(p, restrictRoot, fs, items);
      else if (existsSync(p) && fs.isDirectory(p)) items.push(...accumulate(p, restrictRoot, fs));
      else if (existsSync(p)) {
        for (const d of parseAllDocuments(readFileSync(p, "utf8"))) {
          const o = d.toJS() as YamlMap;
          if (o && (o.kind === "ConfigMap" || o.kind === "Secret")) {
            items.push({ object: o, needsHash: false, names: [metaName(o)], generated: false });
          }
        }
      }
    }
  }
  const global = k.generatorOptions as GeneratorOptions | undefined;
  const restrict = restrictRoot ? rootOnlyLoadRestrictor(dir) : noLoadRestrictor;
  const gens = [
    ...((k.configMapGenerator as YamlMap[] | undefined) ?? []).map((a) =>
      generateConfigMap(a as never, global, fs, dir, restrict, kf),
    ),
    ...((k.secretGenerator as YamlMap[] | undefined) ?? []).map((a) =>
      generateSecret(a as never, global, fs, dir, restrict, kf),
    ),
  ];
  for (const g of gens) {
    const name = metaName(g.object);
    const old = items.find((i) => i.object.kind === g.object.kind && i.names.includes(name));
    if (!old || g.behavior === "create") {
      items.push({ object: g.object, needsHash: g.needsHash, names: [name], generated: true });
      continue;
    }
    old.object = mergeGenerated(old.object, g);
    old.needsHash = mergedNeedsHash(old.needsHash, g);
    old.generated = true;
  }
  const prefix = String(k.namePrefix ?? "");
  const suffix = String(k.nameSuffix ?? "");
  if (prefix || suffix) {
    for (const item of items) {
      const renamed = `${prefix}${item.names.at(-1)}${suffix}`;
      item.names.push(renamed);
      item.object = { ...item.object, metadata: { ...(item.object.metadata as YamlMap), name: renamed } };
    }
  }
  return items;
}

function payload(o: YamlMap) {
  return { data: o.data, binaryData: o.binaryData, type: o.type, kind: o.kind };
}

describe.runIf(requires("shared"))("kustomize conformance corpus: generator hashes", () => {
  const cases = requires("shared") ? loadCases() : [];

  it("every hash-suffixed ConfigMap/Secret in the expected outputs carries nameHash of itself", () => {
    let checked = 0;
    const wrong: string[] = [];
    for (const c of cases) {
      for (const doc of c.docs) {
        if (doc.kind !== "ConfigMap" && doc.kind !== "Secret") continue;
        const m = HASH_SUFFIX.exec(metaName(doc));
        if (!m) continue;
        checked++;
        if (nameHash(doc) !== m[1]) wrong.push(`${c.name}: ${metaName(doc)} (computed ${nameHash(doc)})`);
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(80);
  });

  it("generator-only accumulation reproduces expected data and suffixes", () => {
    const fs = new DiskFileSystem();
    let matched = 0;
    const problems: string[] = [];
    for (const c of cases) {
      if (c.meta.expect !== "output" || DATA_CHANGED_ELSEWHERE.has(c.name)) continue;
      const root = path.join(c.dir, "input", c.meta.root);
      const restrictRoot = !(c.meta.flags ?? []).includes("--load-restrictor=LoadRestrictionsNone");
      for (const item of accumulate(root, restrictRoot, fs).filter((i) => i.generated)) {
        const candidates = c.docs.filter(
          (d) => d.kind === item.object.kind && metaName(d).includes(item.names.at(-1) as string),
        );
        const same = candidates.filter((d) => isDeepStrictEqual(payload(d), payload(item.object)));
        if (candidates.length === 0) continue; // renamed by a patch, or not part of the output
        if (same.length === 0) {
          problems.push(`${c.name}: no expected ${item.object.kind} with the data of ${item.names.at(-1)}`);
          continue;
        }
        matched++;
        const suffixes = same.map((d) => HASH_SUFFIX.exec(metaName(d))?.[1]);
        const want = item.needsHash ? nameHash(item.object) : undefined;
        if (!suffixes.includes(want)) {
          problems.push(
            `${c.name}: ${item.names.at(-1)} expected suffix ${suffixes.join("|")}, computed ${want}`,
          );
        }
      }
    }
    expect(problems).toEqual([]);
    expect(matched).toBeGreaterThanOrEqual(85);
  });
});
