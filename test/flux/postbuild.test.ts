// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} is the substitution syntax under test
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { SlipwayError } from "../../src/errors.js";
import {
  collectVariables,
  gvkString,
  invalidVariableName,
  isSubstitutionDisabled,
  type PostBuildSettings,
  postBuildSettings,
  StrictSubstitutionError,
  substituteResource,
  type VariableSourceLookup,
} from "../../src/flux/postbuild.js";
import type { KObject, YamlValue } from "../../src/kustomize/types.js";
import { parseYaml11 } from "../../src/platform/postprocess.js";
import { emitYaml } from "../../src/yaml/index.js";
import { requires, sharedDir } from "../support/env.js";

/** sigs.k8s.io/yaml's YAMLToJSON as Flux re-reads a substituted object. */
const parse11 = (text: string): YamlValue => parseYaml11(text);

/** Stand-in for kustomize's serialisation: keys sorted, source quoting gone. */
const serialise = (obj: KObject): string => YAML.stringify(obj, { sortMapEntries: true });

function lookupIn(objects: KObject[]): VariableSourceLookup {
  return (ref) =>
    objects.find((o) => {
      const md = o.metadata as KObject;
      return o.kind === ref.kind && md.name === ref.name && (md.namespace ?? "") === ref.namespace;
    });
}

function ks(postBuild: YamlValue, namespace = "apps"): KObject {
  return {
    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
    kind: "Kustomization",
    metadata: { name: "app", namespace },
    spec: { path: "./", postBuild },
  };
}

function configMap(name: string, data: KObject, namespace = "apps"): KObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data };
}

function subst(obj: KObject, settings: PostBuildSettings): KObject {
  return substituteResource(serialise(obj), settings, parse11, obj).object;
}

const settings = (
  vars: Record<string, string>,
  extra: Partial<PostBuildSettings> = {},
): PostBuildSettings => ({
  vars,
  strict: true,
  always: false,
  ...extra,
});

describe("collectVariables", () => {
  it("merges substituteFrom in order (later wins), then inline substitute wins over all", () => {
    const lookup = lookupIn([
      configMap("a", { x: "from-a", y: "from-a", z: "from-a" }),
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "b", namespace: "apps" },
        data: { y: Buffer.from("from-b").toString("base64"), z: Buffer.from("from-b").toString("base64") },
      },
    ]);
    const k = ks({
      substitute: { z: "inline" },
      substituteFrom: [
        { kind: "ConfigMap", name: "a" },
        { kind: "Secret", name: "b" },
      ],
    });
    expect(collectVariables(k, lookup)).toEqual({ x: "from-a", y: "from-b", z: "inline" });
  });

  it("reads sources from the Kustomization's namespace only", () => {
    const lookup = lookupIn([configMap("vars", { x: "other-ns" }, "other")]);
    const k = ks({ substituteFrom: [{ kind: "ConfigMap", name: "vars", optional: true }] });
    expect(collectVariables(k, lookup)).toEqual({});
  });

  it("removes every newline from values, keeps carriage returns", () => {
    const lookup = lookupIn([configMap("vars", { a: "\nx\ny\n", b: "r\r" })]);
    const k = ks({ substitute: { c: "1\n2" }, substituteFrom: [{ kind: "ConfigMap", name: "vars" }] });
    expect(collectVariables(k, lookup)).toEqual({ a: "xy", b: "r\r", c: "12" });
  });

  it("merges Secret stringData over decoded data", () => {
    const secret: KObject = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s", namespace: "apps" },
      data: { a: Buffer.from("dA==").toString("base64"), b: Buffer.from("héllo").toString("base64") },
      stringData: { a: "plain" },
    };
    const k = ks({ substituteFrom: [{ kind: "Secret", name: "s" }] });
    expect(collectVariables(k, lookupIn([secret]))).toEqual({ a: "plain", b: "héllo" });
  });

  it("skips a missing optional source and fails on a missing required one", () => {
    const k = ks({ substituteFrom: [{ kind: "ConfigMap", name: "gone" }] });
    expect(() => collectVariables(k, () => undefined)).toThrow(
      `substitute from 'ConfigMap/gone' error: configmaps "gone" not found`,
    );
    const optional = ks({ substituteFrom: [{ kind: "Secret", name: "gone", optional: true }] });
    expect(collectVariables(optional, () => undefined)).toEqual({});
  });

  it("ignores binaryData and rejects non-string data", () => {
    const ok = configMap("v", { a: "1" });
    ok.binaryData = { b: "AAAA" };
    expect(
      collectVariables(ks({ substituteFrom: [{ kind: "ConfigMap", name: "v" }] }), lookupIn([ok])),
    ).toEqual({
      a: "1",
    });
    const bad = configMap("v", { a: 1 });
    expect(() =>
      collectVariables(ks({ substituteFrom: [{ kind: "ConfigMap", name: "v" }] }), lookupIn([bad])),
    ).toThrow(/data\.a must be a string/);
  });

  it("rejects what the Flux API would reject", () => {
    expect(() => collectVariables(ks({ substitute: { n: 3 } }), () => undefined)).toThrow(SlipwayError);
    expect(() =>
      collectVariables(ks({ substituteFrom: [{ kind: "Pod", name: "x" }] }), () => undefined),
    ).toThrow(/must be ConfigMap or Secret/);
  });

  it("skips substituteFrom for flux build --dry-run", () => {
    const k = ks({ substitute: { a: "1" }, substituteFrom: [{ kind: "ConfigMap", name: "gone" }] });
    expect(collectVariables(k, () => undefined, { skipSubstituteFrom: true })).toEqual({ a: "1" });
  });
});

