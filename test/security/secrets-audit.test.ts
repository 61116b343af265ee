/**
 * Secrets audit: a differential harness over every command and format that prints model
 * content, on a repository whose secrets reach the output along the paths the leak fuzzer does
 * not take (test/support/audit-repo.ts: chart transformations of valuesFrom values, a host
 * substituted from a Secret, plain Secrets as JSON, in a List, behind a quoted key, generators,
 * a decrypted generator file), plus the error paths (a tampered, truncated or undecryptable
 * SOPS file, data that is not base64) and malformed age keys.
 *
 * Every output is searched for each secret in any form it could take — raw, upper/lower case,
 * JSON-escaped, base64 and base64 of base64 at any byte offset, base32, hex, URL-encoded,
 * folded across lines — by any 12 characters of it (a prefix or a middle is a leak
 * too). The converse holds too: with --show-secrets every secret is found (so the search bites).
 */

import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { buildCommand } from "../../src/cli/build.js";
import { checkCommand } from "../../src/cli/check.js";
import { diffCommand } from "../../src/cli/diff.js";
import { graphCommand } from "../../src/cli/graph.js";
import { imagesCommand } from "../../src/cli/images.js";
import { renderCommand } from "../../src/cli/render.js";
import { reportCommand } from "../../src/cli/report.js";
import { secretsCommand } from "../../src/cli/secrets.js";
import { revisionDiff } from "../../src/report/revision.js";
import { startDashboardServer } from "../../src/server/http.js";
import { DashboardSession } from "../../src/server/session.js";
import { GitFixture } from "../diff/git-fixture.js";
import { type AuditSecret, auditRepo } from "../support/audit-repo.js";
import { captureOutput } from "../support/capture.js";
import { requires, sharedDir } from "../support/env.js";
import { demoIdentities, demoKeyFile, fluxKs, fluxSync } from "../support/flux.js";
import { filesUnder, noOwnKeys, type Output } from "../support/outputs.js";
import { Rng } from "../support/random.js";

const SEED = process.env.SLIPWAY_FUZZ_SEED ? Number(process.env.SLIPWAY_FUZZ_SEED) : 7;
const K = 12;

// ---------------------------------------------------------------------------------------------
// Every form of a secret, searched by any K characters.

function base32(bytes: Buffer): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  let out = "";
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/** The part of an encoding of `value` that does not depend on the bytes around it. */
function encodedCores(value: Buffer, encode: (b: Buffer) => string, group: number, chars: number): string[] {
  const out: string[] = [];
  for (let offset = 0; offset < group; offset++) {
    const enc = encode(Buffer.concat([Buffer.alloc(offset), value]));
    const start = Math.ceil((offset * chars) / group) + 1;
    const end = Math.floor(((offset + value.length) * chars) / group) - 1;
    if (end - start >= K) out.push(enc.slice(start, end));
  }
  return out;
}

function formsOf(value: string): string[] {
  const forms = new Set<string>();
  const lines = value.split("\n");
  for (const v of new Set([value, value.replaceAll("\n", ""), value.replaceAll("\n", " "), ...lines])) {
    const bytes = Buffer.from(v, "utf8");
    for (const x of [v, v.toLowerCase(), v.toUpperCase()]) {
      forms.add(x);
      forms.add(JSON.stringify(x).slice(1, -1));
      forms.add(encodeURIComponent(x));
    }
    const hex = bytes.toString("hex");
    forms.add(hex);
    forms.add(hex.toUpperCase());
    for (const core of encodedCores(bytes, (b) => b.toString("base64"), 3, 4)) {
      forms.add(core);
      for (const c2 of encodedCores(Buffer.from(core), (b) => b.toString("base64"), 3, 4)) forms.add(c2);
    }
    for (const core of encodedCores(bytes, base32, 5, 8)) forms.add(core);
    // base64 of the whole base64 (b64enc | b64enc starts at offset 0)
    forms.add(Buffer.from(bytes.toString("base64")).toString("base64").slice(0, -4));
  }
  return [...forms].filter((f) => f.length >= K);
}

