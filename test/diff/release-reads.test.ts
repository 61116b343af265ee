import { afterEach, describe, expect, it } from "vitest";
import { diffExitCode, diffRevisions } from "../../src/diff/index.js";
import { createSecretMasker } from "../../src/sops/index.js";
import { fluxKs, helmRelease, helmRepository, SYNC } from "../support/flux.js";
import { GitFixture } from "./git-fixture.js";

/**
 * A HelmRelease whose chart was not rendered is listed as not compared when what its render
 * reads changed, not only its own object: a ConfigMap or Secret its valuesFrom names, or its
 * chart's source (an OCIRepository's tag). Before, only the ConfigMap's own change was shown,
 * as if that were all it did, and nothing said the chart's output was not compared.
 */
const VALUES = (replicas: number) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-values\n  namespace: apps\ndata:\n  values.yaml: |\n    replicas: ${replicas}\n`;
const SECRET = (password: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: web-secret\n  namespace: apps\nstringData:\n  values.yaml: |\n    password: ${password}\n`;
const OCI = (tag: string) =>
  `apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: api\n  namespace: apps\nspec:\n  url: oci://registry.example.com/charts/api\n  ref:\n    tag: ${tag}\n`;

function platform(): Record<string, string> {
  return {
    "clusters/c/flux-system/gotk-sync.yaml": SYNC,
    "clusters/c/apps.yaml": fluxKs("apps", "./apps"),
    "apps/repo.yaml": helmRepository("charts", "https://charts.example.com"),
    "apps/web.yaml": helmRelease(
      "web",
      "apps",
      "      chart: web\n      version: 1.0.0\n      sourceRef:\n        kind: HelmRepository\n        name: charts\n        namespace: flux-system\n",
      "  valuesFrom:\n    - kind: ConfigMap\n      name: web-values\n    - kind: Secret\n      name: web-secret\n",
    ),
    "apps/web-values.yaml": VALUES(1),
    "apps/web-secret.yaml": SECRET("first-password"),
    "apps/oci.yaml": OCI("1.0.0"),
    "apps/api.yaml":
      "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: api\n  namespace: apps\nspec:\n  interval: 10m\n  chartRef:\n    kind: OCIRepository\n    name: api\n",
  };
}

describe("a HelmRelease not rendered is not compared when what it reads changed", () => {
  let repo: GitFixture | undefined;
  afterEach(() => repo?.cleanup());

  it.each([
    ["its valuesFrom ConfigMap", { "apps/web-values.yaml": VALUES(3) }, ["HelmRelease apps/web"]],
    [
      "its valuesFrom Secret",
      { "apps/web-secret.yaml": SECRET("second-password") },
      ["HelmRelease apps/web"],
    ],
    ["its OCIRepository's tag", { "apps/oci.yaml": OCI("1.1.0") }, ["HelmRelease apps/api"]],
    [
      "nothing it reads",
      { "apps/repo.yaml": `${helmRepository("charts", "https://charts.example.com")}# note\n` },
      [],
    ],
  ])("%s", (_, files, expected) => {
    repo = new GitFixture();
    repo.write(platform());
    const base = repo.commit("initial");
    repo.write(files);
    const head = repo.commit("edit");
    const masker = createSecretMasker(Buffer.alloc(32, 5));
    for (const changedOnly of [true, false]) {
      const { report } = diffRevisions({ repo: repo.dir, base, head, changedOnly, masker, charts: false });
      const listed = report.notCompared.filter((n) => n.reason === "chart-not-rendered").map((n) => n.id);
      expect(listed).toEqual(expected);
      expect(diffExitCode(report)).toBe(expected.length > 0 ? 1 : 0);
    }
  });
});
