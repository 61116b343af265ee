/**
 * Issue 9, masked vs `--show-secrets` on real repositories: the example platform (with both
 * demo keys), kustomize-controller's SOPS test tree made by the real sops (with its age keys,
 * PGP and Vault files left undecryptable) and the nine real-world Flux repositories (no keys:
 * their plain Secrets and substituted values). For each, the masked render must be the
 * plaintext render with some fields replaced by markers and nothing else changed:
 *
 * - every difference is a marker, and a marker stands for one plaintext value (equal values,
 *   equal markers; different values, different markers);
 * - every value of a core Secret's data/stringData is masked;
 * - an object's identity (apiVersion, kind, name, namespace) is never masked;
 * - the messages (stderr) and each Kustomization's status and errors are the same;
 * - no plaintext the test knows independently (decrypted from the files themselves) appears
 *   in the masked output, while the plaintext render does show them (so the check bites).
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { diffCommand } from "../../src/cli/diff.js";
import { renderCommand } from "../../src/cli/render.js";
import { decryptSops, parseAgeIdentities } from "../../src/sops/index.js";
import { Comment } from "../../src/sops/tree.js";
import { aadFor, mapLeaves } from "../../src/sops/walk.js";
import { captureOutput } from "../support/capture.js";
import { diffCorpus } from "../support/corpus.js";
import { repoRoot, requires, sharedDir } from "../support/env.js";
import { SYNC } from "../support/flux.js";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const MARKER = /^<masked:sha256:[0-9a-f]{8}>$/;
const IDENTITY = ["apiVersion", "kind", "metadata.name", "metadata.namespace"];

afterEach(() => vi.unstubAllEnvs());

function noOwnKeys(): void {
  vi.stubEnv("SOPS_AGE_KEY", "");
  vi.stubEnv("SOPS_AGE_KEY_FILE", "");
  vi.stubEnv("XDG_CONFIG_HOME", mkdtempSync(path.join(tmpdir(), "slipway-nokey-")));
}

/** One key file holding the identities of several. */
function joinedKeys(files: string[]): string {
  const out = path.join(mkdtempSync(path.join(tmpdir(), "slipway-keys-")), "keys.txt");
  writeFileSync(out, files.map((f) => readFileSync(f, "utf8")).join("\n"), { mode: 0o600 });
  return out;
}

interface Comparison {
  problems: string[];
  markers: number;
  secretValues: number;
  /** Plaintext strings the masked render replaced by markers. */
  hidden: Set<string>;
  /** Every other plaintext string (values and keys), where a secret value is not secret. */
  shown: string[];
}

function compare(
  plain: Json,
  masked: Json,
  at: string[],
  cmp: Comparison,
  seen: Map<string, string>,
  where: string,
) {
  if (
    typeof masked === "string" &&
    MARKER.test(masked) &&
    !(typeof plain === "string" && MARKER.test(plain))
  ) {
    cmp.markers++;
    collectStrings(plain, cmp.hidden);
    const key = JSON.stringify(plain);
    const known = seen.get(key);
    if (known !== undefined && known !== masked)
      cmp.problems.push(`${where} ${at.join(".")}: equal values, different markers`);
    seen.set(key, masked);
    if (IDENTITY.includes(at.join("."))) cmp.problems.push(`${where} ${at.join(".")}: identity masked`);
    return;
  }
  if (Array.isArray(plain) && Array.isArray(masked) && plain.length === masked.length) {
    for (const [i, x] of plain.entries()) compare(x, masked[i]!, [...at, String(i)], cmp, seen, where);
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
    if (Object.keys(plain).join("\0") !== Object.keys(masked).join("\0"))
      cmp.problems.push(`${where} ${at.join(".")}: keys differ`);
    for (const k of Object.keys(plain)) compare(plain[k]!, masked[k]!, [...at, k], cmp, seen, where);
    return;
  }
  if (JSON.stringify(plain) !== JSON.stringify(masked))
    cmp.problems.push(`${where} ${at.join(".")}: changed but not masked`);
  else if (typeof plain === "string") cmp.shown.push(plain);
  if (at.length > 0) cmp.shown.push(at[at.length - 1]!);
}

function collectStrings(v: Json, out: Set<string>): void {
  if (typeof v === "string") out.add(v);
  else if (typeof v === "number") out.add(String(v));
  else if (Array.isArray(v)) for (const x of v) collectStrings(x, out);
  else if (v && typeof v === "object") for (const x of Object.values(v)) collectStrings(x, out);
}

/**
 * The forms of the values only secret fields hold (as written, base64-decoded when that is
 * text, base64-encoded), at least 8 characters: a shorter one, or one that is also the value or
 * part of a value of a field that is not secret, is matched by chance in any text.
 */
