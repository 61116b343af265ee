import { describe, expect, it } from "vitest";
import {
  applyReplacements,
  parseReplacements,
  type ReplacementSpec,
  resolvePlainScalar,
  splitReplacementPath,
} from "../../../src/kustomize/transformers/replacements.js";
import type { KObject, YamlValue } from "../../../src/kustomize/types.js";
import { requires } from "../../support/env.js";
import { byId, idOf, kubectlBuild, Rng, resMapOf } from "./kubectl-oracle.js";

const src: KObject = {
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "src" },
  data: { str5: "5", strtrue: "true", plain: "hello", empty: "", hex: "0x1F", dotted: "a.b.c" },
  spec: { num: 42, map: { x: 1 }, list: ["a", "b"], nul: null },
};

function dst(): KObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "dst" },
    data: { s1: "old", n1: 7, f1: 2.5, b1: false, nul: null, m1: { a: "b" }, l1: [1], path: "x/y/z" },
    spec: {
      containers: [
        { name: "nginx-main", image: "a" },
        { name: "nginx", image: "b" },
        { name: "other", image: "c" },
      ],
    },
  };
}

function run(replacements: YamlValue, objs: KObject[] = [src, dst()]): KObject[] {
  const m = resMapOf(objs);
  applyReplacements(m, parseReplacements(replacements, "kustomization.yaml"));
  return m.resources().map((r) => r.obj);
}

function one(source: YamlValue, target: YamlValue): YamlValue {
  return [
    {
      source: { kind: "ConfigMap", name: "src", ...(source as object) },
      targets: [{ select: { name: "dst" }, ...(target as object) }],
    },
  ];
}

describe("splitReplacementPath", () => {
  it("keeps list selectors whole, unwraps bracketed keys and honours escaped dots", () => {
    expect(splitReplacementPath("spec.containers.[name=a.b].image")).toEqual([
      "spec",
      "containers",
      "[name=a.b]",
      "image",
    ]);
    expect(splitReplacementPath("metadata.annotations.[a.b/c]")).toEqual([
      "metadata",
      "annotations",
      "a.b/c",
    ]);
    expect(splitReplacementPath("metadata.annotations.m\\.y")).toEqual(["metadata", "annotations", "m.y"]);
  });
});

describe("resolvePlainScalar", () => {
  it("resolves like go-yaml v3", () => {
    expect(resolvePlainScalar("5")).toEqual({ tag: "int", value: 5 });
    expect(resolvePlainScalar("0x1F")).toEqual({ tag: "int", value: 31 });
    expect(resolvePlainScalar("1.5")).toEqual({ tag: "float", value: 1.5 });
    expect(resolvePlainScalar("True")).toEqual({ tag: "bool", value: true });
    expect(resolvePlainScalar("")).toEqual({ tag: "null", value: null });
    expect(resolvePlainScalar("yes")).toEqual({ tag: "str", value: "yes" });
    expect(resolvePlainScalar("2001-12-14")).toEqual({ tag: "str", value: "2001-12-14" });
  });
});

