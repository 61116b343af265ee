import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { DiskFileSystem, MemoryFileSystem } from "../../src/fs/filesystem.js";
import { parseCandidates, planImageUpdates } from "../../src/images/update.js";
import { loadPlatform } from "../../src/platform/index.js";
import { applyEdits } from "../../src/promote/apply.js";
import { SourceFiles } from "../../src/promote/sources.js";
import { fluxKs, ROOT, sync } from "../promote/harness.js";

const automation = (path: string, extra = "") => `---
apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImageRepository
metadata:
  name: podinfo
  namespace: flux-system
spec:
  image: ghcr.io/stefanprodan/podinfo
  exclusionList: ['^.*-debug$']
---
apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImagePolicy
metadata:
  name: podinfo
  namespace: flux-system
spec:
  imageRepositoryRef:
    name: podinfo
  policy:
    semver:
      range: 6.x
---
apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImageUpdateAutomation
metadata:
  name: apps
  namespace: flux-system
spec:
  sourceRef:
    kind: GitRepository
    name: flux-system
  update:
    path: ${path}
    strategy: Setters
${extra}`;

const release = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: apps
spec:
  chart:
    spec:
      chart: podinfo
      sourceRef:
        kind: HelmRepository
        name: podinfo
  values:
    image:
      repository: ghcr.io/old/podinfo # {"$imagepolicy": "flux-system:podinfo:name"}
      tag: "6.0.0" # {"$imagepolicy": "flux-system:podinfo:tag"}
      digest: sha256:old # {"$imagepolicy": "flux-system:podinfo:digest"}
    sidecar: ghcr.io/stefanprodan/podinfo:6.0.0 # {"$imagepolicy": "flux-system:podinfo"}
`;

function tree(path: string, extra: Record<string, string> = {}) {
  const files: Record<string, string> = {
    ...extra,
    "clusters/prod/flux-system/gotk-sync.yaml": sync("prod"),
    "clusters/prod/kustomization.yaml":
      "resources:\n  - flux-system/gotk-sync.yaml\n  - automation.yaml\n  - app.yaml\n",
    "clusters/prod/automation.yaml": automation(path),
    "clusters/prod/app.yaml": fluxKs("app", "./apps/podinfo"),
    "apps/podinfo/kustomization.yaml": "resources:\n  - release.yaml\n",
    "apps/podinfo/release.yaml": release,
    "apps/other/release.yaml": release,
  };
  const fs = new MemoryFileSystem(
    Object.fromEntries(Object.entries(files).map(([p, t]) => [`${ROOT}/${p}`, t])),
  );
  return { fs, platform: loadPlatform(ROOT, { fs }), files: new SourceFiles(fs, ROOT), texts: files };
}

const TAGS = parseCandidates([
  ["ghcr.io/stefanprodan/podinfo", "6.1.0@sha256:aaa"],
  ["ghcr.io/stefanprodan/podinfo", "6.2.0@sha256:bbb"],
  ["ghcr.io/stefanprodan/podinfo", "6.3.0-debug"],
  ["ghcr.io/stefanprodan/podinfo", "7.0.0"],
]);

describe("images update --policies", () => {
  it("writes each setter form below the automation's update.path, and nothing outside it", () => {
    const { fs, platform, files } = tree("./apps/podinfo");
    const plan = planImageUpdates(platform, fs, files, TAGS);
    expect(plan.policies).toEqual([
      expect.objectContaining({
        policy: "flux-system/podinfo",
        latest: { name: "ghcr.io/stefanprodan/podinfo", tag: "6.2.0", digest: "sha256:bbb" },
      }),
    ]);
    expect(plan.updates.map((u) => u.edit.file)).toEqual(Array(4).fill("apps/podinfo/release.yaml"));
    const out = applyEdits(
      release,
      plan.updates.map((u) => u.edit),
    );
    expect(out).toBe(`apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: apps
spec:
  chart:
    spec:
      chart: podinfo
      sourceRef:
        kind: HelmRepository
        name: podinfo
  values:
    image:
      repository: ghcr.io/stefanprodan/podinfo # {"$imagepolicy": "flux-system:podinfo:name"}
      tag: "6.2.0" # {"$imagepolicy": "flux-system:podinfo:tag"}
      digest: sha256:bbb # {"$imagepolicy": "flux-system:podinfo:digest"}
    sidecar: ghcr.io/stefanprodan/podinfo:6.2.0@sha256:bbb # {"$imagepolicy": "flux-system:podinfo"}
