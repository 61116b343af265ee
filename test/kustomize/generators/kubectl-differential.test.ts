import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { DiskFileSystem } from "../../../src/fs/filesystem.js";
import {
  type GeneratedObject,
  type GeneratorOptions,
  generateConfigMap,
  generateSecret,
  mergedNeedsHash,
  mergeGenerated,
  nameHash,
  plainScalarIsNotString,
  rootOnlyLoadRestrictor,
  type SecretArgs,
} from "../../../src/kustomize/generators/index.js";
import { isMap, type YamlMap, type YamlValue } from "../../../src/kustomize/types.js";
import { requires } from "../../support/env.js";
import { kubectlKustomize, mapLimit } from "../../support/kubectl.js";
import { Rng } from "../../support/random.js";

/**
 * Random generator inputs (seeded, bounded) rendered by `kubectl kustomize` and by our
 * generators; every generated object must come out identical, hash suffix included.
 */

const SEEDS = [1, 2, 3, 4, 5, 6];
const KEY_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
const VALUE_PIECES = [..."abcXYZ019 =#:'\"-_./\\<>&%{}[],*!?@", "é", "日本", "😀", "\t", "  ", "yes", "1.0"];

type Kind = "ConfigMap" | "Secret";
interface Spec {
  kind: Kind;
  args: SecretArgs;
}

class Inputs {
  files: Record<string, string | Buffer> = {};
  constructor(readonly rng: Rng) {}

  key(used: Set<string>): string {
    for (;;) {
      let k = "";
      const n = 1 + this.rng.int(8);
      for (let i = 0; i < n; i++) k += this.rng.pick([...KEY_CHARS]);
      if (!used.has(k) && !plainScalarIsNotString(k)) {
        used.add(k);
        return k;
      }
    }
  }

  value(maxPieces = 6, allowNewline = true): string {
    let v = "";
    const n = this.rng.int(maxPieces + 1);
    for (let i = 0; i < n; i++) v += this.rng.pick(VALUE_PIECES);
    if (allowNewline && this.rng.bool(0.1)) v += "\nsecond line\n";
    // A multi-line value starting with a tab makes kustomize fail; the error test covers it.
    return v.startsWith("\t") ? `v${v}` : v;
  }

  literal(used: Set<string>): string {
    const v = this.value();
    const quoted = this.rng.bool(0.2)
      ? `${this.rng.pick(['"', "'"])}${v}${this.rng.pick(['"', "'", ""])}`
      : v;
    return `${this.key(used)}=${quoted}`;
  }

  file(dir: string, used: Set<string>): string {
    const name = `${this.key(new Set())}.f${this.rng.int(1e6)}`;
    const rel = this.rng.bool(0.3) ? `sub/${name}` : name;
    let content: string | Buffer;
    if (this.rng.bool(0.3)) {
      content = Buffer.from(Array.from({ length: this.rng.int(120) }, () => this.rng.int(256)));
    } else {
      content = Array.from({ length: this.rng.int(5) }, () => this.value()).join("\n");
      if (this.rng.bool(0.3)) content = `\ufeff${content}`;
    }
    this.files[path.join(dir, rel)] = content;
    if (this.rng.bool(0.5)) {
      used.add(path.basename(rel));
      return rel;
    }
    return `${this.key(used)}=${rel}`;
  }

  envFile(dir: string, used: Set<string>): string {
    const name = `e${this.rng.int(1e9)}.env`;
    const eol = this.rng.bool(0.3) ? "\r\n" : "\n";
    const lines: string[] = [];
    const n = 1 + this.rng.int(6);
    for (let i = 0; i < n; i++) {
      const r = this.rng.int(10);
      if (r === 0) lines.push(`# ${this.value(3, false)}`);
      else if (r === 1) lines.push(this.rng.pick(["", "   ", "\t"]));
      else if (r === 2) lines.push(this.key(used));
      else lines.push(`${this.rng.pick(["", "  ", "\t"])}${this.key(used)}=${this.value(6, false)}`);
    }
    const bom = this.rng.bool(0.2) ? "\ufeff" : "";
    this.files[path.join(dir, name)] = bom + lines.join(eol) + (this.rng.bool(0.7) ? eol : "");
    return name;
  }

