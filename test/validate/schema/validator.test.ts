import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { wrappedBase64 } from "../../../src/kustomize/generators/base64.js";
import type { KObject } from "../../../src/kustomize/types.js";
import { createSchemaValidator, type SchemaIssue } from "../../../src/validate/schema/index.js";
import { brokenCrd, deployment, widgetCrd } from "./fixtures.js";

const brief = (issues: SchemaIssue[]) => issues.map((i) => `${i.kind} ${i.message}`);

describe("built-in kinds (kubernetes-models, official OpenAPI)", () => {
  const v = createSchemaValidator();

  test("a valid Deployment, Service, ConfigMap and Ingress have no issues", () => {
    expect(v.validate(deployment())).toEqual([]);
    expect(
      v.validate({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "web" },
        spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: "http", protocol: "TCP" }] },
      }),
    ).toEqual([]);
    expect(
      v.validate({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "cfg" },
        data: { "a.yaml": "x: 1" },
      }),
    ).toEqual([]);
    expect(
      v.validate({
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name: "web", annotations: { "nginx.ingress.kubernetes.io/rewrite": "/" } },
        spec: {
          rules: [
            {
              host: "example.com",
              http: {
                paths: [
                  {
                    path: "/",
                    pathType: "Prefix",
                    backend: { service: { name: "web", port: { number: 80 } } },
                  },
                ],
              },
            },
          ],
        },
      }),
    ).toEqual([]);
  });

  test("type errors carry the JSON path and a readable message", () => {
    const d = deployment();
    (d.spec as Record<string, unknown>).replicas = "3";
    expect(v.validate(d)).toEqual([
      {
        kind: "invalid",
        path: ["spec", "replicas"],
        message: 'spec.replicas: must be integer, got string "3"',
        expected: "integer",
      },
    ]);
  });

  test("required fields, enums and formats", () => {
    const d = deployment({ imagePullPolicy: "Sometimes" });
    delete (d.spec as Record<string, unknown>).selector;
    ((d.spec as KObject).template as KObject).spec = {
      containers: [
        { name: "web", image: "x", imagePullPolicy: "Sometimes", resources: { limits: { cpu: "lots" } } },
      ],
    };
    expect(brief(v.validate(d))).toEqual([
      "invalid spec.selector: required field is missing",
      'invalid spec.template.spec.containers[0].imagePullPolicy: must be one of "Always", "IfNotPresent", "Never", got string "Sometimes"',
      'invalid spec.template.spec.containers[0].resources.limits.cpu: must be a quantity (e.g. 100m, 1.5Gi), got string "lots"',
    ]);
  });

  test("int-or-string takes both and rejects other types once", () => {
    expect(v.validate(deployment({ livenessProbe: { tcpSocket: { port: 8080 } } }))).toEqual([]);
    expect(v.validate(deployment({ livenessProbe: { tcpSocket: { port: "http" } } }))).toEqual([]);
    expect(brief(v.validate(deployment({ livenessProbe: { tcpSocket: { port: true } } })))).toEqual([
      "invalid spec.template.spec.containers[0].livenessProbe.tcpSocket.port: must be string or integer, got boolean true",
    ]);
  });

  test("unknown fields are their own class, at any depth, but maps and free-form fields are open", () => {
    const d = deployment({
      imagePullPolicyy: "Always",
      resources: { requests: { cpu: "1", "nvidia.com/gpu": "1" } },
    });
    (d.spec as KObject).replica = 3;
    (d.metadata as KObject).labelz = { a: "b" };
    const issues = v.validate(d);
    expect(issues.map((i) => [i.kind, i.path])).toEqual([
      ["unknown-field", ["metadata", "labelz"]],
      ["unknown-field", ["spec", "replica"]],
      ["unknown-field", ["spec", "template", "spec", "containers", 0, "imagePullPolicyy"]],
    ]);
    expect(issues[2]!.message).toBe("spec.template.spec.containers[0].imagePullPolicyy: unknown field");
  });

  test("fields the package's schemas lost (every property named description) are known", () => {
    // kubernetes-models dropped them with the OpenAPI's descriptions: a PriorityClass's and a CRD
    // printer column's `description` were reported as unknown (joryirving/home-ops).
    const priorityClass = (extra: Record<string, unknown>) => ({
      apiVersion: "scheduling.k8s.io/v1",
      kind: "PriorityClass",
      metadata: { name: "gpu-preemptible" },
      value: -100,
      globalDefault: false,
      description: "yields its GPU",
      ...extra,
    });
    expect(v.validate(priorityClass({}))).toEqual([]);
    expect(brief(v.validate(priorityClass({ descriptionn: "x" })))).toEqual([
      "unknown-field descriptionn: unknown field",
    ]);
    const crd = widgetCrd();
    const version = (crd.spec as { versions: Array<Record<string, unknown>> }).versions[0]!;
    version.additionalPrinterColumns = [
      { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp", description: "How old" },
    ];
    expect(v.validate(crd)).toEqual([]);
    // Only where Kubernetes has the field: a description beside a Deployment's replicas is unknown.
    const d = deployment();
    (d.spec as Record<string, unknown>).description = "x";
    expect(brief(v.validate(d))).toEqual(["unknown-field spec.description: unknown field"]);
  });

  test("an unknown field's own children are not reported again", () => {
    const d = deployment({ extra: { deep: { deeper: 1 } } });
    expect(brief(v.validate(d))).toEqual([
      "unknown-field spec.template.spec.containers[0].extra: unknown field",
    ]);
  });

  test("numbers beyond 2^53 (bigint from YAML) are integers", () => {
    const d = deployment();
    (d.spec as KObject).progressDeadlineSeconds = 600n;
    expect(v.validate(d)).toEqual([]);
  });

  test("the CustomResourceDefinition kind itself validates against apiextensions v1", () => {
    expect(v.validate(widgetCrd())).toEqual([]);
  });
});

