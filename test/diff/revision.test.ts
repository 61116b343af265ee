import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type DiffReport,
  diffRevisions,
  formatJson,
  formatMarkdown,
  formatText,
} from "../../src/diff/index.js";
import { createSecretMasker } from "../../src/sops/index.js";
import {
  basePlatform,
  deployment,
  fluxKustomization,
  GitFixture,
  SECRET_V1,
  SECRET_V2,
  secret,
} from "./git-fixture.js";

/** Diffs base..head both ways (changed-only and full) and checks they agree. */
function diff(repo: GitFixture, base: string, head?: string): DiffReport {
  const masker = createSecretMasker(Buffer.alloc(32, 7));
  const fast = diffRevisions({ repo: repo.dir, base, head, changedOnly: true, masker });
  const full = diffRevisions({ repo: repo.dir, base, head, changedOnly: false, masker });
  expect({ ...fast.report, changedOnly: false }).toEqual(full.report);
  return full.report;
}

function only(r: DiffReport, id = "flux-system/app") {
  expect(r.clusters.map((c) => c.cluster)).toEqual(["prod"]);
  const k = r.clusters[0]!.kustomizations.find((x) => x.id === id);
  expect(
    k,
    `Kustomization ${id} in ${JSON.stringify(r.clusters[0]!.kustomizations.map((x) => x.id))}`,
  ).toBeDefined();
  return k!;
}

