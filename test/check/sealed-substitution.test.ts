import { rmSync } from "node:fs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { checkCommand } from "../../src/cli/check.js";
import { renderCommand } from "../../src/cli/render.js";
import { encryptSops, ruleForRecipients } from "../../src/sops/index.js";
import { captureOutput } from "../support/capture.js";
import { tempTree } from "../support/cli.js";
import { BOOTSTRAP_SYNC, demoKeyFile, fluxKs } from "../support/flux.js";
import { noOwnKeys } from "../support/outputs.js";

/**
 * jesse-gonzalez/nai-llm-fleet-infra: Flux Kustomizations substitute ${wildcard_ingress_subdomain}
 * and others from cluster-secrets.sops.yaml, which no key here decrypts. Slipway substitutes the
 * ciphertext where Flux substitutes the plaintext; render and check said nothing of it (only the
 * diff did). They now name the Kustomizations and the variables they use, as the file's own
 * "could not be decrypted" is said: an info note without any key, an error (sops-undecryptable)
 * with a key that cannot decrypt it. A Kustomization that reads the Secret but uses none of its
 * variables is not named, and no rule judges a ciphertext where a port, a replica count, a
 * quantity, an image or a host stands.
 */

/** A recipient whose identity this machine does not have (the repository's own). */
const RECIPIENT = "age1pg85tdugypykuyaqtjzgmql4s9x9050emrgflhx0avx8ecut0pjssc24tl";
const PLAINTEXT = ["sealed-domain.test", "registry.sealed.test", "777Mi", "18081"];

const app = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: \${REPLICAS}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: \${REGISTRY}/web:1.0.0
          ports:
            - containerPort: \${PORT}
          resources:
            requests:
              cpu: 10m
              memory: \${MEM}
            limits:
              cpu: 100m
              memory: \${MEM}
          readinessProbe:
            httpGet:
              path: /
              port: \${PORT}
          livenessProbe:
            httpGet:
              path: /
              port: \${PORT}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  selector: {app: web}
  ports:
    - port: \${PORT}
      targetPort: \${PORT}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: default}
spec:
  rules:
    - host: web.\${DOMAIN}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: \${PORT}
