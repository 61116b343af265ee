import { describe, expect, it } from "vitest";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { scanRepository } from "../../src/platform/scan.js";

/**
 * scanRepository keeps each file's outcome by the Buffer read (both revisions of a diff share
 * their unchanged blobs). The oracle is a scan of the same tree on fresh buffers: sharing a
 * buffer with an earlier scan (at the same path, at another path, in another tree) must not
 * change the result, and a load changing the objects it was given must not reach another scan.
 */
const ks = (name: string, p: string) =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: ${name}, namespace: flux-system}\nspec: {path: ${p}, sourceRef: {kind: GitRepository, name: flux-system}}\n`;
const repo =
  "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: flux-system, namespace: flux-system}\nspec: {url: https://example.com/x.git}\n";
const hr =
  "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: a}\nspec: {chart: {spec: {chart: a}}}\n";
const instance =
  "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata: {name: flux, namespace: flux-system}\nspec:\n  sync: {kind: GitRepository, url: https://example.com/x.git, path: clusters/one}\n";

function tree(): Record<string, string> {
  return {
    "/repo/clusters/one/flux-system/gotk-sync.yaml": `${repo}---\n${ks("flux-system", "./clusters/one")}`,
    "/repo/clusters/one/apps.yaml": ks("apps", "./apps"),
    "/repo/clusters/two/apps.yaml": ks("apps", "./apps"),
    "/repo/clusters/three/flux-system/gotk-sync.yaml": "kind: [unclosed\ntoolkit.fluxcd.io\n",
    "/repo/apps/a/release.yaml": hr,
    "/repo/apps/b/release.yaml": hr,
    "/repo/instance.yaml": instance,
    "/repo/README.yaml": "a: 1\n",
  };
}

/** The same files on buffers no scan has seen. */
const fresh = (files: Record<string, string | Buffer>) =>
  scanRepository(
    new MemoryFileSystem(
      Object.fromEntries(Object.entries(files).map(([p, c]) => [p, Buffer.from(c.toString())])),
    ),
    "/repo",
  );

describe("scanRepository's per-buffer outcomes", () => {
  it("answers as a scan of fresh buffers, for one buffer at several paths and in several trees", () => {
    const files: Record<string, string | Buffer> = tree();
    // One buffer at two paths of a tree.
    const shared = Buffer.from(ks("apps", "./apps"));
    files["/repo/clusters/one/apps.yaml"] = shared;
    files["/repo/clusters/two/apps.yaml"] = shared;
    const first = new MemoryFileSystem(files);
    expect(scanRepository(first, "/repo")).toEqual(fresh(files));
    // A second tree sharing every buffer but two: one file edited, one moved.
    const second = new MemoryFileSystem();
    for (const p of Object.keys(files)) second.write(p, first.readFile(p));
    second.write("/repo/clusters/two/apps.yaml", ks("apps", "./apps/edited"));
    second.write("/repo/moved/instance.yaml", first.readFile("/repo/instance.yaml"));
    const secondFiles = Object.fromEntries(
      [...Object.keys(files), "/repo/moved/instance.yaml"].map((p) => [p, second.readFile(p)]),
    );
    expect(scanRepository(second, "/repo")).toEqual(fresh(secondFiles));
    // The same tree under another root: paths are relative to it.
    expect(scanRepository(first, "/repo/clusters")).toEqual(
      scanRepository(
        new MemoryFileSystem(
          Object.fromEntries(Object.entries(files).map(([p, c]) => [p, Buffer.from(c.toString())])),
        ),
        "/repo/clusters",
      ),
    );
  });

  it("gives each scan objects of its own", () => {
    const fs = new MemoryFileSystem(tree());
    const a = scanRepository(fs, "/repo");
    const expected = structuredClone(a);
    for (const k of a.kustomizations) {
      (k.object.spec as Record<string, unknown>).path = "./changed";
      k.at.line = 99;
    }
    for (const i of a.instances) i.at.file = "changed";
    for (const u of a.unreadableSyncFiles) u.message = "changed";
    const b = scanRepository(fs, "/repo");
    expect(b).toEqual(expected);
    expect(b.kustomizations.length).toBeGreaterThan(0);
    expect(b.instances.length).toBe(1);
    expect(b.unreadableSyncFiles.length).toBe(1);
    expect(b.helmReleases).toBe(2);
  });
});
