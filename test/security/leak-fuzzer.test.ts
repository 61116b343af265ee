/**
 * Issue 9, the leak fuzzer. Generated repositories (test/support/leak-repo.ts) put secrets of
 * every awkward shape on every path to the output; every command in every format is run with
 * the decryption key present, and stdout, stderr and every written file are searched for each
 * secret raw, escaped (JSON, XML/HTML, GitHub annotations, URL), transformed (case, stripped
 * newlines, substrings) and base64-encoded at every byte offset. Short, numeric, boolean and
 * common-word secrets cannot be searched for in text; for them (and all others) the property
 * holds: the masked render equals the `--show-secrets` render with exactly the secret fields
 * (as the generator placed them) replaced by markers — nothing else changes, so a field that
 * is not secret stays readable even when its text equals a secret's.
 *
 * Replay one seed with SLIPWAY_FUZZ_SEED=n.
 */
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { checkCommand } from "../../src/cli/check.js";
import { diffCommand } from "../../src/cli/diff.js";
import { graphCommand } from "../../src/cli/graph.js";
import { imagesCommand } from "../../src/cli/images.js";
import { promoteCommand } from "../../src/cli/promote.js";
import { renderCommand } from "../../src/cli/render.js";
import { reportCommand } from "../../src/cli/report.js";
import { secretsCommand } from "../../src/cli/secrets.js";
import { GitFixture } from "../diff/git-fixture.js";
import { captureOutput } from "../support/capture.js";
import { DEMO_RECIPIENT, demoIdentities, demoKeyFile } from "../support/flux.js";
import { DAMAGES, type ExpectedSecrets, type GeneratedSecret, leakRepo } from "../support/leak-repo.js";
import { filesUnder, noOwnKeys, type Output } from "../support/outputs.js";
import { Rng } from "../support/random.js";

const SEEDS = process.env.SLIPWAY_FUZZ_SEED ? [Number(process.env.SLIPWAY_FUZZ_SEED)] : [11, 23];
const MARKER = /^<masked:sha256:[0-9a-f]{8}>$/;

// ---------------------------------------------------------------------------------------------
// Searching text for a secret in any form.

function xmlEscape(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
function githubEscape(s: string): string {
  return s
    .replace(/%/g, "%25")
    .replace(/\r/g, "%0D")
    .replace(/\n/g, "%0A")
    .replace(/:/g, "%3A")
    .replace(/,/g, "%2C");
}
function scriptEscape(s: string): string {
  return s.replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
}

/** The middle of base64(value) as it appears when the value starts at byte offset 0, 1 or 2. */
function base64Cores(value: string): string[] {
  const bytes = Buffer.from(value, "utf8");
  const out: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const b64 = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    // Characters that depend on the bytes before or after the value are cut off.
    const start = Math.ceil((offset * 4) / 3) + 1;
    const end = Math.floor(((offset + bytes.length) * 4) / 3) - 1;
    if (end - start >= 8) out.push(b64.slice(start, end));
  }
  return out;
}

/** Every form a secret could take on its way to the output. */
function variantsOf(value: string): string[] {
  const forms = new Set<string>();
  for (const v of [value, value.replaceAll("\n", "")]) {
    for (const x of [v, v.toUpperCase(), v.toLowerCase()]) {
      forms.add(x);
      forms.add(JSON.stringify(x).slice(1, -1));
      forms.add(JSON.stringify(JSON.stringify(x)).slice(1, -1));
      forms.add(xmlEscape(x));
      forms.add(githubEscape(x));
      forms.add(scriptEscape(JSON.stringify(x).slice(1, -1)));
      forms.add(encodeURIComponent(x));
    }
    for (const core of base64Cores(v)) forms.add(core);
  }
  return [...forms];
}

/** k-grams of every variant: any k characters of a secret, in any form, anywhere in the text. */
class SecretIndex {
  private readonly grams = new Map<number, Map<string, string>>();

