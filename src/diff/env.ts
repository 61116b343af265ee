/**
 * Environment comparison: two clusters of one revision. Names that carry the environment
 * (`staging-db` / `production-db`, namespace `shop-staging`, path `overlays/staging`) are
 * mapped to a common form before objects are matched and values compared, so what remains
 * is what really differs between the environments.
 */
import { SlipwayError } from "../errors.js";
import type { Cluster, Platform } from "../platform/index.js";
import { diffKustomization, type KustomizationSide } from "./compare.js";
import {
  encryptedChanges,
  failureLines,
  notCompared,
  releasesNotCompared,
  sealedVariables,
  suspendedAtBothSides,
} from "./coverage.js";
import { maskForDiff, type SecretMasker } from "./mask.js";
import { type ClusterDiff, type DiffReport, type NotCompared, summarize } from "./model.js";
import { formatError, sideOf } from "./revision.js";

const ALIASES: Record<string, string[]> = {
  production: ["prod", "prd"],
  prod: ["production", "prd"],
  staging: ["stage", "stg"],
  stage: ["staging", "stg"],
  development: ["dev"],
  dev: ["development"],
  sandbox: ["sbx"],
};

/** Words that name one environment and not the other (with common abbreviations). */
export function environmentTokens(a: string, b: string): string[] {
  const words = (s: string) =>
    new Set(
      s
        .toLowerCase()
        .split(/[/_.-]+/)
        .filter(Boolean),
    );
  const wa = words(a);
  const wb = words(b);
  const out = new Set<string>();
  for (const [mine, theirs] of [
    [wa, wb],
    [wb, wa],
  ] as const) {
    for (const w of mine) {
      if (theirs.has(w)) continue;
      out.add(w);
      for (const alias of ALIASES[w] ?? []) if (!theirs.has(alias)) out.add(alias);
    }
  }
  return [...out].sort((x, y) => y.length - x.length);
}

/** kustomize's content-hash name suffix (10 characters of its alphabet). */
const HASH_SUFFIX = /-[bcdfghkmt2456789]{10}$/;

/** Maps every environment word (as a whole word between separators) to `${env}`. */
export function environmentNormalizer(tokens: string[]): (s: string) => string {
  const escaped = tokens.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const re =
    tokens.length > 0
      ? new RegExp(`(^|[^A-Za-z0-9])(?:${escaped.join("|")})(?=$|[^A-Za-z0-9])`, "gi")
      : undefined;
  const cache = new Map<string, string>();
  return (s) => {
    let v = cache.get(s);
    if (v === undefined) {
      // Generated ConfigMap/Secret names differ by their content hash: the content is compared.
      v = (re ? s.replace(re, "$1${env}") : s).replace(HASH_SUFFIX, "-${hash}");
      if (cache.size < 100_000) cache.set(s, v);
    }
    return v;
  };
}

export function findCluster(p: Platform, name: string): Cluster {
  const c =
    p.clusters.find((x) => x.name === name) ?? p.clusters.filter((x) => x.name.endsWith(`/${name}`))[0];
  if (!c) {
    throw new SlipwayError(
      `no cluster named '${name}' (found: ${p.clusters.map((x) => x.name).join(", ") || "none"})`,
    );
  }
  return c;
}

export function compareEnvironments(
  plain: Platform,
  envA: string,
  envB: string,
  masker: SecretMasker,
  opts: { acceptFailed?: boolean } = {},
): DiffReport {
  const p = maskForDiff(plain, masker);
  const a = findCluster(p, envA);
  const b = findCluster(p, envB);
  const normalize = environmentNormalizer(environmentTokens(a.name, b.name));
  const label = `${a.name} vs ${b.name}`;
  const sides = new Map<string, { base?: KustomizationSide; head?: KustomizationSide }>();
  for (const [which, c] of [
    ["base", a],
    ["head", b],
  ] as const) {
    for (const k of c.kustomizations) {
      const id = normalize(k.id);
      const s = sides.get(id) ?? {};
      s[which] = { ...sideOf(k, c), cluster: label, id };
      sides.set(id, s);
    }
  }
  const sealed = sealedVariables(sides, normalize);
  const cluster: ClusterDiff = { cluster: label, change: "changed", kustomizations: [] };
  for (const id of [...sides.keys()].sort()) {
    const s = sides.get(id)!;
    const d = diffKustomization(s.base, s.head, { masker, normalize, ciphertextSubstituted: sealed.has(id) });
    if (d) cluster.kustomizations.push(d);
  }
  const clusters = cluster.kustomizations.length > 0 ? [cluster] : [];
  // Each side's failures name their own cluster, not the pair.
  const skipped: NotCompared[] = [];
  for (const c of [a, b]) {
    const own = new Map<string, { head?: KustomizationSide }>();
    for (const k of c.kustomizations) own.set(k.id, { head: sideOf(k, c) });
    skipped.push(...notCompared(c.name, own));
  }
  // SOPS objects no key decrypted whose ciphertexts differ: their values were not compared.
  for (const id of [...sides.keys()].sort()) {
    const errors = [
      ...encryptedChanges(sides.get(id)!.base, sides.get(id)!.head, normalize),
      ...(sealed.get(id) ?? []),
    ];
    if (errors.length > 0)
      skipped.push({ cluster: label, id, reason: "partial", errors, leftOutChanged: true });
  }
  // Releases that differ between the environments while a chart was not rendered: how their
  // objects differ is unknown.
  skipped.push(...releasesNotCompared(label, a, b, normalize));
  // A HelmRelease that fails is an error, as in a revision diff: its objects are missing from the diff.
  const releaseErrors = (c: Cluster) => c.helmReleases.flatMap((h) => h.errors ?? []);
  const errors = [
    ...new Set([...a.errors, ...b.errors, ...releaseErrors(a), ...releaseErrors(b)].map(formatError)),
  ];
  if (!opts.acceptFailed) errors.push(...failureLines(skipped));
  return {
    mode: "environment",
    base: a.name,
    head: b.name,
    changedOnly: false,
    clusters,
    summary: summarize(clusters),
    errors,
    notCompared: skipped,
    suspended: suspendedAtBothSides(label, sides),
    acceptFailed: opts.acceptFailed ?? false,
  };
}
