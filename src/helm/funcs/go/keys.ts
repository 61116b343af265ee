/**
 * Private keys as sprig makes them (genPrivateKey, the gen*Cert functions) and reads them
 * (parsePrivateKeyPEM): RSA, ECDSA P-256, Ed25519 and DSA, PEM-encoded the way sprig's
 * pemBlockForKey does (PKCS#1 "RSA PRIVATE KEY", SEC 1 "EC PRIVATE KEY", Go's own ASN.1
 * "DSA PRIVATE KEY", PKCS#8 "PRIVATE KEY" for Ed25519).
 *
 * RSA, ECDSA and Ed25519 keys are derived from the render's seeded random source (prime
 * candidates drawn from it, primality checked natively), so a render is reproducible from its
 * seed. DSA parameter generation is left to OpenSSL and is not reproducible.
 */
import {
  checkPrimeSync,
  createECDH,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";
import type { CallContext } from "../types.js";
import * as der from "./der.js";

export type KeyKind = "rsa" | "ecdsa" | "ed25519" | "dsa";

export interface PrivateKey {
  kind: KeyKind;
  /** For signing (node:crypto); undefined for DSA, which Go's x509 cannot sign with. */
  key: KeyObject;
  /** The public key as a SubjectPublicKeyInfo (DER). */
  spki: Buffer;
  /** sprig's PEM text of the key. */
  pem: string;
}

/** A uniform byte string from the context's source. */
function randomBytes(ctx: CallContext, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.min(255, Math.floor(ctx.random() * 256));
  return b;
}

/** The odd primes below 20000, sieved on the first key generation, not when the module loads. */
let smallPrimes: number[] | undefined;
function oddSmallPrimes(): number[] {
  if (smallPrimes) return smallPrimes;
  const limit = 20000;
  const sieve = new Uint8Array(limit);
  const out: number[] = [];
  for (let i = 2; i < limit; i++) {
    if (sieve[i]) continue;
    if (i > 2) out.push(i);
    for (let j = i * i; j < limit; j += i) sieve[j] = 1;
  }
  smallPrimes = out;
  return out;
}

/** A random prime of exactly `bits` bits with its top two bits set (so p·q has 2·bits bits). */
function randomPrime(ctx: CallContext, bits: number): bigint {
  for (;;) {
    const b = randomBytes(ctx, bits / 8);
    b[0] = b[0]! | 0xc0;
    b[b.length - 1] = b[b.length - 1]! | 1;
    const base = BigInt(`0x${b.toString("hex")}`);
    const primes = oddSmallPrimes();
    const residues = primes.map((p) => Number(base % BigInt(p)));
    // Incremental search from the random start: step by 2, skipping multiples of small primes.
    for (let delta = 0; delta < 1 << 14; delta += 2) {
      let composite = false;
      for (let i = 0; i < primes.length; i++) {
        if ((residues[i]! + delta) % primes[i]! === 0) {
          composite = true;
          break;
        }
      }
      if (composite) continue;
      const candidate = base + BigInt(delta);
      if (candidate >> BigInt(bits) !== 0n) break;
      if (checkPrimeSync(candidate)) return candidate;
    }
  }
}

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [((a % m) + m) % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new Error("not invertible");
  return ((oldS % m) + m) % m;
}

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));

function rsaKey(ctx: CallContext, bits: number): PrivateKey {
  const e = 65537n;
  for (;;) {
    const p = randomPrime(ctx, bits / 2);
    const q = randomPrime(ctx, bits / 2);
    if (p === q) continue;
    const phi = (p - 1n) * (q - 1n);
    if (gcd(e, phi) !== 1n) continue;
    const d = modInverse(e, phi);
    const pkcs1 = der.seq(
      der.integer(0n),
      der.integer(p * q),
      der.integer(e),
      der.integer(d),
      der.integer(p),
      der.integer(q),
      der.integer(d % (p - 1n)),
      der.integer(d % (q - 1n)),
      der.integer(modInverse(q, p)),
    );
    return rsaFromPkcs1(pkcs1);
  }
}

function rsaFromPkcs1(pkcs1: Buffer): PrivateKey {
  const key = createPrivateKey({ key: pkcs1, format: "der", type: "pkcs1" });
  return { kind: "rsa", key, spki: spkiOf(key), pem: der.pem("RSA PRIVATE KEY", pkcs1) };
}

const spkiOf = (key: KeyObject): Buffer =>
  createPublicKey(key).export({ type: "spki", format: "der" }) as Buffer;

const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const P256_OID = "1.2.840.10045.3.1.7";

function ecdsaKey(ctx: CallContext): PrivateKey {
  // Go's ecdsa.GenerateKey draws a scalar in [1, N-1].
  const k = (BigInt(`0x${randomBytes(ctx, 40).toString("hex")}`) % (P256_ORDER - 1n)) + 1n;
  return ecdsaFromScalar(Buffer.from(k.toString(16).padStart(64, "0"), "hex"));
}

function ecdsaFromScalar(d: Buffer): PrivateKey {
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(d);
  const sec1 = der.seq(
    der.integer(1n),
    der.octets(d),
    der.explicit(0, der.oid(P256_OID)),
    der.explicit(1, der.bitString(ecdh.getPublicKey())),
  );
  const key = createPrivateKey({ key: sec1, format: "der", type: "sec1" });
  return { kind: "ecdsa", key, spki: spkiOf(key), pem: der.pem("EC PRIVATE KEY", sec1) };
}

const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

function ed25519Key(ctx: CallContext): PrivateKey {
  return ed25519FromPkcs8(Buffer.concat([ED25519_PKCS8_PREFIX, randomBytes(ctx, 32)]));
}

