/**
 * URLs with credentials in them (`https://user:TOKEN@host/…`, `?private_token=…`), written by a
 * pull request or substituted from a Secret by a Flux variable, in a remote `resources:` entry,
 * a generator's remote file, a HelmRepository or OCIRepository URL. No command prints the
 * credential: not `check` in any format, `render` (its header names the chart's location),
 * `graph`, `charts list`/`pull`/`add`, nor an error a library made from the URL.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ChartCache, describeRef } from "../../src/charts/cache.js";
import { httpRequest } from "../../src/charts/http.js";
import { buildCommand } from "../../src/cli/build.js";
import { chartsCommand } from "../../src/cli/charts.js";
import { describeRequest } from "../../src/cli/charts-progress.js";
import { checkCommand } from "../../src/cli/check.js";
import { diffCommand } from "../../src/cli/diff.js";
import { graphCommand } from "../../src/cli/graph.js";
import { renderCommand } from "../../src/cli/render.js";
import { reportCommand } from "../../src/cli/report.js";
import { credentialMarks, redactUrl, redactUrlsIn } from "../../src/url-credentials.js";
import { captureOutput } from "../support/capture.js";
import { tempTree } from "../support/cli.js";
import { fluxKs, fluxSync } from "../support/flux.js";
import { noOwnKeys } from "../support/outputs.js";
import { tgz } from "../support/tgz.js";

describe("redactUrl", () => {
  it.each([
    [
      "https://user:TOKEN@github.com/org/repo//deploy?ref=main",
      "https://***@github.com/org/repo//deploy?ref=main",
    ],
    ["https://TOKEN@github.com/org/repo", "https://***@github.com/org/repo"],
    ["oci://user:TOKEN@ghcr.io/org/chart", "oci://***@ghcr.io/org/chart"],
    ["https://charts.example.com/x?token=TOKEN", "https://charts.example.com/x?token=***"],
    [
      "https://gitlab.example.com/api/v4/x?ref=main&private_token=TOKEN#frag",
      "https://gitlab.example.com/api/v4/x?ref=main&private_token=***#frag",
    ],
    [
      "https://s3.example.com/b/f?X-Amz-Signature=TOKEN&x=1",
      "https://s3.example.com/b/f?X-Amz-Signature=***&x=1",
    ],
    ["https://blob.example.com/c/f?sv=2020&sig=TOKEN", "https://blob.example.com/c/f?sv=2020&sig=***"],
    // Nothing secret: an ssh user, a ref, an @ in the path.
    ["ssh://git@github.com/org/repo", "ssh://git@github.com/org/repo"],
    ["ssh://git:TOKEN@github.com/org/repo", "ssh://git:***@github.com/org/repo"],
    ["https://github.com/org/repo?ref=v1.2.3", "https://github.com/org/repo?ref=v1.2.3"],
    ["https://example.com/a/@b/c", "https://example.com/a/@b/c"],
    ["https://example.com/x?token=", "https://example.com/x?token="],
  ])("%s -> %s", (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  it("with marks, tells credentials apart without showing them", () => {
    const marks = credentialMarks(new Uint8Array(32));
    const a = redactUrl("https://user:TOKEN1@github.com/o/r?ref=main&token=T1", marks);
    const b = redactUrl("https://user:TOKEN2@github.com/o/r?ref=main&token=T1", marks);
    expect(a).toMatch(
      /^https:\/\/<credentials:[0-9a-f]{8}>@github\.com\/o\/r\?ref=main&token=<credentials:[0-9a-f]{8}>$/,
    );
    expect(a).not.toBe(b);
    expect(redactUrl("https://user:TOKEN1@github.com/o/r?ref=main&token=T1", marks)).toBe(a);
    expect(a + b).not.toMatch(/TOKEN|T1/);
  });

  it("redacts the URLs inside a text", () => {
    expect(
      redactUrlsIn(
        "Request cannot be constructed from a URL that includes credentials: https://u:TOKEN@h.example/x/index.yaml",
      ),
    ).toBe(
      "Request cannot be constructed from a URL that includes credentials: https://***@h.example/x/index.yaml",
    );
  });
});

describe("chart pull's texts", () => {
  it("names a chart's source without its credentials", () => {
    const ref = { source: "https://user:TOKEN@charts.example.com/x", name: "app", version: "1.0.0" };
    expect(describeRef(ref)).toBe("https://***@charts.example.com/x app@1.0.0");
    expect(describeRequest({ ...ref, kind: "helm", range: "1.0.0" } as never)).toBe(
      "https://***@charts.example.com/x app@1.0.0",
    );
  });

  it("a network error does not quote the URL's credentials (undici's message does)", async () => {
    const err = await httpRequest(
      "https://user:TOKEN@charts.example.com/x/index.yaml",
      {},
      { retries: 0, backoffMs: 0, timeoutMs: 5000 },
    ).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toContain("cannot reach https://***@charts.example.com/x/index.yaml");
    expect(err?.message).not.toContain("TOKEN");
  });
});

const TOKEN = "Tk9f3qLw7zXvB2";
const SECRET_TOKEN = "Sq4mN8rT1vW6yZ";
const CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: default}\ndata: {a: b}\n";
const RELEASE = (name: string, repo: string) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: ${name}, namespace: flux-system}
spec:
  interval: 1h
  chart:
    spec:
      chart: app
      version: 1.0.0
      sourceRef: {kind: HelmRepository, name: ${repo}}
`;
const REPOSITORY = (name: string, url: string) => `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: ${name}, namespace: flux-system}
spec:
  interval: 1h
  url: ${url}
`;

/**
 * A cluster whose remote resource, generator file and HelmRepository carry TOKEN as written, and
 * whose two other HelmRepositories carry SECRET_TOKEN substituted from a Secret (in the userinfo
 * and in the path, where no URL rule can tell it is a credential).
 */
