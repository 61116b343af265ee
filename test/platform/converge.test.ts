import { describe, expect, it } from "vitest";
import { runCheck as runEngine } from "../../src/check/engine.js";
import { allRules } from "../../src/check/rules/index.js";
import { metaString } from "../../src/platform/flux-objects.js";
import type { Platform } from "../../src/platform/index.js";
import { ks as fluxKs } from "../support/flux.js";
import { kustomizationStatuses, loadMemoryPlatform } from "../support/memory-platform.js";

/**
 * A `postBuild.substituteFrom` source that a descendant of the Kustomization reading it makes
 * (rwlove/home-ops: `cluster-secrets`, an ExternalSecret two levels below `cluster-apps`). Flux
 * fails the reader on a new cluster; once the source exists, every reconciliation finds it, so
 * Slipway renders the cluster as it is after convergence and says that a new cluster needs it.
 */
const load = loadMemoryPlatform;
/** A Flux Kustomization the schema check accepts. */
const ks = (name: string, spec: string) => fluxKs(name, `  interval: 1h\n  prune: true\n${spec}`);
const kustomization = (p: Platform, id: string) => p.clusters[0]!.kustomizations.find((k) => k.id === id)!;
const check = (p: Platform) => runEngine(p, { rules: [...allRules], renderCache: false });
const statuses = kustomizationStatuses;
const errorsOf = (p: Platform) => check(p).findings.filter((f) => f.severity === "error");

const externalSecret = (body: string) => `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: cluster-secrets}
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: onepassword}
  target: {name: cluster-secrets}
${body}`;
const KEYED = "  data:\n    - secretKey: SECRET_DOMAIN\n      remoteRef: {key: homelab, property: domain}\n";
const OPEN = "  dataFrom:\n    - extract: {key: homelab}\n";

function layout(secretBody: string, appsExtra: Record<string, string> = {}): Record<string, string> {
  return {
    // Two Kustomizations in one folder that nothing applies: rwlove's cluster root.
    "kubernetes/flux/cluster/ks.yaml": `${ks("cluster-config", "  path: ./kubernetes/flux/meta\n  targetNamespace: flux-system\n")}---\n${ks(
      "cluster-apps",
      "  path: ./kubernetes/apps\n  postBuild:\n    substituteFrom:\n      - kind: Secret\n        name: cluster-secrets\n",
    )}`,
    "kubernetes/flux/meta/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cluster-config}\n",
    "kubernetes/apps/kustomization.yaml": `resources: [flux-instance.yaml, ${Object.keys(appsExtra).join(", ")}]\n`,
    "kubernetes/apps/flux-instance.yaml": ks(
      "flux-instance",
      "  path: ./kubernetes/apps/flux-instance/app\n  targetNamespace: flux-system\n",
    ),
    "kubernetes/apps/flux-instance/app/kustomization.yaml": "resources: [externalsecret.yaml]\n",
    "kubernetes/apps/flux-instance/app/externalsecret.yaml": externalSecret(secretBody),
    ...Object.fromEntries(Object.entries(appsExtra).map(([f, t]) => [`kubernetes/apps/${f}`, t])),
  };
}

/**
 * A cluster whose `apps` reads `cluster-secrets` (from `secret`, applied by `secrets` first)
 * with extra inline `substitute` lines; `files` adds the rest.
 */
function readsClusterSecrets(
  secret: string,
  files: Record<string, string>,
  substitute = "",
): Record<string, string> {
  return {
    "clusters/prod/flux-system/gotk-sync.yaml": "# written by flux bootstrap\n",
    "clusters/prod/secrets.yaml": ks("secrets", "  path: ./secrets\n"),
    "clusters/prod/apps.yaml": ks(
      "apps",
      `  path: ./apps\n  dependsOn: [{name: secrets}]\n  postBuild:\n${substitute}    substituteFrom:\n      - kind: Secret\n        name: cluster-secrets\n`,
    ),
    "secrets/es.yaml": secret,
    ...files,
  };
}
/** The ExternalSecret `cluster-secrets` in flux-system, its keys known only to its provider. */
const openSecret = () =>
  externalSecret(OPEN).replace("{name: cluster-secrets}", "{name: cluster-secrets, namespace: flux-system}");

