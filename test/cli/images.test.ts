import { cpSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, afterEach, describe, expect, it, onTestFinished } from "vitest";
import { imagesCommand } from "../../src/cli/images.js";
import { DiskFileSystem } from "../../src/fs/filesystem.js";
import { directoryChartProvider } from "../../src/helmrelease/charts.js";
import { listImages, notListed } from "../../src/images/list.js";
import { loadPlatform } from "../../src/platform/index.js";
import { SourceFiles } from "../../src/promote/sources.js";
import { encryptSops, ruleForRecipients } from "../../src/sops/index.js";
import { GitFixture } from "../diff/git-fixture.js";
import { sync } from "../promote/harness.js";
import { captureOutput } from "../support/capture.js";
import { conformanceChartDirs } from "../support/conformance-charts.js";
import { repoRoot, requires, sharedDir } from "../support/env.js";
import { demoKeyFile } from "../support/flux.js";

/** The public half of examples/demo-keys/age.agekey. */
const DEMO_RECIPIENT = "age1lt4csfl3qnmkm83ghffmfa0zu5m7mzwge4d9sv53af00m7qjmytsn855wr";

describe("slipway images on examples/platform", () => {
  const repo = new GitFixture();
  cpSync(path.join(repoRoot, "examples/platform"), repo.dir, { recursive: true });
  repo.commit("platform");
  afterAll(() => repo.cleanup());
  afterEach(() => {
    repo.git("checkout", "-q", "--", ".");
    repo.git("clean", "-qfd");
  });
  const run = (...args: string[]) =>
    captureOutput(() =>
      imagesCommand([...args.slice(0, 1), repo.dir, "--age-key-file", demoKeyFile, ...args.slice(1)]),
    );

  it("list: every image per cluster, where it is set and its ImagePolicy", async () => {
    const r = await run("list", "--cluster", "dev");
    expect(r.code).toBe(0);
    expect(
      r.stdout.startsWith(
        `cluster dev
  ghcr.io/acme-platform/backend:main-4c1d2e9-1763650512
    used by   Deployment backend/backend spec.template.spec.containers[name=backend] (Flux Kustomization flux-system/backend)
    set at    apps/backend/overlays/dev/kustomization.yaml:10 (newTag)
    policy    ImagePolicy flux-system/backend (:tag marker): numerical asc, tags ^main-[a-f0-9]+-(?P<ts>[0-9]+)$
  ghcr.io/acme-platform/frontend:main-9b07f3a-1763651904
    used by   Deployment frontend/frontend spec.template.spec.containers[name=frontend] (Flux Kustomization flux-system/frontend)
    set at    apps/frontend/overlays/dev/kustomization.yaml:8 (newTag)
    policy    ImagePolicy flux-system/frontend (:tag marker): numerical asc, tags ^main-[a-f0-9]+-(?P<ts>[0-9]+)$
  ghcr.io/stefanprodan/podinfo:6.9.2
    used by   Deployment verify/podinfo spec.template.spec.containers[name=podinfo] (Flux Kustomization flux-system/verify)
    set at    apps/verify/deployment.yaml:25 (image)

Not listed: 10 HelmReleases were not rendered, so the images they run are missing:
  dev: HelmRelease traefik/traefik: chart traefik 37.1.2 from https://traefik.github.io/charts (version 37.1.2) is not in the chart cache; run 'slipway charts pull' to fetch it (not rendered)
`,
      ),
    ).toBe(true);
    expect(r.stdout.split("\n").filter((l) => l.startsWith("  dev: HelmRelease "))).toHaveLength(10);
    // The charts are not cached here: said on stderr and in JSON, never a quiet short list.
    expect(r.stderr).toContain("10 HelmReleases were not rendered: the images they run are not listed");
    const json = JSON.parse((await run("list", "--format", "json")).stdout);
    expect(json.images).toHaveLength(8); // 3 in dev and staging, 2 in production (no verify)
    expect(json.notListed).toHaveLength(30);
    expect(json.notListed[0]).toEqual({
      cluster: "dev",
      what: "HelmRelease traefik/traefik",
      reason: expect.stringContaining("is not in the chart cache"),
      failed: false,
    });
  });

  it("set --cluster: edits that cluster's overlay only; a file shared with others is refused", async () => {
    const r = await run("set", "ghcr.io/acme-platform/frontend:2.6.0", "--cluster", "staging", "--write");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Wrote 1 file: apps/frontend/overlays/staging/kustomization.yaml");
    expect(
      repo
        .git("diff", "-U0")
        .split("\n")
        .filter((l) => /^[+-][^+-]/.test(l)),
    ).toEqual([
      '-    newTag: 2.5.0-rc.1 # {"$imagepolicy": "flux-system:frontend:tag"}',
      '+    newTag: 2.6.0 # {"$imagepolicy": "flux-system:frontend:tag"}',
    ]);
    repo.git("checkout", "-q", "--", ".");
    const shared = await run("set", "ghcr.io/stefanprodan/podinfo:6.9.3", "--cluster", "dev", "--write");
    expect(shared.code).toBe(1);
    expect(shared.stdout).toContain(
      "✗ image ghcr.io/stefanprodan/podinfo is set in apps/verify/deployment.yaml:25, which staging also uses: setting it here would change staging too [SHARED_BASE]",
    );
    expect(repo.git("status", "--porcelain")).toBe("");
    const everywhere = await run("set", "ghcr.io/stefanprodan/podinfo:6.9.3");
    expect(everywhere.code).toBe(0);
    expect(everywhere.stdout).toContain("Plan only: 1 file would change.");
    // Idempotent: once written, the same set again is a no-op (exit 0), not "no cluster runs it".
    expect((await run("set", "ghcr.io/stefanprodan/podinfo:6.9.3", "--write")).code).toBe(0);
    const status = repo.git("status", "--porcelain");
    const again = await run("set", "ghcr.io/stefanprodan/podinfo:6.9.3", "--write");
    expect(again.stderr).toBe("");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("ghcr.io/stefanprodan/podinfo is already at 6.9.3 in ");
    expect(again.stdout).toContain("Nothing to change.");
    expect(repo.git("status", "--porcelain")).toBe(status);
    repo.git("checkout", "-q", "--", ".");
    const none = await run("set", "ghcr.io/acme-platform/nothing:1.0.0");
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("no cluster runs ghcr.io/acme-platform/nothing");
  });

  it("set: a reference no node could pull is bad usage, and nothing is written", async () => {
    for (const image of [
      "ghcr.io/acme-platform/backend:1.9.0 # rc",
      "ghcr.io/acme-platform/backend:1.9.0\nx: y",
      "ghcr.io/acme-platform/backend:@sha256:00",
    ]) {
      const r = await run("set", image, "--write");
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${JSON.stringify(image)} is not a valid image reference`);
    }
    expect(repo.git("status", "--porcelain")).toBe("");
  });

  it("set, when the image is in what failed to render: says which Flux Kustomization and file, not 'no cluster runs'", async () => {
    const file = path.join(repo.dir, "apps/backend/overlays/dev/kustomization.yaml");
    // In the first document: kustomize (and Flux) read no other document of a kustomization file.
    writeFileSync(file, `${readFileSync(file, "utf8")}broken: [\n`);
    const r = await run("set", "ghcr.io/acme-platform/backend:1.0.0", "--cluster", "dev", "--write");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "slipway images: no cluster among dev runs ghcr.io/acme-platform/backend in what rendered; it may run in what failed to render:",
    );
    expect(r.stderr).toMatch(
      /\n {2}dev: Flux Kustomization flux-system\/backend: apps\/backend\/overlays\/dev\/kustomization\.yaml:\d+: /,
    );
    expect(repo.git("status", "--porcelain")).toBe("M apps/backend/overlays/dev/kustomization.yaml");
  });

  it("update --policies: what image automation would write, then nothing more", async () => {
    const tags = path.join(repo.dir, "tags.txt");
    writeFileSync(
      tags,
      "# IMAGE:TAG per line\nghcr.io/acme-platform/backend:1.9.0\nghcr.io/acme-platform/backend:1.9.1-rc.1\nghcr.io/acme-platform/backend:main-77aa001-1763700000\nghcr.io/acme-platform/backend:1.9.1.sig\n",
    );
    const r = await run("update", "--policies", "--tags", tags, "--write");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "ImagePolicy flux-system/backend in production (semver >=1.0.0): ghcr.io/acme-platform/backend:1.9.0 (from 4 candidate tags)",
    );
    expect(r.stdout).toContain(
      "ImagePolicy flux-system/frontend in production (semver >=1.0.0): no candidate tags for ghcr.io/acme-platform/frontend",
    );
    expect(r.stdout).toContain("Wrote 3 files:");
    expect(
      readFileSync(path.join(repo.dir, "apps/backend/overlays/staging/kustomization.yaml"), "utf8"),
    ).toContain('newTag: 1.9.1-rc.1 # {"$imagepolicy": "flux-system:backend:tag"}');
    const again = await run("update", "--policies", "--tags", tags);
    expect(again.stdout).toContain("Nothing to change.");
    expect((await run("update", "--tags", tags)).code).toBe(2);
    expect((await run("update", "--policies")).code).toBe(2);
  });

  it("update --policies: a candidate no registry could list is bad usage, named with its file, and nothing is written", async () => {
    const tags = path.join(repo.dir, "tags.yaml");
    for (const [text, where] of [
      [
        'ghcr.io/acme-platform/backend:\n  - "main-abc-2000000000000 # rc"\n',
        "tags.yaml: ghcr.io/acme-platform/backend",
      ],
      [
        'ghcr.io/acme-platform/backend:\n  - "main-abc-2000000000000\\nevil: x"\n',
        "tags.yaml: ghcr.io/acme-platform/backend",
      ],
      [
        "ghcr.io/acme-platform/backend:main-abc-1\nghcr.io/acme-platform/backend:main-abc-2'\n",
        "tags.yaml:2",
      ],
    ]) {
      writeFileSync(tags, text);
      const r = await run("update", "--policies", "--tags", tags, "--write");
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${where}: "ghcr.io/acme-platform/backend:main-abc-`);
      expect(r.stderr).toContain("is not a valid image reference: a tag is at most 128 letters");
      expect(repo.git("status", "--porcelain")).toBe("?? tags.yaml");
    }
    const r = await run("update", "--policies", "--tag", "ghcr.io/acme-platform/backend:a}b");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--tag: "ghcr.io/acme-platform/backend:a}b" is not a valid image reference');
  });

  it("update --policies: a marker in a SOPS-encrypted file is refused, and nothing is written", async () => {
    // encrypted_regex leaves the image readable and the marker a line comment, but the MAC
    // covers the image too: image-automation-controller's edit would leave a file sops refuses.
    const rule = ruleForRecipients([DEMO_RECIPIENT], { encrypted_regex: "^(data|stringData)$" });
    const worker = "apps/backend/overlays/production/worker.sops.yaml";
    const encrypted = (
      await encryptSops(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: worker\ndata:\n  token: s3cr3t\nimage: ghcr.io/acme-platform/backend:1.8.3\n",
        { file: worker, rule, config: null },
      )
    )
      .toString("utf8")
      .replace(
        "image: ghcr.io/acme-platform/backend:1.8.3\n",
        'image: ghcr.io/acme-platform/backend:1.8.3 # {"$imagepolicy": "flux-system:backend"}\n',
      );
    writeFileSync(path.join(repo.dir, worker), encrypted);
    repo.commit("a SOPS file with a setter marker");
    onTestFinished(() => void repo.git("reset", "-q", "--hard", "HEAD~1"));
    const tags = path.join(repo.dir, "tags.txt");
    writeFileSync(tags, "ghcr.io/acme-platform/backend:1.9.0\n");
    const r = await run("update", "--policies", "--tags", tags, "--cluster", "production", "--write");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `${worker}:7 ({"$imagepolicy": "flux-system:backend"}) is in a SOPS-encrypted file: editing it would break the file's MAC`,
    );
    expect(r.stdout).toContain("Refused; nothing was written:");
    expect(repo.git("status", "--porcelain")).toBe("?? tags.txt");
    expect(readFileSync(path.join(repo.dir, worker), "utf8")).toBe(encrypted);
  });

  it("list: a tag from a Secret's post-build variable is masked, and named as a secret where it comes from", async () => {
    const rule = ruleForRecipients([DEMO_RECIPIENT], { encrypted_regex: "^(data|stringData)$" });
    const secrets = "clusters/staging/cluster-secrets.sops.yaml";
    writeFileSync(
      path.join(repo.dir, secrets),
      await encryptSops(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: cluster-secrets\n  namespace: flux-system\nstringData:\n  backend_tag: 1.9.0-rc.7\n",
        { file: secrets, rule, config: null },
      ),
    );
    const overlay = path.join(repo.dir, "apps/backend/overlays/staging/kustomization.yaml");
    writeFileSync(
      overlay,
      readFileSync(overlay, "utf8").replace(/newTag: 1\.9\.0-rc\.2.*/, "newTag: ${backend_tag}"),
    );
    repo.commit("the staging backend's tag in a Secret");
    onTestFinished(() => void repo.git("reset", "-q", "--hard", "HEAD~1"));
    const r = await run("list", "--cluster", "staging");
    expect(r.stdout).not.toContain("1.9.0-rc.7");
    const lines = r.stdout.split("\n");
    const at = lines.findIndex((l) => /^ {2}<masked:sha256:[0-9a-f]+>$/.test(l));
    expect(lines[at + 1]).toContain("used by   Deployment backend/backend");
    // Not "replacements or a transformer plugin?": the value is a secret, and where it comes from is known.
    expect(lines[at + 2]).toBe(
      "    set at    unknown: the image is masked: it is 'ghcr.io/acme-platform/backend:${backend_tag}' in the repository; ${backend_tag} comes from Secret cluster-secrets, a secret",
    );
    const json = JSON.parse((await run("list", "--cluster", "staging", "--format", "json")).stdout);
    const masked = json.images.find((u: { object: string }) => u.object === "Deployment backend/backend");
    expect(masked.problem).toContain("comes from Secret cluster-secrets, a secret");
    expect(JSON.stringify(json)).not.toContain("1.9.0-rc.7");
  });
});