function repository(): string {
  return tempTree({
    "clusters/prod/flux-system/gotk-sync.yaml": fluxSync("./clusters/prod"),
    "clusters/prod/flux-system/kustomization.yaml": "resources: [gotk-sync.yaml]\n",
    "clusters/prod/kustomization.yaml": "resources: [flux-system, apps.yaml, secret.yaml]\n",
    "clusters/prod/secret.yaml": `apiVersion: v1\nkind: Secret\nmetadata: {name: repo-creds, namespace: flux-system}\nstringData:\n  REPO_TOKEN: ${SECRET_TOKEN}\n`,
    "clusters/prod/apps.yaml": `${fluxKs("web", "./apps/web")}---\n${fluxKs(
      "sources",
      "./sources",
      "  postBuild:\n    substituteFrom:\n    - kind: Secret\n      name: repo-creds\n",
    )}`,
    "apps/web/kustomization.yaml": `resources:\n- cm.yaml\n- https://user:${TOKEN}@github.com/org/repo//deploy?ref=main\n- https://gitlab.example.com/org/repo//base?ref=main&private_token=${TOKEN}\nconfigMapGenerator:\n- name: gen\n  files:\n  - https://${TOKEN}@raw.example.com/f.json\n`,
    "apps/web/cm.yaml": CM,
    "sources/kustomization.yaml": "resources: [sources.yaml]\n",
    "sources/sources.yaml": [
      REPOSITORY("plain", `https://user:${TOKEN}@plain.example.com/x`),
      RELEASE("plain", "plain"),
      REPOSITORY("userinfo", "https://user:${REPO_TOKEN}@userinfo.example.com/x"),
      RELEASE("userinfo", "userinfo"),
      REPOSITORY("inpath", "https://inpath.example.com/${REPO_TOKEN}/x"),
      RELEASE("inpath", "inpath"),
    ].join("---\n"),
  });
}