class SecretIndex {
  private readonly grams = new Map<string, string>();
  add(name: string, value: string): void {
    for (const form of formsOf(value))
      for (let i = 0; i + K <= form.length; i++) this.grams.set(form.slice(i, i + K), name);
  }
  /** Hits in the text as written, and with line breaks (and the indentation after them) folded away. */
  find(text: string): string[] {
    const hits = new Set<string>();
    const seen = new Set<string>();
    const variants = [text, text.replace(/\s*\n\s*/g, " "), text.replace(/\s*\n\s*/g, "")];
    for (const t of variants)
      for (let i = 0; i + K <= t.length; i++) {
        const name = this.grams.get(t.slice(i, i + K));
        if (name && !seen.has(name)) {
          seen.add(name);
          hits.add(`${name} (…${t.slice(Math.max(0, i - 24), i + K + 24).replace(/\n/g, "⏎")}…)`);
        }
      }
    return [...hits];
  }
  names(text: string): Set<string> {
    return new Set(this.find(text).map((h) => h.split(" ")[0]!));
  }
}

// ---------------------------------------------------------------------------------------------

afterEach(() => vi.unstubAllEnvs());

function httpGet(port: number, pathname: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path: pathname, headers: { host: `127.0.0.1:${port}` } },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve(body));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** The age identity's material: any K characters of its bech32 body, either case. */
function keyMaterialIn(text: string, keys: readonly string[]): string[] {
  const hits: string[] = [];
  const lower = text.toLowerCase();
  for (const key of keys) {
    const body = key.replace(/^AGE-SECRET-KEY-(PQ-)?1/, "").toLowerCase();
    for (let i = 0; i + K <= body.length; i += 4)
      if (lower.includes(body.slice(i, i + K))) hits.push(key.slice(0, 20));
  }
  return [...new Set(hits)];
}

class Runs {
  readonly outputs: Output[] = [];
  async run(label: string, command: () => Promise<number>) {
    const r = await captureOutput(command);
    this.outputs.push(
      { label: `${label} (stdout)`, text: r.stdout },
      { label: `${label} (stderr)`, text: r.stderr },
    );
    return r;
  }
  leaks(index: SecretIndex, skip: (label: string, name: string) => boolean = () => false): string[] {
    return this.outputs.flatMap((o) =>
      index
        .find(o.text)
        .filter((hit) => !skip(o.label, hit.split(" ")[0]!))
        .map((hit) => `${o.label}: ${hit}`),
    );
  }
}

/** Secrets written in plain text in Git (not SOPS): `build` prints them as kubectl does. */
const PLAIN_IN_GIT = new Set(["jsonSecret", "listSecret", "quoted", "literal", "envFile"]);

