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
 * Differential fuzzing against kubectl: random kustomize trees (bases, overlays, components,
 * generators, patches, images, replicas, prefixes, tricky scalars), each seeded so a failure
 * reproduces with `SLIPWAY_FUZZ_SEED=<seed>` (with `SLIPWAY_FUZZ_COUNT=<n>`, a run of n fresh trees
 * from it). Both must succeed with identical bytes, or both fail.
 */
const trickyValues = [
  "yes",
  "no",
  "on",
  "off",
  "y",
  "n",
  "true",
  "1.0",
  "0x1F",
  "0777",
  "1e3",
  "~",
  "null",
  "",
  "2024-01-01",
  "1:20",
  "a: b",
  "# not a comment",
  "- dash",
  " leading space",
  "trailing space ",
  "multi\nline\n",
  "tab\there",
  "quote'single",
  'quote"double',
  "ünïcødé ✓",
  "x".repeat(90),
  "word ".repeat(25).trim(),
  "@at",
  "`backtick",
  "%percent",
  "*star",
  "&amp",
  "!bang",
  "|pipe",
  ">gt",
  "{brace}",
  "[bracket]",
];

function yamlString(s: string): string {
  return JSON.stringify(s);
}

interface Tree {
  files: Record<string, string>;
  root: string;
}

function generateTree(seed: number): Tree {
  const rng = new Rng(seed);
  const files: Record<string, string> = {};
  const nApps = 1 + rng.int(3);
  const baseResources: string[] = [];
  for (let i = 0; i < nApps; i++) {
    const name = `app${i}`;
    const replicas = rng.int(4);
    const image = rng.pick([
      "nginx",
      "nginx:1.25",
      "registry.example.com:5000/team/api:2.0",
      `busybox@sha256:${"a".repeat(64)}`,
    ]);
    const label = rng.pick(trickyValues);
    files[`base/${name}.yaml`] = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels:
    app: ${name}
    tricky: ${yamlString(label)}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
      - name: main
        image: ${image}
        env:
        - name: A
          value: ${yamlString(rng.pick(trickyValues))}
        envFrom:
        - configMapRef:
            name: settings
${rng.bool() ? "        ports:\n        - containerPort: 8080\n          protocol: TCP\n" : ""}      volumes:
      - name: secret-vol
        secret:
          secretName: creds
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector:
    app: ${name}
  ports:
  - port: ${80 + i}
    targetPort: ${rng.bool() ? 8080 : '"http"'}
`;
    baseResources.push(`${name}.yaml`);
  }
  const literals = Array.from(
    { length: 1 + rng.int(3) },
    (_, j) => `K${j}=${rng.pick(["v", "1", "true", "a b", "x=y"])}`,
  );
  files["base/kustomization.yaml"] = `resources:
${baseResources.map((r) => `- ${r}`).join("\n")}
configMapGenerator:
- name: settings
  literals:
${literals.map((l) => `  - ${yamlString(l)}`).join("\n")}
secretGenerator:
- name: creds
  literals:
  - password=${rng.pick(["hunter2", "p@ss", "a b c"])}
${rng.bool() ? `commonLabels:\n  tier: ${yamlString(rng.pick(trickyValues))}\n` : ""}`;
  files["components/extra/kustomization.yaml"] = `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
commonAnnotations:
  extra: ${yamlString(rng.pick(trickyValues))}
configMapGenerator:
- name: settings
  behavior: merge
  literals:
  - FROM_COMPONENT=1
`;
  const target = `app${rng.int(nApps)}`;
  const parts: string[] = ["resources:", "- ../base"];
  if (rng.bool(0.6)) parts.push("components:", "- ../components/extra");
  if (rng.bool(0.7)) parts.push(`namePrefix: ${rng.pick(["dev-", "p-", "x"])}`);
  if (rng.bool(0.4)) parts.push(`nameSuffix: ${rng.pick(["-v2", "-s"])}`);
  if (rng.bool(0.6)) parts.push(`namespace: ${rng.pick(["dev", "team-a"])}`);
  if (rng.bool(0.5))
    parts.push("images:", `- name: nginx`, `  newTag: ${yamlString(rng.pick(["1.27", "2", "latest"]))}`);
  if (rng.bool(0.5)) parts.push("replicas:", `- name: ${target}`, `  count: ${1 + rng.int(5)}`);
  if (rng.bool(0.5)) {
    parts.push(
      "labels:",
      "- pairs:",
      `    env: ${yamlString(rng.pick(trickyValues))}`,
      `  includeSelectors: ${rng.bool()}`,
      `  includeTemplates: ${rng.bool()}`,
    );
  }
  const patches: string[] = [];
  if (rng.bool(0.6)) {
    patches.push(`- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: ${target}
    spec:
      template:
        spec:
          containers:
          - name: main
            env:
            - name: B
              value: ${yamlString(rng.pick(trickyValues))}
${rng.bool() ? "          - name: sidecar\n            image: envoy:1.30\n" : ""}`);
  }
  if (rng.bool(0.5)) {
    patches.push(`- target:
    kind: Service
  patch: |-
    - op: add
      path: /metadata/annotations
      value:
        note: ${yamlString(rng.pick(trickyValues))}`);
  }
  if (patches.length > 0) parts.push("patches:", ...patches);
  if (rng.bool(0.4))
    parts.push(
      "configMapGenerator:",
      "- name: settings",
      "  behavior: merge",
      "  literals:",
      "  - OVERLAY=1",
    );
  files["overlay/kustomization.yaml"] = `${parts.join("\n")}\n`;
  return { files, root: "overlay" };
}

const workRoot = mkdtempSync(path.join(tmpdir(), "slipway-fuzz-"));
afterAll(() => rmSync(workRoot, { recursive: true, force: true }));

function materialise(seed: number, tree: Tree): string {
  const dir = path.join(workRoot, String(seed));
  for (const [p, content] of Object.entries(tree.files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), content);
  }
  return path.join(dir, tree.root);
}

describe.runIf(requires("kubectl"))("random kustomize trees vs kubectl kustomize", () => {
  const first = Number(process.env.SLIPWAY_FUZZ_SEED ?? 1);
  // A seed alone replays one tree; with SLIPWAY_FUZZ_COUNT it starts a run of fresh ones.
  const count = Number(process.env.SLIPWAY_FUZZ_COUNT ?? (process.env.SLIPWAY_FUZZ_SEED ? 1 : 60));
  const seeds = Array.from({ length: count }, (_, i) => first + i);
  // A long exploratory run gets the time its kubectl calls take.
  vi.setConfig({ testTimeout: Math.max(120_000, count * 1_000) });

  it(`${count} seeded trees agree byte for byte (seeds ${first}..${first + count - 1})`, async () => {
    const dirs = seeds.map((s) => materialise(s, generateTree(s)));
    const { failures } = await compareTreesWithKubectl(seeds, dirs, (d) => buildYaml(d), errorMessage);
    expect(failures).toEqual([]);
  });
});
