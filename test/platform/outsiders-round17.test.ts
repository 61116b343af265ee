import { beforeAll, describe, expect, it } from "vitest";
import { runCheck as runEngine } from "../../src/check/engine.js";
import { allRules } from "../../src/check/rules/index.js";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { loadPlatformWithSecrets } from "../../src/platform/decrypt.js";
import type { Platform } from "../../src/platform/model.js";
import { encryptSops, ruleForRecipients } from "../../src/sops/index.js";
import { DEMO_RECIPIENT, demoIdentities, ks, SYNC } from "../support/flux.js";

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