describe.runIf(requires("shared"))("slipway images list with the charts rendered", () => {
  it("lists what charts run, set at the HelmRelease values line that holds the tag", async () => {
    const root = path.join(sharedDir, "realworld/bjw-s-labs__home-ops");
    const p = loadPlatform(root, { charts: directoryChartProvider(conformanceChartDirs()) });
    const uses = listImages(p, new SourceFiles(new DiskFileSystem(), root));
    const bazarr = uses.find((u) => u.helmRelease === "downloads/bazarr");
    expect(bazarr).toMatchObject({
      image: "ghcr.io/home-operations/bazarr:1.6.0",
      object: "Deployment downloads/bazarr",
      setAt: {
        file: "kubernetes/apps/downloads/bazarr/app/helmrelease.yaml",
        line: 28,
        what: "HelmRelease downloads/bazarr spec.values.controllers.bazarr.containers.app.image.tag",
      },
    });
    // A chart's own default image: no values line to point at, and it says so.
    const cm = uses.find((u) => u.image.startsWith("quay.io/jetstack/cert-manager-controller:"));
    expect(cm?.setAt).toBeUndefined();
    expect(cm?.problem).toContain("no field of its spec.values holds this tag");
    // Through the command (no chart cache): nothing quiet, and what failed is in the exit code.
    const cli = await captureOutput(() => imagesCommand(["list", root, "--format", "json"]));
    expect(cli.code).toBe(1);
    const listed = JSON.parse(cli.stdout);
    expect(
      listed.notListed.filter((m: { failed: boolean }) => m.failed).map((m: { what: string }) => m.what),
    ).toEqual(["Flux Kustomization network/envoy-gateway-gateway", "Flux Kustomization selfhosted/webhook"]);
    // Releases whose chart is not among the conformance charts are named, not dropped.
    const missing = notListed(p);
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.every((m) => m.reason.length > 0)).toBe(true);
  });
});

