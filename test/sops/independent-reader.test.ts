/**
 * What `slipway secrets` writes is read by a second, independent reader (test/support/
 * sops-reader.ts: the `yaml` package, Go's age CLI, Node's crypto, from SPEC.md alone), as real
 * sops would read it: after `encrypt`, after `rotate` and after `updatekeys` (with the key
 * added). Generated files (seeded, replay with SLIPWAY_FUZZ_SEED) in YAML, JSON, dotenv and
 * binary, with each kind of selection rule; the property: every value reads back as the
 * plaintext had it, exactly the leaves the rule selects are encrypted, and the MAC verifies.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isMap, isScalar, isSeq, type Node, parseDocument, stringify } from "yaml";
import { secretsCommand } from "../../src/cli/secrets.js";
import { captureOutput } from "../support/capture.js";
import { fuzzSeeds, Rng } from "../support/random.js";
import { type Leaf, readSopsIndependently } from "../support/sops-reader.js";

const hasAge = existsSync("/usr/bin/age") && existsSync("/usr/bin/age-keygen");
if (!hasAge) process.stderr.write("[skipped] the independent reader needs /usr/bin/age and age-keygen\n");

type Format = "yaml" | "json" | "dotenv" | "binary";

/** Creation-rule fields, and the same selection as SPEC §4 states it. */
const RULES: Array<{ name: string; yaml: string; encrypts: (path: string[]) => boolean; macOnly?: boolean }> =
  [
    { name: "default", yaml: "", encrypts: (p) => !p.some((k) => k.endsWith("_unencrypted")) },
    {
      name: "encrypted_regex",
      yaml: "    encrypted_regex: ^(data|stringData)$\n",
      encrypts: (p) => p.some((k) => /^(data|stringData)$/.test(k)),
    },
    {
      name: "unencrypted_regex",
      yaml: "    unencrypted_regex: ^(name|kind)$\n",
      encrypts: (p) => !p.some((k) => /^(name|kind)$/.test(k)),
    },
    {
      name: "encrypted_suffix",
      yaml: "    encrypted_suffix: _enc\n",
      encrypts: (p) => p.some((k) => k.endsWith("_enc")),
    },
    {
      name: "mac_only_encrypted",
      yaml: "    encrypted_regex: ^(data|stringData)$\n    mac_only_encrypted: true\n",
      encrypts: (p) => p.some((k) => /^(data|stringData)$/.test(k)),
      macOnly: true,
    },
  ];

const KEYS = [
  "data",
  "stringData",
  "name",
  "kind",
  "token_enc",
  "pass_unencrypted",
  "a:b",
  "pässwort",
  "x y",
  "ENC",
  "list",
];
const STRINGS = [
  "",
  "plain",
  "two\nlines\n",
  "<masked:sha256:deadbeef>",
  'quote " and \\ back',
  "# not a comment",
  "  leading spaces",
  "true",
  "123",
  "ENC[AES256_GCM,data:not,iv:real,tag:at,type:all]",
  "üñí©ødé ✓",
  "key: value",
];

function token(rng: Rng): string {
  for (;;) {
    let s = "";
    for (let i = 0, n = 1 + rng.int(30); i < n; i++)
      s += "abcdefghijkmnpqrstuvwxyzABCDEFGH0123456789-_/+="[rng.int(47)];
    // sops reads YAML with go-yaml v3, which drops underscores from a plain scalar before
    // reading it as a number (`59_` is the int 59, as Slipway reads it), where YAML 1.2 (this
    // test's reader of the plaintext) keeps the text: such a token says nothing of the writer.
    if (!(s.includes("_") && typeof parseDocument(s.replaceAll("_", "")).toJS() === "number")) return s;
  }
}

function value(rng: Rng, depth: number): unknown {
  const r = rng.int(10);
  if (depth < 3 && r === 0) return Array.from({ length: 1 + rng.int(3) }, () => value(rng, depth + 1));
  if (depth < 3 && r <= 2) return tree(rng, depth + 1);
  if (r === 3) return rng.int(100000) - 500;
  if (r === 4) return rng.bool();
  if (r <= 6) return rng.pick(STRINGS);
  return token(rng);
}

function tree(rng: Rng, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0, n = 1 + rng.int(4); i < n; i++)
    out[`${rng.pick(KEYS)}${rng.bool(0.3) ? `_${i}` : ""}`] = value(rng, depth);
  return out;
}

/** Leaves of the plaintext in document order with their sops paths (lists add no element). */
function plainLeaves(v: unknown, p: string[] = []): Array<{ path: string[]; value: Leaf }> {
  if (Array.isArray(v)) return v.flatMap((x) => plainLeaves(x, p));
  if (v !== null && typeof v === "object")
    return Object.entries(v).flatMap(([k, x]) => plainLeaves(x, [...p, k]));
  return [{ path: p, value: v as Leaf }];
}

