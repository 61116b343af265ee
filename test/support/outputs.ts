/**
 * What the leak tests (test/security/leak-fuzzer, secrets-audit) search: every text a command
 * printed or wrote, under a label that says where it came from.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { vi } from "vitest";

export interface Output {
  label: string;
  text: string;
}

/** Every file under `dir`, as outputs labelled by path. */
export function filesUnder(dir: string): Output[] {
  const out: Output[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ label: p, text: readFileSync(p, "utf8") });
    }
  };
  walk(dir);
  return out;
}

/**
 * No age identity from the machine running the test (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, sops's
 * keys.txt under XDG_CONFIG_HOME): a test gives its keys explicitly. Undone by vi.unstubAllEnvs.
 */
export function noOwnKeys(): void {
  vi.stubEnv("SOPS_AGE_KEY", "");
  vi.stubEnv("SOPS_AGE_KEY_FILE", "");
  vi.stubEnv("XDG_CONFIG_HOME", mkdtempSync(path.join(tmpdir(), "slipway-nokey-")));
}
