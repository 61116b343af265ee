import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { renderCommand } from "../../src/cli/render.js";
import { captureOutput } from "../support/capture.js";
import { writeFixture } from "./fixture.js";

const root = writeFixture();
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(args: string[]) {
  return captureOutput(() => renderCommand(args));
}

describe("slipway render with HelmReleases", () => {
  it("prints each rendered HelmRelease after the Kustomization that applies it, secrets masked", async () => {
    const r = await run([root]);
    expect(r.code).toBe(0);
    const kAt = r.stdout.indexOf("# cluster prod, Kustomization flux-system/apps, path apps\n");
    const hAt = r.stdout.indexOf(
      "# cluster prod, HelmRelease apps/demo, chart charts/demo 1.2.3, release apps/demo\n",
    );
    expect(kAt).toBeGreaterThanOrEqual(0);
    expect(hAt).toBeGreaterThan(kAt);
    expect(r.stdout).toContain(
      "# cluster prod, HelmRelease apps/other, chart charts/demo 1.2.3, release web/web-other\n",
    );
    expect(r.stdout).toContain("# cluster prod, HelmRelease apps/remote, release apps/remote, external\n");
    // The Secret value that entered the values through valuesFrom is masked wherever the chart put it.
    expect(r.stdout).not.toContain("s3cr3t-value");
    expect(r.stdout).toMatch(/password: <masked:sha256:[0-9a-f]+>/);
    expect(r.stderr).toContain(
      "warning: cluster prod: HelmRelease apps/remote: chart podinfo 6.x from https://stefanprodan.github.io/podinfo is not in the chart cache; run 'slipway charts pull' to fetch it",
    );
  });

  it("--help says what the exit code is for a chart missing from the cache (a warning, exit 0)", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    // The fixture's apps/remote chart is not cached and the render above exits 0 with a warning.
    expect(r.stdout.replace(/\s+/g, " ")).toContain(
      "(a chart missing from the chart cache is a warning, not a failure)",
    );
  });

  it("--show-secrets prints the plaintext; --helmrelease selects releases only", async () => {
    const r = await run([root, "--helmrelease", "apps/demo", "--show-secrets", "--format", "json"]);
    expect(r.code).toBe(0);
    const v = (
      JSON.parse(r.stdout) as {
        kustomizations: Array<{
          kind: string;
          name: string;
          release: string;
          resources: Array<{ kind: string; data?: Record<string, string> }>;
        }>;
      }
    ).kustomizations;
    expect(v.map((x) => [x.kind, x.name, x.release])).toEqual([["HelmRelease", "demo", "demo"]]);
    expect(v[0]!.resources.find((o) => o.kind === "ConfigMap")?.data?.password).toBe("s3cr3t-value");
    expect((await run([root, "--helmrelease", "nope"])).code).toBe(2);
  });

  it("exits 1 when a HelmRelease fails to render, naming it", async () => {
    const broken = writeFixture({ "charts/demo/templates/broken.yaml": "{{ .Values.nope.deeper }}\n" });
    try {
      const r = await run([broken, "--helmrelease", "other"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /apps\/helmrelease\.yaml:\d+: HelmRelease apps\/other: chart demo does not render/,
      );
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});
