import { readFileSync } from "node:fs";
import * as path from "node:path";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { beforeAll, describe, expect, it } from "vitest";
import { SlipwayError } from "../../src/errors.js";
import { decryptSops, plaintextValues } from "../../src/sops/decrypt.js";
import { encryptSops } from "../../src/sops/encrypt.js";
import { parseAgeIdentities } from "../../src/sops/identities.js";
import { requires, sharedDir } from "../support/env.js";

let id: string;
let enc: string;
const file = "/repo/apps/secret.yaml";
const SECRET = "s3cr3t-value";

beforeAll(async () => {
  id = await generateX25519Identity();
  const rule = {
    keyGroups: [[{ type: "age" as const, id: await identityToRecipient(id) }]],
    rules: { encrypted_regex: "^(data|stringData)$" },
    macOnlyEncrypted: false,
  };
  enc = (
    await encryptSops(`kind: Secret\nmetadata:\n    name: x\nstringData:\n    token: ${SECRET}\n`, {
      file,
      rule,
    })
  ).toString();
});

async function failure(text: string, opts: { ignoreMac?: boolean } = {}): Promise<SlipwayError> {
  try {
    await decryptSops(text, { file, identities: [id], ...opts });
  } catch (err) {
    expect(err).toBeInstanceOf(SlipwayError);
    return err as SlipwayError;
  }
  throw new Error("decryption unexpectedly succeeded");
}

function flipBase64Char(s: string, field: "data" | "tag"): string {
  return s.replace(new RegExp(`(token: ENC\\[AES256_GCM,.*?${field}:)(.)`), (_m, pre: string, c: string) => {
    return pre + (c === "A" ? "B" : "A");
  });
}

