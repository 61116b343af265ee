/**
 * A value decrypted from SOPS and substituted by Flux (postBuild.substituteFrom a Secret) into a
 * field of the wrong type makes the API server reject the object. `check` reports it — the file,
 * line and field, the type wanted and the type found — without the value, in the masked model
 * the CLI checks and in the plaintext one the dashboard checks. A secret of the right type is
 * no finding.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { runCheck } from "../../src/check/engine.js";
import { allRules } from "../../src/check/rules/index.js";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { loadPlatformWithSecrets, maskedPlatform } from "../../src/platform/decrypt.js";
import { newRunMasker } from "../../src/platform/masking.js";
import { encryptSops, ruleForRecipients } from "../../src/sops/index.js";
import { DEMO_RECIPIENT, demoIdentities as identities, ks, SYNC } from "../support/flux.js";

const WORD = "hunter2zq9";
let encSecret: string;
beforeAll(async () => {
  const plain = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: cluster-secrets\n  namespace: flux-system\nstringData:\n  WORD: ${WORD}\n  NUMBER: "8081"\n  THREE: "3"\n`;
  const rule = ruleForRecipients([DEMO_RECIPIENT], { encrypted_regex: "^(data|stringData)$" });
  encSecret = (await encryptSops(plain, { file: "secrets.sops.yaml", rule, config: null })).toString("utf8");
});

const SPEC =
  "  path: ./app\n  decryption:\n    provider: sops\n  postBuild:\n    substituteFrom:\n      - kind: Secret\n        name: cluster-secrets\n";

const deployment = (replicas: string, portName: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - name: ${portName}
              containerPort: 80
`;

async function check(deploy: string) {
  const fs = new MemoryFileSystem({
    "/repo/clusters/c/flux-system/gotk-sync.yaml": `${SYNC}  decryption:\n    provider: sops\n`,
    "/repo/clusters/c/secrets.sops.yaml": encSecret,
    "/repo/clusters/c/app.yaml": ks("app", SPEC),
    "/repo/app/kustomization.yaml": "resources: [deploy.yaml]\n",
    "/repo/app/deploy.yaml": deploy,
  });
  const { platform } = await loadPlatformWithSecrets("/repo", { fs, identities });
  const read = (f: string) => fs.readFile(f.startsWith("/") ? f : `/repo/${f}`).toString("utf8");
  const typeFindings = (p: typeof platform) =>
    runCheck(p, { rules: allRules, readSource: read, renderCache: false }).findings.filter(
      (f) => f.rule === "schema-invalid" && f.file === "app/deploy.yaml",
    );
  return { masked: typeFindings(maskedPlatform(platform, newRunMasker())), plain: typeFindings(platform) };
}

describe("a secret substituted into a field of the wrong type", () => {
  it("is an error naming file, line and field, never the value, in both models", async () => {
    const { masked, plain } = await check(deployment("${WORD}", "${NUMBER}"));
    for (const findings of [masked, plain]) {
      expect(findings.map((f) => [f.line, f.severity, f.message])).toEqual([
        [
          7,
          "error",
          "Deployment default/web: spec.replicas: must be integer, got string from a secret (the value is not shown)",
        ],
        [
          18,
          "error",
          "Deployment default/web: spec.template.spec.containers[0].ports[0].name: must be string, got integer from a secret (the value is not shown)",
        ],
      ]);
      expect(JSON.stringify(findings)).not.toMatch(/hunter2zq9|8081/);
    }
  });

  it("a secret of the right type is no finding", async () => {
    const { masked, plain } = await check(deployment("${THREE}", "http-${WORD}"));
    expect(masked).toEqual([]);
    expect(plain).toEqual([]);
  });
});
