import { describe, expect, it } from "vitest";
import { defaultVarReference } from "../../../src/kustomize/builtin-fieldspecs.js";
import { ResMap } from "../../../src/kustomize/resmap.js";
import {
  bindVars,
  expandVarRefs,
  parseVars,
  resolveVars,
  VarSet,
  type VarSpec,
} from "../../../src/kustomize/transformers/vars.js";
import type { KObject, YamlValue } from "../../../src/kustomize/types.js";
import { requires } from "../../support/env.js";
import { byId, idOf, kubectlBuild, Rng, resMapOf } from "./kubectl-oracle.js";

const service: KObject = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "svc" },
  spec: { ports: [{ port: 8080, protocol: "TCP" }], flag: true },
};

function pod(name: string, command: YamlValue[], env: Record<string, string> = {}): KObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: {
      containers: [{ name: "c", command, env: Object.entries(env).map(([k, v]) => ({ name: k, value: v })) }],
    },
  };
}

const vars = (raw: YamlValue) => parseVars(raw, "kustomization.yaml");

describe("expandVarRefs", () => {
  const values: Record<string, YamlValue> = { A: "x", N: 5, B: true };
  const lookup = (n: string) => values[n];
  it("keeps the type of a whole-string reference and formats embedded ones", () => {
    expect(expandVarRefs("$(N)", lookup)).toBe(5);
    expect(expandVarRefs("p$(N)q", lookup)).toBe("p5q");
    expect(expandVarRefs("$(B)", lookup)).toBe(true);
    expect(expandVarRefs("$(A)-$(B)", lookup)).toBe("x-true");
  });
  it("leaves unknown names, escapes and broken syntax as kubernetes does", () => {
    expect(expandVarRefs("$(NOPE)", lookup)).toBe("$(NOPE)");
    expect(expandVarRefs("$$(A)", lookup)).toBe("$(A)");
    expect(expandVarRefs("$(", lookup)).toBe("$(");
    expect(expandVarRefs("$x$", lookup)).toBe("$x$");
    expect(expandVarRefs("a$(A", lookup)).toBe("a$(A");
  });
});

describe("parseVars", () => {
  it("applies apiVersion and the default field path, case-insensitively", () => {
    expect(vars([{ name: "V", objRef: { apiVersion: "apps/v1", kind: "Deployment", name: "d" } }])).toEqual([
      {
        name: "V",
        objRef: { group: "apps", version: "v1", kind: "Deployment", name: "d", namespace: "" },
        fieldPath: "metadata.name",
      },
    ]);
    expect(
      vars([
        { name: "V", objref: { version: "v1", kind: "S", name: "s" }, fieldref: { fieldpath: "a.b" } },
      ])[0],
    ).toMatchObject({ fieldPath: "a.b", objRef: { version: "v1" } });
    expect(() => vars([{ name: "V", objref: {}, bogus: 1 }])).toThrow(/unknown field "bogus"/);
  });
});

describe("resolveVars", () => {
  it("substitutes in var-reference fields, typed when the whole string is one reference", () => {
    const m = resMapOf([
      service,
      pod("p", ["x", "$(PORT)", "a$(PORT)b", "$$(PORT)", "$(NOPE)"], { A: "$(FLAG)" }),
    ]);
    const vs = vars([
      {
        name: "PORT",
        objref: { apiVersion: "v1", kind: "Service", name: "svc" },
        fieldref: { fieldpath: "spec.ports[0].port" },
      },
      {
        name: "FLAG",
        objref: { apiVersion: "v1", kind: "Service", name: "svc" },
        fieldref: { fieldpath: "spec.flag" },
      },
    ]);
    bindVars(m, vs);
    resolveVars(m, vs, defaultVarReference);
    const c = ((m.resources()[1]!.obj.spec as KObject).containers as KObject[])[0]!;
    expect(c.command).toEqual(["x", 8080, "a8080b", "$(PORT)", "$(NOPE)"]);
    expect(c.env).toEqual([{ name: "A", value: true }]);
  });

  it("needs an objref with the resource's exact gvk", () => {
    const m = resMapOf([service]);
    const vs = vars([{ name: "SVC", objref: { kind: "Service", name: "svc" } }]);
    bindVars(m, vs);
    expect(() => resolveVars(m, vs, defaultVarReference)).toThrow(
      "var '{SVC Service.[noVer].[noGrp] {metadata.name}}' cannot be mapped to a field in the set of known resources",
    );
  });

  it("rejects non-string items in a referenced list", () => {
    const m = resMapOf([service, pod("p", ["x", 5])]);
    const vs = vars([{ name: "SVC", objref: { apiVersion: "v1", kind: "Service", name: "svc" } }]);
    bindVars(m, vs);
    expect(() => resolveVars(m, vs, defaultVarReference)).toThrow(/invalid value type expect a string/);
  });

  it("touches nothing when there are no vars", () => {
    const m = resMapOf([pod("p", ["$$(X)"])]);
    resolveVars(m, [], defaultVarReference);
    expect(((m.resources()[0]!.obj.spec as KObject).containers as KObject[])[0]!.command).toEqual(["$$(X)"]);
  });

  it("reports a field the referenced resource lacks", () => {
    const m = resMapOf([service]);
    const vs = vars([
      {
        name: "X",
        objref: { apiVersion: "v1", kind: "Service", name: "svc" },
        fieldref: { fieldpath: "spec.nope" },
      },
    ]);
    bindVars(m, vs);
    expect(() => resolveVars(m, vs, defaultVarReference)).toThrow(/not found in corresponding resource/);
  });
});

