/**
 * How a render cache entry is sealed (the layout store.ts describes): a header line naming the
 * entry and its size, then the IV, the AES-256-GCM ciphertext of the body and the tag.
 *
 * The function is written once and runs in two places: in the caller's thread (store.ts, for
 * the entries written synchronously) and in the writer thread (background-writes.ts), which gets
 * its source text. Sealing there took a cold check ~30 ms of its main thread (encrypting and
 * copying ~10 MB of entries). So it must stay self-contained: it uses only its parameters and
 * globals (`Buffer`, `JSON`), never an import, and test/cache/background-writes.test.ts reads
 * what the thread wrote.
 */
import type * as Crypto from "node:crypto";

/** What the writer thread needs to seal one entry: the key's parts and the plaintext. */
export interface SealInput {
  /** The entry's name (CacheKey.id), repeated in its header. */
  id: string;
  /** AES-256 key (CacheKey.seal). */
  key: Uint8Array;
  /** The GCM IV (store.ts's nextIv: never reused in a process). */
  iv: Uint8Array;
  /** The body: a string is its UTF-8 bytes. */
  plain: string | Uint8Array;
}

/** The entry's bytes: `{"slipway-cache":format,"key":id,"bytes":n}\n`, IV, ciphertext, tag. */
export function sealEntry(crypto: typeof Crypto, format: number, input: SealInput): Buffer {
  const tagBytes = 16;
  const cipher = crypto.createCipheriv("aes-256-gcm", input.key, input.iv);
  const body =
    typeof input.plain === "string" ? cipher.update(input.plain, "utf8") : cipher.update(input.plain);
  const tail = cipher.final();
  // GCM's ciphertext is as long as the plaintext: the header's size is known before sealing
  // ends, and the entry is put together in one copy.
  const sealedLength = input.iv.length + body.length + tail.length + tagBytes;
  const header = JSON.stringify({ "slipway-cache": format, key: input.id, bytes: sealedLength });
  return Buffer.concat([Buffer.from(`${header}\n`), input.iv, body, tail, cipher.getAuthTag()]);
}
