import { describe, expect, it } from "vitest";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { topLevelClusters } from "../../src/platform/discover.js";
import { namesSegment } from "../../src/platform/kustomization-texts.js";
import { scanRepository } from "../../src/platform/scan.js";
import { ks } from "../support/flux.js";

/** Counts the reads of each file. */
class CountingFileSystem extends MemoryFileSystem {
  readonly reads = new Map<string, number>();
  override readFile(p: string): Buffer {
    this.reads.set(p, (this.reads.get(p) ?? 0) + 1);
    return super.readFile(p);
  }
}

describe("discovery reads each kustomization file once per run", () => {
  it("whether it asks if a root applies itself, if a document is listed, or what is commented out", () => {
    const fs = new CountingFileSystem({
      // A Kustomization building its own folder, whose kustomization leaves ks.yaml out: asked
      // by the self-applying test and by the listing test.
      "/repo/clusters/dev/ks.yaml": ks("dev", "  path: ./clusters/dev\n"),
      "/repo/clusters/dev/kustomization.yaml": "resources: [cm.yaml]\n",
      // One a built folder comments out.
      "/repo/apps/kustomization.yaml": "resources:\n  # - ./off\n  - ./on\n",
      "/repo/apps/off/ks.yaml": ks("off", "  path: ./apps/off/app\n"),
    });
    const scan = scanRepository(fs, "/repo");
    fs.reads.clear();
    const top = topLevelClusters({
      scan,
      covered: new Set(),
      reached: new Set(),
      known: [],
      fs,
      root: "/repo",
      readDirs: new Set(["apps", "apps/on"]),
    });
    expect(top.clusters).toEqual([]);
    expect(top.orphans.map((o) => o.at?.file)).toEqual(["apps/off/ks.yaml", "clusters/dev/ks.yaml"]);
    expect(top.orphans[0]!.message).toContain("apps/off is left out of apps");
    expect(Object.fromEntries(fs.reads)).toEqual({
      "/repo/apps/kustomization.yaml": 1,
      "/repo/clusters/dev/kustomization.yaml": 1,
    });
  });
});

describe("namesSegment", () => {
  it("matches a path segment, not a word that holds it", () => {
    const text = "apiVersion: kustomize.config.k8s.io/v1beta1\nresources:\n  - ./apps.yaml\n";
    expect(namesSegment(text, "config")).toBe(false);
    expect(namesSegment(text, "apps.yaml")).toBe(true);
    expect(namesSegment("resources: [config]\n", "config")).toBe(true);
    expect(namesSegment("resources:\n- ../flux/config/\n", "config")).toBe(true);
    expect(namesSegment("resources:\n- 'config'\n", "config")).toBe(true);
    expect(namesSegment("resources:\n- configs\n", "config")).toBe(false);
  });
});
