/** The example platform's SOPS values in plaintext (and base64), to prove they never leak. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { decryptSops, parseAgeIdentities } from "../../src/sops/index.js";
import { Comment } from "../../src/sops/tree.js";
import { aadFor, mapLeaves } from "../../src/sops/walk.js";
import { repoRoot } from "./env.js";

export const platformDir = path.join(repoRoot, "examples/platform");
export const demoKeyFiles = ["age.agekey", "production.agekey"].map((f) =>
  path.join(repoRoot, "examples/demo-keys", f),
);
export const demoIdentities = demoKeyFiles.flatMap(
  (f) => parseAgeIdentities(readFileSync(f, "utf8"), f).identities,
);

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

/** Every encrypted value of the example platform (6 characters or more), plain and base64. */
export async function demoPlaintexts(): Promise<string[]> {
  const out = new Set<string>();
  for (const f of SOPS_FILES) {
    const d = await decryptSops(readFileSync(path.join(platformDir, f)), {
      file: f,
      identities: demoIdentities,
    });
    mapLeaves(d.branches, (leaf, p) => {
      if (!(leaf instanceof Comment) && d.encryptedPaths.has(aadFor(p)) && typeof leaf === "string") {
        out.add(leaf);
        out.add(Buffer.from(leaf).toString("base64"));
      }
      return leaf;
    });
  }
  return [...out].filter((s) => s.length >= 6);
}
