/**
 * sprig v3.3.0's crypto.go, the deterministic part: sha1sum/sha256sum/sha512sum (hex of the
 * UTF-8 bytes), adler32sum, derivePassword (Master Password's algorithm: scrypt N=32768 r=8
 * p=2, HMAC-SHA256, templates), and encryptAES/decryptAES (AES-256-CBC with a zero-padded
 * key, PKCS#7-style padding, the random IV from the render's seeded source, base64).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, scryptSync } from "node:crypto";
import { utf8Decode, utf8Encode } from "../template/gostring.js";
import type { GoInt } from "../template/value.js";
import { type FuncTable, goFunc } from "./define.js";
import { CorruptInputError, decodeBase64 } from "./go/base-n.js";
import { runtimeError } from "./go/panic.js";
import { randomBytes } from "./random.js";
import { GoFuncError } from "./types.js";

const hash = (alg: string, s: string) => createHash(alg).update(utf8Encode(s)).digest("hex");

function adler32(b: Uint8Array): number {
  let a = 1;
  let c = 0;
  for (const x of b) {
    a = (a + x) % 65521;
    c = (c + a) % 65521;
  }
  return ((c << 16) | a) >>> 0;
}

const TEMPLATES: Record<string, string[]> = {
  maximum: ["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
  long: [
    "CvcvnoCvcvCvcv",
    "CvcvCvcvnoCvcv",
    "CvcvCvcvCvcvno",
    "CvccnoCvcvCvcv",
    "CvccCvcvnoCvcv",
    "CvccCvcvCvcvno",
    "CvcvnoCvccCvcv",
    "CvcvCvccnoCvcv",
    "CvcvCvccCvcvno",
    "CvcvnoCvcvCvcc",
    "CvcvCvcvnoCvcc",
    "CvcvCvcvCvccno",
    "CvccnoCvccCvcv",
    "CvccCvccnoCvcv",
    "CvccCvccCvcvno",
    "CvcvnoCvccCvcc",
    "CvcvCvccnoCvcc",
    "CvcvCvccCvccno",
    "CvccnoCvcvCvcc",
    "CvccCvcvnoCvcc",
    "CvccCvcvCvccno",
  ],
  medium: ["CvcnoCvc", "CvcCvcno"],
  short: ["Cvcn"],
  basic: ["aaanaaan", "aannaaan", "aaannaaa"],
  pin: ["nnnn"],
};

const CHARACTERS: Record<string, string> = {
  V: "AEIOU",
  C: "BCDFGHJKLMNPQRSTVWXYZ",
  v: "aeiou",
  c: "bcdfghjklmnpqrstvwxyz",
  A: "AEIOUBCDFGHJKLMNPQRSTVWXYZ",
  a: "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
  n: "0123456789",
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
};

const SEED = "com.lyndir.masterpassword";

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function derivePassword(counter: bigint, type: string, password: string, user: string, site: string): string {
  const templates = TEMPLATES[type];
  if (!templates) return `cannot find password template ${type}`;
  const userBytes = Buffer.from(utf8Encode(user));
  const siteBytes = Buffer.from(utf8Encode(site));
  const salt = Buffer.concat([Buffer.from(SEED), u32(userBytes.length), userBytes]);
  const key = scryptSync(Buffer.from(utf8Encode(password)), salt, 64, {
    N: 32768,
    r: 8,
    p: 2,
    maxmem: 128 * 1024 * 1024,
  });
  const seed = createHmac("sha256", key)
    .update(
      Buffer.concat([
        Buffer.from(SEED),
        u32(siteBytes.length),
        siteBytes,
        u32(Number(BigInt.asUintN(32, counter))),
      ]),
    )
    .digest();
  const template = templates[seed[0]! % templates.length]!;
  let out = "";
  for (let i = 0; i < template.length; i++) {
    const chars = CHARACTERS[template[i]!]!;
    out += chars[seed[i + 1]! % chars.length];
  }
  return out;
}

/** The 32-byte AES key: the password's bytes, zero-padded or cut. */
function aesKey(password: string): Buffer {
  const key = Buffer.alloc(32);
  Buffer.from(utf8Encode(password)).copy(key, 0, 0, 32);
  return key;
}

function encryptAES(this: { random: () => number }, password: string, plaintext: string): string {
  if (plaintext === "") return "";
  const content = Buffer.from(utf8Encode(plaintext));
  const padding = 16 - (content.length % 16);
  const padded = Buffer.concat([content, Buffer.alloc(padding, padding)]);
  const iv = Buffer.from(randomBytes(this as never, 16));
  const cipher = createCipheriv("aes-256-cbc", aesKey(password), iv).setAutoPadding(false);
  return Buffer.concat([iv, cipher.update(padded), cipher.final()]).toString("base64");
}

function decryptAES(password: string, crypt64: string): string {
  if (crypt64 === "") return "";
  let crypt: Uint8Array;
  try {
    crypt = decodeBase64(utf8Encode(crypt64));
  } catch (e) {
    if (e instanceof CorruptInputError) throw new GoFuncError(e.message);
    throw e;
  }
  // Go slices crypt[:16] and decrypts the rest in whole blocks, panicking otherwise.
  if (crypt.length < 16) throw runtimeError(`slice bounds out of range [:16] with capacity ${crypt.length}`);
  const body = crypt.subarray(16);
  if (body.length % 16 !== 0) throw new GoFuncError("crypto/cipher: input not full blocks");
  if (body.length === 0) throw runtimeError("index out of range [-1]");
  const decipher = createDecipheriv(
    "aes-256-cbc",
    aesKey(password),
    Buffer.from(crypt.subarray(0, 16)),
  ).setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(body), decipher.final()]);
  const pad = plain[plain.length - 1]!;
  const end = plain.length - pad;
  if (end < 0) throw runtimeError(`slice bounds out of range [:${end}]`);
  return utf8Decode(plain.subarray(0, end));
}

export const cryptoFuncs: FuncTable = {
  sha1sum: goFunc("func(input string) string", (s: string) => hash("sha1", s)),
  sha256sum: goFunc("func(input string) string", (s: string) => hash("sha256", s)),
  sha512sum: goFunc("func(input string) string", (s: string) => hash("sha512", s)),
  adler32sum: goFunc("func(input string) string", (s: string) => String(adler32(utf8Encode(s)))),
  derivePassword: goFunc(
    "func(counter uint32, passwordType, password, user, site string) string",
    (counter: GoInt, type: string, password: string, user: string, site: string) =>
      derivePassword(counter.value, type, password, user, site),
  ),
  encryptAES: goFunc("func(password string, plaintext string) (string, error)", encryptAES, {
    hermetic: false,
  }),
  decryptAES: goFunc("func(password string, crypt64 string) (string, error)", (p: string, c: string) =>
    decryptAES(p, c),
  ),
};
