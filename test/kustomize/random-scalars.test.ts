import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { errorMessage } from "../../src/errors.js";
import { buildYaml } from "../../src/kustomize/build.js";
import { requires } from "../support/env.js";
import { compareTreesWithKubectl } from "../support/kubectl.js";
import { Rng } from "../support/random.js";

/**
 * Differential fuzzing of scalar forms against kubectl: kustomize decodes the kustomization file
 * and JSON 6902 patches through sigs.k8s.io/yaml (go-yaml v2 scalars, then Go's encoding/json
 * into typed structs), resources through kyaml (go-yaml v3). Each seeded kustomization puts
 * YAML 1.1/1.2 edge forms (every spelling of a boolean, nulls, hex/octal/binary/underscored/
 * signed ints, .inf/.nan, sexagesimals, timestamps, and quoted versions of each) in string, int
 * and bool fields and in patch values, and in the resources' annotations, labels, names,
 * namespaces and data (kustomize reads the first four by their text: src/yaml/scalar-text.ts),
 * with JSON and strategic-merge patches over annotations and labels. Both tools fail, or both
 * print the same bytes.
 * `SLIPWAY_FUZZ_SEED=<seed>` replays one; with `SLIPWAY_FUZZ_COUNT=<n>`, a run of n from it.
 */
const scalarForms = [
  ...["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO"],
  ...["true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"],
  ...["~", "null", "Null", "NULL", ""],
  ...[
    "0",
    "-0",
    "+1",
    "-1",
    "12",
    "0x10",
    "0X10",
    "0x_1F",
    "0o17",
    "0O17",
    "017",
    "09",
    "0b11",
    "-0b1",
    "0B11",
  ],
  ...["1_000", "1__0", "_1", "1_", "9223372036854775807", "9223372036854775808", "-9223372036854775809"],
  ...[
    "100000000000000000000",
    "1.5",
    "1.20",
    "1e3",
    "1E3",
    "1.5e+3",
    "1e21",
    "1e-7",
    ".5",
    "1.",
    "-0.0",
    "0.1",
  ],
  ...[".inf", "-.inf", "+.INF", ".Inf", ".nan", ".NaN", "._", ".e1", "-.", "+"],
  ...["1:20", "190:20:30.15", "-1:30", "1:2:3:4"],
  ...[
    "2001-12-14",
    "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10 -5",
    "2002-12-14T21:59:43Z",
    "2001-1-1",
  ],
  ...["abc", "v1", "1.2.3", "0.0.0.0", "=", "-", "a-b", "ünï", "<<"],
];

/** A form as written: plain (where it can be), or single- or double-quoted. */
function written(rng: Rng, form: string): string {
  const style = form === "" ? rng.int(3) : rng.int(4);
  if (style === 0 || style === 3) return form;
  if (style === 1) return `'${form.replace(/'/g, "''")}'`;
  return JSON.stringify(form);
}

interface Tree {
  files: Record<string, string>;
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  replicas: 1
  selector:
    matchLabels:
      app: d
  template:
    metadata:
      labels:
        app: d
    spec:
      containers:
      - name: main
        image: nginx
`;

const configMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: n
data:
  k: v
`;

// A JSON patch's values go through Go's encoding/json, not YAML.
const jsonForms = [
  "1.0",
  "1e3",
  "-0",
  "0.1",
  "1E-7",
  "123456789012345678901234567890",
  '"yes"',
  "true",
  "null",
  '"1:20"',
];

/** Block scalars for annotations (kustomize prints an annotation's folded text as the spec folds it). */
const blockForms = [
  ">\n      a\n        b\n      c",
  "|\n      x\n      y",
  ">-\n      p\n\n      q",
  "|+\n      z\n",
];

/** Deployment and ConfigMap documents with table forms in their metadata and data. */
function generateResources(rng: Rng, scalar: () => string): { deployment: string; configMap: string } {
  const entries = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) =>
      rng.bool(0.1) ? `    ${prefix}${i}: ${rng.pick(blockForms)}` : `    ${prefix}${i}: ${scalar()}`,
    );
  const metadata = (name: string): string[] => {
    const out = [`  name: ${rng.bool(0.15) ? scalar() : name}`];
    if (rng.bool(0.15)) out.push(`  namespace: ${scalar()}`);
    if (rng.bool(0.6)) out.push("  annotations:", ...entries("a", 1 + rng.int(3)));
    if (rng.bool(0.35)) out.push("  labels:", ...entries("l", 1 + rng.int(2)));
    return out;
  };
  const configMap = [
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata:",
    ...metadata("n"),
    "data:",
    "  k: v",
    ...(rng.bool(0.3) ? [`  k2: ${scalar()}`] : []),
  ].join("\n");
  const d = deployment.split("\n");
  // The Deployment keeps its name (the replicas and images entries select it by name).
  const dMeta = rng.bool(0.4) ? ["  annotations:", ...entries("da", 1 + rng.int(2))] : [];
  d.splice(4, 0, ...dMeta);
  return { deployment: d.join("\n"), configMap: `${configMap}\n` };
}

