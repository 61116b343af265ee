import { readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { findMarkers } from "../../../src/check/rules/workloads/imagepolicy-marker.js";
import { rules } from "../../../src/check/rules/workloads.js";
import type { Rule, RuleContext, RuleFinding, Severity } from "../../../src/check/types.js";
import type { KObject } from "../../../src/kustomize/types.js";
import {
  allResources,
  type Cluster,
  type FluxKustomization,
  type HelmReleaseInfo,
  loadPlatform,
  type Platform,
  type RenderedResource,
} from "../../../src/platform/index.js";
import { hasShared, repoRoot, requires, sharedDir } from "../../support/env.js";

// ---- a tiny in-memory platform and rule harness ------------------------------------------

interface ResourceOpts {
  file?: string;
  line?: number;
  touchedBy?: string[];
}

function res(object: KObject, opts: ResourceOpts = {}): RenderedResource {
  return {
    object,
    ...(opts.file ? { source: { file: opts.file, line: opts.line ?? 1 } } : {}),
    touchedBy: opts.touchedBy ?? [],
    kustomization: "",
    cluster: "",
  };
}

interface KustomizationOpts {
  status?: FluxKustomization["status"];
  appliedBy?: string;
  dir?: string;
  object?: KObject;
}

function ks(id: string, resources: RenderedResource[], opts: KustomizationOpts = {}): FluxKustomization {
  const [namespace, name] = id.split("/") as [string, string];
  return {
    cluster: "",
    namespace,
    name,
    id,
    object: opts.object ?? {
      apiVersion: "kustomize.toolkit.fluxcd.io/v1",
      kind: "Kustomization",
      metadata: { name, namespace },
      spec: {},
    },
    path: opts.dir ?? "./",
    sourceRef: { kind: "GitRepository", namespace: "flux-system", name: "flux-system" },
    ...(opts.dir !== undefined ? { dir: opts.dir } : {}),
    status: opts.status ?? "rendered",
    suspended: false,
    dependsOn: [],
    resources,
    errors: [],
    warnings: [],
    ...(opts.appliedBy ? { appliedBy: opts.appliedBy } : {}),
    children: [],
    generatedKustomization: false,
    synthetic: false,
  };
}

function helmRelease(namespace: string, name: string, spec: KObject, kustomization: string): HelmReleaseInfo {
  return {
    cluster: "",
    namespace,
    name,
    object: {
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: { name, namespace },
      spec,
    },
    kustomization,
    dependsOn: [],
  };
}

function cluster(
  name: string,
  kustomizations: FluxKustomization[],
  helmReleases: HelmReleaseInfo[] = [],
): Cluster {
  for (const k of kustomizations) {
    k.cluster = name;
    for (const r of k.resources) {
      r.cluster = name;
      r.kustomization = k.id;
    }
  }
  for (const hr of helmReleases) hr.cluster = name;
  return {
    name,
    path: `clusters/${name}`,
    sourceRoot: ".",
    mode: "flux",
    discoveredBy: "sync",
    kustomizations,
    sources: [],
    helmReleases,
    errors: [],
    renderMs: 0,
  };
}

function platformOf(clusters: Cluster[], root = "/repo"): Platform {
  return { root, clusters, errors: [] };
}

interface Reported extends RuleFinding {
  severity: Severity;
}

function runRule(
  rule: Rule,
  platform: Platform,
  options: Record<string, unknown> = {},
  strict = false,
): Reported[] {
  const found: Reported[] = [];
  const ctx: RuleContext = {
    platform,
    report: (f) => found.push({ ...f, severity: f.severity ?? rule.defaultSeverity }),
    clusters: () => platform.clusters,
    kustomizations: () => platform.clusters.flatMap((c) => c.kustomizations),
    resources: () => allResources(platform),
    options,
    strict,
  };
  rule.run(ctx);
  return found;
}

function rule(id: string): Rule {
  const r = rules.find((x) => x.id === id);
  if (!r) throw new Error(`no rule ${id}`);
  return r;
}

function nameOfFinding(f: RuleFinding): string {
  const md = f.resource?.object.metadata as { name?: string } | undefined;
  return `${String(f.resource?.object.kind)}/${md?.name ?? ""}`;
}

// ---- objects -----------------------------------------------------------------------------

function container(name: string, extra: KObject = {}): KObject {
  return {
    name,
    image: `example/${name}:1.0.0`,
    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
    livenessProbe: { httpGet: { path: "/", port: 80 } },
    readinessProbe: { httpGet: { path: "/", port: 80 } },
    ...extra,
  };
}

function deployment(name: string, namespace: string, labels: KObject, podSpec: KObject = {}): KObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [container(name)], ...podSpec } },
    },
  };
}

function service(name: string, namespace: string, selector?: KObject, spec: KObject = {}): KObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace },
    spec: { ...(selector ? { selector } : {}), ports: [{ port: 80 }], ...spec },
  };
}

function namespace(name: string): KObject {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name } };
}

// ---- service-selector-matches ------------------------------------------------------------

describe("service-selector-matches", () => {
  const r = rule("service-selector-matches");

  it("passes when a workload's pod labels contain the selector", () => {
    const p = platformOf([
      cluster("prod", [
        ks("flux-system/apps", [
          res(deployment("web", "apps", { app: "web", tier: "front" })),
          res(service("web", "apps", { app: "web" })),
          res(service("external", "apps", undefined, { type: "ExternalName", externalName: "example.com" })),
          res(service("headless", "apps", undefined, { clusterIP: "None" })),
        ]),
      ]),
    ]);
    expect(runRule(r, p)).toEqual([]);
  });

  it("matches pods of every workload kind, CronJob job templates and Pods", () => {
    const cron: KObject = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "nightly", namespace: "apps" },
      spec: { jobTemplate: { spec: { template: { metadata: { labels: { job: "nightly" } }, spec: {} } } } },
    };
    const pod: KObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "debug", namespace: "apps", labels: { app: "debug" } },
      spec: { containers: [container("debug")] },
    };
    const rollout: KObject = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Rollout",
      metadata: { name: "canary", namespace: "apps" },
      spec: { template: { metadata: { labels: { app: "canary" } }, spec: {} } },
    };
    const p = platformOf([
      cluster("prod", [
        ks("flux-system/apps", [
          res(cron),
          res(pod),
          res(rollout),
          res(service("nightly", "apps", { job: "nightly" })),
          res(service("debug", "apps", { app: "debug" })),
          res(service("canary", "apps", { app: "canary" })),
        ]),
      ]),
    ]);
    expect(runRule(r, p)).toEqual([]);
  });

  it("reports a selector no pod template matches, naming the closest workload", () => {
    const svc = res(service("web", "apps", { app: "web", tier: "frontend" }), { file: "apps/service.yaml" });
    const p = platformOf([
      cluster("prod", [
        ks("flux-system/apps", [res(deployment("web", "apps", { app: "web", tier: "front" })), svc]),
      ]),
    ]);
    const found = runRule(r, p);
    expect(found).toHaveLength(1);
    expect(found[0]?.resource).toBe(svc);
    expect(found[0]?.path).toEqual(["spec", "selector"]);
    expect(found[0]?.severity).toBe("error");
    expect(found[0]?.message).toBe(
      "Service apps/web selects app=web,tier=frontend but no workload in namespace apps of cluster prod has those pod labels; closest is Deployment apps/web with pod labels app=web,tier=front (tier=frontend but the label is tier=front)",
    );
  });

  it("models the labels controllers add: a StatefulSet pod's name and index, Job names", () => {
    const sts = (name: string, spec: KObject): KObject => ({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name, namespace: "apps" },
      spec: { serviceName: name, template: { metadata: { labels: { app: name } }, spec: {} }, ...spec },
    });
    const job: KObject = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "migrate", namespace: "apps" },
      spec: { template: { metadata: { labels: {} }, spec: {} } },
    };
    const hpa: KObject = {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "cache", namespace: "apps" },
      spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "StatefulSet", name: "cache" }, maxReplicas: 9 },
    };
    const p = platformOf([
      cluster("prod", [
        ks("flux-system/apps", [
          res(sts("db", { replicas: 3 })),
          res(sts("mq", { replicas: 2, ordinals: { start: 5 } })),
          res(sts("cache", {})),
          res(deployment("web", "apps", { app: "web" })),
          res(job),
          res(hpa),
          res(service("db-primary", "apps", { app: "db", "statefulset.kubernetes.io/pod-name": "db-0" })),
          res(service("db-2", "apps", { "statefulset.kubernetes.io/pod-name": "db-2" })),
          res(service("db-index", "apps", { "apps.kubernetes.io/pod-index": "1", app: "db" })),
          res(service("mq-6", "apps", { "statefulset.kubernetes.io/pod-name": "mq-6" })),
          res(service("cache-7", "apps", { "statefulset.kubernetes.io/pod-name": "cache-7" })),
          res(service("web-hash", "apps", { app: "web", "pod-template-hash": "5d8f9c" })),
          res(service("migrate", "apps", { "job-name": "migrate" })),
          // no such pods: db has ordinals 0..2, mq 5..6, and web is not a StatefulSet
          res(service("db-3", "apps", { "statefulset.kubernetes.io/pod-name": "db-3" })),
          res(service("mq-0", "apps", { "statefulset.kubernetes.io/pod-name": "mq-0" })),
          res(service("web-0", "apps", { "statefulset.kubernetes.io/pod-name": "web-0" })),
        ]),
      ]),
    ]);
    expect(runRule(r, p).map((f) => f.message.split(" ")[1])).toEqual([
      "apps/db-3",
      "apps/mq-0",
      "apps/web-0",
    ]);
    expect(runRule(r, p)[0]?.message).toContain("(no pod has statefulset.kubernetes.io/pod-name=db-3)");
  });

  it("leaves out the labels Vault sets on its own pods at run time (vault-helm's vault-active Service)", () => {
    const vault: KObject = {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "vault", namespace: "vault" },
      spec: {
        serviceName: "vault-internal",
        template: {
          metadata: { labels: { "app.kubernetes.io/name": "vault", component: "server" } },
          spec: {},
        },
      },
    };
    const p = platformOf([
      cluster("prod", [
        ks("flux-system/vault", [
          res(vault),
          res(
            service("vault-active", "vault", {
              "app.kubernetes.io/name": "vault",
              component: "server",
              "vault-active": "true",
            }),
          ),
          res(
            service("vault-standby", "vault", {
              "app.kubernetes.io/name": "vault",
              component: "server",
              "vault-active": "false",
            }),
          ),
          // still judged: a term the template answers otherwise, and a label no one sets
          res(
            service("vault-agent", "vault", {
              "app.kubernetes.io/name": "vault",
              component: "agent",
              "vault-active": "true",
            }),
          ),
          res(service("vault-ui", "vault", { "app.kubernetes.io/name": "vault", "vault-ui": "true" })),
        ]),
      ]),
    ]);
    expect(runRule(r, p).map((f) => f.message.split(" ")[1])).toEqual([
      "vault/vault-agent",
      "vault/vault-ui",
    ]);
  });

  it("does not match workloads of another namespace or another cluster", () => {
    const p = platformOf([
      cluster("prod", [
        ks("flux-system/apps", [
          res(deployment("web", "other", { app: "web" })),
          res(service("web", "apps", { app: "web" })),
        ]),
      ]),
      cluster("dev", [ks("flux-system/apps", [res(deployment("web", "apps", { app: "web" }))])]),
    ]);
    const found = runRule(r, p);
    expect(found.map((f) => f.message)).toEqual([
      "Service apps/web selects app=web but no workload in namespace apps of cluster prod has those pod labels; namespace apps has no workloads",
    ]);
  });

  it("is a warning when a HelmRelease installs into the namespace (its pods are not rendered), an error with --strict", () => {
    const svc = res(service("grafana-extra", "monitoring", { "app.kubernetes.io/name": "grafana" }));
    const p = platformOf([
      cluster(
        "prod",
        [ks("flux-system/monitoring", [svc])],
        [helmRelease("flux-system", "grafana", { targetNamespace: "monitoring" }, "flux-system/monitoring")],
      ),
    ]);
    const found = runRule(r, p);
    expect(found).toHaveLength(1);
    expect(found[0]?.severity).toBe("warning");
    expect(found[0]?.message).toContain(
      "(pods may come from HelmRelease flux-system/grafana, which Slipway does not render)",
    );
    expect(runRule(r, p, {}, true)[0]?.severity).toBe("error");
  });
});

