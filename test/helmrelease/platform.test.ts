// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} is the substitution syntax under test
import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { runCheck } from "../../src/check/engine.js";
import { allRules } from "../../src/check/rules/index.js";
import type { GoMap } from "../../src/helm/template/value.js";
import { readReleaseSpec, shortenReleaseName } from "../../src/helmrelease/spec.js";
import { composeReleaseValues, type ValuesReferenceError } from "../../src/helmrelease/values.js";
import { isMap, type KObject } from "../../src/kustomize/types.js";
import {
  type HelmReleaseInfo,
  loadPlatform,
  type Platform,
  platformErrors,
  type RenderedResource,
} from "../../src/platform/index.js";
import { helmRelease } from "../support/flux.js";
import { FIXTURE_FILES, localRelease, writeFixture } from "./fixture.js";

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function load(overrides: Record<string, string> = {}): Platform {
  const root = writeFixture(overrides);
  roots.push(root);
  return loadPlatform(root);
}

function release(p: Platform, name: string): HelmReleaseInfo {
  const h = p.clusters.flatMap((c) => c.helmReleases).find((x) => x.name === name);
  if (!h) throw new Error(`no HelmRelease ${name}`);
  return h;
}

function find(h: HelmReleaseInfo, kind: string, name: string): RenderedResource {
  const r = (h.resources ?? []).find((x) => x.object.kind === kind && meta(x.object).name === name);
  if (!r)
    throw new Error(
      `${h.name}: no ${kind} ${name} in ${(h.resources ?? []).map((x) => `${x.object.kind}/${meta(x.object).name}`).join(", ")}`,
    );
  return r;
}

const meta = (o: KObject) => (isMap(o.metadata) ? o.metadata : {}) as Record<string, unknown>;
const at = (o: unknown, ...p: Array<string | number>): unknown =>
  p.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k], o);

