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
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderCommand } from "../../src/cli/render.js";
import { decryptSops, parseAgeIdentities } from "../../src/sops/index.js";
import { Comment } from "../../src/sops/tree.js";
import { aadFor, mapLeaves } from "../../src/sops/walk.js";
import { captureOutput } from "../support/capture.js";
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
}

async function differential(root: string, keyFile: string | undefined) {
  noOwnKeys();
  const key = keyFile ? ["--age-key-file", keyFile] : [];
  const masked = await captureOutput(() => renderCommand([root, ...key, "--format", "json"]));
  const plain = await captureOutput(() =>
    renderCommand([root, ...key, "--format", "json", "--show-secrets"]),
  );
  expect(masked.code).toBe(plain.code);
  const messages = (s: string) => s.split("\n").filter((l) => !/\(\d+ ms\)$/.test(l));
  expect(messages(masked.stderr)).toEqual(messages(plain.stderr));
  const m = (JSON.parse(masked.stdout) as { kustomizations: Array<Record<string, Json>> }).kustomizations;
  const p = (JSON.parse(plain.stdout) as { kustomizations: Array<Record<string, Json>> }).kustomizations;
  expect(m.map((k) => [k.cluster, k.name, k.status, k.errors])).toEqual(
    p.map((k) => [k.cluster, k.name, k.status, k.errors]),
  );
  const cmp: Comparison = { problems: [], markers: 0, secretValues: 0 };
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
  return { ...cmp, objects, masked: masked.stdout + masked.stderr, plain: plain.stdout + plain.stderr };
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
    const r = await differential(root, joinedKeys(keyFiles));
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
      const r = await differential(root, joinedKeys(keyFiles));
      const ids = keyFiles.flatMap((f) => parseAgeIdentities(readFileSync(f, "utf8"), f).identities);
      const known = await plaintextsUnder(path.join(root, "app"), ids);
      expect(known.length).toBeGreaterThan(0);
      expect(known.filter((s) => r.masked.includes(s))).toEqual([]);
      expect(r.secretValues).toBeGreaterThan(0);
    }, 120_000);

    const realworld = path.join(sharedDir, "realworld");
    const repos = () =>
      readdirSync(realworld, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
    it("the real-world repositories (keyless)", async () => {
      const totals: Record<string, { objects: number; markers: number }> = {};
      for (const name of repos()) {
        const r = await differential(path.join(realworld, name), undefined);
        totals[name] = { objects: r.objects, markers: r.markers };
      }
      process.stdout.write(`[masked differential, realworld] ${JSON.stringify(totals)}\n`);
      expect(Object.keys(totals).length).toBeGreaterThanOrEqual(9);
      expect(Object.values(totals).reduce((n, t) => n + t.markers, 0)).toBeGreaterThan(0);
    }, 600_000);
  });
});
