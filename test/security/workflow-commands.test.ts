/**
 * In GitHub Actions every printed line is read for workflow commands (`::error::`, `::add-mask::`,
 * `::stop-commands::`... after leading whitespace, and the legacy `##[error]` anywhere in a line).
 * A pull request controls YAML keys and values, object and file names: none of it may reach the
 * runner as a command. The test reads Slipway's output as the runner does (a model of
 * ActionCommandManager: lines split at \r and \n, commands paused between `::stop-commands::T`
 * and `::T::`) and lists the commands it would run.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { lineSummary, looksLikeWorkflowCommand } from "../../src/cli/workflow-commands.js";
import { tempTree } from "../support/cli.js";
import { repoRoot } from "../support/env.js";

/** The commands a runner would act on in `log`, in order (their first 40 characters). */
function commandsRun(log: string): string[] {
  const run: string[] = [];
  let resume: string | undefined;
  for (const line of log.split(/\r\n|\r|\n/)) {
    const t = line.trimStart();
    if (resume !== undefined) {
      if (t.startsWith(`::${resume}::`)) resume = undefined;
      continue;
    }
    const stop = /^::stop-commands::(.+)$/.exec(t);
    if (stop) resume = stop[1];
    else if (looksLikeWorkflowCommand(line)) run.push(t.slice(0, 40));
  }
  expect(resume, "command processing is resumed at the end").toBeUndefined();
  return run;
}

function slipwayIn(args: string[], cwd: string, env: Record<string, string>) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, "bin/slipway.js"), ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const HOSTILE = `apiVersion: v1
kind: ConfigMap
metadata:
  name: "x\\n::error::in-a-name"
"::error file=x::pwned": 1
data:
  "::add-mask::key": "a\\r::warning::after-cr"
  legacy: "see ##[error]mid-line"
  hosts: |
    ::1 localhost
    ::notice::indented
`;

describe("GitHub workflow commands from repository text", () => {
  it("recognises both syntaxes and not IPv6 addresses", () => {
    expect(looksLikeWorkflowCommand("::error::x")).toBe(true);
    expect(looksLikeWorkflowCommand("   ::group::x")).toBe(true);
    expect(looksLikeWorkflowCommand("text ##[error]x")).toBe(true);
    expect(looksLikeWorkflowCommand("::1 localhost")).toBe(false);
    expect(looksLikeWorkflowCommand("  - ::ffff:10.0.0.1")).toBe(false);
  });

  it("build: hostile keys and values run no command under GITHUB_ACTIONS, and the YAML is unchanged otherwise", () => {
    const dir = tempTree({ "kustomization.yaml": "resources:\n  - cm.yaml\n", "cm.yaml": HOSTILE });
    const plain = slipwayIn(["build", "."], dir, { GITHUB_ACTIONS: "" });
    expect(plain.code, plain.stderr).toBe(0);
    expect(commandsRun(plain.stdout).length, "the fixture does print commands").toBeGreaterThan(3);
    const ci = slipwayIn(["build", "."], dir, { GITHUB_ACTIONS: "true" });
    expect(ci.code, ci.stderr).toBe(0);
    expect(commandsRun(ci.stdout)).toEqual([]);
    // Only the two marker lines are added.
    const lines = ci.stdout.split("\n");
    expect(lines.filter((l) => !/^::(stop-commands::)?[0-9a-f]{32}(::)?$/.test(l)).join("\n")).toBe(
      plain.stdout,
    );
  });

  it("output with no command-like line is byte for byte the same in GitHub Actions", () => {
    const dir = tempTree({
      "kustomization.yaml": "resources:\n  - cm.yaml\n",
      "cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\ndata:\n  hosts: |\n    ::1 localhost\n",
    });
    const plain = slipwayIn(["build", "."], dir, { GITHUB_ACTIONS: "" });
    const ci = slipwayIn(["build", "."], dir, { GITHUB_ACTIONS: "true" });
    expect(ci.stdout).toBe(plain.stdout);
  });

  it("errors on stderr naming a hostile file run no command", () => {
    const dir = tempTree({
      "kustomization.yaml": 'resources:\n  - "::error file=k::pwned.yaml"\n',
    });
    const ci = slipwayIn(["build", "."], dir, { GITHUB_ACTIONS: "true" });
    expect(ci.code).toBe(1);
    expect(ci.stderr).toContain("pwned.yaml");
    expect(commandsRun(ci.stderr)).toEqual([]);
  });

  it("check --format github keeps its own annotations and escapes what the repository wrote", () => {
    const dir = tempTree({
      "overlays/prod/kustomization.yaml": "resources:\n  - cm.yaml\n",
      "overlays/prod/cm.yaml":
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: "x\\n::error::forged"\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          image: "nginx:latest\\n::add-mask::y"\n',
    });
    const ci = slipwayIn(["check", ".", "--format", "github"], dir, { GITHUB_ACTIONS: "true" });
    const run = commandsRun(ci.stdout);
    expect(run.length, ci.stdout + ci.stderr).toBeGreaterThan(0);
    for (const c of run) expect(c).toMatch(/^::(error|warning|notice) /);
    expect(ci.stdout).not.toMatch(/^\s*::(error|add-mask)::/m);
    expect(commandsRun(ci.stderr)).toEqual([]);
  });
});

describe("a long line written in pieces", () => {
  // The guard keeps a summary of an unfinished line longer than 4 KiB; a command's start and its
  // closing `::`, or `##[` split between two writes, must still be seen.
  const long = "x".repeat(5000);
  it("keeps the line's start", () => {
    expect(looksLikeWorkflowCommand(`${lineSummary(`  ::error ${long}`)}::pwned`)).toBe(true);
  });
  it("keeps the line's end", () => {
    expect(looksLikeWorkflowCommand(`${lineSummary(`${long}#`)}#[error]`)).toBe(true);
  });
  it("joins nothing that was not adjacent", () => {
    expect(looksLikeWorkflowCommand(`${lineSummary(`ab${long}:`)}:x`)).toBe(false);
    expect(looksLikeWorkflowCommand(`${lineSummary(`:${long}:`)}x`)).toBe(false);
  });
});
