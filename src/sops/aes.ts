import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { RE2JS } from "re2js";
import { decodeGoStdBase64 } from "../go/base64.js";
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

/**
 * A whole value in sops' ENC form somewhere in `text`: only base64 and a type name between the
 * separators, so prose that mentions the form ("values look like ENC[AES256_GCM,data:…]") is
 * none, and the match stays linear on any input.
 */
const ENC_VALUE_IN_TEXT =
  /ENC\[AES256_GCM,data:[A-Za-z0-9+/=]*,iv:[A-Za-z0-9+/=]+,tag:[A-Za-z0-9+/=]+,type:[a-z]+\]/;

export function holdsEncryptedValue(text: string): boolean {
  return text.includes("ENC[AES256_GCM,") && ENC_VALUE_IN_TEXT.test(text);
}

/**
 * The fields of an `ENC[…]` string; undefined when it is none. Throws when a field is not the
 * base64 Go's StdEncoding reads (aes/cipher.go `parse`): sops and Flux fail on such a value,
 * where Node's lenient decoder would skip the junk and decrypt it — a damaged file passing here.
 */
export function parseEncrypted(s: string): EncryptedParts | undefined {
  if (!s.startsWith("ENC[AES256_GCM,")) return undefined;
  const m = encPatternOf().exec(s);
  if (!m) return undefined;
  const field = (name: string, text: string): Buffer => {
    const bytes = decodeGoStdBase64(text);
    if (bytes === undefined) throw new Error(`the ${name} field is not base64 (as sops reads it)`);
    return bytes;
  };
  return { data: field("data", m[1]!), iv: field("iv", m[2]!), tag: field("tag", m[3]!), type: m[4]! };
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
  const failed = () => new Error("authentication failed (wrong data key, changed ciphertext or moved value)");
  // sops appends the tag to the data and Go's gcm.Open takes the last 16 bytes as the tag, so
  // where the two fields split does not matter (aes/cipher.go Decrypt); Node wants the split.
  const sealed = Buffer.concat([parts.data, parts.tag]);
  if (sealed.length < 16) throw failed();
  const decipher = createDecipheriv("aes-256-gcm", key, parts.iv, { authTagLength: 16 });
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
  } catch {
    throw failed();
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
