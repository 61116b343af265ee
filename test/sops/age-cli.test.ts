import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decryptSops, plaintextValues } from "../../src/sops/decrypt.js";
import { encryptSops } from "../../src/sops/encrypt.js";
import { loadEncrypted } from "../../src/sops/store.js";

/**
 * Cross-check with the Go age CLI (Debian's `age` package) when it is installed: keys made
 * by age-keygen work here, and the key wraps we write open with Go age. Optional.
 */
const ageBin = "/usr/bin/age";
const keygenBin = "/usr/bin/age-keygen";
const hasAge = existsSync(ageBin) && existsSync(keygenBin);
if (!hasAge)
  process.stderr.write("[skipped] age CLI cross-check needs /usr/bin/age and /usr/bin/age-keygen\n");

describe.runIf(hasAge)("interop with the Go age CLI", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-age-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("an age-keygen key decrypts our file and Go age opens our key wrap", async () => {
    const keyFile = path.join(dir, "keys.txt");
    execFileSync(keygenBin, ["-o", keyFile], { stdio: "ignore" });
    const recipient = execFileSync(keygenBin, ["-y", keyFile]).toString().trim();
    const rule = {
      keyGroups: [[{ type: "age" as const, id: recipient }]],
      rules: {},
      macOnlyEncrypted: false,
    };
    const enc = await encryptSops("token: abc\n", { file: "/r/s.yaml", rule });
    const { metadata } = loadEncrypted(enc, "yaml");
    const age = metadata.keyGroups[0]![0]!;
    if (age.type !== "age") throw new Error("expected an age key");
    const armored = path.join(dir, "key.age");
    writeFileSync(armored, age.enc);
    const dataKey = execFileSync(ageBin, ["-d", "-i", keyFile, armored]);
    expect(dataKey.length).toBe(32);
    const { findAgeIdentities } = await import("../../src/sops/identities.js");
    const ids = findAgeIdentities({ env: { SOPS_AGE_KEY_FILE: keyFile }, homeDir: dir }).identities;
    const d = await decryptSops(enc, { file: "/r/s.yaml", identities: ids });
    expect(Buffer.from(d.dataKey).equals(dataKey)).toBe(true);
    expect(plaintextValues(d)[0]).toEqual({ token: "abc" });
  });
});