describe("service-selector-matches and installer Jobs", () => {
  const r = rule("service-selector-matches");
  const job = (account: string): KObject => ({
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: "viz-install", namespace: "linkerd-viz" },
    spec: {
      template: { metadata: { labels: { app: "viz-install" } }, spec: { serviceAccountName: account } },
    },
  });
  const rbac = (verbs: string[]): KObject[] => [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "installer" },
      rules: [{ apiGroups: ["*"], resources: ["*"], verbs }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "installer" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "installer" },
      subjects: [{ kind: "ServiceAccount", name: "installer", namespace: "linkerd-viz" }],
    },
  ];
  const platform = (objects: KObject[]) =>
    platformOf([
      cluster("prod", [
        ks(
          "flux-system/viz",
          [service("web", "linkerd-viz", { app: "web", "linkerd.io/extension": "viz" }), ...objects].map(
            (o) => res(o),
          ),
        ),
      ]),
    ]);

  it("is a warning when a Job of the namespace may create Deployments (brunovlucena's linkerd viz install)", () => {
    const found = runRule(r, platform([job("installer"), ...rbac(["*"])]));
    expect(found.map((f) => f.severity)).toEqual(["warning"]);
    expect(found[0]!.message).toContain(
      "Job linkerd-viz/viz-install, whose service account may create Deployments",
    );
  });

  it("stays an error when the Job's account may only read, or is another account", () => {
    expect(runRule(r, platform([job("installer"), ...rbac(["get", "list"])])).map((f) => f.severity)).toEqual(
      ["error"],
    );
    expect(runRule(r, platform([job("other"), ...rbac(["*"])])).map((f) => f.severity)).toEqual(["error"]);
  });
});

describe("service-selector-matches names the likely producer", () => {
  it("the release or custom resource a selector value names, before others in the namespace", () => {
    const svc = res(service("postgres-lb", "db", { "cnpg.io/cluster": "postgres", role: "primary" }));
    const pg = res({
      apiVersion: "postgresql.cnpg.io/v1",
      kind: "Cluster",
      metadata: { name: "postgres", namespace: "db" },
    });
    const other = res({
      apiVersion: "example.com/v1",
      kind: "Widget",
      metadata: { name: "w", namespace: "db" },
    });
    const found = (resources: ReturnType<typeof res>[], releases: string[]) =>
      runRule(
        rule("service-selector-matches"),
        platformOf([
          cluster(
            "prod",
            [ks("flux-system/db", resources)],
            releases.map((n) => helmRelease("db", n, {}, "flux-system/db")),
          ),
        ]),
      ).map((f) => /pods may come from ([^,]+),/.exec(f.message)?.[1]);
    expect(found([svc, other, pg], ["audiobookshelf"])).toEqual(["Cluster db/postgres"]);
    expect(found([svc, other], ["audiobookshelf", "postgres"])).toEqual(["HelmRelease db/postgres"]);
    // Before a release whose name starts the Service's (`postgres-lb`): the selector says which.
    expect(found([svc, pg], ["postgres-l", "postgres"])).toEqual(["HelmRelease db/postgres"]);
    // Nothing named: the first release, else the first custom resource, as before.
    expect(found([svc, other], ["audiobookshelf"])).toEqual(["HelmRelease db/audiobookshelf"]);
    expect(found([svc, other], [])).toEqual(["Widget db/w"]);
  });
});

describe("service-selector-matches and a rendered HelmRelease", () => {
  // bjw-s home-ops: kube-prometheus-stack's Services select the pods of the Alertmanager and
  // Prometheus custom resources the rendered chart holds; the release was named as "which
  // Slipway does not render".
  const svc = res(
    service("kps-alertmanager", "observability", {
      "app.kubernetes.io/name": "alertmanager",
      alertmanager: "kps",
    }),
  );
  const am = res({
    apiVersion: "monitoring.coreos.com/v1",
    kind: "Alertmanager",
    metadata: { name: "kps", namespace: "observability" },
  });
  const released = (status: HelmReleaseInfo["status"], resources: ReturnType<typeof res>[]) => {
    const hr = helmRelease("observability", "kps", {}, "flux-system/o11y");
    return { ...hr, status, resources };
  };
  const messages = (hr: HelmReleaseInfo, strict = false) =>
    runRule(
      rule("service-selector-matches"),
      platformOf([cluster("prod", [ks("flux-system/o11y", [])], [hr])]),
      {},
      strict,
    ).map((f) => [f.severity, /\(pods may come from (.*)\)$/.exec(f.message)?.[1]]);

  // Named by the other selector value, but not of a kind the selector names.
  const config = res({
    apiVersion: "monitoring.coreos.com/v1alpha1",
    kind: "AlertmanagerConfig",
    metadata: { name: "alertmanager", namespace: "observability" },
  });

  it("names the custom resource its selector names, not the rendered release as unrendered: info, --strict or not", () => {
    expect(messages(released("rendered", [svc, config, am]), true)).toEqual(
      messages(released("rendered", [svc, config, am])),
    );
    expect(messages(released("rendered", [svc, config, am]))).toEqual([
      ["info", "Alertmanager observability/kps, whose operator makes objects Slipway does not render"],
    ]);
  });

  it("the same release unrendered is named as such", () => {
    expect(messages(released("external", [svc]))).toEqual([
      ["warning", "HelmRelease observability/kps, which Slipway does not render"],
    ]);
  });

  it("a rendered release with nothing else in its namespace: named as rendered, still a warning", () => {
    expect(messages(released("rendered", [svc]))).toEqual([
      [
        "warning",
        "HelmRelease observability/kps, rendered here without it (a chart can render differently against a live cluster)",
      ],
    ]);
  });
});

