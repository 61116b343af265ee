import { execFileSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { goPathMatch } from "../../src/go/path-match.js";
import {
  chartDirFiles,
  diskReader,
  loadChartArchiveFromBytes,
  loadChartDir,
  readChartDir,
} from "../../src/helm/chart-source.js";
import { IgnoreRules } from "../../src/helm/helmignore.js";
import {
  chartDigest,
  DeferredChartFile,
  loadChartFiles,
  readChartArchive,
  sanitize,
} from "../../src/helm/loader.js";
import { renderChart } from "../../src/helm/render.js";
import { tgz } from "../support/tgz.js";
import { goJson } from "./go-json.js";

const enc = new TextEncoder();
const file = (name: string, text: string) => ({ name, data: enc.encode(text) });

const CHART_YAML = "apiVersion: v2\nname: demo\nversion: 1.2.3\n";

describe("loadChartFiles (Helm's LoadFiles)", () => {
  it("sorts files into metadata, values, templates, schema, files and subcharts", () => {
    const c = loadChartFiles([
      file("Chart.yaml", CHART_YAML),
      file("values.yaml", "a: 1\n"),
      file("values.schema.json", "{}"),
      file("templates/a.yaml", "kind: A\n"),
      file("README.md", "hi"),
      file("crds/c.yaml", "kind: CustomResourceDefinition\n"),
      file("charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.1.0\n"),
      file("charts/sub/templates/s.yaml", "kind: S\n"),
      file("charts/_skipped/Chart.yaml", "not: loaded"),
      file("charts/x.prov", "signature"),
    ]);
    expect(c.metadata.name).toBe("demo");
    expect(goJson(c.values)).toBe('{"a":1}');
    expect(c.templates.map((t) => t.name)).toEqual(["templates/a.yaml"]);
    expect(c.files.map((f) => f.name)).toEqual(["README.md", "crds/c.yaml", "charts/x.prov"]);
    expect(c.schema).toBeDefined();
    expect(c.dependencies.map((d) => d.metadata.name)).toEqual(["sub"]);
    expect(c.dependencies[0]!.templates.map((t) => t.name)).toEqual(["templates/s.yaml"]);
  });

  it("a chart's digest, given or computed when first asked for, is the digest of its files; a given one names its subcharts", () => {
    const sub = [
      file("Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.1.0\n"),
      file("templates/s.yaml", "kind: S\n"),
    ];
    const files = [
      file("Chart.yaml", CHART_YAML),
      ...sub.map((f) => ({ ...f, name: `charts/sub/${f.name}` })),
    ];
    const c = loadChartFiles(files);
    expect(c.digest).toBe(chartDigest(files));
    expect(c.dependencies[0]!.digest).toBe(chartDigest(sub));
    expect({ ...c.dependencies[0]! }.digest).toBe(chartDigest(sub));
    expect(loadChartFiles(files, "", "given").digest).toBe("given");
    // A known digest names the subcharts too, hashing none of their files (a worker is sent them).
    const given = loadChartFiles(files, "", "given").dependencies[0]!;
    expect(Object.getOwnPropertyDescriptor(given, "digest")?.value).toBe("given/charts/sub");
    // another subchart's bytes, another digest
    const other = loadChartFiles([files[0]!, files[1]!, file("charts/sub/templates/s.yaml", "kind: T\n")]);
    expect(other.dependencies[0]!.digest).not.toBe(c.dependencies[0]!.digest);
  });

  it("reads v1 charts' requirements.yaml and keeps it as a file", () => {
    const c = loadChartFiles([
      file("Chart.yaml", "name: old\nversion: 0.1.0\n"),
      file("requirements.yaml", "dependencies:\n  - name: sub\n    version: 0.1.0\n"),
    ]);
    expect(c.metadata.apiVersion).toBe("v1");
    expect(c.metadata.dependencies.map((d) => d?.name)).toEqual(["sub"]);
    expect(c.files.map((f) => f.name)).toEqual(["requirements.yaml"]);
  });

  it("decodes Chart.yaml as sigs.k8s.io/yaml does: scalars into strings, nulls to zero", () => {
    const c = loadChartFiles([
      file(
        "Chart.yaml",
        "apiVersion: v2\nname: y\nversion: 1.0\nappVersion: 2.10\nkeywords: [1, ~]\nDESCRIPTION: upper\n",
      ),
    ]);
    expect(c.metadata.name).toBe("true");
    expect(c.metadata.version).toBe("1");
    expect(c.metadata.appVersion).toBe("2.1");
    expect(c.metadata.keywords).toEqual(["1", ""]);
    expect(c.metadata.description).toBe("upper");
  });

  it.each([
    ["no Chart.yaml", [file("values.yaml", "a: 1\n")], /Chart.yaml file is missing/],
    ["no version", [file("Chart.yaml", "apiVersion: v2\nname: x\n")], /chart.metadata.version is required/],
    [
      "bad version",
      [file("Chart.yaml", "apiVersion: v2\nname: x\nversion: one\n")],
      /version "one" is invalid/,
    ],
    ["bad type", [file("Chart.yaml", `${CHART_YAML}type: plugin\n`)], /must be application or library/],
    [
      "bad alias",
      [file("Chart.yaml", `${CHART_YAML}dependencies:\n  - name: a\n    alias: "a b"\n`)],
      /disallowed characters in the alias/,
    ],
    [
      "duplicate dependency",
      [file("Chart.yaml", `${CHART_YAML}dependencies:\n  - name: a\n  - name: b\n    alias: a\n`)],
      /more than one dependency with name or alias "a"/,
    ],
    [
      "bool where a string goes",
      [file("Chart.yaml", `${CHART_YAML}deprecated: "yes"\n`)],
      /cannot unmarshal string/,
    ],
    [
      "stray file in charts/",
      [file("Chart.yaml", CHART_YAML), file("charts/README.md", "x")],
      /error unpacking subchart README.md/,
    ],
  ])("refuses %s", (_, files, message) => {
    expect(() => loadChartFiles(files)).toThrow(message);
  });
});

describe("chart archives (Helm's LoadArchiveFiles)", () => {
  it("drops the top directory and loads subchart archives", () => {
    const sub = tgz([["sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.2.0\n"]]);
    const top = tgz([
      ["demo/Chart.yaml", CHART_YAML],
      ["demo/templates/a.yaml", "kind: A\n"],
    ]);
    const chart = loadChartArchiveFromBytes(top, "demo.tgz");
    expect(chart.metadata.name).toBe("demo");
    expect(chart.templates.map((t) => t.name)).toEqual(["templates/a.yaml"]);
    const withSub = loadChartFiles([
      file("Chart.yaml", CHART_YAML),
      { name: "charts/sub-0.2.0.tgz", data: sub },
    ]);
    expect(withSub.dependencies[0]!.metadata.version).toBe("0.2.0");
  });

  it.each([
    ["a parent reference", "demo/../../etc/passwd", /illegally references parent directory/],
    ["an absolute path", "demo//etc/passwd", /illegally contains absolute paths/],
    ["a drive letter", "demo/c:/x", /illegally named files/],
    ["Chart.yaml as the top directory", "Chart.yaml/x", /chart yaml not in base directory/],
    ["Chart.yaml at the top", "Chart.yaml", /outside the base directory/],
    ["a file outside any directory", "README", /outside the base directory/],
  ])("refuses %s", (_, name, message) => {
    expect(() => readChartArchive(tgz([[name, "x"]]))).toThrow(message);
  });

  it("reads a gzip stream as zlib does whatever size its trailer states (zlib's chunk hint)", () => {
    const archive = tgz([
      ["demo/Chart.yaml", CHART_YAML],
      ["demo/templates/a.yaml", "kind: A\n".repeat(5000)],
    ]);
    const outcome = (bytes: Uint8Array) => {
      try {
        return readChartArchive(bytes).map((f) => [f.name, Buffer.from(f.data).toString("hex")]);
      } catch (e) {
        return (e as Error).message;
      }
    };
    const real = archive.length >= 4 ? Buffer.from(archive).readUInt32LE(archive.length - 4) : 0;
    expect(real).toBe(gunzipSync(archive).length);
    const expected = outcome(archive);
    expect(Array.isArray(expected)).toBe(true);
    for (const isize of [0, 1, 1000, real - 1, real + 1, 0xffffffff]) {
      const lying = Buffer.from(archive);
      lying.writeUInt32LE(isize, lying.length - 4);
      let zlibSays: string | undefined;
      try {
        gunzipSync(lying);
      } catch (e) {
        zlibSays = (e as Error).message;
      }
      const got = outcome(lying);
      if (zlibSays === undefined) expect(got).toEqual(expected);
      // Go's gzip reader checks the trailer's size and CRC together.
      else expect(got).toBe("gzip: invalid checksum");
    }
  });

  it("refuses what is not gzip with Go's errors", () => {
    expect(() => readChartArchive(enc.encode("not an archive"))).toThrow("gzip: invalid header");
    expect(() => readChartArchive(enc.encode("short"))).toThrow(/^unexpected EOF$/);
  });
});

describe(".helmignore", () => {
  it.each<[string, string, boolean, boolean]>([
    ["*.bak", "x.bak", false, true],
    ["*.bak", "dir/x.bak", false, true],
    ["/root.txt", "root.txt", false, true],
    ["/root.txt", "dir/root.txt", false, false],
    ["docs/*.md", "docs/a.md", false, true],
    ["docs/*.md", "docs/deep/a.md", false, false],
    ["secret/", "secret", true, true],
    ["secret/", "secret", false, false],
    ["[ab].txt", "a.txt", false, true],
    ["[ab].txt", "c.txt", false, false],
    ["", "templates/.hidden", false, true],
    ["", "templates/sub/.hidden", false, false],
    ["OWNERS", "sub/OWNERS", false, true],
    ["OWNERS", "OWNERS.md", false, false],
    ["*~", "a/b~", false, true],
    ["*~", "~", false, true],
    ["*/x", "/x", false, true],
    ["*/x", "a/x", false, true],
    ["*/x", "a/b/x", false, false],
    ["a/b", "a/b", false, true],
    ["a/b", "c/a/b", false, false],
    ["kube-*.tgz", "kube-x.tgz", false, true],
    ["kube-*.tgz", "kube-.tgz", false, true],
    ["kube-*.tgz", "kube.tgz", false, false],
    ["", "templates/.a", false, true],
    ["", "templates/.", false, false],
  ])("%s on %s (dir %s) → %s", (rules, p, isDir, ignored) => {
    expect(IgnoreRules.parse(rules).ignores(p, isDir)).toBe(ignored);
  });

  it("decides literal, `*` and `?*` rules as filepath.Match does (seeded)", () => {
    let seed = 11;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const word = (max: number) => Array.from({ length: next(max) }, () => "ab./~x*"[next(6)]).join("");
    for (let i = 0; i < 20000; i++) {
      const pattern = word(3) + ["", "*", "?*", "?"][next(4)] + word(3);
      if (pattern === "" || /^[!#/]|\/$/.test(pattern)) continue;
      const subject = word(7);
      // ignores() never skips the chart root itself ("" and ".").
      if (subject === "" || subject === "." || subject.endsWith("/")) continue;
      let expected: boolean;
      try {
        expected = goPathMatch(pattern, subject);
      } catch {
        expected = false;
      }
      // A rule without a slash is tried on the base name; with one, on the whole path.
      const onBase = !pattern.includes("/");
      const base = subject.slice(subject.lastIndexOf("/") + 1);
      if (onBase && base !== subject) continue;
      expect([pattern, subject, IgnoreRules.parse(pattern).ignores(subject, false)]).toEqual([
        pattern,
        subject,
        expected,
      ]);
    }
  });

  it("refuses ** and malformed patterns", () => {
    expect(() => IgnoreRules.parse("a/**/b\n")).toThrow(/double-star/);
    expect(() => IgnoreRules.parse("[\n")).toThrow(/syntax error in pattern/);
  });
});

describe("chart directories", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-chart-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("follows symbolic links inside the chart and refuses those that leave it", () => {
    const chart = path.join(dir, "c");
    mkdirSync(path.join(chart, "templates"), { recursive: true });
    writeFileSync(path.join(chart, "Chart.yaml"), CHART_YAML);
    writeFileSync(path.join(chart, "real.txt"), "inside");
    symlinkSync(path.join(chart, "real.txt"), path.join(chart, "link.txt"));
    expect(readChartDir(chart).map((f) => f.name)).toEqual(["Chart.yaml", "link.txt", "real.txt"]);
    writeFileSync(path.join(dir, "outside.txt"), "secret");
    symlinkSync(path.join(dir, "outside.txt"), path.join(chart, "escape.txt"));
    expect(() => loadChartDir(chart)).toThrow(/outside the chart directory/);
  });

  it("loads a directory read again unchanged as the same chart, and an edited one anew", () => {
    const chart = path.join(dir, "edited");
    mkdirSync(path.join(chart, "templates"), { recursive: true });
    writeFileSync(path.join(chart, "Chart.yaml"), CHART_YAML);
    writeFileSync(path.join(chart, "templates", "a.yaml"), "x: 1\n");
    const first = loadChartDir(chart);
    expect(loadChartDir(chart)).toBe(first);
    // Same size, other bytes: only a comparison of the contents tells them apart.
    writeFileSync(path.join(chart, "templates", "a.yaml"), "x: 2\n");
    const second = loadChartDir(chart);
    expect(second).not.toBe(first);
    expect(new TextDecoder().decode(second.templates[0]?.data)).toBe("x: 2\n");
  });

  it("skips the walk of an unchanged directory, and sees an edit that keeps size and times", () => {
    const chart = path.join(dir, "stamped");
    const template = path.join(chart, "templates", "a.yaml");
    mkdirSync(path.join(chart, "templates"), { recursive: true });
    writeFileSync(path.join(chart, "Chart.yaml"), CHART_YAML);
    writeFileSync(template, "x: 1\n");
    // Old enough not to be racy: the walk is kept.
    const past = new Date(Date.now() - 3600_000);
    for (const p of [template, path.join(chart, "Chart.yaml"), path.join(chart, "templates"), chart])
      utimesSync(p, past, past);
    const first = loadChartDir(chart);
    expect(loadChartDir(chart)).toBe(first);
    // Same size and modification time, other bytes: the change time (and the re-read) tell.
    writeFileSync(template, "x: 2\n");
    utimesSync(template, past, past);
    const second = loadChartDir(chart);
    expect(new TextDecoder().decode(second.templates[0]?.data)).toBe("x: 2\n");
    // A new file changes its directory's times.
    writeFileSync(path.join(chart, "templates", "b.yaml"), "y: 1\n");
    utimesSync(path.join(chart, "templates"), past, past);
    expect(loadChartDir(chart).templates.map((t) => t.name)).toEqual([
      "templates/a.yaml",
      "templates/b.yaml",
    ]);
  });

  it("reads large files when first used, with the bytes, BOM removal, digest and edits of a plain read", () => {
    const chart = path.join(dir, "large");
    const crd = path.join(chart, "charts", "sub", "crds", "big.yaml");
    const readme = path.join(chart, "README.md");
    mkdirSync(path.dirname(crd), { recursive: true });
    mkdirSync(path.join(chart, "templates"), { recursive: true });
    writeFileSync(path.join(chart, "Chart.yaml"), CHART_YAML);
    writeFileSync(
      path.join(chart, "charts", "sub", "Chart.yaml"),
      "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
    );
    writeFileSync(
      path.join(chart, "templates", "a.yaml"),
      'sizes: {{ .Files.Get "README.md" | len }} {{ .Files.Glob "*.md" | len }}\n',
    );
    const big = (c: string) => `kind: CustomResourceDefinition\n# ${c.repeat(100_000)}\n`;
    writeFileSync(crd, big("a"));
    writeFileSync(readme, `\ufeff${"r".repeat(70_000)}`);
    const past = new Date(Date.now() - 3600_000);
    const stampAll = () => {
      for (const p of [
        crd,
        readme,
        path.join(chart, "Chart.yaml"),
        path.join(chart, "charts", "sub", "Chart.yaml"),
        path.join(chart, "templates", "a.yaml"),
        path.dirname(crd),
        path.join(chart, "charts", "sub"),
        path.join(chart, "charts"),
        path.join(chart, "templates"),
        chart,
      ])
        utimesSync(p, past, past);
    };
    stampAll();
    const files = chartDirFiles(chart);
    expect(files.filter((f) => f instanceof DeferredChartFile).map((f) => f.name)).toEqual([
      "README.md",
      "charts/sub/crds/big.yaml",
    ]);
    // The same files, bytes and digest as a walk that reads every file at once.
    const eager = readChartDir(chart, { ...diskReader, readFileDeferred: undefined });
    expect(files.map((f) => f.name)).toEqual(eager.map((f) => f.name));
    expect(chartDigest(files)).toBe(chartDigest(eager));
    const first = loadChartDir(chart);
    const sub = first.dependencies[0]!;
    expect(new TextDecoder().decode(sub.files.find((f) => f.name === "crds/big.yaml")?.data)).toBe(big("a"));
    expect(first.files.find((f) => f.name === "README.md")?.data.length).toBe(70_000);
    const out = renderChart(first, { releaseName: "r", namespace: "ns" });
    expect(out.manifests[0]?.content).toBe("sizes: 70000 1");
    expect(out.crds.map((c) => [c.path, c.content])).toEqual([["demo/charts/sub/crds/big.yaml", big("a")]]);
    // An edit that keeps the size and times is seen by the next load, read or not.
    writeFileSync(crd, big("b"));
    stampAll();
    const second = loadChartDir(chart);
    expect(second).not.toBe(first);
    expect(renderChart(second, { releaseName: "r", namespace: "ns" }).crds[0]?.content).toBe(big("b"));
    // Over Helm's 5 MiB a large file is refused at the walk, as a small one is.
    writeFileSync(readme, "r".repeat(5 * 1024 * 1024 + 1));
    expect(() => loadChartDir(chart)).toThrow(/larger than the maximum file size/);
  });

  it("reads every file's bytes as readFileSync does, whatever the size, and refuses a FIFO at once", () => {
    const chart = path.join(dir, "sizes");
    mkdirSync(path.join(chart, "files"), { recursive: true });
    writeFileSync(path.join(chart, "Chart.yaml"), CHART_YAML);
    const sizes = [0, 1, 100, 4095, 4096, 8193, 65535, 65536, 200_000];
    for (const size of sizes)
      writeFileSync(path.join(chart, "files", `f${size}`), Buffer.alloc(size, `${size}:`));
    const bytes = (f: { data: Uint8Array }) => Buffer.from(f.data);
    const files = chartDirFiles(chart);
    for (const size of sizes) {
      const f = files.find((x) => x.name === `files/f${size}`)!;
      expect(bytes(f).equals(readFileSync(path.join(chart, "files", `f${size}`)))).toBe(true);
    }
    // The stamped walk and the plain reader's walk agree on every file.
    const plain = readChartDir(chart, { ...diskReader, readFileDeferred: undefined });
    expect(files.map((f) => [f.name, bytes(f).toString("base64")])).toEqual(
      plain.map((f) => [f.name, bytes(f).toString("base64")]),
    );
    // A FIFO among the files: Helm's error, at once (an open that waited for a writer would hang).
    execFileSync("mkfifo", [path.join(chart, "files", "pipe")]);
    expect(() => chartDirFiles(chart)).toThrow(
      /cannot load irregular file .*pipe as it has file mode type bits set/,
    );
  });

  it("strips a UTF-8 byte order mark", () => {
    const chart = path.join(dir, "bom");
    mkdirSync(chart, { recursive: true });
    writeFileSync(path.join(chart, "Chart.yaml"), `\ufeff${CHART_YAML}`);
    expect(loadChartDir(chart).metadata.name).toBe("demo");
  });
});

describe("chart.sanitizeString", () => {
  // Go's unicode.IsSpace and unicode.IsPrint, by their Unicode classes alone.
  const reference = (s: string) =>
    [...s]
      .map((c) =>
        /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u.test(c)
          ? " "
          : /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(c)
            ? c
            : "",
      )
      .join("");

  it("answers as the Unicode classes for every character below U+3100 and a few beyond", () => {
    const chars: string[] = [];
    for (let cp = 0; cp < 0x3100; cp++) if (cp < 0xd800 || cp > 0xdfff) chars.push(String.fromCodePoint(cp));
    chars.push("😀", "\u{e0001}", "\ufeff", "\ud800");
    for (const c of chars)
      expect(sanitize(`a${c}b`), `U+${c.codePointAt(0)!.toString(16)}`).toBe(reference(`a${c}b`));
    expect(sanitize("line one\n\tline\x7ftwo\u0000é")).toBe("line one  linetwoé");
  });
});