describe("vars across kustomizations", () => {
  // Each base binds its vars to its own resources before an overlay renames them.
  function base(podName: string, varName: string, prefix: string): { resources: ResMap; vars: VarSet } {
    const m = resMapOf([pod(podName, ["echo", `$(${varName})`])]);
    for (const r of m) {
      r.storePreviousId();
      r.setName(prefix + r.name);
    }
    const set = new VarSet();
    set.mergeVars(m, vars([{ name: varName, objref: { apiVersion: "v1", kind: "Pod", name: podName } }]));
    return { resources: m, vars: set };
  }

  it("propagates vars upward and resolves them with final names", () => {
    const b1 = base("kelley", "P1", "base1-");
    const b2 = base("grimaldi", "P2", "base2-");
    const top = new ResMap([...b1.resources, ...b2.resources]);
    const set = new VarSet();
    set.mergeSet(b1.vars);
    set.mergeSet(b2.vars);
    resolveVars(top, set, defaultVarReference);
    const cmds = top.resources().map((r) => ((r.obj.spec as KObject).containers as KObject[])[0]!.command);
    expect(cmds).toEqual([
      ["echo", "base1-kelley"],
      ["echo", "base2-grimaldi"],
    ]);
  });

  it("rejects the same var name from two bases", () => {
    const set = new VarSet();
    set.mergeSet(base("kelley", "POD_NAME", "b1-").vars);
    expect(() => set.mergeSet(base("grimaldi", "POD_NAME", "b2-").vars)).toThrow(
      "var 'POD_NAME' already encountered",
    );
  });

  it("cannot disambiguate an objref without namespace that matches two resources", () => {
    const m = resMapOf([
      { ...service, metadata: { name: "svc", namespace: "dev" } },
      { ...service, metadata: { name: "svc", namespace: "test" } },
    ]);
    const vs: VarSpec[] = vars([{ name: "S", objref: { apiVersion: "v1", kind: "Service", name: "svc" } }]);
    expect(() => new VarSet().mergeVars(m, vs)).toThrow(
      /found 2 resId matches .* \(unable to disambiguate\)/,
    );
    const withNs = vars([
      { name: "S", objref: { apiVersion: "v1", kind: "Service", name: "svc", namespace: "test" } },
    ]);
    new VarSet().mergeVars(m, withNs);
    expect(m.resources().map((r) => r.refVarNames)).toEqual([[], ["S"]]);
  });
});

/**
 * kustomize rewrites every resource's annotations as strings when it strips its build
 * annotations at the end of a build; a typed var value put into an annotation ends as text.
 */
function stringifyAnnotations(m: ResMap): void {
  for (const r of m) {
    const a = r.metadata?.annotations;
    if (a && typeof a === "object" && !Array.isArray(a))
      for (const [k, v] of Object.entries(a)) a[k] = String(v);
  }
}

describe.runIf(requires("kubectl"))("resolveVars against kubectl kustomize", () => {
  const exprs = [
    "$(SVC)",
    "$(PORT)",
    "x-$(PORT)",
    "$(PROTO)",
    "$$(SVC)",
    "$(UNDEF)",
    "plain",
    "$(SVC).$(PROTO)",
    "$(",
  ];
  for (let seed = 1; seed <= 10; seed++) {
    it(`generated case ${seed}`, () => {
      const rng = new Rng(seed * 15485863);
      const svcs: KObject[] = [];
      for (let i = 0, n = 1 + rng.int(2); i < n; i++) {
        svcs.push({
          apiVersion: "v1",
          kind: "Service",
          metadata: { name: `s${i}`, ...(rng.chance(0.3) ? { namespace: "ns" } : {}) },
          spec: { ports: [{ port: 8000 + rng.int(100), protocol: rng.pick(["TCP", "UDP"]) }] },
        });
      }
      const objs: KObject[] = [...svcs];
      for (let i = 0, n = 1 + rng.int(3); i < n; i++) {
        const cmd = Array.from({ length: 1 + rng.int(3) }, () => rng.pick(exprs));
        objs.push(pod(`p${i}`, cmd, { E: rng.pick(exprs) }));
        if (rng.chance(0.5)) {
          (objs[objs.length - 1]!.metadata as KObject).annotations = { a: rng.pick(exprs) };
        }
      }
      const target = rng.pick(svcs).metadata as KObject;
      const objref: Record<string, YamlValue> = {
        apiVersion: "v1",
        kind: "Service",
        name: target.name as string,
      };
      if (rng.chance(0.5) && target.namespace) objref.namespace = target.namespace as string;
      const rawVars: YamlValue = [
        { name: "SVC", objref },
        { name: "PORT", objref, fieldref: { fieldpath: "spec.ports[0].port" } },
        { name: "PROTO", objref, fieldref: { fieldpath: "spec.ports[0].protocol" } },
      ];
      const oracle = kubectlBuild(objs, { vars: rawVars });
      const m = resMapOf(objs);
      const run = () => {
        const set = new VarSet();
        set.mergeVars(m, vars(rawVars));
        resolveVars(m, set, defaultVarReference);
        stringifyAnnotations(m);
      };
      if (!oracle.ok) {
        expect(run, oracle.error).toThrow();
        return;
      }
      run();
      const want = byId(oracle.docs);
      for (const r of m) expect(r.obj, idOf(r.obj)).toEqual(want.get(idOf(r.obj)));
    });
  }
});
