/**
 * `slipway charts pull` against real servers on loopback: Debian's docker-registry (charts
 * pushed by the Helm v4.1.4 oracle with `helm push --plain-http`), a Helm repository directory
 * indexed by `helm repo index` and served over node:http, and a Bearer-token front for the
 * registry. Checks that the cache holds exactly the pushed bytes, that they render like
 * `helm template`, and that each failure is its own clear error.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChartCache } from "../../src/charts/cache.js";
import { PLAIN_HTTP_ROUTE } from "../../src/charts/mirrors.js";
import { chartsCommand } from "../../src/cli/charts.js";
import { formatTemplateOutput, loadChartArchiveFromBytes, renderChart } from "../../src/helm/index.js";
import { captureOutput } from "../support/capture.js";
import { helmOraclePath, requires } from "../support/env.js";
import { helmRelease } from "../support/flux.js";
import {
  type HelmRepoServer,
  type Running,
  requiresRegistry,
  startHelmRepo,
  startRegistry,
  startTokenProxy,
} from "../support/servers.js";

const enabled = requiresRegistry() && requires("helm");

describe.runIf(enabled)("charts pull from a real registry and Helm repository", () => {
  let work: string;
  let helm: string;
  let registry: Running;
  let proxy: Running & { tokensIssued: () => number };
  let repo: HelmRepoServer;
  const packages = new Map<string, string>(); // "alpha-1.1.0" → .tgz path

  const sh = (args: string[]) =>
    execFileSync(helm, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

  beforeAll(async () => {
    helm = helmOraclePath()!;
    work = mkdtempSync(path.join(tmpdir(), "slipway-charts-"));
    const env = {
      ...process.env,
      HELM_CONFIG_HOME: path.join(work, "helm-config"),
      HELM_CACHE_HOME: path.join(work, "helm-cache"),
    };
    process.env.HELM_CONFIG_HOME = env.HELM_CONFIG_HOME;
    process.env.HELM_CACHE_HOME = env.HELM_CACHE_HOME;
    const pkgDir = path.join(work, "packages");
    mkdirSync(pkgDir);
    for (const name of ["alpha", "beta"]) {
      writeChart(path.join(work, "src", name), name);
      const versions =
        name === "alpha" ? ["1.0.0", "1.1.0", "1.2.0-rc.1", "2.0.0"] : ["0.1.0", "0.2.0+build.7"];
      for (const v of versions) {
        sh(["package", path.join(work, "src", name), "--version", v, "-d", pkgDir]);
        packages.set(`${name}-${v}`, path.join(pkgDir, `${name}-${v}.tgz`));
      }
    }
    registry = await startRegistry();
    for (const file of packages.values()) {
      sh(["push", file, `oci://127.0.0.1:${registry.port}/charts`, "--plain-http"]);
    }
    proxy = await startTokenProxy(registry.port, { username: "robot", password: "s3cret" });
    const repoDir = path.join(work, "site");
    mkdirSync(path.join(repoDir, "stable", "packages"), { recursive: true });
    for (const [key, file] of packages) {
      copyFileSync(file, path.join(repoDir, "stable", "packages", `${key}.tgz`));
    }
    // No --url: the index holds relative URLs ("packages/alpha-1.0.0.tgz"), resolved against the repository URL.
    sh(["repo", "index", path.join(repoDir, "stable")]);
    repo = await startHelmRepo(repoDir, { failOnce: ["/stable/index.yaml"], hang: ["/slow/index.yaml"] });
  }, 120_000);

  afterAll(async () => {
    await repo?.stop();
    await proxy?.stop();
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  function platformRepo(extra: { mirrors?: string } = {}): string {
    const dir = mkdtempSync(path.join(work, "platform-"));
    const cluster = path.join(dir, "clusters", "dev");
    mkdirSync(cluster, { recursive: true });
    writeFileSync(
      path.join(dir, "slipway.yaml"),
      `clusters:\n  - name: dev\n    path: clusters/dev\n${extra.mirrors ?? ""}`,
    );
    const reg = `127.0.0.1:${registry.port}`;
    const sources = [
      helmRepository("web", `http://127.0.0.1:${repo.port}/stable/`),
      helmRepository("oci", `oci://${reg}/charts`, "type: oci\n  insecure: true"),
      helmRepository(
        "private",
        `oci://127.0.0.1:${proxy.port}/charts`,
        "type: oci\n  insecure: true\n  secretRef:\n    name: robot",
      ),
      helmRepository(
        "wrong-secret",
        `oci://127.0.0.1:${proxy.port}/charts`,
        "type: oci\n  insecure: true\n  secretRef:\n    name: wrong",
      ),
      helmRepository("slow", `http://127.0.0.1:${repo.port}/slow`),
      helmRepository("mirrored", "https://charts.example.invalid/stable"),
      `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: beta
  namespace: flux-system
spec:
  url: oci://${reg}/charts/beta
  insecure: true
  layerSelector:
    mediaType: application/vnd.cncf.helm.chart.content.v1.tar+gzip
    operation: copy
  ref:
    semver: ">=0.1.0"
`,
      secret("robot", "robot", "s3cret"),
      secret("wrong", "robot", "nope"),
    ];
    const releases = [
      release("web-alpha", "web", "alpha", "^1.0.0"),
      release("web-beta", "web", "beta", ""),
      release("oci-alpha", "oci", "alpha", "~1.0"),
      release("oci-alpha-exact", "oci", "alpha", "2.0.0"),
      release("oci-beta-meta", "oci", "beta", "0.2.0+build.7"),
      release("private-alpha", "private", "alpha", "1.1.x"),
      release("wrong-secret-alpha", "wrong-secret", "alpha", "2.0.0"),
      release("web-missing-chart", "web", "gamma", "*"),
      release("web-no-version", "web", "alpha", ">=9"),
      release("slow-alpha", "slow", "alpha", "*"),
      release("mirrored-alpha", "mirrored", "alpha", "2.0.0"),
      `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: artifact-beta
  namespace: apps
spec:
  interval: 10m
  chartRef:
    kind: OCIRepository
    name: beta
    namespace: flux-system
`,
    ];
    writeFileSync(path.join(cluster, "sources.yaml"), sources.join("---\n"));
    writeFileSync(path.join(cluster, "releases.yaml"), releases.join("---\n"));
    return dir;
  }

  const pull = (...args: string[]) => captureOutput(() => chartsCommand(["pull", ...args]));

  it("pulls every chart concurrently; each failure is its own clear error and the exit code is 1", async () => {
    const cacheDir = path.join(work, "cache-1");
    const dir = platformRepo({
      mirrors: `charts:\n  mirrors:\n    - from: https://charts.example.invalid\n      to: http://127.0.0.1:${repo.port}\n`,
    });
    const r = await pull(
      dir,
      "--cache-dir",
      cacheDir,
      "--timeout",
      "2",
      "--retries",
      "1",
      "--format",
      "json",
    );
    const out = JSON.parse(r.stdout) as {
      charts: Array<{
        status: string;
        source: string;
        chart: string;
        version?: string;
        error?: { code: string; message: string };
        mirror?: string;
        helmReleases: Array<{ name: string }>;
      }>;
    };
    const byRelease = new Map(out.charts.flatMap((c) => c.helmReleases.map((h) => [h.name, c] as const)));
    const ok = (name: string, version: string, status = ["pulled"]) => {
      const c = byRelease.get(name)!;
      expect(c.error, name).toBeUndefined();
      expect(status, name).toContain(c.status);
      expect(c.version, name).toBe(version);
    };
    ok("web-alpha", "1.1.0"); // ^1.0.0: 2.0.0 too high, 1.2.0-rc.1 a prerelease
    ok("web-beta", "0.2.0+build.7");
    ok("oci-alpha", "1.0.0");
    ok("oci-alpha-exact", "2.0.0");
    ok("oci-beta-meta", "0.2.0+build.7"); // pushed as tag 0.2.0_build.7
    ok("private-alpha", "1.1.0");
    // The OCIRepository's tags read as Helm versions (its layerSelector is the chart layer); the
    // archive may already be cached under this spelling by oci-beta-meta, which ran concurrently.
    ok("artifact-beta", "0.2.0_build.7", ["pulled", "cached"]);
    ok("mirrored-alpha", "2.0.0");
    expect(byRelease.get("mirrored-alpha")!.mirror).toBe(`http://127.0.0.1:${repo.port}/stable`);
    const fail = (name: string, code: string, text: RegExp) => {
      const c = byRelease.get(name)!;
      expect(c.status, name).toBe("failed");
      expect(c.error?.code, name).toBe(code);
      expect(c.error?.message, name).toMatch(text);
    };
    fail("wrong-secret-alpha", "AUTH", /refused the credentials from Secret flux-system\/wrong/);
    fail("web-missing-chart", "NOT_FOUND", /'gamma' is not in the index/);
    fail("web-no-version", "NOT_FOUND", /no version of 'alpha' matches '>=9'.*4 listed/);
    fail("slow-alpha", "TIMEOUT", /timed out after 2s/);
    expect(r.code).toBe(1);
    // The first index.yaml request got a 503 and was retried; one index fetch served three releases.
    expect(repo.log.filter((l) => l === "GET /stable/index.yaml")).toHaveLength(2);
    expect(proxy.tokensIssued()).toBeGreaterThan(0);

    // The cache holds exactly the pushed archives.
    const cache = new ChartCache(cacheDir);
    // The registry's sources are `insecure: true`: their charts are keyed by the plain HTTP that
    // brought them, and a source asking for TLS does not read them.
    const bytes = (source: string, name: string, version: string, mirroredBy?: string) =>
      Buffer.from(
        cache.getArchive({ source, name, version, ...(mirroredBy ? { mirroredBy } : {}) }) ??
          new Uint8Array(),
      );
    const reg = `oci://127.0.0.1:${registry.port}/charts`;
    expect(bytes(`http://127.0.0.1:${repo.port}/stable`, "alpha", "1.1.0")).toEqual(
      readFileSync(packages.get("alpha-1.1.0")!),
    );
    expect(bytes(reg, "alpha", "1.0.0", PLAIN_HTTP_ROUTE)).toEqual(
      readFileSync(packages.get("alpha-1.0.0")!),
    );
    expect(cache.getArchive({ source: reg, name: "alpha", version: "1.0.0" })).toBeUndefined();
    expect(bytes(reg, "beta", "0.2.0+build.7", PLAIN_HTTP_ROUTE)).toEqual(
      readFileSync(packages.get("beta-0.2.0+build.7")!),
    );
    // Both spellings of one OCI artifact: OCIRepository URL + tag.
    expect(bytes(`${reg}/beta`, "beta", "0.2.0_build.7", PLAIN_HTTP_ROUTE)).toEqual(
      readFileSync(packages.get("beta-0.2.0+build.7")!),
    );
    // The mirrored chart is stored under the location the HelmRepository names and the mirror
    // that served it: a run whose slipway.yaml names no mirror for it does not read it.
    const mirror = `https://charts.example.invalid -> http://127.0.0.1:${repo.port}`;
    expect(
      Buffer.from(
        cache.getArchive({
          source: "https://charts.example.invalid/stable",
          name: "alpha",
          version: "2.0.0",
          mirroredBy: mirror,
        }) ?? new Uint8Array(),
      ),
    ).toEqual(readFileSync(packages.get("alpha-2.0.0")!));
    expect(
      cache.getArchive({ source: "https://charts.example.invalid/stable", name: "alpha", version: "2.0.0" }),
    ).toBeUndefined();

    // The cached archive renders like helm template of the pushed file.
    const chart = loadChartArchiveFromBytes(
      cache.getArchive({ source: reg, name: "alpha", version: "1.0.0", mirroredBy: PLAIN_HTTP_ROUTE })!,
    );
    const release = renderChart(chart, { releaseName: "web", namespace: "apps", seed: "apps/web", now: 0 });
    const ours = formatTemplateOutput(release, {});
    const theirs = sh(["template", "web", packages.get("alpha-1.0.0")!, "--namespace", "apps"]);
    expect(ours).toBe(theirs);

    // A second run finds everything cached and fetches no archive.
    const before = repo.log.length;
    const again = await pull(
      dir,
      "--cache-dir",
      cacheDir,
      "--timeout",
      "2",
      "--retries",
      "0",
      "--format",
      "json",
    );
    const second = JSON.parse(again.stdout) as {
      charts: Array<{ status: string; helmReleases: Array<{ name: string }> }>;
    };
    for (const c of second.charts) {
      if (
        c.helmReleases.some((h) =>
          ["web-alpha", "oci-alpha", "private-alpha", "artifact-beta"].includes(h.name),
        )
      )
        expect(c.status).toBe("cached");
    }
    expect(repo.log.slice(before).filter((l) => l.endsWith(".tgz"))).toEqual([]);
  }, 120_000);

  it("list shows what each HelmRelease resolves to from the cache, offline; a corrupt entry is reported", async () => {
    const cacheDir = path.join(work, "cache-2");
    const dir = platformRepo();
    await pull(dir, "--cache-dir", cacheDir, "--timeout", "2", "--retries", "0");
    await registry.stop().catch(() => undefined);
    // The registry is gone: list must not need it.
    const r = await captureOutput(() =>
      chartsCommand(["list", dir, "--cache-dir", cacheDir, "--format", "json"]),
    );
    const rows = (
      JSON.parse(r.stdout) as {
        helmReleases: Array<{ helmRelease: { name: string }; status: string; version?: string }>;
      }
    ).helmReleases;
    const row = (n: string) => rows.find((x) => x.helmRelease.name === n)!;
    expect(row("web-alpha")).toMatchObject({ status: "cached", version: "1.1.0" });
    expect(row("oci-alpha")).toMatchObject({ status: "cached", version: "1.0.0" });
    expect(row("artifact-beta")).toMatchObject({ status: "cached", version: "0.2.0_build.7" });
    expect(row("web-no-version").status).toBe("unresolved");
    expect(row("wrong-secret-alpha").status).toBe("missing");
    expect(r.code).toBe(1);
    // Corrupt one archive: list says so (naming the file) instead of crashing.
    const cache = new ChartCache(cacheDir);
    const hit = cache.lookup({
      source: `http://127.0.0.1:${repo.port}/stable`,
      name: "alpha",
      version: "1.1.0",
    })!;
    writeFileSync(cache.blobFile(hit.digest), "garbage");
    const r2 = await captureOutput(() => chartsCommand(["list", dir, "--cache-dir", cacheDir]));
    expect(r2.stdout).toMatch(
      /web-alpha .*corrupt: .*blobs\/sha256\/[0-9a-f]{64}: cached archive .* is corrupted/,
    );
    registry = await startRegistry(); // for afterAll
  }, 120_000);
});

function helmRepository(name: string, url: string, extra = ""): string {
  return `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: ${name}
  namespace: flux-system
spec:
  interval: 1h
  url: ${url}
${extra ? `  ${extra}\n` : ""}`;
}

function secret(name: string, username: string, password: string): string {
  return `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: flux-system
stringData:
  username: ${username}
  password: ${password}
`;
}

function release(name: string, repoName: string, chart: string, version: string): string {
  return helmRelease(
    name,
    "apps",
    `      chart: ${chart}
${version ? `      version: "${version}"\n` : ""}      sourceRef:
        kind: HelmRepository
        name: ${repoName}
        namespace: flux-system
`,
  );
}

/** A small chart using only text/template builtins (the engine's sprig library is another issue's). */
function writeChart(dir: string, name: string): void {
  mkdirSync(path.join(dir, "templates"), { recursive: true });
  writeFileSync(
    path.join(dir, "Chart.yaml"),
    `apiVersion: v2\nname: ${name}\nversion: 0.0.0\nappVersion: "1.0"\n`,
  );
  writeFileSync(path.join(dir, "values.yaml"), "replicas: 2\ngreeting: hello\n");
  writeFileSync(
    path.join(dir, "templates", "configmap.yaml"),
    `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-${name}
  namespace: {{ .Release.Namespace }}
data:
  chart: {{ printf "%q" (printf "%s-%s" .Chart.Name .Chart.Version) }}
  greeting: {{ printf "%q" .Values.greeting }}
`,
  );
  writeFileSync(
    path.join(dir, "templates", "deployment.yaml"),
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  template:
    spec:
      containers:
        - name: app
          image: "example/${name}:{{ .Chart.AppVersion }}"
`,
  );
}