describe("secrets audit", () => {
  let git: GitFixture;
  let secrets: AuditSecret[] = [];
  let index: SecretIndex;
  const key = ["--age-key-file", demoKeyFile];

  beforeAll(async () => {
    const rng = new Rng(SEED);
    const before = await auditRepo(rng);
    const after = await auditRepo(rng);
    git = new GitFixture();
    git.write(before.files).commit("v1");
    git.write(after.files).commit("v2 (every value rotated)");
    secrets = [...before.secrets, ...after.secrets];
    index = new SecretIndex();
    for (const s of secrets) index.add(s.name, s.value);
  }, 60_000);

  it("the search finds every form a formatter could give a secret", () => {
    const v = "pwAbCdEfGhIjKlMnOpQrStUvWxYz0123";
    const i = new SecretIndex();
    i.add("S", v);
    const planted = [
      v,
      v.toUpperCase(),
      Buffer.from(`x${v}`).toString("base64"),
      Buffer.from(Buffer.from(v).toString("base64")).toString("base64"),
      Buffer.from(v).toString("hex"),
      base32(Buffer.from(`xy${v}`)),
      encodeURIComponent(v),
      v.slice(3, 3 + K),
      `${v.slice(0, 14)}\n      ${v.slice(14)}`,
    ];
    for (const text of planted) expect(i.find(`before ${text} after`), text).not.toEqual([]);
    expect(i.find("<masked:sha256:0123abcd> not-secret")).toEqual([]);
  });

  it("no command, format, written file or HTTP response shows a secret or the age key", async () => {
    noOwnKeys();
    // The key in the environment too (as CI jobs pass it), besides --age-key-file.
    vi.stubEnv("SOPS_AGE_KEY", readFileSync(demoKeyFile, "utf8"));
    const repo = git.dir;
    const runs = new Runs();
    const dir = mkdtempSync(path.join(tmpdir(), "slipway-audit-out-"));
    for (const format of ["yaml", "json"]) {
      await runs.run(`render ${format}`, () => renderCommand([repo, ...key, "--format", format]));
      await runs.run(`render ${format} --out`, () =>
        renderCommand([repo, ...key, "--format", format, "--out", path.join(dir, `render-${format}`)]),
      );
    }
    await runs.run("build apps", () => buildCommand([path.join(repo, "apps")]));
    for (const format of ["text", "json", "sarif", "junit", "github"])
      await runs.run(`check ${format}`, () => checkCommand([repo, ...key, "--format", format]));
    for (const format of ["text", "json", "mermaid", "dot"])
      await runs.run(`graph ${format}`, () => graphCommand([repo, "--format", format]));
    for (const format of ["text", "markdown", "json", "html"])
      for (const full of [[], ["--full"]])
        await runs.run(`diff ${format} ${full.join("")}`, () =>
          diffCommand([repo, ...key, "--base", "HEAD~1", "--format", format, ...full]),
        );
    for (const format of ["text", "json"]) {
      await runs.run(`secrets status ${format}`, () =>
        secretsCommand(["status", repo, ...key, "--format", format]),
      );
      await runs.run(`secrets updatekeys/rotate --dry-run ${format}`, async () =>
        format === "text"
          ? secretsCommand(["updatekeys", "--dry-run", repo, ...key])
          : secretsCommand(["rotate", "--dry-run", repo, ...key]),
      );
      await runs.run(`images list ${format}`, () =>
        imagesCommand(["list", repo, ...key, "--format", format]),
      );
    }
    await runs.run("report --html", () =>
      reportCommand([repo, ...key, "--html", path.join(dir, "report.html"), "--base", "HEAD~1"]),
    );
    runs.outputs.push(...filesUnder(dir));

    // serve: every endpoint, every node, every file the model points at, the revision diff.
    const session = new DashboardSession(repo, { identities: demoIdentities });
    const server = await startDashboardServer({
      session,
      assets: { js: "", css: "" },
      port: 0,
      diff: (base) => revisionDiff(repo, base, demoIdentities, session.secretValues),
    });
    try {
      await session.start();
      const port = Number(new URL(server.url).port);
      const get = async (p: string) => {
        const body = await httpGet(port, p);
        runs.outputs.push({ label: `serve GET ${p}`, text: body });
        return body;
      };
      await get("/api/status");
      const model = JSON.parse(await get("/api/model")) as {
        clusters: Array<{ name: string; nodes: Array<{ id: string }> }>;
        secrets: { files: Array<{ file: string }> };
      };
      const files = new Set<string>(model.secrets.files.map((f) => f.file));
      for (const c of model.clusters)
        for (const n of c.nodes) {
          const body = await get(`/api/node?cluster=${c.name}&id=${encodeURIComponent(n.id)}`);
          for (const m of body.matchAll(/"file":"([^"]+)"/g)) files.add(m[1]!);
        }
      for (const m of JSON.stringify(model).matchAll(/"file":"([^"]+)"/g)) files.add(m[1]!);
      for (const f of files) await get(`/api/source?file=${encodeURIComponent(f)}`);
      await get("/api/revisions");
      await get("/api/diff?base=HEAD~1");
      expect(files.size).toBeGreaterThan(5);
    } finally {
      await server.close();
    }

    // The runs saw the secrets: decrypted and rendered (masked), the chart rendered.
    const render = runs.outputs.find((o) => o.label === "render json (stdout)")!.text;
    expect(render).toContain("audit-forms");
    expect(render).toMatch(/<masked:sha256:[0-9a-f]{8}>/);
    // Data that is not base64 is an error naming the key, not the value.
    expect(runs.outputs.find((o) => o.label === "check text (stdout)")!.text).toMatch(
      /Secret app\/bad-b64: data\.token: must be base64/,
    );

    const leaks = runs.leaks(index, (label, name) => label.startsWith("build ") && PLAIN_IN_GIT.has(name));
    const keyLeaks = runs.outputs.flatMap((o) =>
      keyMaterialIn(o.text, demoIdentities).map((k) => `${o.label}: ${k}`),
    );
    process.stdout.write(
      `[secrets audit] ${runs.outputs.length} outputs (${runs.outputs.reduce((n, o) => n + o.text.length, 0)} characters), ${secrets.length} secrets: ${leaks.length} leaks\n`,
    );
    if (process.env.SLIPWAY_AUDIT_DUMP) writeFileSync(process.env.SLIPWAY_AUDIT_DUMP, leaks.join("\n"));
    expect(keyLeaks).toEqual([]);
    expect(leaks).toEqual([]);
  }, 300_000);

  /** A copy of the repository (HEAD, as a Git repository) with some files changed. */
  function variant(change: (dir: string) => void): string {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "slipway-audit-variant-")), "repo");
    cpSync(git.dir, dir, { recursive: true });
    change(dir);
    return dir;
  }

  const edit = (dir: string, file: string, f: (text: string) => string) =>
    writeFileSync(path.join(dir, file), f(readFileSync(path.join(dir, file), "utf8")));

  /** Every command that reads SOPS files, on `repo` with `keyArgs`; `decryptFile` also decrypted. */
  async function errorRuns(repo: string, keyArgs: string[], decryptFile: string): Promise<Runs> {
    const runs = new Runs();
    for (const format of ["yaml", "json"])
      await runs.run(`render ${format}`, () => renderCommand([repo, ...keyArgs, "--format", format]));
    for (const format of ["text", "json", "sarif", "github"])
      await runs.run(`check ${format}`, () => checkCommand([repo, ...keyArgs, "--format", format]));
    for (const format of ["text", "json"]) {
      await runs.run(`secrets status ${format}`, () =>
        secretsCommand(["status", repo, ...keyArgs, "--format", format]),
      );
      await runs.run(`diff ${format}`, () =>
        diffCommand([repo, ...keyArgs, "--base", "HEAD", "--format", format, "--accept-failed"]),
      );
    }
    const out = mkdtempSync(path.join(tmpdir(), "slipway-audit-err-"));
    await runs.run("report --html", () =>
      reportCommand([repo, ...keyArgs, "--html", path.join(out, "r.html")]),
    );
    runs.outputs.push(...filesUnder(out));
    await runs.run("secrets decrypt", () =>
      secretsCommand(["decrypt", ...keyArgs, path.join(repo, decryptFile)]),
    );
    return runs;
  }

  const CHART_SECRET = "apps/chart-secret.sops.yaml";
  const ERROR_CASES: Array<[string, (dir: string) => void, RegExp]> = [
    [
      "a tampered file (MAC mismatch)",
      (dir) =>
        edit(dir, CHART_SECRET, (t) =>
          t.replace("  name: chart-secret\n", "  name: chart-secret\n  labels: {t: x}\n"),
        ),
      /sops-mac-mismatch|MAC/,
    ],
    [
      "a truncated file",
      (dir) => edit(dir, CHART_SECRET, (t) => t.slice(0, Math.floor(t.length * 0.6))),
      /chart-secret\.sops\.yaml/,
    ],
    [
      "ciphertext that is not base64",
      (dir) =>
        edit(dir, CHART_SECRET, (t) => t.replace(/(password: ENC\[AES256_GCM,data:)[^,]{4}/, "$1!!!!")),
      /chart-secret\.sops\.yaml/,
    ],
    [
      // kustomize quotes the text it cannot decode (`cannot decode !!str \`…\` as a !!int`): here
      // the base64 of a value of a decrypted env file.
      "a decrypted value replaced into an integer field",
      (dir) => {
        edit(dir, "apps/kustomization.yaml", (t) =>
          t
            .replace("resources:\n", "resources:\n  - deploy.yaml\n")
            .replace(
              "secretGenerator:\n",
              "replacements:\n  - source: {kind: Secret, name: gen-sops-env, fieldPath: data.N}\n    targets:\n      - select: {kind: Deployment}\n        fieldPaths: [spec.replicas]\nsecretGenerator:\n",
            ),
        );
        writeFileSync(
          path.join(dir, "apps/deploy.yaml"),
          "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: app}\nspec:\n  replicas: 1\n",
        );
      },
      /cannot decode !!str \(a secret value\) as a !!int/,
    ],
  ];

  it.each(ERROR_CASES)(
    "%s: every output names the file, none shows a secret or the key",
    async (_, change, named) => {
      noOwnKeys();
      const repo = variant(change);
      const runs = await errorRuns(repo, key, CHART_SECRET);
      const check = runs.outputs.find((o) => o.label === "check json (stdout)")!.text;
      expect(check).toMatch(named);
      const leaks = runs.leaks(index, (label) => label === "secrets decrypt (stdout)");
      const keyLeaks = runs.outputs.flatMap((o) =>
        keyMaterialIn(o.text, demoIdentities).map((k) => `${o.label}: ${k}`),
      );
      expect(keyLeaks).toEqual([]);
      expect(leaks).toEqual([]);
    },
    120_000,
  );

  it("a Secret value that fails Helm's --set syntax (a comma) fails its HelmRelease without showing it", async () => {
    noOwnKeys();
    const first = "cmFirstHalfQ8v2Lx9Tz";
    const second = "cmSecondHalfW4n7Rk3Yp";
    const repo = variant((dir) => {
      edit(dir, "apps/kustomization.yaml", (t) =>
        t.replace("  - release.yaml\n", "  - release.yaml\n  - comma.yaml\n"),
      );
      writeFileSync(
        path.join(dir, "apps/comma.yaml"),
        `apiVersion: v1\nkind: Secret\nmetadata: {name: comma, namespace: app}\nstringData:\n  v: "${first},${second}"\n---\n${readFileSync(
          path.join(dir, "apps/release.yaml"),
          "utf8",
        )
          .replace("name: audit", "name: comma")
          .replace(
            / {4}- \{kind: Secret, name: chart-secret, valuesKey: password.*\n/,
            "    - {kind: Secret, name: comma, valuesKey: v, targetPath: auth.password}\n",
          )}`,
      );
    });
    const runs = await errorRuns(repo, key, CHART_SECRET);
    expect(runs.outputs.find((o) => o.label === "check json (stdout)")!.text).toContain(
      "HelmRelease app/comma",
    );
    const commaIndex = new SecretIndex();
    commaIndex.add("comma", `${first},${second}`);
    commaIndex.add("comma-second", second);
    expect(runs.leaks(commaIndex, (label) => label === "secrets decrypt (stdout)")).toEqual([]);
    expect(runs.leaks(index, (label) => label === "secrets decrypt (stdout)")).toEqual([]);
  }, 120_000);

  it("a wrong key: nothing decrypted, the key never printed", async () => {
    noOwnKeys();
    const keyDir = mkdtempSync(path.join(tmpdir(), "slipway-audit-wrongkey-"));
    const wrongFile = path.join(keyDir, "wrong.txt");
    execFileSync("age-keygen", ["-o", wrongFile], { stdio: "ignore" });
    const wrong = readFileSync(wrongFile, "utf8")
      .split("\n")
      .filter((l) => l.startsWith("AGE-SECRET-KEY-"));
    const runs = await errorRuns(git.dir, ["--age-key-file", wrongFile], CHART_SECRET);
    expect(runs.outputs.find((o) => o.label === "check json (stdout)")!.text).toContain("sops-undecryptable");
    const keyLeaks = runs.outputs.flatMap((o) =>
      keyMaterialIn(o.text, [...wrong, ...demoIdentities]).map((k) => `${o.label}: ${k}`),
    );
    expect(keyLeaks).toEqual([]);
    expect(runs.leaks(index)).toEqual([]);
  }, 120_000);

  describe("malformed age keys never reach an output", () => {
    const good = demoIdentities[0]!;
    const typo = good.slice(0, 30) + (good[30] === "Q" ? "P" : "Q") + good.slice(31);
    const keyDir = () => mkdtempSync(path.join(tmpdir(), "slipway-audit-keys-"));
    const keyFile = (text: string | Buffer) => {
      const f = path.join(keyDir(), "keys.txt");
      writeFileSync(f, text, { mode: 0o600 });
      return f;
    };
    const CASES: Array<[string, () => { env?: Record<string, string>; args: string[] }]> = [
      ["SOPS_AGE_KEY with a typo line", () => ({ env: { SOPS_AGE_KEY: `${typo}\n${good}` }, args: [] })],
      [
        "SOPS_AGE_KEY, one line, comma-separated",
        () => ({ env: { SOPS_AGE_KEY: `${typo},${good}` }, args: [] }),
      ],
      ["trailing text on the key's line", () => ({ args: ["--age-key-file", keyFile(`${good} # mine\n`)] })],
      ["CRLF line ends", () => ({ args: ["--age-key-file", keyFile(`# k\r\n${good}\r\n`)] })],
      ["a byte-order mark", () => ({ args: ["--age-key-file", keyFile(`\ufeff${good}\n`)] })],
      ["the key as YAML", () => ({ args: ["--age-key-file", keyFile(`key: ${good}\n`)] })],
      ["the key lower-cased", () => ({ args: ["--age-key-file", keyFile(`${good.toLowerCase()}\n`)] })],
      ["the key cut short", () => ({ args: ["--age-key-file", keyFile(`${good.slice(0, -1)}\n`)] })],
      [
        "a post-quantum prefix on a classic key",
        () => ({
          args: ["--age-key-file", keyFile(`${good.replace("AGE-SECRET-KEY-1", "AGE-SECRET-KEY-PQ-1")}\n`)],
        }),
      ],
      [
        "binary bytes around the key",
        () => ({
          args: [
            "--age-key-file",
            keyFile(Buffer.concat([Buffer.from([0, 0xff, 0xfe]), Buffer.from(good), Buffer.from([0])])),
          ],
        }),
      ],
      [
        "SOPS_AGE_KEY_FILE naming a directory",
        () => ({ env: { SOPS_AGE_KEY_FILE: keyDir(), SOPS_AGE_KEY: typo }, args: [] }),
      ],
    ];

    it.each(CASES)(
      "%s",
      async (_, setup) => {
        noOwnKeys();
        const { env, args } = setup();
        for (const [k, v] of Object.entries(env ?? {})) vi.stubEnv(k, v);
        const runs = new Runs();
        await runs.run("render json", () => renderCommand([git.dir, ...args, "--format", "json"]));
        await runs.run("check json", () => checkCommand([git.dir, ...args, "--format", "json"]));
        await runs.run("check text", () => checkCommand([git.dir, ...args, "--format", "text"]));
        await runs.run("secrets status", () => secretsCommand(["status", git.dir, ...args]));
        await runs.run("secrets decrypt", () =>
          secretsCommand(["decrypt", ...args, path.join(git.dir, "vars/vars.sops.yaml")]),
        );
        await runs.run("graph", () => graphCommand([git.dir, ...args.slice(0, 0)]));
        const keyLeaks = runs.outputs.flatMap((o) =>
          keyMaterialIn(o.text, [good, typo]).map((k) => `${o.label}: ${k}`),
        );
        expect(keyLeaks).toEqual([]);
        expect(runs.leaks(index, (label) => label === "secrets decrypt (stdout)")).toEqual([]);
      },
      120_000,
    );
  });

  it("converse: render --show-secrets shows every secret (so the search bites)", async () => {
    noOwnKeys();
    const r = await captureOutput(() =>
      renderCommand([git.dir, ...key, "--format", "json", "--show-secrets"]),
    );
    const found = index.names(r.stdout);
    const current = secrets.slice(secrets.length / 2).map((s) => s.name);
    expect(current.filter((n) => !found.has(n))).toEqual([]);
  }, 120_000);
});

