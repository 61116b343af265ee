import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  builtinSchemaFor,
  builtinSchemaRegistry,
  schemaFromOpenApiDocument,
  strategicMergePatch,
} from "../../../src/kustomize/patch/index.js";
import type { YamlMap } from "../../../src/kustomize/types.js";
import { requires, sharedDir } from "../../support/env.js";

const y = (text: string) => parse(text) as YamlMap;
const registry = builtinSchemaRegistry();
const deploy = (spec: string) =>
  y(`apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n${spec}`);
const smp = (target: YamlMap, patch: YamlMap) => strategicMergePatch(target, patch, undefined, registry);
function podSpec(out: YamlMap | null): YamlMap {
  if (out === null) throw new Error("object was deleted");
  return ((out.spec as YamlMap).template as YamlMap).spec as YamlMap;
}
function field(out: YamlMap | null, name: string): YamlMap {
  if (out === null) throw new Error("object was deleted");
  return out[name] as YamlMap;
}

const twoContainers =
  "  template:\n    spec:\n      containers:\n      - {name: c1, image: i1}\n      - {name: c2, image: i2}\n";

describe("strategicMergePatch: maps and scalars", () => {
  it("merges maps, replaces scalars, deletes with null, never mutates inputs", () => {
    const target = y("a: 1\nb: {c: 2, d: 3}\ne: x");
    const patch = y("a: 2\nb: {c: null, f: 4}\ne: null\ng: null");
    const before = structuredClone([target, patch]);
    expect(strategicMergePatch(target, patch, undefined)).toEqual({ a: 2, b: { d: 3, f: 4 } });
    expect([target, patch]).toEqual(before);
  });

  it("keeps a target's explicit null the patch does not mention", () => {
    expect(strategicMergePatch(y("a: null\nb: 1"), y("b: 2"), undefined)).toEqual({ a: null, b: 2 });
  });

  it("$patch: delete on the whole object removes it; on a field removes that field", () => {
    expect(smp(deploy(twoContainers), y("$patch: delete"))).toBeNull();
    expect(
      podSpec(smp(deploy(twoContainers), deploy("  template:\n    spec:\n      $patch: delete\n"))),
    ).toBe(undefined);
  });

  it("$patch: replace on a map replaces it", () => {
    const out = smp(
      deploy(twoContainers),
      deploy("  template:\n    spec:\n      $patch: replace\n      hostname: h\n"),
    );
    expect(podSpec(out)).toEqual({ hostname: "h" });
  });

  it("unknown $patch values fail", () => {
    expect(() => smp(deploy(twoContainers), deploy("  template:\n    $patch: bogus\n"))).toThrow(
      /unknown patch strategy/,
    );
  });

  it("a map patched with a scalar fails", () => {
    expect(() => smp(deploy(twoContainers), deploy("  template: 3\n"))).toThrow(/cannot merge/);
  });

  it("$setElementOrder and $retainKeys are not directives in kustomize: they are copied", () => {
    const out = smp(
      deploy(twoContainers),
      deploy(
        "  template:\n    spec:\n      $setElementOrder/containers: [{name: c2}]\n      $retainKeys: [containers]\n",
      ),
    );
    expect(podSpec(out)["$setElementOrder/containers"]).toEqual([{ name: "c2" }]);
    expect(podSpec(out).$retainKeys).toEqual(["containers"]);
  });
});

