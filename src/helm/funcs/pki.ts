/**
 * sprig v3.3.0's certificate and password-hash functions: genPrivateKey, genCA,
 * genSelfSignedCert, genSignedCert (and their *WithKey forms), buildCustomCert, bcrypt and
 * htpasswd. Certificates are `sprig.certificate` values ({Cert, Key} PEM strings). Keys,
 * serial numbers and salts come from the render's seeded random source and validity from its
 * clock, so a render is reproducible from (seed, clock); Helm's own are random.
 */

import { X509Certificate } from "node:crypto";
import bcryptjs from "bcryptjs";
import { formatValue } from "../template/fmt.js";
import { utf8Encode } from "../template/gostring.js";
import { type GoInt, type GoObject, type GoValue, NO_FIELD } from "../template/value.js";
import { type FuncTable, goFunc } from "./define.js";
import { CorruptInputError, decodeBase64 } from "./go/base-n.js";
import * as der from "./go/der.js";
import { decodePem, generateKey, KeyError, type PrivateKey, parsePrivateKeyPem } from "./go/keys.js";
import {
  type CertTemplate,
  createCertificate,
  KEY_USAGE_CERT_SIGN,
  KEY_USAGE_DIGITAL_SIGNATURE,
  KEY_USAGE_KEY_ENCIPHERMENT,
  parentOf,
  X509Error,
} from "./go/x509.js";
import { randomBytes } from "./random.js";
import { type CallContext, GoFuncError } from "./types.js";

export interface CertificateObject extends GoObject {
  readonly cert: string;
  readonly key: string;
}

/** sprig's `certificate` struct value. */
export function certificateObject(cert: string, key: string): CertificateObject {
  const fields: Record<string, string> = { Cert: cert, Key: key };
  return {
    goType: "sprig.certificate",
    goKind: "struct",
    cert,
    key,
    field: (name) => (name in fields ? fields[name]! : NO_FIELD),
    method: () => undefined,
    fieldNames: () => ["Cert", "Key"],
  };
}

const DAY_MS = 24 * 3600 * 1000;

/** Go's net.ParseIP: dotted IPv4 (no leading zeros) or IPv6 (no zone), as 4 or 16 bytes. */
export function parseIP(s: string): Uint8Array | undefined {
  const v4 = (t: string): number[] | undefined => {
    const parts = t.split(".");
    if (parts.length !== 4) return undefined;
    const out: number[] = [];
    for (const p of parts) {
      if (!/^[0-9]{1,3}$/.test(p) || (p.length > 1 && p[0] === "0") || Number(p) > 255) return undefined;
      out.push(Number(p));
    }
    return out;
  };
  if (!s.includes(":")) {
    const b = v4(s);
    return b && Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...b]);
  }
  let text = s;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    const b = v4(text.slice(lastColon + 1));
    if (!b) return undefined;
    tail = b;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const total = head.length + rest.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const all = [...head, ...Array(8 - total).fill("0"), ...rest];
  const out: number[] = [];
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    const n = Number.parseInt(g, 16);
    out.push(n >> 8, n & 0xff);
  }
  if (tail.length) out.splice(12, 4, ...tail);
  return Uint8Array.from(out);
}