function ed25519FromPkcs8(pkcs8: Buffer): PrivateKey {
  const key = createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" });
  return { kind: "ed25519", key, spki: spkiOf(key), pem: der.pem("PRIVATE KEY", pkcs8) };
}

function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n;
  let b = base % m;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
  }
  return result;
}

function dsaKey(): PrivateKey {
  const { privateKey } = generateKeyPairSync("dsa", { modulusLength: 2048, divisorLength: 256 });
  // PKCS#8: { version, { oid, { p, q, g } }, OCTET STRING { INTEGER x } }
  const info = der.children(der.read(privateKey.export({ type: "pkcs8", format: "der" }) as Buffer).content);
  const params = der.children(der.children(info[1]!.content)[1]!.content).map((e) => der.toBigInt(e.content));
  const x = der.toBigInt(der.read(info[2]!.content).content);
  const [p, q, g] = params as [bigint, bigint, bigint];
  const goDer = der.seq(
    der.integer(0n),
    der.integer(p),
    der.integer(q),
    der.integer(g),
    der.integer(modPow(g, x, p)),
    der.integer(x),
  );
  return { kind: "dsa", key: privateKey, spki: spkiOf(privateKey), pem: der.pem("DSA PRIVATE KEY", goDer) };
}

/** sprig's generatePrivateKey types; undefined for an unknown type. */
export function generateKey(ctx: CallContext, type: string, rsaBits = 4096): PrivateKey | undefined {
  switch (type) {
    case "":
    case "rsa":
      return rsaKey(ctx, rsaBits);
    case "ecdsa":
      return ecdsaKey(ctx);
    case "ed25519":
      return ed25519Key(ctx);
    case "dsa":
      return dsaKey();
    default:
      return undefined;
  }
}

/** An error whose text is Go's. */
export class KeyError extends Error {}

/** Go's pem.Decode of the first block: its type and bytes, or undefined. */
export function decodePem(text: string): { type: string; bytes: Buffer } | undefined {
  const re = /-----BEGIN ([^\n-]*)-----\r?\n([\s\S]*?)-----END \1-----/;
  const m = re.exec(text);
  if (!m) return undefined;
  const body = m[2]!
    .split(/\r?\n/)
    .filter((l) => !l.includes(":"))
    .join("");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) return undefined;
  return { type: m[1]!, bytes: Buffer.from(body, "base64") };
}

/** sprig's parsePrivateKeyPEM, with its error texts. */
export function parsePrivateKeyPem(text: string): PrivateKey {
  const block = decodePem(text);
  if (!block) throw new KeyError("no PEM data in input");
  const { type, bytes } = block;
  try {
    if (type === "PRIVATE KEY") {
      try {
        const key = createPrivateKey({ key: bytes, format: "der", type: "pkcs8" });
        const kind = key.asymmetricKeyType;
        if (kind === "ed25519") return ed25519FromPkcs8(bytes);
        if (kind === "rsa") return rsaFromPkcs1(key.export({ type: "pkcs1", format: "der" }) as Buffer);
        if (kind === "ec") return ecdsaFromNode(key);
        throw new Error(`unknown key type ${kind}`);
      } catch (e) {
        if (e instanceof KeyError) throw e;
        throw new KeyError(`decoding PEM as PKCS#8: ${goAsn1Error(e)}`);
      }
    }
    if (!type.endsWith(" PRIVATE KEY"))
      throw new KeyError(`no private key data in PEM block of type ${type}`);
    switch (type.slice(0, -12)) {
      case "RSA":
        try {
          createPrivateKey({ key: bytes, format: "der", type: "pkcs1" });
          return rsaFromPkcs1(bytes);
        } catch (e) {
          throw new KeyError(`parsing RSA private key from PEM: ${goAsn1Error(e)}`);
        }
      case "EC":
        try {
          return ecdsaFromNode(createPrivateKey({ key: bytes, format: "der", type: "sec1" }));
        } catch (e) {
          throw new KeyError(`parsing EC private key from PEM: ${goAsn1Error(e)}`);
        }
      case "DSA":
        return dsaFromGo(bytes);
      default:
        throw new KeyError(`invalid private key type ${type}`);
    }
  } catch (e) {
    if (e instanceof KeyError) throw e;
    throw new KeyError(String((e as Error).message));
  }
}

function ecdsaFromNode(key: KeyObject): PrivateKey {
  const jwk = key.export({ format: "jwk" });
  if (jwk.crv !== "P-256") throw new KeyError(`x509: unsupported elliptic curve`);
  return ecdsaFromScalar(Buffer.from(jwk.d!, "base64url"));
}

function dsaFromGo(bytes: Buffer): PrivateKey {
  try {
    const [, p, q, g, y, x] = der.children(der.read(bytes).content).map((e) => der.toBigInt(e.content));
    const pkcs8 = der.seq(
      der.integer(0n),
      der.seq(der.oid("1.2.840.10040.4.1"), der.seq(der.integer(p!), der.integer(q!), der.integer(g!))),
      der.octets(der.integer(x!)),
    );
    void y;
    const key = createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" });
    return { kind: "dsa", key, spki: spkiOf(key), pem: der.pem("DSA PRIVATE KEY", bytes) };
  } catch (e) {
    throw new KeyError(`parsing DSA private key from PEM: ${goAsn1Error(e)}`);
  }
}

/** Go's asn1 errors are not reproducible from OpenSSL's; keep the gist in Go's shape. */
function goAsn1Error(e: unknown): string {
  const m = (e as Error).message;
  return m.startsWith("asn1:") || m.startsWith("x509:") ? m : "x509: malformed private key";
}
