/**
 * Issue 9, key hygiene: an age identity with one wrong character is reported by file and line
 * (never by content: a one-character typo is correctable through the bech32 checksum) and the
 * other identities of the same source keep working, in every command and output format.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { checkCommand } from "../../src/cli/check.js";
import { renderCommand } from "../../src/cli/render.js";
import { secretsCommand } from "../../src/cli/secrets.js";
import { findAgeIdentities, parseAgeIdentities } from "../../src/sops/index.js";
import { captureOutput } from "../support/capture.js";
import { repoRoot } from "../support/env.js";
import { demoIdentities } from "../support/flux.js";

const good = demoIdentities[0]!;
/** The demo key with one character changed: bech32 says "Invalid checksum in <the key>". */
const typo = good.slice(0, 30) + (good[30] === "Q" ? "P" : "Q") + good.slice(31);
const platform = path.join(repoRoot, "examples/platform");

/** Any 12-character window of either key, anywhere in the text. */
function keyMaterialIn(text: string): string[] {
  const hits: string[] = [];
  for (const key of [good, typo]) {
    const body = key.slice("AGE-SECRET-KEY-1".length);
    for (let i = 0; i + 12 <= body.length; i++) {
      const w = body.slice(i, i + 12);
      if (text.includes(w) || text.toLowerCase().includes(w.toLowerCase())) hits.push(w);
    }
  }
  return hits;
}

function keyFile(lines: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-keys-"));
  const file = path.join(dir, "keys.txt");
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

afterEach(() => vi.unstubAllEnvs());

describe("parseAgeIdentities", () => {
  it("drops an identity with a wrong checksum, naming only origin and line", () => {
    const parsed = parseAgeIdentities(`# my keys\n${typo}\n${good}\n`, "keys.txt");
    expect(parsed.identities).toEqual([good]);
    expect(parsed.problems).toEqual([
      "keys.txt: line 2: not a usable age identity (its checksum or length is wrong)",
    ]);
  });

  it("rejects a truncated key and a key with a lowercase typo, keeping the others", () => {
    const parsed = parseAgeIdentities([good.slice(0, -3), `${good.slice(0, -1)}x`, good].join("\n"), "k");
    expect(parsed.identities).toEqual([good]);
    expect(parsed.problems.map((p) => p.split(":")[1])).toEqual([" line 1", " line 2"]);
    expect(keyMaterialIn(parsed.problems.join("\n"))).toEqual([]);
  });

  it("SOPS_AGE_KEY and key files combine; a bad line in one does not disable the other", () => {
    const file = keyFile([typo]);
    const found = findAgeIdentities({
      env: { SOPS_AGE_KEY: good, SOPS_AGE_KEY_FILE: file },
      exists: () => false,
    });
    expect(found.identities).toEqual([good]);
    expect(found.problems).toEqual([
      `${file}: line 1: not a usable age identity (its checksum or length is wrong)`,
    ]);
  });
});

describe("no command prints key material for a bad identity", () => {
  const file = () => keyFile([typo, good]);
  const noOwnKeys = () => {
    vi.stubEnv("SOPS_AGE_KEY", "");
    vi.stubEnv("XDG_CONFIG_HOME", mkdtempSync(path.join(tmpdir(), "slipway-nokey-")));
  };

  it("render and check (every format) decrypt with the good line and warn about the bad one", async () => {
    noOwnKeys();
    const keys = file();
    vi.stubEnv("SOPS_AGE_KEY_FILE", keys);
    const runs = [
      await captureOutput(() => renderCommand([platform, "--cluster", "dev"])),
      await captureOutput(() => renderCommand([platform, "--cluster", "dev", "--age-key-file", keys])),
    ];
    for (const format of ["text", "json", "sarif", "junit", "github"]) {
      runs.push(await captureOutput(() => checkCommand([platform, "--cluster", "dev", "--format", format])));
    }
    for (const r of runs) {
      expect(keyMaterialIn(r.stdout + r.stderr)).toEqual([]);
      expect(r.stderr).toContain(`${keys}: line 1: not a usable age identity`);
      expect(r.stdout + r.stderr).not.toMatch(/no age identity|Invalid checksum/);
    }
    // The good identity decrypted: nothing was left encrypted.
    expect(runs[0]!.stderr).not.toContain("SOPS values left encrypted");
  });

  it("secrets status, decrypt and rotate", async () => {
    noOwnKeys();
    const keys = file();
    vi.stubEnv("SOPS_AGE_KEY_FILE", keys);
    const work = mkdtempSync(path.join(tmpdir(), "slipway-rotate-"));
    cpSync(path.join(platform, "clusters/dev"), work, { recursive: true });
    const sopsFile = path.join(work, "cluster-secrets.sops.yaml");
    const before = readFileSync(sopsFile, "utf8");
    const runs = [
      await captureOutput(() => secretsCommand(["status", platform, "--format", "json"])),
      await captureOutput(() => secretsCommand(["status", platform])),
      await captureOutput(() => secretsCommand(["decrypt", sopsFile])),
      await captureOutput(() => secretsCommand(["rotate", work])),
    ];
    for (const r of runs) expect(keyMaterialIn(r.stdout + r.stderr)).toEqual([]);
    expect(runs[2]!.code).toBe(0);
    expect(runs[3]!.code).toBe(0);
    expect(readFileSync(sopsFile, "utf8")).not.toEqual(before);
  });
});