describe("postBuildSettings", () => {
  it("is undefined without spec.postBuild", () => {
    const k: KObject = { kind: "Kustomization", metadata: { name: "a", namespace: "ns" }, spec: {} };
    expect(postBuildSettings(k, () => undefined, { strict: true })).toBeUndefined();
  });

  it("reads substituteStrategy: Always", () => {
    const s = postBuildSettings(ks({ substituteStrategy: "Always" }), () => undefined, { strict: false });
    expect(s).toEqual({ vars: {}, secretVars: new Set(), strict: false, always: true });
  });

  it("defers a load error to the resources that are not opted out", () => {
    const s = postBuildSettings(
      ks({ substituteFrom: [{ kind: "ConfigMap", name: "gone" }] }),
      () => undefined,
      {
        strict: true,
      },
    )!;
    expect(s.loadError).toMatch(/not found/);
    const disabled = configMap("skip", { a: "${x}" });
    (disabled.metadata as KObject).annotations = { "kustomize.toolkit.fluxcd.io/substitute": "disabled" };
    expect(subst(disabled, s)).toEqual(disabled);
    expect(() => subst(configMap("c", { a: "1" }), s)).toThrow(
      `post build failed for 'ConfigMap.v1.[noGrp]/c': substitute from 'ConfigMap/gone' error: configmaps "gone" not found`,
    );
  });
});

