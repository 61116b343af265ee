/**
 * Whether age accepts an identity string, decided without loading age-encryption: the library
 * (with its post-quantum tables, ~10-20 ms of a fresh process) is loaded only when something is
 * encrypted or decrypted, while every command that reads the user's keys checks them.
 *
 * age-encryption 0.3 (Decrypter.addIdentity, recipients.js) accepts `AGE-SECRET-KEY-1…` as an
 * X25519 identity and `AGE-SECRET-KEY-PQ-1…` as a hybrid one when @scure/base's
 * `bech32.decodeToBytes` decodes it (BIP 173: at most 90 characters, one case, the last `1`
 * ends the prefix, a valid checksum, 5-bit words regrouped into bytes with no excess or
 * non-zero padding), its prefix is `AGE-SECRET-KEY-` / `AGE-SECRET-KEY-PQ-`, and it holds 32
 * bytes. This is that check, on the upper-case ASCII strings the caller lets through; a test
 * compares it with the library on generated and mutated keys.
 */

const ALPHABET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymodStep(pre: number): number {
  const b = pre >> 25;
  let chk = (pre & 0x1ffffff) << 5;
  for (let i = 0; i < GENERATORS.length; i++) if (((b >> i) & 1) === 1) chk ^= GENERATORS[i]!;
  return chk;
}

/** BIP 173's checksum over the prefix and every word, checksum words included: 1 when valid. */
function polymod(prefix: string, words: readonly number[]): number {
  let chk = 1;
  for (let i = 0; i < prefix.length; i++) chk = polymodStep(chk) ^ (prefix.charCodeAt(i) >> 5);
  chk = polymodStep(chk);
  for (let i = 0; i < prefix.length; i++) chk = polymodStep(chk) ^ (prefix.charCodeAt(i) & 0x1f);
  for (const w of words) chk = polymodStep(chk) ^ w;
  return chk;
}

/**
 * The bytes of a Bech32 string (checksum valid, padding canonical) with its lower-cased prefix,
 * or undefined. Only for strings of printable ASCII in one case.
 */
export function decodeBech32(s: string): { prefix: string; bytes: Uint8Array } | undefined {
  if (s.length < 8 || s.length > 90) return undefined;
  const lowered = s.toLowerCase();
  if (s !== lowered && s !== s.toUpperCase()) return undefined;
  const sep = lowered.lastIndexOf("1");
  if (sep <= 0) return undefined;
  const prefix = lowered.slice(0, sep);
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix.charCodeAt(i);
    if (c < 33 || c > 126) return undefined;
  }
  const data = lowered.slice(sep + 1);
  if (data.length < 6) return undefined;
  const words: number[] = [];
  for (const ch of data) {
    const w = ALPHABET.indexOf(ch);
    if (w < 0) return undefined;
    words.push(w);
  }
  if (polymod(prefix, words) !== 1) return undefined;
  // 5-bit words to bytes; leftover bits must be fewer than a word and all zero.
  const n = words.length - 6;
  const bytes = new Uint8Array(Math.floor((n * 5) / 8));
  let carry = 0;
  let bits = 0;
  let j = 0;
  for (let i = 0; i < n; i++) {
    carry = ((carry << 5) | words[i]!) & 0xffff;
    bits += 5;
    for (; bits >= 8; bits -= 8) bytes[j++] = (carry >> (bits - 8)) & 0xff;
  }
  if (bits >= 5 || ((carry << (8 - bits)) & 0xff) !== 0) return undefined;
  return { prefix, bytes };
}

const IDENTITY = /^AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]+$/;

/** Whether `word` looks like an age identity (its checksum and length unchecked). */
export function looksLikeAgeIdentity(word: string): boolean {
  return IDENTITY.test(word);
}

/** Whether age-encryption's Decrypter.addIdentity accepts `word` (see the header). */
export function isUsableAgeIdentity(word: string): boolean {
  if (!IDENTITY.test(word)) return false;
  const decoded = decodeBech32(word);
  if (decoded === undefined || decoded.bytes.length !== 32) return false;
  const expected = word.startsWith("AGE-SECRET-KEY-PQ-1") ? "age-secret-key-pq-" : "age-secret-key-";
  return decoded.prefix === expected;
}
