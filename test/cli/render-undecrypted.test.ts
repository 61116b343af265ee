import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { renderCommand } from "../../src/cli/render.js";
import { encryptSops, ruleForRecipients } from "../../src/sops/index.js";
import { captureOutput } from "../support/capture.js";
import { tempTree } from "../support/cli.js";
import { DEMO_RECIPIENT, fluxKs, SYNC } from "../support/flux.js";

// kustomize-controller's apply refuses a v1 Secret that still carries `sops` metadata when the
// Kustomization has no spec.decryption: the whole Kustomization fails, nothing of it is applied
// (kustomization_controller.go, `IsEncryptedSecret` in apply).
const secret = (name: string, extra = "") =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: app\n${extra}stringData:\n  password: hunter2-plaintext\n`;
const CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: app\ndata:\n  a: b\n";

let encrypted: string;
let disabled: string;

beforeAll(async () => {
  const rule = ruleForRecipients([DEMO_RECIPIENT], { encrypted_regex: "^(data|stringData)$" });
  encrypted = (await encryptSops(secret("db"), { rule, config: null })).toString();
  disabled = (
    await encryptSops(secret("kept", "  annotations:\n    kustomize.toolkit.fluxcd.io/decrypt: Disabled\n"), {
      rule,
      config: null,
    })
  ).toString();
});

function tree(files: Record<string, string>): string {
  return tempTree({
    "clusters/c/flux-system/gotk-sync.yaml": SYNC,
    "clusters/c/app.yaml": fluxKs("app", "./app"),
    "app/kustomization.yaml": "resources: [cm.yaml, s.yaml]\n",
    "app/cm.yaml": CM,
    ...files,
  });
}

async function render(args: string[]) {
  // No age key: nothing here may depend on one.
  const env = { SOPS_AGE_KEY: process.env.SOPS_AGE_KEY, SOPS_AGE_KEY_FILE: process.env.SOPS_AGE_KEY_FILE };
  process.env.SOPS_AGE_KEY_FILE = "/nonexistent/keys.txt";
  delete process.env.SOPS_AGE_KEY;
  try {
    return await captureOutput(() => renderCommand(args));
  } finally {
    for (const [k, v] of Object.entries(env))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

const REFUSAL =
  "Secret/app/db is SOPS encrypted, configuring decryption is required for this secret to be reconciled";

describe("render: a SOPS-encrypted Secret without spec.decryption", () => {
  it("fails the Kustomization in YAML, JSON and --out, exit 1, with no secret text", async () => {
    const root = tree({ "app/s.yaml": encrypted });
    const ciphertext = /ENC\[AES256_GCM|hunter2|BEGIN AGE/;

    const yaml = await render([root]);
    expect(yaml.code).toBe(1);
    expect(yaml.stderr).toContain(`c flux-system/app: app/s.yaml:1: ${REFUSAL}`);
    expect(yaml.stdout).toMatch(/# cluster c, Kustomization flux-system\/app, path app, failed\n/);
    expect(yaml.stdout).not.toContain("name: settings"); // nothing of it is applied
    expect(yaml.stdout + yaml.stderr).not.toMatch(ciphertext);

    const json = await render([root, "--format", "json"]);
    expect(json.code).toBe(1);
    const app = (
      JSON.parse(json.stdout) as {
        kustomizations: Array<{ name: string; status: string; errors: string[]; resources: unknown[] }>;
      }
    ).kustomizations.find((k) => k.name === "app")!;
    expect(app).toMatchObject({ status: "failed", resources: [] });
    expect(app.errors[0]).toContain(REFUSAL);
    expect(json.stdout + json.stderr).not.toMatch(ciphertext);

    const out = mkdtempSync(path.join(tmpdir(), "slipway-render-"));
    const files = await render([root, "--out", out]);
    expect(files.code).toBe(1);
    const written = readFileSync(path.join(out, "c/flux-system/app.yaml"), "utf8");
    expect(written).toContain(", failed\n");
    expect(written).not.toMatch(ciphertext);
    expect(readdirSync(path.join(out, "c/flux-system")).sort()).toEqual(["app.yaml", "flux-system.yaml"]);
  });

  it("applies a Secret annotated decrypt: disabled (any case), as Flux does", async () => {
    const r = await render([tree({ "app/s.yaml": disabled })]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("name: settings");
    expect(r.stdout).toContain("name: kept");
  });

  it("applies an encrypted ConfigMap (only Secrets are refused)", async () => {
    const rule = ruleForRecipients([DEMO_RECIPIENT], { encrypted_regex: "^data$" });
    const cm = (await encryptSops(CM.replace("settings", "enc"), { rule, config: null })).toString();
    const r = await render([tree({ "app/s.yaml": cm })]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("name: enc");
  });
});
