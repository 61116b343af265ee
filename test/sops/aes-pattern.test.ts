/**
 * sops' ENC[…] pattern (src/sops/aes.ts) is compiled at its first use, not when the module
 * loads: every `check` loads the SOPS modules, and most repositories hold no SOPS value.
 */
import { RE2JS } from "re2js";
import { afterEach, describe, expect, it, vi } from "vitest";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the ENC pattern", () => {
  it("is compiled at first use, once", async () => {
    const compile = vi.spyOn(RE2JS, "compile");
    vi.resetModules();
    const aes = await import("../../src/sops/aes.js");
    expect(compile).not.toHaveBeenCalled();
    expect(aes.isEncryptedString("plain")).toBe(false);
    expect(compile).not.toHaveBeenCalled();
    expect(aes.isEncryptedString("ENC[AES256_GCM,data:eA==,iv:aQ==,tag:dA==,type:str]")).toBe(true);
    expect(aes.parseEncrypted("ENC[AES256_GCM,data:eA==,iv:aQ==,tag:dA==,type:str]")?.type).toBe("str");
    expect(aes.isEncryptedString("ENC[AES256_GCM,data:eA==]")).toBe(false);
    expect(compile).toHaveBeenCalledTimes(1);
  });
});
