/**
 * A pull request sets `insecure: true` on a HelmRepository of type oci (or an OCIRepository)
 * naming a public registry, and CI runs `slipway charts pull` on it with the chart cache CI shares
 * between runs. Fetched over plain HTTP, the chart is whatever answered on the network path; it
 * must not become the chart of a later run on the base branch, whose source asks for TLS: that
 * run says the chart is not cached (and `charts pull` fetches it over TLS). The pull request's own
 * runs still read what plain HTTP brought, and a chart fetched over TLS serves a plain-HTTP
 * source too. A registry on loopback serves the chart over plain HTTP.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChartCache } from "../../src/charts/cache.js";
import { PLAIN_HTTP_ROUTE } from "../../src/charts/mirrors.js";
import { CHART_LAYER_MEDIA_TYPE } from "../../src/charts/oci.js";
import { helmRelease } from "../support/flux.js";
import { keepNoRenders, pullInto, renderFrom, servedByChart } from "../support/served-by.js";

let work: string;
let registry: http.Server;
let port: number;

const sha256 = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

/** The distribution API's three reads for repository charts/app, tag 1.0.0, anonymous. */
function serve(archive: Uint8Array): http.Server {
  const layer = sha256(archive);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.cncf.helm.config.v1+json", digest: sha256("{}"), size: 2 },
    layers: [{ mediaType: CHART_LAYER_MEDIA_TYPE, digest: layer, size: archive.byteLength }],
  });
  return http.createServer((req, res) => {
    const answers: Record<string, [string, string | Uint8Array]> = {
      "/v2/charts/app/tags/list": [
        "application/json",
        JSON.stringify({ name: "charts/app", tags: ["1.0.0"] }),
      ],
      "/v2/charts/app/manifests/1.0.0": ["application/vnd.oci.image.manifest.v1+json", manifest],
      [`/v2/charts/app/blobs/${layer}`]: ["application/octet-stream", archive],
    };
    const answer = answers[req.url ?? ""];
    if (answer === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": answer[0] }).end(answer[1]);
  });
}

/** A repository applying HelmRelease `app` from an OCI source of the registry, `insecure` or not. */
function repository(kind: "HelmRepository" | "OCIRepository", insecure: boolean): string {
  const dir = mkdtempSync(path.join(work, "repo-"));
  mkdirSync(path.join(dir, "clusters", "dev"), { recursive: true });
  writeFileSync(path.join(dir, "slipway.yaml"), "clusters:\n  - name: dev\n    path: clusters/dev\n");
  const plain = insecure ? "  insecure: true\n" : "";
  const source =
    kind === "HelmRepository"
      ? `apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: charts\n  namespace: flux-system\nspec:\n  type: oci\n  url: oci://127.0.0.1:${port}/charts\n${plain}`
      : `apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: app\n  namespace: flux-system\nspec:\n  url: oci://127.0.0.1:${port}/charts/app\n  ref:\n    tag: 1.0.0\n  layerSelector:\n    mediaType: ${CHART_LAYER_MEDIA_TYPE}\n    operation: copy\n${plain}`;
  const release =
    kind === "HelmRepository"
      ? helmRelease(
          "app",
          "default",
          "      chart: app\n      version: 1.0.0\n      sourceRef:\n        kind: HelmRepository\n        name: charts\n        namespace: flux-system\n",
        )
      : "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\n  namespace: default\nspec:\n  interval: 10m\n  chartRef:\n    kind: OCIRepository\n    name: app\n    namespace: flux-system\n";
  writeFileSync(path.join(dir, "clusters", "dev", "app.yaml"), `${source}---\n${release}`);
  return dir;
}

let restoreNoCache: () => void;

beforeAll(async () => {
  restoreNoCache = keepNoRenders();
  work = mkdtempSync(path.join(tmpdir(), "slipway-plain-http-"));
  registry = serve(servedByChart("plain-http"));
  await new Promise<void>((r) => registry.listen(0, "127.0.0.1", r));
  port = (registry.address() as AddressInfo).port;
});
afterAll(async () => {
  restoreNoCache();
  await new Promise<void>((r) => registry?.close(() => r()));
  rmSync(work, { recursive: true, force: true });
});

describe("a chart fetched over plain HTTP and the shared chart cache", () => {
  for (const kind of ["HelmRepository", "OCIRepository"] as const) {
    it(`is read only by runs whose ${kind} asks for plain HTTP`, async () => {
      const cache = path.join(work, `cache-${kind}`);
      const pr = repository(kind, true);
      const base = repository(kind, false);

      const pulled = await pullInto(pr, cache);
      expect(pulled.code, pulled.stderr).toBe(0);
      expect((await renderFrom(pr, cache)).stdout).toContain("servedBy: plain-http");

      // The base branch's source asks for TLS: what plain HTTP brought is not its chart.
      const later = await renderFrom(base, cache);
      expect(later.stdout).not.toContain("servedBy: plain-http");
      expect(`${later.stdout}${later.stderr}`).toMatch(/not in the chart cache/);
    });
  }

  it("serves a chart fetched over TLS to a source that asks for plain HTTP", async () => {
    const cache = path.join(work, "cache-tls");
    // As `charts pull` of a TLS source stores it (or `charts add`): no route in the key.
    const store = new ChartCache(cache);
    const source = `oci://127.0.0.1:${port}/charts`;
    store.putVersions(source, "app", ["1.0.0"]);
    store.putArchive({ source, name: "app", version: "1.0.0" }, servedByChart("tls"));
    expect(store.knownVersions(source, "app", PLAIN_HTTP_ROUTE)).toEqual(["1.0.0"]);
    expect((await renderFrom(repository("HelmRepository", true), cache)).stdout).toContain("servedBy: tls");
  });
});