`);
  });

  it("covers the whole source without update.path, and says why a marker is left alone", () => {
    const { fs, platform, files } = tree(".");
    const noDigest = parseCandidates([["ghcr.io/stefanprodan/podinfo", "6.2.0"]]);
    const plan = planImageUpdates(platform, fs, files, noDigest);
    expect(new Set(plan.updates.map((u) => u.edit.file))).toEqual(
      new Set(["apps/podinfo/release.yaml", "apps/other/release.yaml"]),
    );
    expect(plan.skipped.map((s) => `${s.marker.file}:${s.marker.line} ${s.reason}`)).toEqual([
      "apps/other/release.yaml:17 no digest known for ghcr.io/stefanprodan/podinfo:6.2.0 (give candidates as TAG@sha256:…)",
      "apps/podinfo/release.yaml:17 no digest known for ghcr.io/stefanprodan/podinfo:6.2.0 (give candidates as TAG@sha256:…)",
    ]);
  });

  it("an update.path that climbs out of the source stays in it, as securejoin keeps it", () => {
    // image-automation-controller joins update.path to its clone with securejoin.SecureJoin
    // (internal/policy/applier.go): `..` stops at the root. The plan read markers outside the
    // repository, and then refused the whole update because it could not write there.
    const { fs, platform, files } = tree("../../outside/apps/podinfo");
    fs.write("/outside/apps/podinfo/release.yaml", release);
    const plan = planImageUpdates(platform, fs, files, TAGS);
    expect(plan.updates.map((u) => u.edit.file)).toEqual([]);
    expect(plan.notes).toEqual([
      expect.stringContaining("update.path ../../outside/apps/podinfo: outside/apps/podinfo does not exist"),
    ]);
  });

  it("reads no marker through a symbolic link, and says which links it passed by", () => {
    // A link below update.path to a directory outside the repository: its markers were read,
    // and the update then refused as a whole because it could not write there.
    const root = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-update-links-")));
    const outside = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-update-outside-")));
    onTestFinished(() => {
      rmSync(root, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    });
    for (const [f, text] of Object.entries(tree("./apps").texts)) {
      mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      writeFileSync(path.join(root, f), text);
    }
    writeFileSync(path.join(outside, "release.yaml"), release);
    symlinkSync(outside, path.join(root, "apps/linked"));
    const disk = new DiskFileSystem();
    const plan = planImageUpdates(loadPlatform(root, { fs: disk }), disk, new SourceFiles(disk, root), TAGS);
    expect(plan.updates.map((u) => u.edit.file)).not.toContain("apps/linked/release.yaml");
    expect(plan.notes).toEqual([
      "setter markers not read (nothing updated there): apps/linked: a symbolic link, not followed",
    ]);
  });

  it("says which files with a marker it could not read, instead of leaving them silently", () => {
    const broken = 'values:\n  tag: [6.0.0 # {"$imagepolicy": "flux-system:podinfo:tag"}\n';
    const { fs, platform, files } = tree(".", { "apps/broken/values.yaml": broken });
    const plan = planImageUpdates(platform, fs, files, TAGS);
    expect(plan.notes).toEqual([
      expect.stringMatching(
        /^setter markers not read \(nothing updated there\): apps\/broken\/values\.yaml: /,
      ),
    ]);
    expect(plan.updates.map((u) => u.edit.file)).not.toContain("apps/broken/values.yaml");
  });

  it("reports a policy that selects nothing, and clusters without automation", () => {
    const { fs, platform, files } = tree("./apps/podinfo");
    const plan = planImageUpdates(
      platform,
      fs,
      files,
      parseCandidates([["ghcr.io/stefanprodan/podinfo", "5.0.0"]]),
    );
    expect(plan.policies[0]).toMatchObject({ problem: "no tag matches the semver range '6.x'" });
    expect(plan.updates).toEqual([]);
    expect(plan.skipped).toHaveLength(4);
  });
});
