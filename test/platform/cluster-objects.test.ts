// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} is Flux's substitution syntax
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { runCheck } from "../../src/check/engine.js";
import { allRules } from "../../src/check/rules/index.js";
import { SlipwayError } from "../../src/errors.js";
import { DiskFileSystem, MemoryFileSystem } from "../../src/fs/filesystem.js";
import { OverlayFileSystem } from "../../src/fs/overlay.js";
import type { KObject } from "../../src/kustomize/types.js";
import { placeholderValue, producedSecret } from "../../src/platform/cluster-objects.js";
import { loadPlatform, type Platform, parseConfig, platformErrors } from "../../src/platform/index.js";
import { requires, sharedDir } from "../support/env.js";
import { ks, SYNC } from "../support/flux.js";

const READS_VARS = `  path: ./app
  postBuild:
    substituteFrom:
      - kind: Secret
        name: vars
`;

const APP_CM =
  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: flux-system\ndata:\n  host: ${domain}\n";

/** A cluster whose `app` reads Secret flux-system/vars; `secrets` is a Flux Kustomization's output. */
function load(files: Record<string, string>) {
  const fs = new MemoryFileSystem({
    "/repo/clusters/c/flux-system/gotk-sync.yaml": SYNC,
    "/repo/clusters/c/app.yaml": ks("app", READS_VARS),
    "/repo/app/cm.yaml": APP_CM,
    ...Object.fromEntries(Object.entries(files).map(([k, v]) => [`/repo/${k}`, v])),
  });
  const p = loadPlatform("/repo", { fs });
  const app = p.clusters[0]!.kustomizations.find((k) => k.name === "app")!;
  return { p, app, cm: app.resources.map((r) => r.object).find((o) => o.kind === "ConfigMap") };
}

const externalSecret = (spec: string) => `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: vars-es
  namespace: flux-system
spec:
${spec}`;

const secretsKs = ks("secrets", "  path: ./secrets\n");

describe("Secrets made from in-repository objects count as present", () => {
  it("an ExternalSecret's target Secret (listed keys) satisfies substituteFrom: rendered, no error", () => {
    const { p, app, cm } = load({
      "clusters/c/secrets.yaml": secretsKs,
      "secrets/es.yaml": externalSecret(
        "  target:\n    name: vars\n  data:\n    - secretKey: domain\n      remoteRef: { key: k }\n",
      ),
    });
    expect(platformErrors(p)).toEqual([]);
    expect(app.status).not.toBe("failed");
    expect((cm!.data as KObject).host).toBe(placeholderValue("domain"));
    const findings = runCheck(p, { rules: allRules }).findings;
    expect(findings.filter((f) => f.rule === "render-error")).toEqual([]);
  });

  it("a SealedSecret makes a Secret of its own name with its encryptedData keys", () => {
    const { p, cm } = load({
      "clusters/c/secrets.yaml": secretsKs,
      "secrets/ss.yaml":
        "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: vars\n  namespace: flux-system\nspec:\n  encryptedData:\n    domain: AgBy3i4OJSWK+PiTySYZZA==\n",
    });
    expect(platformErrors(p)).toEqual([]);
    expect((cm!.data as KObject).host).toBe("placeholder-domain");
  });

  it("a key the ExternalSecret does not list is still a strict error; with dataFrom it cannot be known", () => {
    const listed = load({
      "clusters/c/secrets.yaml": secretsKs,
      "secrets/es.yaml": externalSecret(
        "  target:\n    name: vars\n  data:\n    - secretKey: other\n      remoteRef: { key: k }\n",
      ),
    });
    expect(listed.app.errors.map((e) => e.message).join("\n")).toMatch(
      /variable not set \(strict mode\): "domain"/,
    );
    const open = load({
      "clusters/c/secrets.yaml": secretsKs,
      "secrets/es.yaml": externalSecret(
        "  target:\n    name: vars\n  dataFrom:\n    - extract: { key: all }\n",
      ),
    });
    expect(platformErrors(open.p)).toEqual([]);
    expect(open.app.status).not.toBe("failed");
  });

  it("an ExternalSecret that merges into an existing Secret (or creates none) makes nothing", () => {
    for (const policy of ["Merge", "None"]) {
      const es = externalSecret(`  target:\n    name: vars\n    creationPolicy: ${policy}\n  data: []\n`);
      const obj = YAML.parse(es) as KObject;
      expect(producedSecret(obj)).toBeUndefined();
      const { app } = load({ "clusters/c/secrets.yaml": secretsKs, "secrets/es.yaml": es });
      expect(app.errors[0]?.code).toBe("SUBSTITUTE_SOURCE_NOT_FOUND");
    }
  });

  it("a templated ExternalSecret holds the template's keys; target name defaults to its own", () => {
    const yaml = YAML.parse(
      externalSecret(
        "  target:\n    template:\n      data:\n        url: 'https://{{ .host }}'\n  data:\n    - secretKey: host\n      remoteRef: { key: k }\n",
      ),
    ) as KObject;
    const s = producedSecret(yaml)!;
    expect(s.secret).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "vars-es", namespace: "flux-system" },
      stringData: { url: "placeholder-url" },
    });
    expect(s.open).toBe(false);
  });
});

