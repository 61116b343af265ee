/**
 * Watch mode's changed-only re-render equals a full render: after each edit of a temporary
 * copy of the example platform (a base, an overlay, a kustomization adding a file, a new
 * file, a deleted file, a broken file and its repair), the session's model equals a fresh
 * render's, and the nodes the edit affects are the ones reported as changed.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadDashboard } from "../../src/report/load.js";
import type { DashboardModel } from "../../src/report/model.js";
import { DashboardSession } from "../../src/server/session.js";
import { platformDir } from "../support/demo-secrets.js";
import { fluxSync } from "../support/flux.js";

let dir: string;
let session: DashboardSession;

beforeAll(async () => {
  dir = path.join(mkdtempSync(path.join(tmpdir(), "slipway-watch-")), "platform");
  cpSync(platformDir, dir, { recursive: true });
  session = new DashboardSession(dir, { identities: [] });
  await session.start();
});

/** The model without what differs between two renders of the same tree (times, generation). */
function comparable(m: DashboardModel): unknown {
  return JSON.parse(
    JSON.stringify(
      { ...m, renderedAt: 0, renderMs: 0, generation: 0, changedFiles: [], changedNodes: [] },
      (k, v) => (k === "renderMs" || k === "fingerprint" ? 0 : v),
    ).replace(/<masked:sha256:[0-9a-f]+>/g, "<masked>"),
  );
}

async function edit(rel: string, change: (text: string) => string | undefined): Promise<DashboardModel> {
  const file = path.join(dir, rel);
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    // a new file
  }
  const next = change(text);
  if (next === undefined) rmSync(file);
  else writeFileSync(file, next);
  await session.changed([file]);
  const full = await loadDashboard(dir, { identities: [] });
  const live = session.snapshot!.model;
  expect(session.status().error).toBeUndefined();
  expect(comparable(live)).toEqual(comparable(full.model));
  return live;
}

describe("slipway serve: changed-only re-render", () => {
  it("a base changes: every cluster's Kustomization that uses it is rebuilt and reported", async () => {
    const m = await edit("apps/backend/base/deployment.yaml", (t) =>
      t.replace("revisionHistoryLimit: 5", "revisionHistoryLimit: 7"),
    );
    expect(m.changedNodes).toEqual(
      expect.arrayContaining([
        "dev|Kustomization/flux-system/backend",
        "production|Kustomization/flux-system/backend",
      ]),
    );
    expect(m.changedNodes.some((n) => n.includes("frontend"))).toBe(false);
    expect(m.changedFiles).toEqual(["apps/backend/base/deployment.yaml"]);
  });

  it("an overlay of one environment changes only that environment", async () => {
    const m = await edit(
      "apps/backend/overlays/staging/kustomization.yaml",
      (t) => `${t}\ncommonAnnotations:\n  touched: "yes"\n`,
    );
    expect(m.changedNodes).toEqual(["staging|Kustomization/flux-system/backend"]);
  });

  it("a new file referenced from a kustomization, then deleted again", async () => {
    await edit(
      "apps/frontend/base/extra.yaml",
      () => "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata:\n  a: b\n",
    );
    const m = await edit("apps/frontend/base/kustomization.yaml", (t) =>
      t.replace("resources:\n", "resources:\n  - extra.yaml\n"),
    );
    expect(m.changedNodes.filter((n) => n.endsWith("Kustomization/flux-system/frontend")).length).toBe(3);
    await edit("apps/frontend/base/kustomization.yaml", (t) => t.replace("  - extra.yaml\n", ""));
    await edit("apps/frontend/base/extra.yaml", () => undefined);
  });

  it("a broken file shows as a render failure, and its repair clears it", async () => {
    const original = readFileSync(path.join(dir, "apps/frontend/base/kustomization.yaml"), "utf8");
    const broken = await edit("apps/frontend/base/kustomization.yaml", (t) => `${t}\n  bad: [indent\n`);
    expect(broken.summary.failed).toBeGreaterThan(0);
    expect(broken.errors.length).toBeGreaterThan(0);
    const fixed = await edit("apps/frontend/base/kustomization.yaml", () => original);
    expect(fixed.summary.failed).toBe(0);
  });

  it("a Flux Kustomization's own file (the cluster's tree) changes", async () => {
    const m = await edit("clusters/dev/apps/backend.yaml", (t) => t.replace(/interval: .*/, "interval: 7m"));
    expect(m.changedNodes).toContain("dev|Kustomization/flux-system/backend");
  });
});

describe("slipway serve: a base inside an ExternalArtifact (source-watcher's ArtifactGenerator)", () => {
  // The build runs in the artifact's virtual directory, not in the folders its files were copied
  // from: an edit of apps/base/app must still reach it (it showed the old output until restart).
  const files: Record<string, string> = {
    "clusters/prod/flux-system/gotk-sync.yaml": fluxSync("./clusters/prod"),
    "clusters/prod/artifacts.yaml": `apiVersion: source.extensions.fluxcd.io/v1beta1
kind: ArtifactGenerator
metadata:
  name: apps
  namespace: flux-system
spec:
  sources:
    - alias: repo
      kind: GitRepository
      name: flux-system
  artifacts:
    - name: apps
      originRevision: "@repo"
      copy:
        - from: "@repo/apps/**"
          to: "@artifact/"
`,
    "clusters/prod/apps.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 1h
  path: ./prod
  prune: true
  sourceRef:
    kind: ExternalArtifact
    name: apps
`,
    "apps/base/app/kustomization.yaml": "resources:\n  - configmap.yaml\n",
    "apps/base/app/configmap.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\ndata:\n  level: info\n",
    "apps/prod/kustomization.yaml": "resources:\n  - ../base/app\n",
  };
  let root: string;
  let live: DashboardSession;

  beforeAll(async () => {
    root = path.join(mkdtempSync(path.join(tmpdir(), "slipway-watch-artifact-")), "fleet");
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), text);
    }
    live = new DashboardSession(root, { identities: [] });
    await live.start();
  });

  it("an edit of a base file re-renders the Flux Kustomization built from the artifact", async () => {
    const apps = () =>
      live.snapshot!.model.clusters[0]!.nodes.find((n) => n.id === "Kustomization/flux-system/apps")!;
    expect(apps().status).toBe("rendered");
    const before = apps().fingerprint;
    const file = path.join(root, "apps/base/app/configmap.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("level: info", "level: debug"));
    await live.changed([file]);
    expect(apps().fingerprint).not.toBe(before);
    const fresh = await loadDashboard(root, { identities: [], values: live.secretValues });
    const node = fresh.model.clusters[0]!.nodes.find((n) => n.id === "Kustomization/flux-system/apps")!;
    expect(apps().fingerprint).toBe(node.fingerprint);
    expect(live.snapshot!.model.changedNodes).toContain("prod|Kustomization/flux-system/apps");
  });
});
