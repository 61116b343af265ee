import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseEncrypted } from "../../src/sops/aes.js";
import { decryptSops } from "../../src/sops/decrypt.js";
import { sealBranches } from "../../src/sops/encrypt.js";
import { detectYamlIndent, emitEncrypted, type SopsFormat } from "../../src/sops/store.js";
import { Branch, Comment, Sequence, type TreeBranches, type TreeValue } from "../../src/sops/tree.js";
import { hasShared, requires, sharedDir } from "../support/env.js";

const vectorsDir = path.join(sharedDir, "vectors/sops");

interface Vector {
  file: string;
  format: string;
  dataKeyHex: string;
  macVerified: boolean;
  sopsVersion: string;
}

function vectors(): Array<{ file: string; v: Vector }> {
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
    return (
      data.vectors
        .filter((v) => v.macVerified && ["yaml", "json", "dotenv", "binary"].includes(v.format))
        // Its comments are stored in clear (sops 3.3 era); re-encrypting rightly encrypts them.
        .filter((v) => !v.file.endsWith("comments_unencrypted_comments.yaml"))
        .map((v) => ({ file: path.join(vectorsDir, folder, v.file), v }))
    );
  });
}

/** IVs of every ENC string (values and comments) in walk order. */
function ivQueue(branches: TreeBranches): Buffer[] {
  const out: Buffer[] = [];
  const visit = (v: TreeValue | Comment) => {
    if (v instanceof Comment) {
      const p = parseEncrypted(v.text);
      if (p) out.push(p.iv);
    } else if (v instanceof Branch) {
      for (const it of v.items) visit(it instanceof Comment ? it : it.value);
    } else if (v instanceof Sequence) {
      for (const it of v.items) visit(it);
    } else if (typeof v === "string") {
      const p = parseEncrypted(v);
      if (p) out.push(p.iv);
    }
  };
  for (const b of branches) visit(b);
  return out;
}

describe.runIf(requires("shared"))("re-encryption reproduces sops' ciphertexts", () => {
  for (const { file, v } of hasShared ? vectors() : []) {
    it(`${path.relative(vectorsDir, file)} (sops ${v.sopsVersion})`, async () => {
      const original = readFileSync(file);
      const format = v.format as SopsFormat;
      const d = await decryptSops(original, { file, format, dataKey: Buffer.from(v.dataKeyHex, "hex") });
      const ivs = ivQueue(d.encryptedBranches);
      ivs.push(parseEncrypted(d.metadata.mac)!.iv);
      let n = 0;
      const iv = () => {
        const next = ivs[n++];
        if (!next) throw new Error("ran out of IVs");
        return next;
      };
      const { mac: _m, lastmodified: _l, ...skeleton } = d.metadata;
      const indent = format === "yaml" ? (detectYamlIndent(original.toString()) ?? 4) : undefined;
      const out = sealBranches(d.branches, skeleton, d.dataKey, format, {
        iv,
        now: new Date(d.metadata.lastmodified),
        stores: { yamlIndent: indent },
      });
      expect(n).toBe(ivs.length);
      const again = await decryptSops(out, { file, format, dataKey: d.dataKey });
      expect(again.metadata.mac).toBe(d.metadata.mac);
      // Same ciphertext for every value and comment: re-emit the original tree and compare.
      const expected = emitEncrypted(d.encryptedBranches, again.metadata, format, { yamlIndent: indent });
      expect(out.toString()).toBe(expected.toString());
      if (v.sopsVersion.startsWith("3.13")) expect(out.toString()).toBe(original.toString());
    });
  }
});