describe("substituteResource", () => {
  const deployment: KObject = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "apps", labels: { env: "${env:=dev}", region: "${region}" } },
    spec: { replicas: "${replicas:=1}" },
  };

  it("substitutes and re-parses as YAML 1.1 (a quoted number in the source becomes a number)", () => {
    const out = subst(deployment, settings({ region: "eu", replicas: "3" }));
    expect(out).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "apps", labels: { env: "dev", region: "eu" } },
      spec: { replicas: 3 },
    });
  });

  it("turns yes/on/y into booleans and empty values into null", () => {
    const cm = configMap("c", { a: "${a}", b: "${b}", c: "${c}", d: "${d}" });
    expect(subst(cm, settings({ a: "yes", b: "on", c: "y", d: "" })).data).toEqual({
      a: true,
      b: true,
      c: true,
      d: null,
    });
  });

  it("reads substituted values as go-yaml v2 does: dotted words stay text, octal and timestamps as Flux keeps them", () => {
    const values = {
      a: ".",
      b: "-.",
      c: "+.",
      d: "._",
      e: ".e1",
      f: ".5",
      g: "0755",
      h: "2024-01-02",
      i: "1_000",
      j: "off",
      k: "N",
    };
    const cm = configMap("c", Object.fromEntries(Object.keys(values).map((k) => [k, `\${${k}}`])));
    expect(subst(cm, settings(values)).data).toEqual({
      a: ".",
      b: "-.",
      c: "+.",
      d: "._",
      e: ".e1",
      f: 0.5,
      g: 493,
      h: "2024-01-02",
      i: 1000,
      j: false,
      k: false,
    });
  });

  // kyaml's RNode.UnmarshalJSON decodes into float64s and FromMap prints them back; ssa reads
  // the result as unstructured JSON (int64 when its digits fit). Expected values worked through
  // Go: float64(9007199254740993) = 9007199254740992; json.Marshal(float64(2^62)) =
  // "4611686018427388000" (an int64); json.Marshal(float64(12345678901234567890)) =
  // "12345678901234567000" (no int64: a float64, printed by go-yaml v2 as a uint64);
  // json.Marshal(float64(-2^63)) = "-9223372036854776000" (no int64: a float64, printed
  // -9.223372036854776e+18).
  it.each([
    ["an integer beyond 2^53 from a variable", "${v}", "9007199254740993", 9007199254740992n],
    ["an integer beyond 2^53 written in the file", "9007199254740993", "x", 9007199254740992n],
    ["a uint64-sized integer", "${v}", "12345678901234567890", 12345678901234567000n],
    ["2^62, with encoding/json's digits", "${v}", "4611686018427387904", 4611686018427388000n],
    [
      "int64's maximum, now 2^63 (a uint64 to go-yaml v2)",
      "${v}",
      "9223372036854775807",
      9223372036854776000n,
    ],
    [
      "int64's minimum, whose JSON digits no longer fit an int64",
      "${v}",
      "-9223372036854775808",
      -9223372036854776000,
    ],
    ["beyond 2^64, a float", "${v}", "100000000000000000001", 1e20],
    ["a whole float between 2^63 and 2^64", "${v}", "1.8e19", 18000000000000000000n],
    ["1e21 and beyond, a float", "${v}", "1e21", 1e21],
    ["a safe integer, unchanged", "${v}", "9007199254740991", 9007199254740991],
  ])("passes %s through float64 as Flux's JSON round trip does", (_, field, v, expected) => {
    const written = field === "${v}" ? field : 9007199254740993n;
    const out = subst({ ...configMap("c", {}), spec: { num: written, k: "${v}" } }, settings({ v }));
    expect((out.spec as KObject).num).toBe(expected);
  });

  it("keeps big integers exact when the Kustomization has no variables (Flux does not re-read the object then)", () => {
    const obj: KObject = { ...configMap("c", {}), spec: { num: 9007199254740993n } };
    expect(subst(obj, settings({})).spec).toEqual({ num: 9007199254740993n });
  });

  it("refuses a substituted .nan or .inf as YAMLToJSON does (JSON has no NaN)", () => {
    for (const v of [".nan", ".inf", "-.Inf"]) {
      const cm = configMap("c", { a: "${v}" });
      expect(() => subst(cm, settings({ v }))).toThrow(/unsupported value/);
    }
  });

  it("turns non-string keys into JSON strings and tolerates duplicate keys", () => {
    expect(parseYaml11("a: 1\na: 2\n")).toEqual({ a: 2 });
    expect(parseYaml11("y: 1\n1.50: 2\n0x10: 3\n")).toEqual({ true: 1, "1.5": 2, "16": 3 });
  });

  it("keeps strings with a quote variable or an explicit tag", () => {
    const cm = configMap("c", { a: "${q}${n}${q}", b: "${s}" });
    expect(subst(cm, settings({ q: '"', n: "123", s: "!!str 123" })).data).toEqual({ a: "123", b: "123" });
  });

  it("leaves $var, $${var} escapes and backslashes as Flux does", () => {
    const cm = configMap("c", { script: "echo $HOME $${HOME} \\n ${x}" });
    expect(subst(cm, settings({ x: "1" })).data).toEqual({ script: "echo $HOME ${HOME} \\n 1" });
  });

  it("fails in strict mode naming the variable and the resource", () => {
    expect(() => subst(deployment, settings({ replicas: "1" }))).toThrow(
      `post build failed for 'Deployment.v1.apps/web': envsubst error: variable substitution failed: variable not set (strict mode): "region"`,
    );
  });

  it.each([
    [true, true],
    [undefined, false],
  ])("a strict failure says whether the strictness was assumed (%s → %s)", (strictAssumed, assumed) => {
    const extra = { strictBecause: "Slipway assumes Flux 2.9 by default", strictAssumed };
    const thrown = (() => {
      try {
        subst(deployment, settings({ replicas: "1" }, extra));
      } catch (err) {
        return err;
      }
    })();
    expect(thrown).toBeInstanceOf(StrictSubstitutionError);
    expect((thrown as StrictSubstitutionError).assumed).toBe(assumed);
    expect((thrown as Error).message).toContain("(strict: Slipway assumes Flux 2.9 by default)");
  });

  it("replaces undefined variables by empty strings when not strict", () => {
    const out = subst(deployment, settings({ replicas: "2" }, { strict: false }));
    expect((out.metadata as KObject).labels).toEqual({ env: "dev", region: null });
  });

  it("skips resources opted out by label or annotation (exact value)", () => {
    for (const field of ["labels", "annotations"]) {
      const cm = configMap("c", { a: "${missing}" });
      (cm.metadata as KObject)[field] = { "kustomize.toolkit.fluxcd.io/substitute": "disabled" };
      expect(isSubstitutionDisabled(cm)).toBe(true);
      expect(substituteResource(serialise(cm), settings({ x: "1" }), parse11, cm)).toEqual({
        object: cm,
        substituted: false,
      });
    }
    const upper = configMap("c", { a: "${x}" });
    (upper.metadata as KObject).labels = { "kustomize.toolkit.fluxcd.io/substitute": "Disabled" };
    expect(isSubstitutionDisabled(upper)).toBe(false);
  });

  it("does nothing without variables unless substituteStrategy is Always", () => {
    const cm = configMap("c", { a: "${a:=default}" });
    expect(substituteResource(serialise(cm), settings({}), parse11, cm).substituted).toBe(false);
    expect(subst(cm, settings({}, { always: true })).data).toEqual({ a: "default" });
  });

  it("writes an object only when substitution could change it or writing it fails", () => {
    const never = (): string => {
      throw new Error("written");
    };
    const plain = configMap("c", { a: "no variables", b: "ünïcödé" });
    expect(substituteResource(never, settings({ x: "1" }), parse11, plain)).toEqual({
      object: plain,
      substituted: false,
    });
    const written: KObject[] = [
      configMap("c", { a: "${x}" }),
      configMap("c", { k$: "v" }),
      configMap("c", { big: 2n ** 60n }),
    ];
    for (const obj of written) {
      let calls = 0;
      const text = () => {
        calls++;
        return emitYaml(obj);
      };
      substituteResource(text, settings({ x: "1" }), parse11, obj);
      expect(calls).toBe(1);
    }
    // What the writer refuses fails as it does when the object is written.
    const refused: KObject[] = [
      configMap("c", { a: "del \u007f" }),
      configMap("c", { "nel\u0085key": "v" }),
      { ...configMap("c", {}), spec: { ratio: Number.NaN } },
    ];
    for (const obj of refused) {
      expect(() => substituteResource(() => emitYaml(obj), settings({ x: "1" }), parse11, obj)).toThrow(
        SlipwayError,
      );
    }
  });

  it("parses the text itself when no object is given", () => {
    const text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: ${a}\n";
    expect(substituteResource(text, settings({ a: "x" }), parse11).object.data).toEqual({ a: "x" });
  });

  it("rejects an invalid variable name for every substituted resource", () => {
    expect(invalidVariableName({ ok: "1", "app.name": "2", _A1: "3" })).toBe("app.name");
    expect(invalidVariableName({ "1abc": "x" })).toBe("1abc");
    expect(() => subst(configMap("c", { a: "1" }), settings({ "app.name": "x" }))).toThrow(
      "envsubst error: 'app.name' var name is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'",
    );
  });

  it("reports values that break the YAML", () => {
    expect(() => subst(configMap("c", { a: "${v}" }), settings({ v: "[unclosed" }))).toThrow(/YAMLToJSON: /);
  });

  it("reports parse errors even when not strict", () => {
    expect(() => subst(configMap("c", { a: "${v-d}" }), settings({ v: "1" }, { strict: false }))).toThrow(
      /missing closing brace/,
    );
  });
});

