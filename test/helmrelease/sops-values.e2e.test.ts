/**
 * Issue 12, end to end: a HelmRelease whose values come from a SOPS-encrypted Secret (through
 * valuesFrom + targetPath) and from SOPS-encrypted spec.values renders with the decrypted
 * values, and no output of render, check or diff — text, json, markdown, sarif — shows the
 * plaintext or its base64 unless --show-secrets asks for it.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitFixture } from "../diff/git-fixture.js";
import { repoRoot } from "../support/env.js";
import { demoKeyFile } from "../support/flux.js";
import { encryptForDemo, FIXTURE_FILES, sopsFixtureFiles } from "./fixture.js";

const SECRET = "s3cr3t-value"; // the fixture's Secret, reaching auth.password through valuesFrom
const SEALED = "s34led-greeting-5c2e"; // a spec.values entry of an encrypted HelmRelease
const NEW_SECRET = "r0tated-s3cret-77";
const plaintexts = [SECRET, SEALED, NEW_SECRET];
const forms = (s: string) => [s, Buffer.from(s).toString("base64")];

let repo: GitFixture;
let base: string;

beforeAll(async () => {
  repo = new GitFixture();
  const files = { ...FIXTURE_FILES, ...(await sopsFixtureFiles(SEALED)) };
  for (const [file, text] of Object.entries(files))
    if (file.includes("secret") || file.includes("sops"))
      for (const p of plaintexts) expect(text, file).not.toContain(p);
  repo.write(files);
  base = repo.commit("base");
  // The head revision rotates the Secret (a change diff must report without showing either value).
  repo.write({
    "apps/secret.yaml": await encryptForDemo(
      FIXTURE_FILES["apps/secret.yaml"]!.replace(SECRET, NEW_SECRET),
      "secret.yaml",
      "^(data|stringData)$",
    ),
  });
  repo.commit("rotate");
});
afterAll(() => rmSync(repo.dir, { recursive: true, force: true }));

function slipway(...args: string[]) {
  return run({ SOPS_AGE_KEY_FILE: demoKeyFile }, args);
}

/** Without any age identity: no key variables, and a home without ~/.config/sops/age. */
function slipwayWithoutKey(...args: string[]) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: repo.dir,
    XDG_CONFIG_HOME: path.join(repo.dir, ".none"),
  };
  delete env.SOPS_AGE_KEY_FILE;
  delete env.SOPS_AGE_KEY;
  delete env.SOPS_AGE_KEY_CMD;
  return run(env, args, false);
}

function run(env: NodeJS.ProcessEnv, args: string[], inherit = true) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, "bin/slipway.js"), ...args], {
    cwd: repo.dir,
    encoding: "utf8",
    env: { ...(inherit ? process.env : {}), ...env, SLIPWAY_NO_CACHE: "1" },
  });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

function expectNoPlaintext(what: string, out: string) {
  for (const p of plaintexts)
    for (const f of forms(p)) expect(out.includes(f), `${what} shows ${f}`).toBe(false);
}

describe("HelmRelease values from SOPS-encrypted sources", () => {
  it("render decrypts them into the chart and masks them in every format", () => {
    for (const format of ["yaml", "json"]) {
      const r = slipway("render", repo.dir, "--format", format);
      expect(r.code, r.out).toBe(0);
      expect(r.out).toContain(format === "json" ? '"sealed-auth"' : "HelmRelease apps/sealed");
      expect(r.out).toMatch(/<masked:sha256:[0-9a-f]+>/);
      expectNoPlaintext(`render --format ${format}`, r.out);
    }
  });

  it("--show-secrets shows the decrypted values where the chart put them", () => {
    const r = slipway("render", repo.dir, "--show-secrets");
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(NEW_SECRET);
    expect(r.out).toContain(SEALED);
  });

  it("check never prints them", () => {
    for (const format of ["text", "json", "sarif", "markdown"]) {
      const r = slipway("check", repo.dir, "--format", format);
      expect(r.out).not.toContain("internal error");
      expectNoPlaintext(`check --format ${format}`, r.out);
    }
  });

  it("diff reports the rotated Secret without showing either value", () => {
    for (const format of ["text", "json", "markdown"]) {
      const r = slipway("diff", repo.dir, "--base", base, "--head", "HEAD", "--format", format);
      expect(r.out).not.toContain("internal error");
      expect(r.out).not.toMatch(/No differences/i);
      expectNoPlaintext(`diff --format ${format}`, r.out);
    }
  });

  it("without an age key: the release is not rendered, said as such (check: a warning), never a made-up values error", () => {
    const says =
      /Secret apps\/\S+ is SOPS-encrypted and no age identity available here decrypts it, so the chart is not rendered/;
    const r = slipwayWithoutKey("render", repo.dir);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(says);
    // Ciphertext parsed as a value failed with strvals' "has no value (cannot end with ,)".
    expect(r.out).not.toContain("failed to merge value");
    expect(r.out).not.toContain("failed to read values data");
    const text = slipwayWithoutKey("check", repo.dir);
    expect(text.out).toMatch(new RegExp(`warning +HelmRelease .*${says.source}`));
    const json = slipwayWithoutKey("check", repo.dir, "--format", "json");
    const findings = (
      JSON.parse(json.out.slice(0, json.out.lastIndexOf("}") + 1)) as {
        findings: Array<{ severity: string; message: string }>;
      }
    ).findings.filter((f) => says.test(f.message));
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(f.severity).toBe("warning");
  });
});