const domainCm = `apiVersion: v1
kind: ConfigMap
metadata: {name: web, namespace: flux-system}
data: {host: "web.\${SECRET_DOMAIN}"}
`;

describe("a substituteFrom Secret that a descendant makes (rwlove)", () => {
  it("is read as the converged cluster has it, with a placeholder for each key, and an info note", () => {
    const p = load(layout(KEYED, { "cm.yaml": domainCm }));
    expect(statuses(p)).toEqual([
      "cluster flux-system/flux-system rendered",
      "cluster flux-system/cluster-config rendered",
      "cluster flux-system/cluster-apps rendered",
      "cluster flux-system/flux-instance rendered",
    ]);
    const apps = kustomization(p, "flux-system/cluster-apps");
    const web = apps.resources.find((r) => metaString(r.object, "name") === "web")!;
    expect(web.object.data).toEqual({ host: "web.placeholder-secret-domain" });
    expect(apps.notices?.map((n) => [n.code, n.message])).toEqual([
      [
        "CLUSTER_ONLY",
        "Kustomization flux-system/cluster-apps substitutes variables from Secret flux-system/cluster-secrets, which ExternalSecret flux-system/cluster-secrets of its descendant Kustomization flux-system/flux-instance makes: read as the cluster has it once Flux has converged, with a placeholder for each key's value (a new cluster needs it created first, by the bootstrap, or Flux fails this Kustomization, and all it applies, until it exists)",
      ],
    ]);
    const found = check(p).findings;
    expect(found.filter((f) => f.severity === "error")).toEqual([]);
    expect(found.filter((f) => f.rule === "render-error")).toEqual([]);
    expect(found.filter((f) => f.rule === "not-rendered-offline").map((f) => f.severity)).toEqual(["info"]);
  });

  it("a ConfigMap a descendant applies is read as it is applied", () => {
    const files = layout(KEYED, { "cm.yaml": domainCm });
    files["kubernetes/flux/cluster/ks.yaml"] = files["kubernetes/flux/cluster/ks.yaml"]!.replace(
      "kind: Secret\n        name: cluster-secrets",
      "kind: ConfigMap\n        name: cluster-settings",
    );
    files["kubernetes/apps/flux-instance/app/kustomization.yaml"] = "resources: [settings.yaml]\n";
    files["kubernetes/apps/flux-instance/app/settings.yaml"] =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cluster-settings}\ndata: {SECRET_DOMAIN: example.org}\n";
    const p = load(files);
    const web = kustomization(p, "flux-system/cluster-apps").resources.find(
      (r) => metaString(r.object, "name") === "web",
    )!;
    expect(web.object.data).toEqual({ host: "web.example.org" });
    expect(kustomization(p, "flux-system/cluster-apps").notices?.[0]?.message).toContain(
      "from ConfigMap flux-system/cluster-settings, which its descendant Kustomization flux-system/flux-instance applies: read as the cluster has it once Flux has converged (a new cluster",
    );
  });

  it("with keys unknown offline (dataFrom), an object named by one is not rendered: a warning, no error", () => {
    const cert = `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: "\${EXTERNAL_DOMAIN/./-}", namespace: net}
spec: {secretName: wildcard}
`;
    const p = load(layout(OPEN, { "cert.yaml": cert }));
    expect(errorsOf(p)).toEqual([]);
    const found = check(p).findings.filter((f) => f.rule === "render-error");
    expect(found.map((f) => [f.severity, f.kustomization])).toEqual([
      ["warning", "flux-system/cluster-apps"],
    ]);
    expect(found[0]!.message).toContain(
      "not rendered: its name comes from a secret Slipway cannot read offline (variable EXTERNAL_DOMAIN",
    );
  });

  it("a source nothing makes still fails its reader, as before", () => {
    const files = layout(KEYED);
    files["kubernetes/apps/flux-instance/app/kustomization.yaml"] = "resources: []\n";
    const p = load(files);
    expect(statuses(p)).toEqual([
      "cluster flux-system/flux-system rendered",
      "cluster flux-system/cluster-config rendered",
      "cluster flux-system/cluster-apps failed",
    ]);
    expect(kustomization(p, "flux-system/cluster-apps").errors[0]!.message).toContain(
      `substitute from 'Secret/cluster-secrets' error: secrets "cluster-secrets" not found`,
    );
  });
});