  add(secret: GeneratedSecret): void {
    // The 40 KB secret is searched with longer windows (its k-grams are many).
    const k = secret.value.length > 1000 ? 16 : 8;
    let byGram = this.grams.get(k);
    if (!byGram) this.grams.set(k, (byGram = new Map()));
    for (const form of variantsOf(secret.value)) {
      // Characters of escape sequences (`\u003e`, `%3C`, `&lt;`, `\"`) say nothing about the secret:
      // a window counts only its characters that come from the secret itself. Counting the
      // escapes' own letters let `03c\u003` (the tail of `\u003c` and the head of `\u003e`) match
      // a random marker that happens to end in 03c before an escaped `>`.
      const fromSecret = new Uint8Array(form.length).fill(1);
      for (const m of form.matchAll(/\\u[0-9a-fA-F]{4}|%[0-9A-F]{2}|&(amp|lt|gt|quot|#39);|\\./g)) {
        fromSecret.fill(0, m.index, m.index + m[0].length);
      }
      for (let i = 0; i + k <= form.length; i++) {
        const gram = form.slice(i, i + k);
        let own = 0;
        for (let j = 0; j < k; j++) if (fromSecret[i + j] && /[A-Za-z0-9]/.test(gram[j]!)) own++;
        if (own < k - 2) continue;
        byGram.set(gram, secret.name);
      }
    }
  }

  /** How many distinct windows are searched for. */
  size(): number {
    let n = 0;
    for (const byGram of this.grams.values()) n += byGram.size;
    return n;
  }

  find(text: string): string[] {
    const hits = new Set<string>();
    for (const [k, byGram] of this.grams) {
      for (let i = 0; i + k <= text.length; i++) {
        const name = byGram.get(text.slice(i, i + k));
        if (name) hits.add(`${name} (…${text.slice(Math.max(0, i - 12), i + k + 12).replace(/\n/g, "⏎")}…)`);
      }
    }
    return [...hits];
  }
}

/** An age identity as a secret to search for: its key material, after the fixed prefix. */
function ageKeySecret(identity: string): GeneratedSecret {
  return { name: "age identity", value: identity.replace(/^AGE-SECRET-KEY-(PQ-)?1/, ""), cls: "token" };
}

/** Secrets that can be searched for as text: long enough and random. */
function searchable(s: GeneratedSecret): boolean {
  return (
    (s.cls === "token" || s.cls === "special" || s.cls === "newline" || s.cls === "big") &&
    s.value.length >= 12
  );
}

// ---------------------------------------------------------------------------------------------
// The property: masked render = plaintext render with the generator's secret fields masked.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function expectedFor(
  expected: ExpectedSecrets,
  cluster: string,
  obj: Record<string, Json>,
): Array<Array<string | number>> {
  const kind = String(obj.kind);
  const md = (obj.metadata ?? {}) as Record<string, Json>;
  const name = String(md.name ?? "");
  const out: Array<Array<string | number>> = [];
  for (const [key, paths] of expected) {
    const [c, k, n] = key.split("|");
    if (c === cluster && k === kind && (name === n || name.startsWith(`${n}-`))) out.push(...paths);
  }
  if (kind === "Secret" && obj.apiVersion === "v1") {
    for (const field of ["data", "stringData"]) {
      const m = obj[field];
      if (m && typeof m === "object" && !Array.isArray(m))
        for (const key of Object.keys(m)) out.push([field, key]);
    }
  }
  return out;
}

function compareObjects(
  plain: Json,
  masked: Json,
  secretPaths: Array<Array<string | number>>,
  at: Array<string | number>,
  problems: string[],
  markers: Map<string, string>,
  where: string,
): void {
  const isSecret = secretPaths.some((p) => p.length === at.length && p.every((s, i) => s === at[i]));
  if (isSecret) {
    if (typeof masked !== "string" || !MARKER.test(masked)) {
      problems.push(`${where} ${at.join(".")}: secret field not masked`);
      return;
    }
    const known = markers.get(JSON.stringify(plain));
    if (known !== undefined && known !== masked)
      problems.push(`${where} ${at.join(".")}: equal values, different markers`);
    markers.set(JSON.stringify(plain), masked);
    return;
  }
  if (Array.isArray(plain) && Array.isArray(masked) && plain.length === masked.length) {
    for (const [i, x] of plain.entries())
      compareObjects(x, masked[i]!, secretPaths, [...at, i], problems, markers, where);
    return;
  }
  if (
    plain &&
    masked &&
    typeof plain === "object" &&
    typeof masked === "object" &&
    !Array.isArray(plain) &&
    !Array.isArray(masked)
  ) {
    const keys = Object.keys(plain);
    if (keys.join("\0") !== Object.keys(masked).join("\0"))
      problems.push(`${where} ${at.join(".")}: keys differ`);
    for (const k of keys)
      compareObjects(plain[k]!, masked[k]!, secretPaths, [...at, k], problems, markers, where);
    return;
  }
  if (JSON.stringify(plain) !== JSON.stringify(masked)) {
    problems.push(
      `${where} ${at.join(".")}: not secret but changed (${JSON.stringify(plain).slice(0, 40)} → ${JSON.stringify(masked).slice(0, 40)})`,
    );
  }
}

// ---------------------------------------------------------------------------------------------

afterEach(() => vi.unstubAllEnvs());

/** Runs commands, keeping each one's stdout and stderr as outputs to search for secrets. */
function outputRecorder() {
  const outputs: Output[] = [];
  const run = async (label: string, command: () => Promise<number>) => {
    const r = await captureOutput(command);
    outputs.push(
      { label: `${label} (stdout)`, text: r.stdout },
      { label: `${label} (stderr)`, text: r.stderr },
    );
    return { ...r, all: r.stdout + r.stderr };
  };
  return { outputs, run };
}

describe("the secret index the fuzzer searches with", () => {
  const secret: GeneratedSecret = { name: "S", value: 'Abc123Def4"\\%&<>Xyz789Qrs0', cls: "special" };
  const index = new SecretIndex();
  index.add(secret);

  it("finds the secret in every form a formatter could give it", () => {
    const planted = [
      secret.value,
      JSON.stringify(secret.value),
      JSON.stringify(JSON.stringify(secret.value)),
      xmlEscape(secret.value),
      encodeURIComponent(secret.value),
      secret.value.toUpperCase(),
      Buffer.from(`xx${secret.value}`).toString("base64"),
    ];
    for (const text of planted) expect(index.find(`before ${text} after`), text).not.toEqual([]);
  });

  it("does not take the escapes' own characters for the secret", () => {
    // A marker ending in 03c before an escaped '>' contains `03c\u003`, a window of the JSON form.
    expect(index.find('{"v":"<masked sha256:582e803c\\u003e"}')).toEqual([]);
  });
});

describe.each(SEEDS)("leak fuzzer, seed %i", (seed) => {
  let git: GitFixture;
  let secrets: GeneratedSecret[] = [];
  let expected: ExpectedSecrets;
  let latest: Record<string, string>;

  beforeAll(async () => {
    const rng = new Rng(seed);
    const before = await leakRepo(rng);
    const after = await leakRepo(rng);
    git = new GitFixture();
    git.write(before.files).commit("secrets v1");
    git.write(after.files).commit("secrets v2 (every value rotated)");
    secrets = [...before.secrets, ...after.secrets];
    expected = after.expected;
    latest = after.files;
  }, 60_000);

  it("no command, format or written file shows a secret in any form", async () => {
    noOwnKeys();
    const repo = git.dir;
    const key = ["--age-key-file", demoKeyFile];
    const { outputs, run } = outputRecorder();
    const dir = mkdtempSync(path.join(tmpdir(), "slipway-leak-out-"));
    for (const format of ["yaml", "json"]) {
      await run(`render ${format}`, () => renderCommand([repo, ...key, "--format", format]));
      await run(`render ${format} --out`, () =>
        renderCommand([repo, ...key, "--format", format, "--out", path.join(dir, `render-${format}`)]),
      );
    }
    for (const format of ["text", "json", "sarif", "junit", "github"]) {
      await run(`check ${format}`, () => checkCommand([repo, ...key, "--format", format]));
    }
    await run("check --output", () =>
      checkCommand([repo, ...key, "--format", "sarif", "--output", path.join(dir, "check.sarif")]),
    );
    for (const format of ["text", "json", "mermaid", "dot"])
      await run(`graph ${format}`, () => graphCommand([repo, "--format", format]));
    for (const format of ["text", "markdown", "json", "html"]) {
      await run(`diff env ${format}`, () =>
        diffCommand([repo, ...key, "--env", "staging", "--vs", "production", "--format", format]),
      );
      await run(`diff base ${format}`, () =>
        diffCommand([repo, ...key, "--base", "HEAD~1", "--head", "HEAD", "--format", format]),
      );
      await run(`diff base/worktree ${format}`, () =>
        diffCommand([repo, ...key, "--base", "HEAD~1", "--format", format]),
      );
    }
    for (const format of ["text", "markdown", "json"])
      await run(`diff matrix ${format}`, () => diffCommand([repo, ...key, "--matrix", "--format", format]));
    for (const format of ["text", "json"])
      await run(`secrets status ${format}`, () =>
        secretsCommand(["status", repo, ...key, "--format", format]),
      );
    await run("report --html", () => reportCommand([repo, ...key, "--html", path.join(dir, "report.html")]));
    await run("report --html --base", () =>
      reportCommand([repo, ...key, "--html", path.join(dir, "report-base.html"), "--base", "HEAD~1"]),
    );
    for (const format of ["text", "json"]) {
      const r = await run(`images list ${format}`, () =>
        imagesCommand(["list", repo, ...key, "--format", format]),
      );
      // 1 when a generated build fails (its images are then listed as missing, with the reason).
      expect([0, 1], r.stderr).toContain(r.code);
    }
    for (const format of ["text", "markdown", "json"]) {
      const r = await run(`promote ${format}`, () =>
        promoteCommand([repo, ...key, "--from", "staging", "--to", "production", "--format", format]),
      );
      // Planned or refused, not a usage error: the plan was made from the repository.
      expect(r.code, r.stderr).not.toBe(2);
    }
    outputs.push(...filesUnder(dir));

    // The runs did see the secrets: decrypted, substituted, and rendered.
    const render = outputs.find((o) => o.label === "render json (stdout)")!.text;
    expect(render).toMatch(/<masked:sha256:[0-9a-f]{8}>/);
    expect(render).toContain('"kind": "AppConfig"');
    expect(outputs.find((o) => o.label === "render json (stderr)")!.text).toMatch(/broken.*not shown/);

    const index = new SecretIndex();
    const searched = secrets.filter(searchable);
    for (const s of searched) index.add(s);
    for (const key of demoIdentities) index.add(ageKeySecret(key));
    const leaks = outputs.flatMap((o) => index.find(o.text).map((hit) => `${o.label}: ${hit}`));
    const bytes = outputs.reduce((n, o) => n + o.text.length, 0);
    process.stdout.write(
      `[leak fuzzer, seed ${seed}] ${outputs.length} outputs (${bytes} characters) of ${new Set(outputs.map((o) => o.label.replace(/ \((stdout|stderr)\)$/, ""))).size} command runs searched for ${searched.length} secrets in ${index.size()} forms: ${leaks.length} leaks\n`,
    );
    expect(leaks).toEqual([]);
    expect(searched.length).toBeGreaterThanOrEqual(20);
    expect(outputs.length).toBeGreaterThanOrEqual(60);
  }, 300_000);

  it("property: the masked render is the --show-secrets render with exactly the secret fields masked", async () => {
    noOwnKeys();
    const key = ["--age-key-file", demoKeyFile];
    const masked = await captureOutput(() => renderCommand([git.dir, ...key, "--format", "json"]));
    const plain = await captureOutput(() =>
      renderCommand([git.dir, ...key, "--format", "json", "--show-secrets"]),
    );
    // Identical messages (progress lines carry timings), but for those the masked render
    // withholds for quoting a secret value, which --show-secrets prints in full at the same place.
    const messages = (s: string) => s.split("\n").filter((l) => !/\(\d+ ms\)$/.test(l));
    const maskedLines = messages(masked.stderr);
    const plainLines = messages(plain.stderr);
    expect(maskedLines.length).toBe(plainLines.length);
    expect(plainLines.filter(withheld)).toEqual([]);
    expect(maskedLines).toEqual(plainLines.map((l, i) => asWithheld(maskedLines[i]!, l)));
    const m = (JSON.parse(masked.stdout) as { kustomizations: Array<Record<string, Json>> }).kustomizations;
    const p = (JSON.parse(plain.stdout) as { kustomizations: Array<Record<string, Json>> }).kustomizations;
    const errorsOf = (k: Record<string, Json>) => (k.errors ?? []) as string[];
    // The plain errors as the masked render shows them: a withheld message in place of the text.
    const plainAsMasked = p.map((k, i) => errorsOf(k).map((e, j) => asWithheld(errorsOf(m[i]!)[j] ?? "", e)));
    expect(m.map((k) => [k.cluster, k.name, k.status, errorsOf(k)])).toEqual(
      p.map((k, i) => [k.cluster, k.name, k.status, plainAsMasked[i]]),
    );
    const problems: string[] = [];
    const markers = new Map<string, string>();
    let secretFields = 0;
    p.forEach((k, i) => {
      const mk = m[i]!;
      const pr = k.resources as Array<Record<string, Json>>;
      const mr = mk.resources as Array<Record<string, Json>>;
      expect(mr.length).toBe(pr.length);
      pr.forEach((obj, j) => {
        const paths = expectedFor(expected, String(k.cluster), obj);
        secretFields += paths.length;
        compareObjects(
          obj,
          mr[j]!,
          paths,
          [],
          problems,
          markers,
          `${k.cluster} ${String(obj.kind)}/${String((obj.metadata as Record<string, Json>).name)}`,
        );
      });
    });
    process.stdout.write(
      `[leak fuzzer, seed ${seed}] property: ${p.reduce((n, k) => n + (k.resources as Json[]).length, 0)} objects compared, ${secretFields} secret fields masked, ${markers.size} distinct markers, ${problems.length} problems\n`,
    );
    expect(problems).toEqual([]);
    // Every path of the generator was exercised, in both clusters.
    expect(secretFields).toBeGreaterThanOrEqual(2 * 30);
    // A field that equals a secret's text but is not secret stays readable.
    const readable = JSON.stringify(m.flatMap((k) => k.resources as Json[]));
    expect(readable).toContain('"branch":"main"');
  }, 120_000);

  /**
   * Damaged SOPS files (one YAML, one dotenv, each damaged in a way the seed picks from DAMAGES):
   * every command that reads them fails loudly — the file named in every format, a non-zero
   * exit where it must decrypt, nothing written — and no output shows a secret or the key.
   */
  it("damaged SOPS files: named in every output, nothing written, no secret or key shown", async () => {
    noOwnKeys();
    const rng = new Rng(seed * 7919);
    const names = Object.keys(DAMAGES);
    const damaged = { "apps/db.sops.yaml": rng.pick(names), "apps/creds.sops.env": rng.pick(names) };
    const dir = mkdtempSync(path.join(tmpdir(), "slipway-leak-damaged-"));
    for (const [rel, text] of Object.entries(latest)) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      const damage = damaged[rel as keyof typeof damaged];
      const out = damage ? DAMAGES[damage]!(text, rng) : text;
      if (damage) expect(out, `${rel}: ${damage} changed nothing`).not.toBe(text);
      writeFileSync(path.join(dir, rel), out);
    }
    // updatekeys must open every file: the rule now names a second recipient.
    const other = "age1xwhg9xdjxec2xl0x7kl3l0xp6r8kxzllnr752gmf5k6ynal9uu6qygel9a";
    writeFileSync(
      path.join(dir, ".sops.yaml"),
      readFileSync(path.join(dir, ".sops.yaml"), "utf8").replace(
        DEMO_RECIPIENT,
        `${DEMO_RECIPIENT},${other}`,
      ),
    );
    const tree = () => filesUnder(dir).map((o) => `${o.label}\n${o.text}`);
    const before = tree();
    const key = ["--age-key-file", demoKeyFile];
    const { outputs, run } = outputRecorder();
    const where = `seed ${seed}, ${JSON.stringify(damaged)}`;
    // Cut in half, a file is no SOPS file any more: YAML that kustomize may still read.
    const mustDecrypt = Object.entries(damaged).filter(([, d]) => d !== "file cut in half");
    for (const format of ["text", "json", "sarif", "junit", "github"]) {
      const r = await run(`check ${format}`, () => checkCommand([dir, ...key, "--format", format]));
      expect(r.code, `${where}: check ${format}`).toBe(1);
      for (const [rel] of mustDecrypt) expect(r.all, `${where}: check ${format} names ${rel}`).toContain(rel);
    }
    const render = await run("render json", () => renderCommand([dir, ...key, "--format", "json"]));
    for (const [rel] of mustDecrypt) expect(render.stderr, `${where}: render names ${rel}`).toContain(rel);
    for (const format of ["text", "json"]) {
      const r = await run(`secrets status ${format}`, () =>
        secretsCommand(["status", dir, ...key, "--format", format]),
      );
      expect(r.code, `${where}: status ${format}`).toBe(1);
      for (const [rel] of mustDecrypt)
        expect(r.all, `${where}: status ${format} names ${rel}`).toContain(rel);
    }
    for (const [rel] of mustDecrypt) {
      const file = path.join(dir, rel);
      const r = await run(`secrets decrypt ${rel}`, () => secretsCommand(["decrypt", ...key, file]));
      expect(r.code, `${where}: decrypt ${rel}`).toBe(1);
      expect(r.stdout, `${where}: decrypt ${rel} prints nothing`).toBe("");
      expect(r.stderr, `${where}: decrypt ${rel}`).toMatch(new RegExp(`^${file}: `));
    }
    // rotate opens every value; updatekeys only the data key, as sops does, so damage to a value
    // or the MAC does not stop it. A file cut in half is no SOPS file: named as passed by.
    for (const [cmd, stops] of [
      ["rotate", mustDecrypt],
      ["updatekeys", mustDecrypt.filter(([, d]) => d === "damaged age stanza")],
    ] as const) {
      const r = await run(`secrets ${cmd}`, () => secretsCommand([cmd, ...key, dir]));
      if (stops.length > 0) {
        expect(r.code, `${where}: ${cmd}`).toBe(1);
        expect(tree(), `${where}: ${cmd} wrote nothing`).toEqual(before);
      }
      for (const [rel, d] of Object.entries(damaged))
        if (d === "file cut in half" || stops.some(([s]) => s === rel))
          expect(r.all, `${where}: ${cmd} names ${rel}`).toContain(rel);
    }

    const index = new SecretIndex();
    for (const s of secrets.filter(searchable)) index.add(s);
    for (const k of demoIdentities) index.add(ageKeySecret(k));
    const leaks = outputs.flatMap((o) =>
      o.label.startsWith("secrets decrypt") && o.label.endsWith("(stdout)")
        ? []
        : index.find(o.text).map((h) => `${o.label}: ${h}`),
    );
    expect(leaks, where).toEqual([]);
  }, 300_000);

  it("--show-secrets --out writes plaintext files readable by the owner only", async () => {
    noOwnKeys();
    const out = mkdtempSync(path.join(tmpdir(), "slipway-plain-out-"));
    await captureOutput(() =>
      renderCommand([git.dir, "--age-key-file", demoKeyFile, "--show-secrets", "--out", out]),
    );
    const written = filesUnder(out);
    expect(written.length).toBeGreaterThan(0);
    for (const f of written) expect(statSync(f.label).mode & 0o777, f.label).toBe(0o600);
  });
});

const WITHHELD = /(the message is|a warning was) withheld: it quotes a secret value/;

function withheld(text: string): boolean {
  return WITHHELD.test(text);
}

/**
 * `plain` as the masked output shows it when `masked` withholds it: the same text up to where
 * the withheld words start (the place: file, cluster, Kustomization).
 */
function asWithheld(masked: string, plain: string): string {
  const at = masked.search(WITHHELD);
  if (at < 0 || masked.slice(0, at) !== plain.slice(0, at)) return plain;
  return masked;
}
