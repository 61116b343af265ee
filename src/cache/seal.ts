/**
 * How a render cache entry is sealed (the layout store.ts describes): a header line naming the
 * entry and its size, then the IV, the AES-256-GCM ciphertext of the body and the tag. The
 * parts are returned as they come from the cipher: a pack (pack-writes.ts) writes a run's
 * entries, ~8 MB in a cold check of bjw-s home-ops, without copying them into one buffer.
 */
import * as crypto from "node:crypto";

/** What seals one entry: the key's parts and the plaintext. */
export interface SealInput {
  /** The entry's name (CacheKey.id), repeated in its header. */
  id: string;
  /** AES-256 key (CacheKey.seal). */
  key: Uint8Array;
  /** The GCM IV (store.ts's nextIv: never reused in a process). */
  iv: Uint8Array;
  /**
   * The body: a string is its UTF-8 bytes, a list of strings their concatenation (a render's
   * objects, each text as JSON.stringify made it, kept apart rather than joined).
   */
  plain: string | readonly string[] | Uint8Array;
}

/** The entry's bytes in order: `{"slipway-cache":format,"key":id,"bytes":n}\n`, IV, ciphertext, tag. */
export function sealEntry(format: number, input: SealInput): Buffer[] {
  const cipher = crypto.createCipheriv("aes-256-gcm", input.key, input.iv);
  const plain = input.plain;
  const body =
    typeof plain === "string"
      ? [cipher.update(plain, "utf8")]
      : Array.isArray(plain)
        ? plain.map((part: string) => cipher.update(part, "utf8"))
        : [cipher.update(plain as Uint8Array)];
  body.push(cipher.final(), cipher.getAuthTag());
  // GCM's ciphertext is as long as the plaintext: the header's size is the parts' sum.
  let sealedLength = input.iv.length;
  for (const b of body) sealedLength += b.length;
  const header = JSON.stringify({ "slipway-cache": format, key: input.id, bytes: sealedLength });
  return [
    Buffer.from(`${header}\n`),
    Buffer.from(input.iv.buffer, input.iv.byteOffset, input.iv.length),
    ...body,
  ];
}