describe("service-selector-matches in kube-system", () => {
  it("is a warning: control-plane pods (static pods, add-ons) are not in the repository", () => {
    const svc = res(service("kube-api", "kube-system", { "k8s-app": "kube-apiserver" }));
    const found = runRule(
      rule("service-selector-matches"),
      platformOf([cluster("prod", [ks("flux-system/cni", [svc])])]),
    );
    expect(found.map((f) => [f.severity, f.message])).toEqual([
      [
        "warning",
        "Service kube-system/kube-api selects k8s-app=kube-apiserver but no workload in namespace kube-system of cluster prod has those pod labels; namespace kube-system has no workloads (pods may come from the cluster's own control plane and add-ons, which Slipway does not render)",
      ],
    ]);
  });
});

// ---- workload-selector-matches-template --------------------------------------------------

describe("workload-selector-matches-template", () => {
  const r = rule("workload-selector-matches-template");

  it("passes matchLabels and matchExpressions that select the template", () => {
    const d = deployment("web", "apps", { app: "web", track: "stable" });
    (d.spec as KObject).selector = {
      matchLabels: { app: "web" },
      matchExpressions: [
        { key: "track", operator: "In", values: ["stable", "canary"] },
        { key: "legacy", operator: "DoesNotExist" },
        { key: "app", operator: "Exists" },
        { key: "track", operator: "NotIn", values: ["old"] },
      ],
    };
    const job: KObject = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "once", namespace: "apps" },
      spec: { template: { metadata: { labels: { run: "once" } }, spec: {} } },
    };
    const p = platformOf([cluster("prod", [ks("flux-system/apps", [res(d), res(job)])])]);
    expect(runRule(r, p)).toEqual([]);
  });

  it("reports each failing matchLabels term at its key", () => {
    const d = deployment("web", "apps", { app: "web" });
    (d.spec as KObject).selector = { matchLabels: { app: "webb", tier: "front" } };
    const dep = res(d, { file: "apps/deployment.yaml" });
    const p = platformOf([cluster("prod", [ks("flux-system/apps", [dep])])]);
    const found = runRule(r, p);
    expect(found.map((f) => [f.resource === dep, f.path, f.message, f.severity])).toEqual([
      [
        true,
        ["spec", "selector", "matchLabels", "app"],
        "Deployment apps/web: selector does not match its pod template labels: app=webb but the label is app=web",
        "error",
      ],
      [
        true,
        ["spec", "selector", "matchLabels", "tier"],
        "Deployment apps/web: selector does not match its pod template labels: label tier is missing",
        "error",
      ],
    ]);
  });

  it("reports a failing matchExpressions term at its index", () => {
    const sts: KObject = {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "db", namespace: "data" },
      spec: {
        selector: {
          matchLabels: { app: "db" },
          matchExpressions: [{ key: "role", operator: "In", values: ["primary"] }],
        },
        template: { metadata: { labels: { app: "db", role: "replica" } }, spec: {} },
      },
    };
    const found = runRule(r, platformOf([cluster("prod", [ks("flux-system/data", [res(sts)])])]));
    expect(found).toHaveLength(1);
    expect(found[0]?.path).toEqual(["spec", "selector", "matchExpressions", 0]);
    expect(found[0]?.message).toBe(
      "StatefulSet data/db: selector does not match its pod template labels: role In [primary] but the label is role=replica",
    );
  });

  it("reports an empty selector, and checks a ReplicationController's plain selector", () => {
    const ds: KObject = {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "agent", namespace: "kube-system" },
      spec: { selector: {}, template: { metadata: { labels: { app: "agent" } }, spec: {} } },
    };
    const rc: KObject = {
      apiVersion: "v1",
      kind: "ReplicationController",
      metadata: { name: "old", namespace: "apps" },
      spec: { selector: { app: "old" }, template: { metadata: { labels: { app: "new" } }, spec: {} } },
    };
    const found = runRule(r, platformOf([cluster("prod", [ks("flux-system/apps", [res(ds), res(rc)])])]));
    expect(found.map((f) => [nameOfFinding(f), f.path, f.message])).toEqual([
      [
        "DaemonSet/agent",
        ["spec", "selector"],
        "DaemonSet kube-system/agent has an empty selector, which selects every pod in the namespace (apps/v1 rejects it)",
      ],
      [
        "ReplicationController/old",
        ["spec", "selector", "app"],
        "ReplicationController apps/old: selector does not match its pod template labels: app=old but the label is app=new",
      ],
    ]);
  });
});

// ---- image-tag-pinned --------------------------------------------------------------------

describe("image-tag-pinned", () => {
  const r = rule("image-tag-pinned");

  it("accepts version tags, digests and registries with ports", () => {
    const d = deployment(
      "web",
      "apps",
      { app: "web" },
      {
        containers: [
          container("a", { image: "nginx:1.27.2" }),
          container("b", { image: "ghcr.io/org/app@sha256:0123456789abcdef" }),
          container("c", { image: "registry.local:5000/team/app:2.0" }),
          container("d", { image: "nginx:latest@sha256:0123456789abcdef" }),
        ],
      },
    );
    expect(runRule(r, platformOf([cluster("prod", [ks("flux-system/apps", [res(d)])])]))).toEqual([]);
  });

  it("reports :latest and missing tags in containers, initContainers and ephemeralContainers at the image field", () => {
    const d = deployment(
      "web",
      "apps",
      { app: "web" },
      {
        initContainers: [container("init", { image: "busybox" })],
        containers: [
          container("app", { image: "nginx:1.27" }),
          container("side", { image: "registry.local:5000/side:latest" }),
        ],
        ephemeralContainers: [{ name: "debug", image: "alpine" }],
      },
    );
    const dep = res(d);
    const found = runRule(r, platformOf([cluster("prod", [ks("flux-system/apps", [dep])])]));
    expect(found.every((f) => f.resource === dep && f.severity === "warning")).toBe(true);
    expect(found.map((f) => [f.path, f.message])).toEqual([
      [
        ["spec", "template", "spec", "containers", 1, "image"],
        'Deployment apps/web: container "side" image registry.local:5000/side:latest uses the :latest tag; pin a version tag or a digest',
      ],
      [
        ["spec", "template", "spec", "initContainers", 0, "image"],
        'Deployment apps/web: initContainer "init" image busybox has no tag (pulls :latest); pin a version tag or a digest',
      ],
      [
        ["spec", "template", "spec", "ephemeralContainers", 0, "image"],
        'Deployment apps/web: ephemeralContainer "debug" image alpine has no tag (pulls :latest); pin a version tag or a digest',
      ],
    ]);
  });

  it("checks CronJobs and Pods, and ignores objects that are not pod-bearing", () => {
    const cron: KObject = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "backup", namespace: "apps" },
      spec: {
        jobTemplate: {
          spec: { template: { spec: { containers: [{ name: "backup", image: "restic/restic" }] } } },
        },
      },
    };
    const pod: KObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", namespace: "apps" },
      spec: { containers: [{ name: "p", image: "busybox:latest" }] },
    };
    const hr: KObject = {
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: { name: "x", namespace: "apps" },
      spec: { values: { image: "nginx:latest" } },
    };
    const found = runRule(
      r,
      platformOf([cluster("prod", [ks("flux-system/apps", [res(cron), res(pod), res(hr)])])]),
    );
    expect(found.map((f) => [nameOfFinding(f), f.path])).toEqual([
      ["CronJob/backup", ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "image"]],
      ["Pod/p", ["spec", "containers", 0, "image"]],
    ]);
  });
});

// ---- container-resources -----------------------------------------------------------------

function withoutResources(c: KObject): KObject {
  const { resources: _, ...rest } = c;
  return rest;
}

describe("container-resources", () => {
  const r = rule("container-resources");

  it("passes containers with requests and limits", () => {
    const p = platformOf([
      cluster("prod", [ks("flux-system/apps", [res(deployment("web", "apps", { app: "web" }))])]),
    ]);
    expect(runRule(r, p)).toEqual([]);
  });

  it("reports what each container lacks, at its resources field", () => {
    const d = deployment(
      "web",
      "apps",
      { app: "web" },
      {
        initContainers: [container("init", { resources: { requests: { cpu: "10m", memory: "8Mi" } } })],
        containers: [withoutResources(container("app")), container("ok")],
      },
    );
    const dep = res(d);
    const found = runRule(r, platformOf([cluster("prod", [ks("flux-system/apps", [dep])])]));
    expect(found.map((f) => [f.resource === dep, f.path, f.message, f.severity])).toEqual([
      [
        true,
        ["spec", "template", "spec", "containers", 0],
        'Deployment apps/web: container "app" has no CPU request, memory request, CPU limit, memory limit',
        "warning",
      ],
      [
        true,
        ["spec", "template", "spec", "initContainers", 0, "resources"],
        'Deployment apps/web: initContainer "init" has no CPU limit, memory limit',
        "warning",
      ],
    ]);
  });

  it("takes the required resources from options, counts limits as requests and LimitRange defaults", () => {
    const d = deployment(
      "web",
      "apps",
      { app: "web" },
      {
        containers: [container("app", { resources: { limits: { memory: "64Mi" } } })],
      },
    );
    const p = platformOf([cluster("prod", [ks("flux-system/apps", [res(d)])])]);
    expect(runRule(r, p, { requests: ["memory"], limits: ["memory"] })).toEqual([]);
    expect(runRule(r, p, { requests: ["cpu"], limits: [] }).map((f) => f.message)).toEqual([
      'Deployment apps/web: container "app" has no CPU request',
    ]);
    const limitRange: KObject = {
      apiVersion: "v1",
      kind: "LimitRange",
      metadata: { name: "defaults", namespace: "apps" },
      spec: { limits: [{ type: "Container", default: { cpu: "500m" }, defaultRequest: { cpu: "50m" } }] },
    };
    const withDefaults = platformOf([cluster("prod", [ks("flux-system/apps", [res(d), res(limitRange)])])]);
    expect(runRule(r, withDefaults)).toEqual([]);
    expect(() => runRule(r, p, { limits: "cpu" })).toThrow(/options.limits must be a list/);
  });
});