describe("HelmReleases whose chart is in the repository", () => {
  const p = load();

  it("composes values in helm-controller's order: chart defaults, valuesFrom in order, spec.values", () => {
    const demo = release(p, "demo");
    expect(demo.status).toBe("rendered");
    expect(demo.errors).toEqual([]);
    const deploy = find(demo, "Deployment", "demo").object;
    expect(at(deploy, "spec", "replicas")).toBe(3); // spec.values over the ConfigMap's 2 over the chart's 1
    const env = at(deploy, "spec", "template", "spec", "containers", 0, "env") as Array<
      Record<string, unknown>
    >;
    expect(env.find((e) => e.name === "GREETING")?.value).toBe("from-configmap");
    // targetPath from a Secret
    expect(at(find(demo, "ConfigMap", "demo-copy").object, "data", "password")).toBe("s3cr3t-value");
    expect(demo.secretInputs).toContain("s3cr3t-value");
    // the missing optional reference is said, not fatal
    expect(
      demo.warnings?.some((w) => w.includes("optional ConfigMap chart values reference 'apps/not-there'")),
    ).toBe(true);
  });

  it("applies post-renderers, commonMetadata and origin labels; objects land in the release namespace", () => {
    const demo = release(p, "demo");
    const deploy = find(demo, "Deployment", "demo");
    expect(at(deploy.object, "metadata", "annotations", "patched")).toBe("yes");
    expect(at(deploy.object, "spec", "template", "spec", "containers", 0, "image")).toBe("nginx:1.27");
    expect(meta(deploy.object).labels).toMatchObject({
      app: "demo",
      team: "web",
      "helm.toolkit.fluxcd.io/name": "demo",
      "helm.toolkit.fluxcd.io/namespace": "apps",
    });
    expect(meta(deploy.object).namespace).toBe("apps");
    expect(deploy.helmRelease).toBe("apps/demo");
    expect(deploy.kustomization).toBe("flux-system/apps");
    expect(deploy.source?.file).toBe("apps/helmrelease.yaml");
  });

  it("leaves cluster-scoped kinds without a namespace, as Helm does (PodSecurityPolicy of an old chart)", () => {
    const scoped = load({
      "charts/demo/templates/scoped.yaml": [
        "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: demo-psp}\nspec: {}",
        "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: demo-gc}\nspec: {controllerName: example.com/gw}",
        "apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: demo-issuer}\nspec: {selfSigned: {}}",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: demo-plain}\ndata: {a: b}",
      ].join("\n---\n"),
    });
    const demo = release(scoped, "demo");
    expect(demo.status).toBe("rendered");
    const namespaceOf = (kind: string, name: string) => meta(find(demo, kind, name).object).namespace;
    expect(namespaceOf("PodSecurityPolicy", "demo-psp")).toBeUndefined();
    expect(namespaceOf("GatewayClass", "demo-gc")).toBeUndefined();
    expect(namespaceOf("ClusterIssuer", "demo-issuer")).toBeUndefined();
    expect(namespaceOf("ConfigMap", "demo-plain")).toBe("apps");
  });

  it("installs crds/ by the CRD policy, hooks as helm-controller does, tests only with spec.test.enable", () => {
    const demo = release(p, "demo");
    const crd = find(demo, "CustomResourceDefinition", "widgets.example.com");
    expect(crd.crd).toBe(true);
    expect(meta(crd.object).labels).toMatchObject({ "helm.toolkit.fluxcd.io/name": "demo" });
    expect(find(demo, "Job", "demo-migrate").hook).toEqual(["pre-install", "pre-upgrade"]);
    expect((demo.resources ?? []).some((r) => meta(r.object).name === "demo-test")).toBe(false);

    const other = release(p, "other");
    expect(other.status).toBe("rendered");
    expect(other.releaseName).toBe("web-other");
    expect(other.releaseNamespace).toBe("web");
    expect((other.resources ?? []).some((r) => r.crd)).toBe(false); // install.crds: Skip
    expect(find(other, "Pod", "web-other-test").hook).toEqual(["test"]);
    expect(meta(find(other, "Deployment", "web-other").object).namespace).toBe("web");
  });

  // helm-controller defaults upgrade.crds to Create in code (internal/action/crds.go), as it does
  // install.crds: render shows the install view and says what an upgrade does where they differ.
  it("says what an upgrade applies of crds/ where upgrade.crds and install.crds disagree", () => {
    const note = (h: HelmReleaseInfo) => (h.warnings ?? []).filter((w) => w.includes("crds/"));
    expect(note(release(p, "demo"))).toEqual([]); // both default to Create
    expect(note(release(p, "other"))).toEqual([
      "HelmRelease apps/other: shown as installed, without its chart's crds/ (install.crds: Skip); an upgrade creates those CustomResourceDefinitions that do not exist yet (upgrade.crds: Create)",
    ]);
    const file = FIXTURE_FILES["apps/helmrelease.yaml"]!;
    const edited = load({
      "apps/helmrelease.yaml": file.replace("  install:\n    crds: Skip\n", "  upgrade:\n    crds: Skip\n"),
    });
    const other = release(edited, "other");
    expect(other.resources?.some((r) => r.crd)).toBe(true); // the install view
    expect(note(other)).toEqual([
      "HelmRelease apps/other: shown as installed, with its chart's crds/ (install.crds: Create); an upgrade applies none of them (upgrade.crds: Skip), so CustomResourceDefinitions a new chart version adds or changes reach the cluster only on a fresh install",
    ]);
    // A chart without crds/ has nothing to say.
    expect(note(release(load({ "charts/demo/crds/widgets.yaml": "" }), "other"))).toEqual([]);
  });

  it("releases of one chart each apply their own crds/ objects (one parse shared by the chart's facts and the first)", () => {
    const twins = load({
      "apps/helmrelease.yaml": `${FIXTURE_FILES["apps/helmrelease.yaml"]}---\n${localRelease("twin-a", "    replicas: 1\n")}---\n${localRelease("twin-b", "    replicas: 2\n")}`,
    });
    const crds = ["twin-a", "twin-b"].map((name) => {
      const crd = find(release(twins, name), "CustomResourceDefinition", "widgets.example.com");
      expect(crd.crd).toBe(true);
      expect(meta(crd.object).labels).toMatchObject({ "helm.toolkit.fluxcd.io/name": name });
      return crd.object;
    });
    const demo = find(release(twins, "demo"), "CustomResourceDefinition", "widgets.example.com").object;
    expect(new Set([demo, ...crds]).size).toBe(3);
    // The same CRD as the chart's file gives, labels aside.
    const unlabelled = (o: KObject) => ({ ...o, metadata: { ...meta(o), labels: undefined } });
    expect(unlabelled(crds[0]!)).toEqual(unlabelled(demo));
    expect(unlabelled(crds[1]!)).toEqual(unlabelled(demo));
  });

  it("resolves spec.chart and valuesFiles with `..` as source-controller's SecureJoin does: inside the source", () => {
    // builder_local.go SecureJoins spec.chart and each valuesFiles path to the artifact's root,
    // so `../../charts/demo` is `charts/demo` there; it never leaves the source, nor fails.
    const climbing = helmRelease(
      "climber",
      "apps",
      `      chart: ../../charts/demo
      valuesFiles:
        - ../charts/demo/values.yaml
        - ../../more-values.yaml
      sourceRef:
        kind: GitRepository
        name: flux-system
        namespace: flux-system
`,
    );
    const p2 = load({
      "apps/helmrelease.yaml": `${FIXTURE_FILES["apps/helmrelease.yaml"]}---\n${climbing}`,
      "more-values.yaml": "replicas: 7\n",
    });
    const climber = release(p2, "climber");
    expect(climber.errors).toEqual([]);
    expect(climber.status).toBe("rendered");
    expect(at(find(climber, "Deployment", "climber").object, "spec", "replicas")).toBe(7);
  });

  it("gives charts the cluster's CRDs as API versions", () => {
    expect(find(release(p, "demo"), "Widget", "demo")).toBeDefined();
    const noCrd = load({ "charts/demo/crds/widgets.yaml": "" });
    expect((release(noCrd, "demo").resources ?? []).some((r) => r.object.kind === "Widget")).toBe(false);
    const configured = load({
      "charts/demo/crds/widgets.yaml": "",
      "slipway.yaml": 'kubernetes:\n  version: "1.30.2"\n  apiVersions: [example.com/v1/Widget]\n',
    });
    const demo = release(configured, "demo");
    expect(demo.renderInputs?.kubeVersion).toBe("1.30.2");
    expect((demo.resources ?? []).some((r) => r.object.kind === "Widget")).toBe(true);
  });

  it("a chart outside the repository and not cached is one clear notice naming `slipway charts pull`, not a failure", () => {
    const remote = release(p, "remote");
    expect(remote.status).toBe("external");
    expect(remote.chartMissing).toMatch(
      /chart podinfo 6\.x from https:\/\/stefanprodan\.github\.io\/podinfo is not in the chart cache; run 'slipway charts pull'/,
    );
    expect(platformErrors(p)).toEqual([]);
  });

  it("releases asking for one chart the cache lacks are one finding per cluster, naming them all", () => {
    const more = (name: string, chart = "podinfo") =>
      `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\n  namespace: apps\nspec:\n  interval: 10m\n  chart:\n    spec:\n      chart: ${chart}\n      version: 6.x\n      sourceRef:\n        kind: HelmRepository\n        name: podinfo\n`;
    const p3 = load({
      "apps/helmrelease.yaml": `${FIXTURE_FILES["apps/helmrelease.yaml"]}---\n${more("remote-2")}---\n${more("remote-3")}---\n${more("third", "other-chart")}`,
    });
    const found = runCheck(p3, { rules: [...allRules], renderCache: false }).findings.filter(
      (f) => f.rule === "helmrelease-chart-not-cached",
    );
    expect(found.map((f) => [f.resource?.name, f.message])).toEqual([
      [
        "remote",
        "HelmRelease apps/remote and 2 more (apps/remote-2, apps/remote-3): chart podinfo 6.x from https://stefanprodan.github.io/podinfo is not in the chart cache; run 'slipway charts pull' to fetch it (not rendered)",
      ],
      [
        "third",
        "HelmRelease apps/third: chart other-chart 6.x from https://stefanprodan.github.io/podinfo is not in the chart cache; run 'slipway charts pull' to fetch it (not rendered)",
      ],
    ]);
  });

  it("renders identically across runs: random functions are seeded from the release", () => {
    const token = (h: HelmReleaseInfo, name: string) =>
      (
        at(find(h, "Deployment", name).object, "spec", "template", "spec", "containers", 0, "env") as Array<
          Record<string, unknown>
        >
      ).find((e) => e.name === "TOKEN")?.value;
    expect(token(release(p, "demo"), "demo")).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(token(release(p, "demo"), "demo")).not.toBe(token(release(p, "other"), "web-other"));
    const again = load();
    const objects = (q: Platform) =>
      q.clusters.flatMap((c) => c.helmReleases.flatMap((h) => h.resources ?? []).map((r) => r.object));
    expect(objects(again)).toEqual(objects(p));
  });

  it("a missing non-optional valuesFrom source fails that HelmRelease only, at its valuesFrom entry", () => {
    const q = load({
      "apps/values.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: unrelated\n  namespace: apps\n",
    });
    const demo = release(q, "demo");
    expect(demo.status).toBe("failed");
    expect(demo.errors).toHaveLength(1);
    expect(demo.errors?.[0]).toMatchObject({
      code: "VALUES_SOURCE_NOT_FOUND",
      field: ["spec", "valuesFrom", 0],
      file: "apps/helmrelease.yaml",
      helmRelease: "apps/demo",
    });
    expect(demo.errors?.[0]?.message).toContain(
      "could not resolve ConfigMap chart values reference 'apps/demo-values' with key 'values.yaml'",
    );
    expect(release(q, "other").status).toBe("rendered");
  });

  it("a broken post-renderer or template fails with the reason", () => {
    const q = load({
      "charts/demo/templates/broken.yaml": "{{ .Values.nope.deeper }}\n",
    });
    const demo = release(q, "demo");
    expect(demo.status).toBe("failed");
    expect(demo.errors?.[0]?.message).toMatch(/chart demo does not render: .*broken\.yaml/);
  });

  it("a template failing on what lookup returns is a warning: offline it is empty, helm-controller reads the cluster", () => {
    // artazar/flux2-general's network-policy chart: `index (lookup "v1" "Endpoints" "default"
    // "kubernetes").subsets 0`, which every cluster answers and no offline render can.
    const errorsOf = (q: Platform) =>
      runCheck(q, { rules: [...allRules], renderCache: false })
        .findings.filter((f) => f.rule === "render-error")
        .map((f) => `${f.severity} ${f.message.includes("calls lookup")}`);
    // Both releases of the fixture install chart demo: one finding each, alike.
    const only = (q: Platform) => [...new Set(errorsOf(q))];
    const lookup = load({
      "charts/demo/templates/_api.tpl":
        '{{- define "demo.api" -}}{{ (index (lookup "v1" "Endpoints" "default" "kubernetes").subsets 0).addresses }}{{- end -}}\n',
      "charts/demo/templates/netpol.yaml": '# {{ include "demo.api" . }}\n',
    });
    expect(release(lookup, "demo").errors?.[0]?.code).toBe("CHART_READS_CLUSTER");
    expect(only(lookup)).toEqual(["warning true"]);
    // The same failure without lookup, and a chart's own `required`, stay errors.
    const nil = load({
      "charts/demo/templates/_api.tpl":
        '{{- define "demo.api" -}}{{ (index .Values.nothing.subsets 0).addresses }}{{- end -}}\n',
      "charts/demo/templates/netpol.yaml": '# {{ include "demo.api" . }}\n',
    });
    expect(only(nil)).toEqual(["error false"]);
    const required = load({
      "charts/demo/templates/netpol.yaml":
        '# {{ lookup "v1" "Secret" "apps" "x" }}{{ required "set token" .Values.token }}\n',
    });
    expect(only(required)).toEqual(["error false"]);
  });
});