`;

const substitutes = (extra = "") =>
  `${extra}  postBuild:\n    substituteFrom:\n      - kind: Secret\n        name: cluster-secrets\n`;

describe("render and check: variables substituted from a Secret no key decrypts", () => {
  const dirs: string[] = [];
  let repo = "";
  beforeAll(async () => {
    const plain =
      "apiVersion: v1\nkind: Secret\nmetadata: {name: cluster-secrets, namespace: flux-system}\nstringData:\n  DOMAIN: sealed-domain.test\n  PORT: '18081'\n  REPLICAS: '2'\n  REGISTRY: registry.sealed.test\n  MEM: 777Mi\n  UNUSED: x\n";
    const rule = ruleForRecipients([RECIPIENT], { encrypted_regex: "^(data|stringData)$" });
    const encrypted = (await encryptSops(plain, { file: "s.sops.yaml", rule, config: null })).toString(
      "utf8",
    );
    repo = tempTree({
      "clusters/c/flux-system/gotk-sync.yaml": BOOTSTRAP_SYNC,
      "clusters/c/secrets.yaml": fluxKs("secrets", "./secrets", "  decryption:\n    provider: sops\n"),
      "secrets/kustomization.yaml": "resources:\n  - cluster-secrets.sops.yaml\n",
      "secrets/cluster-secrets.sops.yaml": encrypted,
      "clusters/c/app.yaml": fluxKs("app", "./app", substitutes("  dependsOn:\n    - name: secrets\n")),
      "app/kustomization.yaml": "resources:\n  - app.yaml\n",
      "app/app.yaml": app,
      // Reads the Secret, uses none of its variables: nothing of it is unknown.
      "clusters/c/other.yaml": fluxKs("other", "./other", substitutes()),
      "other/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other, namespace: default}\ndata: {level: '${LEVEL:=info}'}\n",
    });
    dirs.push(repo);
  });
  beforeEach(() => {
    noOwnKeys();
    vi.stubEnv("SLIPWAY_NO_CACHE", "1");
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const NOTE =
    "cluster c: Secret flux-system/cluster-secrets could not be decrypted, and Flux Kustomization flux-system/app (${DOMAIN}, ${MEM}, ${PORT}, ${REGISTRY}, ${REPLICAS}) substitutes its variables: Slipway wrote their ciphertext where Flux writes the plaintext, so those values are unknown (masked, not checked)";

  it("render says it on stderr and in the JSON, exit 0 as for the file itself", async () => {
    const text = await captureOutput(() => renderCommand([repo]));
    expect(text.code).toBe(0);
    expect(text.stderr).toContain(`slipway render: info: ${NOTE}\n`);
    expect(text.stderr).toContain("SOPS values left encrypted (masked): secrets/cluster-secrets.sops.yaml");
    const json = await captureOutput(() => renderCommand([repo, "--format", "json"]));
    expect(json.code).toBe(0);
    const ks = JSON.parse(json.stdout).kustomizations as Array<{
      name: string;
      sealedSubstitutions?: unknown;
    }>;
    expect(ks.find((k) => k.name === "app")?.sealedSubstitutions).toEqual([
      { secret: "flux-system/cluster-secrets", variables: ["DOMAIN", "MEM", "PORT", "REGISTRY", "REPLICAS"] },
    ]);
    expect(ks.find((k) => k.name === "other")).not.toHaveProperty("sealedSubstitutions");
    for (const out of [text.stdout, text.stderr, json.stdout, json.stderr])
      for (const p of PLAINTEXT) expect(out).not.toContain(p);
    // Where the ciphertext stands, the output shows a marker.
    const objects = JSON.stringify(ks.find((k) => k.name === "app"));
    expect(objects).not.toContain("ENC[AES256_GCM");
    expect(objects).toContain("<masked:");
  });

  it("check: an info finding without any key, an error with a key that cannot decrypt it; no rule judges a ciphertext", async () => {
    const findings = async (args: string[]) => {
      const r = await captureOutput(() => checkCommand([repo, "--format", "json", ...args]));
      const all = JSON.parse(r.stdout).findings as Array<{ rule: string; severity: string; message: string }>;
      return { code: r.code, all, stdout: r.stdout };
    };
    const without = await findings([]);
    expect(without.all.filter((f) => f.message.includes("substitutes its variables"))).toEqual([
      expect.objectContaining({ rule: "sops-undecryptable", severity: "info", message: NOTE }),
    ]);
    // The values are unknown, not wrong: no finding but the decryption notes is about the app's objects.
    const about = (k: string) =>
      without.all.filter((f) => (f as { kustomization?: string }).kustomization === k);
    expect(about("flux-system/app").filter((f) => f.severity !== "info")).toEqual([]);
    expect(without.all.filter((f) => f.severity === "error")).toEqual([]);
    expect(without.code).toBe(0);
    const withKey = await findings(["--age-key-file", demoKeyFile]);
    expect(withKey.all.filter((f) => f.message.includes("substitutes its variables"))).toEqual([
      expect.objectContaining({ rule: "sops-undecryptable", severity: "error", message: NOTE }),
    ]);
    expect(withKey.code).toBe(1);
    for (const format of ["text", "sarif", "junit", "github"]) {
      const r = await captureOutput(() => checkCommand([repo, "--format", format]));
      const out = r.stdout + r.stderr;
      expect(out, format).toContain("substitutes its variables");
      expect(out, format).toContain("${REPLICAS}");
      for (const p of PLAINTEXT) expect(out).not.toContain(p);
    }
    for (const p of PLAINTEXT) expect(without.stdout).not.toContain(p);
  });
});