describe("gvkString", () => {
  it("prints like kustomize", () => {
    expect(gvkString({ apiVersion: "apps/v1", kind: "Deployment" })).toBe("Deployment.v1.apps");
    expect(gvkString({ apiVersion: "v1", kind: "ServiceAccount" })).toBe("ServiceAccount.v1.[noGrp]");
    expect(gvkString({})).toBe("[noKind].[noVer].[noGrp]");
  });
});

// ---------------------------------------------------------------------------------------------
// Vectors from fluxcd/pkg (pkg-varsub) and kustomize-controller (kc-controller).

function docs(file: string): KObject[] {
  return YAML.parseAllDocuments(readFileSync(file, "utf8"), { version: "1.1" })
    .map((d) => d.toJS() as KObject | null)
    .filter((d): d is KObject => d !== null);
}

/** What kustomize built for a folder whose resources are listed in its kustomization file. */
function built(dir: string): KObject[] {
  const kfile = ["kustomization.yaml", "kustomization.yml"].map((f) => path.join(dir, f));
  let resources: string[];
  try {
    resources = (docs(kfile.find((f) => safeRead(f))!)[0]!.resources as string[]) ?? [];
  } catch {
    resources = [];
  }
  return resources.flatMap((r) => docs(path.join(dir, r)));
}