describe("metadata names", () => {
  const v = createSchemaValidator();
  const cm = (name: unknown, namespace?: string): KObject => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: namespace === undefined ? { name: name as string } : { name: name as string, namespace },
  });

  test("DNS-1123 subdomain for most kinds", () => {
    expect(v.validate(cm("app.config-1"))).toEqual([]);
    expect(v.validate(cm("App_Config"))[0]).toMatchObject({
      kind: "invalid-name",
      path: ["metadata", "name"],
    });
    expect(v.validate(cm("a".repeat(254)))[0]!.message).toContain("no more than 253 characters");
    expect(v.validate(cm("-a"))[0]!.kind).toBe("invalid-name");
  });

  test("DNS-1035 label for Services and DNS-1123 label for Namespaces", () => {
    const svc = (name: string): KObject => ({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name },
      spec: {},
    });
    expect(v.validate(svc("web"))).toEqual([]);
    expect(brief(v.validate(svc("1web")))[0]).toContain("DNS-1035 label");
    expect(brief(v.validate(svc("web.api")))[0]).toContain("DNS-1035 label");
    const ns = (name: string): KObject => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
    expect(v.validate(ns("1team"))).toEqual([]);
    expect(brief(v.validate(ns("team.a")))[0]).toContain("DNS-1123 label");
    expect(brief(v.validate(ns("a".repeat(64))))[0]).toContain("63 characters");
  });

  test("RBAC names are path segments; namespaces are labels; a missing name is reported", () => {
    const role = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "system:Foo" },
    };
    expect(v.validate(role)).toEqual([]);
    expect(v.validate(cm("ok", "Bad_NS"))[0]).toMatchObject({
      kind: "invalid-name",
      path: ["metadata", "namespace"],
    });
    expect(brief(v.validate({ apiVersion: "v1", kind: "ConfigMap", metadata: {} }))).toEqual([
      "invalid-name metadata.name: is required",
    ]);
  });
});