describe("slipway.yaml clusterObjects", () => {
  const config = (body: string) => ({ "slipway.yaml": `clusterObjects:\n${body}` });

  it("a declared Secret exists in the cluster with the given data", () => {
    const { p, cm } = load(
      config(
        "  - kind: Secret\n    namespace: flux-system\n    name: vars\n    data: { domain: example.com }\n",
      ),
    );
    expect(platformErrors(p)).toEqual([]);
    expect((cm!.data as KObject).host).toBe("example.com");
  });

  it("only in the clusters it names", () => {
    const { app } = load(
      config(
        "  - kind: Secret\n    namespace: flux-system\n    name: vars\n    clusters: [other]\n    data: { domain: x }\n",
      ),
    );
    expect(app.errors[0]?.code).toBe("SUBSTITUTE_SOURCE_NOT_FOUND");
  });

  it("an object rendered by the repository wins over the declaration", () => {
    const { cm } = load({
      ...config(
        "  - kind: Secret\n    namespace: flux-system\n    name: vars\n    data: { domain: declared }\n",
      ),
      "clusters/c/vars.yaml":
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: vars\n  namespace: flux-system\nstringData:\n  domain: rendered\n",
    });
    // Flux applies the rendered object over whatever the bootstrap made.
    expect((cm!.data as KObject).host).toBe("rendered");
  });

  it("rejects malformed declarations naming slipway.yaml", () => {
    const bad = [
      "clusterObjects: {}",
      "clusterObjects:\n  - kind: Pod\n    namespace: a\n    name: b\n",
      "clusterObjects:\n  - kind: Secret\n    name: b\n",
      "clusterObjects:\n  - kind: Secret\n    namespace: a\n    name: b\n    data: { k: { x: 1 } }\n",
      "clusterObjects:\n  - kind: Secret\n    namespace: a\n    name: b\n    extra: 1\n",
      "clusterObjects:\n  - { kind: Secret, namespace: a, name: b }\n  - { kind: Secret, namespace: a, name: b }\n",
    ];
    for (const text of bad) {
      const raw = YAML.parse(text);
      expect(() => parseConfig(raw, "slipway.yaml"), text).toThrow(SlipwayError);
      expect(() => parseConfig(raw, "slipway.yaml"), text).toThrow(/slipway.yaml: clusterObjects/);
    }
  });
});

describe.runIf(requires("shared"))("a real repository made clean by declaring its bootstrap Secret", () => {
  it("onedr0p__home-ops: cloudflare-tunnel renders once cloudflare-tunnel-id-secret is declared", () => {
    const root = path.join(sharedDir, "realworld", "onedr0p__home-ops");
    const before = loadPlatform(root);
    const failing = (p: Platform) =>
      p.clusters[0]!.kustomizations.filter(
        (k) => k.id === "network/cloudflare-tunnel" && k.status === "failed",
      );
    expect(failing(before)).toHaveLength(1);
    // bootstrap/kustomize/personal/network/secret.yaml is applied by the bootstrap with 1Password values.
    const fs = new OverlayFileSystem(new DiskFileSystem(), {
      [path.join(root, "slipway.yaml")]:
        "clusterObjects:\n  - kind: Secret\n    namespace: network\n    name: cloudflare-tunnel-id-secret\n    data: { CLOUDFLARE_TUNNEL_ID: 00000000-0000-0000-0000-000000000000 }\n",
    });
    const after = loadPlatform(root, { fs });
    expect(failing(after)).toEqual([]);
    const k = after.clusters[0]!.kustomizations.find((x) => x.id === "network/cloudflare-tunnel")!;
    expect(JSON.stringify(k.resources.map((r) => r.object))).toContain(
      "00000000-0000-0000-0000-000000000000.cfargotunnel.com",
    );
    const warnings = runCheck(after, { rules: allRules }).findings.filter(
      (f) => f.rule === "render-error" && f.kustomization === "network/cloudflare-tunnel",
    );
    expect(warnings).toEqual([]);
  }, 60_000);
});