function safeRead(file: string): boolean {
  try {
    readFileSync(file);
    return true;
  } catch {
    return false;
  }
}

function render(objects: KObject[], kustomization: KObject, cluster: KObject[], strict: boolean): KObject[] {
  const s = postBuildSettings(kustomization, lookupIn(cluster), { strict });
  if (s === undefined) return objects;
  return objects.map((o) => substituteResource(serialise(o), s, parse11, o).object);
}

describe.runIf(requires("shared"))("pkg-varsub vectors (fluxcd/pkg kustomize v1.35.4)", () => {
  const root = path.join(sharedDir, "flux/vectors/pkg-varsub/testdata");
  const k = (f: string) => docs(path.join(root, f))[0]!;
  const cluster = (...files: string[]) => files.flatMap((f) => docs(path.join(root, f)));

  it("substitute-and-substituteFrom matches the golden", () => {
    const out = render(
      built(path.join(root, "resources")),
      k("kustomization_varsub.yaml"),
      cluster("configmap.yaml"),
      false,
    );
    expect(out).toEqual(docs(path.join(root, "kustomization_varsub_expected.yaml")));
  });

  it("strict-missing-var fails naming the variable", () => {
    expect(() =>
      render(
        built(path.join(root, "varsubstrict")),
        k("kustomization_varsub.yaml"),
        cluster("configmap.yaml"),
        true,
      ),
    ).toThrow(/variable not set \(strict mode\): "missing"/);
  });

  it("non-strict-missing-var substitutes an empty value (null)", () => {
    const [cm] = render(
      built(path.join(root, "varsubstrict")),
      k("kustomization_varsub.yaml"),
      cluster("configmap.yaml"),
      false,
    );
    expect(cm!.data).toEqual({ missing: null });
    expect((cm!.metadata as KObject).labels).toEqual({ environment: "prod", region: "eu-central-1" });
  });

  it("no-vars-withvariables-skips keeps the defaults verbatim", () => {
    const objects = built(path.join(root, "varsubalways"));
    const out = render(objects, k("kustomization_varsub_novars.yaml"), [], false);
    expect(serialise(out[0]!)).toContain("${cluster_env:=dev}");
    expect(serialise(out[0]!)).toContain("${cluster_region:=eu-central-1}");
  });

  it("no-vars-always-applies-defaults", () => {
    const [obj] = built(path.join(root, "varsubalways"));
    const text = serialise(
      substituteResource(serialise(obj!), settings({}, { always: true }), parse11, obj).object,
    );
    expect(text).not.toContain("${");
    expect(text).toContain("environment: dev");
    expect(text).toContain("region: eu-central-1");
  });

  it("strict-empty-values-are-defined, identical to the non-strict run with a dummy var", () => {
    const objects = built(path.join(root, "varsubstrictempty"));
    const strictRun = render(
      objects,
      k("kustomization_varsub_empty.yaml"),
      cluster("configmap_empty.yaml", "secret_empty.yaml"),
      true,
    );
    const text = strictRun.map(serialise).join("---\n");
    expect(text).not.toContain("${");
    for (const s of ["from-inline: null", "from-configmap: null", "from-secret: null"])
      expect(text).toContain(s);
    const dummyRun = render(objects, k("kustomization_varsub_dummy.yaml"), [], false);
    expect(dummyRun).toEqual(strictRun);
  });
});

