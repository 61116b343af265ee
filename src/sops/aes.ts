import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { decodeGoStdBase64 } from "../go/base64.js";
import type { Comment, Scalar } from "./tree.js";
import { parseValueBytes, sopsTypeOf, valueBytes } from "./values.js";

/**
 * sops' value cipher: AES-256-GCM with a 32-byte IV, the key path as additional data, and the
 * `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]` text form.
 */

const ENC_PREFIX = "ENC[AES256_GCM,data:";

/**
 * The four fields sops' own pattern (aes/cipher.go,
 * `^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]`) captures in `s`, as Go's regexp
 * captures them; undefined when it does not match. Found from separator positions instead of
 * run through a regex engine: the values come from the repository, a backtracking engine takes
 * minutes on crafted text, and even RE2 (re2js) took 0.7 s per MB of one value. Each group is
 * greedy and `.` stops at a newline, so the match lies on the first line; there each group
 * ends at the last separator that still leaves the later fields non-empty: a `]` last, the
 * last `,type:` before it, the last `,tag:` before that, the last `,iv:` before that.
 */
export function encFields(s: string): [string, string, string, string] | undefined {
  if (!s.startsWith(ENC_PREFIX)) return undefined;
  const newline = s.indexOf("\n");
  const line = newline < 0 ? s : s.slice(0, newline);
  const close = line.lastIndexOf("]");
  // Each search starts where the separator still leaves a character before what follows it.
  const type = close < 1 ? -1 : line.lastIndexOf(",type:", close - ",type:".length - 1);
  const tag = type < 1 ? -1 : line.lastIndexOf(",tag:", type - ",tag:".length - 1);
  const iv = tag < 1 ? -1 : line.lastIndexOf(",iv:", tag - ",iv:".length - 1);
  if (iv <= ENC_PREFIX.length) return undefined;
  return [
    line.slice(ENC_PREFIX.length, iv),
    line.slice(iv + ",iv:".length, tag),
    line.slice(tag + ",tag:".length, type),
    line.slice(type + ",type:".length, close),
  ];
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
  return encFields(s) !== undefined;
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
  const m = encFields(s);
  if (!m) return undefined;
  const field = (name: string, text: string): Buffer => {
    const bytes = decodeGoStdBase64(text);
    if (bytes === undefined) throw new Error(`the ${name} field is not base64 (as sops reads it)`);
    return bytes;
  };
  return { data: field("data", m[0]), iv: field("iv", m[1]), tag: field("tag", m[2]), type: m[3] };
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