describe("strategicMergePatch: lists", () => {
  it("merges containers by name; new items come first in patch order", () => {
    const out = smp(
      deploy(twoContainers),
      deploy("  template:\n    spec:\n      containers:\n      - {name: n1}\n      - {name: c2, image: x}\n"),
    );
    expect(podSpec(out).containers).toEqual([
      { name: "n1" },
      { name: "c2", image: "x" },
      { name: "c1", image: "i1" },
    ]);
  });

  it("deletes an item with $patch: delete; the list-level directives delete, replace, merge", () => {
    const p = (items: string) => deploy(`  template:\n    spec:\n      containers:\n${items}`);
    expect(podSpec(smp(deploy(twoContainers), p("      - {name: c1, $patch: delete}\n"))).containers).toEqual(
      [{ name: "c2", image: "i2" }],
    );
    expect(podSpec(smp(deploy(twoContainers), p("      - $patch: delete\n"))).containers).toBeUndefined();
    expect(
      podSpec(smp(deploy(twoContainers), p("      - {name: n}\n      - $patch: replace\n"))).containers,
    ).toEqual([{ name: "n" }]);
    expect(
      podSpec(smp(deploy(twoContainers), p("      - {name: n}\n      - $patch: merge\n"))).containers,
    ).toHaveLength(3);
  });

  it("reproduces kyaml quirks: $patch: replace on an item is ignored, an item without its key empties the list", () => {
    const p = (items: string) => deploy(`  template:\n    spec:\n      containers:\n${items}`);
    expect(
      podSpec(smp(deploy(twoContainers), p("      - {name: c1, image: new, $patch: replace}\n"))).containers,
    ).toEqual([
      { name: "c1", image: "i1" },
      { name: "c2", image: "i2" },
    ]);
    expect(podSpec(smp(deploy(twoContainers), p("      - {image: nameless}\n"))).containers).toEqual([]);
  });

  it("replaces lists without a merge strategy (tolerations, args)", () => {
    const out = smp(
      deploy("  template:\n    spec:\n      tolerations: [{key: a}, {key: b}]\n"),
      deploy("  template:\n    spec:\n      tolerations: [{key: c}]\n"),
    );
    expect(podSpec(out).tolerations).toEqual([{ key: "c" }]);
  });

  it("merges primitive lists with a merge strategy (finalizers) as ordered sets, patch values first", () => {
    const out = smp(
      y("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, finalizers: [a, b]}"),
      y("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, finalizers: [c, a]}"),
    );
    expect(field(out, "metadata").finalizers).toEqual(["c", "a", "b"]);
  });

  it("matches container ports on (containerPort, protocol), keeping target positions", () => {
    const target = deploy(
      "  template:\n    spec:\n      containers:\n      - name: c\n        ports: [{containerPort: 80}, {containerPort: 443, protocol: TCP, name: https}]\n",
    );
    const patch = (ports: string) =>
      deploy(`  template:\n    spec:\n      containers:\n      - name: c\n        ports: ${ports}\n`);
    const ports = (out: YamlMap | null) => (podSpec(out).containers as YamlMap[])[0].ports;
    expect(ports(smp(target, patch("[{containerPort: 80, name: x}, {containerPort: 9090}]")))).toEqual([
      { containerPort: 9090 },
      { containerPort: 80, name: "x" },
      { containerPort: 443, protocol: "TCP", name: "https" },
    ]);
    // a port that differs from the target's only by protocol is dropped, as kustomize does
    expect(ports(smp(target, patch("[{containerPort: 80, protocol: TCP, name: web}]")))).toEqual([
      { containerPort: 80 },
      { containerPort: 443, protocol: "TCP", name: "https" },
    ]);
  });

  it("custom kinds have no schema: lists are replaced, but embedded built-in objects merge", () => {
    const target = y(
      "apiVersion: x/v1\nkind: Foo\nmetadata: {name: f}\nspec:\n  items: [{name: a}]\n  pod: {apiVersion: v1, kind: Pod, spec: {containers: [{name: a}]}}",
    );
    const patch = y(
      "apiVersion: x/v1\nkind: Foo\nmetadata: {name: f}\nspec:\n  items: [{name: b}]\n  pod: {apiVersion: v1, kind: Pod, spec: {containers: [{name: b}]}}",
    );
    const out = field(smp(target, patch), "spec");
    expect(out.items).toEqual([{ name: "b" }]);
    expect(((out.pod as YamlMap).spec as YamlMap).containers).toEqual([{ name: "b" }, { name: "a" }]);
  });
});