describe("a HelmRelease whose targetNamespace or releaseName a secret variable sets", () => {
  // apps substitutes from a Secret of the cluster: `${NS}` becomes the release namespace, and
  // `<ns>-demo` the name of each object the chart makes. Rendered, the secret was printed in the
  // clear (`Deployment topsecretns/topsecretns-demo` in findings and render output).
  const secretVariable = (field: string, value: string) =>
    load({
      "clusters/prod/vars.yaml":
        "apiVersion: v1\nkind: Secret\nmetadata: {name: vars, namespace: flux-system}\nstringData: {NS: topsecretns, NAME: hushhush}\n",
      "clusters/prod/apps.yaml": `${FIXTURE_FILES["clusters/prod/apps.yaml"]}  postBuild:\n    substituteFrom:\n      - kind: Secret\n        name: vars\n`,
      "apps/helmrelease.yaml": FIXTURE_FILES["apps/helmrelease.yaml"]!.replace(
        "spec:\n  interval: 10m\n",
        `spec:\n  interval: 10m\n  ${field}: ${value}\n`,
      ),
    });

  it.each([
    ["targetNamespace", "${NS}", "topsecretns"],
    ["releaseName", "${NAME}", "hushhush"],
  ])("is not rendered, a warning naming %s, and the value is printed nowhere", (field, value, secret) => {
    const p = secretVariable(field, value);
    const demo = release(p, "demo");
    expect(demo.status).toBe("failed");
    expect(demo.resources).toEqual([]);
    expect(demo.errors?.map((e) => [e.code, e.message])).toEqual([
      [
        "SECRET_IDENTITY",
        `HelmRelease apps/demo: its spec.${field} comes from a secret (a variable its parent substitutes from a Secret, or one Slipway cannot read offline) and becomes the ${field === "releaseName" ? "name" : "namespace"} of the objects its chart renders, which every output prints: not rendered, as Slipway does not render an object whose identity is secret`,
      ],
    ]);
    const findings = runCheck(p, { rules: [...allRules], renderCache: false }).findings;
    expect(findings.filter((f) => f.rule === "render-error").map((f) => f.severity)).toEqual(["warning"]);
    expect(JSON.stringify(findings)).not.toContain(secret);
  });

  it("the same value written in the HelmRelease renders", () => {
    const demo = release(secretVariable("targetNamespace", "plain"), "demo");
    expect(demo.status).toBe("rendered");
    expect(meta(find(demo, "Deployment", "plain-demo").object).namespace).toBe("plain");
  });
});

