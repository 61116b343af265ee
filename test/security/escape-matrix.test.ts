/**
 * Issue 9, confinement: every path-bearing kustomization field × {absolute path, `..` out of
 * the root, symlink to a file outside, symlink to a directory outside} × {`build`
 * LoadRestrictionsRootOnly, `build` LoadRestrictionsNone, `render`}.
 *
 * - build: the outcome (fails or not, and the exact bytes when it builds) equals
 *   `kubectl kustomize` with the same load restrictor.
 * - render: kustomize-controller builds on the source artifact with a secure file system
 *   (fluxcd/pkg kustomize/filesys: nothing outside the artifact root, absolute paths point
 *   into a fresh temp dir) and the artifact holds no symbolic links (source-controller
 *   archives regular files only), so every case fails that Flux Kustomization, and the
 *   content outside never reaches any output.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildYaml } from "../../src/kustomize/build.js";
import { BuildCache } from "../../src/kustomize/target.js";
import { loadPlatform, platformErrors } from "../../src/platform/index.js";
import { requires } from "../support/env.js";
import { ks, SYNC } from "../support/flux.js";
import { type KubectlResult, kubectlKustomize, mapLimit } from "../support/kubectl.js";

const MARKER = "outside-content-7f3a9c";

/** The files a field reads from outside: one file, or a directory holding a kustomization. */
interface Field {
  name: string;
  /** "file": REF names one file; "dir": REF names a kustomization directory. */
  kind: "file" | "dir";
  /** Content of the outside file (file fields) or of the outside directory's files. */
  outside: Record<string, string>;
  /** The file inside `outside` a file field points at. */
  target?: string;
  kustomization: (ref: string) => string;
}

