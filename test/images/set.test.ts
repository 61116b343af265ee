/**
 * `images set` on chart values marked with `$imagepolicy` setters: each form gets what the
 * wanted reference says, or the set is refused naming the field, never a value that is not a
 * reference (`name:@sha256:…`), an empty tag, or a digest left pinning the old image.
 */
import { describe, expect, it } from "vitest";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { planImageSet } from "../../src/images/set.js";
import { loadPlatform } from "../../src/platform/index.js";
import { applyPlan } from "../../src/promote/apply.js";
import { SourceFiles } from "../../src/promote/sources.js";
import { ROOT, sync } from "../promote/harness.js";
import { fluxKs } from "../support/flux.js";

const IMG = "ghcr.io/acme/web";
const OLD = `sha256:${"a".repeat(64)}`;
const NEW = `sha256:${"b".repeat(64)}`;

/** One cluster whose HelmRelease carries `values` (indented four spaces), and the policy `web`. */
function tree(values: string): Record<string, string> {
  return {
    "clusters/prod/flux-system/gotk-sync.yaml": sync("prod"),
    "clusters/prod/kustomization.yaml": "resources:\n  - flux-system/gotk-sync.yaml\n  - web.yaml\n",
    "clusters/prod/web.yaml": fluxKs("web", "./apps/web"),
    "apps/web/kustomization.yaml": "resources:\n  - release.yaml\n  - policy.yaml\n",
    "apps/web/release.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: default
spec:
  interval: 10m
  chart:
    spec:
      chart: web
      version: 1.0.0
      sourceRef:
        kind: HelmRepository
        name: web
  values:
${values}`,
    "apps/web/policy.yaml": `apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImageRepository
metadata:
  name: web
  namespace: flux-system
spec:
  image: ${IMG}
---
apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImagePolicy
metadata:
  name: web
  namespace: flux-system
spec:
  imageRepositoryRef:
    name: web
  policy:
    semver:
      range: ">=1.0.0"
`,
  };
}

function set(files: Record<string, string>, image: string) {
  const fs = new MemoryFileSystem(
    Object.fromEntries(Object.entries(files).map(([p, t]) => [`${ROOT}/${p}`, t])),
  );
  const sources = new SourceFiles(fs, ROOT);
  const [plan] = planImageSet(loadPlatform(ROOT, { fs }), sources, { image });
  if (!plan) throw new Error("nothing planned");
  const texts = plan.refusals.length > 0 ? new Map() : applyPlan(plan, (f) => sources.get(f)!.text);
  return { plan, text: texts.get("apps/web/release.yaml") as string | undefined };
}

const marker = (form: string) => `# {"$imagepolicy": "flux-system:web${form}"}`;

describe("images set on setter-marked chart values", () => {
  it("a digest without a tag: the whole-reference form is name@digest", () => {
    const values = `    image: ${IMG}:1.0.0 ${marker("")}\n`;
    const { plan, text } = set(tree(values), `${IMG}@${NEW}`);
    expect(plan.refusals).toEqual([]);
    expect(text).toContain(`    image: ${IMG}@${NEW} ${marker("")}\n`);
  });

  it("a digest without a tag: a :tag field cannot hold it, refused at its line", () => {
    const values = `    tag: 1.0.0 ${marker(":tag")}\n`;
    const { plan, text } = set(tree(values), `${IMG}@${NEW}`);
    expect(text).toBeUndefined();
    expect(plan.refusals).toMatchObject([
      { code: "AMBIGUOUS", message: expect.stringMatching(/apps\/web\/release\.yaml:16.*has no tag/) },
    ]);
  });

  it("a tag without a digest: a :digest field would keep pinning the old image, refused", () => {
    const values = `    tag: 1.0.0 ${marker(":tag")}\n    digest: ${OLD} ${marker(":digest")}\n`;
    const { plan, text } = set(tree(values), `${IMG}:2.0.0`);
    expect(text).toBeUndefined();
    expect(plan.refusals).toMatchObject([
      { code: "AMBIGUOUS", message: expect.stringMatching(/apps\/web\/release\.yaml:17.*digest/) },
    ]);
  });

  it("a :tag field that pins tag@digest keeps that form with the new digest", () => {
    const values = `    tag: 1.0.0@${OLD} ${marker(":tag")}\n`;
    const { plan, text } = set(tree(values), `${IMG}:2.0.0@${NEW}`);
    expect(plan.refusals).toEqual([]);
    expect(text).toContain(`    tag: 2.0.0@${NEW} ${marker(":tag")}\n`);
  });

  it("a :tag field that pins tag@digest, given no digest: refused, not unpinned", () => {
    const values = `    tag: 1.0.0@${OLD} ${marker(":tag")}\n`;
    const { plan, text } = set(tree(values), `${IMG}:2.0.0`);
    expect(text).toBeUndefined();
    expect(plan.refusals).toMatchObject([{ message: expect.stringMatching(/release\.yaml:16.*digest/) }]);
  });

  it("tag, digest and whole-reference fields together, and the policy note reads the tag", () => {
    const values = `    tag: 1.0.0 ${marker(":tag")}\n    digest: ${OLD} ${marker(":digest")}\n    sidecar: ${IMG}:1.0.0@${OLD} ${marker("")}\n`;
    const { plan, text } = set(tree(values), `${IMG}:2.0.0@${NEW}`);
    expect(plan.refusals).toEqual([]);
    expect(text).toContain(
      `    tag: 2.0.0 ${marker(":tag")}\n    digest: ${NEW} ${marker(":digest")}\n    sidecar: ${IMG}:2.0.0@${NEW} ${marker("")}\n`,
    );
    const notes = plan.apps.flatMap((a) => a.changes.flatMap((c) => c.notes));
    expect(notes.filter((n) => n.includes("does not admit"))).toEqual([]);
  });
});
