/**
 * A source's Secret holds credentials for the source's own host. slipway.yaml's
 * `charts.mirrors` (which a pull request may rewrite) sends the fetch elsewhere; the Secret's
 * username and password must not follow it there, for a Helm repository or an OCI registry. On
 * the source's own host they are sent as before.
 */
import { mkdtempSync, rmSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChartCache } from "../../src/charts/cache.js";
import { DEFAULT_HTTP } from "../../src/charts/http.js";
import { pullCharts } from "../../src/charts/pull.js";
import type { ChartRequest } from "../../src/charts/requests.js";

const SECRET = { apiVersion: "v1", kind: "Secret", stringData: { username: "robot", password: "hunter2" } };
const BASIC = `Basic ${Buffer.from("robot:hunter2").toString("base64")}`;

let server: http.Server;
let port: number;
/** The Authorization header of every request the server saw. */
const seen: Array<string | undefined> = [];
let cacheDir: string;

beforeAll(async () => {
  cacheDir = mkdtempSync(path.join(tmpdir(), "slipway-mirror-creds-"));
  server = http.createServer((req, res) => {
    seen.push(req.headers.authorization);
    // Asks for credentials as a registry or a private Helm repository does, and never accepts.
    res.statusCode = 401;
    res.setHeader("www-authenticate", 'Basic realm="mirror"');
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(cacheDir, { recursive: true, force: true });
});

function request(kind: "helm" | "oci", source: string): ChartRequest {
  return {
    release: { namespace: "default", name: "app" } as ChartRequest["release"],
    kind,
    source,
    name: "app",
    range: "1.0.0",
    helmTags: kind === "oci",
    insecure: true,
    passCredentials: false,
    secretRef: { namespace: "flux-system", name: "auth", secret: SECRET },
    via: "HelmRepository flux-system/private",
  };
}

async function pull(req: ChartRequest, mirrors: Array<{ from: string; to: string }>): Promise<void> {
  seen.length = 0;
  const [outcome] = await pullCharts([req], {
    cache: new ChartCache(cacheDir, { derived: false }),
    http: { ...DEFAULT_HTTP, retries: 0, timeoutMs: 5_000 },
    concurrency: 1,
    mirrors: mirrors.map((m) => ({ ...m, insecure: true })),
    loginFiles: [],
  });
  expect(outcome!.status).toBe("failed");
  expect(seen.length).toBeGreaterThan(0);
}

describe("a source's Secret credentials and a mirror on another host", () => {
  it.each([
    ["helm", "https://charts.private.example/stable", "http://127.0.0.1:PORT/stable"],
    ["oci", "oci://registry.private.example/charts", "oci://127.0.0.1:PORT/charts"],
  ] as const)("%s: are not sent to the mirror", async (kind, source, to) => {
    await pull(request(kind, source), [{ from: source, to: to.replace("PORT", `${port}`) }]);
    expect(seen.filter((a) => a !== undefined)).toEqual([]);
  });

  it.each([
    ["helm", "http://127.0.0.1:PORT/stable"],
    ["oci", "oci://127.0.0.1:PORT/charts"],
  ] as const)("%s: are sent to the source's own host", async (kind, source) => {
    await pull(request(kind, source.replace("PORT", `${port}`)), []);
    expect(seen).toContain(BASIC);
  });
});