describe("release names and values composition", () => {
  it("shortens release names over 53 characters as helm-controller does", () => {
    // Expected values from helm-controller's internal/release/name_test.go.
    expect(shortenReleaseName("release-name")).toBe("release-name");
    expect(shortenReleaseName("release-name-with-very-long-name-which-is-longer-than-53-characters")).toBe(
      "release-name-with-very-long-name-which-i-788ca0d0d7b0",
    );
    expect(
      shortenReleaseName("another-release-name-with-very-long-name-which-is-longer-than-53-characters"),
    ).toBe("another-release-name-with-very-long-name-7e72150d5a36");
  });

  it("names the release [targetNamespace-]name unless spec.releaseName is set; namespace is targetNamespace", () => {
    const hr = (spec: Record<string, unknown>) =>
      readReleaseSpec({
        apiVersion: "helm.toolkit.fluxcd.io/v2",
        kind: "HelmRelease",
        metadata: { name: "app", namespace: "flux-system" },
        spec,
      } as KObject);
    expect(hr({})).toMatchObject({ releaseName: "app", releaseNamespace: "flux-system" });
    expect(hr({ targetNamespace: "web" })).toMatchObject({ releaseName: "web-app", releaseNamespace: "web" });
    expect(hr({ targetNamespace: "web", releaseName: "x" })).toMatchObject({
      releaseName: "x",
      releaseNamespace: "web",
    });
  });

  it("targetPath values: typed by --set rules, quoted ones as strings, literal ones verbatim; spec.values win", () => {
    const cm = (data: Record<string, string>): KObject => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "v", namespace: "ns" },
      data,
    });
    const lookup = (o: KObject) => () => o;
    const ref = (key: string, targetPath: string, literal = false) => ({
      kind: "ConfigMap",
      name: "v",
      valuesKey: key,
      targetPath,
      optional: false,
      literal,
      index: 0,
    });
    const run = (
      data: Record<string, string>,
      refs: ReturnType<typeof ref>[],
      values?: Record<string, unknown>,
    ) => composeReleaseValues("ns", refs, values as never, lookup(cm(data))).values;
    const a = run({ n: "3", q: '"3"', l: "a,b" }, [ref("n", "x.n"), ref("q", "x.q"), ref("l", "x.l", true)]);
    const x = a.get("x") as GoMap;
    expect(typeof x.get("n")).not.toBe("string"); // int64 from --set parsing
    expect(x.get("q")).toBe("3");
    expect(x.get("l")).toBe("a,b");
    const b = run({ "values.yaml": "a: 1\nb: {c: 2}\n" }, [{ ...ref("values.yaml", ""), targetPath: "" }], {
      b: { d: 4 },
      a: 5,
    });
    expect(b.get("a")).toBe(5);
    expect([...(b.get("b") as GoMap).keys()].sort()).toEqual(["c", "d"]);
  });

  it("a Secret's YAML that fails never shows its keys or values (Helm quotes them with %#v)", () => {
    const secret = (text: string): KObject => ({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s", namespace: "ns" },
      stringData: { "values.yaml": text },
    });
    const ref = {
      kind: "Secret",
      name: "s",
      valuesKey: "values.yaml",
      targetPath: "",
      optional: false,
      literal: false,
      index: 0,
    };
    const failure = (text: string) => {
      try {
        composeReleaseValues("ns", [ref], undefined, () => secret(text));
      } catch (e) {
        return (e as Error).message;
      }
      return "no error";
    };
    const nullKey = failure("~: hunter2\n");
    expect(nullKey).toMatch(/unsupported map key of type: %!s\(<nil>\)$/);
    const mapKey = failure("? {password: hunter2}\n: x\n");
    expect(mapKey).toMatch(/invalid map key$/);
    for (const m of [nullKey, mapKey]) expect(m).not.toContain("hunter2");
    // Found by the secrets audit: a tag that does not fit the scalar quoted the scalar.
    for (const tag of ["!!int", "!!float", "!!bool"]) {
      const m = failure(`password: ${tag} hunter2\n`);
      expect(m).toMatch(new RegExp(`cannot decode !!str \`…\` as a ${tag}$`));
      expect(m).not.toContain("hunter2");
    }
  });

  // Found by the secrets audit: a comma in a Secret's value starts a new --set key made of the
  // rest of the value, which strvals quoted (`key "secondHalf7" has no value`).
  it.each([
    ["a comma", "firstHalf,secondHalf7", /failed to merge value: key "…" has no value$/],
    ["a trailing comma", "firstHalf,secondHalf7,", /failed to merge value: key "…" has no value/],
    [
      "a negative index",
      "firstHalf,secondHalf7[-42]=x",
      /failed to merge value: negative N index not allowed$/,
    ],
    ["a bad index", "firstHalf,secondHalf7[zz42]=x", /failed to merge value: error parsing index/],
  ])("a Secret's value with %s in a targetPath never shows in the error", (_, value, expected) => {
    const ref = {
      kind: "Secret",
      name: "s",
      valuesKey: "v",
      targetPath: "a.b",
      optional: false,
      literal: false,
      index: 0,
    };
    const secret: KObject = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s", namespace: "ns" },
      stringData: { v: value },
    };
    let message = "no error";
    try {
      composeReleaseValues("ns", [ref], undefined, () => secret);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(expected);
    expect(message).not.toMatch(/secondHalf|42|zz/);
  });
});