/** `ip.To4()` or the 16-byte form, as x509 writes SAN addresses. */
function sanBytes(ip: Uint8Array): Uint8Array {
  const mapped = ip.slice(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff;
  return mapped ? ip.slice(12) : ip;
}

function netIPs(ips: GoValue[] | null): Uint8Array[] {
  if (ips === null) return [];
  return ips.map((ip) => {
    if (typeof ip !== "string") throw new GoFuncError(`error parsing ip: ${formatValue(ip)} is not a string`);
    const parsed = ip.includes("%") ? undefined : parseIP(ip);
    if (!parsed) throw new GoFuncError(`error parsing ip: ${ip}`);
    return sanBytes(parsed);
  });
}

function dnsNames(names: GoValue[] | null): string[] {
  if (names === null) return [];
  return names.map((n) => {
    if (typeof n !== "string")
      throw new GoFuncError(`error processing alternate dns name: ${formatValue(n)} is not a string`);
    return n;
  });
}

/** sprig's getBaseCertTemplate. */
function baseTemplate(
  ctx: CallContext,
  cn: string,
  ips: GoValue[] | null,
  alternateDNS: GoValue[] | null,
  days: GoInt,
): CertTemplate {
  const ipAddresses = netIPs(ips);
  const names = dnsNames(alternateDNS);
  const serial = BigInt(`0x${Buffer.from(randomBytes(ctx, 16)).toString("hex")}`);
  const now = ctx.now();
  return {
    serial,
    commonName: cn,
    dnsNames: names,
    ipAddresses,
    notBefore: now,
    notAfter: now + Number(days.value) * DAY_MS,
    keyUsage: KEY_USAGE_KEY_ENCIPHERMENT | KEY_USAGE_DIGITAL_SIGNATURE,
    isCA: false,
  };
}

function certAndKey(
  tpl: CertTemplate,
  signee: PrivateKey,
  parent: "self" | { cert: Buffer },
  signer: PrivateKey,
): CertificateObject {
  let certDer: Buffer;
  try {
    certDer = createCertificate(tpl, signee, parent === "self" ? "self" : parentOf(parent.cert), signer);
  } catch (e) {
    if (e instanceof X509Error) throw new GoFuncError(`error creating certificate: ${e.message}`);
    throw e;
  }
  return certificateObject(der.pem("CERTIFICATE", certDer), signee.pem);
}

function rsa2048(ctx: CallContext): PrivateKey {
  return generateKey(ctx, "rsa", 2048)!;
}

function keyFromPem(pem: string): PrivateKey {
  try {
    return parsePrivateKeyPem(pem);
  } catch (e) {
    if (e instanceof KeyError) throw new GoFuncError(`parsing private key: ${e.message}`);
    throw e;
  }
}

function caCert(ctx: CallContext, cn: string, days: GoInt, key: PrivateKey): CertificateObject {
  const tpl = baseTemplate(ctx, cn, null, null, days);
  tpl.keyUsage |= KEY_USAGE_CERT_SIGN;
  tpl.isCA = true;
  return certAndKey(tpl, key, "self", key);
}

function selfSigned(
  ctx: CallContext,
  cn: string,
  ips: GoValue[] | null,
  dns: GoValue[] | null,
  days: GoInt,
  key: PrivateKey,
): CertificateObject {
  return certAndKey(baseTemplate(ctx, cn, ips, dns, days), key, "self", key);
}

function signed(
  ctx: CallContext,
  cn: string,
  ips: GoValue[] | null,
  dns: GoValue[] | null,
  days: GoInt,
  ca: CertificateObject,
  key: PrivateKey,
): CertificateObject {
  const block = decodePem(ca.cert);
  if (!block) throw new GoFuncError("unable to decode certificate");
  try {
    new X509Certificate(block.bytes);
  } catch (e) {
    throw new GoFuncError(`error parsing certificate: decodedSignerCert.Bytes: ${(e as Error).message}`);
  }
  let signerKey: PrivateKey;
  try {
    signerKey = parsePrivateKeyPem(ca.key);
  } catch (e) {
    if (e instanceof KeyError) throw new GoFuncError(`error parsing private key: ${e.message}`);
    throw e;
  }
  return certAndKey(baseTemplate(ctx, cn, ips, dns, days), key, { cert: block.bytes }, signerKey);
}

function buildCustomCert(b64cert: string, b64key: string): CertificateObject {
  const decode = (s: string, what: string): Buffer => {
    try {
      return Buffer.from(decodeBase64(utf8Encode(s)));
    } catch (e) {
      if (e instanceof CorruptInputError) throw new GoFuncError(`unable to decode base64 ${what}`);
      throw e;
    }
  };
  const cert = decode(b64cert, "certificate");
  const key = decode(b64key, "private key");
  const block = decodePem(cert.toString("latin1"));
  if (!block) throw new GoFuncError("unable to decode certificate");
  try {
    new X509Certificate(block.bytes);
  } catch (e) {
    throw new GoFuncError(`error parsing certificate: decodedCert.Bytes: ${(e as Error).message}`);
  }
  try {
    parsePrivateKeyPem(key.toString("latin1"));
  } catch (e) {
    if (e instanceof KeyError) throw new GoFuncError(`error parsing private key: ${e.message}`);
    throw e;
  }
  return certificateObject(cert.toString("utf8"), key.toString("utf8"));
}

/** Go's x/crypto bcrypt.GenerateFromPassword at DefaultCost (10), "$2a$" hashes. */
function bcrypt(ctx: CallContext, input: string): string {
  const bytes = utf8Encode(input);
  if (bytes.length > 72)
    return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes";
  const salt = `$2a$10$${bcryptjs.encodeBase64(Array.from(randomBytes(ctx, 16)), 16)}`;
  return bcryptjs.hashSync(input, salt);
}

const nonHermetic = { hermetic: false };

export const pkiFuncs: FuncTable = {
  bcrypt: goFunc(
    "func(input string) string",
    function (input: string) {
      return bcrypt(this, input);
    },
    nonHermetic,
  ),
  htpasswd: goFunc(
    "func(username string, password string) string",
    function (user: string, password: string) {
      if (user.includes(":")) return `invalid username: ${user}`;
      return `${user}:${bcrypt(this, password)}`;
    },
    nonHermetic,
  ),
  genPrivateKey: goFunc(
    "func(typ string) string",
    function (typ: string) {
      const key = generateKey(this, typ);
      return key ? key.pem : `Unknown type ${typ}`;
    },
    nonHermetic,
  ),
  buildCustomCert: goFunc(
    "func(b64cert string, b64key string) (sprig.certificate, error)",
    (c: string, k: string) => buildCustomCert(c, k),
  ),
  genCA: goFunc(
    "func(cn string, daysValid int) (sprig.certificate, error)",
    function (cn: string, days: GoInt) {
      return caCert(this, cn, days, rsa2048(this));
    },
    nonHermetic,
  ),
  genCAWithKey: goFunc(
    "func(cn string, daysValid int, privPEM string) (sprig.certificate, error)",
    function (cn: string, days: GoInt, pem: string) {
      return caCert(this, cn, days, keyFromPem(pem));
    },
    nonHermetic,
  ),
  genSelfSignedCert: goFunc(
    "func(cn string, ips []interface {}, alternateDNS []interface {}, daysValid int) (sprig.certificate, error)",
    function (cn: string, ips: GoValue[] | null, dns: GoValue[] | null, days: GoInt) {
      return selfSigned(this, cn, ips, dns, days, rsa2048(this));
    },
    nonHermetic,
  ),
  genSelfSignedCertWithKey: goFunc(
    "func(cn string, ips []interface {}, alternateDNS []interface {}, daysValid int, privPEM string) (sprig.certificate, error)",
    function (cn: string, ips: GoValue[] | null, dns: GoValue[] | null, days: GoInt, pem: string) {
      return selfSigned(this, cn, ips, dns, days, keyFromPem(pem));
    },
    nonHermetic,
  ),
  genSignedCert: goFunc(
    "func(cn string, ips []interface {}, alternateDNS []interface {}, daysValid int, ca sprig.certificate) (sprig.certificate, error)",
    function (cn: string, ips: GoValue[] | null, dns: GoValue[] | null, days: GoInt, ca: CertificateObject) {
      return signed(this, cn, ips, dns, days, ca, rsa2048(this));
    },
    nonHermetic,
  ),
  genSignedCertWithKey: goFunc(
    "func(cn string, ips []interface {}, alternateDNS []interface {}, daysValid int, ca sprig.certificate, privPEM string) (sprig.certificate, error)",
    function (
      cn: string,
      ips: GoValue[] | null,
      dns: GoValue[] | null,
      days: GoInt,
      ca: CertificateObject,
      pem: string,
    ) {
      return signed(this, cn, ips, dns, days, ca, keyFromPem(pem));
    },
    nonHermetic,
  ),
};
