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
import { isGoStdBase64 } from "../../src/secrets/base64.js";
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

/**
 * A Secret's `data` value that is not base64 (plain text meant for `stringData`, encrypted with
 * SOPS so that only a run with the key sees it): the API server refuses the object. Reported
 * without the value; without the key (ciphertext) nothing can be told.
 */
describe("a Secret's data that is not base64", () => {
  const secret = (data: string) =>
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\n  namespace: default\ndata:\n${data}`;

  async function findings(data: string, withKey: boolean) {
    const rule = ruleForRecipients([DEMO_RECIPIENT], { encrypted_regex: "^(data|stringData)$" });
    const enc = (
      await encryptSops(secret(data), { file: "app/secret.sops.yaml", rule, config: null })
    ).toString("utf8");
    const fs = new MemoryFileSystem({
      "/repo/clusters/c/flux-system/gotk-sync.yaml": `${SYNC}  decryption:\n    provider: sops\n`,
      "/repo/clusters/c/app.yaml": ks("app", "  path: ./app\n  decryption:\n    provider: sops\n"),
      "/repo/app/kustomization.yaml": "resources: [secret.sops.yaml]\n",
      "/repo/app/secret.sops.yaml": enc,
    });
    const { platform } = await loadPlatformWithSecrets("/repo", {
      fs,
      identities: withKey ? identities : [],
    });
    const read = (f: string) => fs.readFile(f.startsWith("/") ? f : `/repo/${f}`).toString("utf8");
    const of = (p: typeof platform) =>
      runCheck(p, { rules: allRules, readSource: read, renderCache: false })
        .findings.filter((f) => f.rule === "schema-invalid" && f.file === "app/secret.sops.yaml")
        .map((f) => [f.severity, f.message]);
    return { masked: of(maskedPlatform(platform, newRunMasker())), plain: of(platform) };
  }

  it("is an error naming the key, never the value, in both models", async () => {
    const { masked, plain } = await findings(
      `  ok: aHVudGVyMnpxOQ==\n  wrapped: "aHVu\\ndGVy"\n  word: ${WORD}\n  empty: ""\n`,
      true,
    );
    for (const f of [masked, plain]) {
      expect(f).toEqual([
        [
          "error",
          "Secret default/app: data.word: must be base64 (the API server decodes a Secret's data; plain text belongs in stringData), got text that is not base64 from a secret (the value is not shown)",
        ],
      ]);
      expect(JSON.stringify(f)).not.toContain(WORD);
    }
  });

  it("is nothing without the key", async () => {
    expect(await findings(`  word: ${WORD}\n`, false)).toEqual({ masked: [], plain: [] });
  });
});

describe("isGoStdBase64, as Go's base64.StdEncoding decodes", () => {
  it.each([
    ["", true],
    ["aGk=", true],
    ["aGk", false],
    ["aG k=", false],
    ["aGk=\n", true],
    ["aG\r\nk=", true],
    ["a===", false],
    ["aGk=aGk=", false],
    ["_-8=", false],
    ["+/8=", true],
  ])("%j: %s", (s, ok) => {
    expect(isGoStdBase64(s)).toBe(ok);
  });
});
