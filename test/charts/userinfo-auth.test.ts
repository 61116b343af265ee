/**
 * A HelmRepository URL with `user:password@` (Flux reads credentials from secretRef, but a URL
 * may carry them): fetch refused such a URL outright, so `charts pull` could not fetch from it.
 * Slipway now does what Go's http.Client does for Helm and Flux: the userinfo goes as Basic auth
 * to that host, never to another one, not even through a redirect; no message prints the password.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchArchive, fetchIndex } from "../../src/charts/helm-repo.js";
import { DEFAULT_HTTP, FetchError, httpRequest, splitUserinfo } from "../../src/charts/http.js";

const BASIC = `Basic ${Buffer.from("robot:p@ss w0rd").toString("base64")}`;
const INDEX = `apiVersion: v1
entries:
  app:
    - version: 1.0.0
      urls: [packages/app-1.0.0.tgz]
  away:
    - version: 1.0.0
      urls: [http://localhost:PORT_B/app-1.0.0.tgz]
  bounced:
    - version: 1.0.0
      urls: [bounce/app-1.0.0.tgz]
`;

interface Server {
  port: number;
  /** The Authorization header of each request, by path. */
  seen: Map<string, string | undefined>;
  close: () => Promise<void>;
}

async function serve(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<Server> {
  const seen = new Map<string, string | undefined>();
  const server = http.createServer((req, res) => {
    seen.set(req.url ?? "", req.headers.authorization);
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const http1 = { ...DEFAULT_HTTP, retries: 0, timeoutMs: 5_000 };

describe("a repository URL with userinfo", () => {
  let repo: Server;
  let other: Server;
  let url: string;

  beforeAll(async () => {
    other = await serve((_req, res) => res.end("archive from elsewhere"));
    repo = await serve((req, res) => {
      if (req.headers.authorization !== BASIC) {
        res.statusCode = 401;
        res.end();
      } else if (req.url === "/stable/index.yaml") res.end(INDEX.replace("PORT_B", String(other.port)));
      else if (req.url?.startsWith("/stable/bounce/")) {
        res.statusCode = 302;
        res.setHeader("location", `http://localhost:${other.port}/bounced.tgz`);
        res.end();
      } else res.end("archive");
    });
    url = `http://robot:p%40ss%20w0rd@127.0.0.1:${repo.port}/stable`;
  });
  afterAll(async () => {
    await repo.close();
    await other.close();
  });

  it("is fetched with the userinfo as Basic auth, the archive on the same host too", async () => {
    const index = await fetchIndex(url, undefined, http1);
    expect(repo.seen.get("/stable/index.yaml")).toBe(BASIC);
    const archive = await fetchArchive(url, index.get("app")![0]!, undefined, false, http1);
    expect(Buffer.from(archive).toString()).toBe("archive");
  });

  it("never sends the userinfo to another host, directly or through a redirect", async () => {
    const index = await fetchIndex(url, undefined, http1);
    await fetchArchive(url, index.get("away")![0]!, undefined, false, http1);
    expect(other.seen.get("/app-1.0.0.tgz")).toBeUndefined();
    const bounced = await fetchArchive(url, index.get("bounced")![0]!, undefined, false, http1);
    expect(Buffer.from(bounced).toString()).toBe("archive from elsewhere");
    expect(repo.seen.get("/stable/bounce/app-1.0.0.tgz")).toBe(BASIC);
    expect(other.seen.has("/bounced.tgz")).toBe(true);
    expect(other.seen.get("/bounced.tgz")).toBeUndefined();
  });

  it("gives way to a secretRef's credentials, and a refusal does not print the password", async () => {
    const wrong = { username: "robot", password: "other", from: "secret" };
    const failure = await fetchIndex(url, wrong, http1).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(FetchError);
    expect((failure as FetchError).code).toBe("AUTH");
    expect((failure as FetchError).message).not.toContain("w0rd");
    expect((failure as FetchError).message).toContain(`http://127.0.0.1:${repo.port}/stable/index.yaml`);
  });

  it("is not printed when the host cannot be reached", async () => {
    const failure = await httpRequest("http://robot:hunter2@127.0.0.1:1/index.yaml", {}, http1).catch(
      (e: unknown) => e,
    );
    expect((failure as FetchError).code).toBe("NETWORK");
    expect((failure as FetchError).message).not.toContain("hunter2");
  });

  it("splits into the URL without it and the header, decoded as Go's url.User is", () => {
    expect(splitUserinfo("https://a%3Ab:c%2Fd@h.example/x?y=1")).toEqual({
      url: "https://h.example/x?y=1",
      authorization: `Basic ${Buffer.from("a:b:c/d").toString("base64")}`,
    });
    expect(splitUserinfo("https://h.example/x")).toEqual({ url: "https://h.example/x" });
    expect(splitUserinfo("not a url")).toEqual({ url: "not a url" });
  });
});