  options(): GeneratorOptions | undefined {
    if (this.rng.bool(0.4)) return undefined;
    const o: GeneratorOptions = {};
    if (this.rng.bool(0.4)) o.labels = this.stringMap();
    if (this.rng.bool(0.3)) o.annotations = this.stringMap();
    if (this.rng.bool(0.3)) o.disableNameSuffixHash = this.rng.bool();
    if (this.rng.bool(0.3)) o.immutable = this.rng.bool();
    return o;
  }

  stringMap(): Record<string, string> {
    const m: Record<string, string> = {};
    for (let i = 0, n = 1 + this.rng.int(3); i < n; i++)
      m[this.rng.pick(["app", "team", "tier", "x"])] = this.rng.pick(["a", "b", "web", "1"]);
    return m;
  }

  generator(kind: Kind, name: string, dir: string, behavior?: string): Spec {
    const used = new Set<string>();
    const args: SecretArgs = { name };
    if (behavior) args.behavior = behavior;
    if (this.rng.bool(0.2)) args.namespace = "ns1";
    if (this.rng.bool(0.7))
      args.literals = Array.from({ length: 1 + this.rng.int(4) }, () => this.literal(used));
    if (this.rng.bool(0.4))
      args.files = Array.from({ length: 1 + this.rng.int(3) }, () => this.file(dir, used));
    if (this.rng.bool(0.3))
      args.envs = Array.from({ length: 1 + this.rng.int(2) }, () => this.envFile(dir, used));
    if (this.rng.bool(0.1)) args.env = this.envFile(dir, used);
    const options = this.options();
    if (options) args.options = options;
    if (kind === "Secret" && this.rng.bool(0.3))
      args.type = this.rng.pick(["kubernetes.io/tls", "Opaque", "x/y"]);
    return { kind, args };
  }
}

function writeKustomization(dir: string, specs: Spec[], extra: YamlMap): void {
  mkdirSync(dir, { recursive: true });
  const k: YamlMap = { ...extra };
  const cms = specs.filter((s) => s.kind === "ConfigMap").map((s) => ({ ...s.args }) as unknown as YamlMap);
  const secrets = specs.filter((s) => s.kind === "Secret").map((s) => ({ ...s.args }) as unknown as YamlMap);
  if (cms.length) k.configMapGenerator = cms;
  if (secrets.length) k.secretGenerator = secrets;
  // JSON is YAML; raw non-ASCII characters stay unescaped, which go-yaml requires.
  writeFileSync(path.join(dir, "kustomization.yaml"), JSON.stringify(k, null, 1));
}

function writeFiles(files: Record<string, string | Buffer>): void {
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
}

function generate(spec: Spec, global: GeneratorOptions | undefined, dir: string): GeneratedObject {
  const fs = new DiskFileSystem();
  const gen = spec.kind === "ConfigMap" ? generateConfigMap : generateSecret;
  return gen(spec.args, global, fs, dir, rootOnlyLoadRestrictor(dir));
}

/** Every scalar as a string, as the failsafe schema reads kubectl's output. */
function asStrings(v: YamlValue): YamlValue {
  if (Array.isArray(v)) return v.map(asStrings);
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asStrings(x)]));
  return v === null ? "" : String(v);
}

function finalObject(object: YamlMap, needsHash: boolean): YamlMap {
  const md = object.metadata as YamlMap;
  const name = needsHash ? `${md.name}-${nameHash(object)}` : (md.name as string);
  return asStrings({ ...object, metadata: { ...md, name } }) as YamlMap;
}