describe("an open Secret read through the pool (an ExternalSecret with dataFrom)", () => {
  it("an object named by a variable it may hold is not rendered with a warning, never an error", () => {
    const p = load(
      readsClusterSecrets(openSecret(), {
        "apps/cert.yaml": `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: "\${EXTERNAL_DOMAIN/./-}", namespace: net}
spec: {secretName: wildcard}
`,
        "apps/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: net}\n",
      }),
    );
    expect(errorsOf(p)).toEqual([]);
    const found = check(p).findings.filter((f) => f.rule === "render-error");
    expect(found.map((f) => [f.severity, f.kustomization, f.file])).toEqual([
      ["warning", "flux-system/apps", "apps/cert.yaml"],
    ]);
    expect(found[0]!.message).toBe(
      "'Certificate.v1.cert-manager.io/${EXTERNAL_DOMAIN/./-}' is not rendered: its name comes from a secret Slipway cannot read offline (variable EXTERNAL_DOMAIN may be one of the keys of Secret flux-system/cluster-secrets, which ExternalSecret flux-system/cluster-secrets makes from data only its provider knows) (the rest of Kustomization flux-system/apps is rendered and checked; what is missing from cluster prod may be in what is not, so such findings are warnings)",
    );
  });
});

describe("a variable an open source may hold gets a placeholder, never an empty value", () => {
  it("so `server: ${NFS_HOST}` stays a string (Flux has the real value), marked secret", () => {
    const p = load(
      readsClusterSecrets(
        openSecret(),
        {
          "apps/cm.yaml":
            'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "${APP}", namespace: flux-system}\ndata:\n  server: ${NFS_HOST}\n  mode: ${MODE:=rw}\n',
        },
        "    substitute: {APP: web}\n",
      ),
    );
    expect(kustomization(p, "flux-system/apps").errors).toEqual([]);
    const cm = kustomization(p, "flux-system/apps").resources[0]!;
    expect(cm.object.metadata).toMatchObject({ name: "web" });
    expect(cm.object.data).toEqual({ server: "placeholder-nfs-host", mode: "rw" });
    expect(cm.secrets?.covers(["data", "server"])).toBe(true);
    expect(errorsOf(p)).toEqual([]);
  });
});

/**
 * A parent substitutes a secret variable into a child Flux Kustomization's targetNamespace,
 * namePrefix or nameSuffix (`targetNamespace: ${APP_NS}`): every object the child applies takes
 * it into its namespace or name. Rendered, a known secret was printed in the clear, and a
 * placeholder (a variable an open Secret may hold) made a namespace no cluster has, which
 * namespace-exists called missing: a false error. The child is not rendered: a warning.
 */
