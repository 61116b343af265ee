/**
 * The dashboard's HTTP server: read-only, GET/HEAD only, bound to loopback by default. It
 * serves the page, the two built assets and the model's data — never a file by path: a
 * source file is served only when the model points at it, with the bytes the render read.
 * Requests whose Host is not this loopback address are refused (DNS rebinding).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { DiffReport } from "../diff/model.js";
import { errorMessage } from "../errors.js";
import type { WebAssets } from "../report/assets.js";
import { livePageHtml } from "../report/html.js";
import { isRevisionSyntax, type RevisionChoices } from "../report/revision.js";
import type { DashboardSession } from "./session.js";
import { EventHub } from "./sse.js";

export interface ServerOptions {
  session: DashboardSession;
  assets: WebAssets;
  /** Revisions offered as a diff base (undefined: none). */
  revisions?: () => RevisionChoices;
  /** A revision diff against `base` (working tree as head). */
  diff?: (base: string) => Promise<DiffReport>;
  host?: string;
  port?: number;
}

export interface DashboardServer {
  server: Server;
  url: string;
  events: EventHub;
  close(): Promise<void>;
}

const LOOPBACK_NAMES = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

export async function startDashboardServer(opts: ServerOptions): Promise<DashboardServer> {
  const host = opts.host ?? "127.0.0.1";
  const events = new EventHub();
  const { session } = opts;
  const title = () => `Slipway · ${session.snapshot?.model.repo ?? "platform"}`;
  const diffs = new Map<string, { generation: number; report: Promise<DiffReport> }>();
  const unsubscribe = session.subscribe((e) => events.send(e.type, e.status));

  const routes: Record<string, (url: URL, res: ServerResponse) => Promise<void> | void> = {
    "/": (_u, res) => send(res, 200, "text/html; charset=utf-8", livePageHtml(title())),
    "/assets/app.js": (_u, res) => send(res, 200, "text/javascript; charset=utf-8", opts.assets.js, true),
    "/assets/app.css": (_u, res) => send(res, 200, "text/css; charset=utf-8", opts.assets.css, true),
    "/api/status": (_u, res) => json(res, 200, session.status()),
    "/api/model": (_u, res) => {
      const s = session.snapshot;
      if (!s) return json(res, 503, { error: session.status().error ?? "the first render has not finished" });
      json(res, 200, { ...s.model, status: session.status() });
    },
    "/api/node": (u, res) => {
      const d = session.snapshot?.details(
        u.searchParams.get("cluster") ?? "",
        u.searchParams.get("id") ?? "",
      );
      if (!d) return json(res, 404, { error: "no such node in the model" });
      json(res, 200, d);
    },
    "/api/source": (u, res) => {
      const file = u.searchParams.get("file") ?? "";
      const s = session.snapshot?.source(file);
      if (!s) return json(res, 404, { error: "not a file of the model" });
      json(res, 200, s);
    },
    "/api/env": (u, res) => {
      const s = session.snapshot;
      if (!s) return json(res, 503, { error: "no snapshot yet" });
      const names = s.model.clusters.map((c) => c.name);
      const a = u.searchParams.get("a") ?? "";
      const b = u.searchParams.get("b") ?? "";
      if (!names.includes(a) || !names.includes(b) || a === b)
        return json(res, 400, { error: `pick two different clusters of: ${names.join(", ")}` });
      json(res, 200, s.envDiff(a, b));
    },
    "/api/revisions": (_u, res) =>
      json(res, 200, opts.revisions?.() ?? { git: false, refs: [], commits: [] }),
    "/api/diff": async (u, res) => {
      const base = u.searchParams.get("base") ?? "";
      if (!opts.diff) return json(res, 404, { error: "revision diffs are not available" });
      if (!isRevisionSyntax(base))
        return json(res, 400, { error: "give ?base=REV (a branch, tag or commit)" });
      const generation = session.status().generation;
      let entry = diffs.get(base);
      if (!entry || entry.generation !== generation) {
        entry = { generation, report: opts.diff(base) };
        diffs.set(base, entry);
        if (diffs.size > 20) diffs.delete(diffs.keys().next().value!);
      }
      try {
        json(res, 200, await entry.report);
      } catch (e) {
        diffs.delete(base);
        json(res, 400, { error: errorMessage(e) });
      }
    },
    "/api/events": (_u, res) => events.add(res, { event: "status", data: session.status() }),
  };

  let port = 0;
  // Bound elsewhere on purpose (--host): the person chose who may connect.
  const loopbackOnly = LOOPBACK_NAMES.has(host);
  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) json(res, 500, { error: errorMessage(e) });
      else res.end();
    });
  });
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (loopbackOnly && !hostAllowed(req.headers.host, port))
      return json(res, 403, { error: "unexpected Host header" });
    if (fromAnotherSite(req, loopbackOnly ? port : undefined))
      return json(res, 403, { error: "a request from another site's page" });
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      return json(res, 405, { error: "read-only: GET and HEAD only" });
    }
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://localhost");
    } catch {
      return json(res, 400, { error: "bad request URL" });
    }
    const route = Object.hasOwn(routes, url.pathname) ? routes[url.pathname] : undefined;
    if (!route) return json(res, 404, { error: "not found" });
    await route(url, res);
  };

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 7420, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    server,
    url: `http://${shownHost}:${port}/`,
    events,
    close: async () => {
      unsubscribe();
      events.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

/** Only this server's own loopback names (or any host when bound elsewhere on purpose). */
function hostAllowed(header: string | undefined, port: number): boolean {
  if (!header) return false;
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(header);
  if (!m) return false;
  return LOOPBACK_NAMES.has(m[1]!.toLowerCase()) && (m[2] === undefined || Number(m[2]) === port);
}

/**
 * A request another site's page made (an <img>, a form, fetch in no-cors mode, an EventSource):
 * it cannot read the answer, but would start a revision diff (a render of the whole repository)
 * or hold an event stream open, as many times as it likes. Browsers say where a request comes
 * from in Sec-Fetch-Site (`none` for an address typed or bookmarked) and, for most cross-origin
 * requests, Origin; a loopback server also checks that Origin names it. Clients that send
 * neither (curl, scripts) are not browsers' pages and are served.
 */
function fromAnotherSite(req: IncomingMessage, loopbackPort: number | undefined): boolean {
  const site = req.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") return true;
  const origin = req.headers.origin;
  if (origin === undefined || loopbackPort === undefined) return false;
  let host: string;
  try {
    const url = new URL(origin);
    if (url.protocol !== "http:") return true;
    host = url.host;
  } catch {
    return true; // "null" (a sandboxed frame, a file:// page) or garbage
  }
  return !hostAllowed(host, loopbackPort);
}

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-resource-policy": "same-origin",
};

function send(res: ServerResponse, status: number, type: string, body: string, cache = false): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    "content-type": type,
    "cache-control": cache ? "no-cache" : "no-store",
    "content-length": Buffer.byteLength(body),
  });
  res.end(res.req.method === "HEAD" ? undefined : body);
}

function json(res: ServerResponse, status: number, value: unknown): void {
  send(
    res,
    status,
    "application/json; charset=utf-8",
    JSON.stringify(value, (_k, x) => (typeof x === "bigint" ? x.toString() : x)),
  );
}
