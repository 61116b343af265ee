import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseAgeIdentities } from "../../src/sops/index.js";
import { repoRoot } from "./env.js";

/** Flux's sync objects for a cluster rooted at ./clusters/c (the minimal bootstrap). */
export const SYNC = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  url: https://example.com/repo
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  path: ./clusters/c
  sourceRef:
    kind: GitRepository
    name: flux-system
`;

/** A Flux Kustomization in flux-system reading the repository; `spec` is indented YAML (two spaces). */
export function ks(name: string, spec: string): string {
  return `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: flux-system
spec:
  sourceRef:
    kind: GitRepository
    name: flux-system
${spec}`;
}

/** The example platform's demo age key (examples/demo-keys), and its recipient. */
export const demoKeyFile = path.join(repoRoot, "examples/demo-keys/age.agekey");
export const demoIdentities = parseAgeIdentities(readFileSync(demoKeyFile, "utf8"), demoKeyFile).identities;
export const DEMO_RECIPIENT = "age1lt4csfl3qnmkm83ghffmfa0zu5m7mzwge4d9sv53af00m7qjmytsn855wr";