// ---- container-probes --------------------------------------------------------------------

describe("container-probes", () => {
  const r = rule("container-probes");

  it("reports missing probes on long-running containers and sidecars, not on Jobs or init containers", () => {
    const noProbes = (name: string, extra: KObject = {}) => {
      const c = container(name, extra);
      delete c.livenessProbe;
      delete c.readinessProbe;
      return c;
    };
    const d = deployment(
      "web",
      "apps",
      { app: "web" },
      {
        initContainers: [noProbes("migrate"), noProbes("proxy", { restartPolicy: "Always" })],
        containers: [container("app", { livenessProbe: null }), container("ok")],
      },
    );
    const job: KObject = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "once", namespace: "apps" },
      spec: { template: { spec: { containers: [noProbes("once")] } } },
    };
    const oneShotPod: KObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "oneshot", namespace: "apps" },
      spec: { restartPolicy: "Never", containers: [noProbes("x")] },
    };
    const dep = res(d);
    const found = runRule(
      r,
      platformOf([cluster("prod", [ks("flux-system/apps", [dep, res(job), res(oneShotPod)])])]),
    );
    expect(found.map((f) => [f.resource === dep, f.path, f.message, f.severity])).toEqual([
      [
        true,
        ["spec", "template", "spec", "containers", 0],
        'Deployment apps/web: container "app" has no liveness probe',
        "warning",
      ],
      [
        true,
        ["spec", "template", "spec", "initContainers", 1],
        'Deployment apps/web: sidecar initContainer "proxy" has no liveness or readiness probe',
        "warning",
      ],
    ]);
    expect(
      runRule(r, platformOf([cluster("prod", [ks("flux-system/apps", [dep])])]), { require: ["readiness"] }),
    ).toHaveLength(1);
  });
});

// ---- ingress-backend-exists --------------------------------------------------------------

describe("ingress-backend-exists", () => {
  const r = rule("ingress-backend-exists");
  const ingress: KObject = {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name: "web", namespace: "apps" },
    spec: {
      defaultBackend: { service: { name: "fallback", port: { number: 80 } } },
      rules: [
        {
          host: "example.com",
          http: {
            paths: [
              { path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } },
              {
                path: "/api",
                pathType: "Prefix",
                backend: { service: { name: "api", port: { number: 80 } } },
              },
              { path: "/static", pathType: "Prefix", backend: { resource: { kind: "Bucket", name: "s" } } },
            ],
          },
        },
      ],
    },
  };
  const route: KObject = {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name: "web", namespace: "apps" },
    spec: {
      rules: [
        {
          backendRefs: [
            { name: "web", port: 80 },
            { name: "shared", namespace: "infra", port: 80 },
            { kind: "Service", name: "gone", port: 80 },
            { group: "example.com", kind: "Backend", name: "custom" },
          ],
        },
      ],
    },
  };

  it("reports Ingress backends that name no Service, at the name field", () => {
    const ing = res(ingress);
    const p = platformOf([
      cluster("prod", [
        ks("flux-system/apps", [
          ing,
          res(service("web", "apps", { app: "web" })),
          res(service("api", "other")),
        ]),
      ]),
    ]);
    const found = runRule(r, p);
    expect(found.map((f) => [f.resource === ing, f.path, f.message, f.severity])).toEqual([
      [
        true,
        ["spec", "defaultBackend", "service", "name"],
        "Ingress apps/web: backend Service apps/fallback does not exist in cluster prod",
        "error",
      ],
      [
        true,
        ["spec", "rules", 0, "http", "paths", 1, "backend", "service", "name"],
        "Ingress apps/web: backend Service apps/api does not exist in cluster prod",
        "error",
      ],
    ]);
  });

  it("the API server's own Service default/kubernetes always exists", () => {
    const apiRoute = res({
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name: "api", namespace: "apps" },
      spec: {
        rules: [
          {
            backendRefs: [
              { name: "kubernetes", namespace: "default", port: 443 },
              { name: "kubernetes", port: 443 },
            ],
          },
        ],
      },
    });
    const found = runRule(r, platformOf([cluster("prod", [ks("flux-system/apps", [apiRoute])])]));
    // Only the one in `apps` is missing.
    expect(found.map((f) => f.message)).toEqual([
      "HTTPRoute apps/api: backend Service apps/kubernetes does not exist in cluster prod",
    ]);
  });

  // flux-operator installs Flux's own Services into the FluxInstance's namespace
  // (config/data/flux/<version>/notification-controller.yaml: notification-controller and
  // webhook-receiver), components defaulting to the four core controllers.
  describe("Services a FluxInstance installs", () => {
    const webhook = (): RenderedResource =>
      res({
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: "github-webhook", namespace: "flux-system" },
        spec: { rules: [{ backendRefs: [{ name: "webhook-receiver", port: 80 }] }] },
      });
    const instance = (namespace: string, spec: KObject): RenderedResource =>
      res({
        apiVersion: "fluxcd.controlplane.io/v1",
        kind: "FluxInstance",
        metadata: { name: "flux", namespace },
        spec: { distribution: { version: "2.x" }, ...spec },
      });
    const ociSource = (name: string, url: string) => ({
      cluster: "prod",
      kind: "OCIRepository" as const,
      namespace: "flux-system",
      name,
      object: { apiVersion: "source.toolkit.fluxcd.io/v1", kind: "OCIRepository", spec: { url } },
      kustomization: "flux-system/apps",
    });
    const missing = (c: Cluster) =>
      runRule(r, platformOf([c])).map((f) => f.message.replace(/ \(it may come from .*\)$/, ""));
    const MISSING =
      "HTTPRoute flux-system/github-webhook: backend Service flux-system/webhook-receiver does not exist in cluster prod";

    it.each([
      ["default components", {}, []],
      [
        "notification-controller listed",
        { components: ["source-controller", "notification-controller"] },
        [],
      ],
      [
        "without notification-controller",
        { components: ["source-controller", "kustomize-controller"] },
        [MISSING],
      ],
    ])("a rendered FluxInstance: %s", (_, spec, want) => {
      expect(
        missing(cluster("prod", [ks("flux-system/apps", [webhook(), instance("flux-system", spec)])])),
      ).toEqual(want);
    });

    it("a FluxInstance of another namespace installs there, not in flux-system", () => {
      expect(
        missing(cluster("prod", [ks("flux-system/apps", [webhook(), instance("flux-operator", {})])])),
      ).toEqual([MISSING]);
    });

    it("the flux-instance chart's values.instance, through chartRef or chart name; no other chart", () => {
      const values = { instance: { components: ["notification-controller"] } };
      const viaRef = helmRelease(
        "flux-system",
        "flux-instance",
        { chartRef: { kind: "OCIRepository", name: "flux-instance" }, values },
        "flux-system/apps",
      );
      const withSource = (url: string, hr: HelmReleaseInfo) => {
        const c = cluster("prod", [ks("flux-system/apps", [webhook()])], [hr]);
        c.sources = [ociSource("flux-instance", url)];
        return c;
      };
      expect(missing(withSource("oci://ghcr.io/controlplaneio-fluxcd/charts/flux-instance", viaRef))).toEqual(
        [],
      );
      expect(missing(withSource("oci://example.com/charts/other", viaRef))).toEqual([MISSING]);
      const byName = helmRelease(
        "flux-system",
        "fi",
        {
          chart: { spec: { chart: "flux-instance", sourceRef: { kind: "HelmRepository", name: "cp" } } },
          values,
        },
        "flux-system/apps",
      );
      expect(missing(cluster("prod", [ks("flux-system/apps", [webhook()])], [byName]))).toEqual([]);
      const noController = helmRelease(
        "flux-system",
        "fi",
        {
          chart: { spec: { chart: "flux-instance", sourceRef: { kind: "HelmRepository", name: "cp" } } },
          values: { instance: { components: ["source-controller"] } },
        },
        "flux-system/apps",
      );
      expect(missing(cluster("prod", [ks("flux-system/apps", [webhook()])], [noController]))).toEqual([
        MISSING,
      ]);
    });
  });

  it("reports HTTPRoute backendRefs of kind Service, honouring their namespace", () => {
    const rt = res(route);
    const p = platformOf([
      cluster("prod", [
        ks("flux-system/apps", [
          rt,
          res(service("web", "apps", { app: "web" })),
          res(service("shared", "infra")),
        ]),
      ]),
    ]);
    const found = runRule(r, p);
    expect(found.map((f) => [f.resource === rt, f.path, f.message])).toEqual([
      [
        true,
        ["spec", "rules", 0, "backendRefs", 2, "name"],
        "HTTPRoute apps/web: backend Service apps/gone does not exist in cluster prod",
      ],
    ]);
  });

  it("reads extensions/v1beta1 Ingresses and lowers the severity when a HelmRelease may create the Service", () => {
    const old: KObject = {
      apiVersion: "extensions/v1beta1",
      kind: "Ingress",
      metadata: { name: "grafana", namespace: "monitoring" },
      spec: { backend: { serviceName: "grafana", servicePort: 80 } },
    };
    const p = platformOf([
      cluster(
        "prod",
        [ks("flux-system/monitoring", [res(old)])],
        [helmRelease("monitoring", "grafana", {}, "flux-system/monitoring")],
      ),
    ]);
    const found = runRule(r, p);
    expect(found.map((f) => [f.path, f.severity, f.message])).toEqual([
      [
        ["spec", "backend", "serviceName"],
        "warning",
        "Ingress monitoring/grafana: backend Service monitoring/grafana does not exist in cluster prod (it may come from HelmRelease monitoring/grafana, which Slipway does not render)",
      ],
    ]);
  });
});