describe("applyReplacements", () => {
  // Expectations below were checked with kubectl kustomize (v5.5.0).
  it("keeps an existing scalar's type and resolves a created one from the text", () => {
    const [, d] = run([
      ...(one({ fieldPath: "spec.num" }, { fieldPaths: ["data.s1", "data.f1"] }) as YamlValue[]),
      ...(one(
        { fieldPath: "data.str5" },
        { fieldPaths: ["data.n1", "data.created5"], options: { create: true } },
      ) as YamlValue[]),
      ...(one(
        { fieldPath: "data.strtrue" },
        { fieldPaths: ["data.b1", "data.createdTrue"], options: { create: true } },
      ) as YamlValue[]),
      ...(one(
        { fieldPath: "data.empty" },
        { fieldPaths: ["data.emp"], options: { create: true } },
      ) as YamlValue[]),
      ...(one(
        { fieldPath: "data.hex" },
        { fieldPaths: ["data.hexed"], options: { create: true } },
      ) as YamlValue[]),
    ]);
    expect(d!.data).toMatchObject({
      s1: "42",
      f1: 42,
      n1: 5,
      created5: 5,
      b1: true,
      createdTrue: true,
      emp: null,
      hexed: 31,
    });
  });

  it("fails where the text does not fit the existing type", () => {
    expect(() => run(one({ fieldPath: "data.plain" }, { fieldPaths: ["data.n1"] }))).toThrow(
      "cannot decode !!str `hello` as a !!int",
    );
    expect(() => run(one({ fieldPath: "data.str5" }, { fieldPaths: ["data.nul"] }))).toThrow(
      "cannot decode !!int `5` as a !!null",
    );
  });

  it("copies maps and lists as nodes, replacing containers and scalars alike", () => {
    const [, d] = run(
      one(
        { fieldPath: "spec.map" },
        { fieldPaths: ["data.m1", "data.l1", "data.newmap"], options: { create: true } },
      ),
    );
    expect(d!.data).toMatchObject({ m1: { x: 1 }, l1: { x: 1 }, newmap: { x: 1 } });
    const [, d2] = run(one({ fieldPath: "spec.num" }, { fieldPaths: ["data.m1"] }));
    expect((d2!.data as KObject).m1).toBe(42);
  });

  it("matches list items by an unanchored regular expression", () => {
    const [, d] = run(
      one({ fieldPath: "data.plain" }, { fieldPaths: ["spec.containers.[name=nginx].image"] }),
    );
    expect((d!.spec as KObject).containers).toEqual([
      { name: "nginx-main", image: "hello" },
      { name: "nginx", image: "hello" },
      { name: "other", image: "c" },
    ]);
  });

  it("creates list items and appends at index len", () => {
    const [, d] = run(
      one(
        { fieldPath: "data.plain" },
        {
          fieldPaths: ["spec.containers.3.image", "spec.env.[name=X].value", "data.l1.[=q]"],
          options: { create: true },
        },
      ),
    );
    expect(((d!.spec as KObject).containers as KObject[])[3]).toEqual({ image: "hello" });
    expect((d!.spec as KObject).env).toEqual([{ name: "X", value: "hello" }]);
    expect((d!.data as KObject).l1).toEqual([1, "hello"]);
  });

  it("reports missing targets, out-of-range indexes and missing sources", () => {
    expect(() => run(one({ fieldPath: "data.plain" }, { fieldPaths: ["data.nope"] }))).toThrow(
      'unable to find field "data.nope" in replacement target',
    );
    expect(() => run(one({ fieldPath: "data.plain" }, { fieldPaths: ["spec.containers.5.image"] }))).toThrow(
      "index 5 specified but only 3 elements found",
    );
    expect(() => run(one({ fieldPath: "data.nope" }, { fieldPaths: ["data.s1"] }))).toThrow(
      "fieldPath `data.nope` is missing for replacement source ConfigMap.[noVer].[noGrp]/src.[noNs]",
    );
    expect(() => run(one({ fieldPath: "spec.nul" }, { fieldPaths: ["data.s1"] }))).toThrow(/is missing/);
    expect(() =>
      run([
        { source: { kind: "ConfigMap", fieldPath: "data.plain" }, targets: [{ select: { name: "dst" } }] },
      ]),
    ).toThrow("multiple matches for selector ConfigMap.[noVer].[noGrp]/[noName].[noNs]");
    expect(() =>
      run([{ source: { kind: "ConfigMap", name: "zz" }, targets: [{ select: { name: "dst" } }] }]),
    ).toThrow("nothing selected by ConfigMap.[noVer].[noGrp]/zz.[noNs]");
  });

  it("splits the source and edits one part of the target with a delimiter", () => {
    const [, d] = run([
      ...(one(
        { fieldPath: "data.dotted", options: { delimiter: ".", index: 1 } },
        { fieldPaths: ["data.s1"] },
      ) as YamlValue[]),
      ...(one(
        { fieldPath: "data.plain" },
        { fieldPaths: ["data.path"], options: { delimiter: "/", index: 1 } },
      ) as YamlValue[]),
    ]);
    expect(d!.data).toMatchObject({ s1: "b", path: "x/hello/z" });
    const [, d2] = run(
      one({ fieldPath: "data.plain" }, { fieldPaths: ["data.path"], options: { delimiter: "/", index: -1 } }),
    );
    expect((d2!.data as KObject).path).toBe("hello/x/y/z");
    const [, d3] = run(
      one({ fieldPath: "data.plain" }, { fieldPaths: ["data.path"], options: { delimiter: "/", index: 9 } }),
    );
    expect((d3!.data as KObject).path).toBe("x/y/z/hello");
    expect(() =>
      run(
        one({ fieldPath: "data.dotted", options: { delimiter: ".", index: 3 } }, { fieldPaths: ["data.s1"] }),
      ),
    ).toThrow("options.index 3 is out of bounds for value a.b.c");
  });

  it("selects and rejects by current or previous ids", () => {
    const m = resMapOf([src, dst()]);
    const d = m.resources()[1]!;
    d.storePreviousId();
    d.setName("dst-dev");
    const specs = parseReplacements(
      [
        {
          source: { kind: "ConfigMap", name: "src", fieldPath: "data.plain" },
          targets: [
            {
              select: { kind: "ConfigMap" },
              reject: [{ name: "src" }, { name: "dst" }],
              fieldPaths: ["data.s1"],
            },
          ],
        },
        {
          source: { kind: "ConfigMap", name: "src", fieldPath: "data.str5" },
          targets: [{ select: { name: "dst" }, fieldPaths: ["data.created"], options: { create: true } }],
        },
      ],
      "k.yaml",
    );
    applyReplacements(m, specs);
    expect(d.obj.data).toMatchObject({ s1: "old", created: 5 });
  });

  it("reads inline entries strictly and files leniently", () => {
    expect(() => parseReplacements([{ source: { kind: "A", bogus: 1 }, targets: [] }], "k.yaml")).toThrow(
      'unknown field "bogus"',
    );
    expect(() => parseReplacements([{ path: "r.yaml", source: { kind: "A" } }], "k.yaml")).toThrow(
      "cannot specify both path and inline replacement",
    );
    const files: Record<string, string> = {
      "one.yaml": "source: {kind: A, extra: 1}\ntargets:\n- select: {kind: B}\n  fieldPaths: [a.b]\n",
      "list.yaml":
        "- source: {kind: A}\n  targets: [{select: {kind: B}}]\n- source: {kind: C}\n  targets: [{select: {kind: D}}]\n",
    };
    const specs = parseReplacements(
      [{ path: "one.yaml" }, { path: "list.yaml" }],
      "k.yaml",
      (p) => files[p]!,
    );
    expect(specs.map((s) => s.source.kind)).toEqual(["A", "A", "C"]);
    expect(specs[0]!.targets[0]).toEqual({ select: { kind: "B" }, reject: [], fieldPaths: ["a.b"] });
    expect(() => parseReplacements([{ source: { kind: "A" } }], "k.yaml")).toThrow(
      "replacements must specify a source and at least one target",
    );
  });
});

