import { rmSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { chartsCommand } from "../../src/cli/charts.js";
import { reportCommand } from "../../src/cli/report.js";
import { captureOutput } from "../support/capture.js";
import { tempTree } from "../support/cli.js";
import { ks, SYNC } from "../support/flux.js";
import { clusterRows, loadMemoryPlatform } from "../support/memory-platform.js";

/**
 * Layouts of public repositories Slipway had not seen (round 18), cut down to what made a false
 * error, a quiet answer or a wrong one.
 */
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tree = (files: Record<string, string>) => {
  const d = tempTree(files);
  dirs.push(d);
  return d;
};

describe("report: a Kustomization rendered only in part (SaschaJohn's flux2-homelab)", () => {
  // infrastructure/controllers/gateway-api/kustomization.yaml names the Gateway API release
  // manifest by URL: left out offline, a render error that fails nothing. The report exited 1
  // after "0 failed, 0 error findings", saying nothing of why.
  it("says what made the exit code 1", async () => {
    const repo = tree({
      "clusters/c/flux-system/gotk-sync.yaml": SYNC,
      "clusters/c/infra.yaml": ks("infra", "  path: ./infra\n"),
      "infra/kustomization.yaml":
        "resources:\n  - cm.yaml\n  - https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.0/standard-install.yaml\n",
      "infra/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: flux-system}\n",
    });
    const out = path.join(repo, "..", `${path.basename(repo)}-report.html`);
    dirs.push(out);
    const r = await captureOutput(() => reportCommand([repo, "--html", out]));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/0 failed, 1 rendered only in part, 1 render error, \d+ error findings\n$/);
  });
});

describe("charts list: a chart from a GitRepository that is not this repository (SaschaJohn's flux2-homelab)", () => {
  // grimmory and radar are charts in the applications' own repositories: render says they are
  // not rendered, charts list said the chart is "read from the source".
  const release = (name: string, source: string) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
  namespace: flux-system
spec:
  interval: 1h
  chart:
    spec:
      chart: ./charts/${name}
      sourceRef:
        kind: GitRepository
        name: ${source}
`;
  it("says the source is not this repository, and still reads a chart of the repository's own", async () => {
    const repo = tree({
      "clusters/c/flux-system/gotk-sync.yaml": SYNC,
      "clusters/c/apps.yaml": ks("apps", "  path: ./apps\n"),
      "apps/kustomization.yaml": "resources: [source.yaml, own.yaml, theirs.yaml]\n",
      "apps/source.yaml":
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: radar\n  namespace: flux-system\nspec:\n  interval: 1h\n  url: https://github.com/example/radar\n  ref:\n    branch: main\n",
      "apps/own.yaml": release("own", "flux-system"),
      "apps/theirs.yaml": release("theirs", "radar"),
      "charts/own/Chart.yaml": "apiVersion: v2\nname: own\nversion: 0.1.0\n",
    });
    const r = await captureOutput(() =>
      chartsCommand(["list", repo, "--format", "json", "--cache-dir", path.join(repo, ".cache")]),
    );
    const rows = JSON.parse(r.stdout).helmReleases as Array<{
      helmRelease: { name: string };
      message: string;
    }>;
    const message = (name: string) => rows.find((x) => x.helmRelease.name === name)?.message;
    expect(message("theirs")).toBe(
      "chart source GitRepository flux-system/radar is not this repository: not rendered (map it to a local directory in slipway.yaml 'sources' to render it)",
    );
    expect(message("own")).toBe(
      "chart from GitRepository flux-system/flux-system (read from the source, not the chart cache)",
    );
  });
});

describe("a base's Flux Kustomization files listed only in a comment (ToaHartor's maisonneux)", () => {
  // kubernetes/platform/base/operators/kustomization.yaml lists `./cloudnative-pg/ks.yaml` and,
  // commented out, `# - ./mariadb-operator/ks.yaml`; staging (top-level Kustomizations beside a
  // flux-system folder) builds the base. The comment made the base a cluster root of its own,
  // "operators", holding the disabled operators, with a false flux-dependson-missing error.
  const operator = (name: string) =>
    ["app", "crds"]
      .map((part) => ks(`${name}-${part}`, `  path: ./platform/base/operators/${name}/${part}\n`))
      .join("---\n");
  const files: Record<string, string> = {
    "clusters/staging/flux-system/kustomization.yaml": "resources: []\n",
    "clusters/staging/apps.yaml": ks("apps", "  path: ./apps\n"),
    "clusters/staging/platform.yaml": ks("platform", "  path: ./platform/staging\n"),
    "apps/kustomization.yaml": "resources: []\n",
    "platform/staging/kustomization.yaml": "resources:\n  - ../base/operators\n",
    "platform/base/operators/kustomization.yaml":
      "resources:\n  - ./cnpg/ks.yaml\n  # - ./mariadb/ks.yaml\n  # - ./s3/ks.yaml\n",
  };
  for (const name of ["cnpg", "mariadb", "s3"]) {
    files[`platform/base/operators/${name}/ks.yaml`] = operator(name);
    for (const part of ["app", "crds"])
      files[`platform/base/operators/${name}/${part}/cm.yaml`] =
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}-${part}, namespace: default}\n`;
  }

  it("is not a cluster: the base is the staging cluster's, its commented entries disabled", () => {
    const p = loadMemoryPlatform(files);
    expect(clusterRows(p)).toEqual([["staging", "clusters/staging", "top-level"]]);
    expect(p.discovery?.notes.map((n) => n.message)).toContainEqual(
      expect.stringMatching(
        /^platform\/base\/operators\/mariadb\/ks\.yaml holds Flux Kustomizations .* lists only in a comment: disabled, not a cluster$/,
      ),
    );
  });
});

describe("a build error in the kustomization.yaml Flux generates (DecentM's fleet-infra)", () => {
  // clusters/staging has no kustomization.yaml; Flux writes one listing apps.yaml and
  // infrastructure.yaml, which both define the Kustomization `apps`. The error named
  // clusters/staging/kustomization.yaml, a file the repository does not have, so its SARIF and
  // GitHub annotations showed nowhere.
  const objects = (name: string) => ks(name, `  path: ./apps/${name}\n`);

  it("points at the resource file the error names", () => {
    const p = loadMemoryPlatform({
      "clusters/staging/flux-system/gotk-sync.yaml": SYNC.replace("./clusters/c", "./clusters/staging"),
      "clusters/staging/apps.yaml": objects("apps"),
      "clusters/staging/infrastructure.yaml": `${objects("infra")}---\n${objects("apps")}`,
    });
    const [root] = p.clusters[0]!.kustomizations;
    expect(root?.status).toBe("failed");
    const e = root!.errors[0]!;
    expect(e.message).toContain(
      "'./infrastructure.yaml': may not add resource with an already registered id",
    );
    expect([e.file, e.line]).toEqual(["clusters/staging/infrastructure.yaml", undefined]);
  });

  it("and at a file in a folder below it, which Flux's kustomization lists too", () => {
    const p = loadMemoryPlatform({
      "clusters/staging/flux-system/gotk-sync.yaml": SYNC.replace("./clusters/c", "./clusters/staging"),
      "clusters/staging/apps.yaml": objects("apps"),
      "clusters/staging/more/apps-again.yaml": objects("apps"),
    });
    const e = p.clusters[0]!.kustomizations[0]!.errors[0]!;
    expect(e.message).toContain("may not add resource with an already registered id");
    expect(e.file).toBe("clusters/staging/more/apps-again.yaml");
  });
});