/**
 * Files the real sops wrote (../shared/vectors/sops, with their published age keys) reach the
 * output the way a Flux repository uses them: a helm-secrets values file (a 900-character
 * PGP block as a value) as a generated Secret's `values.yaml` merged into a HelmRelease whose
 * chart prints `toYaml .Values`, `toJson` and `b64enc` into a ConfigMap; a dotenv and a JSON
 * file as generated Secrets and a ConfigMap.
 */
describe.runIf(requires("shared"))("secrets audit on sops's own files", () => {
  const vectors = path.join(sharedDir, "vectors/sops");
  const keyFile = () => {
    const f = path.join(mkdtempSync(path.join(tmpdir(), "slipway-audit-vkeys-")), "keys.txt");
    const keys = ["jkroepke-helm-secrets/key.txt", "humphd-sops-age/key.txt"].map((k) =>
      readFileSync(path.join(vectors, k), "utf8"),
    );
    writeFileSync(f, keys.join("\n"), { mode: 0o600 });
    return f;
  };

  it("no output shows a decrypted value or a key; --show-secrets shows them", async () => {
    noOwnKeys();
    const git = new GitFixture();
    git.write({
      "clusters/dev/flux-system/gotk-sync.yaml": fluxSync("./clusters/dev"),
      "clusters/dev/apps.yaml": fluxKs("apps", "./apps", "  decryption:\n    provider: sops\n"),
      "apps/kustomization.yaml": `resources: [release.yaml]
secretGenerator:
  - name: helm-values
    namespace: app
    files: [values.yaml=secrets.age.yaml]
    options: {disableNameSuffixHash: true}
  - {name: env, namespace: app, envs: [secret.enc.env]}
  - {name: json, namespace: app, files: [secret.enc.json]}
configMapGenerator:
  - {name: env-cm, namespace: app, envs: [secret.enc.env]}
`,
      "apps/secrets.age.yaml": readFileSync(
        path.join(vectors, "jkroepke-helm-secrets/secrets.age.yaml"),
        "utf8",
      ),
      "apps/secret.enc.env": readFileSync(path.join(vectors, "humphd-sops-age/secret.enc.env"), "utf8"),
      "apps/secret.enc.json": readFileSync(path.join(vectors, "humphd-sops-age/secret.enc.json"), "utf8"),
      "apps/release.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: hs, namespace: app}
spec:
  interval: 10m
  chart:
    spec:
      chart: ./charts/hs
      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}
  valuesFrom:
    - {kind: Secret, name: helm-values, valuesKey: values.yaml}
`,
      "charts/hs/Chart.yaml": "apiVersion: v2\nname: hs\nversion: 0.1.0\n",
      "charts/hs/templates/cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: hs-values
data:
  values.yaml: |
{{ toYaml .Values | indent 4 }}
  values.json: {{ toJson .Values | quote }}
  key.b64: {{ .Values.key | b64enc }}
  port: {{ .Values.service.port | quote }}
`,
    });
    git.commit("vectors");
    const keys = ["--age-key-file", keyFile()];
    const expected = JSON.parse(
      readFileSync(path.join(vectors, "jkroepke-helm-secrets/expected.json"), "utf8"),
    );
    const list = (Array.isArray(expected) ? expected : expected.vectors) as Array<{
      file: string;
      plaintext: { key: string };
    }>;
    const pgp = list.find((v) => v.file === "secrets.age.yaml")!.plaintext.key;
    const index = new SecretIndex();
    // The PGP block's base64 lines (its armour lines are in every PGP-encrypted SOPS file).
    for (const line of pgp.split("\n")) if (/^[A-Za-z0-9+/=]{24,}$/.test(line)) index.add("pgp-block", line);
    index.add("humphd", "this is a secret");
    index.add("humphd-json", "gotta match go");

    const runs = new Runs();
    const out = mkdtempSync(path.join(tmpdir(), "slipway-audit-vout-"));
    for (const format of ["yaml", "json"])
      await runs.run(`render ${format}`, () => renderCommand([git.dir, ...keys, "--format", format]));
    for (const format of ["text", "json", "sarif"])
      await runs.run(`check ${format}`, () => checkCommand([git.dir, ...keys, "--format", format]));
    await runs.run("secrets status", () => secretsCommand(["status", git.dir, ...keys, "--format", "json"]));
    await runs.run("report", () => reportCommand([git.dir, ...keys, "--html", path.join(out, "r.html")]));
    runs.outputs.push(...filesUnder(out));
    const render = runs.outputs.find((o) => o.label === "render yaml (stdout)")!.text;
    expect(render).toContain("name: hs-values");
    const vkeys = readFileSync(keys[1]!, "utf8")
      .split("\n")
      .filter((l) => l.startsWith("AGE-SECRET-KEY-"));
    expect(runs.outputs.flatMap((o) => keyMaterialIn(o.text, vkeys).map((k) => `${o.label}: ${k}`))).toEqual(
      [],
    );
    expect(runs.leaks(index)).toEqual([]);

    const plain = await captureOutput(() => renderCommand([git.dir, ...keys, "--show-secrets"]));
    expect([...index.names(plain.stdout)].sort()).toEqual(["humphd", "humphd-json", "pgp-block"]);
  }, 120_000);
});