// ---------------------------------------------------------------------------

const sourcePaths: Record<string, string[]> = {
  ConfigMap: ["metadata.name", "data.a", "data.n", "data.t", "metadata.labels", "data.missing"],
  Deployment: [
    "metadata.name",
    "spec.replicas",
    "spec.template.spec.containers.0.image",
    "spec.template.spec.containers.[name=web].image",
    "spec.template.spec.containers.1.name",
    "spec.template.metadata.labels",
  ],
};
const targetPaths: Record<string, string[]> = {
  ConfigMap: [
    "data.a",
    "data.n",
    "data.t",
    "data.created",
    "metadata.labels.[app.kubernetes.io/name]",
    "metadata.labels",
  ],
  Deployment: [
    "spec.replicas",
    "spec.template.spec.containers.0.image",
    "spec.template.spec.containers.[name=web].image",
    "spec.template.spec.containers.[name=w].env.[name=X].value",
    "spec.template.spec.containers.*.image",
    "spec.template.spec.containers.2.name",
    "metadata.annotations.note",
    "spec.template.metadata.labels",
    "spec.template.metadata.labels.app",
  ],
};

function randomObjects(rng: Rng): KObject[] {
  const objs: KObject[] = [];
  for (let i = 0, n = 2 + rng.int(3); i < n; i++) {
    if (rng.chance(0.5)) {
      objs.push({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `cm${i}`, labels: { tier: rng.pick(["a", "b"]) } },
        data: {
          a: rng.pick(["x.y.z", "hello", "5", "true"]),
          n: `${rng.int(9)}`,
          t: rng.pick(["on", "a/b"]),
        },
      });
    } else {
      const containers: KObject[] = [{ name: "web", image: `nginx:${rng.int(3)}` }];
      if (rng.chance(0.6)) containers.push({ name: rng.pick(["sidecar", "web2"]), image: "busybox" });
      objs.push({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: `d${i}`, annotations: { note: "n" } },
        spec: {
          replicas: rng.int(4),
          template: { metadata: { labels: { app: `d${i}` } }, spec: { containers } },
        },
      });
    }
  }
  return objs;
}

