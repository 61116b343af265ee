/**
 * `slipway promote` end to end on a copy of examples/platform in a temporary Git repository:
 * a plan writes nothing; --commit makes one commit per app whose diff is exactly the version
 * lines, after which `slipway diff --env staging --vs production` shows no version
 * difference for the promoted apps; refusals exit 1 and leave the tree untouched.
 */
import { chmodSync, cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { diffCommand } from "../../src/cli/diff.js";
import { promoteCommand } from "../../src/cli/promote.js";
import { GitFixture } from "../diff/git-fixture.js";
import { captureOutput } from "../support/capture.js";
import { repoRoot } from "../support/env.js";
import { demoKeyFile } from "../support/flux.js";

const KEY = ["--age-key-file", demoKeyFile];

function platformRepo(): GitFixture {
  const repo = new GitFixture();
  cpSync(path.join(repoRoot, "examples/platform"), repo.dir, { recursive: true });
  repo.commit("platform");
  return repo;
}

async function promote(repo: GitFixture, ...args: string[]) {
  return captureOutput(() => promoteCommand([repo.dir, ...KEY, ...args]));
}

const BACKEND = "apps/backend/overlays/production/kustomization.yaml";
const FRONTEND = "apps/frontend/overlays/production/kustomization.yaml";

describe("slipway promote on examples/platform", () => {
  const repo = platformRepo();
  afterAll(() => repo.cleanup());

  it("plans without writing: the edits, the notes and the rendered diff", async () => {
    const r = await promote(repo, "--from", "staging", "--to", "production");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "image ghcr.io/acme-platform/backend: 1.8.3 → 1.9.0-rc.2  (Deployment backend/backend)",
    );
    expect(r.stdout).toContain(`${BACKEND}:12  newTag: 1.8.3 → 1.9.0-rc.2`);
    expect(r.stdout).toContain(`${FRONTEND}:10  newTag: 2.4.1 → 2.5.0-rc.1`);
    expect(r.stdout).toContain("Skipped verify: not deployed in production");
    expect(r.stdout).toContain(
      "~ spec.template.spec.containers[name=backend].image: ghcr.io/acme-platform/backend:1.8.3 → ghcr.io/acme-platform/backend:1.9.0-rc.2",
    );
    expect(r.stdout).toContain("Plan only: 2 files would change.");
    expect(repo.git("status", "--porcelain")).toBe("");
  });

  it("prints markdown for a pull request and JSON", async () => {
    const md = await promote(repo, "--from", "staging", "--to", "production", "--format", "markdown");
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^### Promote staging → production\n/);
    expect(md.stdout).toContain(
      "| backend | image ghcr.io/acme-platform/backend | `1.8.3` | `1.9.0-rc.2` | `apps/backend/overlays/production/kustomization.yaml:12` |",
    );
    expect(md.stdout).toContain("#### Rendered diff of production");
    expect(md.stdout).toContain(`Versions read from \`staging\` at \`${repo.git("rev-parse", "HEAD")}\``);
    const json = JSON.parse(
      (await promote(repo, "--from", "staging", "--to", "production", "--format", "json")).stdout,
    );
    expect(json.schema).toBe("slipway.promote/v1");
    expect(json.sourceCommit).toBe(repo.git("rev-parse", "HEAD"));
    expect(json.plan.apps.map((a: { app: string }) => a.app)).toEqual(["backend", "frontend"]);
    expect(json.diff.summary).toMatchObject({ kustomizations: 2, changed: 2 });
  });

  it("--only promotes one app", async () => {
    const r = await promote(repo, "--from", "staging", "--to", "production", "--only", "frontend");
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("backend (Flux Kustomization");
    expect(r.stdout).toContain("Plan only: 1 file would change.");
  });

  it("--commit: one commit per app, only the version lines change, and the environments agree afterwards", async () => {
    const head = repo.git("rev-parse", "HEAD");
    const r = await promote(repo, "--from", "staging", "--to", "production", "--commit");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /Committed 2 apps: [0-9a-f]{12} promote\(production\): backend 1\.9\.0-rc\.2 from staging; [0-9a-f]{12} promote\(production\): frontend 2\.5\.0-rc\.1 from staging/,
    );
    expect(repo.git("status", "--porcelain")).toBe("");
    expect(repo.git("rev-list", "--count", `${head}..HEAD`)).toBe("2");
    const diff = repo.git("diff", "-U0", head, "HEAD");
    const changed = diff.split("\n").filter((l) => /^[+-][^+-]/.test(l));
    expect(changed).toEqual([
      '-    newTag: 1.8.3 # {"$imagepolicy": "flux-system:backend:tag"}',
      '+    newTag: 1.9.0-rc.2 # {"$imagepolicy": "flux-system:backend:tag"}',
      '-    newTag: 2.4.1 # {"$imagepolicy": "flux-system:frontend:tag"}',
      '+    newTag: 2.5.0-rc.1 # {"$imagepolicy": "flux-system:frontend:tag"}',
    ]);
    const message = repo.git("log", "-1", "--format=%B", "HEAD~1");
    expect(message).toContain("promote(production): backend 1.9.0-rc.2 from staging");
    expect(message).toContain(`- image ghcr.io/acme-platform/backend: 1.8.3 -> 1.9.0-rc.2 (${BACKEND}:12)`);
    expect(repo.git("log", "-1", "--format=%(trailers:key=Promoted-From,valueonly)", "HEAD~1")).toBe(
      "staging",
    );
    expect(repo.git("log", "-1", "--format=%(trailers:key=Promoted-From-Commit,valueonly)", "HEAD~1")).toBe(
      head,
    );
    expect(repo.git("log", "-1", "--format=%(trailers:key=Promoted-Version,valueonly)", "HEAD~1")).toBe(
      "image ghcr.io/acme-platform/backend 1.9.0-rc.2",
    );

    const after = await captureOutput(() =>
      diffCommand([repo.dir, ...KEY, "--env", "staging", "--vs", "production", "--format", "json"]),
    );
    const report = JSON.parse(after.stdout);
    const fields = report.clusters.flatMap(
      (c: { kustomizations: Array<{ id: string; objects: Array<{ fields: Array<{ path: string }> }> }> }) =>
        c.kustomizations
          .filter((k) => k.id === "flux-system/backend" || k.id === "flux-system/frontend")
          .flatMap((k) => k.objects.flatMap((o) => o.fields.map((f) => f.path))),
    );
    expect(fields.length).toBeGreaterThan(0); // replicas, resources, ... still differ
    expect(fields.filter((p: string) => p.endsWith(".image"))).toEqual([]);

    const again = await promote(repo, "--from", "staging", "--to", "production");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Nothing to promote: production already runs staging's versions.");
  });

  it("rejects bad usage with exit 2", async () => {
    expect((await promote(repo, "--from", "staging")).code).toBe(2);
    expect((await promote(repo, "--from", "staging", "--to", "production", "--format", "yaml")).code).toBe(2);
    const unknown = await promote(repo, "--from", "staging", "--to", "qa");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no cluster named 'qa'/);
    const app = await promote(repo, "--from", "staging", "--to", "production", "--only", "nope");
    expect(app.code).toBe(2);
    expect(app.stderr).toMatch(/no app named 'nope'/);
  });
});

