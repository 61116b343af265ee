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
import { tempTree } from "../support/cli.js";
import { demoIdentities, fluxKs } from "../support/flux.js";
import { scratchDirs } from "../support/scratch.js";
import {
  SOPS,
  secretYaml,
  sopsEnv,
  sopsYaml,
  sopsYamlRule,
  VALUE,
  writeRepo,
} from "../support/secret-origin-repo.js";

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

describe("a plain kustomize stack's chart output", () => {
  it("a Secret a helmCharts chart makes counts as secret, even from values in Git: withheld", async () => {
    const root = tempTree({
      "slipway.yaml":
        "clusters:\n  - name: charts\n    path: k8s/charts\n    flux: false\n  - name: apps\n    path: k8s/apps\n    flux: false\n",
      "k8s/charts/kustomization.yaml":
        "helmCharts:\n  - name: maker\n    releaseName: maker\n    namespace: db\n",
      "k8s/charts/charts/maker/Chart.yaml": "apiVersion: v2\nname: maker\nversion: 0.1.0\n",
      "k8s/charts/charts/maker/values.yaml": `user: ${VALUE}\n`,
      "k8s/charts/charts/maker/templates/secret.yaml":
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: made\nstringData:\n  user: {{ .Values.user }}\n",
      "k8s/apps/kustomization.yaml": "resources: [deployment.yaml]\npatches:\n  - path: patch.yaml\n",
      "k8s/apps/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
      "k8s/apps/patch.yaml": `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${VALUE}-app\n`,
    });
    temps.keep(root);
    const { platform } = await loadPlatformWithSecrets(root, { identities: [], renderCache: false });
    const [charts, apps] = ["charts", "apps"].map((n) => platform.clusters.find((c) => c.name === n)!);
    const made = charts!.kustomizations[0]!.resources.find((r) => r.object.kind === "Secret");
    expect(made?.object.stringData).toEqual({ user: VALUE });
    expect(apps!.kustomizations[0]!.errors[0]!.message).toMatch(WITHHELD);
  });
});

describe("a Flux Kustomization that holds a secret itself", () => {
  it("nothing it builds is known to be clear: its inline patch may write a decrypted value into a Secret", async () => {
    const child = `${fluxKs("secrets", "./secrets")}  patches:
    - target: {kind: Secret, name: user}
      patch: |
        - op: replace
          path: /stringData/username
          value: ${VALUE}
`;
    const root = writeRepo(temps, { "user.yaml": secretYaml("user", "username", "placeholder") }, "", {
      "clusters/dev/secrets.yaml": fluxKs("parent", "./parent", SOPS),
      "parent/secrets.sops.yaml": await sopsYamlRule(child, "^(patches)$"),
    });
    const { platform } = await loadPlatformWithSecrets(root, {
      identities: demoIdentities,
      renderCache: false,
    });
    const secrets = platform.clusters[0]!.kustomizations.find((k) => k.name === "secrets")!;
    expect(secrets.resources.find((r) => r.object.kind === "Secret")?.object.stringData).toEqual({
      username: VALUE,
    });
    const apps = platform.clusters[0]!.kustomizations.find((k) => k.name === "apps")!;
    expect(apps.errors[0]!.message).toMatch(WITHHELD);
  });
});
