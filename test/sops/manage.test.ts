import { readFileSync } from "node:fs";
import * as path from "node:path";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { beforeAll, describe, expect, it } from "vitest";
import { parseSopsConfig } from "../../src/sops/config.js";
import { decryptSops, plaintextValues } from "../../src/sops/decrypt.js";
import { encryptSops } from "../../src/sops/encrypt.js";
import { rotateDataKey, sopsStatus, updateKeys } from "../../src/sops/manage.js";
import { loadEncrypted } from "../../src/sops/store.js";
import { requires, sharedDir } from "../support/env.js";

const ids: string[] = [];
const recs: string[] = [];
const file = "/repo/clusters/prod/secret.yaml";

beforeAll(async () => {
  for (let i = 0; i < 3; i++) {
    ids.push(await generateX25519Identity());
    recs.push(await identityToRecipient(ids[i]!));
  }
});

const cfg = (...r: string[]) =>
  parseSopsConfig(`creation_rules:\n  - path_regex: prod/.*\n    age: ${r.join(",")}\n`, "/repo/.sops.yaml");
const PLAIN = "kind: Secret\nstringData:\n    a: one\n    b: two\n";

function values(text: string | Buffer): string[] {
  const { branches } = loadEncrypted(text, "yaml");
  const sd = branches[0]!.get("stringData") as { items: Array<{ value: string }> };
  return sd.items.map((i) => i.value);
}

describe("updateKeys", () => {
  it("adds a recipient, keeping ciphertexts, MAC and the existing entry", async () => {
    const enc = await encryptSops(PLAIN, { file, config: cfg(recs[0]!) });
    const res = await updateKeys(enc, { file, config: cfg(recs[0]!, recs[1]!), identities: [ids[0]!] });
    expect(res.changed).toBe(true);
    expect(res.added).toEqual([recs[1]]);
    expect(res.removed).toEqual([]);
    expect(values(res.output)).toEqual(values(enc));
    const before = loadEncrypted(enc, "yaml").metadata;
    const after = loadEncrypted(res.output, "yaml").metadata;
    expect(after.mac).toBe(before.mac);
    expect(after.lastmodified).toBe(before.lastmodified);
    expect(after.keyGroups[0]![0]).toEqual(before.keyGroups[0]![0]);
    const d = await decryptSops(res.output, { file, identities: [ids[1]!] });
    expect(plaintextValues(d)[0]).toEqual({ kind: "Secret", stringData: { a: "one", b: "two" } });
  });

  it("removes a recipient, who can then no longer decrypt", async () => {
    const enc = await encryptSops(PLAIN, { file, config: cfg(recs[0]!, recs[1]!) });
    const res = await updateKeys(enc, { file, config: cfg(recs[1]!), identities: [ids[0]!] });
    expect(res.removed).toEqual([recs[0]]);
    await expect(decryptSops(res.output, { file, identities: [ids[0]!] })).rejects.toThrow(
      /none of the available/,
    );
    await expect(decryptSops(res.output, { file, identities: [ids[1]!] })).resolves.toBeTruthy();
  });

  it("changes nothing when the recipients already match", async () => {
    const enc = await encryptSops(PLAIN, { file, config: cfg(recs[0]!, recs[1]!) });
    const res = await updateKeys(enc, { file, config: cfg(recs[1]!, recs[0]!), identities: [] });
    expect(res.changed).toBe(false);
    expect(res.output.equals(enc)).toBe(true);
  });
});

describe("rotateDataKey", () => {
  it("re-encrypts every value under a new data key for the same recipients", async () => {
    const enc = await encryptSops(PLAIN, { file, config: cfg(recs[0]!, recs[1]!) });
    const before = await decryptSops(enc, { file, identities: [ids[0]!] });
    const out = await rotateDataKey(enc, { file, identities: [ids[0]!] });
    const after = await decryptSops(out, { file, identities: [ids[1]!] });
    expect(Buffer.from(after.dataKey).equals(Buffer.from(before.dataKey))).toBe(false);
    expect(values(out).every((v, i) => v !== values(enc)[i])).toBe(true);
    expect(plaintextValues(after)).toEqual(plaintextValues(before));
  });

  it("can switch to the rule's recipients at the same time", async () => {
    const enc = await encryptSops(PLAIN, { file, config: cfg(recs[0]!) });
    const out = await rotateDataKey(enc, {
      file,
      identities: [ids[0]!],
      config: cfg(recs[2]!),
      applyRule: true,
    });
    await expect(decryptSops(out, { file, identities: [ids[2]!] })).resolves.toBeTruthy();
    await expect(decryptSops(out, { file, identities: [ids[0]!] })).rejects.toThrow();
  });
});