function secretOnlyForms(cmp: Comparison): string[] {
  const shown = cmp.shown.join("\n");
  const out = new Set<string>();
  for (const v of cmp.hidden) {
    const decoded = Buffer.from(v, "base64").toString("utf8");
    const forms = [v, Buffer.from(v).toString("base64")];
    if (/^[A-Za-z0-9+/]+=*$/.test(v) && /^[\x20-\x7e\n]+$/.test(decoded)) forms.push(decoded);
    for (const f of forms) if (f.trim().length >= 8 && !shown.includes(f.trim())) out.add(f.trim());
  }
  return [...out];
}

async function differential(root: string, keyFile: string | undefined) {
  noOwnKeys();
  const key = keyFile ? ["--age-key-file", keyFile] : [];
  const masked = await captureOutput(() => renderCommand([root, ...key, "--format", "json"]));
  const plain = await captureOutput(() =>
    renderCommand([root, ...key, "--format", "json", "--show-secrets"]),
  );
  expect(masked.code).toBe(plain.code);
  if (masked.code === 2 && masked.stdout === "") return undefined;
  const messages = (s: string) => s.split("\n").filter((l) => !/\(\d+ ms\)$/.test(l));
  expect(messages(masked.stderr)).toEqual(messages(plain.stderr));
  const m = (JSON.parse(masked.stdout) as { kustomizations: Array<Record<string, Json>> }).kustomizations;
  const p = (JSON.parse(plain.stdout) as { kustomizations: Array<Record<string, Json>> }).kustomizations;
  expect(m.map((k) => [k.cluster, k.name, k.status, k.errors])).toEqual(
    p.map((k) => [k.cluster, k.name, k.status, k.errors]),
  );
  const cmp: Comparison = { problems: [], markers: 0, secretValues: 0, hidden: new Set(), shown: [] };
  const seen = new Map<string, string>();
  let objects = 0;
  p.forEach((k, i) => {
    const pr = (k.resources ?? []) as Array<Record<string, Json>>;
    const mr = (m[i]!.resources ?? []) as Array<Record<string, Json>>;
    expect(mr.length).toBe(pr.length);
    pr.forEach((obj, j) => {
      objects++;
      const where = `${String(k.cluster)} ${String(obj.kind)}/${String((obj.metadata as Record<string, Json>)?.name)}`;
      compare(obj, mr[j]!, [], cmp, seen, where);
      if (obj.kind === "Secret" && obj.apiVersion === "v1") {
        for (const field of ["data", "stringData"]) {
          const values = mr[j]![field];
          if (!values || typeof values !== "object" || Array.isArray(values)) continue;
          for (const [name, v] of Object.entries(values)) {
            if (v === null) continue;
            cmp.secretValues++;
            if (typeof v !== "string" || !MARKER.test(v))
              cmp.problems.push(`${where} ${field}.${name}: Secret data not masked`);
          }
        }
      }
    });
  });
  expect(cmp.problems).toEqual([]);
  const leaks = secretOnlyForms(cmp).filter((f) => masked.stdout.includes(f) || masked.stderr.includes(f));
  expect(leaks, "secret values in the masked render").toEqual([]);
  return {
    ...cmp,
    objects,
    masked: masked.stdout + masked.stderr,
    plain: plain.stdout + plain.stderr,
    forms: secretOnlyForms(cmp),
  };
}

/**
 * What `diff` prints of a repository whose every object is new (the base a commit holding only
 * a README, the head the working tree), in each format: the strings of `forms` it shows.
 */
async function diffLeaks(source: string, forms: string[]): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-masked-diff-"));
  try {
    const git = (...args: string[]) =>
      execFileSync("git", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] })
        .toString("utf8")
        .trim();
    git("init", "-q", "-b", "main");
    writeFileSync(path.join(dir, "README.md"), "empty\n");
    git("add", "-A");
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "empty");
    cpSync(source, dir, { recursive: true, filter: (p) => path.basename(p) !== ".git" });
    const leaks = new Set<string>();
    for (const format of ["text", "json", "markdown", "html"]) {
      const out = await captureOutput(() => diffCommand([dir, "--base", "HEAD", "--format", format]));
      for (const f of forms)
        if (out.stdout.includes(f) || out.stderr.includes(f)) leaks.add(`${format}: ${f}`);
    }
    return [...leaks];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The plaintext of every encrypted string value of the SOPS files below `dir` that the keys open. */
