import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  compareEnvironments,
  environmentMatrix,
  formatMatrixMarkdown,
  newMasker,
} from "../../src/diff/index.js";
import { loadPlatformWithSecrets } from "../../src/platform/decrypt.js";
import { loadPlatform } from "../../src/platform/index.js";
import { repoRoot } from "../support/env.js";
import { demoIdentities } from "../support/flux.js";

describe("environment comparison on the example platform", () => {
  const platform = loadPlatform(path.join(repoRoot, "examples/platform"));

  it("prints the matrix in promotion order with replicas, images, resources, storage and HelmRelease values", () => {
    const m = environmentMatrix(platform);
    expect(m.clusters).toEqual(["dev", "staging", "production"]);
    const row = (service: string, aspect: string) =>
      m.rows.find((r) => r.service === service && r.aspect === aspect)?.values;
    expect(row("frontend", "replicas")).toEqual({ dev: "1", staging: "2", production: "3" });
    expect(row("backend", "image backend")).toMatchObject({ production: "1.8.3" });
    expect(row("backend-db", "storage spec.storage.size")).toEqual({
      dev: "1Gi",
      staging: "10Gi",
      production: "50Gi",
    });
    expect(row("traefik", "values.deployment.replicas")).toEqual({ dev: "1", staging: "2", production: "3" });
    expect(row("verify", "deployed (Flux Kustomization)")).toEqual({
      dev: "yes",
      staging: "yes",
      production: null,
    });
    // Compared without the environment's name, shown as written.
    expect(
      row("kube-prometheus-stack", 'values.grafana.ingress.annotations["cert-manager.io/cluster-issuer"]'),
    ).toEqual({
      dev: "selfsigned",
      staging: "letsencrypt-staging",
      production: "letsencrypt-production",
    });
    const md = formatMatrixMarkdown(m);
    expect(md.split("\n")[0]).toBe("| Service | Aspect | dev | staging | production |");
    expect(md).toContain("| frontend | replicas | `1` | `2` | `3` |");
  });

  it("compares two clusters with names mapped across environments, secrets masked", () => {
    const r = compareEnvironments(platform, "staging", "production", newMasker());
    expect(r.mode).toBe("environment");
    const ks = r.clusters[0]!.kustomizations;
    const frontend = ks.find((k) => k.id === "flux-system/frontend")!;
    const deploy = frontend.objects.find((o) => o.kind === "Deployment")!;
    expect(deploy.fields.find((f) => f.path === "spec.replicas")).toEqual({
      path: "spec.replicas",
      change: "changed",
      old: 2,
      new: 3,
    });
    // generated ConfigMaps differ by hash suffix only: matched, not added/removed
    expect(frontend.objects.filter((o) => o.kind === "ConfigMap" && o.change !== "changed")).toEqual([]);
    // No key here: the SOPS-encrypted Secrets' ciphertexts differ, which says nothing of their
    // values. None is shown as a changed value; their Kustomizations are listed as not compared.
    const sealedFields = ks.flatMap((k) =>
      k.objects.filter((o) => o.kind === "Secret").flatMap((o) => o.fields),
    );
    expect(sealedFields).toEqual([]);
    expect(
      r.notCompared.filter((n) => n.errors.some((e) => e.includes("SOPS: could not decrypt"))),
    ).not.toEqual([]);
  });

  it("with the keys, Secrets that differ show as two masked values", async () => {
    const { platform: keyed } = await loadPlatformWithSecrets(path.join(repoRoot, "examples/platform"), {
      identities: demoIdentities,
    });
    const r = compareEnvironments(keyed, "staging", "production", newMasker());
    const secretFields = r.clusters[0]!.kustomizations.flatMap((k) =>
      k.objects.filter((o) => o.kind === "Secret").flatMap((o) => o.fields),
    );
    expect(secretFields.length).toBeGreaterThan(0);
    for (const f of secretFields)
      expect([f.old, f.new].join(" ")).toMatch(/^<masked:sha256:\w+> <masked:sha256:\w+>$/);
    expect(r.notCompared.filter((n) => n.errors.some((e) => e.includes("could not decrypt")))).toEqual([]);
  });

  it("names the HelmReleases that differ while their charts were not rendered; alike ones are not", () => {
    // No chart cache here: no release is rendered in either environment.
    const r = compareEnvironments(platform, "staging", "production", newMasker());
    const releases = r.notCompared.filter((n) => n.reason === "chart-not-rendered").map((n) => n.id);
    expect(releases).toContain("HelmRelease valkey/valkey"); // dataStorage 2Gi vs 5Gi
    expect(releases).not.toContain("HelmRelease cert-manager/cert-manager"); // the same in both
    for (const n of r.notCompared.filter((x) => x.reason === "chart-not-rendered")) {
      expect(n.cluster).toBe("staging vs production");
      expect(n.errors[0]).toContain("is not in the chart cache");
    }
  });
});
