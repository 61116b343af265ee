import { generateHybridIdentity, generateX25519Identity, identityToRecipient } from "age-encryption";
import { beforeAll, describe, expect, it } from "vitest";
import { parseSopsConfig } from "../../src/sops/config.js";
import { decryptSops, plaintextBytes, plaintextValues } from "../../src/sops/decrypt.js";
import { encryptSops } from "../../src/sops/encrypt.js";
import { reencryptEdited } from "../../src/sops/manage.js";
import { loadEncrypted } from "../../src/sops/store.js";

let idA: string;
let recA: string;
let idB: string;
let recB: string;

beforeAll(async () => {
  idA = await generateX25519Identity();
  recA = await identityToRecipient(idA);
  idB = await generateX25519Identity();
  recB = await identityToRecipient(idB);
});

const YAML_SECRET = `apiVersion: v1
kind: Secret
metadata:
    name: db
    labels:
        app: db
type: Opaque
stringData:
    # the admin password
    password: hunter22
    port: 5432
    ratio: 1.5
    enabled: true
    empty: ""
    nothing: null
    when: 2024-01-01
    multi: |
        line one
        line two
    list:
        - a
        - b
`;

function config(text: string) {
  return parseSopsConfig(text, "/repo/.sops.yaml");
}

describe("encrypt → decrypt round trips", () => {
  it("YAML with default rules encrypts every value and comment and restores them", async () => {
    const cfg = config(`creation_rules:\n  - path_regex: .*\\.yaml$\n    age: ${recA}\n`);
    const enc = await encryptSops(YAML_SECRET, { file: "/repo/secret.yaml", config: cfg });
    const text = enc.toString();
    expect(text).not.toContain("hunter22");
    expect(text).not.toContain("admin password");
    expect(text).toMatch(/^ {4}#ENC\[AES256_GCM,.*type:comment\]$/m);
    expect(text).toMatch(/port: ENC\[.*type:int\]/);
    expect(text).toMatch(/ratio: ENC\[.*type:float\]/);
    expect(text).toMatch(/enabled: ENC\[.*type:bool\]/);
    expect(text).toMatch(/when: ENC\[.*type:time\]/);
    expect(text).toContain('empty: ""');
    expect(text).toContain("nothing: null");
    expect(text).toMatch(/lastmodified: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"/);
    expect(text).toContain("unencrypted_suffix: _unencrypted\n    version: 3.13.2\n");
    const d = await decryptSops(enc, { file: "/repo/secret.yaml", identities: [idA] });
    expect(plaintextBytes(d).toString()).toBe(YAML_SECRET.replace("2024-01-01", "2024-01-01T00:00:00Z"));
  });

  it("metadata is written in sops 3.13's sorted layout", async () => {
    const cfg = config(
      `creation_rules:\n  - age: ${recA},${recB}\n    encrypted_regex: ^(data|stringData)$\n`,
    );
    const enc = (await encryptSops(YAML_SECRET, { file: "/repo/s.yaml", config: cfg })).toString();
    const md = enc.slice(enc.indexOf("\nsops:\n") + 1);
    const keys = md
      .split("\n")
      .filter((l) => /^ {4}[a-z_]+:/.test(l))
      .map((l) => l.trim().split(":")[0]);
    expect(keys).toEqual(["age", "encrypted_regex", "lastmodified", "mac", "version"]);
    expect(md).toMatch(/^ {4}age:\n {8}- enc: \|\n {12}-----BEGIN AGE ENCRYPTED FILE-----\n/m);
    expect(md).toContain(`\n          recipient: ${recA}\n`);
    expect(enc).toContain("    name: db\n"); // outside stringData: clear
    expect(enc).not.toContain("hunter22");
    for (const id of [idA, idB]) {
      const d = await decryptSops(enc, { file: "/repo/s.yaml", identities: [id] });
      expect(plaintextValues(d)[0]).toMatchObject({ stringData: { password: "hunter22", port: 5432 } });
    }
  });

  it("YAML 1.1 collection tags: encrypted as the plain collections go-yaml v3 reads, the MAC over those", async () => {
    const tagged = "a: !!set\n  ? x\n  ? z\nb: !!omap\n  - k: secret1\n  - k: secret2\n";
    const enc = (await encryptSops(tagged, { file: "/r/t.yaml", rule: ruleFor(recA) })).toString();
    expect(enc).not.toContain("!!");
    expect(enc).not.toContain("secret1");
    const d = await decryptSops(enc, { file: "/r/t.yaml", identities: [idA] });
    expect(plaintextBytes(d).toString()).toBe(
      "a:\n    x: null\n    z: null\nb:\n    - k: secret1\n    - k: secret2\n",
    );
  });

  it("multi-document YAML gets the metadata in every document and one MAC over all", async () => {
    const plain = "a: one\n---\nb: two\n";
    const enc = (await encryptSops(plain, { file: "/r/m.yaml", rule: ruleFor(recA) })).toString();
    expect(enc.match(/^sops:$/gm)).toHaveLength(2);
    const d = await decryptSops(enc, { file: "/r/m.yaml", identities: [idA] });
    expect(plaintextBytes(d).toString()).toBe(plain);
    // a ciphertext moved to another key no longer authenticates (the AAD is the key path)
    const a = /^a: (ENC\[.*)$/m.exec(enc)![1]!;
    const b = /^b: (ENC\[.*)$/m.exec(enc)![1]!;
    const swapped = enc.replace(a, "@A").replace(b, a).replace("@A", b);
    await expect(decryptSops(swapped, { file: "/r/m.yaml", identities: [idA] })).rejects.toThrow(/at a:/);
  });

  it("JSON keeps key order, int64 precision and the tab layout", async () => {
    const plain =
      '{\n\t"z": 9007199254740993,\n\t"10": "ten",\n\t"2": 2.5,\n\t"nested": {\n\t\t"list": [\n\t\t\ttrue,\n\t\t\tnull\n\t\t]\n\t},\n\t"html": "<a&b>"\n}\n';
    const enc = await encryptSops(plain, { file: "/r/x.json", rule: ruleFor(recA) });
    expect(enc.toString()).toMatch(/"z": "ENC\[.*type:int\]"/);
    const d = await decryptSops(enc, { file: "/r/x.json", identities: [idA] });
    expect(plaintextBytes(d).toString()).toBe(plain.replace("<a&b>", "\\u003ca\\u0026b\\u003e"));
    expect(plaintextValues(d)[0]).toMatchObject({ z: 9007199254740993n });
  });

  it("dotenv keeps keys verbatim and flattens metadata", async () => {
    const plain = "# comment\nFOO=bar\nMULTI=a\\nb\nKEY_unencrypted=clear\n";
    const enc = (await encryptSops(plain, { file: "/r/.env", rule: ruleFor(recA) })).toString();
    expect(enc).toContain("KEY_unencrypted=clear\n");
    expect(enc).toMatch(/^sops_age__list_0__map_enc=-----BEGIN AGE ENCRYPTED FILE-----\\n/m);
    expect(enc).toMatch(/^sops_age__list_0__map_recipient=age1/m);
    expect(enc).toMatch(/^sops_lastmodified=\d{4}-/m);
    const d = await decryptSops(enc, { file: "/r/.env", identities: [idA] });
    expect(plaintextBytes(d).toString()).toBe(plain);
  });

  it("binary files round-trip bytes exactly, whatever the rules say", async () => {
    const bytes = Buffer.from([0, 255, 1, 0xc3, 0x28, 10, 13]);
    const cfg = config(`creation_rules:\n  - age: ${recA}\n    encrypted_regex: ^nothing$\n`);
    const enc = await encryptSops(bytes, { file: "/r/blob.bin", config: cfg });
    expect(enc.toString()).toMatch(/^\{\n\t"data": "ENC\[/);
    const d = await decryptSops(enc, { file: "/r/blob.bin", identities: [idA] });
    expect(plaintextBytes(d).equals(bytes)).toBe(true);
  });

  it("post-quantum age recipients work", async () => {
    const pq = await generateHybridIdentity();
    const rec = await identityToRecipient(pq);
    expect(rec.startsWith("age1pq1")).toBe(true);
    const enc = await encryptSops("a: b\n", { file: "/r/pq.yaml", rule: ruleFor(rec) });
    const d = await decryptSops(enc, { file: "/r/pq.yaml", identities: [pq] });
    expect(plaintextValues(d)[0]).toEqual({ a: "b" });
  });

  it.each([
    ["unencrypted_suffix", "_clear", { a_clear: "x", b: "ENC" }],
    ["encrypted_suffix", "_secret", { a_clear: "x", b: "b" }],
    ["unencrypted_regex", "^a", { a_clear: "x", b: "ENC" }],
    ["encrypted_regex", "^b$", { a_clear: "x", b: "ENC" }],
  ])("creation rule %s=%s selects what is encrypted", async (name, value, expected) => {
    const cfg = config(`creation_rules:\n  - age: ${recA}\n    ${name}: "${value}"\n`);
    const enc = await encryptSops("a_clear: x\nb: b\n", { file: "/repo/f.yaml", config: cfg });
    const { branches, metadata } = loadEncrypted(enc, "yaml");
    expect(metadata.rules).toEqual({ [name]: value });
    for (const [k, v] of Object.entries(expected)) {
      const stored = branches[0]!.get(k) as string;
      if (v === "ENC") expect(stored).toMatch(/^ENC\[/);
      else expect(stored).toBe(v);
    }
    const d = await decryptSops(enc, { file: "/repo/f.yaml", identities: [idA] });
    expect(plaintextValues(d)[0]).toEqual({ a_clear: "x", b: "b" });
  });

  it("mac_only_encrypted leaves clear values out of the MAC", async () => {
    const cfg = config(
      `creation_rules:\n  - age: ${recA}\n    encrypted_regex: ^secret$\n    mac_only_encrypted: true\n`,
    );
    const enc = (await encryptSops("name: x\nsecret: s\n", { file: "/repo/f.yaml", config: cfg })).toString();
    expect(enc).toContain("mac_only_encrypted: true");
    const edited = enc.replace("name: x", "name: changed-by-kustomize");
    const d = await decryptSops(edited, { file: "/repo/f.yaml", identities: [idA] });
    expect(plaintextValues(d)[0]).toEqual({ name: "changed-by-kustomize", secret: "s" });
  });

  it("key_groups with two groups use Shamir and need both (threshold 2)", async () => {
    const cfg = config(`creation_rules:\n  - key_groups:\n      - age: [${recA}]\n      - age: [${recB}]\n`);
    const enc = (await encryptSops("a: b\n", { file: "/repo/f.yaml", config: cfg })).toString();
    expect(enc).toContain("key_groups:");
    expect(enc).toContain("shamir_threshold: 2");
    await expect(decryptSops(enc, { file: "/repo/f.yaml", identities: [idA] })).rejects.toThrow(
      /1 of 2 key groups/,
    );
    const d = await decryptSops(enc, { file: "/repo/f.yaml", identities: [idA, idB] });
    expect(plaintextValues(d)[0]).toEqual({ a: "b" });
  });

  it("refuses to encrypt an already encrypted file and a file no rule matches", async () => {
    const enc = await encryptSops("a: b\n", { file: "/r/f.yaml", rule: ruleFor(recA) });
    await expect(encryptSops(enc, { file: "/r/f.yaml", rule: ruleFor(recA) })).rejects.toThrow(
      /already encrypted/,
    );
    const cfg = config(`creation_rules:\n  - path_regex: ^prod/\n    age: ${recA}\n`);
    await expect(encryptSops("a: b\n", { file: "/repo/dev/f.yaml", config: cfg })).rejects.toThrow(
      /no matching creation rules/,
    );
    await expect(encryptSops("a: b\n", { file: "/repo/prod/f.yaml", config: cfg })).resolves.toBeInstanceOf(
      Buffer,
    );
  });
});

describe("edit round trip", () => {
  it("an edit with no change returns the file byte for byte", async () => {
    const enc = await encryptSops(YAML_SECRET, { file: "/r/f.yaml", rule: ruleFor(recA) });
    const d = await decryptSops(enc, { file: "/r/f.yaml", identities: [idA] });
    const out = reencryptEdited(d, plaintextBytes(d));
    expect(out.equals(enc)).toBe(true);
  });

  it("an edit changes only the ciphertext of the changed value (plus MAC and lastmodified)", async () => {
    const enc = (await encryptSops(YAML_SECRET, { file: "/r/f.yaml", rule: ruleFor(recA) })).toString();
    const d = await decryptSops(enc, { file: "/r/f.yaml", identities: [idA] });
    const edited = plaintextBytes(d).toString().replace("hunter22", "hunter23");
    const out = reencryptEdited(d, edited, { now: new Date("2030-01-01T00:00:00Z") }).toString();
    const before = enc.split("\n");
    const after = out.split("\n");
    const changed = after.filter((l, i) => l !== before[i]).map((l) => l.trim().split(":")[0]);
    expect(changed).toEqual(["password", "lastmodified", "mac"]);
    const again = await decryptSops(out, { file: "/r/f.yaml", identities: [idA] });
    expect(plaintextValues(again)[0]).toMatchObject({ stringData: { password: "hunter23" } });
  });
});

function ruleFor(recipient: string) {
  return { keyGroups: [[{ type: "age" as const, id: recipient }]], rules: {}, macOnlyEncrypted: false };
}