describe("ingress-backend-exists: a Service an operator makes, named after its resource", () => {
  const r = rule("ingress-backend-exists");
  const route = (service: string): KObject => ({
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name: "web", namespace: "observability" },
    spec: { rules: [{ backendRefs: [{ name: service, port: 3000 }] }] },
  });
  const cr = (apiVersion: string, kind: string, name: string): KObject => ({
    apiVersion,
    kind,
    metadata: { name, namespace: "observability" },
    spec: {},
  });
  const grafana = cr("grafana.integreatly.org/v1beta1", "Grafana", "grafana");
  const hint = (service: string, objects: KObject[], release = "blackbox-exporter", strict = false) =>
    runRule(
      r,
      platformOf([
        cluster(
          "prod",
          [ks("flux-system/observability", [res(route(service)), ...objects.map((o) => res(o))])],
          // Unrendered (no chart cached).
          [helmRelease("observability", release, {}, "flux-system/observability")],
        ),
      ]),
      {},
      strict,
    ).map((f) => [f.severity, f.message.replace(/^.* does not exist in cluster prod /, "")]);
  const byRelease = (name: string) =>
    `(it may come from HelmRelease observability/${name}, which Slipway does not render)`;
  const byOperator = (what: string) =>
    `(it may come from ${what}, whose operator makes objects Slipway does not render)`;

  it("names the resource its kind and name name (grafana-operator: Grafana grafana → grafana-service), not an unrelated HelmRelease", () => {
    expect(hint("grafana-service", [grafana])).toEqual([
      ["warning", byOperator("Grafana observability/grafana")],
    ]);
    // VictoriaMetrics' VMSingle vm → vmsingle-vm.
    const vm = cr("operator.victoriametrics.com/v1beta1", "VMSingle", "vm");
    expect(hint("vmsingle-vm", [vm])).toEqual([["warning", byOperator("VMSingle observability/vm")]]);
    expect(hint("grafana-service", [grafana], "blackbox-exporter", true)[0]![0]).toBe("error");
  });

  it("a HelmRelease whose name starts the Service's comes first; a name alone, or part of a word, is no evidence", () => {
    expect(hint("grafana-service", [grafana], "grafana")).toEqual([["warning", byRelease("grafana")]]);
    // A GrafanaDashboard (or a ReplicationSource, a network policy) is named after the app.
    const dashboard = cr("grafana.integreatly.org/v1beta1", "GrafanaDashboard", "forgejo");
    expect(hint("forgejo-http", [dashboard])).toEqual([["warning", byRelease("blackbox-exporter")]]);
    expect(hint("grafanas", [grafana])).toEqual([["warning", byRelease("blackbox-exporter")]]);
  });
});

describe("ingress-backend-exists: which of several unrendered releases may make the Service", () => {
  const r = rule("ingress-backend-exists");
  const route: KObject = {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name: "alertmanager", namespace: "observability" },
    spec: { rules: [{ backendRefs: [{ name: "alertmanager-operated", port: 9093 }] }] },
  };
  const hint = (routeApplier: string) =>
    runRule(
      r,
      platformOf([
        cluster(
          "prod",
          [ks(routeApplier, [res(route)])],
          ["abb-cvc", "gatus", "kube-prometheus-stack", "loki"].map((name) =>
            helmRelease("observability", name, {}, `observability/${name}`),
          ),
        ),
      ]),
    ).map((f) => [f.severity, f.message.replace(/^.* does not exist in cluster prod /, "")]);

  it("the one the route's own Flux Kustomization applies", () => {
    expect(hint("observability/kube-prometheus-stack")).toEqual([
      [
        "warning",
        "(it may come from HelmRelease observability/kube-prometheus-stack, which Slipway does not render)",
      ],
    ]);
  });

  it("none of them beside the route: all counted, not the first named as if it were the one", () => {
    expect(hint("observability/routes")).toEqual([
      [
        "warning",
        "(it may come from one of the 4 HelmReleases of that namespace that Slipway does not render (abb-cvc, gatus, kube-prometheus-stack, …))",
      ],
    ]);
  });
});

describe("ingress-backend-exists: a Service of the app the route's own annotation names (warroyo's Tanzu spaces)", () => {
  const r = rule("ingress-backend-exists");
  const route = (annotations: Record<string, string>): KObject => ({
    apiVersion: "gateway.networking.k8s.io/v1beta1",
    kind: "HTTPRoute",
    metadata: { name: "spring-music-http-route", namespace: "default", annotations },
    spec: { rules: [{ backendRefs: [{ kind: "Service", name: "spring-music", port: 8080 }] }] },
  });
  const found = (annotations: Record<string, string>) =>
    runRule(r, platformOf([cluster("space", [ks("flux-system/space", [res(route(annotations))])])])).map(
      (f) => [f.severity, f.message.replace(/^.* does not exist in cluster space ?/, "")],
    );

  it("is a warning naming the ContainerApp, deployed outside the repository, that makes it", () => {
    expect(found({ "apps.tanzu.vmware.com/promote-group": "ContainerApp/spring-music" })).toEqual([
      [
        "warning",
        "(it may come from ContainerApp spring-music, which its annotation apps.tanzu.vmware.com/promote-group names and whose operator makes objects Slipway does not render)",
      ],
    ]);
  });

  it("not when the annotation names another app, or a kind of Kubernetes itself", () => {
    expect(found({ "apps.tanzu.vmware.com/promote-group": "ContainerApp/other" })).toEqual([["error", ""]]);
    expect(found({ owner: "Deployment/spring-music" })).toEqual([["error", ""]]);
  });
});

describe("a Service a release named after it makes, whose chart is not cached, is information", () => {
  // bjw-s-style repositories without a chart cache: every HTTPRoute to an app-template release's
  // Service was a warning, though the chart makes the Service; until `slipway charts pull` the
  // check can only say it does not know.
  const route: KObject = {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name: "web", namespace: "apps" },
    spec: { rules: [{ backendRefs: [{ name: "forgejo-http", port: 3000 }] }] },
  };
  const service: KObject = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "forgejo-extra", namespace: "apps" },
    spec: { selector: { "app.kubernetes.io/instance": "forgejo" } },
  };
  const found = (release: HelmReleaseInfo, strict = false) =>
    ["ingress-backend-exists", "service-selector-matches"].map(
      (id) =>
        runRule(
          rule(id),
          platformOf([cluster("prod", [ks("flux-system/apps", [res(route), res(service)])], [release])]),
          {},
          strict,
        )[0]?.severity,
    );
  const named = (name: string, how: Partial<HelmReleaseInfo>) => ({
    ...helmRelease("apps", name, {}, "flux-system/apps"),
    status: "external" as const,
    ...how,
  });
  const notCached = { chartMissing: "HelmRelease apps/forgejo: chart forgejo is not in the chart cache" };

  it("info when the release named after the Service is unrendered for want of its chart", () => {
    expect(found(named("forgejo", notCached))).toEqual(["info", "info"]);
  });
  it("a warning when the release failed, or is not named after it; an error with --strict", () => {
    expect(found(named("forgejo", { status: "failed" }))).toEqual(["warning", "warning"]);
    expect(found(named("gitea", notCached))).toEqual(["warning", "warning"]);
    expect(found(named("forgejo", notCached), true)).toEqual(["error", "error"]);
  });
  it("the severity follows the release the message names, of two the selector names", () => {
    // Both releases are named by a selector value; the one whose name starts the Service's is
    // named in the message, and it decides the severity (a failed render gives a warning).
    const twoNamed: KObject = {
      ...service,
      spec: { selector: { "app.kubernetes.io/part-of": "gitea", "app.kubernetes.io/instance": "forgejo" } },
    };
    const seen = (releases: HelmReleaseInfo[]) =>
      runRule(
        rule("service-selector-matches"),
        platformOf([cluster("prod", [ks("flux-system/apps", [res(twoNamed)])], releases)]),
      ).map((f) => [f.severity, /from HelmRelease apps\/(\w+),/.exec(f.message)?.[1]]);
    expect(seen([named("gitea", { status: "failed" }), named("forgejo", notCached)])).toEqual([
      ["info", "forgejo"],
    ]);
    expect(seen([named("gitea", notCached), named("forgejo", { status: "failed" })])).toEqual([
      ["warning", "forgejo"],
    ]);
  });
});