describe("a child Kustomization whose identity fields a secret variable sets", () => {
  const KNOWN_SECRET =
    "apiVersion: v1\nkind: Secret\nmetadata: {name: cluster-secrets, namespace: flux-system}\nstringData: {APP_NS: topsecretns, PREFIX: hushhush}\n";
  const child = (secret: string, webSpec: string) =>
    load(
      readsClusterSecrets(secret, {
        "apps/web.yaml": ks("web", `  path: ./web\n${webSpec}`),
        "web/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n",
      }),
    );
  const web = (p: Platform) => kustomization(p, "flux-system/web");

  it("a placeholder targetNamespace: no namespace-exists error, a warning naming the field", () => {
    const p = child(openSecret(), "  targetNamespace: ${APP_NS}\n");
    expect(web(p).status).toBe("failed");
    expect(web(p).errors.map((e) => [e.code, e.file, e.line])).toEqual([
      ["SECRET_IDENTITY", "apps/web.yaml", 1],
    ]);
    const findings = check(p).findings;
    expect(findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(findings.some((f) => f.message.includes("placeholder-app-ns"))).toBe(false);
    const warning = findings.find((f) => f.rule === "render-error")!;
    expect([warning.severity, warning.kustomization]).toEqual(["warning", "flux-system/web"]);
    expect(warning.message).toContain(
      "Kustomization flux-system/web: its spec.targetNamespace comes from a secret",
    );
  });

  it.each([
    ["targetNamespace", "  targetNamespace: ${APP_NS}\n", "topsecretns"],
    ["namePrefix", "  namePrefix: ${PREFIX}-\n", "hushhush"],
  ])("a known secret in %s is printed nowhere", (field, spec, value) => {
    const p = child(KNOWN_SECRET, spec);
    expect(web(p).status).toBe("failed");
    expect(web(p).resources).toEqual([]);
    expect(web(p).errors[0]!.message).toContain(
      `Kustomization flux-system/web: its spec.${field} comes from`,
    );
    // Its own spec holds the value, marked secret (masked by every output).
    expect(JSON.stringify(web(p).errors)).not.toContain(value);
    expect(JSON.stringify(check(p).findings)).not.toContain(value);
  });

  it("a value not from a secret is rendered as before", () => {
    const p = child(KNOWN_SECRET, "  targetNamespace: web\n");
    expect(web(p).status).toBe("rendered");
    expect(web(p).resources.map((r) => metaString(r.object, "namespace"))).toEqual(["web"]);
  });
});

describe("a cluster running kustomize-mutating-webhook (rwlove, xunholy)", () => {
  // The webhook adds the keys of its ConfigMaps and Secrets to every Flux Kustomization's
  // postBuild.substitute at admission: `${SECRET_DOMAIN}` is set without a substituteFrom.
  const files = {
    "clusters/prod/flux-system/gotk-sync.yaml": "# written by flux bootstrap\n",
    "clusters/prod/webhook.yaml": ks("webhook", "  path: ./webhook\n"),
    "clusters/prod/apps.yaml": ks("apps", "  path: ./apps\n"),
    "webhook/release.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata: {name: kustomize-mutating-webhook, namespace: flux-system}
spec:
  interval: 1h
  ref: {tag: 0.12.0}
  url: oci://ghcr.io/xunholy/charts/kustomize-mutating-webhook
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: kustomize-mutating-webhook, namespace: flux-system}
spec:
  interval: 1h
  chartRef: {kind: OCIRepository, name: kustomize-mutating-webhook}
`,
    "apps/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: net}\n",
    "apps/cm.yaml":
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web, namespace: net}\ndata: {host: "web.${SECRET_DOMAIN}"}\n',
    "apps/cert.yaml":
      "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: '${SECRET_DOMAIN}', namespace: net}\nspec: {secretName: wildcard}\n",
  };

  it("substitutes without strictness, and an object named by an unknown variable is a warning", () => {
    const p = load(files);
    expect(errorsOf(p)).toEqual([]);
    const found = check(p).findings;
    expect(found.filter((f) => f.rule === "render-error").map((f) => [f.severity, f.file])).toEqual([
      ["warning", "apps/cert.yaml"],
    ]);
    expect(
      found.filter((f) => f.rule === "not-rendered-offline").map((f) => [f.severity, f.kustomization]),
    ).toEqual([["info", "flux-system/webhook"]]);
  });

  it("without the Certificate, the ConfigMap gets a placeholder for the variable", () => {
    const rest: Record<string, string> = { ...files };
    delete rest["apps/cert.yaml"];
    const cm = kustomization(load(rest), "flux-system/apps").resources.find(
      (r) => r.object.kind === "ConfigMap",
    )!;
    expect(cm.object.data).toEqual({ host: "web.placeholder-secret-domain" });
  });

  it("without the webhook, the Certificate named `${SECRET_DOMAIN}` is left as written (no postBuild)", () => {
    const rest: Record<string, string> = { ...files };
    delete rest["webhook/release.yaml"];
    rest["webhook/cm.yaml"] =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: flux-system}\n";
    expect(statuses(load(rest))).toContain("prod flux-system/apps rendered");
  });
});

describe("a substituteFrom Secret only the Kustomization applies, made from data only its provider knows (truxnell)", () => {
  it("is read from its own output: placeholders for what it may hold, an info note, no error", () => {
    const p = load({
      "kubernetes/c0/flux/config/kustomization.yaml": "resources: [cluster.yaml]\n",
      "kubernetes/c0/flux/config/cluster.yaml": ks(
        "cluster",
        "  path: ./kubernetes/c0/flux\n  postBuild:\n    substituteFrom:\n      - kind: Secret\n        name: cluster-secrets\n",
      ),
      "kubernetes/c0/flux/vars/kustomization.yaml": "resources: [es.yaml]\n",
      "kubernetes/c0/flux/vars/es.yaml": externalSecret(OPEN).replace(
        "{name: cluster-secrets}",
        "{name: cluster-secrets, namespace: flux-system}",
      ),
      "kubernetes/c0/flux/apps.yaml": ks(
        "apps",
        '  path: ./kubernetes/c0/apps\n  postBuild:\n    substitute: {HOST: "web.${SECRET_DOMAIN}"}\n',
      ),
      "kubernetes/c0/apps/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web, namespace: flux-system}\ndata: {host: '${HOST}'}\n",
    });
    expect(statuses(p)).toEqual(["flux flux-system/cluster rendered", "flux flux-system/apps rendered"]);
    expect(kustomization(p, "flux-system/apps").resources.map((r) => r.object.data)).toEqual([
      { host: "web.placeholder-secret-domain" },
    ]);
    expect(kustomization(p, "flux-system/cluster").notices?.[0]?.message).toContain(
      "from Secret flux-system/cluster-secrets, which only it applies: read from its own output with a placeholder for each key's value",
    );
    expect(errorsOf(p)).toEqual([]);
  });
});

describe("a ClusterExternalSecret makes its Secret in each namespace it selects (ahgraber)", () => {
  const ces = (selector: string) => `apiVersion: external-secrets.io/v1
kind: ClusterExternalSecret
metadata: {name: cluster-secrets}
spec:
  externalSecretName: cluster-secrets
${selector}
  externalSecretSpec:
    secretStoreRef: {kind: ClusterSecretStore, name: onepassword}
    target:
      name: cluster-secrets
      template:
        data: {SECRET_DOMAIN: "{{ .SECRET_DOMAIN }}"}
    dataFrom:
      - extract: {key: shared}
`;
  const files = (selector: string) => ({
    "clusters/prod/flux-system/gotk-sync.yaml": "# written by flux bootstrap\n",
    "clusters/prod/secrets.yaml": ks("secrets", "  path: ./secrets\n"),
    "clusters/prod/apps.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: web, namespace: apps}
spec:
  interval: 1h
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}
  path: ./apps
  postBuild:
    substituteFrom:
      - kind: Secret
        name: cluster-secrets
`,
    "secrets/ces.yaml": ces(selector),
    "secrets/ns.yaml":
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: quiet, labels: {secrets: off}}\n",
    "apps/cm.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web, namespace: apps}\ndata: {host: 'web.${SECRET_DOMAIN}'}\n",
  });
  const NOT_OFF =
    "  namespaceSelectors:\n    - matchExpressions:\n        - {key: secrets, operator: NotIn, values: ['off']}";

  it("a Kustomization in a selected namespace reads it, with placeholders", () => {
    const p = load(files(NOT_OFF));
    const web = kustomization(p, "apps/web");
    expect(web.status).toBe("rendered");
    expect(web.resources[0]!.object.data).toEqual({ host: "web.placeholder-secret-domain" });
    expect(errorsOf(p)).toEqual([]);
  });

  it("a namespace its selector leaves out has none", () => {
    const p = load(files(NOT_OFF.replace("NotIn", "In")));
    expect(kustomization(p, "apps/web").errors[0]?.message).toContain(
      `substitute from 'Secret/cluster-secrets' error: secrets "cluster-secrets" not found`,
    );
  });
});

