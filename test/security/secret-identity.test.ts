/**
 * An object's identity (apiVersion, kind, metadata.name, metadata.namespace) is printed by every
 * output: resource ids, graph nodes, findings, the dashboard. It cannot be masked, so a secret
 * must never become one. A pull request could otherwise write `name: x-${smtp_password}` into
 * an object of a Flux Kustomization that substitutes from a SOPS Secret, and a CI run with the
 * key would print the password as the object's name. Such an object is not rendered: the
 * Kustomization fails with an error that names the file and the field, never the value.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { loadPlatformWithSecrets } from "../../src/platform/decrypt.js";
import { metaString } from "../../src/platform/flux-objects.js";
import { maskRenderedObject } from "../../src/platform/masking.js";
import { createSecretMasker, encryptSops, ruleForRecipients } from "../../src/sops/index.js";
import { emitYaml } from "../../src/yaml/index.js";
import { demoIdentities as identities, ks, SYNC } from "../support/flux.js";

const RECIPIENT = "age1lt4csfl3qnmkm83ghffmfa0zu5m7mzwge4d9sv53af00m7qjmytsn855wr";
const PASSWORD = "hunter2zq9";

let encSecret: string;
beforeAll(async () => {
  const plain = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: cluster-secrets\n  namespace: flux-system\nstringData:\n  password: ${PASSWORD}\n  ns: ${PASSWORD}-ns\n`;
  const rule = ruleForRecipients([RECIPIENT], { encrypted_regex: "^(data|stringData)$" });
  encSecret = (await encryptSops(plain, { file: "secrets.sops.yaml", rule, config: null })).toString("utf8");
});

const SPEC =
  "  path: ./app\n  decryption:\n    provider: sops\n  postBuild:\n    substituteFrom:\n      - kind: Secret\n        name: cluster-secrets\n";

async function load(object: string) {
  const fs = new MemoryFileSystem({
    // The root applies the encrypted Secret: without decryption, kustomize-controller refuses it.
    "/repo/clusters/c/flux-system/gotk-sync.yaml": SYNC.replace(
      "  path: ./clusters/c\n",
      "  path: ./clusters/c\n  decryption:\n    provider: sops\n",
    ),
    "/repo/clusters/c/secrets.sops.yaml": encSecret,
    "/repo/clusters/c/app.yaml": ks("app", SPEC),
    "/repo/app/kustomization.yaml": "resources: [cm.yaml, other.yaml]\n",
    "/repo/app/cm.yaml": object,
    "/repo/app/other.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\ndata:\n  p: ${password}\n",
  });
  const { platform } = await loadPlatformWithSecrets("/repo", { fs, identities });
  const app = platform.clusters[0]!.kustomizations.find((k) => k.name === "app")!;
  const masker = createSecretMasker();
  const printed = app.resources.map((r) => emitYaml(maskRenderedObject(r, masker))).join("---\n");
  return { app, printed };
}

describe("a secret substituted into an object's identity", () => {
  it.each([
    ["metadata.name", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x-${password}\n"],
    ["metadata.namespace", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: ${ns}\n"],
    ["kind", "apiVersion: v1\nkind: K${password}\nmetadata:\n  name: x\n"],
  ])(
    "%s: the object is left out naming the file and the field, the rest rendered, and the value is printed nowhere",
    async (field, object) => {
      const { app, printed } = await load(object);
      // Flux applies it; Slipway only declines to print it: the rest of the Kustomization renders.
      expect(app.status).toBe("rendered");
      expect(app.resources.map((r) => metaString(r.object, "name"))).toEqual(["other"]);
      expect(app.errors.map((e) => e.code)).toEqual(["SECRET_IDENTITY"]);
      const messages = app.errors.map((e) => `${e.file}: ${e.message}`).join("\n");
      expect(messages).toContain("app/cm.yaml");
      expect(messages).toContain(field);
      // The model holds the rest's secret values marked (as always); every output masks them.
      expect(`${messages}\n${printed}\n${JSON.stringify(app.errors)}`).not.toContain(PASSWORD);
      expect(printed).toMatch(/p: <masked:sha256:[0-9a-f]+>/);
    },
  );

  it("a secret in any other field is masked as before", async () => {
    const { app, printed } = await load(
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: ${password}\n",
    );
    expect(app.status).toBe("rendered");
    expect(printed).toMatch(/a: <masked:sha256:[0-9a-f]+>/);
    expect(printed).not.toContain(PASSWORD);
  });
});

describe("a decrypted value copied into an object's identity by kustomize", () => {
  it("replacements from a Secret generated from a SOPS env file into metadata.name: left out, the value printed nowhere", async () => {
    const rule = ruleForRecipients([RECIPIENT], {});
    const env = (
      await encryptSops(`TOKEN=${PASSWORD}\n`, { file: "creds.env", rule, config: null })
    ).toString("utf8");
    const fs = new MemoryFileSystem({
      "/repo/clusters/c/flux-system/gotk-sync.yaml": SYNC,
      "/repo/clusters/c/app.yaml": ks("app", "  path: ./app\n  decryption:\n    provider: sops\n"),
      "/repo/app/kustomization.yaml": [
        "resources: [cm.yaml]",
        "secretGenerator:",
        "  - name: creds",
        "    envs: [creds.env]",
        "    options: {disableNameSuffixHash: true}",
        "replacements:",
        "  - source: {kind: Secret, name: creds, fieldPath: data.TOKEN}",
        "    targets:",
        "      - select: {kind: ConfigMap, name: cm}",
        "        fieldPaths: [metadata.name]",
        "",
      ].join("\n"),
      "/repo/app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
      "/repo/app/creds.env": env,
    });
    const { platform } = await loadPlatformWithSecrets("/repo", { fs, identities });
    const app = platform.clusters[0]!.kustomizations.find((k) => k.name === "app")!;
    const masker = createSecretMasker();
    const printed = app.resources.map((r) => emitYaml(maskRenderedObject(r, masker))).join("---\n");
    const b64 = Buffer.from(PASSWORD).toString("base64");
    // The model holds the generated Secret's values marked (as always); every output masks them.
    const everything = `${app.errors.map((e) => e.message).join("\n")}\n${printed}\n${JSON.stringify(app.errors)}`;
    expect(everything).not.toContain(b64);
    expect(everything).not.toContain(PASSWORD);
    expect(app.status).toBe("rendered");
    expect(app.resources.map((r) => String(r.object.kind))).toEqual(["Secret"]);
    expect(app.errors.map((e) => e.code)).toEqual(["SECRET_IDENTITY"]);
    expect(app.errors.map((e) => e.message).join("\n")).toContain("metadata.name");
  });
});