function randomSpecs(rng: Rng, objs: KObject[]): ReplacementSpec[] {
  const specs: YamlValue[] = [];
  for (let i = 0, n = 1 + rng.int(2); i < n; i++) {
    const s = rng.pick(objs);
    const source: Record<string, YamlValue> = {
      kind: s.kind as string,
      name: (s.metadata as KObject).name as string,
      fieldPath: rng.pick(sourcePaths[s.kind as string]!),
    };
    if (rng.chance(0.15)) source.options = { delimiter: ".", index: rng.int(3) };
    const kind = rng.pick(["ConfigMap", "Deployment"]);
    const byLabel = kind === "ConfigMap" && rng.chance(0.3);
    const target: Record<string, YamlValue> = {
      select: byLabel ? { labelSelector: "tier=a" } : { kind },
      fieldPaths: [rng.pick(targetPaths[kind]!)],
    };
    if (rng.chance(0.3)) target.reject = [{ name: (rng.pick(objs).metadata as KObject).name as string }];
    const options: Record<string, YamlValue> = {};
    if (rng.chance(0.4)) options.create = true;
    if (rng.chance(0.15)) {
      options.delimiter = "/";
      options.index = rng.int(4) - 1;
    }
    if (Object.keys(options).length > 0) target.options = options;
    specs.push({ source, targets: [target] });
  }
  return parseReplacements(specs, "kustomization.yaml");
}

function rawSpecs(specs: ReplacementSpec[]): YamlValue {
  return JSON.parse(JSON.stringify(specs)) as YamlValue;
}

describe.runIf(requires("kubectl"))("applyReplacements against kubectl kustomize", () => {
  for (let seed = 1; seed <= 40; seed++) {
    it(`generated case ${seed}`, () => {
      const rng = new Rng(seed * 2654435761);
      const objs = randomObjects(rng);
      const specs = randomSpecs(rng, objs);
      const oracle = kubectlBuild(objs, { replacements: rawSpecs(specs) });
      const m = resMapOf(objs);
      if (!oracle.ok) {
        expect(() => applyReplacements(m, specs), oracle.error).toThrow();
        return;
      }
      applyReplacements(m, specs);
      for (const r of m) {
        // kustomize rewrites annotations as strings when it strips its build annotations.
        const a = r.metadata?.annotations;
        if (a && typeof a === "object" && !Array.isArray(a))
          for (const [k, v] of Object.entries(a)) a[k] = String(v);
      }
      const want = byId(oracle.docs);
      for (const r of m) expect(r.obj, idOf(r.obj)).toEqual(want.get(idOf(r.obj)));
    });
  }
});
