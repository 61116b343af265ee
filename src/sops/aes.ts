import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { RE2JS } from "re2js";
import type { Comment, Scalar } from "./tree.js";
import { parseValueBytes, sopsTypeOf, valueBytes } from "./values.js";

/**
 * sops' value cipher: AES-256-GCM with a 32-byte IV, the key path as additional data, and the
 * `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]` text form.
 */

/**
 * sops' own pattern (aes/cipher.go), run on RE2 like Go runs it: the values come from the
 * repository, and a backtracking engine takes minutes on a few kilobytes of crafted
 * `ENC[AES256_GCM,data:,iv:,tag:…` text. Compiled at first use, not when the module loads:
 * every `check` loads this module and most repositories hold no SOPS value (~3 ms of a cold
 * check of bjw-s home-ops, which has none).
 */
let encPattern: RE2JS | undefined;
function encPatternOf(): RE2JS {
  encPattern ??= RE2JS.compile("^ENC\\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\\]");
  return encPattern;
}
export const IV_SIZE = 32;

export interface EncryptedParts {
  data: Buffer;
  iv: Buffer;
  tag: Buffer;
  type: string;
}

/**
 * Supplies the IV for one encryption. Injectable so tests can reproduce sops' ciphertexts;
 * the default draws fresh random bytes every time.
 */
export type IvSource = (aad: string, plaintext: Buffer) => Uint8Array;
export const randomIv: IvSource = () => randomBytes(IV_SIZE);

export function isEncryptedString(s: string): boolean {
  return s.startsWith("ENC[AES256_GCM,") && encPatternOf().test(s);
}

export function parseEncrypted(s: string): EncryptedParts | undefined {
  if (!s.startsWith("ENC[AES256_GCM,")) return undefined;
  const m = encPatternOf().exec(s);
  if (!m) return undefined;
  return {
    data: Buffer.from(m[1]!, "base64"),
    iv: Buffer.from(m[2]!, "base64"),
    tag: Buffer.from(m[3]!, "base64"),
    type: m[4]!,
  };
}

export function formatEncrypted(p: EncryptedParts): string {
  return `ENC[AES256_GCM,data:${p.data.toString("base64")},iv:${p.iv.toString("base64")},tag:${p.tag.toString("base64")},type:${p.type}]`;
}

export function sealBytes(plaintext: Buffer, key: Uint8Array, iv: Uint8Array, aad: string): EncryptedParts {
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { data, iv: Buffer.from(iv), tag: cipher.getAuthTag(), type: "" };
}

/** Throws a generic error (never the plaintext) when the tag does not verify. */
export function openBytes(parts: EncryptedParts, key: Uint8Array, aad: string): Buffer {
  const decipher = createDecipheriv("aes-256-gcm", key, parts.iv, { authTagLength: 16 });
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(parts.tag);
  try {
    return Buffer.concat([decipher.update(parts.data), decipher.final()]);
  } catch {
    throw new Error("authentication failed (wrong data key, changed ciphertext or moved value)");
  }
}

/** Encrypts one value; the empty string stays empty as in sops. */
export function encryptValue(value: Scalar | Comment, key: Uint8Array, aad: string, iv: IvSource): string {
  const plaintext = valueBytes(value);
  const type = sopsTypeOf(value);
  if (type === "str" || type === "comment") {
    if (plaintext.length === 0) return "";
  }
  const parts = sealBytes(plaintext, key, iv(aad, plaintext), aad);
  return formatEncrypted({ ...parts, type });
}

/** Decrypts an `ENC[…]` string; `""` decrypts to `""`. Throws when not an ENC string. */
export function decryptValue(text: string, key: Uint8Array, aad: string): Scalar | Comment {
  if (text === "") return "";
  const parts = parseEncrypted(text);
  if (!parts) throw new Error("value is not an ENC[AES256_GCM,...] string");
  return parseValueBytes(openBytes(parts, key, aad), parts.type);
}
