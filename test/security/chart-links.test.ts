/**
 * A repository's chart with symbolic links: source-controller's artifact holds no links, so
 * Flux renders the chart without them and so does Slipway (nothing outside the repository is
 * read). Before, a template that was a link out of the repository vanished without a word;
 * now the HelmRelease warns, naming the links, and the rendered output stays Flux's.
 */
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadPlatform, type Platform } from "../../src/platform/index.js";
import { writeFixture } from "../helmrelease/fixture.js";
import { tempTree } from "../support/cli.js";
import { scratchDirs } from "../support/scratch.js";

const temps = scratchDirs();

const OUTSIDE_TEMPLATE = `apiVersion: v1
kind: ConfigMap
metadata:
  name: from-outside
data:
  leaked: outside-the-repository
`;

function release(p: Platform, name: string) {
  return p.clusters.flatMap((c) => c.helmReleases).find((h) => h.name === name)!;
}

const names = (p: Platform, name: string) =>
  (release(p, name).resources ?? []).map(
    (r) => `${r.object.kind}/${(r.object.metadata as { name: string }).name}`,
  );

describe("chart directories with symbolic links", () => {
  const outside = tempTree({ "evil.yaml": OUTSIDE_TEMPLATE, "notes.txt": "outside\n" });
  temps.keep(outside);

  it("links are left out as Flux leaves them out, and the HelmRelease says which", async () => {
    const plain = writeFixture();
    const linked = writeFixture();
    temps.keep(plain, linked);
    const chart = path.join(linked, "charts/demo");
    symlinkSync(path.join(outside, "evil.yaml"), path.join(chart, "templates/evil.yaml"));
    // A link that stays inside the chart is not in the artifact either.
    symlinkSync("deployment.yaml", path.join(chart, "templates/copy.yaml"));
    // One .helmignore leaves out says nothing.
    writeFileSync(path.join(chart, ".helmignore"), "ignored/\n");
    mkdirSync(path.join(chart, "ignored"));
    symlinkSync(path.join(outside, "notes.txt"), path.join(chart, "ignored/notes.txt"));
    writeFileSync(path.join(plain, "charts/demo/.helmignore"), "ignored/\n");

    const without = await loadPlatform(plain, { renderCache: false });
    const withLinks = await loadPlatform(linked, { renderCache: false });
    expect(names(withLinks, "demo")).toEqual(names(without, "demo"));
    expect(
      JSON.stringify(withLinks.clusters.flatMap((c) => c.helmReleases.map((h) => h.resources))),
    ).not.toContain("outside-the-repository");
    const warnings = release(withLinks, "demo").warnings ?? [];
    const linkWarnings = warnings.filter((w) => w.includes("symbolic link"));
    expect(linkWarnings).toEqual([
      "chart charts/demo: templates/copy.yaml, templates/evil.yaml are symbolic links, which Flux's source artifact does not hold (source-controller archives regular files and directories only): the chart renders without them, as in the cluster",
    ]);
    // No link: no such warning.
    expect((release(without, "demo").warnings ?? []).filter((w) => w.includes("symbolic link"))).toEqual([]);
  });
});