describe("slipway diff between revisions (Git fixture)", () => {
  const repo = new GitFixture();
  let c0 = "";
  beforeAll(() => {
    repo.write(basePlatform());
    c0 = repo.commit("initial platform");
  });
  afterAll(() => repo.cleanup());

  it("reports nothing between a revision and itself", () => {
    const r = diff(repo, c0, c0);
    expect(r.clusters).toEqual([]);
    expect(r.errors).toEqual([]);
  });

  it("shows an image bump as one field change with its path and source", () => {
    repo.write({ "apps/app/deployment.yaml": deployment({ image: "1.1.0" }) });
    const head = repo.commit("bump image");
    const r = diff(repo, c0, head);
    const k = only(r);
    expect(r.clusters[0]!.kustomizations).toHaveLength(1);
    expect(k.counts).toEqual({ added: 0, removed: 0, changed: 1 });
    expect(k.objects[0]).toMatchObject({
      kind: "Deployment",
      namespace: "shop",
      name: "app",
      change: "changed",
      source: { file: "apps/app/deployment.yaml", line: 1 },
      fields: [
        {
          path: "spec.template.spec.containers[name=app].image",
          change: "changed",
          old: "registry.example.com/app:1.0.0",
          new: "registry.example.com/app:1.1.0",
        },
      ],
      dangers: [],
    });
    repo.git("reset", "-q", "--hard", c0);
  });

  it("shows a replica change", () => {
    repo.write({ "apps/app/deployment.yaml": deployment({ replicas: 5 }) });
    const head = repo.commit("scale");
    const k = only(diff(repo, c0, head));
    expect(k.objects[0]!.fields).toEqual([{ path: "spec.replicas", change: "changed", old: 2, new: 5 }]);
    repo.git("reset", "-q", "--hard", c0);
  });

  it("shows a rotated secret as changed between two different markers, never the value", () => {
    repo.write({ "apps/app/secret.yaml": secret(SECRET_V2) });
    const head = repo.commit("rotate");
    const r = diff(repo, c0, head);
    const f = only(r).objects[0]!.fields;
    expect(f).toHaveLength(1);
    expect(f[0]!.path).toBe("stringData.password");
    expect(f[0]!.old).toMatch(/^<masked:sha256:[0-9a-f]{8}>$/);
    expect(f[0]!.new).toMatch(/^<masked:sha256:[0-9a-f]{8}>$/);
    expect(f[0]!.old).not.toBe(f[0]!.new);
    for (const out of [formatJson(r), formatText(r), formatMarkdown(r)]) {
      for (const s of [SECRET_V1, SECRET_V2]) {
        expect(out).not.toContain(s);
        expect(out).not.toContain(Buffer.from(s).toString("base64"));
      }
    }
    repo.git("reset", "-q", "--hard", c0);
  });

  it("flags objects that a pruning Kustomization stops applying", () => {
    repo.write({
      "apps/app/kustomization.yaml": "resources:\n  - deployment.yaml\n  - secret.yaml\n  - configmap.yaml\n",
    });
    const head = repo.commit("drop the service");
    const k = only(diff(repo, c0, head));
    expect(k.counts).toEqual({ added: 0, removed: 1, changed: 0 });
    expect(k.objects[0]).toMatchObject({ kind: "Service", name: "app", change: "removed" });
    expect(k.dangers.map((d) => d.kind)).toEqual(["prune-removes"]);
    expect(k.dangers[0]!.message).toContain("Service shop/app");
    repo.git("reset", "-q", "--hard", c0);
  });

  it("does not report reordered list items (env, ports) or reordered documents", () => {
    repo.write({
      "apps/app/deployment.yaml": deployment({ envOrder: "ba" }),
      "apps/app/service.yaml": basePlatform()["apps/app/service.yaml"]!.replace(
        "    - name: http\n      port: 80\n      targetPort: 8080\n    - name: metrics\n      port: 9090\n",
        "    - name: metrics\n      port: 9090\n    - name: http\n      port: 80\n      targetPort: 8080\n",
      ),
      "apps/app/kustomization.yaml":
        "resources:\n  - configmap.yaml\n  - secret.yaml\n  - service.yaml\n  - deployment.yaml\n",
    });
    const head = repo.commit("reorder");
    expect(diff(repo, c0, head).clusters).toEqual([]);
    repo.git("reset", "-q", "--hard", c0);
  });

  it("flags a selector change as an immutable field", () => {
    repo.write({ "apps/app/deployment.yaml": deployment({ selector: "app-v2" }) });
    const head = repo.commit("selector");
    const k = only(diff(repo, c0, head));
    const d = k.objects[0]!.dangers;
    expect(d.map((x) => [x.kind, x.path])).toEqual([["immutable-field", "spec.selector"]]);
    expect(k.dangers).toEqual(d);
    repo.git("reset", "-q", "--hard", c0);
  });

  it("follows Flux Kustomization changes: suspend flips, added and removed Kustomizations", () => {
    repo.write({
      "clusters/prod/app.yaml": fluxKustomization("app", "./apps/app", "  suspend: true\n"),
      "clusters/prod/kustomization.yaml": "resources:\n  - flux-system/gotk-sync.yaml\n  - app.yaml\n",
    });
    const head = repo.commit("suspend app, drop other");
    const r = diff(repo, c0, head);
    const root = only(r, "flux-system/flux-system");
    expect(root.dangers.map((d) => d.kind).sort()).toEqual(["prune-removes", "suspend-flip"]);
    const other = only(r, "flux-system/other");
    expect(other.change).toBe("removed");
    expect(other.objects.map((o) => [o.kind, o.change])).toEqual([["ConfigMap", "removed"]]);
    const app = only(r, "flux-system/app");
    expect([app.baseStatus, app.headStatus, app.objects]).toEqual(["rendered", "suspended", []]);
    repo.git("reset", "-q", "--hard", c0);
  });

  it("diffs the working tree, uncommitted and untracked files included", () => {
    repo.write({
      "apps/app/deployment.yaml": deployment({ replicas: 3 }),
      "apps/other/extra.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: shop\n",
      "apps/other/kustomization.yaml": "resources:\n  - configmap.yaml\n  - extra.yaml\n",
    });
    const r = diff(repo, c0);
    expect(r.head).toBe("working tree");
    expect(only(r).objects[0]!.fields.map((f) => f.path)).toEqual(["spec.replicas"]);
    expect(only(r, "flux-system/other").objects.map((o) => [o.name, o.change])).toEqual([["extra", "added"]]);
    repo.git("checkout", "-q", "--", ".");
    repo.remove("apps/other/extra.yaml");
  });

  it("builds at the base only the Flux Kustomizations whose inputs changed", () => {
    repo.write({ "apps/app/deployment.yaml": deployment({ image: "2.0.0" }) });
    const head = repo.commit("bump");
    const fast = diffRevisions({ repo: repo.dir, base: c0, head, changedOnly: true });
    expect(fast.reused).toBe(1);
    const other = (p: typeof fast.base) => p.clusters[0]!.kustomizations.find((k) => k.name === "other")!;
    // The base took the head's result for `other`: the very same objects.
    expect(other(fast.base).resources.map((r) => r.object)).toEqual(
      other(fast.head).resources.map((r) => r.object),
    );
    expect(other(fast.base).resources[0]!.object).toBe(other(fast.head).resources[0]!.object);
    const app = (p: typeof fast.base) => p.clusters[0]!.kustomizations.find((k) => k.name === "app")!;
    expect(app(fast.base).resources[0]!.object).not.toBe(app(fast.head).resources[0]!.object);
    repo.git("reset", "-q", "--hard", c0);
  });

  it("fails with a clear message for an unknown revision", () => {
    expect(() => diffRevisions({ repo: repo.dir, base: "no-such-rev", changedOnly: true })).toThrow(
      /unknown git revision 'no-such-rev'/,
    );
  });
});

describe("a diff from an empty first commit", () => {
  // `git commit --allow-empty` as a repository's first commit: its tree is empty, but the top
  // level is still a directory. Before, the base said "repository root ... is not a directory"
  // and the diff stopped with exit code 2.
  it("shows everything as added, with no error", () => {
    const repo = new GitFixture();
    try {
      const empty = repo.commit("empty");
      repo.write(basePlatform());
      const head = repo.commit("platform");
      const r = diff(repo, empty, head);
      expect(r.errors).toEqual([]);
      expect(r.clusters.map((c) => [c.cluster, c.change])).toEqual([["prod", "added"]]);
    } finally {
      repo.cleanup();
    }
  });
});