describe("no output prints a URL's credentials", () => {
  let cacheDir: string;
  beforeEach(() => {
    noOwnKeys();
    cacheDir = mkdtempSync(path.join(tmpdir(), "slipway-urlcreds-cache-"));
    vi.stubEnv("SLIPWAY_CACHE_DIR", cacheDir);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  /** The lines that quote a token. */
  const leaks = (text: string) =>
    text.split("\n").filter((l) => l.includes(TOKEN) || l.includes(SECRET_TOKEN));

  it("check, in every format, says the same about what is left out and exits alike", async () => {
    const repo = repository();
    const codes = new Set<number>();
    for (const format of ["text", "json", "sarif", "github", "junit"]) {
      const r = await captureOutput(() => checkCommand([repo, "--format", format]));
      expect(leaks(r.stdout + r.stderr), format).toEqual([]);
      // Each release and each remote entry is still named, so the finding says where.
      for (const what of [
        "plain.example.com",
        "userinfo.example.com",
        "github.com/org/repo",
        "raw.example.com",
      ])
        expect(r.stdout + r.stderr, `${format} ${what}`).toContain(what);
      codes.add(r.code);
    }
    expect(codes.size).toBe(1);
    const g = await captureOutput(() => graphCommand([repo]));
    expect(leaks(g.stdout + g.stderr)).toEqual([]);
    // The report shows the repository's files as written, but with each URL's credentials
    // redacted as every other output does: the page is a CI artifact (before, TOKEN was in it).
    const html = path.join(cacheDir, "report.html");
    const report = await captureOutput(() => reportCommand([repo, "--html", html]));
    expect(leaks(report.stdout + report.stderr)).toEqual([]);
    const page = readFileSync(html, "utf8");
    expect(page).not.toContain(SECRET_TOKEN);
    expect(page).not.toContain(TOKEN);
    expect(page).toContain("https://***@github.com/org/repo//deploy?ref=main");
  });

  it("a build that fails quotes its remote entries without their credentials, in every output and in build's error", async () => {
    // The repository's generator entry is `key=path` with a second `=`, which kustomize refuses:
    // the failure's message lists the entries as written.
    const repo = tempTree({
      "clusters/prod/flux-system/gotk-sync.yaml": fluxSync("./clusters/prod"),
      "clusters/prod/flux-system/kustomization.yaml": "resources: [gotk-sync.yaml]\n",
      "clusters/prod/kustomization.yaml": "resources: [flux-system, apps.yaml]\n",
      "clusters/prod/apps.yaml": fluxKs("web", "./apps/web"),
      "apps/web/kustomization.yaml": `resources:\n- cm.yaml\n- https://user:${TOKEN}@github.com/org/repo//deploy?ref=main\nconfigMapGenerator:\n- name: gen\n  files:\n  - https://raw.example.com/f.json?x=1&private_token=${TOKEN}\n`,
      "apps/web/cm.yaml": CM,
    });
    const codes = new Set<number>();
    for (const format of ["text", "json", "sarif", "github", "junit"]) {
      const r = await captureOutput(() => checkCommand([repo, "--format", format]));
      expect(leaks(r.stdout + r.stderr), format).toEqual([]);
      expect(r.stdout + r.stderr, format).toContain("key name or file path contains '='");
      codes.add(r.code);
    }
    expect([...codes]).toEqual([1]);
    for (const run of [
      () => renderCommand([repo]),
      () => graphCommand([repo]),
      () => buildCommand([path.join(repo, "apps/web")]),
    ]) {
      const r = await captureOutput(run);
      expect(leaks(r.stdout + r.stderr)).toEqual([]);
      expect(r.code).not.toBe(0);
    }
  });

  it("render's header names a cached chart's location without a secret in its URL", async () => {
    const repo = repository();
    const archive = tgz([
      ["app/Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.0.0\n"],
      ["app/templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"],
    ]);
    const cache = new ChartCache(cacheDir);
    for (const source of [
      `https://user:${TOKEN}@plain.example.com/x`,
      `https://user:${SECRET_TOKEN}@userinfo.example.com/x`,
      `https://inpath.example.com/${SECRET_TOKEN}/x`,
    ])
      cache.putArchive({ source, name: "app", version: "1.0.0" }, archive);
    const r = await captureOutput(() => renderCommand([repo]));
    // The HelmRepository holds TOKEN as the pull request wrote it: the object shows it, nothing else.
    expect(leaks(r.stdout).filter((l) => !l.startsWith("  url: "))).toEqual([]);
    expect(leaks(r.stderr)).toEqual([]);
    expect(r.stdout).not.toContain(SECRET_TOKEN);
    const headers = r.stdout.split("\n").filter((l) => l.startsWith("# cluster prod, HelmRelease"));
    expect(headers).toEqual([
      "# cluster prod, HelmRelease flux-system/plain, chart https://***@plain.example.com/x/app@1.0.0 1.0.0, release flux-system/plain",
      "# cluster prod, HelmRelease flux-system/userinfo, chart https://***@userinfo.example.com/x/app@1.0.0 1.0.0, release flux-system/userinfo",
      "# cluster prod, HelmRelease flux-system/inpath, release flux-system/inpath",
    ]);
  });

  it("a diff still sees a remote entry whose token alone changed (the cluster fetches with another credential)", async () => {
    const repo = repository();
    const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, stdio: "pipe" });
    git("init", "-q");
    git("add", "-A");
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base");
    const file = path.join(repo, "apps/web/kustomization.yaml");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(`user:${TOKEN}@github.com`, "user:Rotated9x7@github.com"),
    );
    const r = await captureOutput(() => diffCommand([repo, "--base", "HEAD"]));
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
    expect(r.stdout + r.stderr).not.toContain("Rotated9x7");
    expect(r.stdout).toContain("what Slipway cannot render offline or decrypt changed");
    expect(r.code).toBe(1);
  });

  it("charts list, in both formats", async () => {
    const repo = repository();
    for (const format of ["text", "json"]) {
      const r = await captureOutput(() => chartsCommand(["list", repo, "--format", format]));
      expect(leaks(r.stdout + r.stderr), format).toEqual([]);
      expect(r.stdout).toContain("https://***@plain.example.com/x");
      // A URL that quotes a secret value where no rule can see it is replaced by its source.
      expect(r.stdout).toContain("HelmRepository flux-system/inpath");
    }
  });
});
