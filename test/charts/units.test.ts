import { describe, expect, it } from "vitest";
import {
  credentialsFromDockerConfig,
  credentialsFromSecret,
  registryHost,
} from "../../src/charts/credentials.js";
import { indexUrl, parseIndex, resolveChartUrl } from "../../src/charts/helm-repo.js";
import { FetchError, httpRequest, MAX_RESPONSE_BYTES } from "../../src/charts/http.js";
import { applyMirrors, mirroredBy } from "../../src/charts/mirrors.js";
import { parseChallenge, parseOciUrl } from "../../src/charts/oci.js";
import { refsForAdd } from "../../src/cli/charts.js";
import { takeCacheDir } from "../../src/cli/main.js";
import { parseConfig } from "../../src/platform/config.js";
import { parseYaml } from "../../src/yaml/index.js";

describe("resolveChartUrl (helm ResolveReferenceURL)", () => {
  it.each([
    ["https://x.io/charts", "a-1.0.0.tgz", "https://x.io/charts/a-1.0.0.tgz"],
    ["https://x.io/charts/", "packages/a-1.0.0.tgz", "https://x.io/charts/packages/a-1.0.0.tgz"],
    ["https://x.io/charts?token=1", "a.tgz", "https://x.io/charts/a.tgz?token=1"],
    ["https://x.io/charts", "/root/a.tgz", "https://x.io/root/a.tgz"],
    ["https://x.io/charts", "https://cdn.io/a.tgz", "https://cdn.io/a.tgz"],
    ["https://x.io/charts", "../other/a.tgz", "https://x.io/other/a.tgz"],
  ])("%s + %s", (base, ref, expected) => expect(resolveChartUrl(base, ref)).toBe(expected));

  it("index.yaml sits under the repository URL", () => {
    expect(indexUrl("https://x.io/charts/")).toBe("https://x.io/charts/index.yaml");
    expect(indexUrl("https://x.io")).toBe("https://x.io/index.yaml");
  });
});

describe("parseIndex", () => {
  it("reads entries, newest created first among equals; rejects an index without entries", () => {
    const idx = parseIndex(
      "apiVersion: v1\nentries:\n  a:\n    - version: 1.0.0\n      created: 2020-01-01T00:00:00Z\n      urls: [a-1.tgz]\n    - version: 1.0.0\n      created: 2021-01-01T00:00:00Z\n      urls: [a-2.tgz]\n      digest: abc\n",
      "index.yaml",
    );
    expect(idx.get("a")!.map((e) => e.urls[0])).toEqual(["a-2.tgz", "a-1.tgz"]);
    expect(() => parseIndex("apiVersion: v1\n", "u")).toThrow(FetchError);
    expect(() => parseIndex("{{{", "u")).toThrow(/not valid YAML/);
  });
});

describe("OCI", () => {
  it("parses WWW-Authenticate challenges", () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.io/token",service="registry.io",scope="repository:a/b:pull"',
      ),
    ).toEqual({
      scheme: "bearer",
      params: { realm: "https://auth.io/token", service: "registry.io", scope: "repository:a/b:pull" },
    });
    expect(parseChallenge('Basic realm="x"')).toEqual({ scheme: "basic", params: { realm: "x" } });
  });

  it("splits oci:// URLs", () => {
    expect(parseOciUrl("oci://GHCR.io:443/org/charts/podinfo/")).toEqual({
      registry: "ghcr.io:443",
      repository: "org/charts/podinfo",
      plainHttp: false,
    });
    expect(() => parseOciUrl("oci://ghcr.io")).toThrow(FetchError);
  });
});

describe("credentials", () => {
  const config = JSON.stringify({
    auths: {
      "https://index.docker.io/v1/": { auth: Buffer.from("me:pw").toString("base64") },
      "ghcr.io": { username: "u", password: "p" },
    },
  });
  it.each([
    ["docker.io", { username: "me", password: "pw" }],
    ["ghcr.io", { username: "u", password: "p" }],
    ["quay.io", undefined],
  ])("docker config for %s", (host, expected) => {
    const c = credentialsFromDockerConfig(config, registryHost(host), "f");
    expect(c ? { username: c.username, password: c.password } : undefined).toEqual(expected);
  });

  it("reads a Secret's data (base64), stringData and .dockerconfigjson", () => {
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    expect(
      credentialsFromSecret({ data: { username: b64("a"), password: b64("b") } }, "h", "s"),
    ).toMatchObject({
      username: "a",
      password: "b",
    });
    expect(credentialsFromSecret({ stringData: { username: "c", password: "d" } }, "h", "s")).toMatchObject({
      username: "c",
    });
    expect(
      credentialsFromSecret({ data: { ".dockerconfigjson": b64(config) } }, "ghcr.io", "s"),
    ).toMatchObject({
      username: "u",
    });
    expect(credentialsFromSecret({ data: {} }, "h", "s")).toBeUndefined();
  });
});

