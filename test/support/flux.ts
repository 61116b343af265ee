import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseAgeIdentities } from "../../src/sops/index.js";
import { repoRoot } from "./env.js";

/** What a fixture's sync objects carry beyond the minimum (each line as `flux bootstrap` writes it). */
export interface SyncOptions {
  /** The GitRepository's spec.url (default https://example.com/repo). */
  url?: string;
  /** The GitRepository's spec.ref.branch. */
  branch?: string;
  /** spec.interval of the GitRepository (`git`) and of the Kustomization (`ks`). */
  interval?: { git: string; ks: string };
  /** The Kustomization's spec.prune: true. */
  prune?: boolean;
}

/**
 * Flux's sync objects (the flux-system GitRepository and the Kustomization reading it) for a
 * cluster rooted at `path`, e.g. "./clusters/prod": the file flux-system/gotk-sync.yaml.
 */
export function fluxSync(path: string, o: SyncOptions = {}): string {
  return `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
${o.interval ? `  interval: ${o.interval.git}\n` : ""}  url: ${o.url ?? "https://example.com/repo"}
${o.branch ? `  ref:\n    branch: ${o.branch}\n` : ""}---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
${o.interval ? `  interval: ${o.interval.ks}\n` : ""}  path: ${path}
${o.prune ? "  prune: true\n" : ""}  sourceRef:
    kind: GitRepository
    name: flux-system
`;
}

/**
 * A Flux Kustomization `name` in flux-system building `path` from the flux-system GitRepository
 * (interval 10m, prune), with `extra` spec lines (indented two spaces).
 */
export function fluxKs(name: string, path: string, extra = ""): string {
  return `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: flux-system
spec:
  interval: 10m
  path: ${path}
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
${extra}`;
}

/** Flux's sync objects for a cluster rooted at ./clusters/c (the minimal bootstrap). */
export const SYNC = fluxSync("./clusters/c");

/** The sync objects with the intervals and prune a real bootstrap has (rules check them). */
export const BOOTSTRAP_SYNC = fluxSync("./clusters/c", {
  url: "ssh://git@example.com/repo",
  interval: { git: "1m", ks: "1m" },
  prune: true,
});

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

/**
 * A Flux Kustomization `ref` ("namespace/name") with prune, building `path` from the GitRepository
 * `o.source` ("name", looked up in the Kustomization's own namespace, or "namespace/name"; default
 * flux-system), every `o.interval` (default 1h), with `o.extra` spec lines (indented two spaces).
 */
export function gitKs(
  ref: string,
  path: string,
  o: { source?: string; interval?: string; extra?: string } = {},
): string {
  const [namespace, name] = ref.split("/");
  const source = (o.source ?? "flux-system").split("/");
  const sourceRef =
    source.length === 2
      ? `{kind: GitRepository, name: ${source[1]}, namespace: ${source[0]}}`
      : `{kind: GitRepository, name: ${source[0]}}`;
  return `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  interval: ${o.interval ?? "1h"}
  prune: true
  path: ${path}
  sourceRef: ${sourceRef}
${o.extra ?? ""}`;
}

/** The example platform's demo age key (examples/demo-keys), and its recipient. */
export const demoKeyFile = path.join(repoRoot, "examples/demo-keys/age.agekey");
export const demoIdentities = parseAgeIdentities(readFileSync(demoKeyFile, "utf8"), demoKeyFile).identities;
export const DEMO_RECIPIENT = "age1lt4csfl3qnmkm83ghffmfa0zu5m7mzwge4d9sv53af00m7qjmytsn855wr";

/**
 * A HelmRelease checked every 10m: the head every HelmRelease fixture shares, then `chartSpec`
 * (the lines of spec.chart.spec, indented six spaces) and `rest` (more spec lines, indented two).
 */
export function helmRelease(name: string, namespace: string, chartSpec: string, rest = ""): string {
  return `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  interval: 10m
  chart:
    spec:
${chartSpec}${rest}`;
}

/** A HelmRepository in flux-system, as a document (ends with a newline). */
export function helmRepository(name: string, url: string): string {
  return `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: ${name}
  namespace: flux-system
spec:
  url: ${url}
`;
}