describe("schema", () => {
  it("knows the merge keys and strategies of built-in kinds", () => {
    const pod = builtinSchemaFor("apps/v1", "Deployment")?.at(["spec", "template", "spec"]);
    expect(pod?.field("containers")?.mergeKeys).toEqual(["name"]);
    expect(pod?.field("volumes")?.patchStrategy).toBe("merge,retainKeys");
    expect(pod?.at(["containers", "[]", "ports"])?.mergeKeys).toEqual(["containerPort", "protocol"]);
    expect(pod?.at(["containers", "[]", "volumeMounts"])?.mergeKeys).toEqual(["mountPath"]);
    expect(pod?.field("tolerations")?.isAssociativeList).toBe(false);
    expect(builtinSchemaFor("v1", "Service")?.at(["spec", "ports"])?.mergeKeys).toEqual(["port", "protocol"]);
    expect(builtinSchemaFor("v1", "ConfigMap")?.at(["metadata", "ownerReferences"])?.mergeKeys).toEqual([
      "uid",
    ]);
    expect(
      builtinSchemaFor("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration")?.field("webhooks")
        ?.mergeKeys,
    ).toEqual(["name"]);
    expect(builtinSchemaFor("example.com/v1", "Foo")).toBeUndefined();
  });

  it("only v1.21.2 is built in", () => {
    expect(builtinSchemaRegistry("v1.21.2")).toBe(registry);
    expect(() => builtinSchemaRegistry("v1.14.1")).toThrow("the specified OpenAPI version is not built in");
  });
});

const cases = path.join(sharedDir, "conformance/kustomize/cases");
const load = (file: string) => parse(readFileSync(file, "utf8"));

describe.runIf(requires("shared"))("openapi conformance cases", () => {
  const patchOf = (kustomization: string, i = 0) =>
    y((y(kustomization).patchesStrategicMerge as string[])[i]);

  for (const name of ["TestCustomOpenApiFieldBasicUsage", "TestCustomOpenApiFieldYaml"]) {
    it(`${name}: a custom schema gives a CRD merge keys`, () => {
      const dir = path.join(cases, `openapicustomschema_test__${name}/input`);
      const schemaFile = name.endsWith("Yaml") ? "mycrd_schema.yaml" : "mycrd_schema.json";
      const custom = schemaFromOpenApiDocument(load(path.join(dir, schemaFile)));
      const kust = readFileSync(path.join(dir, "kustomization.yaml"), "utf8");
      const out = strategicMergePatch(load(path.join(dir, "mycrd.yaml")), patchOf(kust), undefined, custom);
      expect(out).toEqual(load(path.join(dir, "../expected.yaml")));
    });
  }

  it("TestCustomOpenApiFieldWithTwoGvks: both group-version-kinds get the schema", () => {
    const dir = path.join(cases, "openapicustomschema_test__TestCustomOpenApiFieldWithTwoGvks/input");
    const custom = schemaFromOpenApiDocument(load(path.join(dir, "mycrd_schema.json")));
    expect(custom.lookup("example.com/v1alpha1", "MyCRD")).toBeDefined();
    expect(custom.lookup("v1alpha1", "MyCRD")).toBeDefined();
    expect(custom.lookup("apps/v1", "Deployment")).toBeDefined();
    const alone = schemaFromOpenApiDocument(load(path.join(dir, "mycrd_schema.json")), {
      overBuiltin: false,
    });
    expect(alone.lookup("apps/v1", "Deployment")).toBeUndefined();
  });

  it("TestCustomOpenApiFieldOverlayTakesPrecedence: with the built-in schema a CRD's list is replaced", () => {
    const dir = path.join(
      cases,
      "openapicustomschema_test__TestCustomOpenApiFieldOverlayTakesPrecedence/input",
    );
    const kust = readFileSync(path.join(dir, "overlay/kustomization.yaml"), "utf8");
    const out = smp(load(path.join(dir, "base/mycrd.yaml")), patchOf(kust));
    expect(out).toEqual(load(path.join(dir, "../expected.yaml")));
  });

  it("TestCustomOpenApiFieldFromComponentWithOverlays: DeploymentConfig merges by the custom schema", () => {
    const dir = path.join(
      cases,
      "openapicustomschema_test__TestCustomOpenApiFieldFromComponentWithOverlays/input",
    );
    const custom = schemaFromOpenApiDocument(load(path.join(dir, "components/dc-openapi/openapi.json")));
    const out = strategicMergePatch(
      load(path.join(dir, "overlays/base/dc.yml")),
      load(path.join(dir, "components/dc-openapi/patch.yml")),
      undefined,
      custom,
    );
    expect(out).toEqual(load(path.join(dir, "../expected.yaml")));
  });
});