async function render(dir: string): Promise<Map<string, YamlMap>> {
  const res = await kubectlKustomize(dir);
  if (!res.ok) throw new Error(`kubectl failed: ${res.stderr}`);
  const out = new Map<string, YamlMap>();
  for (const d of parseAllDocuments(res.stdout, { schema: "failsafe" })) {
    const o = d.toJS() as YamlMap;
    const md = o.metadata as YamlMap;
    out.set(`${o.kind}/${md.namespace ?? ""}/${md.name}`, o);
  }
  return out;
}

function idOf(o: YamlMap): string {
  const md = o.metadata as YamlMap;
  return `${o.kind}/${md.namespace ?? ""}/${md.name}`;
}

describe.runIf(requires("kubectl"))("generators vs kubectl kustomize on random inputs", () => {
  const tmp = mkdtempSync(path.join(tmpdir(), "slipway-gen-"));
  afterAll(() => (process.env.KEEP_GEN_TMP ? undefined : rmSync(tmp, { recursive: true, force: true })));

  for (const seed of SEEDS) {
    it(`seed ${seed}: create`, async () => {
      const rng = new Rng(seed);
      const inputs = new Inputs(rng);
      const dir = path.join(tmp, `create-${seed}`);
      const specs = Array.from({ length: 24 }, (_, i) =>
        inputs.generator(rng.bool() ? "ConfigMap" : "Secret", `g${i}`, dir, rng.pick([undefined, "create"])),
      );
      const global = inputs.options();
      writeFiles(inputs.files);
      writeKustomization(dir, specs, global ? { generatorOptions: global as YamlMap } : {});
      const rendered = await render(dir);
      const ours = specs.map((s) => {
        const g = generate(s, global, dir);
        return finalObject(g.object, g.needsHash);
      });
      expect(rendered.size).toBe(ours.length);
      for (const o of ours) expect(rendered.get(idOf(o)), idOf(o)).toEqual(o);
    });

    it(`seed ${seed}: merge and replace over a base`, async () => {
      const rng = new Rng(seed * 7919);
      const inputs = new Inputs(rng);
      const base = path.join(tmp, `merge-${seed}`, "base");
      const overlay = path.join(tmp, `merge-${seed}`, "overlay");
      const baseSpecs = Array.from({ length: 12 }, (_, i) =>
        inputs.generator(i % 2 ? "Secret" : "ConfigMap", `m${i}`, base),
      );
      const overSpecs = baseSpecs
        .filter(() => rng.bool(0.7))
        .map((b) => {
          const s = inputs.generator(b.kind, b.args.name, overlay, rng.pick(["merge", "replace"]));
          if (b.args.namespace) s.args.namespace = b.args.namespace;
          else delete s.args.namespace;
          return s;
        });
      const baseGlobal = inputs.options();
      const overGlobal = inputs.options();
      writeFiles(inputs.files);
      writeKustomization(base, baseSpecs, baseGlobal ? { generatorOptions: baseGlobal as YamlMap } : {});
      writeKustomization(overlay, overSpecs, {
        resources: ["../base"],
        ...(overGlobal ? { generatorOptions: overGlobal as YamlMap } : {}),
      });
      const rendered = await render(overlay);
      const acc = baseSpecs.map((s) => ({ spec: s, g: generate(s, baseGlobal, base) }));
      const state = acc.map(({ g }) => ({ object: g.object, needsHash: g.needsHash }));
      for (const s of overSpecs) {
        const i = baseSpecs.findIndex((b) => b.kind === s.kind && b.args.name === s.args.name);
        const cur = state[i] as { object: YamlMap; needsHash: boolean };
        const g = generate(s, overGlobal, overlay);
        state[i] = { object: mergeGenerated(cur.object, g), needsHash: mergedNeedsHash(cur.needsHash, g) };
      }
      const ours = state.map((s) => finalObject(s.object, s.needsHash));
      expect(rendered.size).toBe(ours.length);
      for (const o of ours) expect(rendered.get(idOf(o)), idOf(o)).toEqual(o);
    });
  }

  it("fails exactly where kubectl fails", async () => {
    const cases: Array<{ name: string; k: YamlMap; files?: Record<string, string | Buffer> }> = [
      {
        name: "dup",
        k: { configMapGenerator: [{ name: "c", literals: ["A=1"], envs: ["a.env"] }] },
        files: { "a.env": "A=2\n" },
      },
      { name: "eqlit", k: { configMapGenerator: [{ name: "c", literals: ["=v"] }] } },
      { name: "barelit", k: { secretGenerator: [{ name: "s", literals: ["k"] }] } },
      { name: "nokey", k: { configMapGenerator: [{ name: "c", files: ["=f"] }] }, files: { f: "x" } },
      { name: "nopath", k: { configMapGenerator: [{ name: "c", files: ["k="] }] } },
      { name: "twoeq", k: { configMapGenerator: [{ name: "c", files: ["a=b=c"] }] } },
      { name: "dir", k: { configMapGenerator: [{ name: "c", files: ["d"] }] }, files: { "d/x": "x" } },
      { name: "missing", k: { secretGenerator: [{ name: "s", files: ["nope"] }] } },
      { name: "outside", k: { configMapGenerator: [{ name: "c", files: ["../outside.txt"] }] } },
      {
        name: "badutf8",
        k: { configMapGenerator: [{ name: "c", envs: ["a.env"] }] },
        files: { "a.env": Buffer.from([0x41, 0x3d, 0xff]) },
      },
      { name: "intkey", k: { configMapGenerator: [{ name: "c", literals: ["4=x"] }] } },
      { name: "boollabel", k: { secretGenerator: [{ name: "s", options: { labels: { true: "x" } } }] } },
      { name: "tabblock", k: { configMapGenerator: [{ name: "c", literals: ["a=\tx\ny"] }] } },
      { name: "ok-tab-secret", k: { secretGenerator: [{ name: "s", literals: ["a=\tx\ny"] }] } },
      { name: "ok-tab-later", k: { configMapGenerator: [{ name: "c", literals: ["a=\n\tx", "b=\tx"] }] } },
      { name: "noname", k: { configMapGenerator: [{ literals: ["a=b"] }] } },
      { name: "ok-dots", k: { configMapGenerator: [{ name: "c", literals: ["..a=1", "yes=2", "a b=3"] }] } },
      { name: "ok-bogus-behavior", k: { configMapGenerator: [{ name: "c", behavior: "bogus" }] } },
      {
        name: "ok-empty-key-env",
        k: { configMapGenerator: [{ name: "c", envs: ["a.env"] }] },
        files: { "a.env": "=x\nB\n" },
      },
    ];
    const root = path.join(tmp, "errors");
    writeFiles({ [path.join(root, "outside.txt")]: "x" });
    const results = await mapLimit(cases, 2, async (c) => {
      const dir = path.join(root, c.name);
      writeFiles(Object.fromEntries(Object.entries(c.files ?? {}).map(([p, v]) => [path.join(dir, p), v])));
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, "kustomization.yaml"), JSON.stringify(c.k));
      const theirs = (await kubectlKustomize(dir)).ok;
      let ours = true;
      try {
        for (const a of (c.k.configMapGenerator as YamlMap[] | undefined) ?? []) {
          generate({ kind: "ConfigMap", args: a as unknown as SecretArgs }, undefined, dir);
        }
        for (const a of (c.k.secretGenerator as YamlMap[] | undefined) ?? []) {
          generate({ kind: "Secret", args: a as unknown as SecretArgs }, undefined, dir);
        }
      } catch {
        ours = false;
      }
      return `${c.name}: kubectl ${theirs ? "ok" : "fails"}, slipway ${ours ? "ok" : "fails"}`;
    });
    const expected = cases.map((c) => {
      const ok = c.name.startsWith("ok-") ? "ok" : "fails";
      return `${c.name}: kubectl ${ok}, slipway ${ok}`;
    });
    expect(results).toEqual(expected);
  });
});
