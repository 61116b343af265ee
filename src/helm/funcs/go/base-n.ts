/**
 * Go's encoding/base64 and encoding/base32 StdEncoding decoders, with their error offsets
 * ("illegal base64 data at input byte N"): base64 skips CR/LF as it reads, base32 strips them
 * first; both require correct padding. Encoding is Node's (the same alphabets and padding).
 */

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function decodeMap(alphabet: string): Int16Array {
  const m = new Int16Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i++) m[alphabet.charCodeAt(i)] = i;
  return m;
}
const B64_MAP = decodeMap(B64);
const B32_MAP = decodeMap(B32);
const PAD = 0x3d;
const isNl = (c: number | undefined) => c === 0x0a || c === 0x0d;

export class CorruptInputError extends Error {}

/** base64.StdEncoding.DecodeString. Throws CorruptInputError with Go's message. */
export function decodeBase64(src: Uint8Array): Uint8Array {
  const out: number[] = [];
  const fail = (at: number) => new CorruptInputError(`illegal base64 data at input byte ${at}`);
  let si = 0;
  while (si < src.length) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let pending: CorruptInputError | undefined;
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Uint8Array.from(out);
        throw fail(si - j);
      }
      const c = src[si++]!;
      const v = B64_MAP[c]!;
      if (v >= 0) {
        dbuf[j] = v;
        continue;
      }
      if (isNl(c)) {
        j--;
        continue;
      }
      if (c !== PAD) throw fail(si - 1);
      if (j === 0 || j === 1) throw fail(si - 1);
      if (j === 2) {
        while (si < src.length && isNl(src[si])) si++;
        if (si === src.length) throw fail(src.length);
        if (src[si] !== PAD) throw fail(si - 1);
        si++;
      }
      while (si < src.length && isNl(src[si])) si++;
      if (si < src.length) pending = fail(si);
      dlen = j;
      break;
    }
    const val = (dbuf[0]! << 18) | (dbuf[1]! << 12) | (dbuf[2]! << 6) | dbuf[3]!;
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    for (let k = 0; k < dlen - 1; k++) out.push(bytes[k]!);
    if (pending) throw pending;
  }
  return Uint8Array.from(out);
}

/** base32.StdEncoding.DecodeString (newlines removed before decoding). */
export function decodeBase32(input: Uint8Array): Uint8Array {
  let src = input.filter((c) => !isNl(c));
  const olen = src.length;
  const fail = (at: number) => new CorruptInputError(`illegal base32 data at input byte ${at}`);
  const out: number[] = [];
  let end = false;
  while (src.length > 0 && !end) {
    const dbuf = new Array<number>(8).fill(0);
    let dlen = 8;
    for (let j = 0; j < 8; ) {
      if (src.length === 0) throw fail(olen - src.length - j);
      const c = src[0]!;
      src = src.subarray(1);
      if (c === PAD && j >= 2 && src.length < 8) {
        if (src.length + j < 8 - 1) throw fail(olen);
        for (let k = 0; k < 8 - 1 - j; k++) {
          if (src.length > k && src[k] !== PAD) throw fail(olen - src.length + k - 1);
        }
        dlen = j;
        end = true;
        if (dlen === 1 || dlen === 3 || dlen === 6) throw fail(olen - src.length - 1);
        break;
      }
      const v = B32_MAP[c]!;
      if (v < 0) throw fail(olen - src.length - 1);
      dbuf[j] = v;
      j++;
    }
    // 8 × 5 bits → 5 bytes; a short final quantum yields fewer.
    const bytes = [
      (dbuf[0]! << 3) | (dbuf[1]! >> 2),
      ((dbuf[1]! << 6) | (dbuf[2]! << 1) | (dbuf[3]! >> 4)) & 0xff,
      ((dbuf[3]! << 4) | (dbuf[4]! >> 1)) & 0xff,
      ((dbuf[4]! << 7) | (dbuf[5]! << 2) | (dbuf[6]! >> 3)) & 0xff,
      ((dbuf[6]! << 5) | dbuf[7]!) & 0xff,
    ];
    const n = [0, 0, 1, 1, 2, 3, 3, 4, 5][dlen]!;
    for (let k = 0; k < n; k++) out.push(bytes[k]! & 0xff);
  }
  return Uint8Array.from(out);
}

export function encodeBase32(b: Uint8Array): string {
  let out = "";
  for (let i = 0; i < b.length; i += 5) {
    const chunk = [0, 0, 0, 0, 0];
    const n = Math.min(5, b.length - i);
    for (let k = 0; k < n; k++) chunk[k] = b[i + k]!;
    const bits = chunk.reduce((acc, x) => (acc << 8n) | BigInt(x), 0n);
    const chars = [0, 2, 4, 5, 7, 8][n]!;
    for (let k = 0; k < 8; k++) {
      out += k < chars ? B32[Number((bits >> BigInt(35 - 5 * k)) & 31n)] : "=";
    }
  }
  return out;
}
