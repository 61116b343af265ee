import { Decrypter } from "age-encryption";
import { describe, expect, it } from "vitest";
import { decodeBech32, isUsableAgeIdentity } from "../../src/sops/age-identity.js";
import { parseAgeIdentities } from "../../src/sops/identities.js";

// The oracle: whether age-encryption itself takes the identity.
function ageAccepts(word: string): boolean {
  try {
    new Decrypter().addIdentity(word);
    return true;
  } catch {
    return false;
  }
}

const KEYS = [
  "AGE-SECRET-KEY-1QXRVEJH9S4NQU0FPD6V79ESZQ8S6PXH3L8V40EVPTHFH6KNKD4DQ7SKC4P",
  "AGE-SECRET-KEY-1UWAP4KDW5EEL9V7N2FTL4QZ69TX5ES5F0DREUCMC075ZSKCKMD6S5R527Y",
  "AGE-SECRET-KEY-PQ-1C2E4XUTDY0TN7DP8NCNVYND8Y9VKG3AX4DRVEZ0GGHPXNS85QW4QRV6EYL",
];

const ALPHABET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

/** BIP 173 encoding of `words` under `prefix`, written from the BIP (not from the code tested). */
function encode(prefix: string, words: number[]): string {
  const values = [
    ...[...prefix].map((c) => c.charCodeAt(0) >> 5),
    0,
    ...[...prefix].map((c) => c.charCodeAt(0) & 31),
  ];
  let chk = 1;
  for (const v of [...values, ...words, 0, 0, 0, 0, 0, 0]) {
    const top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >> i) & 1) chk ^= GEN[i]!;
  }
  chk ^= 1;
  const sum = [0, 1, 2, 3, 4, 5].map((i) => (chk >> (5 * (5 - i))) & 31);
  return `${prefix}1${[...words, ...sum].map((w) => ALPHABET[w]).join("")}`.toUpperCase();
}

/** A deterministic word sequence (a linear congruential generator; no randomness in tests). */
function words(n: number, seed: number, last?: number): number[] {
  const out: number[] = [];
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out.push(x % 32);
  }
  if (last !== undefined) out[n - 1] = last;
  return out;
}

describe("age identities checked without the age library", () => {
  it("takes the keys age takes", () => {
    for (const k of KEYS) {
      expect(ageAccepts(k)).toBe(true);
      expect(isUsableAgeIdentity(k)).toBe(true);
    }
  });

  it("agrees with age on every one-character change, deletion, insertion and swap of real keys", () => {
    const chars = [..."QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L1BIO-qa "];
    let cases = 0;
    for (const k of KEYS) {
      const variants = new Set<string>();
      for (let i = 0; i < k.length; i++) {
        for (const c of chars) variants.add(k.slice(0, i) + c + k.slice(i + 1));
        variants.add(k.slice(0, i) + k.slice(i + 1));
        variants.add(`${k.slice(0, i)}Q${k.slice(i)}`);
        if (i + 1 < k.length) variants.add(k.slice(0, i) + k[i + 1] + k[i] + k.slice(i + 2));
      }
      variants.add(k.toLowerCase());
      variants.add(`${k}Q`);
      for (const v of variants) {
        expect([v, isUsableAgeIdentity(v)]).toEqual([v, ageAccepts(v)]);
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(5000);
  });

  it("agrees with age on checksum-valid strings of other lengths, paddings and prefixes", () => {
    const made: string[] = [];
    for (const prefix of ["age-secret-key-", "age-secret-key-pq-", "age-secret-key-pq-x", "age-secret-key"])
      for (let n = 48; n <= 56; n++)
        for (let last = 0; last < 32; last += 3) made.push(encode(prefix, words(n, n * 31 + last, last)));
    let accepted = 0;
    for (const s of made) {
      expect([s, isUsableAgeIdentity(s)]).toEqual([s, ageAccepts(s)]);
      if (ageAccepts(s)) accepted++;
    }
    // 52 words with zero padding bits (last word 0 or 16 …) under either prefix: some, not all.
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(made.length);
  });

  it("decodes Bech32 as BIP 173 says (its test vectors)", () => {
    expect(decodeBech32("A12UEL5L")).toEqual({ prefix: "a", bytes: new Uint8Array() });
    expect(decodeBech32("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw")?.prefix).toBe("abcdef");
    expect(decodeBech32("split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w")?.prefix).toBe(
      "split",
    );
    for (const bad of [
      "pzry9x0s0muk",
      "1pzry9x0s0muk",
      "x1b4n0q5v",
      "li1dgmt3",
      "A1G7SGD8",
      "10a06t8",
      "1qzzfhee",
      "a12UEL5L",
    ])
      expect([bad, decodeBech32(bad)]).toEqual([bad, undefined]);
  });

  it("keeps parseAgeIdentities' problems", () => {
    const broken = `${KEYS[0]!.slice(0, -1)}Q`;
    const r = parseAgeIdentities(`${KEYS[2]}\n${broken}\nAGE-PLUGIN-YUBIKEY-1XYZ\nhello\n`, "keys.txt");
    expect(r.identities).toEqual([KEYS[2]]);
    expect(r.problems).toEqual([
      "keys.txt: line 2: not a usable age identity (its checksum or length is wrong)",
      "keys.txt: line 3: age plugin identities are not supported",
      "keys.txt: line 4: not an age identity",
    ]);
  });
});