async function plaintextsUnder(dir: string, identities: string[]): Promise<string[]> {
  const out = new Set<string>();
  const walk = async (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (/\.(ya?ml|json)$/.test(e.name) && /\bsops:|"sops"\s*:/.test(readFileSync(p, "utf8"))) {
        try {
          const doc = await decryptSops(readFileSync(p), { file: p, identities });
          mapLeaves(doc.branches, (leaf, at) => {
            if (!(leaf instanceof Comment) && doc.encryptedPaths.has(aadFor(at)) && typeof leaf === "string")
              out.add(leaf);
            return leaf;
          });
        } catch {
          // not for these keys (PGP, Vault) or not a SOPS file
        }
      }
    }
  };
  await walk(dir);
  // Short values are matched by chance in any text; they are covered by the structural comparison.
  return [...out].filter((s) => s.length >= 8);
}

describe("masked render = --show-secrets render with secret fields replaced by markers", () => {
  it("examples/platform with both demo keys", async () => {
    const keyFiles = ["age.agekey", "production.agekey"].map((f) =>
      path.join(repoRoot, "examples/demo-keys", f),
    );
    const root = path.join(repoRoot, "examples/platform");
    const r = (await differential(root, joinedKeys(keyFiles)))!;
    const ids = keyFiles.flatMap((f) => parseAgeIdentities(readFileSync(f, "utf8"), f).identities);
    const known = await plaintextsUnder(root, ids);
    expect(known.length).toBeGreaterThan(8);
    expect(known.filter((s) => r.masked.includes(s))).toEqual([]);
    expect(known.filter((s) => r.plain.includes(s)).length).toBeGreaterThan(0);
    expect(r.markers).toBeGreaterThan(10);
    expect(r.secretValues).toBeGreaterThan(5);
  }, 120_000);

  describe.runIf(requires("shared"))("on ../shared", () => {
    it("kustomize-controller's SOPS tree (real sops output) in a Flux repository", async () => {
      const vectors = path.join(sharedDir, "vectors/sops/fluxcd-kustomize-controller");
      const root = mkdtempSync(path.join(tmpdir(), "slipway-kc-vectors-"));
      cpSync(vectors, path.join(root, "app"), { recursive: true });
      // Its `remote/` base is fetched from GitHub: Slipway builds offline.
      const top = path.join(root, "app/kustomization.yaml");
      writeFileSync(top, readFileSync(top, "utf8").replace(/^ {2}- remote\n/m, ""));
      const cluster = path.join(root, "clusters/c");
      mkdirSync(path.join(cluster, "flux-system"), { recursive: true });
      writeFileSync(path.join(cluster, "flux-system/gotk-sync.yaml"), SYNC);
      writeFileSync(
        path.join(cluster, "app.yaml"),
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: app\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./app\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  decryption:\n    provider: sops\n",
      );
      const keyFiles = ["age.txt", "age-pq.txt", "age-global.txt"].map((f) => path.join(vectors, "keys", f));
      const r = (await differential(root, joinedKeys(keyFiles)))!;
      const ids = keyFiles.flatMap((f) => parseAgeIdentities(readFileSync(f, "utf8"), f).identities);
      const known = await plaintextsUnder(path.join(root, "app"), ids);
      expect(known.length).toBeGreaterThan(0);
      expect(known.filter((s) => r.masked.includes(s))).toEqual([]);
      expect(r.secretValues).toBeGreaterThan(0);
    }, 120_000);

    // ../shared/realworld, and the folders of clones SLIPWAY_EXTRA_REPOS names (test/support/corpus.ts).
    it("the real-world repositories (keyless), rendered and diffed from an empty base in every format", async () => {
      const totals: Record<string, { objects: number; markers: number; forms: number }> = {};
      const failures: string[] = [];
      for (const { name, dir } of diffCorpus(true, process.env.SLIPWAY_MASKED_REPO)) {
        try {
          const r = await differential(dir, undefined);
          if (r === undefined) continue; // no cluster: nothing rendered, nothing to mask
          totals[name] = { objects: r.objects, markers: r.markers, forms: r.forms.length };
          const leaks = await diffLeaks(dir, r.forms);
          if (leaks.length > 0) failures.push(`${name}: diff prints ${leaks.join(", ")}`);
        } catch (e) {
          failures.push(`${name}: ${(e as Error).message}`);
        }
        process.stdout.write(
          `[masked differential] ${name} ${JSON.stringify(totals[name] ?? "no cluster")}\n`,
        );
      }
      process.stdout.write(`[masked differential, realworld] ${JSON.stringify(totals)}\n`);
      expect(failures).toEqual([]);
      if (process.env.SLIPWAY_MASKED_REPO || process.env.SLIPWAY_EXTRA_REPOS_ONLY === "1") return;
      expect(Object.keys(totals).length).toBeGreaterThanOrEqual(9);
      expect(Object.values(totals).reduce((n, t) => n + t.markers, 0)).toBeGreaterThan(0);
      expect(Object.values(totals).reduce((n, t) => n + t.forms, 0)).toBeGreaterThan(0);
    }, 3_600_000);
  });
});