describe("applyMirrors", () => {
  const mirrors = [
    { from: "oci://ghcr.io", to: "oci://mirror.local:5000/ghcr", insecure: true },
    { from: "oci://ghcr.io/special", to: "oci://special.local/x", insecure: false },
    { from: "https://charts.example.com/", to: "http://nexus.local/helm", insecure: false },
  ];
  it.each([
    ["oci://ghcr.io/org/charts/podinfo", "oci://mirror.local:5000/ghcr/org/charts/podinfo", true],
    ["oci://ghcr.io/special/a", "oci://special.local/x/a", false],
    ["oci://ghcr.iox/a", "oci://ghcr.iox/a", false],
    ["https://charts.example.com/stable/", "http://nexus.local/helm/stable", false],
    ["https://other.io/x", "https://other.io/x", false],
  ])("%s → %s", (url, expected, insecure) => {
    const m = applyMirrors(url, mirrors);
    expect(m.url).toBe(expected);
    expect(m.insecure).toBe(insecure);
  });
});

describe("mirroredBy: the mirrors a cache entry is keyed by", () => {
  const mirrors = [
    { from: "oci://ghcr.io", to: "oci://user:hunter2@mirror.local:5000/ghcr", insecure: true },
    { from: "oci://ghcr.io/org/charts/podinfo", to: "oci://special.local/podinfo", insecure: false },
    { from: "https://charts.example.com", to: "http://nexus.local/helm", insecure: false },
  ];
  it("names every entry covering the chart's location, sorted, credentials hidden", () => {
    // Both the registry-wide and the chart's own entry cover oci://ghcr.io/org/charts/podinfo.
    expect(mirroredBy("oci://ghcr.io/org/charts", "podinfo", mirrors)).toBe(
      [
        "oci://ghcr.io -> oci://***@mirror.local:5000/ghcr (plain HTTP)",
        "oci://ghcr.io/org/charts/podinfo -> oci://special.local/podinfo",
      ].join("\n"),
    );
    expect(mirroredBy("oci://ghcr.io/org/charts", "other", mirrors)).toBe(
      "oci://ghcr.io -> oci://***@mirror.local:5000/ghcr (plain HTTP)",
    );
    expect(mirroredBy("https://Charts.example.com/stable/", "app", mirrors)).toBe(
      "https://charts.example.com -> http://nexus.local/helm",
    );
  });
  it("is undefined for a chart fetched from its source", () => {
    expect(mirroredBy("https://other.io/x", "app", mirrors)).toBeUndefined();
    expect(mirroredBy("oci://ghcr.iox/a", "app", mirrors)).toBeUndefined();
    expect(mirroredBy("oci://ghcr.io/a", "app", [])).toBeUndefined();
  });
  it("covers whatever location applyMirrors fetches the chart at (source or source/name)", () => {
    for (const [source, name] of [
      ["oci://ghcr.io/org/charts", "podinfo"],
      ["oci://ghcr.io/org/charts/podinfo", "podinfo"],
      ["https://charts.example.com/stable", "app"],
    ] as const) {
      for (const at of [source, `${source}/${name}`]) {
        const m = applyMirrors(at, mirrors).mirror;
        if (m) expect(mirroredBy(source, name, mirrors)).toContain(`${m.from} -> `);
      }
    }
  });
});

describe("slipway.yaml charts.mirrors", () => {
  const parse = (text: string) => parseConfig(parseYaml(text, "slipway.yaml"), "slipway.yaml");
  it("decodes mirrors and refuses bad ones", () => {
    expect(parse("charts:\n  mirrors:\n    - from: oci://ghcr.io\n      to: oci://m.local\n").charts).toEqual(
      {
        mirrors: [{ from: "oci://ghcr.io", to: "oci://m.local", insecure: false }],
      },
    );
    expect(() =>
      parse("charts:\n  mirrors:\n    - from: oci://ghcr.io\n      to: https://m.local\n"),
    ).toThrow(/only be mirrored to another oci/);
    expect(() => parse("charts:\n  mirrors:\n    - from: ghcr.io\n      to: oci://m\n")).toThrow(/URL/);
    expect(() => parse("charts:\n  mirror: []\n")).toThrow(/unknown field 'mirror'/);
  });
});