const BASE = `apiVersion: v1
kind: ConfigMap
metadata:
  name: base
data:
  a: b
`;
const cm = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  leak: ${MARKER}\n`;
const dirOf = (kind = "Kustomization") => ({
  "kustomization.yaml": `apiVersion: kustomize.config.k8s.io/${kind === "Component" ? "v1alpha1" : "v1beta1"}\nkind: ${kind}\nresources: [cm.yaml]\n`,
  "cm.yaml": cm("from-dir"),
});
const file = (name: string, content: string) => ({ outside: { [name]: content }, target: name });

const FIELDS: Field[] = [
  {
    name: "resources (file)",
    kind: "file",
    ...file("res.yaml", cm("res")),
    kustomization: (r) => `resources: [base.yaml, ${r}]\n`,
  },
  {
    name: "resources (dir)",
    kind: "dir",
    outside: dirOf(),
    kustomization: (r) => `resources: [base.yaml, ${r}]\n`,
  },
  {
    name: "bases",
    kind: "dir",
    outside: dirOf(),
    kustomization: (r) => `resources: [base.yaml]\nbases: [${r}]\n`,
  },
  {
    name: "components",
    kind: "dir",
    outside: dirOf("Component"),
    kustomization: (r) => `resources: [base.yaml]\ncomponents: [${r}]\n`,
  },
  {
    name: "patches[].path",
    kind: "file",
    ...file(
      "patch.yaml",
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: base\ndata:\n  leak: ${MARKER}\n`,
    ),
    kustomization: (r) => `resources: [base.yaml]\npatches:\n- path: ${r}\n`,
  },
  {
    name: "patchesStrategicMerge",
    kind: "file",
    ...file(
      "smp.yaml",
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: base\ndata:\n  leak: ${MARKER}\n`,
    ),
    kustomization: (r) => `resources: [base.yaml]\npatchesStrategicMerge: [${r}]\n`,
  },
  {
    name: "patchesJson6902[].path",
    kind: "file",
    ...file("ops.yaml", `- op: add\n  path: /data/leak\n  value: ${MARKER}\n`),
    kustomization: (r) =>
      `resources: [base.yaml]\npatchesJson6902:\n- target: {version: v1, kind: ConfigMap, name: base}\n  path: ${r}\n`,
  },
  {
    name: "configMapGenerator files",
    kind: "file",
    ...file("data.txt", `${MARKER}\n`),
    kustomization: (r) => `configMapGenerator:\n- name: gen\n  files: [${r}]\n`,
  },
  {
    name: "configMapGenerator envs",
    kind: "file",
    ...file("vars.env", `LEAK=${MARKER}\n`),
    kustomization: (r) => `configMapGenerator:\n- name: gen\n  envs: [${r}]\n`,
  },
  {
    name: "configMapGenerator env",
    kind: "file",
    ...file("vars.env", `LEAK=${MARKER}\n`),
    kustomization: (r) => `configMapGenerator:\n- name: gen\n  env: ${r}\n`,
  },
  {
    name: "secretGenerator files",
    kind: "file",
    ...file("data.txt", `${MARKER}\n`),
    kustomization: (r) => `secretGenerator:\n- name: gen\n  files: [${r}]\n`,
  },
  {
    name: "secretGenerator envs",
    kind: "file",
    ...file("vars.env", `LEAK=${MARKER}\n`),
    kustomization: (r) => `secretGenerator:\n- name: gen\n  envs: [${r}]\n`,
  },
  {
    name: "crds",
    kind: "file",
    // kustomize's legacy `crds:` format: Go OpenAPI definitions.
    ...file(
      "crd.json",
      `{"example.com/v1.Thing": {"Schema": {"description": "${MARKER}", "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"}}}}}\n`,
    ),
    kustomization: (r) => `resources: [base.yaml]\ncrds: [${r}]\n`,
  },
  {
    name: "configurations",
    kind: "file",
    ...file("config.yaml", `# ${MARKER}\nnamePrefix:\n- path: metadata/name\n`),
    kustomization: (r) => `resources: [base.yaml]\nconfigurations: [${r}]\n`,
  },
  {
    name: "openapi.path",
    kind: "file",
    ...file("schema.json", `{"definitions": {"leak": {"description": "${MARKER}"}}}\n`),
    kustomization: (r) => `resources: [base.yaml]\nopenapi:\n  path: ${r}\n`,
  },
  {
    name: "replacements[].path",
    kind: "file",
    ...file(
      "repl.yaml",
      `# ${MARKER}\nsource: {kind: ConfigMap, name: base, fieldPath: data.a}\ntargets:\n- select: {kind: ConfigMap, name: base}\n  fieldPaths: [data.copy]\n  options: {create: true}\n`,
    ),
    kustomization: (r) => `resources: [base.yaml]\nreplacements:\n- path: ${r}\n`,
  },
  {
    name: "generators",
    kind: "file",
    ...file(
      "gen.yaml",
      `apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: gen\nliterals: [leak=${MARKER}]\n`,
    ),
    kustomization: (r) => `generators: [${r}]\n`,
  },
  {
    name: "transformers",
    kind: "file",
    ...file(
      "tr.yaml",
      `apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: l\nlabels:\n  leak: ${MARKER}\nfieldSpecs:\n- path: metadata/labels\n  create: true\n`,
    ),
    kustomization: (r) => `resources: [base.yaml]\ntransformers: [${r}]\n`,
  },
];

type Escape = "absolute" | "dot-dot" | "symlink to file" | "symlink to dir";
const ESCAPES: Escape[] = ["absolute", "dot-dot", "symlink to file", "symlink to dir"];

interface Case {
  id: string;
  field: Field;
  escape: Escape;
  repo: string;
  app: string;
}

let work = "";
const cases: Case[] = [];

function write(p: string, content: string): void {
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, content);
}

/** One repository per case; the outside content sits next to it (never below it). */
function makeCase(field: Field, how: Escape, n: number): Case {
  const dir = path.join(work, `case-${n}`);
  const outside = path.join(dir, "outside");
  const repo = path.join(dir, "repo");
  const app = path.join(repo, "app");
  const outsideDir = path.join(outside, "dir");
  // The outside content, both as loose files and as a directory.
  for (const [name, content] of Object.entries(field.outside)) {
    write(path.join(outside, name), content);
    write(path.join(outsideDir, name), content);
  }
  if (field.kind === "file") write(path.join(outsideDir, "kustomization.yaml"), "resources: []\n");
  const outsideFile = path.join(field.kind === "file" ? outside : outsideDir, field.target ?? "cm.yaml");
  let ref: string;
  switch (how) {
    case "absolute":
      ref = field.kind === "file" ? outsideFile : outsideDir;
      break;
    case "dot-dot":
      ref = path.relative(app, field.kind === "file" ? outsideFile : outsideDir);
      break;
    case "symlink to file":
      mkdirSync(app, { recursive: true });
      symlinkSync(outsideFile, path.join(app, "link"));
      ref = "link";
      break;
    case "symlink to dir":
      mkdirSync(app, { recursive: true });
      symlinkSync(outsideDir, path.join(app, "linkdir"));
      ref = field.kind === "file" ? `linkdir/${field.target}` : "linkdir";
      break;
  }
  write(path.join(app, "base.yaml"), BASE);
  write(path.join(app, "kustomization.yaml"), field.kustomization(ref));
  write(path.join(repo, "clusters/c/sync.yaml"), SYNC);
  write(path.join(repo, "clusters/c/app.yaml"), ks("app", "  path: ./app\n  prune: true\n  interval: 10m\n"));
  return { id: `${field.name} × ${how}`, field, escape: how, repo, app };
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "slipway-escape-"));
  let n = 0;
  for (const field of FIELDS) for (const how of ESCAPES) cases.push(makeCase(field, how, n++));
});

