// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} is the substitution syntax under test
import { describe, expect, it } from "vitest";
import { runCheck } from "../../src/check/engine.js";
import { allRules } from "../../src/check/rules/index.js";
import type { Platform } from "../../src/platform/index.js";
import { ks as fluxKs } from "../support/flux.js";
import { loadMemoryPlatform } from "../support/memory-platform.js";

/**
 * A parent substitutes a secret variable into a child Flux Kustomization's targetNamespace,
 * namePrefix or nameSuffix (`targetNamespace: ${APP_NS}`): every object the child applies takes
 * it into its namespace or name. Rendered, a known secret was printed in the clear, and a
 * placeholder (a variable an open Secret may hold) made a namespace no cluster has, which
 * namespace-exists called missing: a false error. The child is not rendered: a warning.
 */
const ks = (name: string, spec: string) => fluxKs(name, `  interval: 1h\n  prune: true\n${spec}`);
const OPEN_SECRET = `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: cluster-secrets, namespace: flux-system}
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: onepassword}
  target: {name: cluster-secrets}
  dataFrom:
    - extract: {key: homelab}
`;
const KNOWN_SECRET =
  "apiVersion: v1\nkind: Secret\nmetadata: {name: cluster-secrets, namespace: flux-system}\nstringData: {APP_NS: topsecretns, PREFIX: hushhush}\n";

const layout = (secret: string, webSpec: string) => ({
  "clusters/prod/flux-system/gotk-sync.yaml": "# written by flux bootstrap\n",
  "clusters/prod/secrets.yaml": ks("secrets", "  path: ./secrets\n"),
  "clusters/prod/apps.yaml": ks(
    "apps",
    "  path: ./apps\n  dependsOn: [{name: secrets}]\n  postBuild:\n    substituteFrom:\n      - kind: Secret\n        name: cluster-secrets\n",
  ),
  "secrets/secret.yaml": secret,
  "apps/web.yaml": ks("web", `  path: ./web\n${webSpec}`),
  "web/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n",
});
const check = (p: Platform) => runCheck(p, { rules: [...allRules], renderCache: false }).findings;
const web = (p: Platform) => p.clusters[0]!.kustomizations.find((k) => k.id === "flux-system/web")!;

describe("a child Kustomization whose identity fields a secret variable sets", () => {
  it("a placeholder targetNamespace: no namespace-exists error, a warning naming the field", () => {
    const p = loadMemoryPlatform(layout(OPEN_SECRET, "  targetNamespace: ${APP_NS}\n"));
    expect(web(p).status).toBe("failed");
    expect(web(p).errors.map((e) => [e.code, e.file, e.line])).toEqual([
      ["SECRET_IDENTITY", "apps/web.yaml", 1],
    ]);
    const findings = check(p);
    expect(findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(findings.some((f) => f.message.includes("placeholder-app-ns"))).toBe(false);
    const warning = findings.find((f) => f.rule === "render-error")!;
    expect([warning.severity, warning.kustomization]).toEqual(["warning", "flux-system/web"]);
    expect(warning.message).toContain(
      "spec.targetNamespace of Kustomization flux-system/web comes from a secret",
    );
  });

  it.each([
    ["targetNamespace", "  targetNamespace: ${APP_NS}\n", "topsecretns"],
    ["namePrefix", "  namePrefix: ${PREFIX}-\n", "hushhush"],
  ])("a known secret in %s is printed nowhere", (field, spec, value) => {
    const p = loadMemoryPlatform(layout(KNOWN_SECRET, spec));
    expect(web(p).status).toBe("failed");
    expect(web(p).resources).toEqual([]);
    expect(web(p).errors[0]!.message).toContain(`spec.${field} of Kustomization flux-system/web`);
    // Its own spec holds the value, marked secret (masked by every output).
    expect(JSON.stringify(web(p).errors)).not.toContain(value);
    expect(JSON.stringify(check(p))).not.toContain(value);
  });

  it("a value not from a secret is rendered as before", () => {
    const p = loadMemoryPlatform(layout(KNOWN_SECRET, "  targetNamespace: web\n"));
    expect(web(p).status).toBe("rendered");
    expect(web(p).resources.map((r) => (r.object.metadata as { namespace?: string }).namespace)).toEqual([
      "web",
    ]);
  });
});