describe("tampering is detected", () => {
  it("the untouched file decrypts", async () => {
    const d = await decryptSops(enc, { file, identities: [id] });
    expect(plaintextValues(d)[0]).toMatchObject({ stringData: { token: SECRET } });
  });

  it("a changed ciphertext", async () => {
    const err = await failure(flipBase64Char(enc, "data"));
    expect(err.file).toBe(file);
    expect(err.message).toMatch(/stringData:token:/);
    expect(err.message).not.toContain(SECRET);
  });

  /** The token's ENC fields, rewritten by `edit` (data and tag as bytes, the rest as text). */
  function withTokenFields(edit: (f: { data: string; iv: string; tag: string }) => void): string {
    return enc.replace(/token: ENC\[AES256_GCM,data:([^,]*),iv:([^,]*),tag:([^,]*),/, (_m, data, iv, tag) => {
      const f = { data, iv, tag };
      edit(f);
      return `token: ENC[AES256_GCM,data:${f.data},iv:${f.iv},tag:${f.tag},`;
    });
  }

  // Go's base64.StdEncoding (sops' aes/cipher.go parse) refuses these, so sops and Flux fail on
  // the file; Node's decoder skipped the junk and decrypted it.
  it.each([
    ["junk in the data", (f: { data: string }) => (f.data = `!${f.data}`), "data"],
    ["junk in the tag", (f: { tag: string }) => (f.tag = `${f.tag.slice(0, 4)}*${f.tag.slice(4)}`), "tag"],
    ["a URL-alphabet character", (f: { iv: string }) => (f.iv = `-${f.iv.slice(1)}`), "iv"],
    ["padding left out", (f: { tag: string }) => (f.tag = f.tag.replace(/=+$/, "")), "tag"],
  ])("a field that is not base64 as Go reads it: %s", async (_name, edit, field) => {
    const text = withTokenFields(edit as (f: { data: string; iv: string; tag: string }) => void);
    expect(text).not.toBe(enc);
    const err = await failure(text);
    expect(err.file).toBe(file);
    expect(err.message).toContain(`stringData:token:: the ${field} field is not base64`);
  });

  it("data and tag split elsewhere decrypt: sops opens their concatenation", async () => {
    const text = withTokenFields((f) => {
      const sealed = Buffer.concat([Buffer.from(f.data, "base64"), Buffer.from(f.tag, "base64")]);
      f.data = sealed.subarray(0, sealed.length - 15).toString("base64");
      f.tag = sealed.subarray(sealed.length - 15).toString("base64");
    });
    const d = await decryptSops(text, { file, identities: [id] });
    expect(plaintextValues(d)[0]).toMatchObject({ stringData: { token: SECRET } });
  });

  it("a changed tag", async () => {
    const err = await failure(flipBase64Char(enc, "tag"));
    expect(err.file).toBe(file);
  });

  it("a changed MAC", async () => {
    const err = await failure(
      enc.replace(
        /(mac: ENC\[AES256_GCM,data:)(.)/,
        (_m, p: string, c: string) => p + (c === "A" ? "B" : "A"),
      ),
    );
    expect(err.file).toBe(file);
    expect(err.message).toMatch(/MAC/);
  });

  it("a changed value that sops kept in clear", async () => {
    const err = await failure(enc.replace("name: x", "name: y"));
    expect(err.file).toBe(file);
    expect(err.message).toMatch(/MAC check failed/);
    expect(err.format()).toMatch(/^\/repo\/apps\/secret\.yaml: /);
  });

  it("an added clear value, a removed MAC, a changed lastmodified", async () => {
    await expect(failure(enc.replace("kind: Secret", "kind: Secret\nextra: added"))).resolves.toBeInstanceOf(
      SlipwayError,
    );
    expect((await failure(enc.replace(/ {4}mac: .*\n/, ""))).message).toMatch(/no MAC/);
    expect((await failure(enc.replace(/lastmodified: "(\d{4})/, 'lastmodified: "1999'))).message).toMatch(
      /MAC/,
    );
  });

  it("ignoreMac skips only the MAC check, as Flux does", async () => {
    const d = await decryptSops(enc.replace("name: x", "name: y"), {
      file,
      identities: [id],
      ignoreMac: true,
    });
    expect(d.macVerified).toBe(false);
    expect(plaintextValues(d)[0]).toMatchObject({ metadata: { name: "y" }, stringData: { token: SECRET } });
    await expect(failure(flipBase64Char(enc, "data"), { ignoreMac: true })).resolves.toBeInstanceOf(
      SlipwayError,
    );
  });

  it("a wrong identity and no identity are reported without key material", async () => {
    const other = await generateX25519Identity();
    await expect(decryptSops(enc, { file, identities: [other] })).rejects.toThrow(
      /none of the available age identities/,
    );
    await expect(decryptSops(enc, { file, identities: [] })).rejects.toThrow(/no age identity available/);
    try {
      await decryptSops(enc, { file, identities: [other] });
    } catch (err) {
      expect((err as Error).message).not.toContain(other);
    }
  });
});

describe.runIf(requires("shared"))("vector files", () => {
  const dir = path.join(sharedDir, "vectors/sops");

  it("sops' no-MAC fixture fails", async () => {
    const f = path.join(dir, "getsops-sops/pgp-files/no_mac.yaml");
    const data = JSON.parse(readFileSync(path.join(dir, "getsops-sops/expected.json"), "utf8")) as {
      vectors: Array<{ file: string; dataKeyHex: string }>;
    };
    const v = data.vectors.find((x) => x.file.endsWith("no_mac.yaml"))!;
    await expect(
      decryptSops(readFileSync(f), { file: f, dataKey: Buffer.from(v.dataKeyHex, "hex") }),
    ).rejects.toThrow(/MAC/);
  });

  it("a PGP-only file names the file and says there is no age recipient", async () => {
    const f = path.join(dir, "fluxcd-kustomize-controller/algorithms/pgp.yaml");
    const ids = parseAgeIdentities(
      readFileSync(path.join(dir, "fluxcd-kustomize-controller/keys/age.txt"), "utf8"),
      "k",
    );
    const err = await decryptSops(readFileSync(f), { file: f, identities: ids.identities }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SlipwayError);
    expect((err as SlipwayError).message).toMatch(/^encrypted for PGP\/KMS only; no age recipient/);
    expect((err as SlipwayError).file).toBe(f);
    expect((err as SlipwayError).format()).toContain(
      "algorithms/pgp.yaml: encrypted for PGP/KMS only; no age recipient",
    );
  });

  it("a file with age and PGP recipients decrypts with the age identity alone", async () => {
    const f = path.join(dir, "mic92-sops-nix/secrets.yaml");
    const ids = parseAgeIdentities(readFileSync(path.join(dir, "mic92-sops-nix/age-keys.txt"), "utf8"), "k");
    const d = await decryptSops(readFileSync(f), { file: f, identities: ids.identities });
    expect(d.macVerified).toBe(true);
    expect(d.metadata.keyGroups[0]!.map((k) => k.type).sort()).toEqual(["age", "age", "pgp", "pgp"]);
  });
});

describe("an age entry that cannot be read", () => {
  const CORRUPT = "-----BEGIN AGE ENCRYPTED FILE-----\nYWJj\n-----END AGE ENCRYPTED FILE-----\n";
  const withCorruptEntryFirst = async (): Promise<string> => {
    const other = await identityToRecipient(await generateX25519Identity());
    const stanza = `        - recipient: ${other}\n          enc: |\n${CORRUPT.replace(/^/gm, "            ").trimEnd()}\n`;
    return enc.replace(/^( {4}age:\n)/m, `$1${stanza}`);
  };

  it("is passed over for the next one, as sops does", async () => {
    const text = await withCorruptEntryFirst();
    expect(text).toContain("YWJj");
    const d = await decryptSops(text, { file, identities: [id] });
    expect(plaintextValues(d)[0]).toMatchObject({ stringData: { token: SECRET } });
  });

  it("is reported when no entry opens, naming the file", async () => {
    const text = (await withCorruptEntryFirst()).replace(
      /^ {8}- enc: \|\n(?: {12}.*\n)+ {10}recipient: .*\n/m,
      "",
    );
    const err = await failure(text);
    expect(err.message).toContain("age decryption failed");
    expect(err.file).toBe(file);
  });
});
