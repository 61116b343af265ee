import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseEncrypted } from "../../src/sops/aes.js";
import { decryptSops, plaintextBytes, plaintextValues } from "../../src/sops/decrypt.js";
import { parseAgeIdentities } from "../../src/sops/identities.js";
import { reencryptEdited } from "../../src/sops/manage.js";
import { hasShared, requires, sharedDir } from "../support/env.js";

const vectorsDir = path.join(sharedDir, "vectors/sops");

interface Leaf {
  aad: string;
  encrypted: string | null;
  sopsType: string | null;
  macBytes: string;
  inMac: boolean;
}
interface Vector {
  file: string;
  format: string;
  keyFiles?: string[];
  dataKeyHex?: string;
  macVerified: boolean;
  plaintext?: unknown;
  leaves?: Leaf[];
  lastmodified?: string;
  innerFormat?: string;
}

function loadVectors(): Array<{ folder: string; v: Vector }> {
  const folders = [
    "fluxcd-kustomize-controller",
    "humphd-sops-age",
    "mic92-sops-nix",
    "jkroepke-helm-secrets",
    "viaduct-ai-kustomize-sops",
    "getsops-sops",
  ];
  return folders.flatMap((folder) => {
    const data = JSON.parse(readFileSync(path.join(vectorsDir, folder, "expected.json"), "utf8")) as {
      vectors: Vector[];
    };
    return data.vectors.map((v) => ({ folder, v }));
  });
}

/** JSON view with ints and floats both as numbers, as expected.json shows them. */
function normalize(v: unknown): unknown {
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]));
  return v;
}

describe.runIf(requires("shared"))("sops vectors", () => {
  const all = (hasShared ? loadVectors() : []).filter(({ v }) =>
    ["yaml", "json", "dotenv", "binary"].includes(v.format),
  );

  for (const { folder, v } of all) {
    const rel = `${folder}/${v.file}`;
    it(`decrypts ${rel} with its data key`, async () => {
      const file = path.join(vectorsDir, folder, v.file);
      const bytes = readFileSync(file);
      const opts = { file, format: v.format as "yaml", dataKey: Buffer.from(v.dataKeyHex!, "hex") };
      if (!v.macVerified) {
        await expect(decryptSops(bytes, opts)).rejects.toThrow(/MAC/);
        return;
      }
      const d = await decryptSops(bytes, opts);
      if (v.format === "binary") {
        expect(d.branches[0]!.get("data")).toBeDefined();
      } else {
        expect(normalize(plaintextValues(d)[0])).toEqual(v.plaintext);
      }
    });
  }

  for (const { folder, v } of all.filter(({ v }) => (v.keyFiles ?? []).length > 0)) {
    const rel = `${folder}/${v.file}`;
    it(`decrypts ${rel} with its age key`, async () => {
      const identities = v.keyFiles!.flatMap(
        (k) => parseAgeIdentities(readFileSync(path.join(vectorsDir, folder, k), "utf8"), k).identities,
      );
      const file = path.join(vectorsDir, folder, v.file);
      const d = await decryptSops(readFileSync(file), { file, identities });
      expect(Buffer.from(d.dataKey).toString("hex")).toBe(v.dataKeyHex);
      expect(d.macVerified).toBe(true);
    });
  }
  it("editing one value of a real sops file keeps every other ciphertext and the indentation", async () => {
    const file = path.join(vectorsDir, "humphd-sops-age/secret.enc.yaml");
    const original = readFileSync(file);
    const identities = parseAgeIdentities(
      readFileSync(path.join(vectorsDir, "humphd-sops-age/key.txt"), "utf8"),
      "k",
    ).identities;
    const d = await decryptSops(original, { file, identities });
    expect(reencryptEdited(d, plaintextBytes(d)).equals(original)).toBe(true);
    const edited = plaintextBytes(d).toString().replace("string: string", "string: changed");
    const out = reencryptEdited(d, edited).toString();
    const data = (t: string) => t.slice(0, t.indexOf("\nsops:")).split("\n");
    const before = data(original.toString());
    const after = data(out);
    expect(after.filter((l, i) => l !== before[i]).map((l) => l.split(":")[0])).toEqual(["string"]);
    expect(parseEncrypted(/^string: (.*)$/m.exec(out)![1]!)).toBeDefined();
    const again = await decryptSops(out, { file, identities });
    expect(plaintextValues(again)[0]).toMatchObject({ string: "changed", int: 7 });
  });
});