/** A repository chart whose Deployment runs `image.repository:image.tag`. */
const WEB_CHART = {
  "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
  "charts/web/templates/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
`,
};

/** The HelmRelease of WEB_CHART, its tag line (line 17) as given. */
const webRelease = (tag: string) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: flux-system
spec:
  interval: 10m
  chart:
    spec:
      chart: ./charts/web
      sourceRef:
        kind: GitRepository
        name: flux-system
  values:
    image:
      repository: ghcr.io/acme/web
      tag: ${tag}
`;

describe("slipway images set on an image a chart renders from plain values", () => {
  // The tag is in a HelmRelease's values with no setter marker: `list` shows where it is set,
  // and `set` must say why it does not edit it rather than that no cluster runs the image.
  const repo = new GitFixture();
  repo.write({
    "clusters/dev/flux-system/gotk-sync.yaml": sync("dev"),
    "clusters/dev/web.yaml": webRelease("1.0.0"),
    ...WEB_CHART,
  });
  repo.commit("web");
  afterAll(() => repo.cleanup());

  it("names the values line and the setter marker it needs", async () => {
    const list = await captureOutput(() => imagesCommand(["list", repo.dir]));
    expect(list.stdout).toContain(
      "set at    clusters/dev/web.yaml:17 (HelmRelease flux-system/web spec.values.image.tag)",
    );
    const r = await captureOutput(() =>
      imagesCommand(["set", repo.dir, "ghcr.io/acme/web:2.0.0", "--write"]),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'slipway images: ghcr.io/acme/web is set in chart values without a setter marker, which images set does not edit: dev: clusters/dev/web.yaml:17 (HelmRelease flux-system/web spec.values.image.tag); edit it there, or mark the line with # {"$imagepolicy": "NAMESPACE:POLICY:tag"} naming an ImagePolicy of the image\n',
    );
    expect(repo.git("status", "--porcelain")).toBe("");
  });
});

describe("slipway images list on a chart's image whose values line has a setter marker", () => {
  // stasiaaleks/rate-ukma-deployment (round 18): `tag: "v1.7.7" # {"$imagepolicy":
  // "flux-system:rate-ukma-backend:tag"}` in a HelmRelease's values; list named the line but not
  // the ImagePolicy that governs it (promote and the marker check both read it).
  const repo = new GitFixture();
  repo.write({
    "clusters/dev/flux-system/gotk-sync.yaml": sync("dev"),
    "clusters/dev/web.yaml": webRelease('"1.0.0" # {"$imagepolicy": "flux-system:web:tag"}'),
    "clusters/dev/policy.yaml": `apiVersion: image.toolkit.fluxcd.io/v1
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
    ...WEB_CHART,
  });
  repo.commit("web");
  afterAll(() => repo.cleanup());

  it("names the ImagePolicy, in text and JSON", async () => {
    const text = await captureOutput(() => imagesCommand(["list", repo.dir]));
    expect(text.stdout).toContain(
      "set at    clusters/dev/web.yaml:17 (HelmRelease flux-system/web spec.values.image.tag)\n    policy    ImagePolicy flux-system/web (:tag marker): semver >=1.0.0\n",
    );
    const json = await captureOutput(() => imagesCommand(["list", repo.dir, "--format", "json"]));
    const web = JSON.parse(json.stdout).images.find(
      (i: { image: string }) => i.image === "ghcr.io/acme/web:1.0.0",
    );
    expect(web.policy).toEqual({
      namespace: "flux-system",
      name: "web",
      form: "tag",
      rule: "semver >=1.0.0",
    });
  });
});

describe("slipway images list on a Flux Kustomization rendered only in part", () => {
  // Found probing by hand: a remote resource (not fetched offline) is left out of the render,
  // and the list said "No container images found." with exit 0 and nothing on stderr.
  const repo = new GitFixture();
  repo.write({
    "clusters/dev/flux-system/gotk-sync.yaml": sync("dev"),
    "clusters/dev/apps.yaml":
      "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./apps\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n",
    "apps/kustomization.yaml":
      "resources:\n  - https://raw.githubusercontent.com/example/app/v1.0.0/deploy.yaml\n  - config.yaml\n",
    "apps/config.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\n",
  });
  repo.commit("apps");
  afterAll(() => repo.cleanup());

  it("says what is left out in text, JSON and on stderr", async () => {
    const text = await captureOutput(() => imagesCommand(["list", repo.dir]));
    expect(text.stdout).toContain("No container images found in what was rendered.");
    expect(text.stdout).toContain(
      "Not listed: 1 Flux Kustomization was rendered only in part, so the images they run are missing:\n  dev: Flux Kustomization flux-system/apps (in part): ",
    );
    expect(text.stderr).toContain(
      "slipway images: warning: 1 Flux Kustomization was rendered only in part: the images they run are not listed",
    );
    // Flux would apply the rest: a warning, not a failure.
    expect(text.code).toBe(0);
    const json = JSON.parse(
      (await captureOutput(() => imagesCommand(["list", repo.dir, "--format", "json"]))).stdout,
    );
    expect(json.notListed).toEqual([
      {
        cluster: "dev",
        what: "Flux Kustomization flux-system/apps",
        reason: expect.stringContaining("raw.githubusercontent.com"),
        failed: false,
        partly: true,
      },
    ]);
  });
});

describe("slipway images set on a kustomization whose images are in flow style", () => {
  // The CST editor adds lines, not entries of a flow collection: a digest to add is refused
  // with the file, the line and what to rewrite, and nothing is written.
  const repo = new GitFixture();
  const ks = (name: string, p: string) =>
    `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ${p}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`;
  repo.write({
    "clusters/dev/flux-system/gotk-sync.yaml": sync("dev"),
    "clusters/dev/apps.yaml": ks("apps", "./apps"),
    "apps/kustomization.yaml":
      'resources:\n  - deploy.yaml\n# pinned by CI\nimages: [{name: app, newTag: "1.0"}]  # the app\n',
    "apps/deploy.yaml":
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n  namespace: default\nspec:\n  selector:\n    matchLabels: {app: app}\n  template:\n    metadata:\n      labels: {app: app}\n    spec:\n      containers:\n        - name: app\n          image: app\n",
  });
  repo.commit("app");
  afterAll(() => repo.cleanup());

  it("a digest to add: names the file, the line and the collection to write in block style", async () => {
    const digest = `sha256:${"a".repeat(64)}`;
    const r = await captureOutput(() => imagesCommand(["set", repo.dir, `app:1.1@${digest}`, "--write"]));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "apps/kustomization.yaml:4:9: images is written in flow style; cannot add 'digest' to images[0]: write images in block style (a '- ' line per item, a 'key: value' line per field) and run again",
    );
    expect(repo.git("status", "--porcelain")).toBe("");
    // A tag alone is a scalar set inside the flow mapping: done, comment and quoting kept.
    const tag = await captureOutput(() => imagesCommand(["set", repo.dir, "app:1.1", "--write"]));
    expect(tag.code).toBe(0);
    expect(readFileSync(path.join(repo.dir, "apps/kustomization.yaml"), "utf8")).toBe(
      'resources:\n  - deploy.yaml\n# pinned by CI\nimages: [{name: app, newTag: "1.1"}]  # the app\n',
    );
  });
});