describe("CRDs", () => {
  const crd = widgetCrd();
  const v = createSchemaValidator({ crds: [crd] });
  const widget = (spec: unknown, version = "v1", extra: KObject = {}): KObject => ({
    apiVersion: `example.com/${version}`,
    kind: "Widget",
    metadata: { name: "w1", namespace: "apps" },
    spec: spec as KObject,
    ...extra,
  });

  test("a valid custom resource has no issues", () => {
    expect(
      v.validate(widget({ size: 3, color: "red", port: 80, labels: { a: "b" }, tags: ["x", "y"] })),
    ).toEqual([]);
    expect(v.schemaSource("example.com/v1", "Widget")).toBe("crd");
  });

  test("type, required, enum, range, pattern and length errors", () => {
    expect(brief(v.validate(widget({ color: "green", size: "3", name: "ABC" })))).toEqual(
      [
        'invalid spec.color: must be one of "red", "blue", got string "green"',
        'invalid spec.size: must be integer, got string "3"',
        'invalid spec.name: must match ^[a-z]+$, got string "ABC"',
        "invalid spec.size: required field is missing",
      ].filter((m) => !m.endsWith("required field is missing")),
    );
    expect(brief(v.validate(widget({ size: 11, name: "abcdefghij" })))).toEqual([
      "invalid spec.size: must be at most 10, got 11",
      "invalid spec.name: must be at most 8 characters, got 10",
    ]);
    expect(brief(v.validate(widget({ color: "red" })))).toEqual([
      "invalid spec.size: required field is missing",
    ]);
  });

  test("a required field with a default is never missing: the apiserver defaults, then validates", () => {
    // kluctl's ObjectTemplate: `required: [interval, …]` with `interval: {default: 30s}`.
    const defaulted = widgetCrd();
    const versions = (defaulted.spec as KObject).versions as KObject[];
    const spec = ((versions[1]!.schema as KObject).openAPIV3Schema as KObject).properties as KObject;
    spec.spec = {
      type: "object",
      required: ["replicas", "interval"],
      properties: { replicas: { type: "integer" }, interval: { type: "string", default: "30s" } },
    };
    const d = createSchemaValidator({ crds: [defaulted] });
    expect(d.validate(widget({ replicas: 1 }, "v2"))).toEqual([]);
    expect(brief(d.validate(widget({ interval: "1m" }, "v2")))).toEqual([
      "invalid spec.replicas: required field is missing",
    ]);
  });

  test("unknown fields are reported as kube-apiserver would prune them", () => {
    expect(v.validate(widget({ size: 1, colour: "red" }, "v1", { extra: true }))).toEqual([
      { kind: "unknown-field", path: ["spec", "colour"], message: "spec.colour: unknown field" },
      { kind: "unknown-field", path: ["extra"], message: "extra: unknown field" },
    ]);
  });

  test("x-kubernetes-preserve-unknown-fields keeps anything; additionalProperties types map values", () => {
    expect(v.validate(widget({ size: 1, config: { any: { thing: [1, "x"] } } }))).toEqual([]);
    expect(brief(v.validate(widget({ size: 1, labels: { a: 1 } })))).toEqual([
      "invalid spec.labels.a: must be string, got integer 1",
    ]);
  });

  test("x-kubernetes-int-or-string", () => {
    expect(v.validate(widget({ size: 1, port: "http" }))).toEqual([]);
    expect(brief(v.validate(widget({ size: 1, port: 1.5 })))).toEqual([
      "invalid spec.port: must be integer or string, got number 1.5",
    ]);
  });

  test("x-kubernetes-int-or-string beside a type: the apiserver accepts it and takes both (sulibot)", () => {
    // external-snapshotter's VolumeSnapshot CRD writes restoreSize as `type: string` with
    // x-kubernetes-int-or-string; kube-apiserver's schema conversion makes any such type
    // [integer, string], and no structural rule refuses the pair.
    const crd = widgetCrd();
    type Props = { properties: Record<string, { properties: Record<string, unknown> }> };
    const versions = (crd.spec as { versions: Array<{ schema: { openAPIV3Schema: Props } }> }).versions;
    const spec = versions[0]!.schema.openAPIV3Schema.properties.spec!.properties;
    spec.port = { type: "string", "x-kubernetes-int-or-string": true };
    const cv = createSchemaValidator({ crds: [crd] });
    expect(cv.crdProblems).toEqual([]);
    expect(cv.validate(widget({ size: 1, port: 8080 }))).toEqual([]);
    expect(cv.validate(widget({ size: 1, port: "10Gi" }))).toEqual([]);
    expect(brief(cv.validate(widget({ size: 1, port: true })))).toEqual([
      "invalid spec.port: must be integer or string, got boolean true",
    ]);
  });

  test("x-kubernetes-embedded-resource needs apiVersion and kind", () => {
    const ok = { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { anything: 1 } };
    expect(v.validate(widget({ size: 1, template: ok }))).toEqual([]);
    expect(brief(v.validate(widget({ size: 1, template: { metadata: { name: "p" } } })))).toEqual([
      "invalid spec.template.apiVersion: required field is missing (embedded resource)",
      "invalid spec.template.kind: required field is missing (embedded resource)",
    ]);
  });

  test("nullable fields take null; null elsewhere is pruned like an absent field", () => {
    expect(v.validate(widget({ size: 1, note: null, owner: null }))).toEqual([]);
    expect(brief(v.validate(widget({ size: null })))).toEqual([
      "invalid spec.size: required field is missing",
    ]);
  });

  test("list-type set rejects duplicates", () => {
    expect(brief(v.validate(widget({ size: 1, tags: ["a", "a"] })))).toEqual([
      "invalid spec.tags[1]: duplicate entry (same as item 0)",
    ]);
  });

  test("each served version has its own schema; unserved and unknown versions have none", () => {
    expect(v.validate(widget({ replicas: 2 }, "v2"))).toEqual([]);
    expect(brief(v.validate(widget({ size: 2 }, "v2")))).toEqual([
      "unknown-field spec.size: unknown field",
      "invalid spec.replicas: required field is missing",
    ]);
    expect(v.validate(widget({ size: 1 }, "v0"))).toEqual([
      { kind: "no-schema", path: [], message: "version v0 of widgets.example.com is not served" },
    ]);
    expect(v.validate(widget({ size: 1 }, "v9"))[0]!.message).toBe(
      "Widget has no version v9 in widgets.example.com (has v1, v2, v0)",
    );
  });

  test("custom resources' metadata is checked as ObjectMeta", () => {
    expect(
      brief(v.validate(widget({ size: 1 }, "v1", { metadata: { name: "w", labels: { a: 1 } } }))),
    ).toEqual(["invalid metadata.labels.a: must be string, got integer 1"]);
  });

  test("CRDs load from extra schema directories; unparsable files are CRD problems", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "slipway-schemas-"));
    mkdirSync(path.join(dir, "nested"));
    writeFileSync(path.join(dir, "nested", "widgets.json"), JSON.stringify(widgetCrd()));
    writeFileSync(path.join(dir, "broken.yaml"), "a: [1, 2\n");
    writeFileSync(path.join(dir, "readme.md"), "not a schema");
    const fromDir = createSchemaValidator({ extraSchemaDirs: [dir] });
    expect(fromDir.validate(widget({ size: 1 }))).toEqual([]);
    expect(fromDir.crdProblems).toHaveLength(1);
    expect(fromDir.crdProblems[0]!.file).toBe(path.join(dir, "broken.yaml"));
    expect(fromDir.crdProblems[0]!.issue.kind).toBe("bad-crd");
  });
});

