import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { diffCommand } from "../../src/cli/diff.js";
import { parseSopsConfig } from "../../src/sops/config.js";
import { encryptSops } from "../../src/sops/encrypt.js";
import { rotateDataKey } from "../../src/sops/manage.js";
import { basePlatform, fluxKustomization, GitFixture } from "../diff/git-fixture.js";

/** `slipway diff` compares SOPS secrets decrypted (with the key), and prints them masked. */
async function run(args: string[], env: Record<string, string | undefined>) {
  let stdout = "";
  const saved = { ...process.env };
  Object.assign(process.env, env);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  const out = vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    stdout += String(s);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    return { code: await diffCommand(args), stdout };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.env = saved;
  }
}

const plain = (password: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\nstringData:\n  password: ${password}\n`;

describe("slipway diff with SOPS secrets", () => {
  const repo = new GitFixture();
  let identity = "";
  let c0 = "";
  let rotated = "";
  let changed = "";
  beforeAll(async () => {
    identity = await generateX25519Identity();
    const config = parseSopsConfig(
      `creation_rules:\n  - path_regex: .*\n    encrypted_regex: ^(data|stringData)$\n    age: ${await identityToRecipient(identity)}\n`,
      `${repo.dir}/.sops.yaml`,
    );
    const file = `${repo.dir}/apps/app/secret.yaml`;
    const encrypted = await encryptSops(plain("s3cret-v1-value"), { file, config });
    repo.write({
      ...basePlatform(),
      "clusters/prod/app.yaml": fluxKustomization(
        "app",
        "./apps/app",
        "  decryption:\n    provider: sops\n    secretRef:\n      name: sops-age\n",
      ),
      "apps/app/secret.yaml": encrypted.toString("utf8"),
    });
    c0 = repo.commit("encrypted secret");
    const r = await rotateDataKey(encrypted, { file, identities: [identity] });
    repo.write({ "apps/app/secret.yaml": r.toString("utf8") });
    rotated = repo.commit("new data key, same value");
    repo.write({
      "apps/app/secret.yaml": (await encryptSops(plain("s3cret-v2-value"), { file, config })).toString(
        "utf8",
      ),
    });
    changed = repo.commit("new value");
  });
  afterAll(() => repo.cleanup());

  it("a new data key with the same value is no difference when the key is available", async () => {
    const r = await run([repo.dir, "--base", c0, "--head", rotated], {
      SOPS_AGE_KEY: identity,
      SOPS_AGE_KEY_FILE: undefined,
    });
    expect(r.code).toBe(0);
  });

  it("without the key the re-encrypted ciphertext is all the diff can compare", async () => {
    const r = await run([repo.dir, "--base", c0, "--head", rotated], {
      SOPS_AGE_KEY: undefined,
      SOPS_AGE_KEY_FILE: undefined,
      XDG_CONFIG_HOME: repo.dir,
      HOME: repo.dir,
    });
    expect(r.code).toBe(1);
  });

  it("a changed value shows as changed, masked, never in plaintext", async () => {
    const r = await run([repo.dir, "--base", c0, "--head", changed, "--format", "json"], {
      SOPS_AGE_KEY: identity,
      SOPS_AGE_KEY_FILE: undefined,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("password");
    expect(r.stdout).not.toContain("s3cret-v1-value");
    expect(r.stdout).not.toContain("s3cret-v2-value");
    expect(r.stdout).not.toContain(Buffer.from("s3cret-v2-value").toString("base64"));
  });
});