describe.runIf(requires("shared"))("kc-controller varsub vectors (kustomize-controller v1.9.4)", () => {
  const root = path.join(sharedDir, "flux/vectors/kc-controller");
  const load = (f: string) => docs(path.join(root, f));
  const labelsOf = (o: KObject) => (o.metadata as KObject).labels;
  const find = (objs: KObject[], kind: string) => objs.find((o) => o.kind === kind)!;

  it("varsub: Secret after ConfigMap wins, newlines stripped, _Region valid", () => {
    const objs = [...load("varsub/secret.yaml"), ...load("varsub/service-account.yaml")];
    const out = render(objs, load("varsub/ks.yaml")[0]!, load("varsub/cluster.yaml"), false);
    expect(labelsOf(find(out, "ServiceAccount"))).toEqual({
      environment: "dev",
      region: "eu-central-1",
      zone: "az-1b",
    });
    expect(find(out, "Secret").stringData).toEqual({ zone: "az-1b" });
  });

  it("varsub-optional: both phases", () => {
    const objs = load("varsub-optional/service-account.yaml");
    const k = load("varsub-optional/ks.yaml")[0]!;
    const phase1 = render(objs, k, load("varsub-optional/cluster-phase1.yaml"), false);
    expect(labelsOf(phase1[0]!)).toEqual({ color: "red", shape: "triangle" });
    const phase2 = render(objs, k, load("varsub-optional/cluster-phase2.yaml"), false);
    expect(labelsOf(phase2[0]!)).toEqual({ color: "blue", shape: "square" });
  });

  it("varsub-always: WithVariables skips, Always applies defaults", () => {
    const objs = load("varsub-always/service-account.yaml");
    const skipped = render(objs, load("varsub-always/ks-with-variables.yaml")[0]!, [], false);
    expect(labelsOf(skipped[0]!)).toEqual({ color: "${color:=blue}", shape: "${shape:=square}" });
    const applied = render(objs, load("varsub-always/ks-always.yaml")[0]!, [], false);
    expect(labelsOf(applied[0]!)).toEqual({ color: "blue", shape: "square" });
  });

  it("varsub-number-bool: tags and quote variables keep strings; $${var} unescapes", () => {
    const out = render(
      load("varsub-number-bool/templates.yaml"),
      load("varsub-number-bool/ks.yaml")[0]!,
      [],
      false,
    );
    const repo = find(out, "GitRepository");
    expect(labelsOf(repo)).toEqual({ id: "123", enabled: "true" });
    expect((repo.metadata as KObject).annotations).toEqual({ id: "123", enabled: "true" });
    expect((repo.spec as KObject).interval).toBe("123m");
    const cm = find(out, "ConfigMap").data as KObject;
    expect(cm.id).toBe("123");
    expect(cm.text).toContain("${var}");
    expect(cm.text).toContain("\\?");
    expect(cm.text).not.toContain("$${var}");
  });

  it("varsub-strict fails with Flux's message", () => {
    expect(() =>
      render(load("varsub-strict/service-account.yaml"), load("varsub-strict/ks.yaml")[0]!, [], true),
    ).toThrow(
      `post build failed for 'ServiceAccount.v1.[noGrp]/vars-test': envsubst error: variable substitution failed: variable not set (strict mode): "missing"`,
    );
  });
});
