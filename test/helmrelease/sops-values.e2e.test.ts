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
import { encryptSops, ruleForRecipients } from "../../src/sops/index.js";
import { GitFixture } from "../diff/git-fixture.js";
import { repoRoot } from "../support/env.js";
import { DEMO_RECIPIENT, demoKeyFile } from "../support/flux.js";
import { FIXTURE_FILES } from "./fixture.js";

const SECRET = "s3cr3t-value"; // the fixture's Secret, reaching auth.password through valuesFrom
const SEALED = "s34led-greeting-5c2e"; // a spec.values entry of an encrypted HelmRelease
const NEW_SECRET = "r0tated-s3cret-77";
const plaintexts = [SECRET, SEALED, NEW_SECRET];
const forms = (s: string) => [s, Buffer.from(s).toString("base64")];

const encrypt = async (plain: string, file: string, regex: string) =>
  (
    await encryptSops(plain, {
      file,
      rule: ruleForRecipients([DEMO_RECIPIENT], { encrypted_regex: regex }),
      config: null,
    })
  ).toString("utf8");

const sealedRelease = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: sealed
  namespace: apps
spec:
  interval: 10m
  chart:
    spec:
      chart: ./charts/demo
      sourceRef:
        kind: GitRepository
        name: flux-system
        namespace: flux-system
  values:
    greeting: ${SEALED}
`;

let repo: GitFixture;
let base: string;

beforeAll(async () => {
  repo = new GitFixture();
  const files = {
    ...FIXTURE_FILES,
    "clusters/prod/apps.yaml": `${FIXTURE_FILES["clusters/prod/apps.yaml"]}  decryption:\n    provider: sops\n    secretRef:\n      name: sops-age\n`,
    "apps/kustomization.yaml": `${FIXTURE_FILES["apps/kustomization.yaml"]}  - sealed.sops.yaml\n`,
    "apps/secret.yaml": await encrypt(
      FIXTURE_FILES["apps/secret.yaml"]!,
      "secret.yaml",
      "^(data|stringData)$",
    ),
    "apps/sealed.sops.yaml": await encrypt(sealedRelease, "sealed.sops.yaml", "^(values)$"),
  };
  for (const [file, text] of Object.entries(files))
    if (file.includes("secret") || file.includes("sops"))
      for (const p of plaintexts) expect(text, file).not.toContain(p);
  repo.write(files);
  base = repo.commit("base");
  // The head revision rotates the Secret (a change diff must report without showing either value).
  repo.write({
    "apps/secret.yaml": await encrypt(
      FIXTURE_FILES["apps/secret.yaml"]!.replace(SECRET, NEW_SECRET),
      "secret.yaml",
      "^(data|stringData)$",
    ),
  });
  repo.commit("rotate");
});
afterAll(() => rmSync(repo.dir, { recursive: true, force: true }));

function slipway(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, "bin/slipway.js"), ...args], {
    cwd: repo.dir,
    encoding: "utf8",
    env: { ...process.env, SOPS_AGE_KEY_FILE: demoKeyFile, SLIPWAY_NO_CACHE: "1" },
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
});
