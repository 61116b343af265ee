import { createHash, createPrivateKey, X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import * as der from "../../../src/helm/funcs/go/der.js";
import { parseIP, pkiFuncs } from "../../../src/helm/funcs/pki.js";
import type { CallContext } from "../../../src/helm/funcs/types.js";
import { GoInt } from "../../../src/helm/template/value.js";
import { requires } from "../../support/env.js";
import { helmTemplate } from "../../support/helm-oracle.js";

/** A seeded context (mulberry32) and a pinned clock. */
function context(seed: number, now = Date.UTC(2026, 0, 2, 3, 4, 5)): CallContext {
  let s = seed >>> 0;
  return {
    templateName: "t",
    now: () => now,
    random: () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

type Cert = { cert: string; key: string; field(n: string): unknown };
const call = (ctx: CallContext, name: string, ...args: unknown[]) =>
  pkiFuncs[name]!.fn.apply(ctx, args as never[]) as never;
const days = (n: number) => new GoInt("int", BigInt(n));

describe("sprig certificates (structure as Go's crypto/x509 writes it)", () => {
  it("genCA: a self-signed RSA-2048 CA with the CN, validity from the clock and key usage incl. certSign", () => {
    const ctx = context(1);
    const ca = call(ctx, "genCA", "my-ca", days(365)) as Cert;
    expect(ca.cert.startsWith("-----BEGIN CERTIFICATE-----\n")).toBe(true);
    expect(ca.key.startsWith("-----BEGIN RSA PRIVATE KEY-----\n")).toBe(true);
    const x = new X509Certificate(ca.cert);
    expect(x.subject).toBe("CN=my-ca");
    expect(x.issuer).toBe("CN=my-ca");
    expect(x.ca).toBe(true);
    expect(new Date(x.validFrom).getTime()).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(new Date(x.validTo).getTime()).toBe(Date.UTC(2026, 0, 2, 3, 4, 5) + 365 * 86400000);
    expect(x.publicKey.asymmetricKeyType).toBe("rsa");
    expect(x.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.checkPrivateKey(createPrivateKey(ca.key))).toBe(true);
    expect(BigInt(`0x${x.serialNumber}`) < 1n << 128n).toBe(true);
    // node's keyUsage lists the extended key usages
    expect(x.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);
  });

  it("is reproducible from the seed and the clock", () => {
    const a = call(context(7), "genCA", "x", days(1)) as Cert;
    const b = call(context(7), "genCA", "x", days(1)) as Cert;
    const c = call(context(8), "genCA", "x", days(1)) as Cert;
    expect(a.cert).toBe(b.cert);
    expect(a.key).toBe(b.key);
    expect(c.key).not.toBe(a.key);
  });

  it("genSignedCert: issued by the CA (verifies with its key), SANs, not a CA", () => {
    const ctx = context(3);
    const ca = call(ctx, "genCA", "the-ca", days(10)) as Cert;
    const leaf = call(
      ctx,
      "genSignedCert",
      "svc",
      ["10.0.0.1", "::1"],
      ["a.example", "b"],
      days(5),
      ca,
    ) as Cert;
    const x = new X509Certificate(leaf.cert);
    const caX = new X509Certificate(ca.cert);
    expect(x.subject).toBe("CN=svc");
    expect(x.issuer).toBe("CN=the-ca");
    expect(x.ca).toBe(false);
    expect(x.checkIssued(caX)).toBe(true);
    expect(x.verify(caX.publicKey)).toBe(true);
    expect(x.subjectAltName).toBe("DNS:a.example, DNS:b, IP Address:10.0.0.1, IP Address:0:0:0:0:0:0:0:1");
  });

  it("genSelfSignedCert and the *WithKey forms with ECDSA and Ed25519 keys", () => {
    const ctx = context(4);
    const self = call(ctx, "genSelfSignedCert", "", null, ["only.dns"], days(2)) as Cert;
    const sx = new X509Certificate(self.cert);
    expect(sx.subject ?? "").toBe("");
    expect(sx.subjectAltName).toBe("DNS:only.dns");
    for (const typ of ["ecdsa", "ed25519"]) {
      const pem = call(ctx, "genPrivateKey", typ) as string;
      const ca = call(ctx, "genCAWithKey", `ca-${typ}`, days(3), pem) as Cert;
      expect(ca.key).toBe(pem);
      const caX = new X509Certificate(ca.cert);
      expect(caX.verify(caX.publicKey)).toBe(true);
      const leaf = call(ctx, "genSignedCertWithKey", "leaf", null, null, days(1), ca, pem) as Cert;
      expect(new X509Certificate(leaf.cert).verify(caX.publicKey)).toBe(true);
    }
    expect(call(ctx, "genPrivateKey", "ecdsa")).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
    expect(call(ctx, "genPrivateKey", "ed25519")).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(call(ctx, "genPrivateKey", "nope")).toBe("Unknown type nope");
  });

  it("1,000,000 DNS names make one certificate (each name was a call argument: the stack overflowed)", () => {
    const names = Array.from({ length: 1_000_000 }, (_, i) => `n${i}.example`);
    const self = call(context(5), "genSelfSignedCert", "x", null, names, days(1)) as Cert;
    const alt = new X509Certificate(self.cert).subjectAltName ?? "";
    expect(alt.split(", ")).toHaveLength(1_000_000);
    expect(alt.endsWith("DNS:n999999.example")).toBe(true);
  });

  it("errors as sprig words them", () => {
    const ctx = context(5);
    expect(() => call(ctx, "genSelfSignedCert", "x", ["1.2.3"], null, days(1))).toThrow(
      "error parsing ip: 1.2.3",
    );
    expect(() => call(ctx, "genSelfSignedCert", "x", [1], null, days(1))).toThrow(
      "error parsing ip: 1 is not a string",
    );
    expect(() => call(ctx, "genCAWithKey", "x", days(1), "junk")).toThrow(
      "parsing private key: no PEM data in input",
    );
  });

  it("parseIP follows Go's net.ParseIP", () => {
    expect(parseIP("01.2.3.4")).toBeUndefined();
    expect(parseIP("1.2.3.4")?.length).toBe(16);
    expect(parseIP("::ffff:1.2.3.4")?.slice(12)).toEqual(Uint8Array.from([1, 2, 3, 4]));
    expect(parseIP("1::2::3")).toBeUndefined();
    expect(parseIP("2001:db8::1")?.[3]).toBe(0xb8);
  });

  it("bcrypt and htpasswd: Go's $2a$10$ hashes that verify", async () => {
    const bcrypt = (await import("bcryptjs")).default;
    const ctx = context(6);
    const h = call(ctx, "bcrypt", "pw") as string;
    expect(h).toMatch(/^\$2a\$10\$.{53}$/);
    expect(bcrypt.compareSync("pw", h)).toBe(true);
    expect(call(ctx, "htpasswd", "u:x", "pw")).toBe("invalid username: u:x");
    expect(call(ctx, "htpasswd", "user", "pw")).toMatch(/^user:\$2a\$10\$/);
  });
});

/**
 * What a certificate is, minus what is random or clock-dependent (serial, key, signature,
 * dates): DER shapes compared with Helm's own certificates field by field.
 */
function shape(pemText: string): unknown {
  const x = new X509Certificate(pemText);
  const [tbs, sigAlg] = der.children(der.read(x.raw).content);
  const f = der.children(tbs!.content);
  const hex = (e: der.Element) => der.tlv(e.tag, e.content).toString("hex");
  const spki = der.children(f[6]!.content);
  const exts = der.children(der.read(f[7]!.content).content).map((e) => {
    const parts = der.children(e.content);
    const id = hex(parts[0]!);
    const value = parts[parts.length - 1]!.content;
    const keyId = id === hex(der.read(der.oid("2.5.29.14"))) || id === hex(der.read(der.oid("2.5.29.35")));
    return {
      id,
      critical: parts.length === 3,
      value: keyId ? `keyid(${value.length})` : value.toString("hex"),
    };
  });
  return {
    version: hex(f[0]!),
    serialBelow2to128: BigInt(`0x${x.serialNumber}`) < 1n << 128n,
    sigAlg: hex(f[2]!),
    outerSigAlg: hex(sigAlg!),
    issuer: hex(f[3]!),
    validityDays: (Date.parse(x.validTo) - Date.parse(x.validFrom)) / 86400000,
    timeTags: der.children(f[4]!.content).map((e) => e.tag),
    subject: hex(f[5]!),
    keyAlg: hex(spki[0]!),
    keyBits: x.publicKey.asymmetricKeyDetails?.modulusLength,
    exts,
  };
}

describe.runIf(requires("helm"))("sprig certificates against Helm 4.1.4 (structure)", () => {
  const template = [
    '{{- $ca := genCA "corpus-ca" 365 }}',
    '{{- $leaf := genSignedCert "svc.ns" (list "10.1.2.3" "fd00::1") (list "svc" "svc.ns.svc") 30 $ca }}',
    '{{- $self := genSelfSignedCert "" nil (list "x.example") 7 }}',
    '{{- $ss2 := genSelfSignedCert "Ünïcode & *" (list "::ffff:1.2.3.4") nil 1 }}',
    '{{- $eckey := genPrivateKey "ecdsa" }}',
    '{{- $ecca := genCAWithKey "ec-ca" 3650 $eckey }}',
    '{{- $edkey := genPrivateKey "ed25519" }}',
    '{{- $edleaf := genSignedCertWithKey "ed" nil nil 40000 $ecca $edkey }}',
    "certs:",
    "{{- range (list $ca $leaf $self $ss2 $ecca $edleaf) }}",
    "- {{ .Cert | b64enc }}",
    "{{- end }}",
  ].join("\n");

  it("genCA, genSignedCert, genSelfSignedCert and the *WithKey forms have Helm's structure", () => {
    const helm = helmTemplate({ "templates/t.yaml": template });
    expect(helm.error).toBe("");
    const helmCerts = helm.stdout
      .split("\n")
      .filter((l) => /^- [A-Za-z0-9+/=]{100,}$/.test(l))
      .map((l) => Buffer.from(l.slice(2), "base64").toString());
    expect(helmCerts).toHaveLength(6);

    const ctx = context(11);
    const ca = call(ctx, "genCA", "corpus-ca", days(365)) as Cert;
    const leaf = call(
      ctx,
      "genSignedCert",
      "svc.ns",
      ["10.1.2.3", "fd00::1"],
      ["svc", "svc.ns.svc"],
      days(30),
      ca,
    );
    const self = call(ctx, "genSelfSignedCert", "", null, ["x.example"], days(7)) as Cert;
    const ss2 = call(ctx, "genSelfSignedCert", "Ünïcode & *", ["::ffff:1.2.3.4"], null, days(1)) as Cert;
    const ecca = call(ctx, "genCAWithKey", "ec-ca", days(3650), call(ctx, "genPrivateKey", "ecdsa")) as Cert;
    const edleaf = call(
      ctx,
      "genSignedCertWithKey",
      "ed",
      null,
      null,
      days(40000),
      ecca,
      call(ctx, "genPrivateKey", "ed25519"),
    );
    const ours = [ca, leaf as Cert, self, ss2, ecca, edleaf as Cert].map((c) => c.cert);
    for (let i = 0; i < ours.length; i++)
      expect(shape(ours[i]!), `certificate ${i}`).toEqual(shape(helmCerts[i]!));
    // Go 1.25 derives a CA's subject key id from truncated SHA-256 of its public key, as we do.
    const helmCa = new X509Certificate(helmCerts[0]!);
    const spkiBits = der.children(
      der.read(helmCa.publicKey.export({ type: "spki", format: "der" })).content,
    )[1]!;
    const ski = createHash("sha256").update(spkiBits.content.subarray(1)).digest("hex").slice(0, 40);
    expect(helmCa.raw.toString("hex")).toContain(`0414${ski}`);
    // The leaf names its CA's key: authority key id = the CA's subject key id.
    expect(new X509Certificate(helmCerts[1]!).raw.toString("hex")).toContain(`8014${ski}`);
    expect(new X509Certificate(helmCerts[1]!).checkIssued(new X509Certificate(helmCerts[0]!))).toBe(true);
  });
});
