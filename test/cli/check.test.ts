import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { allRules } from "../../src/check/rules/index.js";
import { checkCommand } from "../../src/cli/check.js";
import { captureOutput } from "../support/capture.js";
import { tempTree } from "../support/cli.js";
import { hasKubectl, repoRoot, requires, sharedDir } from "../support/env.js";
import { kubectlKustomize } from "../support/kubectl.js";

async function run(args: string[]) {
  return captureOutput(() => checkCommand(args));
}

const example = path.join(repoRoot, "examples/platform");
const fluxFixture = path.join(repoRoot, "test/fixtures/check/flux-rules");

describe("slipway check", () => {
  it("the example platform checks clean (exit 0, zero errors)", async () => {
    const r = await run([example, "--format", "json"]);
    const j = JSON.parse(r.stdout) as {
      findings: Array<{ severity: string; rule: string; message: string }>;
      summary: { errors: number; clusters: number };
    };
    expect(j.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(j.summary.clusters).toBeGreaterThan(0);
    expect(r.code).toBe(0);
  });

  it("error findings exit 1; text ends with the summary line", async () => {
    const r = await run([fluxFixture, "--cluster", "dev"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("cluster dev\n");
    expect(r.stdout).toContain("clusters/dev/apps.yaml");
    expect(r.stdout.trimEnd().split("\n").at(-1)).toMatch(
      /^\d+ errors, \d+ warnings?(, \d+ infos?)? in \d+ resources across 1 cluster$/,
    );
  });

  it("github and sarif formats, --output writes the report and prints the summary to stderr", async () => {
    const gh = await run([fluxFixture, "--cluster", "dev", "--format", "github"]);
    expect(gh.stdout).toContain(
      "::error file=clusters/dev/apps.yaml,line=15,title=flux-dependson-missing (dev)::",
    );
    const out = path.join(mkdtempSync(path.join(tmpdir(), "slipway-check-")), "report.sarif");
    const s = await run([fluxFixture, "--format", "sarif", "--output", out]);
    expect(s.code).toBe(1);
    expect(s.stdout).toBe("");
    expect(s.stderr).toMatch(/errors?, \d+ warnings?(, \d+ infos?)? in/);
    const sarif = JSON.parse(readFileSync(out, "utf8")) as { version: string };
    expect(sarif.version).toBe("2.1.0");
    const junit = await run([fluxFixture, "--format", "junit"]);
    expect(junit.stdout).toContain('<testsuite name="dev"');
  });

  it("slipway.yaml check section: severity off and excludes", async () => {
    const repo = tempTree({
      "slipway.yaml":
        "check:\n  rules:\n    flux-dependson-missing: off\n    flux-path-missing:\n      exclude: ['clusters/**']\n",
      "clusters/c/flux-system/gotk-sync.yaml":
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  path: ./clusters/c\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n",
      "clusters/c/apps.yaml":
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  path: ./nowhere\n  dependsOn:\n    - name: ghost\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n",
    });
    const r = await run([repo, "--format", "json"]);
    const findings = JSON.parse(r.stdout).findings as Array<{ rule: string }>;
    expect(findings.filter((f) => f.rule.startsWith("flux-"))).toEqual([]);
  });

  it("an invalid slipway.yaml is a render-error finding", async () => {
    const repo = tempTree({ "slipway.yaml": "check:\n  rules:\n    x: {severity: loud}\n" });
    const r = await run([repo, "--format", "json"]);
    expect(r.code).toBe(1);
    const f = JSON.parse(r.stdout).findings[0];
    expect(f.rule).toBe("render-error");
    expect(f.message).toMatch(/severity must be one of/);
  });

  it("the run itself failing exits 2: bad flags, unknown format, missing repository, unknown cluster", async () => {
    expect((await run(["--nope"])).code).toBe(2);
    expect((await run([example, "--format", "xml"])).code).toBe(2);
    expect((await run([path.join(repoRoot, "does-not-exist")])).code).toBe(2);
    const c = await run([example, "--cluster", "nosuch"]);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/no cluster named 'nosuch'/);
  });

  it("--write-baseline accepts today's findings; --baseline reports only new ones", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "slipway-baseline-"));
    const file = path.join(dir, "baseline.json");
    const all = JSON.parse((await run([fluxFixture, "--format", "json"])).stdout) as { findings: Finding[] };
    expect(all.findings.filter((f) => f.severity === "error").length).toBeGreaterThan(1);
    const w = await run([fluxFixture, "--write-baseline", file]);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stderr).toContain(`${all.findings.length} accepted findings`);
    const clean = await run([fluxFixture, "--baseline", file, "--format", "json"]);
    expect(clean.code, clean.stderr).toBe(0);
    expect((JSON.parse(clean.stdout) as { findings: Finding[] }).findings).toEqual([]);
    expect(clean.stderr).toContain(`${all.findings.length} known findings not reported`);
    // Drop one accepted error from the baseline: it is reported again, alone, and fails the run.
    const b = JSON.parse(readFileSync(file, "utf8")) as {
      findings: Array<{ rule: string; message: string }>;
    };
    const errorMessages = new Set(all.findings.filter((f) => f.severity === "error").map((f) => f.message));
    const dropped = b.findings.findIndex((e) => errorMessages.has(e.message));
    const [removed] = b.findings.splice(dropped, 1);
    writeFileSync(file, JSON.stringify(b));
    const again = await run([fluxFixture, "--baseline", file, "--format", "json"]);
    expect(again.code).toBe(1);
    expect((JSON.parse(again.stdout) as { findings: Finding[] }).findings.map((f) => f.message)).toEqual([
      removed!.message,
    ]);
    writeFileSync(file, "not json");
    const bad = await run([fluxFixture, "--baseline", file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/baseline\.json: not a Slipway baseline/);
    expect((await run([fluxFixture, "--baseline", file, "--write-baseline", file])).code).toBe(2);
  });

  it("--list-rules and --help", async () => {
    const l = await run(["--list-rules"]);
    expect(l.code).toBe(0);
    for (const r of allRules) expect(l.stdout).toContain(r.id);
    expect((await run(["--help"])).stdout).toMatch(/Usage: slipway check/);
  });
});

