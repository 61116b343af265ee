/**
 * Issue 9, no hangs: user-supplied patterns run on RE2 with Go's syntax, crafted `ENC[...]`
 * values, alias bombs and deep nesting end promptly with a clear outcome. Every assertion is
 * on the outcome (what matched, which error); a regression to a backtracking engine or an
 * unbounded expansion shows up as a test that never finishes, which vitest reports as a
 * timeout failure.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { buildArtifactRequests } from "../../src/artifacts/path-pattern.js";
import { globMatch } from "../../src/check/engine.js";
import { evaluateReadyExpr } from "../../src/flux/cel.js";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { readRawYaml } from "../../src/helm/yaml.js";
import { buildYaml } from "../../src/kustomize/build.js";
import { isImageMatched } from "../../src/kustomize/transformers/images.js";
import { loadPlatformWithSecrets } from "../../src/platform/decrypt.js";
import { anchoredGoRegexp, GoRegexp } from "../../src/re2.js";
import { isEncryptedString, parseEncrypted } from "../../src/sops/aes.js";
import { parseSopsConfig, selectCreationRule } from "../../src/sops/index.js";
import { LeafSelector } from "../../src/sops/rules.js";
import { loadEncrypted } from "../../src/sops/store.js";
import { parseYaml } from "../../src/yaml/index.js";
import { MAX_YAML_DEPTH } from "../../src/yaml/limits.js";
import { repoRoot } from "../support/env.js";
import { ks, SYNC } from "../support/flux.js";

const EVIL = "(a+)+$";
const LONG_A = `${"a".repeat(50_000)}X`;

function build(files: Record<string, string>): string {
  return buildYaml("/k", {
    fs: new MemoryFileSystem(Object.fromEntries(Object.entries(files).map(([p, c]) => [`/k/${p}`, c]))),
  });
}

describe("patterns run on RE2 with Go's syntax", () => {
  it("anchored selector patterns match in linear time", () => {
    const re = anchoredGoRegexp(EVIL);
    expect(re.test(LONG_A)).toBe(false);
    expect(re.test("aaaa")).toBe(true);
  });

  it("an ArtifactGenerator pathPattern with adjacent captures matches in linear time (as Go's regexp)", () => {
    const fs = new MemoryFileSystem({ [`/src/${"a".repeat(80)}/f.yaml`]: "" });
    const reqs = buildArtifactRequests("@s/{a}{b}{c}{d}{e}{f}{g}{h}x", [{ name: "{a}", copy: [] }], () => ({
      fs,
      root: "/src",
    }));
    expect(reqs).toEqual([]);
    const small = new MemoryFileSystem({ "/src/ab/f.yaml": "" });
    const two = buildArtifactRequests("@s/{p}{q}", [{ name: "{p}-{q}", copy: [] }], () => ({
      fs: small,
      root: "/src",
    }));
    expect(two.find((r) => r.match === "ab")?.labels).toEqual({ p: "a", q: "b" });
  });

  it("a readyExpr calling matches() is not evaluated on JavaScript's engine (cel-js has no RE2)", () => {
    const dep = { metadata: { name: `${"a".repeat(60)}!` } };
    expect(evaluateReadyExpr("dep.metadata.name.matches('^(a+)+$')", {}, dep)).toEqual({
      needsCluster: "matches() is not evaluated offline",
    });
    expect(evaluateReadyExpr("dep.metadata.name.startsWith('a')", {}, dep)).toEqual({ value: true });
  });

  it("slipway.yaml exclude globs (written by the pull request) match in linear time", () => {
    // On a backtracking engine: 34 s per file for 8 repetitions, hours for 12.
    const file = `${"a".repeat(200)}.yaml`;
    expect(globMatch(`${"*a".repeat(12)}z`, file)).toBe(false);
    expect(globMatch(`${"**/".repeat(12)}z`, `${"a/".repeat(40)}a.yaml`)).toBe(false);
    expect(globMatch(`${"*a".repeat(12)}*`, file)).toBe(true);
  });

  it("Go-only syntax: (?i), \\z, (?P<name>…); look-around is refused as Go refuses it", () => {
    expect(GoRegexp.compile("(?i)^deploy").test("Deployment")).toBe(true);
    expect(GoRegexp.compile("yaml\\z").test("a.yaml")).toBe(true);
    expect(GoRegexp.compile("yaml\\z").test("a.yaml\n")).toBe(false);
    expect(GoRegexp.compile("(?P<x>a)b").test("ab")).toBe(true);
    expect(() => GoRegexp.compile("a(?=b)")).toThrow(/error parsing regexp/);
  });

  it("a patch target `name: (a+)+$` against a long name builds (and does not match)", () => {
    const out = build({
      "kustomization.yaml": `resources: [cm.yaml]\npatches:\n- target: {kind: ConfigMap, name: "${EVIL}"}\n  patch: |\n    - op: add\n      path: /data/x\n      value: patched\n`,
      "cm.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${LONG_A.toLowerCase().slice(0, 250)}x\ndata:\n  a: b\n`,
    });
    expect(out).not.toContain("patched");
  });

  it("kind, group and version in a target are regular expressions too (as in kubectl)", () => {
    const out = build({
      "kustomization.yaml": `resources: [d.yaml]\npatches:\n- target: {group: "app.*", kind: "Deploy.*", version: "v[0-9]"}\n  patch: |\n    - op: add\n      path: /metadata/labels\n      value: {patched: "yes"}\n`,
      "d.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
    });
    expect(out).toContain("patched");
  });

  it("a replacement's `[name=(a+)+$]` list selector", () => {
    const run = () =>
      build({
        "kustomization.yaml": `resources: [d.yaml]\nreplacements:\n- source: {kind: ConfigMap, name: src, fieldPath: data.v}\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths: ["spec.template.spec.containers.[name=${EVIL}].image"]\n`,
        "d.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: src\ndata:\n  v: img:1\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: ${"a".repeat(5000)}X\n        image: old\n`,
      });
    expect(run).toThrow(/unable to find field/);
  });

  it("an `images[].name` pattern", () => {
    expect(isImageMatched(`${"a".repeat(50_000)}!`, EVIL)).toBe(false);
  });

  it(".sops.yaml path_regex and metadata encrypted_regex", () => {
    const config = parseSopsConfig(`creation_rules:\n- path_regex: "${EVIL}"\n  age: age1qqqq\n`);
    expect(() => selectCreationRule(config, `/repo/${LONG_A}`)).toThrow(/no matching creation rules/);
    const key = `${"a".repeat(1000)}!`;
    const file = `${key}: ENC[AES256_GCM,data:AAAA,iv:AAAA,tag:AAAA,type:str]\nsops:\n  mac: ENC[AES256_GCM,data:AAAA,iv:AAAA,tag:AAAA,type:str]\n  lastmodified: "2024-01-01T00:00:00Z"\n  encrypted_regex: "^${EVIL}"\n  version: 3.9.0\n`;
    const loaded = loadEncrypted(file, "yaml", "evil.sops.yaml");
    const selector = new LeafSelector(loaded.metadata.rules);
    expect(selector.shouldEncrypt([key], [], false)).toBe(false);
    expect(selector.shouldEncrypt(["aaa"], [], false)).toBe(true);
  });
});