describe("CRD objects against the CRD meta-schema (JSONSchemaProps)", () => {
  const v = createSchemaValidator();

  /** Puts the documentation fields controller-gen writes on every schema node of a CRD. */
  function documented(crd: KObject): KObject {
    const walk = (schema: unknown): void => {
      if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return;
      const s = schema as Record<string, unknown>;
      s.description = `Documentation of this field.\nSecond line.`;
      for (const key of ["properties", "patternProperties", "definitions"])
        for (const sub of Object.values((s[key] as Record<string, unknown>) ?? {})) walk(sub);
      for (const key of ["items", "not", "additionalProperties"]) walk(s[key]);
      for (const key of ["allOf", "anyOf", "oneOf"]) for (const sub of (s[key] as unknown[]) ?? []) walk(sub);
    };
    for (const version of (crd.spec as KObject).versions as KObject[])
      walk((version.schema as KObject).openAPIV3Schema);
    return crd;
  }

  test("descriptions on every schema node are fields of JSONSchemaProps, not unknown fields", () => {
    expect(v.validate(documented(widgetCrd()))).toEqual([]);
  });

  test("every JSONSchemaProps field is known, with its type", () => {
    const crd = widgetCrd();
    const schema = ((crd.spec as KObject).versions as KObject[])[1]!.schema as KObject;
    schema.openAPIV3Schema = {
      type: "object",
      description: "Widget is the Schema for the widgets API",
      title: "Widget",
      externalDocs: { description: "docs", url: "https://example.com" },
      "x-kubernetes-validations": [
        { rule: "self.spec.replicas >= 0", message: "no negative", reason: "FieldValueInvalid" },
        { rule: "has(self.spec)", messageExpression: "'x'", fieldPath: ".spec", optionalOldSelf: true },
      ],
      properties: {
        spec: {
          type: "object",
          required: ["replicas"],
          minProperties: 1,
          maxProperties: 5,
          "x-kubernetes-map-type": "atomic",
          properties: {
            replicas: { type: "integer", format: "int32", default: 1, example: 3, minimum: 0, maximum: 9 },
            ratio: { type: "number", multipleOf: 0.5, exclusiveMinimum: true, exclusiveMaximum: false },
            ports: {
              type: "array",
              minItems: 0,
              maxItems: 3,
              uniqueItems: false,
              "x-kubernetes-list-type": "map",
              "x-kubernetes-list-map-keys": ["port"],
              items: { type: "object", properties: { port: { type: "integer" } }, required: ["port"] },
            },
            mode: { type: "string", enum: ["a", "b", null], nullable: true, pattern: "^[ab]$" },
            raw: { "x-kubernetes-preserve-unknown-fields": true, "x-kubernetes-embedded-resource": false },
            either: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] },
            anything: { type: "object", additionalProperties: true },
          },
        },
      },
    };
    expect(v.validate(crd)).toEqual([]);
  });

  test("a misspelt key inside a schema is an unknown field; a value of the wrong type is invalid", () => {
    const crd = widgetCrd();
    const schema = ((crd.spec as KObject).versions as KObject[])[1]!.schema as KObject;
    schema.openAPIV3Schema = {
      type: "object",
      descripton: "typo",
      properties: {
        spec: {
          type: "object",
          required: true,
          properties: {
            a: { type: "string", "x-kubernetes-preserve-unknown-field": true, description: 3 },
          },
          "x-kubernetes-validations": [{ rule: "true", mesage: "typo" }, { message: "no rule" }],
        },
      },
    };
    const at = "spec.versions[1].schema.openAPIV3Schema";
    expect(brief(v.validate(crd).filter((i) => i.kind !== "bad-crd"))).toEqual([
      `unknown-field ${at}.descripton: unknown field`,
      `invalid ${at}.properties.spec.required: must be array, got boolean true`,
      `unknown-field ${at}.properties.spec.properties.a.x-kubernetes-preserve-unknown-field: unknown field`,
      `invalid ${at}.properties.spec.properties.a.description: must be string, got integer 3`,
      `unknown-field ${at}.properties.spec.x-kubernetes-validations[0].mesage: unknown field`,
      `invalid ${at}.properties.spec.x-kubernetes-validations[1].rule: required field is missing`,
    ]);
  });

  test("the rest of a CRD is still checked against CustomResourceDefinition", () => {
    const crd = documented(widgetCrd());
    (crd.spec as KObject).scoope = "Namespaced";
    expect(brief(v.validate(crd))).toEqual(["unknown-field spec.scoope: unknown field"]);
  });

  test("v1beta1's spec.validation.openAPIV3Schema is judged the same way", () => {
    const crd: KObject = {
      apiVersion: "apiextensions.k8s.io/v1beta1",
      kind: "CustomResourceDefinition",
      metadata: { name: "olds.example.com" },
      spec: {
        group: "example.com",
        version: "v1",
        names: { kind: "Old", plural: "olds" },
        scope: "Namespaced",
        validation: {
          openAPIV3Schema: {
            type: "object",
            description: "old style",
            properties: { spec: { type: "object", description: "x", colour: 1 } },
          },
        },
      },
    };
    expect(brief(v.validate(crd))).toEqual([
      "unknown-field spec.validation.openAPIV3Schema.properties.spec.colour: unknown field",
    ]);
  });
});

