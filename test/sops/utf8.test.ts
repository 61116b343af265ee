/**
 * Issue 9: invalid UTF-8 is never silently replaced (U+FFFD) on encryption. YAML and JSON are
 * text and are refused with the file and line, as sops refuses them; dotenv and binary files
 * keep their bytes, as sops keeps them, and decrypt to exactly the bytes that went in.
 */
import { describe, expect, it } from "vitest";
import { SlipwayError } from "../../src/errors.js";
import { decryptSops, plaintextBytes } from "../../src/sops/decrypt.js";
import { encryptSops } from "../../src/sops/encrypt.js";
import { ruleForRecipients } from "../../src/sops/index.js";
import { DEMO_RECIPIENT, demoIdentities } from "../support/flux.js";

const rule = ruleForRecipients([DEMO_RECIPIENT]);
const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p))));

async function refused(input: Buffer, file: string): Promise<SlipwayError> {
  try {
    await encryptSops(input, { file, rule, config: null });
  } catch (err) {
    expect(err).toBeInstanceOf(SlipwayError);
    return err as SlipwayError;
  }
  throw new Error("encrypted invalid UTF-8");
}

async function roundTrip(input: Buffer, file: string): Promise<Buffer> {
  const enc = await encryptSops(input, { file, rule, config: null });
  return plaintextBytes(await decryptSops(enc, { file, identities: demoIdentities }));
}

describe("invalid UTF-8", () => {
  it("YAML: refused with the file and line", async () => {
    const err = await refused(bytes("a: ok\nb: caf\u00e9 \u{1f600}\nc: bad", [0xff, 0xfe], "\n"), "s.yaml");
    expect(err.file).toBe("s.yaml");
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/invalid UTF-8 \(byte 27, line 3\)/);
  });

  it("JSON: refused, also for a truncated multi-byte character and an overlong encoding", async () => {
    expect((await refused(bytes('{"a": "x', [0xc3], '"}'), "s.json")).line).toBe(1);
    expect((await refused(bytes('{\n"a": "', [0xc0, 0xaf], '"}'), "s.json")).line).toBe(2);
  });

  it("valid multi-byte text still encrypts and decrypts unchanged", async () => {
    const input = bytes("greeting: grüß dich \u{1f600}\n");
    expect((await roundTrip(input, "s.yaml")).toString("utf8")).toBe("greeting: grüß dich \u{1f600}\n");
  });

  it("dotenv: values keep their bytes through encrypt and decrypt", async () => {
    const input = bytes("TOKEN=ab", [0xff, 0x00, 0x80], "cd\nPLAIN=grüß\nLINES=a\\nb\n");
    expect(await roundTrip(input, "s.env")).toEqual(input);
  });

  it("dotenv: an invalid key is refused with its line", async () => {
    const err = await refused(bytes("A=1\nK", [0xff], "=2\n"), "s.env");
    expect(err.line).toBe(2);
  });

  it("binary: kept byte for byte", async () => {
    const input = bytes([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00, 0x0a], "tail");
    expect(await roundTrip(input, "s.bin")).toEqual(input);
  });
});