describe("crafted ENC[...] values", () => {
  it("parse in linear time, and only well-formed ones are encrypted strings", () => {
    const crafted = `ENC[AES256_GCM,data:${",iv:,tag:".repeat(800)}`;
    expect(crafted.length).toBeGreaterThan(7_000);
    expect(parseEncrypted(crafted)).toBeUndefined();
    expect(isEncryptedString(crafted)).toBe(false);
    const big = `ENC[AES256_GCM,data:${"A".repeat(100_000)},iv:${",iv:".repeat(10_000)}`;
    expect(parseEncrypted(big)).toBeUndefined();
    expect(parseEncrypted("ENC[AES256_GCM,data:AAAA,iv:BBBB,tag:CCCC,type:str]")?.type).toBe("str");
  });
});

/** The classic "billion laughs": 9 levels of 9 aliases, ~700 bytes. */
const BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ..."bcdefghi".split("").map((c, i) => {
    const prev = "abcdefghi"[i]!;
    return `${c}: &${c} [${Array(9).fill(`*${prev}`).join(",")}]`;
  }),
].join("\n");

describe("alias bombs and deep nesting", () => {
  it("the resource parser refuses an alias bomb (go-yaml's rule)", () => {
    expect(() => parseYaml(`${BOMB}\n`, "bomb.yaml")).toThrow(/excessive aliasing/);
  });

  it("the SOPS loader refuses an alias bomb", () => {
    const text = `${BOMB}\nsops:\n  mac: ENC[AES256_GCM,data:AAAA,iv:AAAA,tag:AAAA,type:str]\n  version: 3.9.0\n`;
    expect(() => loadEncrypted(text, "yaml", "bomb.sops.yaml")).toThrow(/excessive aliasing/);
  });

  it("deeply nested flow collections are refused with a position, in every parser", () => {
    const deep = `a: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`;
    expect(() => parseYaml(deep, "deep.yaml")).toThrow(new RegExp(`nested deeper than ${MAX_YAML_DEPTH}`));
    expect(() => loadEncrypted(`${deep}sops:\n  mac: ENC[x]\n`, "yaml", "deep.sops.yaml")).toThrow(
      /nested deeper/,
    );
    expect(() => parseSopsConfig(deep, ".sops.yaml")).toThrow(/nested deeper/);
    const json = `{"a": ${"[".repeat(100_000)}${"]".repeat(100_000)}, "sops": {"mac": "ENC[x]"}}`;
    expect(() => loadEncrypted(json, "json", "deep.sops.json")).toThrow(/nested deeper/);
    // Block nesting deeper than the parser can follow is an error, not a crash.
    expect(() => parseYaml(`${"- ".repeat(100_000)}a\n`, "block.yaml")).toThrow(
      /nested too deep|nested deeper/,
    );
  });

  it("block nesting deeper than the `yaml` package can compose says so, naming the file, in .sops.yaml and Helm values", () => {
    // Block mappings need no brackets: the depth is measured on the parser's tokens, before
    // the `yaml` package's composer recurses.
    const deep = (indent: string) => `${indent}${"- ".repeat(20_000)}v\n`;
    const messageOf = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        return `${(e as { file?: string }).file ?? ""}: ${(e as Error).message}`;
      }
      return "no error";
    };
    const sops = messageOf(() =>
      parseSopsConfig(`creation_rules:\n  - age: x\n    x:\n${deep("      ")}`, ".sops.yaml"),
    );
    expect(sops).toMatch(
      /^\.sops\.yaml: invalid \.sops\.yaml: YAML collections nested deeper than 256 levels/,
    );
    expect(sops).not.toMatch(/call stack/i);
    const values = messageOf(() => readRawYaml(`a:\n${deep("  ")}`, "values.yaml"));
    expect(values).toMatch(/^values\.yaml: yaml: line 2: collections nested deeper than 256 levels/);
    expect(values).not.toMatch(/call stack/i);
  });

  it("block nesting has a fixed limit, not the stack's: the same file parses or fails the same way every time", () => {
    // Before, the limit was wherever the composer overflowed: one file rendered in some Flux
    // Kustomizations of a run and failed in others (16, 17 or 18 of 22, run to run).
    const doc = (n: number) => `a:\n  ${"- ".repeat(n)}x\n`;
    expect(() => parseYaml(doc(MAX_YAML_DEPTH - 2), "ok.yaml")).not.toThrow();
    for (const n of [MAX_YAML_DEPTH, 1_000, 1_500, 3_000]) {
      expect(() => parseYaml(doc(n), "deep.yaml")).toThrow(
        new RegExp(
          `^YAML collections nested deeper than ${MAX_YAML_DEPTH} levels \\(Slipway's limit; go-yaml allows 10000\\)$`,
        ),
      );
    }
    let err: unknown;
    try {
      parseYaml(doc(1_500), "deep.yaml");
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ file: "deep.yaml", line: 2, column: 3 + 2 * (MAX_YAML_DEPTH - 1) });
  });

  it("deep YAML ends in a clean error at any stack depth of the caller (a child process, so an abort fails the test)", () => {
    // V8 compiles a regular expression on its first use and again when it tiers up; when that
    // happens with the stack nearly exhausted it aborts the process ("RegExpCompiler Allocation
    // failed") instead of throwing. A parser that recursed until the stack overflowed killed
    // vitest workers that way, at a depth that moved with the caller's own stack.
    const dist = path.join(repoRoot, "dist");
    const script = path.join(mkdtempSync(path.join(tmpdir(), "slipway-deep-")), "deep.mjs");
    writeFileSync(
      script,
      `import { parseYaml } from ${JSON.stringify(`${dist}/yaml/index.js`)};
import { readRawYaml } from ${JSON.stringify(`${dist}/helm/yaml.js`)};
import { parseSopsConfig } from ${JSON.stringify(`${dist}/sops/index.js`)};
import { loadEncrypted } from ${JSON.stringify(`${dist}/sops/store.js`)};
const block = (indent) => indent + "- ".repeat(20000) + "v\\n";
const flow = "[".repeat(20000) + "]".repeat(20000);
const inputs = [
  () => parseYaml("a:\\n" + block("  "), "r.yaml"),
  () => parseYaml("a: " + flow + "\\n", "r.yaml"),
  () => readRawYaml("a:\\n" + block("  "), "values.yaml"),
  () => readRawYaml("a: " + flow + "\\n", "values.yaml"),
  () => parseSopsConfig("creation_rules:\\n  - age: x\\n    x:\\n" + block("      "), ".sops.yaml"),
  () => loadEncrypted("a:\\n" + block("  ") + "sops:\\n  mac: x\\n", "yaml", "s.sops.yaml"),
];
const at = (depth, f) => (depth > 0 ? at(depth - 1, f) + 0 : f());
const messages = new Set();
for (let offset = 0; offset < 4000; offset += 500) {
  for (const input of inputs) {
    try { at(offset, input); messages.add("no error"); } catch (e) { messages.add(e.message.replace(/line \\d+: /, "")); }
  }
}
console.log(JSON.stringify([...messages].sort()));
`,
    );
    for (const flags of [[], ["--stack-size=3900"]]) {
      const r = spawnSync(process.execPath, [...flags, script], { encoding: "utf8" });
      expect(r.stderr).not.toMatch(/FATAL|Allocation failed/);
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(
        [
          "YAML collections nested deeper than 256 levels (Slipway's limit; go-yaml allows 10000)",
          "yaml: collections nested deeper than 256 levels (Slipway's limit; go-yaml allows 10000)",
          "invalid .sops.yaml: YAML collections nested deeper than 256 levels (Slipway's limit; go-yaml allows 10000)",
        ].sort(),
      );
    }
  });

  it("a JSON6902 patch written as deeply nested JSON is refused naming the patch file", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const files = {
      "kustomization.yaml":
        "resources: [cm.yaml]\npatches:\n- path: patch.json\n  target: {kind: ConfigMap}\n",
      "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
      "patch.json": `[{"op": "add", "path": "/data", "value": ${deep}}]`,
    };
    let err: unknown;
    try {
      build(files);
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).toMatch(new RegExp(`nested deeper than ${MAX_YAML_DEPTH}`));
    expect((err as { file?: string }).file).toBe("/k/patch.json");
  });

  it("a chain of thousands of kustomizations, each a base of the next, fails naming a kustomization", () => {
    // kubectl builds it (Go's stack grows); Slipway's recursion would overflow with no file named.
    const files: Record<string, string> = {
      "kustomization.yaml": "resources: [d0]\n",
      "d4999/kustomization.yaml": "resources: [cm.yaml]\n",
      "d4999/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\n",
    };
    for (let i = 0; i < 4999; i++) files[`d${i}/kustomization.yaml`] = `resources: [../d${i + 1}]\n`;
    let err: unknown;
    try {
      build(files);
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).toMatch(/nested more than \d+ levels/);
    expect((err as { file?: string }).file).toMatch(/^\/k\/.*kustomization\.yaml$/);
  });

  it("render, check and status of a repository holding a bomb and a crafted SOPS file finish with errors", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "slipway-bomb-"));
    const files: Record<string, string> = {
      "clusters/c/sync.yaml": SYNC,
      "clusters/c/app.yaml": ks("app", "  path: ./app\n  decryption:\n    provider: sops\n"),
      "app/kustomization.yaml": "resources: [bomb.yaml, secret.sops.yaml]\n",
      "app/bomb.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n${BOMB.replace(/^/gm, "  ")}\n`,
      "app/secret.sops.yaml": `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n${BOMB}\nsops:\n  mac: ENC[AES256_GCM,data:AAAA,iv:AAAA,tag:AAAA,type:str]\n  encrypted_regex: "^${EVIL}"\n  version: 3.9.0\n`,
    };
    for (const [p, c] of Object.entries(files)) {
      const abs = path.join(dir, p);
      (await import("node:fs")).mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, c);
    }
    const { platform, secrets } = await loadPlatformWithSecrets(dir, { identities: [] });
    const app = platform.clusters[0]!.kustomizations.find((k) => k.name === "app")!;
    expect(app.status).toBe("failed");
    expect(app.errors.map((e) => e.message).join("\n")).toMatch(/excessive aliasing/);
    const sops = secrets.files.find((f) => f.file === "app/secret.sops.yaml");
    expect(sops?.problem).toMatch(/excessive aliasing/);
  });
});
