import { beforeAll, describe, expect, it } from "vitest";
import { runCheck as runEngine } from "../../src/check/engine.js";
import { allRules } from "../../src/check/rules/index.js";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { loadPlatformWithSecrets } from "../../src/platform/decrypt.js";
import { maskRenderedObject } from "../../src/platform/masking.js";
import type { Platform } from "../../src/platform/model.js";
import { createSecretMasker, encryptSops, ruleForRecipients } from "../../src/sops/index.js";
import { emitYaml } from "../../src/yaml/index.js";
import { DEMO_RECIPIENT, demoIdentities, fluxKs, fluxSync, ks, SYNC } from "../support/flux.js";
import { clusterRows, kustomizationStatuses, loadMemoryPlatform } from "../support/memory-platform.js";

/**
 * Layouts of public repositories Slipway had not seen (round 17), cut down to what made a false
 * error, a phantom cluster or a missed one.
 */
const runCheck = (p: Platform) => runEngine(p, { rules: [...allRules], renderCache: false });

describe("substituteFrom a SOPS-encrypted Secret whose values are under data: (samclement's swhurl-platform)", () => {
  // clusters/home/flux-system/sources/ holds the Secret, encrypted with encrypted_regex
  // ^(data|stringData)$ and its values base64 under data:; a Kustomization with decryption
  // applies it, another substitutes its variables into the platform services.
  const SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: platform-runtime-inputs
  namespace: flux-system
data:
  OAUTH_HOST: ${Buffer.from("auth.example.org").toString("base64")}
`;
  let encrypted: string;
  beforeAll(async () => {
    const rule = ruleForRecipients([DEMO_RECIPIENT], { encrypted_regex: "^(data|stringData)$" });
    encrypted = (await encryptSops(SECRET, { file: "secret.sops.yaml", rule, config: null })).toString(
      "utf8",
    );
  });

  const load = async (identities: typeof demoIdentities) => {
    const files = {
      "clusters/c/flux-system/gotk-sync.yaml": SYNC,
      "clusters/c/sources.yaml": ks(
        "sources",
        "  path: ./sources\n  decryption:\n    provider: sops\n    secretRef:\n      name: sops-age\n",
      ),
      "clusters/c/platform.yaml": ks(
        "platform",
        "  path: ./platform\n  dependsOn:\n    - name: sources\n  postBuild:\n    substituteFrom:\n      - kind: Secret\n        name: platform-runtime-inputs\n",
      ),
      "sources/kustomization.yaml": "resources: [secret.sops.yaml]\n",
      "sources/secret.sops.yaml": encrypted,
      "platform/kustomization.yaml": "resources: [cm.yaml]\n",
      "platform/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: oauth, namespace: web}\ndata:\n  host: ${OAUTH_HOST}\n",
    };
    const fs = new MemoryFileSystem(
      Object.fromEntries(Object.entries(files).map(([k, v]) => [`/repo/${k}`, v])),
    );
    return (await loadPlatformWithSecrets("/repo", { fs, identities })).platform;
  };
  const platformKs = (p: Platform) => p.clusters[0]!.kustomizations.find((k) => k.name === "platform")!;

  it("without the key, the variable is the value's ENC[…] text (masked), not a base64 error", async () => {
    const p = await load([]);
    expect(platformKs(p).errors).toEqual([]);
    expect(platformKs(p).status).toBe("rendered");
    const host = (platformKs(p).resources[0]!.object.data as Record<string, string>).host;
    expect(host).toMatch(/^ENC\[AES256_GCM,data:/);
    expect(runCheck(p).findings.filter((f) => f.rule === "render-error")).toEqual([]);
  });

  it("with the key, the decrypted value is substituted", async () => {
    const p = await load(demoIdentities);
    expect(platformKs(p).errors).toEqual([]);
    expect((platformKs(p).resources[0]!.object.data as Record<string, string>).host).toBe("auth.example.org");
  });
});

describe("a Component of top-level Kustomizations that only an unused profile pulls in (jesse-gonzalez's nai-llm-fleet-infra)", () => {
  // clusters/<name>/platform pulls in one profile (clusters/_profiles/<profile>/prod, a
  // Component over the profile's _base); the support-gpt-management profile is used by no cluster.
  const appKs = (name: string) =>
    ks(
      name,
      `  path: ./platform/${name}/_operators\n  postBuild:\n    substituteFrom:\n      - {kind: ConfigMap, name: cluster-configs}\n`,
    );
  const profile = (p: string, app: string) => ({
    [`clusters/_profiles/${p}/_base/kustomization.yaml`]: `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n- ${app}-repo.yaml\n- web-repo.yaml\n`,
    [`clusters/_profiles/${p}/_base/${app}-repo.yaml`]: appKs(app),
    [`clusters/_profiles/${p}/_base/web-repo.yaml`]: appKs("web"),
    [`clusters/_profiles/${p}/prod/kustomization.yaml`]:
      "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncomponents:\n- ../_base\n",
  });
  const files = {
    "clusters/mgmt/flux-system/gotk-sync.yaml": fluxSync("./clusters/mgmt"),
    "clusters/mgmt/platform/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: flux-system
components:
- ../../_profiles/llm-management/prod
resources:
- cluster-configs.yaml
`,
    "clusters/mgmt/platform/cluster-configs.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cluster-configs}\ndata: {domain: example.org}\n",
    ...profile("llm-management", "kafka"),
    ...profile("support-gpt-management", "uptrace"),
    ...Object.fromEntries(
      ["kafka", "uptrace", "web"].map((a) => [
        `platform/${a}/_operators/cm.yaml`,
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${a}, namespace: default}\ndata: {host: "${a}.\${domain}"}\n`,
      ]),
    ),
  };

  it("is not a cluster: the used profile's Kustomizations are the cluster's, the unused one's a note", () => {
    const p = loadMemoryPlatform(files);
    expect(clusterRows(p)).toEqual([["mgmt", "clusters/mgmt", "sync"]]);
    expect(kustomizationStatuses(p)).toContain("mgmt flux-system/kafka rendered");
    const note = p.discovery!.notes.find((n) =>
      n.file?.startsWith("clusters/_profiles/support-gpt-management/_base/"),
    );
    expect(note?.kind).toBe("not-a-cluster");
    expect(note?.message).toContain(
      "is a kustomize Component that the kustomization file of clusters/_profiles/support-gpt-management/prod pulls in, which no cluster builds",
    );
  });
});

describe("a sync reading `<service>.<namespace>`, a git server the cluster itself runs (gitea-ssh.gitea)", () => {
  // `flux bootstrap git --url ssh://git@gitea-ssh.gitea:2222/private-org/podinfo-private.git
  // --path=clusters/kind` (an OCM demo, gitea installed in namespace gitea) writes this sync; a
  // cluster that installs its own gitea does it with a HelmRelease, whose chart names its
  // Services gitea-http and gitea-ssh. The kind config beside the cluster is no Kubernetes object.
  const layout = (url: string, gitea: Record<string, string>) => ({
    "clusters/kind/flux-system/gotk-sync.yaml": fluxSync("./clusters/kind", { url }),
    "clusters/kind/apps.yaml": fluxKs("apps", "./apps"),
    "clusters/kind/gitea.yaml": fluxKs("gitea", "./gitea"),
    "apps/kind.yaml": "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n",
    ...Object.fromEntries(Object.entries(gitea).map(([f, t]) => [`gitea/${f}`, t])),
  });
  const namespace = "apiVersion: v1\nkind: Namespace\nmetadata: {name: gitea}\n";
  const release = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: gitea, namespace: gitea}
spec:
  interval: 1h
  chart: {spec: {chart: gitea, version: 12.0.0, sourceRef: {kind: HelmRepository, name: gitea, namespace: gitea}}}
`;
  const service = (name: string, ns: string) =>
    `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ${ns}}\nspec: {ports: [{port: 22}]}\n`;
  const inCluster = "ssh://git@gitea-ssh.gitea:2222/private-org/podinfo-private.git";
  const renderErrors = (p: Platform) =>
    runCheck(p)
      .findings.filter((f) => f.rule === "render-error")
      .map((f) => [f.severity, f.file]);

  it("a HelmRelease installing release gitea into namespace gitea makes it in-cluster: errors are warnings, and discovery says so", () => {
    const p = loadMemoryPlatform(layout(inCluster, { "ns.yaml": namespace, "gitea.yaml": release }));
    expect(clusterRows(p)).toEqual([["kind", "clusters/kind", "sync"]]);
    expect(p.clusters[0]!.reason).toContain(
      `its sync reads ${inCluster}, a git server inside the cluster (gitea-ssh.gitea), whose content the repository does not show`,
    );
    expect(renderErrors(p)).toEqual([["warning", "apps/kind.yaml"]]);
  });

  it("so does a Service of that name in that namespace", () => {
    const p = loadMemoryPlatform(
      layout("ssh://git@soft-serve.git:23231/fleet", { "svc.yaml": service("soft-serve", "git") }),
    );
    expect(p.clusters[0]!.contentUnconfirmed).toContain("(soft-serve.git)");
    expect(renderErrors(p)).toEqual([["warning", "apps/kind.yaml"]]);
  });

  it("a namespace alone, a Service of another name or namespace, or a host on the internet is not proof: errors stay errors", () => {
    for (const [url, gitea] of [
      [inCluster, { "ns.yaml": namespace }],
      [inCluster, { "svc.yaml": service("gitea-ssh", "git") }],
      [inCluster, { "svc.yaml": service("other", "gitea") }],
      ["https://gitea.com/org/fleet.git", { "svc.yaml": service("gitea", "gitea") }],
    ] as const) {
      const p = loadMemoryPlatform(layout(url, gitea));
      expect(p.clusters[0]!.contentUnconfirmed).toBeUndefined();
      expect(renderErrors(p)).toEqual([["error", "apps/kind.yaml"]]);
    }
  });
});

describe("a Flux source whose URL carries credentials (probe: a token in a GitRepository's spec.url)", () => {
  const url = "https://bob:ghp_s3cr3tT0ken@github.com/rcbassil/flux-fleet-infra.git";
  const files = {
    "clusters/c/flux-system/gotk-sync.yaml": fluxSync("./clusters/c", {
      url,
      interval: { git: "1m", ks: "10m" },
    }),
    "clusters/c/sources.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: charts, namespace: flux-system}
spec: {interval: 1h, url: "https://charts.example.org/index?private_token=glpat-s3cr3tT0ken"}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: public, namespace: flux-system}
spec: {interval: 1h, url: "ssh://git@github.com/o/r", ref: {branch: main}}
`,
  };

  it("is masked in what render and diff print, and no finding quotes it or judges the mask", () => {
    const p = loadMemoryPlatform(files);
    const masker = createSecretMasker();
    const printed = p.clusters[0]!.kustomizations.flatMap((k) =>
      k.resources.map((r) => emitYaml(maskRenderedObject(r, masker))),
    );
    expect(printed.filter((t) => t.includes("s3cr3tT0ken"))).toEqual([]);
    // A URL without credentials is printed as it is.
    expect(printed.some((t) => t.includes("url: ssh://git@github.com/o/r"))).toBe(true);
    const findings = runCheck(p).findings;
    expect(findings.filter((f) => f.message.includes("s3cr3tT0ken"))).toEqual([]);
    expect(findings.filter((f) => f.rule.startsWith("schema") && f.message.includes("url"))).toEqual([]);
  });
});
