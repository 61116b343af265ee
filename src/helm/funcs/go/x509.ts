/**
 * What sprig's certificate functions ask of Go's crypto/x509.CreateCertificate (Go 1.25):
 * a v3 certificate with sprig's base template (CN-only subject, serial below 2^128, validity
 * from now for N days, key usage, server+client auth, basic constraints, SANs), signed with
 * the parent's key. Extensions in Go's order; a CA gets a subject key id (truncated SHA-256
 * of the public key, Go 1.25), a certificate signed by a different subject gets the parent's
 * key id as authority key id.
 */
import { createHash, sign, X509Certificate } from "node:crypto";
import * as der from "./der.js";
import type { PrivateKey } from "./keys.js";

export const KEY_USAGE_DIGITAL_SIGNATURE = 1;
export const KEY_USAGE_KEY_ENCIPHERMENT = 1 << 2;
export const KEY_USAGE_CERT_SIGN = 1 << 5;

export interface CertTemplate {
  serial: bigint;
  commonName: string;
  dnsNames: string[];
  ipAddresses: Uint8Array[];
  notBefore: number;
  notAfter: number;
  keyUsage: number;
  isCA: boolean;
}

/** The signer side: for a self-signed certificate, the template's own subject and key. */
export interface Parent {
  subject: Buffer;
  subjectKeyId?: Buffer;
}

export class X509Error extends Error {}

export function encodeName(commonName: string): Buffer {
  if (commonName === "") return der.seq();
  return der.seq(der.set(der.seq(der.oid("2.5.4.3"), der.goString(commonName))));
}

function signatureAlgorithm(key: PrivateKey): { alg: Buffer; digest: string | null } {
  switch (key.kind) {
    case "rsa":
      return { alg: der.seq(der.oid("1.2.840.113549.1.1.11"), der.nullValue()), digest: "sha256" };
    case "ecdsa":
      return { alg: der.seq(der.oid("1.2.840.10045.4.3.2")), digest: "sha256" };
    case "ed25519":
      return { alg: der.seq(der.oid("1.3.101.112")), digest: null };
    default:
      throw new X509Error("x509: certificate private key does not implement crypto.Signer");
  }
}

function keyUsageBits(ku: number): Buffer {
  // Go: bit i of the usage is bit i of the BIT STRING, trailing zero bits trimmed.
  const bytes = [0, 0];
  for (let i = 0; i < 9; i++) if (ku & (1 << i)) bytes[i >> 3]! |= 0x80 >> (i & 7);
  const b = Buffer.from(bytes[1] ? bytes : [bytes[0]!]);
  const last = b[b.length - 1]!;
  let unused = 0;
  while (unused < 8 && !(last & (1 << unused))) unused++;
  return der.bitString(b, last === 0 ? 0 : unused);
}

const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
  critical
    ? der.seq(der.oid(id), der.bool(true), der.octets(value))
    : der.seq(der.oid(id), der.octets(value));

/** The public key bits of a SubjectPublicKeyInfo (what Go hashes for key ids). */
function publicKeyBits(spki: Buffer): Buffer {
  const [, bits] = der.children(der.read(spki).content);
  return bits!.content.subarray(1);
}

export function subjectKeyIdOf(key: PrivateKey): Buffer {
  return createHash("sha256").update(publicKeyBits(key.spki)).digest().subarray(0, 20);
}

/** Go's CreateCertificate: returns the DER certificate. */
export function createCertificate(
  tpl: CertTemplate,
  signee: PrivateKey,
  parent: Parent | "self",
  signer: PrivateKey,
): Buffer {
  const { alg, digest } = signatureAlgorithm(signer);
  if (signee.kind === "dsa") throw new X509Error("x509: unsupported public key type: *dsa.PublicKey");
  const subject = encodeName(tpl.commonName);
  const issuer = parent === "self" ? subject : parent.subject;
  const subjectKeyId = tpl.isCA ? subjectKeyIdOf(signee) : undefined;
  const authorityKeyId =
    parent !== "self" && !issuer.equals(subject) && parent.subjectKeyId ? parent.subjectKeyId : undefined;

  const exts: Buffer[] = [];
  if (tpl.keyUsage) exts.push(extension("2.5.29.15", true, keyUsageBits(tpl.keyUsage)));
  exts.push(
    extension("2.5.29.37", false, der.seq(der.oid("1.3.6.1.5.5.7.3.1"), der.oid("1.3.6.1.5.5.7.3.2"))),
  );
  exts.push(extension("2.5.29.19", true, tpl.isCA ? der.seq(der.bool(true)) : der.seq()));
  if (subjectKeyId) exts.push(extension("2.5.29.14", false, der.octets(subjectKeyId)));
  if (authorityKeyId) exts.push(extension("2.5.29.35", false, der.seq(der.implicit(0, authorityKeyId))));
  if (tpl.dnsNames.length + tpl.ipAddresses.length > 0) {
    const names = tpl.dnsNames.map((n) => der.implicit(2, Buffer.from(n, "utf8")));
    for (const ip of tpl.ipAddresses) names.push(der.implicit(7, ip));
    exts.push(extension("2.5.29.17", subject.length === 2, der.seqOf(names)));
  }

  const tbs = der.seq(
    der.explicit(0, der.integer(2n)),
    der.integer(tpl.serial),
    alg,
    issuer,
    der.seq(der.time(tpl.notBefore), der.time(tpl.notAfter)),
    subject,
    signee.spki,
    der.explicit(3, der.seq(...exts)),
  );
  const signature = sign(digest, tbs, signer.key);
  return der.seq(tbs, alg, der.bitString(signature));
}

/** The parent of a certificate given as PEM (sprig's signer certificate), via node's parser. */
export function parentOf(certDer: Buffer): Parent {
  // TBSCertificate: [0] version, serial, signature, issuer, validity, subject, …
  const tbs = der.children(der.read(certDer).content)[0]!;
  const fields = der.children(tbs.content);
  const offset = fields[0]!.tag === 0xa0 ? 1 : 0;
  const subjectEl = fields[offset + 4]!;
  const subject = tlvOf(subjectEl);
  let subjectKeyId: Buffer | undefined;
  const extsEl = fields.find((f) => f.tag === 0xa3);
  if (extsEl) {
    for (const ext of der.children(der.read(extsEl.content).content)) {
      const parts = der.children(ext.content);
      if (tlvOf(parts[0]!).equals(der.oid("2.5.29.14"))) {
        subjectKeyId = der.read(parts[parts.length - 1]!.content).content;
      }
    }
  }
  return { subject, subjectKeyId };
}

const tlvOf = (e: der.Element): Buffer => der.tlv(e.tag, e.content);

/** Go's x509.ParseCertificate as far as sprig needs it: does it parse? */
export function parseCertificate(certDer: Buffer): void {
  new X509Certificate(certDer);
}
