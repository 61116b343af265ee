import { createHmac, randomBytes } from "node:crypto";
import { isMap, type YamlValue } from "../kustomize/types.js";
import type { DecryptedSops } from "./decrypt.js";
import { toYamlValue } from "./plain.js";
import { Branch, ByteString, Comment, Sequence, SopsTime, type TreeValue } from "./tree.js";

/**
 * Markers for secret values. A marker is an HMAC of the value under a key drawn once per run:
 * equal values get equal markers (a diff still shows *that* a secret changed), but a marker
 * cannot be reversed or brute-forced without the run's key. Which values are secret is the
 * model's business (src/secrets): nothing here searches text.
 */

export interface SecretMasker {
  /** `<masked:sha256:1a2b3c4d>` for one value. */
  mask(value: string | number | bigint | boolean): string;
  /** Every scalar of `v` replaced by its marker (keys and structure kept). */
  maskAll(v: YamlValue): YamlValue;
}

export function createSecretMasker(runKey: Uint8Array = randomBytes(32)): SecretMasker {
  const marker = (canonical: string) =>
    `<masked:sha256:${createHmac("sha256", runKey).update(canonical).digest("hex").slice(0, 8)}>`;
  const masker: SecretMasker = {
    mask(value) {
      const text = String(value);
      return marker(`${typeof value === "bigint" ? "number" : typeof value}:${text}`);
    },
    maskAll(v) {
      if (v === null) return null;
      if (Array.isArray(v)) return v.map((x) => masker.maskAll(x));
      if (typeof v === "object") {
        const out: Record<string, YamlValue> = {};
        for (const [k, x] of Object.entries(v)) out[k] = masker.maskAll(x);
        return out;
      }
      return masker.mask(v);
    },
  };
  return masker;
}

/** Every scalar value of a document masked (for a Secret whose values are all secret). */
export function maskSecretValues(doc: YamlValue, masker: SecretMasker = createSecretMasker()): YamlValue {
  return masker.maskAll(doc);
}

/**
 * The decrypted documents with exactly the values that were encrypted in the file masked;
 * values sops kept in clear (apiVersion, metadata…) stay readable.
 */
export function maskedDocuments(d: DecryptedSops, masker: SecretMasker): YamlValue[] {
  const visit = (v: TreeValue, path: string[]): YamlValue => {
    if (v instanceof Branch) {
      const out: Record<string, YamlValue> = {};
      for (const it of v.items)
        if (!(it instanceof Comment)) out[it.key] = visit(it.value, [...path, it.key]);
      return out;
    }
    if (v instanceof Sequence)
      return v.items.filter((x) => !(x instanceof Comment)).map((x) => visit(x as TreeValue, path));
    if (v === null) return null;
    if (!d.encryptedPaths.has(`${path.join(":")}:`)) return toYamlValue(v);
    if (v instanceof SopsTime) return masker.mask(v.text);
    if (v instanceof ByteString) return masker.mask(v.bytes.toString("base64"));
    return masker.mask(v);
  };
  return d.branches.map((b) => visit(b, []));
}

/** True for a parsed document that carries sops metadata (`sops:` with `mac`/`lastmodified`). */
export function isSopsEncrypted(doc: YamlValue): boolean {
  if (!isMap(doc)) return false;
  const md = doc.sops;
  return isMap(md) && (typeof md.mac === "string" || md.lastmodified !== undefined);
}
