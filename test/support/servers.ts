/**
 * Real servers on loopback for the chart tests: Debian's `docker-registry` (the CNCF
 * distribution registry) with a temp config, a Helm repository directory over node:http, and
 * a token-auth front for the registry (the Bearer challenge flow of Docker Hub / GHCR).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { inCI } from "./env.js";

export const registryBinary = process.env.DOCKER_REGISTRY ?? "/usr/bin/docker-registry";

/** Like requires(): true when docker-registry is installed; else a printed skip (an error in CI). */
export function requiresRegistry(): boolean {
  if (existsSync(registryBinary)) return true;
  const msg = `missing docker-registry (looked at ${registryBinary}; Debian package docker-registry)`;
  if (inCI) throw new Error(`CI requires ${msg}`);
  process.stderr.write(`[skipped] suite needs ${msg}; set CI=true to make this an error\n`);
  return false;
}

export async function freePort(): Promise<number> {
  const srv = http.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export interface Running {
  port: number;
  stop(): Promise<void>;
}

/** docker-registry on 127.0.0.1:<free port>, filesystem storage in a temp dir, anonymous. */
export async function startRegistry(): Promise<Running> {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-registry-"));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const config = path.join(dir, "config.yml");
    writeFileSync(
      config,
      [
        "version: 0.1",
        "log:",
        "  level: error",
        "  accesslog:",
        "    disabled: true",
        "storage:",
        "  filesystem:",
        `    rootdirectory: ${path.join(dir, "data")}`,
        "  delete:",
        "    enabled: true",
        "http:",
        `  addr: 127.0.0.1:${port}`,
        "  secret: slipway-test-secret",
        "",
      ].join("\n"),
    );
    const child = spawn(registryBinary, ["serve", config], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d) => {
      stderr += String(d);
    });
    if (await waitReady(`http://127.0.0.1:${port}/v2/`, child)) {
      return {
        port,
        stop: async () => {
          await killChild(child);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    await killChild(child);
    if (attempt >= 2) throw new Error(`docker-registry did not start: ${stderr.slice(-2000)}`);
  }
}

async function waitReady(url: string, child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      const res = await fetch(url);
      if (res.status === 200) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    // SIGKILL: the registry drains keep-alive connections on SIGTERM; its data is a temp dir.
    child.kill("SIGKILL");
  });
}

async function listen(handler: http.RequestListener): Promise<Running & { server: http.Server }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface HelmRepoServer extends Running {
  /** Requests seen, "METHOD path". */
  log: string[];
}

/**
 * Serves `dir` under `/prefix/…`. `failOnce` paths answer 503 the first time (retry tests);
 * `hang` paths never answer (timeout tests); `auth` demands basic auth everywhere.
 */
export async function startHelmRepo(
  dir: string,
  opts: { failOnce?: string[]; hang?: string[]; auth?: { username: string; password: string } } = {},
): Promise<HelmRepoServer> {
  const log: string[] = [];
  const failed = new Set<string>();
  const s = await listen((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    log.push(`${req.method} ${url.pathname}`);
    if (opts.hang?.includes(url.pathname)) return; // never answers
    if (opts.failOnce?.includes(url.pathname) && !failed.has(url.pathname)) {
      failed.add(url.pathname);
      res.writeHead(503).end("try later");
      return;
    }
    if (opts.auth) {
      const want = `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString("base64")}`;
      if (req.headers.authorization !== want) {
        res.writeHead(401, { "www-authenticate": 'Basic realm="charts"' }).end();
        return;
      }
    }
    const file = path.join(
      dir,
      path.normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, ""),
    );
    if (!file.startsWith(dir) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200).end(readFileSync(file));
  });
  return { port: s.port, stop: s.stop, log };
}

/**
 * A Bearer-token front for a registry, as Docker Hub and GHCR work: /v2/* without the token
 * answers 401 with `WWW-Authenticate: Bearer realm=…/token,service=…,scope=…`; /token hands out
 * the token for the right basic credentials (or anonymously when `anonymous`).
 */
export async function startTokenProxy(
  upstreamPort: number,
  creds: { username: string; password: string },
  opts: { anonymous?: boolean } = {},
): Promise<Running & { tokensIssued: () => number }> {
  const token = `tok-${Math.random().toString(36).slice(2)}`;
  let issued = 0;
  let port = 0;
  const s = await listen((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/token") {
      const basic = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString("base64")}`;
      if (req.headers.authorization !== basic && !(opts.anonymous && !req.headers.authorization)) {
        res.writeHead(401).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        return;
      }
      if (url.searchParams.get("service") !== "slipway-test" || !url.searchParams.get("scope")) {
        res.writeHead(400).end("bad token request");
        return;
      }
      issued++;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ access_token: token }));
      return;
    }
    if (req.headers.authorization !== `Bearer ${token}`) {
      const repo = /^\/v2\/(.+)\/(manifests|blobs|tags)\//.exec(url.pathname)?.[1] ?? "";
      res
        .writeHead(401, {
          "www-authenticate": `Bearer realm="http://127.0.0.1:${port}/token",service="slipway-test",scope="repository:${repo}:pull"`,
        })
        .end();
      return;
    }
    const up = http.request(
      {
        host: "127.0.0.1",
        port: upstreamPort,
        path: req.url,
        method: req.method,
        headers: { accept: req.headers.accept ?? "*/*" },
      },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on("error", () => res.writeHead(502).end());
    req.pipe(up);
  });
  port = s.port;
  return { port: s.port, stop: s.stop, tokensIssued: () => issued };
}