function slipwayBuild(dir: string, restrictor: "LoadRestrictionsRootOnly" | "LoadRestrictionsNone") {
  try {
    return {
      ok: true,
      stdout: buildYaml(dir, { loadRestrictor: restrictor, cache: new BuildCache() }),
      error: "",
    };
  } catch (e) {
    return { ok: false, stdout: "", error: (e as Error).message };
  }
}

describe.runIf(requires("kubectl"))("escape matrix: build equals kubectl kustomize", () => {
  for (const restrictor of ["LoadRestrictionsRootOnly", "LoadRestrictionsNone"] as const) {
    it(`${restrictor}: ${FIELDS.length} fields × ${ESCAPES.length} escapes`, async () => {
      const flags = restrictor === "LoadRestrictionsNone" ? ["--load-restrictor", restrictor] : [];
      const oracle: KubectlResult[] = await mapLimit(cases, 4, (c) => kubectlKustomize(c.app, flags));
      const mismatches: string[] = [];
      let refused = 0;
      cases.forEach((c, i) => {
        const want = oracle[i]!;
        const got = slipwayBuild(c.app, restrictor);
        if (!want.ok) refused++;
        if (got.ok !== want.ok || got.stdout !== want.stdout) {
          mismatches.push(
            `${c.id}: kubectl ${want.ok ? "built" : `failed (${want.stderr.trim().slice(0, 160)})`}, slipway ${got.ok ? (want.ok ? "built different bytes" : "built") : `failed (${got.error.slice(0, 160)})`}`,
          );
        }
        // Refused reads never show what is outside.
        if (!got.ok) expect(got.error).not.toContain(MARKER);
      });
      expect(mismatches).toEqual([]);
      // The matrix exercises both outcomes under each restrictor.
      expect(refused).toBeGreaterThan(0);
      expect(refused).toBeLessThan(cases.length);
    }, 120_000);
  }
});

describe("escape matrix: render refuses every escape, as kustomize-controller", () => {
  it(`${FIELDS.length} fields × ${ESCAPES.length} escapes fail their Flux Kustomization`, () => {
    const problems: string[] = [];
    for (const c of cases) {
      const p = loadPlatform(c.repo);
      const app = p.clusters[0]?.kustomizations.find((k) => k.name === "app");
      const output = JSON.stringify(p.clusters.map((cl) => cl.kustomizations.map((k) => k.resources)));
      const errors = platformErrors(p)
        .map((e) => `${e.file ?? ""}: ${e.message}`)
        .join("\n");
      if (app?.status !== "failed") problems.push(`${c.id}: ${app?.status ?? "missing"}`);
      if (output.includes(MARKER) || errors.includes(MARKER))
        problems.push(`${c.id}: outside content in the output`);
      // The error names the kustomization file (or the path as written in it).
      if (
        app &&
        !app.errors.some((e) => e.file === "app/kustomization.yaml" || /app\/|link|outside/.test(e.message))
      )
        problems.push(`${c.id}: error does not say where (${app.errors.map((e) => e.message).join("; ")})`);
    }
    expect(problems).toEqual([]);
  });

  it("absolute and `..` paths are refused as outside the source root, naming the kustomization", () => {
    for (const c of cases.filter((x) => x.escape === "absolute" || x.escape === "dot-dot")) {
      const app = loadPlatform(c.repo).clusters[0]!.kustomizations.find((k) => k.name === "app")!;
      const text = app.errors.map((e) => `${e.file}: ${e.message}`).join("\n");
      expect(text, c.id).toMatch(/not in or below|cannot be absolute/);
    }
  });
});