describe("slipway promote: refusals and branches", () => {
  let repo: GitFixture;
  beforeAll(() => {
    repo = platformRepo();
  });
  afterAll(() => repo.cleanup());
  afterEach(() => {
    repo.git("checkout", "-q", "--", ".");
    repo.git("clean", "-qfd");
  });

  it("refuses when the source environment fails check", async () => {
    const file = path.join(repo.dir, "clusters/staging/apps/backend.yaml");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(
        "    - name: nats\n",
        "    - name: nats\n    - name: no-such-kustomization\n",
      ),
    );
    const r = await promote(repo, "--from", "staging", "--to", "production", "--write");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ staging fails check with 1 error \(run 'slipway check --cluster staging'\):/);
    expect(r.stdout).toContain("no-such-kustomization");
    expect(r.stdout).toContain("Refused; nothing was written:");
    expect(repo.git("status", "--porcelain")).toBe("M clusters/staging/apps/backend.yaml");
  });

  it("refuses a version set in the base shared with staging, naming the overlay to pin it in", async () => {
    for (const env of ["staging", "production"]) {
      const file = path.join(repo.dir, `apps/backend/overlays/${env}/kustomization.yaml`);
      writeFileSync(file, readFileSync(file, "utf8").replace(/images:\n(?: {2,}.*\n)+/, ""));
    }
    const base = path.join(repo.dir, "apps/backend/base/deployment.yaml");
    repo.commit("tags in the base");
    // staging pins its own tag again; production reads the base.
    const staging = path.join(repo.dir, "apps/backend/overlays/staging/kustomization.yaml");
    writeFileSync(
      staging,
      `${readFileSync(staging, "utf8")}images:\n  - name: ghcr.io/acme-platform/backend\n    newTag: 1.9.0\n`,
    );
    const before = readFileSync(base, "utf8");
    const r = await promote(repo, "--from", "staging", "--to", "production", "--only", "backend", "--write");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "✗ backend: image ghcr.io/acme-platform/backend is set in apps/backend/base/deployment.yaml:38, which staging and dev also use: promoting would change staging and dev too [SHARED_BASE]",
    );
    expect(r.stdout).toContain(
      "pin it for production in apps/backend/overlays/production/kustomization.yaml:",
    );
    expect(r.stdout).toContain("        newTag: 1.9.0");
    expect(readFileSync(base, "utf8")).toBe(before);
  });

  it("refuses to commit over uncommitted changes in a file it edits", async () => {
    const file = path.join(repo.dir, FRONTEND);
    writeFileSync(file, `${readFileSync(file, "utf8")}# a local note\n`);
    const r = await promote(
      repo,
      "--from",
      "staging",
      "--to",
      "production",
      "--only",
      "frontend",
      "--commit",
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`--commit would also commit uncommitted changes in ${FRONTEND}`);
    expect(readFileSync(file, "utf8")).toMatch(/newTag: 2\.4\.1/);
  });

  it("--commit is all or nothing: a commit that fails (a hook) takes back the commits and files before it", async () => {
    const head = repo.git("rev-parse", "HEAD");
    const hook = path.join(repo.dir, ".git/hooks/commit-msg");
    // backend is committed first; the hook refuses the second commit, frontend's.
    writeFileSync(
      hook,
      '#!/bin/sh\nif grep -q frontend "$1"; then echo "no frontend today" >&2; exit 1; fi\n',
      {
        mode: 0o755,
      },
    );
    try {
      const r = await promote(repo, "--from", "staging", "--to", "production", "--commit");
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("no frontend today");
      expect(r.stderr).toContain("nothing was committed or written");
      expect(repo.git("rev-parse", "HEAD")).toBe(head);
      expect(repo.git("status", "--porcelain")).toBe("");
    } finally {
      rmSync(hook);
      repo.git("reset", "-q", "--hard", head);
    }
  });

  it("--commit: a later app's file that cannot be written is found before the first commit", async () => {
    // It was found when frontend's turn came, after backend's commit; the roll-back then tried
    // to write every planned file back, frontend's read-only one too, failed, and left
    // backend's edit in the work tree.
    const head = repo.git("rev-parse", "HEAD");
    const file = path.join(repo.dir, FRONTEND);
    chmodSync(file, 0o444);
    try {
      const r = await promote(repo, "--from", "staging", "--to", "production", "--commit");
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${file}: the file is read-only`);
      expect(r.stderr).toContain("nothing was committed or written");
      expect(repo.git("rev-parse", "HEAD")).toBe(head);
      expect(repo.git("status", "--porcelain")).toBe("");
    } finally {
      chmodSync(file, 0o644);
      repo.git("reset", "-q", "--hard", head);
    }
  });

  it("--write: a target that cannot be written says so, and that nothing was written", async () => {
    const file = path.join(repo.dir, FRONTEND);
    chmodSync(file, 0o444);
    try {
      const r = await promote(repo, "--from", "staging", "--to", "production", "--write");
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `slipway promote: ${file}: the file is read-only; make it writable (chmod u+w) to let Slipway edit it; nothing written\n`,
      );
      expect(repo.git("status", "--porcelain")).toBe("");
    } finally {
      chmodSync(file, 0o644);
    }
  });

  it("--write writes the files atomically without committing", async () => {
    const r = await promote(repo, "--from", "staging", "--to", "production", "--only", "frontend", "--write");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Wrote 1 file: ${FRONTEND}`);
    expect(repo.git("status", "--porcelain")).toBe(`M ${FRONTEND}`);
  });

  it("--from-ref: promotes from another branch (branch per environment)", async () => {
    const main = repo.git("rev-parse", "--abbrev-ref", "HEAD");
    repo.git("checkout", "-q", "-b", "release");
    const file = path.join(repo.dir, FRONTEND);
    writeFileSync(file, readFileSync(file, "utf8").replace("newTag: 2.4.1", "newTag: 2.6.0"));
    const released = repo.commit("release frontend 2.6.0");
    repo.git("checkout", "-q", main);
    const r = await promote(repo, "--from-ref", "release", "--to", "production", "--commit");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Promote production (at release) → production");
    expect(readFileSync(file, "utf8")).toContain("newTag: 2.6.0");
    expect(repo.git("log", "-1", "--format=%(trailers:key=Promoted-From-Commit,valueonly)")).toBe(released);
    expect(repo.git("log", "-1", "--format=%(trailers:key=Promoted-From-Ref,valueonly)")).toBe("release");
  });
});

