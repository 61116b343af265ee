/**
 * The few ASN.1 DER encodings an X.509 certificate and its keys need (Go's encoding/asn1 as
 * crypto/x509 uses it), plus a minimal reader for the key structures node:crypto exports.
 */

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let x = n; x > 0; x = Math.floor(x / 256)) out.unshift(x & 0xff);
  return [0x80 | out.length, ...out];
}

export function tlv(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag, ...lengthBytes(content.length)]), content]);
}

export const seq = (...parts: Uint8Array[]): Buffer => seqOf(parts);
/** SEQUENCE of a list of any length (spread as arguments, a long one overflows the stack). */
export const seqOf = (parts: readonly Uint8Array[]): Buffer => tlv(0x30, Buffer.concat(parts));
export const set = (...parts: Uint8Array[]): Buffer => tlv(0x31, Buffer.concat(parts));
export const octets = (b: Uint8Array): Buffer => tlv(0x04, b);
export const nullValue = (): Buffer => Buffer.from([0x05, 0x00]);
export const bool = (b: boolean): Buffer => Buffer.from([0x01, 0x01, b ? 0xff : 0x00]);
/** [n] EXPLICIT (constructed, context-specific). */
export const explicit = (n: number, content: Uint8Array): Buffer => tlv(0xa0 | n, content);
/** [n] IMPLICIT primitive (context-specific). */
export const implicit = (n: number, content: Uint8Array): Buffer => tlv(0x80 | n, content);

/** Two's-complement minimal big-endian bytes of a non-negative or negative integer. */
export function integer(n: bigint): Buffer {
  if (n >= 0n) {
    let hex = n.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    let b = Buffer.from(hex, "hex");
    if (b.length === 0 || b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
    return tlv(0x02, b);
  }
  const bytes: number[] = [];
  let x = n;
  do {
    bytes.unshift(Number(x & 0xffn));
    x >>= 8n;
  } while (!(x === -1n && bytes[0]! & 0x80));
  return tlv(0x02, Buffer.from(bytes));
}

export function oid(dotted: string): Buffer {
  const arcs = dotted.split(".").map((a) => BigInt(a));
  const out: number[] = [];
  const push = (v: bigint) => {
    const chunk: number[] = [Number(v & 0x7fn)];
    for (let x = v >> 7n; x > 0n; x >>= 7n) chunk.unshift(Number(x & 0x7fn) | 0x80);
    out.push(...chunk);
  };
  push(arcs[0]! * 40n + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return tlv(0x06, Buffer.from(out));
}

/** BIT STRING with `unused` padding bits in the last byte. */
export const bitString = (b: Uint8Array, unused = 0): Buffer =>
  tlv(0x03, Buffer.concat([Buffer.from([unused]), b]));

/**
 * Go marshals a string field as PrintableString when every byte is in that set, else as
 * UTF8String.
 */
export function goString(s: string): Buffer {
  const printable = /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(s);
  return tlv(printable ? 0x13 : 0x0c, Buffer.from(s, "utf8"));
}

/** UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5280, as Go encodes validity). */
export function time(ms: number): Buffer {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const p2 = (n: number) => String(n).padStart(2, "0");
  const rest = `${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}${p2(d.getUTCHours())}${p2(d.getUTCMinutes())}${p2(d.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return tlv(0x17, Buffer.from(`${p2(y % 100)}${rest}`, "ascii"));
  return tlv(0x18, Buffer.from(`${String(y).padStart(4, "0")}${rest}`, "ascii"));
}

/** One element read from DER: its tag, content and the offset after it. */
export interface Element {
  tag: number;
  content: Buffer;
  end: number;
}

export function read(b: Buffer, offset = 0): Element {
  if (offset + 2 > b.length) throw new Error("asn1: truncated");
  const tag = b[offset]!;
  let len = b[offset + 1]!;
  let pos = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error("asn1: bad length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[pos + i]!;
    pos += n;
  }
  if (pos + len > b.length) throw new Error("asn1: truncated");
  return { tag, content: b.subarray(pos, pos + len), end: pos + len };
}

/** The elements of a constructed value, in order. */
export function children(content: Buffer): Element[] {
  const out: Element[] = [];
  for (let off = 0; off < content.length; ) {
    const e = read(content, off);
    out.push(e);
    off = e.end;
  }
  return out;
}

export function toBigInt(content: Buffer): bigint {
  if (content.length === 0) return 0n;
  let v = BigInt(`0x${content.toString("hex")}`);
  if (content[0]! & 0x80) v -= 1n << BigInt(content.length * 8);
  return v;
}

/** Go's pem.Encode: base64 in 64-character lines. */
export function pem(type: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64");
  let body = "";
  for (let i = 0; i < b64.length; i += 64) body += `${b64.slice(i, i + 64)}\n`;
  return `-----BEGIN ${type}-----\n${body}-----END ${type}-----\n`;
}
