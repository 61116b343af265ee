/**
 * sops' ENC[…] pattern (src/sops/aes.ts) is matched from separator positions: the fields must be
 * what the pattern, run by an RE2 engine as Go runs it, captures, on any text; and a value of
 * megabytes is read in linear time (re2js took 0.7 s per MB of one value, 14 s for 20 MB).
 */
import fc from "fast-check";
import { RE2JS } from "re2js";
import { describe, expect, it } from "vitest";
import { encFields, isEncryptedString, parseEncrypted } from "../../src/sops/aes.js";

const SOPS_PATTERN = RE2JS.compile("^ENC\\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\\]");

/** The four captures of sops' pattern on RE2, or undefined. */
function reference(s: string): string[] | undefined {
  const m = SOPS_PATTERN.matcher(s);
  return m.find() ? [1, 2, 3, 4].map((g) => m.group(g) as string) : undefined;
}

// Text made of the pattern's own pieces, base64, brackets, newlines and any other characters.
const piece = fc.oneof(
  fc.constantFrom(",iv:", ",tag:", ",type:", "]", "\n", "\r", ",", ":", "ENC[", "=", ",data:"),
  fc.constantFrom("eA==", "aQ==", "dA==", "str", "int", "YWJj"),
  fc.string({ unit: "binary", maxLength: 3 }),
);
const encText = fc.array(piece, { maxLength: 14 }).map((parts) => `ENC[AES256_GCM,data:${parts.join("")}`);

describe("the ENC pattern", () => {
  it("captures what sops' pattern on RE2 captures, on any text", () => {
    fc.assert(
      fc.property(encText, (s) => {
        expect(encFields(s)).toEqual(reference(s));
        expect(isEncryptedString(s)).toBe(reference(s) !== undefined);
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    "ENC[AES256_GCM,data:eA==,iv:aQ==,tag:dA==,type:str]",
    "ENC[AES256_GCM,data:a,iv:b,iv:c,tag:d,tag:e,type:f,type:g]]",
    "ENC[AES256_GCM,data:a,iv:b,tag:c,type:d]\n,iv:x,tag:y,type:z]",
    "ENC[AES256_GCM,data:a,iv:b,tag:c,type:d,tag:e,type:f]",
    "ENC[AES256_GCM,data:,iv:b,tag:c,type:d]",
    "ENC[AES256_GCM,data:a,iv:,tag:c,type:d]",
    "ENC[AES256_GCM,data:a,iv:b,tag:c,type:]",
    "ENC[AES256_GCM,data:a,iv:b,tag:c,type:d] trailing ]",
    "ENC[AES256_GCM,data:a\r,iv:b,tag:c,type:d]",
    "ENC[AES256_GCM,data:,iv:,iv:b,tag:c,type:d]",
  ])("%j as RE2 reads it", (s) => {
    expect(encFields(s)).toEqual(reference(s));
  });

  it("reads a value of megabytes in one pass", () => {
    const data = Buffer.alloc(6 << 20, 7).toString("base64");
    const s = `ENC[AES256_GCM,data:${data},iv:${"A".repeat(44)},tag:${"B".repeat(24)},type:str]`;
    expect(parseEncrypted(s)?.data.length).toBe(6 << 20);
  });
});