describe("values as kube-apiserver decodes them", () => {
  const v = createSchemaValidator();
  const secret = (value: string): KObject => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "s" },
    data: { key: value },
  });

  test.each([
    ["kustomize's 70-column wrapped base64", wrappedBase64(Buffer.alloc(200, 7)), true],
    ["a short value", "YWJj", true],
    ["padding", "YWI=", true],
    ["CRLF line breaks", "YWJj\r\nYWJj\r\n", true],
    ["empty", "", true],
    ["missing padding", "YWI", false],
    ["a space", "YW Jj", false],
    ["data after the padding", "YWI=YWJj", false],
    ["URL-safe alphabet", "YW_j", false],
  ])("Secret data: %s", (_, value, ok) => {
    const issues = v.validate(secret(value));
    expect(issues.length === 0, JSON.stringify(issues)).toBe(ok);
  });

  test("a built-in kind's field set to null is absent, as Go decodes it; a required one is then missing", () => {
    // DevSecNinja's cloudnative-pg secret.sops.yaml: keys left `null` beside an encrypted one.
    const s: KObject = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s", labels: null },
      data: { AZURE_STORAGE_KEY: null, AZURE_CONNECTION_STRING: "YWJj" },
      type: null,
    };
    expect(v.validate(s)).toEqual([]);
    const d = deployment();
    (d.spec as Record<string, unknown>).selector = null;
    expect(brief(v.validate(d))).toEqual(["invalid spec.selector: required field is missing"]);
  });

  test("CRD format byte decodes like Go too", () => {
    const crd = widgetCrd();
    const schema = ((crd.spec as KObject).versions as KObject[])[1]!.schema as KObject;
    schema.openAPIV3Schema = {
      type: "object",
      properties: { spec: { type: "object", properties: { ca: { type: "string", format: "byte" } } } },
    };
    const cv = createSchemaValidator({ crds: [crd] });
    const widget = (ca: string) => ({
      apiVersion: "example.com/v2",
      kind: "Widget",
      metadata: { name: "w" },
      spec: { ca },
    });
    expect(cv.validate(widget(wrappedBase64(Buffer.alloc(120, 1))))).toEqual([]);
    expect(brief(cv.validate(widget("YWI")))).toEqual([
      'invalid spec.ca: must be base64-encoded data, got string "YWI"',
    ]);
  });

  test("CRD patterns are RE2, matched unanchored as Go does", () => {
    const crd = widgetCrd();
    const schema = ((crd.spec as KObject).versions as KObject[])[1]!.schema as KObject;
    schema.openAPIV3Schema = {
      type: "object",
      properties: {
        spec: {
          type: "object",
          properties: {
            insensitive: { type: "string", pattern: "(?i)^[a-z]+$" },
            named: { type: "string", pattern: "^(?P<word>[a-z]+)\\z" },
            classes: { type: "string", pattern: "^[[:alpha:]]+$" },
            ascii: { type: "string", pattern: "^\\d+$" },
            lookahead: { type: "string", pattern: "^(?=a)" },
          },
        },
      },
    };
    const cv = createSchemaValidator({ crds: [crd] });
    expect(cv.crdProblems.map((p) => p.issue.message)).toEqual([
      'spec.versions[1].schema.openAPIV3Schema.properties.spec.properties.lookahead.pattern: invalid regular expression "^(?=a)"',
    ]);
    const widget = (spec: Record<string, string>) => ({
      apiVersion: "example.com/v2",
      kind: "Widget",
      metadata: { name: "w" },
      spec,
    });
    expect(cv.validate(widget({ insensitive: "ABC", named: "abc", classes: "Abc", ascii: "12" }))).toEqual(
      [],
    );
    expect(brief(cv.validate(widget({ named: "abc\n", ascii: "١٢" })))).toEqual([
      'invalid spec.named: must match ^(?P<word>[a-z]+)\\z, got string "abc\\n"',
      'invalid spec.ascii: must match ^\\d+$, got string "١٢"',
    ]);
  });
});

