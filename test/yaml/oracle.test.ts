import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { emitYamlStream, parseYamlDocuments } from "../../src/yaml/index.js";
import { hasShared, kubectlPath, requires, sharedDir } from "../support/env.js";
import {
  doubleQuoted,
  pickStyle,
  prng,
  randomString,
  randomTree,
  type Tree,
  writeValue,
} from "./generate.js";

/**
 * Differential tests: what `kubectl kustomize` prints for a generated resource must equal
 * emitYaml(parseYamlDocuments(resource)). Seeds are fixed so a failure reproduces; set
 * SLIPWAY_YAML_SEED to try another range.
 */

const work = mkdtempSync(path.join(tmpdir(), "slipway-yaml-oracle-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function kustomize(resource: string): string {
  const dir = mkdtempSync(path.join(work, "case-"));
  writeFileSync(path.join(dir, "r.yaml"), resource);
  writeFileSync(path.join(dir, "kustomization.yaml"), "resources:\n- r.yaml\n");
  try {
    return execFileSync(kubectlPath, ["kustomize", dir], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? String(err);
    return `ERROR: ${stderr}`;
  }
}

function ours(resource: string): string {
  try {
    return emitYamlStream(parseYamlDocuments(resource, "r.yaml").map((d) => d.value));
  } catch (err) {
    return `ERROR: ${(err as Error).message}`;
  }
}

/** The first differing line, with context, so a failure is readable. */
function firstDifference(a: string, b: string): string {
  const al = a.split("\n");
  const bl = b.split("\n");
  for (let i = 0; i < Math.max(al.length, bl.length); i++) {
    if (al[i] !== bl[i]) {
      return `line ${i + 1}:\n  ours:    ${JSON.stringify(al[i])}\n  kubectl: ${JSON.stringify(bl[i])}`;
    }
  }
  return "";
}

function expectSame(resource: string, label: string): void {
  const theirs = kustomize(resource);
  const mine = ours(resource);
  // Generated input is meant to be valid: an error on either side is a failure here.
  if (mine !== theirs) {
    throw new Error(
      `${label}: output differs from kubectl at ${firstDifference(mine, theirs)}\n--- input ---\n${resource}`,
    );
  }
  expect(mine).toBe(theirs);
}

function configMapWithStrings(seed: number, count: number): string {
  const rng = prng(seed);
  let out = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: strings-${seed}\ndata:`;
  for (let i = 0; i < count; i++) {
    const text = randomString(rng);
    const leaf: Tree = { text, style: pickStyle(rng, text) };
    out += `\n  v${i}:${writeValue(leaf, 2)}`;
  }
  // Tricky keys, each with a plain value. The "k<i>-" prefix fixes their order (see
  // randomKey); a raw NEL in a key makes kubectl fail (tested below), so keys avoid it.
  for (let i = 0; i < 15; i++) {
    const text = randomString(rng)
      .slice(0, 30)
      .replace(/\u0085/g, "");
    out += `\n  ${doubleQuoted(`k${i}-${text}`)}: x`;
  }
  return `${out}\n`;
}

function customResource(seed: number, count: number): string {
  const rng = prng(seed * 7919);
  let out = `apiVersion: example.com/v1\nkind: Foo\nmetadata:\n  name: tree-${seed}\nspec:`;
  for (let i = 0; i < count; i++) out += `\n  f${i}:${writeValue(randomTree(rng, 4), 2)}`;
  return `${out}\n`;
}

const firstSeed = Number(process.env.SLIPWAY_YAML_SEED ?? 1);
const seeds = Array.from({ length: 8 }, (_, i) => firstSeed + i);

describe.runIf(requires("kubectl"))("YAML output matches kubectl kustomize", () => {
  it.each(seeds)("strings under ConfigMap data (seed %i)", (seed) => {
    expectSame(configMapWithStrings(seed, 60), `seed ${seed}`);
  });

  it.each(seeds)("nested custom fields of a custom kind (seed %i)", (seed) => {
    expectSame(customResource(seed, 25), `seed ${seed}`);
  });

  it("hand-picked cases: folding at different depths, block scalars, flow collections", () => {
    const long = "aaaaaaaaa bbbbbbbbb ccccccccc ddddddddd eeeeeeeee fffffffff ggggggggg hhhhhhhhh iiiiiiiii";
    const resource = [
      "apiVersion: example.com/v1",
      "kind: Foo",
      "metadata:",
      "  name: hand",
      "spec:",
      `  l0: ${long}`,
      "  a:",
      `    l1: ${long}`,
      "    b:",
      `      l2: ${long} jjj`,
      "      c:",
      `      - ${long}`,
      `      - '${long} '`,
      `      - "\\t${long}  x  y"`,
      `      - "${"z".repeat(75)} ${"y".repeat(20)}  ${"q".repeat(30)}"`,
      "  flow: {a: , b: ~, c: 2001-12-14 21:59:43, d: 2001-12-14, e: [1, 1.0, yes, '', {}]}",
      "  lit: |+",
      "    keep",
      "",
      "  lit2: |2-",
      "      indented",
      "    x",
      "  folded: >",
      "    a",
      "    b",
      "",
      "    c",
      "  multi: a",
      "    b",
      "     c",
      "  anchors: &x {k: [1, 2], m: &y {n: 1}}",
      "  alias: *x",
      "  merged:",
      "    <<: [*y, {o: 2, n: 3}]",
      "    p: 4",
      "  tagged: [!!str 12, !!int '13', !!float 1, !!binary aGVsbG8=, !custom x, !!timestamp 2001-12-14]",
      "",
    ].join("\n");
    expectSame(resource, "hand-picked");
  });

  it("fails where kubectl fails", () => {
    const head = "apiVersion: v1\nkind: Foo\nmetadata:\n  name: x\nspec:\n";
    for (const body of [
      "  a: .inf\n",
      "  a: 1\n  a: 2\n",
      "  k: {1: a}\n",
      "  a: !!int 1.5\n",
      '  a: "x\\x7fy"\n',
      "  a: 2001-12-14T21:59:43+24:00\n",
      '  "a\\u0085b": 1\n',
      '  a: "x\\u0085--- y"\n',
      `  "${"k".repeat(1100)}": 1\n`,
    ]) {
      const resource = head + body;
      expect(kustomize(resource)).toMatch(/^ERROR: /);
      expect(ours(resource)).toMatch(/^ERROR: /);
    }
  });
});

describe.runIf(requires("shared"))("emitter round trip of the conformance outputs", () => {
  const casesDir = path.join(sharedDir, "conformance/kustomize/cases");
  const files: string[] = [];
  for (const c of hasShared ? readdirSync(casesDir) : []) {
    for (const f of readdirSync(path.join(casesDir, c))) {
      if (f.startsWith("expected") && f.endsWith(".yaml")) files.push(path.join(c, f));
    }
  }

  it("finds the expected outputs", () => {
    expect(files.length).toBeGreaterThan(200);
  });

  it.each(files)("%s", (file) => {
    const text = readFileSync(path.join(casesDir, file), "utf8");
    const docs = parseYamlDocuments(text, file).map((d) => d.value);
    expect(emitYamlStream(docs)).toBe(text);
  });
});
