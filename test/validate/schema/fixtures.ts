import type { KObject } from "../../../src/kustomize/types.js";

/** A CRD with two served versions and one that is not served, using every x-kubernetes extension. */
export function widgetCrd(): KObject {
  const v1 = {
    type: "object",
    properties: {
      spec: {
        type: "object",
        required: ["size"],
        properties: {
          size: { type: "integer", minimum: 1, maximum: 10 },
          color: { type: "string", enum: ["red", "blue"] },
          port: { "x-kubernetes-int-or-string": true },
          labels: { type: "object", additionalProperties: { type: "string" } },
          config: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
          template: {
            type: "object",
            "x-kubernetes-embedded-resource": true,
            "x-kubernetes-preserve-unknown-fields": true,
          },
          note: { type: "string", nullable: true },
          owner: { type: "string" },
          tags: { type: "array", items: { type: "string" }, "x-kubernetes-list-type": "set" },
          name: { type: "string", pattern: "^[a-z]+$", maxLength: 8 },
        },
      },
      status: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
    },
  };
  const v2 = {
    type: "object",
    properties: {
      spec: { type: "object", required: ["replicas"], properties: { replicas: { type: "integer" } } },
    },
  };
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "widgets.example.com" },
    spec: {
      group: "example.com",
      names: { kind: "Widget", plural: "widgets", singular: "widget", listKind: "WidgetList" },
      scope: "Namespaced",
      versions: [
        { name: "v1", served: true, storage: false, schema: { openAPIV3Schema: v1 } },
        { name: "v2", served: true, storage: true, schema: { openAPIV3Schema: v2 } },
        { name: "v0", served: false, storage: false, schema: { openAPIV3Schema: v1 } },
      ],
    },
  };
}

/** A CRD kube-apiserver would refuse: untyped field, properties with additionalProperties, bad regex. */
export function brokenCrd(): KObject {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "gadgets.example.com" },
    spec: {
      group: "example.com",
      names: { kind: "Gadget", plural: "gadgets" },
      scope: "Namespaced",
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: {
                spec: {
                  type: "object",
                  properties: {
                    untyped: { description: "no type" },
                    both: {
                      type: "object",
                      properties: { a: { type: "string" } },
                      additionalProperties: { type: "string" },
                    },
                    code: { type: "string", pattern: "([a-z" },
                    list: { type: "array" },
                    weird: { type: "strin" },
                  },
                },
              },
            },
          },
        },
      ],
    },
  };
}

export function deployment(overrides: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "apps", labels: { app: "web" } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          containers: [
            {
              name: "web",
              image: "nginx:1.27",
              ports: [{ containerPort: 80, name: "http" }],
              resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "128Mi" } },
              readinessProbe: { httpGet: { path: "/", port: "http" } },
              ...overrides,
            },
          ],
        },
      },
    },
  };
}