// ---- namespace-exists --------------------------------------------------------------------

describe("namespace-exists", () => {
  const r = rule("namespace-exists");
  const cm = (name: string, ns: string): KObject => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: ns },
    data: {},
  });

  it("does not conclude from one app's overlay: a stack found as overlays/<env> (osowski's Argo CD apps)", () => {
    const stack = (appOverlay: boolean) => {
      const c = cluster("argocd-config/overlays/eks-demo", [ks("/stack", [res(cm("argocd-cm", "argocd"))])]);
      c.mode = "kustomize";
      c.discoveredBy = "kustomize-stack";
      if (appOverlay) c.appOverlay = true;
      return platformOf([c]);
    };
    expect(runRule(r, stack(true))).toEqual([]);
    expect(runRule(r, stack(false)).map((f) => f.message)).toEqual([
      "ConfigMap argocd/argocd-cm: namespace argocd does not exist in cluster argocd-config/overlays/eks-demo: no Namespace object of the platform creates it",
    ]);
  });

  it("accepts built-in namespaces, rendered Namespaces anywhere in the cluster, and HelmRelease createNamespace", () => {
    const hrObject: KObject = {
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: { name: "redis", namespace: "flux-system" },
      spec: { targetNamespace: "cache", install: { createNamespace: true } },
    };
    const p = platformOf([
      cluster(
        "prod",
        [
          ks("flux-system/namespaces", [res(namespace("apps"))]),
          ks("flux-system/apps", [
            res(cm("a", "apps")),
            res(cm("b", "kube-system")),
            res(cm("c", "flux-system")),
            res(cm("d", "cache")),
            res(cm("e", "default")),
            res(hrObject),
            res({
              apiVersion: "rbac.authorization.k8s.io/v1",
              kind: "ClusterRole",
              metadata: { name: "x", namespace: "nowhere" },
            }),
            res({
              apiVersion: "cert-manager.io/v1",
              kind: "ClusterIssuer",
              metadata: { name: "le", namespace: "nowhere" },
            }),
          ]),
        ],
        [
          helmRelease(
            "flux-system",
            "redis",
            { targetNamespace: "cache", install: { createNamespace: true } },
            "flux-system/apps",
          ),
        ],
      ),
    ]);
    expect(runRule(r, p)).toEqual([]);
  });

  it("knows OpenShift's own namespaces and cluster-scoped config kinds on a cluster that configures OpenShift (angelnu's OKD)", () => {
    const obj = (apiVersion: string, kind: string, name: string, ns: string): KObject => ({
      apiVersion,
      kind,
      metadata: { name, namespace: ns },
    });
    const okd = [
      res(obj("config.openshift.io/v1", "APIServer", "cluster", "nowhere")),
      res(obj("operator.openshift.io/v1", "IngressController", "default", "openshift-ingress-operator")),
      res(obj("operators.coreos.com/v1alpha1", "CatalogSource", "okd", "openshift-marketplace")),
      res(cm("monitoring", "openshift-monitoring")),
    ];
    expect(runRule(r, platformOf([cluster("okd", [ks("flux-system/config", okd)])]))).toEqual([]);
    // Without OpenShift's API groups, an openshift-* namespace is like any other.
    const plain = platformOf([
      cluster("k8s", [ks("flux-system/config", [res(cm("m", "openshift-monitoring"))])]),
    ]);
    expect(runRule(r, plain).map((f) => f.message)).toEqual([
      expect.stringContaining("namespace openshift-monitoring does not exist"),
    ]);
  });

  it("reports a namespaced object without a namespace, as Flux's dry-run fails it ('namespace not specified')", () => {
    const bare = (apiVersion: string, kind: string, extra: KObject = {}): KObject => ({
      apiVersion,
      kind,
      metadata: { name: "x", ...extra },
    });
    const crd = (kind: string, scope: string): KObject => ({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: `${kind.toLowerCase()}s.example.com` },
      spec: { group: "example.com", names: { kind }, scope },
    });
    const p = platformOf([
      cluster("prod", [
        ks("flux-system/apps", [
          res(crd("Widget", "Namespaced")),
          res(crd("Gadget", "Cluster")),
          res(bare("v1", "ConfigMap")),
          res(bare("apps/v1", "Deployment")),
          res(bare("example.com/v1", "Widget")),
          // not reported: cluster-scoped, unknown scope, or not applied by Flux
          res(bare("example.com/v1", "Gadget")),
          res(bare("other.io/v1", "Thing")),
          res(bare("rbac.authorization.k8s.io/v1", "ClusterRole")),
          // removed in Kubernetes 1.25, cluster-scoped before (mthorley/k8s-gitops, 2022: loki's chart output)
          res(bare("policy/v1beta1", "PodSecurityPolicy")),
          res(bare("extensions/v1beta1", "PodSecurityPolicy")),
          res(bare("v1", "Secret", { annotations: { "kustomize.toolkit.fluxcd.io/reconcile": "disabled" } })),
          res(bare("v1", "Service", { labels: { "kustomize.toolkit.fluxcd.io/ssa": "Ignore" } })),
        ]),
      ]),
    ]);
    const found = runRule(r, p).map((f) => f.message);
    expect(found).toEqual([
      "ConfigMap x: a namespaced object without a namespace: Flux's dry-run fails the whole Flux Kustomization with \"ConfigMap/x namespace not specified\" (set metadata.namespace, the kustomization's namespace or the Flux Kustomization's spec.targetNamespace)",
      "Deployment x: a namespaced object without a namespace: Flux's dry-run fails the whole Flux Kustomization with \"Deployment/x namespace not specified\" (set metadata.namespace, the kustomization's namespace or the Flux Kustomization's spec.targetNamespace)",
      "Widget x: a namespaced object without a namespace: Flux's dry-run fails the whole Flux Kustomization with \"Widget/x namespace not specified\" (set metadata.namespace, the kustomization's namespace or the Flux Kustomization's spec.targetNamespace)",
    ]);
  });

  // GMCHETHANA/multi-env-k8s-gitops (round 18): an Argo CD repository's overlay, built with
  // kustomize and no Flux; Argo CD puts such objects into the Application's destination namespace.
  it("does not report an object without a namespace in a stack built with kustomize and no Flux", () => {
    const bare: KObject = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" } };
    const plain = cluster("overlays/dev", [ks("flux-system/apps", [res(bare)])]);
    plain.mode = "kustomize";
    expect(runRule(r, platformOf([plain]))).toEqual([]);
    const flux = cluster("prod", [ks("flux-system/apps", [res(bare)])]);
    expect(runRule(r, platformOf([flux])).map((f) => f.message)).toEqual([
      expect.stringContaining('"Deployment/x namespace not specified"'),
    ]);
  });

  it("reports objects in a namespace no Namespace object creates, and HelmRelease targetNamespaces", () => {
    const orphan = res(cm("settings", "shop"), { file: "apps/shop/configmap.yaml" });
    const hrObject: KObject = {
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: { name: "redis", namespace: "flux-system" },
      spec: { targetNamespace: "cache" },
    };
    const hrRes = res(hrObject);
    const p = platformOf([
      cluster(
        "prod",
        [ks("flux-system/apps", [orphan, hrRes])],
        [helmRelease("flux-system", "redis", { targetNamespace: "cache" }, "flux-system/apps")],
      ),
      cluster("dev", [ks("flux-system/namespaces", [res(namespace("shop"))])]),
    ]);
    const found = runRule(r, p);
    expect(found.map((f) => [f.resource, f.path, f.message, f.severity])).toEqual([
      [
        orphan,
        ["metadata", "namespace"],
        "ConfigMap shop/settings: namespace shop does not exist in cluster prod: no Namespace object of the platform creates it",
        "error",
      ],
      [
        hrRes,
        ["spec", "targetNamespace"],
        "HelmRelease flux-system/redis: targetNamespace cache does not exist in cluster prod; create a Namespace or set spec.install.createNamespace: true",
        "error",
      ],
    ]);
  });

  it("a namespace named after an unrendered release's name or chart may be the chart's: a warning (davralin/cluster-ops, Cilium's cilium-secrets)", () => {
    const policy = (ns: string) =>
      res({
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "default-deny", namespace: ns },
      });
    const cilium = (status: HelmReleaseInfo["status"], name = "cilium") => ({
      ...helmRelease("kube-system", name, { chart: { spec: { chart: "cilium" } } }, "flux-system/core"),
      chart: "cilium",
      status,
    });
    const found = (release: HelmReleaseInfo, ns = "cilium-secrets") =>
      runRule(r, platformOf([cluster("homeprod", [ks("flux-system/core", [policy(ns)])], [release])])).map(
        (f) => [f.severity, f.message],
      );
    const said =
      "NetworkPolicy cilium-secrets/default-deny: namespace cilium-secrets does not exist in cluster homeprod: no Namespace object of the platform creates it";
    expect(found(cilium("external"))).toEqual([
      ["warning", `${said} (HelmRelease kube-system/cilium is not rendered, and its chart may create it)`],
    ]);
    // named after the chart, the release named otherwise
    expect(found(cilium("external", "cni"))).toEqual([
      ["warning", `${said} (HelmRelease kube-system/cni is not rendered, and its chart may create it)`],
    ]);
    // A rendered chart's objects are known: it does not create it.
    expect(found(cilium("rendered"))).toEqual([["error", said]]);
    // Only a name is a reason: an unrendered release named otherwise leaves the error.
    expect(found(cilium("external"), "ciliumsecrets")).toEqual([
      [
        "error",
        "NetworkPolicy ciliumsecrets/default-deny: namespace ciliumsecrets does not exist in cluster homeprod: no Namespace object of the platform creates it",
      ],
    ]);
  });

  it("takes the always-present namespaces from options, and knows CRD scopes", () => {
    const crd: KObject = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "widgets.example.com" },
      spec: { group: "example.com", scope: "Cluster", names: { kind: "Widget" } },
    };
    const p = platformOf([
      cluster("prod", [
        ks("flux-system/apps", [
          res(crd),
          res({
            apiVersion: "example.com/v1",
            kind: "Widget",
            metadata: { name: "w", namespace: "nowhere" },
          }),
          res(cm("x", "platform")),
        ]),
      ]),
    ]);
    expect(runRule(r, p, { namespaces: ["platform"] })).toEqual([]);
    expect(runRule(r, p).map((f) => nameOfFinding(f))).toEqual(["ConfigMap/x"]);
  });

  it("is a warning while a Flux Kustomization of the cluster failed to render (it may create the namespace)", () => {
    const p = platformOf([
      cluster("prod", [
        ks("flux-system/apps", [res(cm("x", "shop"))]),
        ks("flux-system/broken", [], { status: "failed" }),
      ]),
    ]);
    const found = runRule(r, p);
    expect(found.map((f) => f.severity)).toEqual(["warning"]);
    expect(found[0]?.message).toContain(
      "(Flux Kustomization flux-system/broken is failed; it may create it)",
    );
  });
});