describe("slipway promote --commit, failing after the first commit", () => {
  const repo = platformRepo();
  afterAll(() => repo.cleanup());

  it("--commit: a roll-back puts back only the files it changed", async () => {
    // A failure after the checks: frontend's file turned into a directory by the commit-msg
    // hook of backend's commit. The roll-back wrote every planned file back as one set, so the
    // directory at frontend's name failed it, and backend's edit stayed in the work tree.
    const original = readFileSync(path.join(repo.dir, BACKEND), "utf8");
    const head = repo.git("rev-parse", "HEAD");
    const hook = path.join(repo.dir, ".git/hooks/commit-msg");
    const file = path.join(repo.dir, FRONTEND);
    writeFileSync(hook, `#!/bin/sh\nif grep -q backend "$1"; then rm '${file}'; mkdir '${file}'; fi\n`, {
      mode: 0o755,
    });
    try {
      const r = await promote(repo, "--from", "staging", "--to", "production", "--commit");
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("nothing was committed or written");
      expect(repo.git("rev-parse", "HEAD")).toBe(head);
      expect(readFileSync(path.join(repo.dir, BACKEND), "utf8")).toBe(original);
      expect(repo.git("status", "--porcelain", "--", BACKEND)).toBe("");
    } finally {
      rmSync(hook);
      rmSync(file, { recursive: true, force: true });
      repo.git("reset", "-q", "--hard", head);
    }
  });
});