describe("sopsStatus", () => {
  it("reports recipients, decryptability and drift from .sops.yaml", async () => {
    const enc = await encryptSops(PLAIN, { file, config: cfg(recs[0]!, recs[1]!) });
    const ok = await sopsStatus(enc, {
      file,
      identities: [ids[1]!],
      config: cfg(recs[0]!, recs[1]!),
      verifyMac: true,
    });
    expect(ok).toMatchObject({ ageRecipients: [recs[0], recs[1]], canDecrypt: true, matchesConfig: true });
    const drift = await sopsStatus(enc, { file, identities: [ids[2]!], config: cfg(recs[0]!, recs[2]!) });
    expect(drift.canDecrypt).toBe(false);
    expect(drift.decryptProblem).toMatch(/none of the available age identities/);
    expect(drift.matchesConfig).toBe(false);
    expect(drift.missingRecipients).toEqual([recs[2]]);
    expect(drift.extraRecipients).toEqual([recs[1]]);
    const noRule = await sopsStatus(enc, {
      file: "/repo/clusters/dev/x.yaml",
      identities: [ids[0]!],
      config: cfg(recs[0]!),
    });
    expect(noRule.matchesConfig).toBeUndefined();
    expect(noRule.configProblem).toMatch(/no matching creation rules/);
  });

  it("a rule naming a placeholder, no age key, is sops' failure, not a recipient the file misses", async () => {
    // devopscoop's template: `age: YOUR_AGE_PUBLIC_KEY` in .sops.yaml, files encrypted for a real key.
    const enc = await encryptSops(PLAIN, { file, config: cfg(recs[0]!) });
    const s = await sopsStatus(enc, { file, identities: [ids[0]!], config: cfg("YOUR_AGE_PUBLIC_KEY") });
    expect(s.matchesConfig).toBeUndefined();
    expect(s.missingRecipients).toEqual([]);
    expect(s.configProblem).toMatch(/age recipient 'YOUR_AGE_PUBLIC_KEY' is no age or SSH public key/);
  });

  // Found probing by hand: the message quoted the entry whole, and this one is a private key.
  it("a rule naming an age secret key says so without quoting it", async () => {
    const enc = await encryptSops(PLAIN, { file, config: cfg(recs[0]!) });
    const s = await sopsStatus(enc, { file, identities: [ids[0]!], config: cfg(`${recs[1]!},${ids[1]!}`) });
    expect(s.matchesConfig).toBeUndefined();
    expect(s.configProblem).toMatch(/age recipient is an age secret key \(a private key, not printed here\)/);
    expect(s.configProblem).not.toContain(ids[1]!.slice(16));
  });
});

// WilliamVeale/drupal-gitops (round 18): .sops.yaml names the key by its URL, the file's
// metadata by vault_url, name and version; sops reads both as one key (azkv ToString), and
// check called them a missing and a stale recipient: a false error.
describe("sopsStatus with Azure Key Vault keys", () => {
  const vault = "https://example-kv.vault.azure.net";
  const azureFile = (version: string) =>
    [
      "kind: Secret",
      "stringData:",
      "    a: ENC[AES256_GCM,data:AAAA,iv:AAAAAAAAAAAAAAAAAAAAAA==,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]",
      "sops:",
      "    azure_kv:",
      `        - vault_url: ${vault}`,
      "          name: sops-key",
      `          version: ${version}`,
      '          created_at: "2025-12-02T19:52:17Z"',
      "          enc: c29tZS13cmFwcGVkLWtleQ",
      '    lastmodified: "2025-12-02T19:52:19Z"',
      "    mac: ENC[AES256_GCM,data:AAAA,iv:AAAAAAAAAAAAAAAAAAAAAA==,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]",
      "    version: 3.10.2",
      "",
    ].join("\n");
  const rule = (keys: string) =>
    parseSopsConfig(`creation_rules:\n  - path_regex: prod/.*\n${keys}`, "/repo/.sops.yaml");

  it("a key named by its URL in .sops.yaml is the file's vault_url, name and version", async () => {
    const s = await sopsStatus(azureFile("b7246471"), {
      file,
      identities: [],
      config: rule(`    azure_keyvault: ${vault}/keys/sops-key/b7246471\n`),
    });
    expect(s.missingRecipients).toEqual([]);
    expect(s.extraRecipients).toEqual([]);
    expect(s.matchesConfig).toBe(true);
  });

  it("so is a key_groups entry, and a URL without a version matches any version of the key", async () => {
    const group = rule(
      `    key_groups:\n      - azure_keyvault:\n          - vaultUrl: ${vault}\n            key: sops-key\n            version: b7246471\n`,
    );
    const versionless = rule(`    azure_keyvault: ${vault}/keys/sops-key\n`);
    for (const config of [group, versionless]) {
      const s = await sopsStatus(azureFile("b7246471"), { file, identities: [], config });
      expect(s.matchesConfig).toBe(true);
    }
  });

  it("another key or version is still a mismatch, named as sops names it", async () => {
    const s = await sopsStatus(azureFile("ffff0001"), {
      file,
      identities: [],
      config: rule(`    azure_keyvault: ${vault}/keys/sops-key/b7246471\n`),
    });
    expect(s.missingRecipients).toEqual([`azure_kv:${vault}/keys/sops-key/b7246471`]);
    expect(s.extraRecipients).toEqual([`azure_kv:${vault}/keys/sops-key/ffff0001`]);
  });
});

describe.runIf(requires("shared"))("sopsStatus on a real repository", () => {
  it("compares PGP fingerprints written with spaces in .sops.yaml to the file's compact form", async () => {
    const repo = path.join(sharedDir, "realworld/giantswarm__gitops-template");
    const file = path.join(repo, "management-clusters/MC_NAME/secrets/MC_NAME.gpgkey.enc.yaml");
    const config = parseSopsConfig(
      readFileSync(path.join(repo, ".sops.yaml"), "utf8"),
      path.join(repo, ".sops.yaml"),
    );
    const s = await sopsStatus(readFileSync(file), { file, identities: [], config });
    expect(s.missingRecipients).toEqual([]);
    expect(s.extraRecipients).toEqual([]);
    expect(s.matchesConfig).toBe(true);
  });
});
