/**
 * Issue 9: a SOPS file changed outside sops (its MAC no longer matches) is never accepted
 * silently. Flux applies it (kustomize-controller does not check MACs), so `render` shows what
 * Flux would apply and warns; `check` makes it an error finding in every format (exit 1);
 * `secrets status` fails it. No output quotes its values.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { checkCommand } from "../../src/cli/check.js";
import { renderCommand } from "../../src/cli/render.js";
import { secretsCommand } from "../../src/cli/secrets.js";
import { encryptSops, ruleForRecipients } from "../../src/sops/index.js";
import { captureOutput } from "../support/capture.js";
import { tempTree } from "../support/cli.js";
import { DEMO_RECIPIENT, demoKeyFile, ks, SYNC } from "../support/flux.js";

const VALUE = "tamper-test-password-0815";
let repo: string;
let clean: string;

afterEach(() => vi.unstubAllEnvs());

function noOwnKeys(): void {
  vi.stubEnv("SOPS_AGE_KEY", "");
  vi.stubEnv("SOPS_AGE_KEY_FILE", "");
  vi.stubEnv("XDG_CONFIG_HOME", mkdtempSync(path.join(tmpdir(), "slipway-nokey-")));
}

beforeAll(async () => {
  const enc = (
    await encryptSops(
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: app\nstringData:\n  password: ${VALUE}\n`,
      {
        rule: ruleForRecipients([DEMO_RECIPIENT], { encrypted_regex: "^(data|stringData)$" }),
        config: null,
      },
    )
  ).toString();
  // A reviewer-invisible change: the Secret now lands in another namespace.
  const tampered = enc.replace("namespace: app\n", "namespace: kube-system\n");
  expect(tampered).not.toBe(enc);
  const files = (secret: string) => ({
    "clusters/c/flux-system/gotk-sync.yaml": SYNC,
    "clusters/c/app.yaml": ks("app", "  path: ./app\n  decryption:\n    provider: sops\n"),
    "app/kustomization.yaml": "resources: [db.sops.yaml]\n",
    "app/db.sops.yaml": secret,
  });
  repo = tempTree(files(tampered));
  clean = tempTree(files(enc));
});

describe("a tampered SOPS file", () => {
  const key = ["--age-key-file", demoKeyFile];

  it("render: rendered as Flux would apply it, with a warning naming the file", async () => {
    noOwnKeys();
    const r = await captureOutput(() => renderCommand([repo, ...key]));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("namespace: kube-system");
    expect(r.stderr).toMatch(/warning: app\/db\.sops\.yaml: MAC check failed/);
    expect(r.stdout + r.stderr).not.toContain(VALUE);
    const ok = await captureOutput(() => renderCommand([clean, ...key]));
    expect(ok.stderr).not.toContain("MAC check failed");
  });

  it("check: an error finding in every format, exit 1", async () => {
    noOwnKeys();
    for (const format of ["text", "json", "sarif", "junit", "github"]) {
      const r = await captureOutput(() => checkCommand([repo, ...key, "--format", format]));
      expect(r.code, format).toBe(1);
      expect(r.stdout, format).toContain("sops-mac-mismatch");
      expect(r.stdout + r.stderr, format).not.toContain(VALUE);
    }
    const rulesOf = async (root: string) => {
      const r = await captureOutput(() => checkCommand([root, ...key, "--format", "json"]));
      const findings = (JSON.parse(r.stdout) as { findings: Array<{ rule: string; severity: string }> })
        .findings;
      return findings.filter((f) => f.rule === "sops-mac-mismatch").map((f) => f.severity);
    };
    expect(await rulesOf(repo)).toEqual(["error"]);
    expect(await rulesOf(clean)).toEqual([]);
  });

  it("secrets status: fails the file", async () => {
    noOwnKeys();
    const r = await captureOutput(() => secretsCommand(["status", repo, ...key]));
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/MAC/);
    expect(r.stdout + r.stderr).not.toContain(VALUE);
  });
});