// ---- duplicate-object --------------------------------------------------------------------

describe("duplicate-object", () => {
  const r = rule("duplicate-object");
  const SAME_NS =
    "; the same object each time, labels aside: they take turns owning it, and when the last one to apply it drops it, its pruning deletes it and everything in it for the others";

  it("reports both places when two Flux Kustomizations of one cluster apply the same object", () => {
    const a = res(namespace("shop"), { file: "infra/namespaces.yaml", line: 4 });
    const b = res(namespace("shop"), { file: "apps/shop/namespace.yaml", line: 1 });
    const p = platformOf([
      cluster("prod", [ks("flux-system/infra", [a]), ks("flux-system/apps", [b, res(namespace("other"))])]),
      cluster("dev", [ks("flux-system/apps", [res(namespace("shop"))])]),
    ]);
    const found = runRule(r, p);
    expect(found.map((f) => [f.resource, f.path, f.message, f.severity])).toEqual([
      [
        a,
        ["metadata", "name"],
        `Namespace shop is applied by 2 Flux Kustomizations of cluster prod: also by Flux Kustomization flux-system/apps (apps/shop/namespace.yaml:1)${SAME_NS}`,
        "error",
      ],
      [
        b,
        ["metadata", "name"],
        `Namespace shop is applied by 2 Flux Kustomizations of cluster prod: also by Flux Kustomization flux-system/infra (infra/namespaces.yaml:4)${SAME_NS}`,
        "error",
      ],
    ]);
  });

  it("treats objects without a namespace as `default`, and keeps API groups apart", () => {
    const cm = (ns?: string): KObject => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "settings", ...(ns ? { namespace: ns } : {}) },
    });
    const ingressOld: KObject = {
      apiVersion: "extensions/v1beta1",
      kind: "Ingress",
      metadata: { name: "i", namespace: "a" },
    };
    const ingressNew: KObject = {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: { name: "i", namespace: "a" },
    };
    const p = platformOf([
      cluster("prod", [
        ks("flux-system/one", [res(cm()), res(ingressOld)]),
        ks("flux-system/two", [res(cm("default")), res(ingressNew)]),
      ]),
    ]);
    expect(runRule(r, p).map((f) => nameOfFinding(f))).toEqual(["ConfigMap/settings", "ConfigMap/settings"]);
  });

  it("a kubeConfig ConfigMap that flux-operator converts from a Secret reaches that Secret's cluster (matheuscscp's tenants)", () => {
    const nsExists = rule("namespace-exists");
    const kubeconfig = (annotations: Record<string, string>): KObject => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "spoke-cluster-kubeconfig", namespace: "frontend", annotations },
      data: { provider: "generic" },
    });
    const rbac = {
      ...helmRelease(
        "spoke-cluster",
        "tenants-rbac",
        { kubeConfig: { secretRef: { name: "spoke-kubeconfig" } } },
        "flux-system/flux-system",
      ),
      status: "rendered" as const,
      resources: [res(namespace("frontend"))],
    };
    const podinfo = helmRelease(
      "frontend",
      "podinfo",
      { kubeConfig: { configMapRef: { name: "spoke-cluster-kubeconfig" } }, targetNamespace: "frontend" },
      "frontend/spoke-cluster",
    );
    const found = (annotations: Record<string, string>) =>
      runRule(
        nsExists,
        platformOf([
          cluster(
            "hub",
            [
              ks("flux-system/flux-system", [res(namespace("frontend")), res(kubeconfig(annotations))]),
              ks("frontend/spoke-cluster", [], { appliedBy: "flux-system/flux-system" }),
            ],
            [rbac, podinfo],
          ),
        ]),
      ).map((f) => f.message);
    expect(
      found({ "fluxcd.controlplane.io/convertKubeConfigFrom": "spoke-cluster/spoke-kubeconfig" }),
    ).toEqual([]);
    expect(found({})).toEqual([
      expect.stringContaining("targetNamespace frontend does not exist in cluster hub"),
    ]);
  });

  it("separates objects that a kubeConfig Kustomization applies to a remote cluster", () => {
    const remote: KObject = {
      apiVersion: "kustomize.toolkit.fluxcd.io/v1",
      kind: "Kustomization",
      metadata: { name: "tenants", namespace: "production" },
      spec: { kubeConfig: { secretRef: { name: "cluster-kubeconfig" } } },
    };
    const p = platformOf([
      cluster("hub", [
        ks("flux-system/flux-system", [res(namespace("production"))]),
        ks("production/tenants", [res(namespace("production"))], {
          object: remote,
          appliedBy: "flux-system/flux-system",
        }),
        ks("production/child", [res(namespace("production"))], { appliedBy: "production/tenants" }),
      ]),
    ]);
    const found = runRule(r, p);
    // The child is reconciled in the remote cluster too: it duplicates the tenants' Namespace there.
    expect(found.map((f) => f.message)).toEqual([
      `Namespace production is applied by 2 Flux Kustomizations of cluster hub (kubeConfig production/cluster-kubeconfig): also by Flux Kustomization production/child${SAME_NS}`,
      `Namespace production is applied by 2 Flux Kustomizations of cluster hub (kubeConfig production/cluster-kubeconfig): also by Flux Kustomization production/tenants${SAME_NS}`,
    ]);
  });

  it("reports a place two Kustomizations build once, naming both (a folder its parent applies too)", () => {
    const at = { file: "apps/media/app/ks.yaml", line: 3 };
    const p = platformOf([
      cluster("prod", [
        ks("flux-system/cluster-apps", [res(namespace("media"), at)]),
        ks("media/imagemaid", [res(namespace("media"), at)]),
        ks("flux-system/infra", [res(namespace("media"), { file: "infra/ns.yaml", line: 1 })]),
      ]),
    ]);
    expect(runRule(r, p).map((f) => [f.resource?.source?.file, f.message])).toEqual([
      [
        "apps/media/app/ks.yaml",
        `Namespace media is applied by 3 Flux Kustomizations of cluster prod: Flux Kustomization flux-system/cluster-apps, Flux Kustomization media/imagemaid all apply it from this file; also by Flux Kustomization flux-system/infra (infra/ns.yaml:1)${SAME_NS}`,
      ],
      [
        "infra/ns.yaml",
        `Namespace media is applied by 3 Flux Kustomizations of cluster prod: also by Flux Kustomization flux-system/cluster-apps (apps/media/app/ks.yaml:3), Flux Kustomization media/imagemaid (apps/media/app/ks.yaml:3)${SAME_NS}`,
      ],
    ]);
  });

  it("the same object applied by several is a warning, unless pruning it deletes what it holds (ahinko)", () => {
    // Each app's folder defines OCIRepository app-template in the app's namespace: nothing fights.
    const oci = (url: string, labels: Record<string, string>): KObject => ({
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "OCIRepository",
      metadata: { name: "app-template", namespace: "downloads", labels },
      spec: { url, ref: { tag: "4.1.1" } },
    });
    const url = "oci://ghcr.io/bjw-s-labs/helm/app-template";
    const p = platformOf([
      cluster("prod", [
        ks("downloads/bazarr", [
          res(oci(url, { "kustomize.toolkit.fluxcd.io/name": "bazarr" }), {
            file: "bazarr/oci.yaml",
            line: 1,
          }),
        ]),
        ks("downloads/lidarr", [
          res(oci(url, { "kustomize.toolkit.fluxcd.io/name": "lidarr" }), {
            file: "lidarr/oci.yaml",
            line: 1,
          }),
        ]),
      ]),
    ]);
    const found = runRule(r, p);
    expect(found.map((f) => f.severity)).toEqual(["warning", "warning"]);
    expect(found[0]!.message).toContain("the same object each time, labels aside");
    // Another URL in one of them: they fight on every apply.
    const q = platformOf([
      cluster("prod", [
        ks("downloads/bazarr", [res(oci(url, {}), { file: "bazarr/oci.yaml", line: 1 })]),
        ks("downloads/lidarr", [res(oci(`${url}-fork`, {}), { file: "lidarr/oci.yaml", line: 1 })]),
      ]),
    ]);
    // A Flux Kustomization applied by its parent and by itself: pruning it deletes its inventory.
    const child: KObject = {
      apiVersion: "kustomize.toolkit.fluxcd.io/v1",
      kind: "Kustomization",
      metadata: { name: "mariadb", namespace: "flux-system" },
      spec: { path: "./apps/mariadb", prune: true },
    };
    const at = { file: "apps/mariadb/ks.yaml", line: 1 };
    const selfApplied = platformOf([
      cluster("prod", [
        ks("flux-system/apps", [res(child, at)]),
        ks("flux-system/mariadb", [res(child, at)]),
      ]),
    ]);
    expect(runRule(r, selfApplied).map((f) => f.severity)).toEqual(["error"]);
    const fights = runRule(r, q);
    expect(fights.map((f) => f.severity)).toEqual(["error", "error"]);
    expect(fights[0]!.message).not.toContain("the same object");
  });

  it("names five other places and counts the rest: n appliers give n findings, not n² text", () => {
    // Before, each of n findings listed the n-1 others: 5,000 Flux Kustomizations applying one
    // ConfigMap (a pull request's) made gigabytes of messages and check ran out of memory.
    const n = 2_000;
    const p = platformOf([
      cluster(
        "prod",
        Array.from({ length: n }, (_, i) =>
          ks(`flux-system/k${i}`, [res(namespace("shop"), { file: `k${i}.yaml`, line: 1 })]),
        ),
      ),
    ]);
    const found = runRule(r, p);
    expect(found).toHaveLength(n);
    expect(found[0]!.message).toBe(
      `Namespace shop is applied by ${n} Flux Kustomizations of cluster prod: also by Flux Kustomization flux-system/k1 (k1.yaml:1), Flux Kustomization flux-system/k2 (k2.yaml:1), Flux Kustomization flux-system/k3 (k3.yaml:1), Flux Kustomization flux-system/k4 (k4.yaml:1), Flux Kustomization flux-system/k5 (k5.yaml:1) and ${n - 6} more${SAME_NS}`,
    );
    expect(Math.max(...found.map((f) => f.message.length))).toBeLessThan(700);
  });
});

