/**
 * A message that quotes a secret value is withheld in every output, and only there: the user who
 * asks for plaintext (`render --show-secrets`) reads it. Before, the model's text was replaced
 * for good at load, so a build error quoting a short plain Secret value (PaulBarrie/flux-env: a
 * patch naming `keycloak-release`, a Secret holding `keycloak`) could not be read by anyone.
 * (A plain Secret's value no longer withholds anything: secret-origin.test.ts. Here the Secret
 * is SOPS-encrypted.)
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderCommand } from "../../src/cli/render.js";
import { loadPlatformWithSecrets } from "../../src/platform/decrypt.js";
import { restoreWithheldMessages } from "../../src/platform/masking.js";
import { captureOutput } from "../support/capture.js";
import { tempTree } from "../support/cli.js";
import { demoIdentities, demoKeyFile, fluxKs, fluxSync } from "../support/flux.js";
import { scratchDirs } from "../support/scratch.js";
import { sopsYaml } from "../support/secret-origin-repo.js";

const temps = scratchDirs();
afterEach(() => {
  vi.unstubAllEnvs();
});
const VALUE = "keycloak-db";

/**
 * One cluster: a SOPS-encrypted Secret holding VALUE, and apps whose build fails on a patch
 * naming a missing object after it.
 */
async function writeRepo(): Promise<string> {
  const root = tempTree({
    "clusters/dev/flux-system/gotk-sync.yaml": fluxSync("./clusters/dev"),
    "clusters/dev/apps.yaml": fluxKs("apps", "./apps"),
    "clusters/dev/secrets.yaml": fluxKs(
      "secrets",
      "./secrets",
      "  decryption:\n    provider: sops\n    secretRef:\n      name: sops-age\n",
    ),
    "secrets/db-user.sops.yaml": await sopsYaml(
      `apiVersion: v1
kind: Secret
metadata:
  name: db-user
  namespace: db
stringData:
  username: ${VALUE}
`,
      "db-user.sops.yaml",
    ),
    "apps/kustomization.yaml":
      "namespace: db\nresources: [deployment.yaml]\npatches:\n  - path: patch.yaml\n",
    "apps/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
    "apps/patch.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${VALUE}-app
spec:
  replicas: 2
`,
  });
  temps.keep(root);
  return root;
}

const apps = (platform: Awaited<ReturnType<typeof loadPlatformWithSecrets>>["platform"]) =>
  platform.clusters[0]!.kustomizations.find((k) => k.name === "apps")!;

describe("messages withheld for quoting a secret value", () => {
  it("are withheld in the model, and restoreWithheldMessages puts them back (once)", async () => {
    const root = await writeRepo();
    const { platform } = await loadPlatformWithSecrets(root, {
      identities: demoIdentities,
      renderCache: false,
    });
    const error = apps(platform).errors[0]!;
    expect(error.message).toMatch(/^the message is withheld: it quotes a secret value/);
    expect(error.file).toBe("apps/patch.yaml");
    restoreWithheldMessages(platform);
    expect(error.message).toContain(`${VALUE}-app`);
    restoreWithheldMessages(platform);
    expect(error.message).toContain(`${VALUE}-app`);
  });

  it("render prints the withheld text; render --show-secrets prints the message", async () => {
    vi.stubEnv("SLIPWAY_NO_CACHE", "1");
    const root = await writeRepo();
    const key = ["--age-key-file", demoKeyFile];
    const masked = await captureOutput(() => renderCommand([root, ...key]));
    expect(masked.code).toBe(1);
    expect(masked.stdout + masked.stderr).not.toContain(VALUE);
    expect(masked.stderr).toContain(
      "apps/patch.yaml: the message is withheld: it quotes a secret value ('slipway render --show-secrets' shows it)",
    );

    const plain = await captureOutput(() => renderCommand([root, ...key, "--show-secrets"]));
    expect(plain.code).toBe(1);
    expect(plain.stderr).not.toContain("withheld");
    expect(plain.stderr).toMatch(
      new RegExp(`apps/patch.yaml: .*no matches for Id Deployment.v1.apps/${VALUE}-app`),
    );
  });
});