describe("broken CRDs and bad input never crash", () => {
  test("a broken CRD schema is reported about the CRD, and its resources still validate", () => {
    const v = createSchemaValidator({ crds: [brokenCrd()] });
    const problems = v.crdProblems.map((p) => p.issue.message);
    expect(problems).toEqual([
      "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.untyped: type is required (structural schema)",
      "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.both: properties and additionalProperties are mutually exclusive",
      'spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.code.pattern: invalid regular expression "([a-z"',
      "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.list: items is required for type: array (structural schema)",
      'spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.weird.type: unknown type string "strin"',
    ]);
    const crdIssues = v.validate(brokenCrd()).filter((i) => i.kind === "bad-crd");
    expect(crdIssues.map((i) => i.message)).toEqual(problems);
    expect(crdIssues[0]!.path.slice(0, 5)).toEqual(["spec", "versions", 0, "schema", "openAPIV3Schema"]);
    const gadget = {
      apiVersion: "example.com/v1",
      kind: "Gadget",
      metadata: { name: "g" },
      spec: { code: "x" },
    };
    expect(v.validate(gadget)).toEqual([]);
  });

  test("a CRD without group, kind or schemas is reported, not thrown", () => {
    const v = createSchemaValidator({
      crds: [
        {
          apiVersion: "apiextensions.k8s.io/v1",
          kind: "CustomResourceDefinition",
          metadata: { name: "x" },
          spec: 3,
        },
        {
          apiVersion: "apiextensions.k8s.io/v1",
          kind: "CustomResourceDefinition",
          metadata: { name: "things.example.com" },
          spec: {
            group: "example.com",
            names: { kind: "Thing", plural: "things" },
            versions: [{ name: "v1" }],
          },
        },
      ],
    });
    expect(v.crdProblems.map((p) => p.issue.message)).toEqual([
      "spec: must be object, got integer 3",
      "spec.versions[0].schema.openAPIV3Schema: required field is missing",
    ]);
    expect(
      v.validate({ apiVersion: "example.com/v1", kind: "Thing", metadata: { name: "t" } })[0]!.kind,
    ).toBe("no-schema");
  });

  test("schemas that are not even objects", () => {
    const crd = widgetCrd();
    ((crd.spec as KObject).versions as KObject[])[0]!.schema = {
      openAPIV3Schema: { type: "object", properties: [1] },
    };
    const v = createSchemaValidator({ crds: [crd] });
    expect(v.crdProblems.map((p) => p.issue.message)).toEqual([
      "spec.versions[0].schema.openAPIV3Schema.properties: must be a map of schemas",
    ]);
  });

  test("unknown apiVersions and kinds get one no-schema result per kind", () => {
    const v = createSchemaValidator();
    expect(v.validate({ apiVersion: "apps/v7", kind: "Deployment", metadata: { name: "a" } })).toEqual([
      {
        kind: "no-schema",
        path: [],
        message: "no schema for Deployment apps/v7 (no built-in kind and no CRD)",
      },
    ]);
    expect(v.validate({ apiVersion: "../../x", kind: "../Pod", metadata: { name: "a" } })[0]!.kind).toBe(
      "no-schema",
    );
    expect(
      v.validate({ apiVersion: "apps/v1", kind: "DeploymentSpec", metadata: { name: "a" } })[0]!.kind,
    ).toBe("no-schema");
    expect(v.schemaSource("example.com/v1", "Nope")).toBeUndefined();
  });

  test("objects without apiVersion or kind, and non-objects", () => {
    const v = createSchemaValidator();
    expect(brief(v.validate({ metadata: { name: "a" } }))).toEqual([
      "invalid apiVersion: required field is missing",
      "invalid kind: required field is missing",
    ]);
    expect(brief(v.validate([] as unknown as KObject))).toEqual(["invalid (root): must be object"]);
    expect(v.validate({ apiVersion: "v1", kind: "ConfigMap", metadata: "x" } as KObject)[0]!.kind).toBe(
      "invalid",
    );
  });
});

