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
  /**
   * The body: a string is its UTF-8 bytes, a list of strings their concatenation (a render's
   * objects, each text as JSON.stringify made it: posted to the writer thread as they are, a
   * text that V8 holds as one byte per character costs half as much as in a joined text that
   * one two-byte part made two-byte).
   */
  plain: string | readonly string[] | Uint8Array;
}

/** The entry's bytes: `{"slipway-cache":format,"key":id,"bytes":n}\n`, IV, ciphertext, tag. */
export function sealEntry(crypto: typeof Crypto, format: number, input: SealInput): Buffer {
  const tagBytes = 16;
  const cipher = crypto.createCipheriv("aes-256-gcm", input.key, input.iv);
  const plain = input.plain;
  const body =
    typeof plain === "string"
      ? [cipher.update(plain, "utf8")]
      : Array.isArray(plain)
        ? plain.map((part: string) => cipher.update(part, "utf8"))
        : [cipher.update(plain as Uint8Array)];
  const tail = cipher.final();
  // GCM's ciphertext is as long as the plaintext: the header's size is known before sealing
  // ends, and the entry is put together in one copy.
  let sealedLength = input.iv.length + tail.length + tagBytes;
  for (const b of body) sealedLength += b.length;
  const header = JSON.stringify({ "slipway-cache": format, key: input.id, bytes: sealedLength });
  return Buffer.concat([Buffer.from(`${header}\n`), input.iv, ...body, tail, cipher.getAuthTag()]);
}