/** The plaintext as the YAML reader sees it: the same walk on the emitted text. */
function yamlLeaves(text: string): Array<{ path: string[]; value: Leaf }> {
  const out: Array<{ path: string[]; value: Leaf }> = [];
  const walk = (n: Node | null, p: string[]) => {
    if (isMap(n))
      for (const it of n.items) walk(it.value as Node, [...p, String((it.key as { value: unknown }).value)]);
    else if (isSeq(n)) for (const it of n.items) walk(it as Node, p);
    else if (isScalar(n) && n.value !== null) out.push({ path: p, value: n.value as Leaf });
  };
  walk(parseDocument(text, { version: "1.2" }).contents as Node, []);
  return out;
}

interface Case {
  format: Format;
  file: string;
  plain: Buffer;
  expected: Array<{ path: string[]; value: Leaf }>;
}

function generate(rng: Rng, format: Format, dir: string): Case {
  const file = path.join(dir, `s.${format === "dotenv" ? "env" : format === "binary" ? "bin" : format}`);
  if (format === "binary") {
    const plain = Buffer.from(Array.from({ length: 1 + rng.int(200) }, () => rng.int(256)));
    return { format, file, plain, expected: [] };
  }
  if (format === "dotenv") {
    const lines = Array.from({ length: 1 + rng.int(5) }, (_, i) => [
      `K${i}_${rng.pick(["x", "enc", "unencrypted"])}`,
      token(rng),
    ]);
    const plain = Buffer.from(lines.map(([k, v]) => `${k}=${v}\n`).join(""));
    return { format, file, plain, expected: lines.map(([k, v]) => ({ path: [k!], value: v! })) };
  }
  const t = tree(rng, 0);
  if (format === "json") {
    const text = JSON.stringify(t, null, 2);
    return { format, file, plain: Buffer.from(text), expected: plainLeaves(JSON.parse(text)) };
  }
  const text = stringify(t);
  return { format, file, plain: Buffer.from(text), expected: yamlLeaves(text) };
}

let home: string;
const ids: Array<{ file: string; recipient: string }> = [];
const saved = { ...process.env };

beforeAll(() => {
  if (!hasAge) return;
  home = mkdtempSync(path.join(tmpdir(), "slipway-indep-"));
  for (let i = 0; i < 2; i++) {
    const file = path.join(home, `id${i}.txt`);
    execFileSync("age-keygen", ["-o", file], { stdio: "ignore" });
    ids.push({ file, recipient: execFileSync("age-keygen", ["-y", file]).toString().trim() });
  }
  for (const name of ["SOPS_AGE_KEY", "SOPS_AGE_KEY_FILE"]) delete process.env[name];
  process.env.HOME = home;
  process.env.XDG_CONFIG_HOME = path.join(home, ".config");
});

afterAll(() => {
  process.env = saved;
  if (home) rmSync(home, { recursive: true, force: true });
});

async function cli(args: string[], identity: string): Promise<void> {
  process.env.SOPS_AGE_KEY_FILE = identity;
  const r = await captureOutput(() => secretsCommand(args));
  expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
}

describe.runIf(hasAge).each(fuzzSeeds(7100, 6))("independent reader, seed %i", (seed) => {
  it.each(["yaml", "json", "dotenv", "binary"] as const)(
    "%s: encrypt, rotate, updatekeys",
    async (format) => {
      const rng = new Rng(seed * 31 + format.length);
      for (const rule of RULES) {
        const dir = mkdtempSync(path.join(home, "repo-"));
        const c = generate(rng, format, dir);
        const config = (...r: string[]) =>
          `creation_rules:\n  - path_regex: .*\n${rule.yaml}    age: ${r.join(",")}\n`;
        writeFileSync(path.join(dir, ".sops.yaml"), config(ids[0]!.recipient));
        writeFileSync(c.file, c.plain);
        const check = (identity: string, step: string) => {
          const where = `seed ${seed}, ${format}, ${rule.name}, after ${step}`;
          const read = readSopsIndependently(readFileSync(c.file, "utf8"), format, identity);
          if (format === "binary") {
            expect(read.bytes, where).toEqual(c.plain);
            return;
          }
          expect(
            read.leaves.map((l) => ({ path: l.path, value: l.value })),
            where,
          ).toEqual(c.expected);
          for (const l of read.leaves)
            expect(l.encrypted, `${where}: ${l.path.join(":")}`).toBe(
              rule.encrypts(l.path) && l.value !== "",
            );
          expect(
            read.metadata.mac_only_encrypted === true || read.metadata.mac_only_encrypted === "true",
            where,
          ).toBe(rule.macOnly === true);
        };
        await cli(["encrypt", "-i", c.file], ids[0]!.file);
        check(ids[0]!.file, "encrypt");
        await cli(["rotate", c.file], ids[0]!.file);
        check(ids[0]!.file, "rotate");
        writeFileSync(path.join(dir, ".sops.yaml"), config(ids[0]!.recipient, ids[1]!.recipient));
        await cli(["updatekeys", c.file], ids[0]!.file);
        check(ids[1]!.file, "updatekeys");
      }
    },
    120_000,
  );
});