describe("Flux kinds validate offline", () => {
  const v = createSchemaValidator();

  test("current versions of every Flux controller are known", () => {
    for (const [apiVersion, kind] of [
      ["kustomize.toolkit.fluxcd.io/v1", "Kustomization"],
      ["helm.toolkit.fluxcd.io/v2", "HelmRelease"],
      ["source.toolkit.fluxcd.io/v1", "GitRepository"],
      ["source.toolkit.fluxcd.io/v1", "OCIRepository"],
      ["source.toolkit.fluxcd.io/v1beta2", "OCIRepository"],
      ["source.toolkit.fluxcd.io/v1", "HelmRepository"],
      ["image.toolkit.fluxcd.io/v1beta2", "ImagePolicy"],
      ["notification.toolkit.fluxcd.io/v1beta3", "Alert"],
      ["notification.toolkit.fluxcd.io/v1", "Receiver"],
    ] as const) {
      expect(v.schemaSource(apiVersion, kind), `${apiVersion} ${kind}`).toBe("flux");
    }
  });

  test("a typical Kustomization and HelmRelease pass", () => {
    const ks = {
      apiVersion: "kustomize.toolkit.fluxcd.io/v1",
      kind: "Kustomization",
      metadata: { name: "apps", namespace: "flux-system" },
      spec: {
        interval: "10m0s",
        path: "./apps/production",
        prune: true,
        sourceRef: { kind: "GitRepository", name: "flux-system" },
        dependsOn: [{ name: "infra" }],
        postBuild: { substituteFrom: [{ kind: "ConfigMap", name: "cluster-vars" }] },
        decryption: { provider: "sops", secretRef: { name: "sops-age" } },
      },
    };
    expect(v.validate(ks)).toEqual([]);
    const hr = {
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: { name: "podinfo", namespace: "apps" },
      spec: {
        interval: "1h",
        chart: {
          spec: { chart: "podinfo", version: "6.x", sourceRef: { kind: "HelmRepository", name: "podinfo" } },
        },
        install: { remediation: { retries: 3 } },
        values: { replicaCount: 2, anything: { goes: true } },
      },
    };
    expect(v.validate(hr)).toEqual([]);
  });

  test("HelmRelease: the crds policies are an enum, valuesFrom takes literal, the rest of install/upgrade stays open", () => {
    // helm-controller's CRD: install.crds and upgrade.crds enum Skip;Create;CreateReplace (the
    // API server refuses the HelmRelease, so its Kustomization fails); valuesFrom[].literal is a
    // boolean that helm-controller reads (chartutil.ReplacePathLiteralValue).
    const hr = (spec: KObject) => ({
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: { name: "web", namespace: "apps" },
      spec: { interval: "1h", chartRef: { kind: "OCIRepository", name: "web" }, ...spec },
    });
    expect(
      v.validate(
        hr({
          install: { crds: "CreateReplace", remediation: { retries: 3 }, somethingNew: true },
          upgrade: { crds: "Skip" },
          valuesFrom: [{ kind: "Secret", name: "s", targetPath: "a.b", literal: true }],
        }),
      ),
    ).toEqual([]);
    expect(brief(v.validate(hr({ install: { crds: "create" }, upgrade: { crds: "Replace" } })))).toEqual([
      'invalid spec.install.crds: must be one of "Skip", "Create", "CreateReplace", got string "create"',
      'invalid spec.upgrade.crds: must be one of "Skip", "Create", "CreateReplace", got string "Replace"',
    ]);
  });

  test("Flux mistakes: wrong types, enum, missing required, typos", () => {
    const ks = {
      apiVersion: "kustomize.toolkit.fluxcd.io/v1",
      kind: "Kustomization",
      metadata: { name: "apps", namespace: "flux-system" },
      spec: {
        interval: "10 minutes",
        prune: "true",
        sourceRef: { kind: "GitRepo", name: "x" },
        dependOn: [],
      },
    };
    expect(brief(v.validate(ks))).toEqual([
      'invalid spec.interval: must match ^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$, got string "10 minutes"',
      'invalid spec.prune: must be boolean, got string "true"',
      'invalid spec.sourceRef.kind: must be one of "OCIRepository", "GitRepository", "Bucket", "ExternalArtifact", got string "GitRepo"',
      "unknown-field spec.dependOn: unknown field",
    ]);
    const policy = {
      apiVersion: "image.toolkit.fluxcd.io/v1beta2",
      kind: "ImagePolicy",
      metadata: { name: "app" },
      spec: { policy: { semver: { range: ">=1.0.0" } } },
    };
    expect(brief(v.validate(policy))).toEqual(["invalid spec.imageRepositoryRef: required field is missing"]);
  });

  test("Flux Operator kinds: ResourceSet, ResourceSetInputProvider, FluxInstance", () => {
    for (const kind of ["ResourceSet", "ResourceSetInputProvider", "FluxInstance"]) {
      expect(v.schemaSource("fluxcd.controlplane.io/v1", kind), kind).toBe("flux");
    }
    const rset = {
      apiVersion: "fluxcd.controlplane.io/v1",
      kind: "ResourceSet",
      metadata: { name: "apps", namespace: "flux-system" },
      spec: {
        inputStrategy: { name: "Permute" },
        inputs: [{ tenant: "a", anything: { nested: [1, 2] } }],
        inputsFrom: [{ kind: "ResourceSetInputProvider", selector: { matchLabels: { team: "a" } } }],
        resources: [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "<< inputs.tenant >>" } }],
        dependsOn: [
          {
            apiVersion: "apiextensions.k8s.io/v1",
            kind: "CustomResourceDefinition",
            name: "x.example.com",
            ready: true,
          },
        ],
        wait: true,
      },
    };
    expect(v.validate(rset)).toEqual([]);
    const typo = {
      ...rset,
      spec: {
        inputStrategy: { name: "Combine" },
        inputFrom: [],
        resourcesTemplate: "x",
        dependsOn: [{ kind: "X" }],
      },
    };
    expect(brief(v.validate(typo))).toEqual([
      'invalid spec.inputStrategy.name: must be one of "Flatten", "Permute", got string "Combine"',
      "unknown-field spec.inputFrom: unknown field",
      "invalid spec.dependsOn[0].apiVersion: required field is missing",
      "invalid spec.dependsOn[0].name: required field is missing",
    ]);
    const rsip = {
      apiVersion: "fluxcd.controlplane.io/v1",
      kind: "ResourceSetInputProvider",
      metadata: { name: "prs" },
      spec: { type: "GitHubPullRequests", url: "github.com/org/repo", filter: { labels: ["deploy"] } },
    };
    expect(brief(v.validate(rsip)).map((s) => s.split(":")[0])).toEqual([
      "invalid spec.type",
      "invalid spec.url",
    ]);
    const instance = {
      apiVersion: "fluxcd.controlplane.io/v1",
      kind: "FluxInstance",
      metadata: { name: "flux", namespace: "flux-system" },
      spec: {
        distribution: { version: "2.x", registry: "ghcr.io/fluxcd" },
        components: ["source-controller", "kustomize-controller"],
        cluster: { type: "kubernetes", networkPolicy: true },
        sync: {
          kind: "GitRepository",
          url: "https://example.com/fleet.git",
          ref: "refs/heads/main",
          path: "clusters/a",
        },
      },
    };
    expect(v.validate(instance)).toEqual([]);
  });

  test("retired Flux versions say which versions exist", () => {
    const hr = { apiVersion: "helm.toolkit.fluxcd.io/v2beta1", kind: "HelmRelease", metadata: { name: "a" } };
    expect(v.validate(hr)).toEqual([
      {
        kind: "no-schema",
        path: [],
        message: "HelmRelease has no version v2beta1 in helmreleases.helm.toolkit.fluxcd.io (has v2)",
      },
    ]);
  });

  test("a Flux CRD given to the validator takes precedence over the vendored schema", () => {
    const crd = widgetCrd();
    const spec = crd.spec as KObject;
    spec.group = "kustomize.toolkit.fluxcd.io";
    spec.names = { kind: "Kustomization", plural: "kustomizations" };
    (crd.metadata as KObject).name = "kustomizations.kustomize.toolkit.fluxcd.io";
    const withCrd = createSchemaValidator({ crds: [crd] });
    expect(withCrd.schemaSource("kustomize.toolkit.fluxcd.io/v1", "Kustomization")).toBe("crd");
    expect(
      withCrd.validate({
        apiVersion: "kustomize.toolkit.fluxcd.io/v1",
        kind: "Kustomization",
        metadata: { name: "k" },
        spec: { size: 2 },
      }),
    ).toEqual([]);
  });
});
