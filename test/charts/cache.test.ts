import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CacheError,
  ChartCache,
  type ChartRef,
  canonicalSource,
  defaultCacheDir,
  sha256Hex,
} from "../../src/charts/cache.js";
import { sha256HexOf } from "../../src/fs/bytes-digest.js";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-cache-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const podinfo: ChartRef = { source: "oci://ghcr.io/stefanprodan/charts", name: "podinfo", version: "6.5.0" };
const bytes = (s: string) => new TextEncoder().encode(s);

describe("ChartCache", () => {
  it("keys a chart a mirror served by the mirror: read only by a lookup naming it, or as fetched from its source", () => {
    const cache = new ChartCache(dir);
    const mirrored: ChartRef = { ...podinfo, mirroredBy: "oci://ghcr.io -> oci://pr.example/x" };
    cache.putArchive(mirrored, bytes("from-the-mirror"));
    cache.putVersions(podinfo.source, podinfo.name, ["6.5.0", "9.9.9"], mirrored.mirroredBy);
    expect(cache.getArchive(podinfo)).toBeUndefined();
    expect(cache.knownVersions(podinfo.source, podinfo.name)).toBeUndefined();
    expect(cache.getArchive({ ...podinfo, mirroredBy: "oci://ghcr.io -> oci://other/x" })).toBeUndefined();
    expect(Buffer.from(cache.getArchive(mirrored)!).toString()).toBe("from-the-mirror");
    expect(cache.knownVersions(podinfo.source, podinfo.name, mirrored.mirroredBy)).toEqual([
      "6.5.0",
      "9.9.9",
    ]);
    // What the source itself served (or charts add stored) is the source's whoever reads it.
    cache.putArchive(podinfo, bytes("from-the-source"));
    cache.putVersions(podinfo.source, podinfo.name, ["6.5.0"]);
    expect(Buffer.from(cache.getArchive(podinfo)!).toString()).toBe("from-the-source");
    expect(Buffer.from(cache.getArchive(mirrored)!).toString()).toBe("from-the-mirror");
    const other = { ...podinfo, mirroredBy: "oci://ghcr.io -> oci://other/x" };
    expect(Buffer.from(cache.getArchive(other)!).toString()).toBe("from-the-source");
    expect(cache.knownVersions(podinfo.source, podinfo.name, other.mirroredBy)).toEqual(["6.5.0"]);
    expect(cache.list().map((c) => c.mirroredBy)).toEqual([undefined, mirrored.mirroredBy]);
  });

  it("stores and returns an archive by reference, with its digest", () => {
    const cache = new ChartCache(dir);
    expect(cache.getArchive(podinfo)).toBeUndefined();
    const digest = cache.putArchive(podinfo, bytes("archive-1"));
    expect(digest).toBe(`sha256:${sha256Hex("archive-1")}`);
    expect(Buffer.from(cache.getArchive(podinfo)!).toString()).toBe("archive-1");
    expect(cache.list()).toEqual([{ ...podinfo, digest, size: 9 }]);
    // Another instance over the same directory sees it (nothing held in memory).
    expect(Buffer.from(new ChartCache(dir).getArchive(podinfo)!).toString()).toBe("archive-1");
  });

  it("hands over an archive with the digest it verified it by, so the chart loader does not hash it again", () => {
    const cache = new ChartCache(dir);
    const digest = cache.putArchive(podinfo, bytes("archive-1"));
    const got = cache.getArchive(podinfo)!;
    // Changed after the read (never done outside this test): a digest computed now would differ,
    // the one remembered for this array is the verified one.
    got[0] = 0x41;
    expect(`sha256:${sha256HexOf(got)}`).toBe(digest);
    expect(sha256HexOf(new Uint8Array(got))).not.toBe(digest.slice("sha256:".length));
  });

  it("treats trailing slashes and host case as the same source", () => {
    const cache = new ChartCache(dir);
    cache.putArchive(
      { source: "https://Charts.Example.com/stable/", name: "x", version: "1.0.0" },
      bytes("x"),
    );
    expect(
      cache.getArchive({ source: "https://charts.example.com/stable", name: "x", version: "1.0.0" }),
    ).toBeDefined();
    expect(cache.list()[0]!.source).toBe("https://charts.example.com/stable");
  });

  it("keeps versions that differ only in build metadata apart", () => {
    const cache = new ChartCache(dir);
    cache.putArchive({ ...podinfo, version: "1.0.0+a" }, bytes("a"));
    cache.putArchive({ ...podinfo, version: "1.0.0+b" }, bytes("b"));
    expect(Buffer.from(cache.getArchive({ ...podinfo, version: "1.0.0+a" })!).toString()).toBe("a");
    expect(Buffer.from(cache.getArchive({ ...podinfo, version: "1.0.0+b" })!).toString()).toBe("b");
  });

  it("stores identical archives once", () => {
    const cache = new ChartCache(dir);
    cache.putArchive(podinfo, bytes("same"));
    cache.putArchive({ ...podinfo, source: "oci://mirror.local/charts" }, bytes("same"));
    expect(fs.readdirSync(path.join(dir, "charts", "blobs", "sha256"))).toHaveLength(1);
    expect(cache.list()).toHaveLength(2);
  });

  it("re-pointing a reference replaces the record atomically and leaves no temp files", () => {
    const cache = new ChartCache(dir);
    cache.putArchive(podinfo, bytes("old"));
    cache.putArchive(podinfo, bytes("new"));
    expect(Buffer.from(cache.getArchive(podinfo)!).toString()).toBe("new");
    const all = fs.readdirSync(dir, { recursive: true }).map(String);
    expect(all.filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("a corrupted archive is a CacheError naming the blob, not a crash or wrong bytes", () => {
    const cache = new ChartCache(dir);
    const digest = cache.putArchive(podinfo, bytes("good"));
    const blob = cache.blobFile(digest);
    fs.writeFileSync(blob, "evil");
    let err: unknown;
    try {
      cache.getArchive(podinfo);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CacheError);
    expect((err as CacheError).file).toBe(blob);
    expect((err as CacheError).message).toMatch(/corrupted.*slipway charts pull/);
    // putArchive repairs it.
    cache.putArchive(podinfo, bytes("good"));
    expect(Buffer.from(cache.getArchive(podinfo)!).toString()).toBe("good");
  });

  it("a missing blob or a malformed record is a CacheError", () => {
    const cache = new ChartCache(dir);
    const digest = cache.putArchive(podinfo, bytes("good"));
    fs.rmSync(cache.blobFile(digest));
    expect(() => cache.getArchive(podinfo)).toThrow(/missing/);
    const refs = path.join(dir, "charts", "refs");
    const [rec] = fs.readdirSync(refs);
    fs.writeFileSync(path.join(refs, rec!), "{not json");
    expect(() => cache.getArchive(podinfo)).toThrow(CacheError);
    expect(() => cache.list()).toThrow(CacheError);
  });

  it("remembers the last version list per chart", () => {
    const cache = new ChartCache(dir);
    expect(cache.knownVersions("https://x.io/charts/", "a")).toBeUndefined();
    cache.putVersions("https://x.io/charts/", "a", ["1.0.0", "1.1.0"]);
    expect(cache.knownVersions("https://x.io/charts", "a")).toEqual(["1.0.0", "1.1.0"]);
    expect(cache.knownVersions("https://x.io/charts", "b")).toBeUndefined();
  });

  it("never writes through a link planted where a temp file will be (a shared cache directory)", () => {
    const cache = new ChartCache(dir);
    const versions = path.join(dir, "charts", "versions");
    fs.mkdirSync(versions, { recursive: true });
    const victim = path.join(dir, "victim");
    fs.writeFileSync(victim, "keep\n");
    const base = `${sha256Hex(`${canonicalSource("https://x.io/charts")}\na`)}.json`;
    for (let n = 1; n <= 2000; n++)
      fs.symlinkSync(victim, path.join(versions, `.${base}.${process.pid}.${n}.tmp`));
    cache.putVersions("https://x.io/charts", "a", ["1.0.0"]);
    expect(fs.readFileSync(victim, "utf8")).toBe("keep\n");
    expect(cache.knownVersions("https://x.io/charts", "a")).toEqual(["1.0.0"]);
  });

  it("an empty or absent cache lists nothing", () => {
    expect(new ChartCache(path.join(dir, "nope")).list()).toEqual([]);
  });
});

describe("defaultCacheDir", () => {
  it.each([
    [{ SLIPWAY_CACHE_DIR: "/c", XDG_CACHE_HOME: "/x", HOME: "/h" }, "/c"],
    [{ XDG_CACHE_HOME: "/x", HOME: "/h" }, "/x/slipway"],
    [{ HOME: "/h" }, "/h/.cache/slipway"],
  ])("%j → %s", (env, expected) => expect(defaultCacheDir(env)).toBe(expected));
});

describe("canonicalSource", () => {
  it.each([
    ["https://Charts.EXAMPLE.com/Stable/", "https://charts.example.com/Stable"],
    ["oci://ghcr.io/org/charts", "oci://ghcr.io/org/charts"],
    ["OCI://GHCR.io/Org//", "oci://ghcr.io/Org"],
  ])("%s → %s", (input, expected) => expect(canonicalSource(input)).toBe(expected));
});

describe("ChartCache with a source that carries credentials", () => {
  const TOKEN = "glpat-s3cr3tT0ken";
  const withUser: ChartRef = {
    source: `https://bot:${TOKEN}@charts.example.com/stable`,
    name: "x",
    version: "1.0.0",
  };
  const withQuery: ChartRef = {
    source: `https://charts.example.com/stable?private_token=${TOKEN}`,
    name: "y",
    version: "2.0.0",
  };

  /** Every file under the cache, names and contents. */
  const everything = (): string =>
    fs
      .readdirSync(dir, { recursive: true, encoding: "utf8" })
      .map((f) => {
        const file = path.join(dir, f);
        return fs.statSync(file).isFile() ? `${f}\n${fs.readFileSync(file, "utf8")}` : f;
      })
      .join("\n");

  it("stores neither the credentials nor a hash of them", () => {
    const cache = new ChartCache(dir);
    for (const ref of [withUser, withQuery]) {
      cache.putArchive(ref, bytes(`archive of ${ref.name}`));
      cache.putVersions(ref.source, ref.name, [ref.version]);
    }
    const stored = everything();
    expect(stored).not.toContain(TOKEN);
    for (const clear of [withUser.source, withQuery.source]) {
      expect(stored).not.toContain(
        sha256Hex(`${canonicalSource(clear)}\n${withUser.name}\n${withUser.version}`),
      );
    }
    expect(cache.list().map((r) => r.source)).toEqual([
      "https://***@charts.example.com/stable",
      "https://charts.example.com/stable?private_token=***",
    ]);
    expect(Buffer.from(cache.getArchive(withUser)!).toString()).toBe("archive of x");
    expect(cache.knownVersions(withQuery.source, "y")).toEqual(["2.0.0"]);
  });

  it("finds a chart fetched with another token (the location is the chart's identity), not one of another location", () => {
    const cache = new ChartCache(dir);
    cache.putArchive(withUser, bytes("archive"));
    expect(
      cache.getArchive({ ...withUser, source: "https://bot:rotated@charts.example.com/stable" }),
    ).toBeDefined();
    expect(
      cache.getArchive({ ...withUser, source: `https://bot:${TOKEN}@charts.example.com/other` }),
    ).toBeUndefined();
    expect(
      cache.getArchive({ ...withQuery, source: "https://charts.example.com/stable?private_token=x&v=2" }),
    ).toBeUndefined();
  });

  it("moves an entry written in the clear under the old key to the new one, and drops an old one that is malformed", () => {
    const cache = new ChartCache(dir);
    const digest = `sha256:${sha256Hex("archive")}`;
    fs.mkdirSync(path.join(dir, "charts", "blobs", "sha256"), { recursive: true });
    fs.writeFileSync(cache.blobFile(digest), "archive");
    const clear = canonicalSource(withUser.source);
    const oldRef = path.join(dir, "charts", "refs", `${sha256Hex(`${clear}\nx\n1.0.0`)}.json`);
    const oldVersions = path.join(dir, "charts", "versions", `${sha256Hex(`${clear}\nx`)}.json`);
    fs.mkdirSync(path.dirname(oldRef), { recursive: true });
    fs.mkdirSync(path.dirname(oldVersions), { recursive: true });
    fs.writeFileSync(oldRef, JSON.stringify({ source: clear, name: "x", version: "1.0.0", digest, size: 7 }));
    fs.writeFileSync(oldVersions, JSON.stringify({ source: clear, name: "x", versions: ["1.0.0"] }));
    expect(Buffer.from(cache.getArchive(withUser)!).toString()).toBe("archive");
    expect(cache.knownVersions(withUser.source, "x")).toEqual(["1.0.0"]);
    expect(fs.existsSync(oldRef) || fs.existsSync(oldVersions)).toBe(false);
    expect(everything()).not.toContain(TOKEN);

    const oldQuery = path.join(
      dir,
      "charts",
      "refs",
      `${sha256Hex(`${canonicalSource(withQuery.source)}\ny\n2.0.0`)}.json`,
    );
    fs.writeFileSync(oldQuery, "{not json");
    expect(cache.lookup(withQuery)).toBeUndefined();
    expect(fs.existsSync(oldQuery)).toBe(false);
  });

  /** Writes entries as Slipway did before credentials were left out: clear source, key of the clear source. */
  function writeLegacy(ref: ChartRef, content = "archive"): { refFile: string; versionsFile: string } {
    const digest = `sha256:${sha256Hex(content)}`;
    fs.mkdirSync(path.join(dir, "charts", "blobs", "sha256"), { recursive: true });
    fs.writeFileSync(path.join(dir, "charts", "blobs", "sha256", digest.slice(7)), content);
    const clear = canonicalSource(ref.source);
    const refFile = path.join(
      dir,
      "charts",
      "refs",
      `${sha256Hex(`${clear}\n${ref.name}\n${ref.version}`)}.json`,
    );
    const versionsFile = path.join(dir, "charts", "versions", `${sha256Hex(`${clear}\n${ref.name}`)}.json`);
    fs.mkdirSync(path.dirname(refFile), { recursive: true });
    fs.mkdirSync(path.dirname(versionsFile), { recursive: true });
    const record = { ...ref, source: clear, digest, size: content.length };
    fs.writeFileSync(refFile, `${JSON.stringify(record, null, 2)}\n`);
    fs.writeFileSync(
      versionsFile,
      JSON.stringify({ source: clear, name: ref.name, versions: [ref.version] }),
    );
    return { refFile, versionsFile };
  }

  it.each([
    ["a lookup of another chart", (c: ChartCache) => c.lookup(podinfo)],
    ["a version list of another chart", (c: ChartCache) => c.knownVersions(podinfo.source, podinfo.name)],
    ["the first write", (c: ChartCache) => c.putArchive(podinfo, bytes("other"))],
    ["a listing", (c: ChartCache) => expect(() => c.list()).toThrow(CacheError)],
    ["slipway cache's sweep", (c: ChartCache) => c.scrubClearSources()],
  ])("rewrites every entry written in the clear at %s, not only the ones it reads", (_, use) => {
    writeLegacy(withUser);
    writeLegacy(withQuery, "archive of y");
    // A record that no longer decodes but still quotes the URL, and entries that are no records.
    const broken = path.join(dir, "charts", "refs", `${"b".repeat(64)}.json`);
    fs.writeFileSync(broken, `{"source": "${withUser.source}", "name": `);
    const brokenVersions = path.join(dir, "charts", "versions", `${"c".repeat(64)}.json`);
    fs.writeFileSync(brokenVersions, JSON.stringify({ source: withQuery.source, name: "y", versions: [1] }));
    fs.mkdirSync(path.join(dir, "charts", "refs", `${"d".repeat(64)}.json`));
    execFileSync("mkfifo", [path.join(dir, "charts", "versions", `${"e".repeat(64)}.json`)]);

    use(new ChartCache(dir));

    expect(everything()).not.toContain(TOKEN);
    expect(fs.existsSync(broken) || fs.existsSync(brokenVersions)).toBe(false);
    // The rewritten entries are the charts as they were, under the keys without credentials.
    const fresh = new ChartCache(dir);
    expect(Buffer.from(fresh.getArchive(withUser)!).toString()).toBe("archive");
    expect(Buffer.from(fresh.getArchive(withQuery)!).toString()).toBe("archive of y");
    expect(fresh.knownVersions(withUser.source, "x")).toEqual(["1.0.0"]);
    expect(fresh.knownVersions(withQuery.source, "y")).toEqual(["2.0.0"]);
  });

  it("sweeps again after another writer (an older Slipway sharing the cache) added an entry in the clear", () => {
    writeLegacy(withUser);
    const first = new ChartCache(dir);
    expect(first.scrubClearSources()).toBe(2);
    expect(first.scrubClearSources()).toBe(0);
    first.putArchive(podinfo, bytes("other"));
    const { refFile } = writeLegacy(withQuery, "archive of y");
    expect(fs.existsSync(refFile)).toBe(true);
    new ChartCache(dir).lookup(podinfo);
    expect(fs.existsSync(refFile)).toBe(false);
    expect(everything()).not.toContain(TOKEN);
  });

  it("keeps an entry fetched since under the key without credentials over the one written in the clear", () => {
    const cache = new ChartCache(dir);
    cache.putArchive(withUser, bytes("fetched since"));
    writeLegacy(withUser, "written before");
    expect(new ChartCache(dir).scrubClearSources()).toBe(2);
    expect(Buffer.from(new ChartCache(dir).getArchive(withUser)!).toString()).toBe("fetched since");
  });

  it("keeps the key of a source without credentials as it was", () => {
    const cache = new ChartCache(dir);
    cache.putArchive(podinfo, bytes("archive"));
    const key = sha256Hex(`${canonicalSource(podinfo.source)}\npodinfo\n6.5.0`);
    expect(fs.existsSync(path.join(dir, "charts", "refs", `${key}.json`))).toBe(true);
  });
});