it("two objects of a Kustomization named by a secret are one warning, not an error", () => {
  const cert = (n: string) =>
    `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: '\${DOMAIN/./-}-${n}', namespace: default}\nspec: {secretName: ${n}}\n`;
  const p = load({
    "slipway.yaml":
      "clusterObjects:\n  - {kind: Secret, namespace: flux-system, name: cluster-secrets, data: {DOMAIN: example.org}}\n",
    "clusters/prod/flux-system/gotk-sync.yaml": "# written by flux bootstrap\n",
    "clusters/prod/apps.yaml": ks(
      "apps",
      "  path: ./apps\n  postBuild:\n    substituteFrom:\n      - kind: Secret\n        name: cluster-secrets\n",
    ),
    "apps/a.yaml": cert("a"),
    "apps/b.yaml": cert("b"),
  });
  const found = check(p).findings.filter((f) => f.rule === "render-error");
  expect(found.map((f) => f.severity)).toEqual(["warning"]);
  expect(found[0]!.message).toContain("(and 1 more object of this Kustomization are not rendered either)");
});

describe("an optional substituteFrom Secret only the Kustomization applies (davralin/cluster-ops)", () => {
  // kubernetes/clusters/homeprod/core.yaml: `core` builds kubernetes/core/settings/homeprod,
  // which holds the SOPS Secret `global-settings` it substitutes from (`optional: true`); the
  // cluster has it once `core` applied it. Skipped as absent, strict mode failed `core` and
  // every Kustomization reading its variables, with a render-error warning per object.
  const layout = (optional: string) => ({
    "kubernetes/clusters/homeprod/core.yaml": ks(
      "core",
      `  path: ./kubernetes/core/settings/homeprod\n  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: global-settings\n      - kind: Secret\n        name: global-settings\n${optional}`,
    ),
    "kubernetes/clusters/homeprod/apps.yaml": ks(
      "apps",
      "  path: ./kubernetes/apps\n  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: global-settings\n      - kind: Secret\n        name: global-settings\n        optional: true\n",
    ),
    "kubernetes/core/settings/homeprod/kustomization.yaml": "resources: [settings.yaml, issuer.yaml]\n",
    "kubernetes/core/settings/homeprod/settings.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: global-settings, namespace: flux-system}\ndata: {TZ: UTC}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: global-settings, namespace: flux-system}\nstringData: {SECRET_DEFAULT_DOMAIN: example.org}\n",
    "kubernetes/core/settings/homeprod/issuer.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: issuer, namespace: flux-system}\ndata: {email: 'admin@${SECRET_DEFAULT_DOMAIN}'}\n",
    "kubernetes/apps/cm.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web, namespace: flux-system}\ndata: {host: 'web.${SECRET_DEFAULT_DOMAIN}'}\n",
  });

  it("is read as the converged cluster has it, as a required one is: it and the reader of what it applies render", () => {
    const p = load(layout("        optional: true\n"));
    expect(statuses(p)).toEqual([
      "homeprod flux-system/flux-system rendered",
      "homeprod flux-system/apps rendered",
      "homeprod flux-system/core rendered",
    ]);
    const data = (id: string, name: string) =>
      kustomization(p, id).resources.find((r) => metaString(r.object, "name") === name)?.object.data;
    expect(data("flux-system/core", "issuer")).toEqual({ email: "admin@example.org" });
    expect(data("flux-system/apps", "web")).toEqual({ host: "web.example.org" });
    // A new cluster without it skips an optional source (no failure): the note is about the
    // required ConfigMap only.
    expect(kustomization(p, "flux-system/apps").notices?.map((n) => n.message)).toEqual([
      expect.stringContaining(
        "substitutes variables from ConfigMap flux-system/global-settings, which Kustomization flux-system/core applies: read as the cluster has it once Flux has converged",
      ),
    ]);
  });

  it("read by nothing else, it is read from the Kustomization's own output, without a note", () => {
    const files: Record<string, string> = {
      ...layout(""),
      "kubernetes/clusters/homeprod/core.yaml": ks(
        "core",
        "  path: ./kubernetes/core/settings/homeprod\n  postBuild:\n    substituteFrom:\n      - kind: Secret\n        name: global-settings\n        optional: true\n",
      ),
    };
    files["kubernetes/clusters/homeprod/apps.yaml"] = ks("apps", "  path: ./kubernetes/apps\n");
    files["kubernetes/apps/cm.yaml"] =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web, namespace: flux-system}\n";
    const p = load(files);
    expect(statuses(p)).toEqual([
      "homeprod flux-system/flux-system rendered",
      "homeprod flux-system/apps rendered",
      "homeprod flux-system/core rendered",
    ]);
    const issuer = kustomization(p, "flux-system/core").resources.find(
      (r) => metaString(r.object, "name") === "issuer",
    );
    expect(issuer?.object.data).toEqual({ email: "admin@placeholder-secret-default-domain" });
    expect(kustomization(p, "flux-system/core").notices ?? []).toEqual([]);
  });

  it("reads it the same way whether or not it is optional", () => {
    const optional = load(layout("        optional: true\n"));
    const required = load(layout(""));
    expect(statuses(optional)).toEqual(statuses(required));
    expect(kustomization(optional, "flux-system/core").resources.map((r) => r.object)).toEqual(
      kustomization(required, "flux-system/core").resources.map((r) => r.object),
    );
  });
});
