import { describe, expect, it } from "vitest";
import { globMatch, ignores, runCheck, severityCounts } from "../../src/check/engine.js";
import { SourceLines } from "../../src/check/source-lines.js";
import type { Rule } from "../../src/check/types.js";
import type { KObject } from "../../src/kustomize/types.js";
import type { Platform, RenderedResource } from "../../src/platform/model.js";

const SOURCE = `apiVersion: v1
kind: ConfigMap
metadata:
  name: first
data:
  a: "1"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    slipway.dev/ignore: noisy, other
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx
`;

const files: Record<string, string> = { "/repo/app/all.yaml": SOURCE };
const read = (f: string) => files[f];

function resource(object: KObject, line: number, file = "app/all.yaml"): RenderedResource {
  return { object, source: { file, line }, touchedBy: [], kustomization: "flux-system/apps", cluster: "dev" };
}

// The rendered objects carry a name prefix (as a kustomization's namePrefix would add).
const cm = resource(
  { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "dev-first" }, data: { a: "1" } },
  1,
);
const deploy = resource(
  {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "dev-web", annotations: { "slipway.dev/ignore": "noisy, other" } },
    spec: { template: { spec: { containers: [{ name: "web", image: "nginx" }] } } },
  },
  8,
);

const platform: Platform = {
  root: "/repo",
  errors: [],
  clusters: [
    {
      name: "dev",
      path: "clusters/dev",
      sourceRoot: ".",
      mode: "flux",
      discoveredBy: "sync",
      sources: [],
      helmReleases: [],
      errors: [],
      renderMs: 0,
      kustomizations: [
        {
          cluster: "dev",
          namespace: "flux-system",
          name: "apps",
          id: "flux-system/apps",
          object: {},
          path: "./app",
          sourceRef: { kind: "GitRepository", namespace: "flux-system", name: "flux-system" },
          status: "rendered",
          suspended: false,
          dependsOn: [],
          resources: [cm, deploy],
          errors: [],
          warnings: [],
          children: [],
          definedAt: { file: "clusters/dev/apps.yaml", line: 3 },
          generatedKustomization: false,
          synthetic: false,
        },
      ],
    },
  ],
};

function rule(id: string, run: Rule["run"], defaultSeverity: Rule["defaultSeverity"] = "error"): Rule {
  return { id, defaultSeverity, description: id, run };
}

const imageRule = rule("image-rule", (ctx) => {
  for (const r of ctx.resources())
    if (r.object.kind === "Deployment")
      ctx.report({
        message: "image",
        resource: r,
        path: ["spec", "template", "spec", "containers", 0, "image"],
      });
});
const noisy = rule("noisy", (ctx) => {
  for (const r of ctx.resources()) ctx.report({ message: "noise", resource: r });
});
const missingField = rule(
  "missing-field",
  (ctx) => {
    ctx.report({ message: "m", resource: cm, path: ["data", "b", "c"] });
    ctx.report({ message: "m", resource: cm, path: ["data", "b", "c"] }); // duplicate
  },
  "warning",
);

