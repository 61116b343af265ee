/**
 * The dashboard server as a client sees it: routes, read-only, loopback only, only the model's
 * files, server-sent events on re-render, and no plaintext secret in any response even with
 * the decryption key loaded.
 */
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPlatform } from "../../src/platform/index.js";
import type { DashboardModel, NodeDetails } from "../../src/report/model.js";
import { type DashboardServer, startDashboardServer } from "../../src/server/http.js";
import { DashboardSession } from "../../src/server/session.js";
import { demoIdentities, demoPlaintexts, platformDir } from "../support/demo-secrets.js";

const assets = { js: "console.log('app')", css: "body{}" };
let dir: string;
let session: DashboardSession;
let server: DashboardServer;
let port: number;

beforeAll(async () => {
  dir = path.join(mkdtempSync(path.join(tmpdir(), "slipway-serve-")), "platform");
  cpSync(platformDir, dir, { recursive: true });
  session = new DashboardSession(dir, { identities: demoIdentities });
  server = await startDashboardServer({ session, assets, port: 0 });
  port = Number(new URL(server.url).port);
  await session.start();
});

afterAll(async () => {
  await server?.close();
});

function get(
  pathname: string,
  opts: { method?: string; host?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: pathname,
        method: opts.method ?? "GET",
        headers: { host: opts.host ?? `127.0.0.1:${port}`, ...opts.headers },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("slipway serve: HTTP", () => {
  it("binds to loopback by default and serves the page and its two assets", async () => {
    expect((server.server.address() as { address: string }).address).toBe("127.0.0.1");
    const page = await get("/");
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script type="module" src="/assets/app.js">');
    expect(page.body).toContain("Content-Security-Policy");
    expect((await get("/assets/app.js")).body).toBe(assets.js);
    expect((await get("/assets/app.css")).headers["content-type"]).toMatch(/^text\/css/);
  });

  it("serves the model with the counts of the Platform", async () => {
    const res = await get("/api/model");
    expect(res.status).toBe(200);
    const model = JSON.parse(res.body) as DashboardModel;
    const platform = loadPlatform(dir);
    expect(model.summary.clusters).toBe(platform.clusters.length);
    expect(model.summary.kustomizations).toBe(
      platform.clusters.reduce((n, c) => n + c.kustomizations.length, 0),
    );
    expect(model.summary.helmReleases).toBe(platform.clusters.reduce((n, c) => n + c.helmReleases.length, 0));
    expect(model.summary.objects).toBe(
      platform.clusters.reduce((n, c) => n + c.kustomizations.reduce((m, k) => m + k.resources.length, 0), 0),
    );
    const dev = model.clusters.find((c) => c.name === "dev")!;
    expect(dev.nodes).toHaveLength(dev.counts.kustomizations + dev.counts.helmReleases);
    expect(dev.graph.criticalPath.length).toBeGreaterThan(1);
  });

  it("answers node details, and 404 for a node that does not exist", async () => {
    const ok = await get(
      `/api/node?cluster=dev&id=${encodeURIComponent("Kustomization/flux-system/backend")}`,
    );
    expect(ok.status).toBe(200);
    const d = JSON.parse(ok.body) as NodeDetails;
    expect(d.objects.length).toBeGreaterThan(0);
    expect(d.definedAt?.file).toBe("clusters/dev/apps/backend.yaml");
    expect(d.dependsOn).toContain("Kustomization/flux-system/postgres");
    expect((await get("/api/node?cluster=dev&id=Kustomization/flux-system/nope")).status).toBe(404);
    expect((await get("/api/node?cluster=nope&id=Kustomization/flux-system/backend")).status).toBe(404);
  });

  it.each([
    ["/etc/passwd"],
    ["../../../../etc/passwd"],
    ["apps/../../../etc/passwd"],
    ["README.md"], // in the repository, but no part of the model
    [".sops.yaml"],
    ["apps/backend/base/%2e%2e/%2e%2e/%2e%2e/README.md"],
  ])("never serves a file the model does not point at: %s", async (file) => {
    const res = await get(`/api/source?file=${encodeURIComponent(file)}`);
    expect(res.status).toBe(404);
    expect(res.body).not.toMatch(/root:|Example platform/);
  });

  it("serves a file of the model as the render read it, not as the disk has it now", async () => {
    const file = "apps/backend/base/deployment.yaml";
    const before = JSON.parse((await get(`/api/source?file=${file}`)).body);
    expect(before.text).toContain("kind: Deployment");
    writeFileSync(path.join(dir, "apps/frontend/base/NOTES.yaml"), "kind: Secret\n");
    expect((await get("/api/source?file=apps/frontend/base/NOTES.yaml")).status).toBe(404);
  });

  it("is read-only and refuses foreign Host headers (DNS rebinding)", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      expect((await get("/api/model", { method })).status).toBe(405);
    }
    expect((await get("/api/model", { host: "evil.example" })).status).toBe(403);
    expect((await get("/api/model", { host: `localhost:${port}` })).status).toBe(200);
    expect((await get("/api/model", { host: "localhost:1" })).status).toBe(403);
    expect((await get("/nope")).status).toBe(404);
    expect((await get("/api/../etc/passwd")).status).toBe(404);
  });

  it.each([
    ["a page of another site", { "sec-fetch-site": "cross-site" }, 403],
    ["a page of another port of localhost", { "sec-fetch-site": "same-site" }, 403],
    ["another origin", { origin: "http://evil.example" }, 403],
    ["a sandboxed frame or file page", { origin: "null" }, 403],
    ["another loopback port", { origin: "http://127.0.0.1:1" }, 403],
    ["the dashboard's own page", { "sec-fetch-site": "same-origin", origin: "http://127.0.0.1:PORT" }, 200],
    ["an address typed in", { "sec-fetch-site": "none" }, 200],
    ["a client that is no browser", {}, 200],
  ])("answers a request from %s with %d", async (_, headers, status) => {
    const given = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, v.replace("PORT", `${port}`)]),
    );
    for (const route of ["/api/model", "/api/diff?base=HEAD~1", "/api/revisions"]) {
      const res = await get(route, { headers: given });
      if (status === 403) expect(res.status, route).toBe(403);
      else expect(res.status, route).not.toBe(403);
    }
  });

  it("compares two environments and rejects unknown ones", async () => {
    const res = await get("/api/env?a=staging&b=production");
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).mode).toBe("environment");
    expect((await get("/api/env?a=staging&b=nope")).status).toBe(400);
  });

  it("never sends a plaintext secret, with the decryption key loaded", async () => {
    const secrets = await demoPlaintexts();
    expect(secrets.length).toBeGreaterThan(3);
    const model = JSON.parse((await get("/api/model")).body) as DashboardModel;
    const bodies = [JSON.stringify(model)];
    for (const c of model.clusters) {
      for (const n of c.nodes) {
        bodies.push((await get(`/api/node?cluster=${c.name}&id=${encodeURIComponent(n.id)}`)).body);
      }
    }
    const files = new Set<string>();
    for (const b of bodies) for (const m of b.matchAll(/"file":"([^"]+)"/g)) files.add(m[1]!);
    for (const f of model.secrets.files) files.add(f.file);
    for (const f of files) bodies.push((await get(`/api/source?file=${encodeURIComponent(f)}`)).body);
    bodies.push(
      (await get("/api/env?a=dev&b=staging")).body,
      (await get("/api/env?a=staging&b=production")).body,
    );
    const all = bodies.join("\n");
    expect(model.secrets.haveIdentities).toBe(true);
    expect(all).toContain("<masked:sha256:");
    for (const s of secrets) expect(all.includes(s), `a secret value leaked (${s.length} chars)`).toBe(false);
  });

  it("pushes a status and then a snapshot event over SSE when a file changes", async () => {
    const events: Array<{ event: string; data: { generation: number; state: string } }> = [];
    const req = request({
      host: "127.0.0.1",
      port,
      path: "/api/events",
      headers: { host: `127.0.0.1:${port}` },
    });
    const gotSnapshot = new Promise<void>((resolve, reject) => {
      req.on("response", (res) => {
        expect(res.headers["content-type"]).toMatch(/^text\/event-stream/);
        let buf = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          buf += chunk;
          for (let i = buf.indexOf("\n\n"); i >= 0; i = buf.indexOf("\n\n")) {
            const frame = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const event = /^event: (.*)$/m.exec(frame)?.[1];
            const data = /^data: (.*)$/m.exec(frame)?.[1];
            if (event && data) events.push({ event, data: JSON.parse(data) });
            if (event === "snapshot") resolve();
          }
        });
      });
      req.on("error", reject);
    });
    req.end();
    await new Promise((r) => setTimeout(r, 100));
    const before = session.status().generation;
    const file = path.join(dir, "apps/backend/base/deployment.yaml");
    writeFileSync(file, "# touched\n", { flag: "a" });
    await session.changed([file]);
    await gotSnapshot;
    req.destroy();
    expect(events[0]!.event).toBe("status");
    const last = events[events.length - 1]!;
    expect(last.data.generation).toBe(before + 1);
    expect(last.data.state).toBe("ready");
    const model = JSON.parse((await get("/api/model")).body) as DashboardModel;
    expect(model.generation).toBe(before + 1);
    expect(model.changedFiles).toEqual(["apps/backend/base/deployment.yaml"]);
  });
});