// ---- imagepolicy-marker ------------------------------------------------------------------

describe("imagepolicy-marker", () => {
  const r = rule("imagepolicy-marker");
  const root = path.join(repoRoot, "test/fixtures/check-workloads/markers");

  it("finds markers as image automation does: values' line comments and comments above scalar items", () => {
    const text = [
      'a: 1 # {"$imagepolicy": "ns:a"}',
      'key: # {"$imagepolicy": "ns:key"}',
      "  sub: 1",
      '# {"$imagepolicy": "ns:above-key"}',
      "b: 2",
      "list:",
      '  # {"$imagepolicy": "ns:item:tag"}',
      "  - item",
      'c: 3 # {"$imagepolicy": "ns:c"} trailing',
      'd: 4 # {"$imagepolicy": "ns:d", "n": 1}',
      'e: 5 ## {"$imagepolicy": "ns:e:digest"}',
      'f: "x # {\\"$imagepolicy\\": \\"ns:f\\"}"',
    ].join("\n");
    expect(findMarkers(text).map((m) => [m.line, m.value, m.policy?.name])).toEqual([
      [1, "ns:a", "a"],
      [7, "ns:item:tag", "item"],
      [11, "ns:e:digest", "e"],
    ]);
  });

  function markerPlatform(): Platform {
    const policies = res(
      {
        apiVersion: "image.toolkit.fluxcd.io/v1beta2",
        kind: "ImagePolicy",
        metadata: { name: "web", namespace: "flux-system" },
        spec: {},
      },
      { file: "clusters/prod/policies.yaml", line: 1 },
    );
    const web = res(deployment("web", "apps", { app: "web" }), {
      file: "apps/base/deployment.yaml",
      line: 1,
      touchedBy: ["apps/base", "apps/overlay"],
    });
    return platformOf(
      [
        cluster("prod", [
          ks("flux-system/flux-system", [policies], { dir: "clusters/prod" }),
          ks("flux-system/apps", [web], { dir: "apps/missing-dir" }),
        ]),
      ],
      root,
    );
  }

  it("reports markers naming unknown ImagePolicies at file:line, only in the platform's files", () => {
    const found = runRule(r, markerPlatform());
    expect(found.map((f) => [f.file, f.line, f.severity, f.message])).toEqual([
      [
        "apps/base/deployment.yaml",
        19,
        "error",
        "image policy marker names ImagePolicy apps/api, which the platform does not define",
      ],
      [
        "apps/base/deployment.yaml",
        21,
        "error",
        "image policy marker names ImagePolicy flux-system/nope, which the platform does not define",
      ],
      [
        "apps/overlay/kustomization.yaml",
        9,
        "error",
        "image policy marker names ImagePolicy flux-system/apii, which the platform does not define",
      ],
      [
        "apps/overlay/kustomization.yaml",
        14,
        "warning",
        'image policy marker "flux-system:web" is inside a multi-line string (e.g. an inline patch), not a YAML comment: image automation never updates it; move it to a patch file',
      ],
      [
        "clusters/prod/policies.yaml",
        22,
        "error",
        "image policy marker names ImagePolicy ${ns}/x, which the platform does not define; Flux substitutes variables in rendered objects, never in comments, so image automation looks for this literal name",
      ],
      [
        "clusters/prod/policies.yaml",
        24,
        "error",
        'image policy marker "just-a-name" is malformed: expected "<namespace>:<policy>" optionally followed by ":tag", ":name" or ":digest"',
      ],
    ]);
    expect(found.some((f) => f.file?.startsWith("unrelated/"))).toBe(false);
  });

  it("does not echo a Kustomization that failed: its own markers are left to the render error, others warn", () => {
    const p = markerPlatform();
    const failed = ks("flux-system/overlay", [], { dir: "apps/overlay", status: "failed" });
    p.clusters[0]!.kustomizations.push(failed);
    const found = runRule(r, p);
    expect(found.map((f) => [f.file, f.line, f.severity])).toEqual([
      ["apps/base/deployment.yaml", 19, "warning"],
      ["apps/base/deployment.yaml", 21, "warning"],
      // apps/overlay/kustomization.yaml:9 names apii: only in the failed Kustomization, not echoed
      ["apps/overlay/kustomization.yaml", 14, "warning"],
      // a name no ImagePolicy can have is wrong whatever failed
      ["clusters/prod/policies.yaml", 22, "error"],
      ["clusters/prod/policies.yaml", 24, "error"],
    ]);
    expect(found[0]?.message).toContain(
      "(it may be in the output of prod/flux-system/overlay, which could not be rendered)",
    );
  });
});

// ---- the example platform and the real-world repositories ---------------------------------

function countsByRule(platform: Platform): Record<string, { errors: number; warnings: number }> {
  const out: Record<string, { errors: number; warnings: number }> = {};
  for (const r of rules) {
    const found = runRule(r, platform);
    out[r.id] = {
      errors: found.filter((f) => f.severity === "error").length,
      warnings: found.filter((f) => f.severity === "warning").length,
    };
  }
  return out;
}

describe("rule metadata", () => {
  it("has unique kebab-case ids, a description and help for each rule", () => {
    const ids = rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of rules) {
      expect(r.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(r.description.length).toBeGreaterThan(10);
      expect(r.help?.length ?? 0).toBeGreaterThan(40);
    }
  });
});

describe("the example platform", () => {
  it("has no error-level findings from the workload rules", () => {
    const counts = countsByRule(loadPlatform(path.join(repoRoot, "examples/platform")));
    process.stdout.write(`workload rules on examples/platform: ${JSON.stringify(counts)}\n`);
    for (const [id, c] of Object.entries(counts)) expect({ id, errors: c.errors }).toEqual({ id, errors: 0 });
  });
});

const realworld = path.join(sharedDir, "realworld");

describe.runIf(requires("shared"))("the real-world repositories", () => {
  const repos = (hasShared ? readdirSync(realworld) : []).filter((d) =>
    statSync(path.join(realworld, d)).isDirectory(),
  );
  it.each(repos)("%s: every workload rule runs without a crash", (repo) => {
    const counts = countsByRule(loadPlatform(path.join(realworld, repo)));
    const nonZero = Object.entries(counts).filter(([, c]) => c.errors + c.warnings > 0);
    process.stdout.write(`workload rules on ${repo}: ${JSON.stringify(Object.fromEntries(nonZero))}\n`);
    expect(Object.keys(counts)).toHaveLength(rules.length);
  });
});