describe("kustomize helmCharts in a Flux Kustomization", () => {
  it("is a render error of that Kustomization: Flux builds without --enable-helm", () => {
    const p = load({
      "apps/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
helmCharts:
  - name: demo
    repo: https://example.com/charts
    version: 1.0.0
`,
    });
    const apps = p.clusters[0]!.kustomizations.find((k) => k.name === "apps")!;
    expect(apps.status).toBe("failed");
    expect(apps.errors[0]).toMatchObject({ file: "apps/kustomization.yaml" });
    expect(apps.errors[0]!.message).toMatch(
      /helmCharts are not supported by Flux: kustomize-controller builds without --enable-helm/,
    );
  });
});

describe("valuesFrom the ConfigMap kube-root-ca.crt, which Kubernetes makes in every namespace", () => {
  const ref = (valuesKey: string, optional = false) => ({
    kind: "ConfigMap",
    name: "kube-root-ca.crt",
    valuesKey,
    targetPath: "hubCA",
    optional,
    literal: false,
    index: 0,
  });
  const problem = (valuesKey: string) => {
    try {
      composeReleaseValues("ns", [ref(valuesKey)], undefined, () => undefined);
    } catch (e) {
      return (e as ValuesReferenceError).problem;
    }
    return undefined;
  };

  it("is not missing: made by the cluster, its CA only the cluster has", () => {
    const p = problem("ca.crt");
    expect(p?.notFound).toBe(false);
    expect(p?.clusterMade).toBe(true);
    expect(p?.message).toContain("ConfigMap ns/kube-root-ca.crt is made by Kubernetes in every namespace");
  });

  it("another key is not there: helm-controller fails (or skips it, when optional)", () => {
    const p = problem("values.yaml");
    expect(p?.clusterMade).toBeUndefined();
    expect(p?.notFound).toBe(false);
    expect(p?.message).toContain("holds only 'ca.crt'");
    const composed = composeReleaseValues("ns", [ref("values.yaml", true)], undefined, () => undefined);
    expect(composed.skipped).toEqual([
      "could not resolve optional ConfigMap chart values reference 'ns/kube-root-ca.crt' with key 'values.yaml': key not found",
    ]);
  });
});
