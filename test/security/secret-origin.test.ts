/**
 * Only a value whose origin is secret withholds a message that quotes it: one decrypted from
 * SOPS, substituted from a Secret's variable, generated from a decrypted file. A value a Secret
 * of the repository holds in clear text is no secret to anyone who reads the pull request
 * (solanyn/home-ops: a plain Secret holding `name` withheld unrelated render errors); it is still
 * masked wherever it is a field.
 */
import { describe, expect, it } from "vitest";
import { loadPlatformWithSecrets } from "../../src/platform/decrypt.js";
import type { Platform } from "../../src/platform/model.js";
import { demoIdentities, fluxKs } from "../support/flux.js";
import { scratchDirs } from "../support/scratch.js";
import { secretYaml, sopsEnv, sopsYaml, VALUE, writeRepo } from "../support/secret-origin-repo.js";

const temps = scratchDirs();

async function appsError(root: string): Promise<string> {
  const { platform } = await loadPlatformWithSecrets(root, {
    identities: demoIdentities,
    renderCache: false,
  });
  expect(secretsRendered(platform)).toBe(true);
  const apps = platform.clusters[0]!.kustomizations.find((k) => k.name === "apps")!;
  expect(apps.errors).toHaveLength(1);
  return apps.errors[0]!.message;
}

/** The `secrets` Kustomization rendered (a test of withholding must not pass on a failed build). */
function secretsRendered(platform: Platform): boolean {
  const k = platform.clusters[0]!.kustomizations.find((x) => x.name === "secrets")!;
  return k.errors.length === 0 && k.resources.length > 0;
}

const WITHHELD = /^the message is withheld: it quotes a secret value/;
const SHOWN = new RegExp(`no matches for Id Deployment.v1.apps/${VALUE}-app`);

describe("a message is withheld only for quoting a value whose origin is secret", () => {
  it("a plain Secret in Git holding the value: the message is shown", async () => {
    const root = writeRepo(temps, { "user.yaml": secretYaml("user", "username", VALUE) });
    expect(await appsError(root)).toMatch(SHOWN);
  });

  it("a SOPS-encrypted Secret holding the value: withheld", async () => {
    const root = writeRepo(temps, {
      "user.sops.yaml": await sopsYaml(secretYaml("user", "username", VALUE), "user.sops.yaml"),
    });
    expect(await appsError(root)).toMatch(WITHHELD);
  });

  it("the value clear in one Secret and decrypted in another: withheld", async () => {
    const root = writeRepo(temps, {
      "user.yaml": secretYaml("user", "username", VALUE),
      "password.sops.yaml": await sopsYaml(secretYaml("password", "password", VALUE), "password.sops.yaml"),
    });
    expect(await appsError(root)).toMatch(WITHHELD);
  });

  it("the value substituted from a Secret's variable (a plain Secret's, even): withheld", async () => {
    const root = writeRepo(
      temps,
      {
        "config.yaml":
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config\n  namespace: db\ndata:\n  user: ${APP_USER}\n",
      },
      "  dependsOn:\n    - name: vars\n  postBuild:\n    substituteFrom:\n      - kind: Secret\n        name: vars\n",
      {
        "clusters/dev/vars.yaml": fluxKs("vars", "./vars"),
        "vars/vars.yaml": `apiVersion: v1\nkind: Secret\nmetadata:\n  name: vars\n  namespace: flux-system\nstringData:\n  APP_USER: ${VALUE}\n`,
      },
    );
    expect(await appsError(root)).toMatch(WITHHELD);
  });

  it("a clear variable (the Kustomization's own substitute) written into a Secret: the message is shown", async () => {
    const root = writeRepo(
      temps,
      { "user.yaml": secretYaml("user", "username", "${APP_USER}") },
      "  postBuild:\n    substitute:\n      APP_USER: immich\n",
    );
    expect(await appsError(root)).toMatch(SHOWN);
  });

  it("a secretGenerator from a SOPS env file: withheld", async () => {
    const root = writeRepo(temps, {
      "kustomization.yaml": "namespace: db\nsecretGenerator:\n  - name: creds\n    envs: [creds.sops.env]\n",
      "creds.sops.env": await sopsEnv(`USER=${VALUE}\n`, "creds.sops.env"),
    });
    expect(await appsError(root)).toMatch(WITHHELD);
  });

  it("a secretGenerator from a clear literal: the message is shown", async () => {
    const root = writeRepo(temps, {
      "kustomization.yaml": `namespace: db\nsecretGenerator:\n  - name: creds\n    literals: [USER=${VALUE}]\n`,
    });
    expect(await appsError(root)).toMatch(SHOWN);
  });
});