function generateTree(seed: number): Tree {
  const rng = new Rng(seed);
  const scalar = () => written(rng, rng.pick(scalarForms));
  // Mostly a form from the table; sometimes a plain string, so that some trees build.
  const value = (p = 0.35) => (rng.bool(p) ? scalar() : rng.pick(["abc", "x1", "'quoted'", '"dq"']));
  const resources = rng.bool(0.7) ? generateResources(rng, scalar) : { deployment, configMap };
  const lines: string[] = ["resources:", "- d.yaml", "- cm.yaml"];
  const add = (p: number, ...more: string[]) => {
    if (rng.bool(p)) lines.push(...more);
  };
  add(0.3, `namePrefix: ${value()}`);
  add(0.3, `nameSuffix: ${value()}`);
  add(0.2, `namespace: ${value()}`);
  add(0.3, "commonLabels:", `  lbl: ${value()}`);
  add(0.3, "commonAnnotations:", `  ann: ${value()}`, `  ${rng.pick(["other", "x"])}: ${value()}`);
  add(
    0.3,
    "labels:",
    "- pairs:",
    `    pair: ${value()}`,
    `  includeSelectors: ${rng.bool(0.3) ? scalar() : rng.pick(["true", "false"])}`,
    `  includeTemplates: ${rng.bool(0.3) ? scalar() : rng.pick(["true", "false"])}`,
  );
  add(0.3, "images:", "- name: nginx", `  newTag: ${value()}`);
  add(0.2, "images:", "- name: nginx", `  newName: ${value()}`);
  add(0.3, "replicas:", "- name: d", `  count: ${rng.bool(0.4) ? scalar() : String(rng.int(5))}`);
  add(
    0.3,
    "configMapGenerator:",
    "- name: g",
    "  literals:",
    `  - ${rng.bool() ? scalar() : `K=${rng.pick(scalarForms).replace(/[#:]/g, "")}x`}`,
    "  options:",
    `    disableNameSuffixHash: ${rng.bool() ? scalar() : "true"}`,
    `    immutable: ${rng.bool() ? scalar() : "false"}`,
  );
  add(0.2, "generatorOptions:", "  labels:", `    gen: ${value()}`);
  if (rng.bool(0.6)) {
    const values = Array.from({ length: 1 + rng.int(4) }, (_, i) => `        f${i}: ${scalar()}`);
    lines.push(
      "patches:",
      "- target:",
      `    kind: ${rng.bool(0.8) ? "ConfigMap" : scalar()}`,
      ...(rng.bool(0.2) ? [`    name: ${scalar()}`] : []),
      "  patch: |-",
      "    - op: add",
      "      path: /data/extra",
      "      value:",
      ...values.map((v) => `  ${v}`),
      "    - op: add",
      "      path: /data/flow",
      `      value: {a: ${scalar()}}`,
      ...(rng.bool(0.5)
        ? [
            "    - op: add",
            `      path: /metadata/annotations/${rng.pick(["a0", "j"])}`,
            `      value: ${scalar()}`,
          ]
        : []),
    );
    if (rng.bool(0.4)) {
      lines.push(
        "- target:",
        "    kind: ConfigMap",
        "  patch: |-",
        "    apiVersion: v1",
        "    kind: ConfigMap",
        "    metadata:",
        "      name: x",
        "      annotations:",
        `        ${rng.pick(["a0", "a1", "pa"])}: ${scalar()}`,
        ...(rng.bool(0.4) ? ["      labels:", `        ${rng.pick(["l0", "pl"])}: ${scalar()}`] : []),
      );
    }
    if (rng.bool(0.3)) {
      const jsonValue = rng.pick(jsonForms);
      lines.push(
        "- target:",
        "    kind: Deployment",
        `  patch: '[{"op": "add", "path": "/spec/template/metadata/annotations", "value": {"j": ${jsonValue.replace(/'/g, "''")}}}]'`,
      );
    }
  }
  if (rng.bool(0.15))
    lines.push(`${rng.pick(["sortOptions:\n  order:", "buildMetadata:\n-", "crds:\n-"])} ${scalar()}`);
  const files: Record<string, string> = { "d.yaml": resources.deployment, "cm.yaml": resources.configMap };
  // Files kustomize reads through sigs.k8s.io/yaml too: transformer configurations (strictly)
  // and replacement files.
  if (rng.bool(0.2)) {
    lines.push("configurations:", "- conf.yaml");
    if (!lines.includes("commonLabels:")) lines.push("commonLabels:", "  lbl: x");
    files["conf.yaml"] =
      `commonLabels:\n- path: data/lbl\n  kind: ConfigMap\n  create: ${rng.bool(0.7) ? scalar() : "true"}\n`;
  }
  if (rng.bool(0.2)) {
    lines.push("replacements:", "- path: r.yaml");
    files["r.yaml"] =
      "source: {kind: ConfigMap, name: n, fieldPath: data.k}\ntargets:\n- select: {kind: Deployment}\n" +
      `  fieldPaths: [spec.template.metadata.annotations.r]\n  options: {create: ${rng.bool(0.7) ? scalar() : "true"}}\n`;
  }
  files["kustomization.yaml"] = `${lines.join("\n")}\n`;
  return { files };
}

// SLIPWAY_FUZZ_KEEP=<dir> writes the trees there and keeps them, for a look at a mismatch.
const keep = process.env.SLIPWAY_FUZZ_KEEP;
const workRoot = keep ?? mkdtempSync(path.join(tmpdir(), "slipway-scalars-"));
afterAll(() => {
  if (!keep) rmSync(workRoot, { recursive: true, force: true });
});

function materialise(seed: number, tree: Tree): string {
  const dir = path.join(workRoot, String(seed));
  mkdirSync(dir, { recursive: true });
  for (const [p, content] of Object.entries(tree.files)) writeFileSync(path.join(dir, p), content);
  return dir;
}

describe.runIf(requires("kubectl"))("random scalar forms in kustomizations and patches vs kubectl", () => {
  const first = Number(process.env.SLIPWAY_FUZZ_SEED ?? 1);
  // A seed alone replays one tree; with SLIPWAY_FUZZ_COUNT it starts a run of fresh ones.
  const count = Number(process.env.SLIPWAY_FUZZ_COUNT ?? (process.env.SLIPWAY_FUZZ_SEED ? 1 : 80));
  const seeds = Array.from({ length: count }, (_, i) => first + i);
  vi.setConfig({ testTimeout: Math.max(120_000, count * 1_000) });

  it(`${count} seeded kustomizations agree byte for byte (seeds ${first}..${first + count - 1})`, async () => {
    const dirs = seeds.map((s) => materialise(s, generateTree(s)));
    const { identical: built, failures } = await compareTreesWithKubectl(
      seeds,
      dirs,
      (d) => buildYaml(d),
      errorMessage,
      (_seed, dir) => `, ${dir}`,
    );
    console.log(
      `scalar forms differential: ${built} identical, ${count - built - failures.length} fail on both sides, ${failures.length} mismatches of ${count}`,
    );
    expect(failures).toEqual([]);
    // The trees must exercise the success side too, not only refusals.
    if (count >= 40) expect(built).toBeGreaterThan(count / 10);
  });
});