interface Finding {
  rule: string;
  severity: string;
  message: string;
  cluster?: string;
  kustomization?: string;
  file?: string;
  line?: number;
}

/** An error-level finding verified by hand (test/cli/check-realworld-errors.json). */
interface ExpectedError {
  rule: string;
  cluster: string | null;
  kustomization: string | null;
  file: string | null;
  line: number | null;
  match: string;
  why: string;
  /** The kustomization directory of `file` fails with kubectl too. */
  kubectlFails?: boolean;
}

const expectedErrorsFile = path.join(repoRoot, "test/cli/check-realworld-errors.json");

function sameFinding(f: Finding, e: ExpectedError): boolean {
  return (
    f.rule === e.rule &&
    (f.cluster ?? null) === e.cluster &&
    (f.kustomization ?? null) === e.kustomization &&
    (f.file ?? null) === e.file &&
    (f.line ?? null) === e.line &&
    f.message.includes(e.match)
  );
}

const show = (f: Finding) =>
  `${f.rule} ${f.cluster ?? "-"} ${f.kustomization ?? "-"} ${f.file ?? "-"}:${f.line ?? "-"} ${f.message}`;

describe.runIf(requires("shared"))("slipway check on real-world repositories", () => {
  const root = path.join(sharedDir, "realworld");
  const repos = existsSync(root)
    ? readdirSync(root).filter((d) => statSync(path.join(root, d)).isDirectory())
    : [];
  const expected = JSON.parse(readFileSync(expectedErrorsFile, "utf8")) as Record<string, ExpectedError[]>;

  it("every repository has its verified error list", () => {
    expect(
      Object.keys(expected)
        .filter((k) => !k.startsWith("$"))
        .sort(),
    ).toEqual([...repos].sort());
    for (const list of Object.values(expected).filter(Array.isArray))
      for (const e of list) expect(e.why.length, JSON.stringify(e)).toBeGreaterThan(20);
  });

  it.each(repos)(
    "%s: exactly the hand-verified errors, no crash",
    async (repo) => {
      const r = await run([path.join(root, repo), "--format", "json"]);
      const j = JSON.parse(r.stdout) as {
        findings: Finding[];
        summary: { clusters: number; errors: number };
      };
      expect(j.summary.clusters).toBeGreaterThan(0);
      for (const f of j.findings) {
        expect(f.message).not.toMatch(/^rule .* failed:/);
        expect(f.message, "paths in findings are repository-relative").not.toContain(`${root}/`);
        if (f.line !== undefined) expect(f.line).toBeGreaterThanOrEqual(1);
        if (f.file !== undefined) expect(path.isAbsolute(f.file)).toBe(false);
      }
      const verified = expected[repo] ?? [];
      const errors = j.findings.filter((f) => f.severity === "error");
      const unverified = errors.filter((f) => !verified.some((e) => sameFinding(f, e)));
      expect(
        unverified.map(show),
        "error findings nobody verified (false positives until shown true)",
      ).toEqual([]);
      const lost = verified.filter((e) => !errors.some((f) => sameFinding(f, e)));
      expect(lost, "verified errors no longer reported").toEqual([]);
      expect(r.code).toBe(errors.length > 0 ? 1 : 0);
      if (!hasKubectl) return;
      for (const e of verified.filter((x) => x.kubectlFails && x.file)) {
        const dir = path.dirname(path.join(root, repo, e.file!));
        const k = await kubectlKustomize(dir, ["--load-restrictor", "LoadRestrictionsNone"]);
        expect(k.ok, `kubectl kustomize ${dir} should fail too`).toBe(false);
      }
    },
    120_000,
  );
});
