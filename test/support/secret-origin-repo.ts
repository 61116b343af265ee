/** Repositories for the tests of which values withhold a message (test/security/secret-origin.test.ts). */
import { encryptSops, ruleForRecipients } from "../../src/sops/index.js";
import { tempTree } from "./cli.js";
import { DEMO_RECIPIENT, fluxKs, fluxSync } from "./flux.js";
import type { ScratchDirs } from "./scratch.js";

export const VALUE = "immich";

export const SOPS = "  decryption:\n    provider: sops\n    secretRef:\n      name: sops-age\n";

export async function sopsYaml(plain: string, file: string): Promise<string> {
  return sopsYamlRule(plain, "^(data|stringData)$", file);
}

/** `plain` encrypted for the demo key, the keys matching `encryptedRegex` encrypted. */
export async function sopsYamlRule(
  plain: string,
  encryptedRegex: string,
  file = "x.sops.yaml",
): Promise<string> {
  const rule = ruleForRecipients([DEMO_RECIPIENT], { encrypted_regex: encryptedRegex });
  return (await encryptSops(plain, { file, rule, config: null })).toString("utf8");
}

export async function sopsEnv(plain: string, file: string): Promise<string> {
  return (
    await encryptSops(plain, { file, rule: ruleForRecipients([DEMO_RECIPIENT]), config: null })
  ).toString("utf8");
}

export const secretYaml = (name: string, key: string, value: string) => `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: db
stringData:
  ${key}: ${value}
`;

/**
 * One cluster: `secrets/` holds `files` (built with SOPS decryption, `secretsSpec` added to its
 * Kustomization), and `apps/` fails to build on a patch naming a missing `VALUE-app`.
 */
export function writeRepo(
  temps: ScratchDirs,
  files: Record<string, string>,
  secretsSpec = "",
  more: Record<string, string> = {},
): string {
  const root = tempTree({
    "clusters/dev/flux-system/gotk-sync.yaml": fluxSync("./clusters/dev"),
    "clusters/dev/apps.yaml": fluxKs("apps", "./apps"),
    "clusters/dev/secrets.yaml": fluxKs("secrets", "./secrets", SOPS + secretsSpec),
    ...Object.fromEntries(Object.entries(files).map(([f, text]) => [`secrets/${f}`, text])),
    "apps/kustomization.yaml":
      "namespace: db\nresources: [deployment.yaml]\npatches:\n  - path: patch.yaml\n",
    "apps/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
    "apps/patch.yaml": `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${VALUE}-app\nspec:\n  replicas: 2\n`,
    ...more,
  });
  temps.keep(root);
  return root;
}