describe("runCheck", () => {
  it("maps field paths to the source line through renamed objects, with ancestor fallback", () => {
    const r = runCheck(platform, { rules: [imageRule, missingField], readSource: read });
    expect(r.findings.map((f) => [f.rule, f.file, f.line])).toEqual([
      ["missing-field", "app/all.yaml", 5], // data: (b.c does not exist)
      ["image-rule", "app/all.yaml", 19],
    ]);
    expect(r.findings[1]?.resource).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      namespace: "",
      name: "dev-web",
    });
    expect(r.findings[1]?.cluster).toBe("dev");
    expect(r.findings[1]?.kustomization).toBe("flux-system/apps");
    expect(r.summary).toMatchObject({ errors: 1, warnings: 1, resources: 2, clusters: 1 });
  });

  it("honours slipway.dev/ignore on the object", () => {
    const r = runCheck(platform, { rules: [noisy], readSource: read });
    expect(r.findings.map((f) => f.resource?.kind)).toEqual(["ConfigMap"]);
  });

  it("applies severity overrides, off and per-path excludes from the configuration", () => {
    const config = {
      rules: {
        "image-rule": { severity: "info" as const, exclude: [], options: {} },
        "missing-field": { severity: "off" as const, exclude: [], options: {} },
        nosuch: { exclude: [], options: {} },
      },
      schemaDirs: [],
    };
    const r = runCheck(platform, { rules: [imageRule, missingField], config, readSource: read });
    expect(r.findings.map((f) => [f.rule, f.severity])).toEqual([["image-rule", "info"]]);
    expect(r.summary.rules).toEqual(["image-rule"]);
    expect(r.summary).toMatchObject({ errors: 0, warnings: 0, infos: 1 });
    expect(r.configWarnings).toEqual(["slipway.yaml: check.rules.nosuch: no such rule"]);
    const excluded = runCheck(platform, {
      rules: [imageRule],
      config: { rules: { "image-rule": { exclude: ["app/**"], options: {} } }, schemaDirs: [] },
      readSource: read,
    });
    expect(excluded.findings).toEqual([]);
  });

  it("passes rule options and strict to the rule", () => {
    let seen: unknown;
    const probe = rule("probe", (ctx) => {
      seen = [ctx.options, ctx.strict];
    });
    runCheck(platform, {
      rules: [probe],
      strict: true,
      config: { rules: { probe: { exclude: [], options: { max: 3 } } }, schemaDirs: [] },
    });
    expect(seen).toEqual([{ max: 3 }, true]);
  });

  it("turns a throwing rule into an error finding instead of crashing", () => {
    const r = runCheck(platform, {
      rules: [
        rule("boom", () => {
          throw new Error("kaput");
        }),
      ],
    });
    expect(r.findings).toEqual([{ rule: "boom", severity: "error", message: "rule boom failed: kaput" }]);
  });

  it("points findings about a Flux Kustomization without a file at its definition", () => {
    const r = runCheck(platform, {
      rules: [
        rule("k", (ctx) => ctx.report({ message: "k", cluster: "dev", kustomization: "flux-system/apps" })),
      ],
    });
    expect(r.findings.map((f) => `${f.file}:${f.line}`)).toEqual(["clusters/dev/apps.yaml:3"]);
  });

  it("sorts by cluster, file, line, severity and rule; explicit absolute files become relative", () => {
    const r = runCheck(platform, {
      rules: [
        rule("b", (ctx) => {
          ctx.report({ message: "x", cluster: "dev", file: "/repo/z.yaml", line: 1 });
          ctx.report({ message: "x", cluster: "dev", file: "a.yaml", line: 9 });
          ctx.report({ message: "x", cluster: "dev", file: "a.yaml", line: 2 });
          ctx.report({ message: "x", file: "a.yaml", line: 2 });
        }),
      ],
    });
    expect(r.findings.map((f) => `${f.cluster ?? "-"} ${f.file}:${f.line}`)).toEqual([
      "- a.yaml:2",
      "dev a.yaml:2",
      "dev a.yaml:9",
      "dev z.yaml:1",
    ]);
  });
});

describe("helpers", () => {
  it("severityCounts: one count per severity", () => {
    const f = (severity: "error" | "warning" | "info") => ({ rule: "r", severity, message: "m" });
    expect(severityCounts([f("error"), f("info"), f("error"), f("warning")])).toEqual({
      errors: 2,
      warnings: 1,
      infos: 1,
    });
    expect(severityCounts([])).toEqual({ errors: 0, warnings: 0, infos: 0 });
  });

  it("globMatch: *, ** and directory prefixes", () => {
    expect(globMatch("apps/**", "apps/a/b.yaml")).toBe(true);
    expect(globMatch("apps/*.yaml", "apps/a.yaml")).toBe(true);
    expect(globMatch("apps/*.yaml", "apps/a/b.yaml")).toBe(false);
    expect(globMatch("**/base/**", "infra/base/x.yaml")).toBe(true);
    expect(globMatch("apps/legacy", "apps/legacy/x.yaml")).toBe(true);
    expect(globMatch("apps/leg", "apps/legacy/x.yaml")).toBe(false);
  });

  it("ignores: comma-separated ids or all", () => {
    const o = (v: string): KObject => ({ metadata: { annotations: { "slipway.dev/ignore": v } } });
    expect(ignores(o("a, b"), "b")).toBe(true);
    expect(ignores(o("all"), "x")).toBe(true);
    expect(ignores(o("ab"), "a")).toBe(false);
    expect(ignores({}, "a")).toBe(false);
  });

  it("SourceLines parses a file once and survives unreadable and unparsable files", () => {
    let reads = 0;
    const lines = new SourceLines("/repo", (f) => {
      reads++;
      return f.endsWith("bad.yaml") ? "a: [" : files[f];
    });
    expect(lines.locate(deploy, ["spec"])?.line).toBe(14);
    expect(lines.locate(deploy, ["metadata", "name"])?.line).toBe(11);
    expect(reads).toBe(1);
    expect(lines.locate(resource(deploy.object, 4, "bad.yaml"), ["spec"])).toEqual({
      file: "bad.yaml",
      line: 4,
    });
    expect(lines.locate(resource(deploy.object, 2, "gone.yaml"))).toEqual({ file: "gone.yaml", line: 2 });
  });
});
