/**
 * Acceptance (issue 5): the example platform rendered with and without the demo key; no
 * plaintext secret appears in any output in the keyless and default (masked) cases — render
 * YAML and JSON, stderr, and `slipway check` findings as JSON and text.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { runCheck } from "../../src/check/engine.js";
import { formatJson } from "../../src/check/report/json.js";
import { formatText } from "../../src/check/report/text.js";
import { allRules } from "../../src/check/rules/index.js";
import { renderCommand } from "../../src/cli/render.js";
import { loadPlatformWithSecrets, maskedPlatform } from "../../src/platform/decrypt.js";
import { createSecretMasker, decryptSops, parseAgeIdentities } from "../../src/sops/index.js";
import { Comment } from "../../src/sops/tree.js";
import { aadFor, mapLeaves } from "../../src/sops/walk.js";
import { captureOutput } from "../support/capture.js";
import { repoRoot } from "../support/env.js";

const platformDir = path.join(repoRoot, "examples/platform");
const keyFiles = ["age.agekey", "production.agekey"].map((f) => path.join(repoRoot, "examples/demo-keys", f));
const keyFile = keyFiles[0]!;
const identities = keyFiles.flatMap((f) => parseAgeIdentities(readFileSync(f, "utf8"), f).identities);
const SOPS_FILES = [
  "clusters/dev/cluster-secrets.sops.yaml",
  "clusters/staging/cluster-secrets.sops.yaml",
  "clusters/production/cluster-secrets.sops.yaml",
  "infrastructure/overlays/dev/kube-prometheus-stack/alertmanager-slack.sops.yaml",
  "infrastructure/overlays/staging/kube-prometheus-stack/alertmanager-slack.sops.yaml",
  "infrastructure/overlays/production/kube-prometheus-stack/alertmanager-slack.sops.yaml",
  "infrastructure/overlays/staging/postgres/backup-s3.sops.yaml",
  "infrastructure/overlays/production/postgres/backup-s3.sops.yaml",
];

/** Every value the example platform keeps encrypted, in plaintext (and base64). */
let plaintexts: string[] = [];

beforeAll(async () => {
  const out = new Set<string>();
  for (const f of SOPS_FILES) {
    const d = await decryptSops(readFileSync(path.join(platformDir, f)), { file: f, identities });
    mapLeaves(d.branches, (leaf, p) => {
      if (!(leaf instanceof Comment) && d.encryptedPaths.has(aadFor(p)) && typeof leaf === "string") {
        out.add(leaf);
        out.add(Buffer.from(leaf).toString("base64"));
      }
      return leaf;
    });
  }
  plaintexts = [...out].filter((s) => s.length >= 6);
});

/** A key-less environment: no SOPS_AGE_KEY(_FILE), and a config dir without keys.txt. */
function withoutKeys(): void {
  vi.stubEnv("SOPS_AGE_KEY", "");
  vi.stubEnv("SOPS_AGE_KEY_FILE", "");
  vi.stubEnv("XDG_CONFIG_HOME", mkdtempSync(path.join(tmpdir(), "slipway-nokey-")));
}

afterEach(() => {
  vi.unstubAllEnvs();
});

async function render(args: string[]) {
  return captureOutput(() => renderCommand([platformDir, ...args]));
}

function leaked(text: string): string[] {
  return plaintexts.filter((p) => text.includes(p));
}

describe("no plaintext secret in any output", () => {
  it("knows the example platform's secrets (so the assertions below mean something)", () => {
    expect(plaintexts.length).toBeGreaterThan(8);
  });

  it("render with the key, default (masked): YAML and JSON", async () => {
    withoutKeys();
    for (const format of ["yaml", "json"]) {
      const r = await render(["--age-key-file", keyFile, "--format", format]);
      expect(r.stdout).toContain(
        "kind: Secret".replace("kind: ", format === "json" ? '"kind": "' : "kind: "),
      );
      expect(r.stdout).toMatch(/<masked:sha256:[0-9a-f]{8}>/);
      expect(leaked(r.stdout + r.stderr)).toEqual([]);
    }
  });

  it("render without a key: still renders, masked, one info line per affected cluster", async () => {
    withoutKeys();
    for (const format of ["yaml", "json"]) {
      const r = await render(["--format", format]);
      expect(r.stdout.length).toBeGreaterThan(1000);
      expect(leaked(r.stdout + r.stderr)).toEqual([]);
      const info = r.stderr.split("\n").filter((l) => l.startsWith("slipway render: info: cluster "));
      expect(info.length).toBeGreaterThanOrEqual(3);
      expect(new Set(info.map((l) => l.split(":")[2])).size).toBe(info.length);
      expect(info.join("\n")).toMatch(/alertmanager-slack\.sops\.yaml.*no age identity/);
    }
  });

  it("--show-secrets prints decrypted values (the explicit plaintext opt-in)", async () => {
    withoutKeys();
    const r = await render(["--age-key-file", keyFile, "--show-secrets"]);
    expect(leaked(r.stdout).length).toBeGreaterThan(0);
  });

  it("check findings (JSON and text), with and without the key", async () => {
    withoutKeys();
    for (const ids of [identities, []]) {
      const { platform } = await loadPlatformWithSecrets(platformDir, { identities: ids });
      const result = runCheck(maskedPlatform(platform, createSecretMasker()), { rules: allRules });
      const text = formatText(result);
      const json = formatJson(result);
      expect(leaked(text + json)).toEqual([]);
      if (ids.length === 0) expect(json).toContain("sops-undecryptable");
    }
  });
});
