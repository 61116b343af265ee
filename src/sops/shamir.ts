import { randomBytes } from "node:crypto";

/**
 * Shamir secret sharing over GF(2^8) as sops uses it (HashiCorp Vault's scheme): one random
 * polynomial per secret byte, the x-coordinate appended as the last byte of each share.
 */

const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    // multiply by the generator 3 in GF(2^8) with the AES polynomial (0x11B)
    x ^= (x << 1) ^ (x & 0x80 ? 0x11b : 0);
    x &= 0xff;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255]!;
}

function mul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return EXP[LOG[a]! + LOG[b]!]!;
}

function div(a: number, b: number): number {
  if (b === 0) throw new Error("division by zero");
  if (a === 0) return 0;
  return EXP[(LOG[a]! - LOG[b]! + 255) % 255]!;
}

export function shamirSplit(
  secret: Uint8Array,
  parts: number,
  threshold: number,
  random = randomBytes,
): Uint8Array[] {
  if (parts < threshold) throw new Error("parts cannot be less than the threshold");
  if (parts > 255) throw new Error("parts cannot exceed 255");
  if (threshold < 2) throw new Error("threshold must be at least 2");
  if (secret.length === 0) throw new Error("cannot split an empty secret");
  const shares = Array.from({ length: parts }, (_, i) => {
    const s = new Uint8Array(secret.length + 1);
    s[secret.length] = i + 1;
    return s;
  });
  for (let b = 0; b < secret.length; b++) {
    const coeffs = [secret[b]!, ...random(threshold - 1)];
    for (let i = 0; i < parts; i++) {
      const x = i + 1;
      let y = 0;
      for (let c = coeffs.length - 1; c >= 0; c--) y = mul(y, x) ^ coeffs[c]!;
      shares[i]![b] = y;
    }
  }
  return shares;
}

export function shamirCombine(shares: readonly Uint8Array[]): Uint8Array {
  if (shares.length < 2) throw new Error("at least two shares are needed");
  const len = shares[0]!.length;
  if (shares.some((s) => s.length !== len) || len < 2) throw new Error("shares have different lengths");
  const xs = shares.map((s) => s[len - 1]!);
  if (new Set(xs).size !== xs.length) throw new Error("duplicate share");
  const out = new Uint8Array(len - 1);
  for (let b = 0; b < len - 1; b++) {
    let acc = 0;
    for (let i = 0; i < shares.length; i++) {
      // Lagrange basis polynomial at x = 0.
      let basis = 1;
      for (let j = 0; j < shares.length; j++) {
        if (i === j) continue;
        basis = mul(basis, div(xs[j]!, xs[i]! ^ xs[j]!));
      }
      acc ^= mul(shares[i]![b]!, basis);
    }
    out[b] = acc;
  }
  return out;
}