describe("charts add --as", () => {
  it.each([
    ["https://charts.io/stable/", [["https://charts.io/stable", "1.2.3+b"]]],
    [
      "oci://ghcr.io/org/charts",
      [
        ["oci://ghcr.io/org/charts", "1.2.3+b"],
        ["oci://ghcr.io/org/charts/podinfo", "1.2.3_b"],
      ],
    ],
    [
      "oci://ghcr.io/org/charts/podinfo",
      [
        ["oci://ghcr.io/org/charts/podinfo", "1.2.3_b"],
        ["oci://ghcr.io/org/charts", "1.2.3+b"],
      ],
    ],
    [
      "oci://ghcr.io/org/charts/podinfo:latest",
      [
        ["oci://ghcr.io/org/charts/podinfo", "latest"],
        ["oci://ghcr.io/org/charts", "1.2.3+b"],
      ],
    ],
  ])("%s", (as, expected) => {
    const refs = refsForAdd(as, "podinfo", "1.2.3+b");
    expect(Array.isArray(refs) && refs.map((r) => [r.source, r.version])).toEqual(expected);
  });
  it("refuses other schemes", () => expect(refsForAdd("ghcr.io/x", "a", "1.0.0")).toMatch(/must be/));
});

describe("--cache-dir is global", () => {
  it("is taken from anywhere on the line into SLIPWAY_CACHE_DIR", () => {
    const env: NodeJS.ProcessEnv = {};
    expect(takeCacheDir(["render", "--cache-dir", "/c", "repo"], env)).toEqual(["render", "repo"]);
    expect(env.SLIPWAY_CACHE_DIR).toBe("/c");
    expect(takeCacheDir(["--cache-dir=/d", "check"], env)).toEqual(["check"]);
    expect(env.SLIPWAY_CACHE_DIR).toBe("/d");
    expect(takeCacheDir(["check", "--cache-dir"], env)).toMatch(/needs a directory/);
    expect(takeCacheDir(["x", "--", "--cache-dir", "y"], env)).toEqual(["x", "--", "--cache-dir", "y"]);
  });
});

describe("httpRequest", () => {
  it("retries 5xx with backoff, then returns the final status", async () => {
    let calls = 0;
    const fake = (async () => {
      calls++;
      return new Response("x", { status: calls < 3 ? 503 : 200 });
    }) as unknown as typeof fetch;
    const sleeps: number[] = [];
    const res = await httpRequest(
      "http://h/x",
      {},
      { timeoutMs: 1000, retries: 3, backoffMs: 100, fetch: fake, sleep: async (ms) => void sleeps.push(ms) },
    );
    expect(res.status).toBe(200);
    expect(calls).toBe(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]!).toBeGreaterThan(sleeps[0]!);
  });

  it("does not retry 404 and turns connection errors into NETWORK after the retries", async () => {
    let calls = 0;
    const notFound = (async () => {
      calls++;
      return new Response("", { status: 404 });
    }) as unknown as typeof fetch;
    const opts = { timeoutMs: 1000, retries: 2, backoffMs: 1, sleep: async () => {} };
    expect((await httpRequest("http://h/x", {}, { ...opts, fetch: notFound })).status).toBe(404);
    expect(calls).toBe(1);
    const refused = (async () => {
      throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
    }) as unknown as typeof fetch;
    await expect(httpRequest("http://u:p@h/x", {}, { ...opts, fetch: refused })).rejects.toMatchObject({
      code: "NETWORK",
      message: expect.stringMatching(/\*\*\*@h.*ECONNREFUSED/),
    });
  });

  it("refuses a body larger than the limit without reading it all (a registry or index URL is the pull request's)", async () => {
    let produced = 0;
    const endless = (async () => {
      const chunk = new Uint8Array(1024 * 1024);
      const stream = new ReadableStream<Uint8Array>({
        pull(c) {
          produced += chunk.length;
          c.enqueue(chunk);
        },
      });
      return new Response(stream, { status: 200 });
    }) as unknown as typeof fetch;
    const opts = { timeoutMs: 10_000, retries: 0, backoffMs: 1, sleep: async () => {} };
    await expect(httpRequest("http://h/index.yaml", {}, { ...opts, fetch: endless })).rejects.toMatchObject({
      code: "INVALID",
      message: expect.stringMatching(/larger than \d+ bytes.*h\/index\.yaml/),
    });
    expect(produced).toBeLessThan(MAX_RESPONSE_BYTES + 8 * 1024 * 1024);
    const declared = (async () =>
      new Response("x", {
        status: 200,
        headers: { "content-length": String(MAX_RESPONSE_BYTES + 1) },
      })) as unknown as typeof fetch;
    await expect(httpRequest("http://h/a.tgz", {}, { ...opts, fetch: declared })).rejects.toMatchObject({
      code: "INVALID",
    });
  });
});
