/**
 * Issue 9: `slipway secrets edit` leaves no plaintext behind when a signal arrives, and does
 * not leave its editor running. The built CLI runs as a user would; the editor is a script
 * that records its pid, its parent's pid and its file. The "edit again?" prompt only appears
 * on a terminal, so that case runs under `script` (a pseudo-terminal).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptSops, ruleForRecipients } from "../../src/sops/index.js";
import { repoRoot } from "../support/env.js";
import { DEMO_RECIPIENT, demoKeyFile } from "../support/flux.js";

const VALUE = "edit-signal-secret-4711";
const scratch: string[] = [];
let encrypted: string;

beforeAll(async () => {
  encrypted = (
    await encryptSops(
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: ${VALUE}\n`,
      {
        rule: ruleForRecipients([DEMO_RECIPIENT], { encrypted_regex: "^(data|stringData)$" }),
        config: null,
      },
    )
  ).toString();
});

afterAll(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

function dir(prefix: string): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  scratch.push(d);
  return d;
}

/** A fake editor: logs `pid ppid file`, then runs `action`. */
function editorScript(action: string): { editor: string; log: string } {
  const d = dir("slipway-sig-editor-");
  const log = path.join(d, "log");
  const editor = path.join(d, "editor.sh");
  writeFileSync(editor, `#!/bin/sh\necho "$$ $PPID $1" >> ${JSON.stringify(log)}\n${action}\n`, {
    mode: 0o755,
  });
  return { editor, log };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, ok: () => boolean, tries = 600): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.on("exit", (code, signal) => resolve({ code, signal }));
  });
}

function env(editor: string): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, SOPS_AGE_KEY_FILE: demoKeyFile, EDITOR: editor };
  delete e.SOPS_EDITOR;
  delete e.VISUAL;
  delete e.SOPS_AGE_KEY;
  return e;
}

const cli = path.join(repoRoot, "bin/slipway.js");

function logLine(log: string): { pid: number; ppid: number; file: string } {
  const [pid, ppid, file] = readFileSync(log, "utf8").trim().split("\n")[0]!.split(" ");
  return { pid: Number(pid), ppid: Number(ppid), file: file! };
}

describe("secrets edit and signals", () => {
  for (const signal of ["SIGTERM", "SIGHUP"] as const) {
    it(`${signal} while the editor runs: the editor ends too, the temp directory is removed, the file is untouched`, async () => {
      const file = path.join(dir("slipway-sig-repo-"), "s.sops.yaml");
      writeFileSync(file, encrypted);
      const { editor, log } = editorScript("exec sleep 60");
      const child = spawn(process.execPath, [cli, "secrets", "edit", file], {
        env: env(editor),
        stdio: "ignore",
      });
      await until("the editor", () => existsSync(log) && readFileSync(log, "utf8").includes("\n"));
      const seen = logLine(log);
      // `exec`: the editor is Slipway's own child, no shell in between.
      expect(seen.ppid).toBe(child.pid);
      expect(existsSync(seen.file)).toBe(true);
      child.kill(signal);
      const end = await exited(child);
      expect(end.signal).toBe(signal);
      await until("the editor to end", () => !alive(seen.pid));
      expect(existsSync(path.dirname(seen.file))).toBe(false);
      expect(readFileSync(file, "utf8")).toBe(encrypted);
    });
  }

  const hasScript = (() => {
    try {
      execFileSync("script", ["--version"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();

  for (const signal of ["SIGTERM", "SIGHUP"] as const) {
    it.runIf(hasScript || process.env.CI === "true")(
      `${signal} at the "edit again?" prompt: the temp directory is removed, the file is untouched`,
      async () => {
        const file = path.join(dir("slipway-sig-repo-"), "s.sops.yaml");
        writeFileSync(file, encrypted);
        // An edit that does not parse: Slipway offers to edit again (on a terminal).
        const { editor, log } = editorScript(`printf 'stringData: [\\n' > "$1"`);
        const command = [process.execPath, cli, "secrets", "edit", file].map((a) => `'${a}'`).join(" ");
        const term = spawn("script", ["-qfec", command, "/dev/null"], {
          env: env(editor),
          stdio: ["pipe", "pipe", "pipe"],
        });
        let screen = "";
        term.stdout!.on("data", (b: Buffer) => {
          screen += b.toString("utf8");
        });
        await until("the prompt", () => screen.includes("Press Enter to edit again"));
        const seen = logLine(log);
        expect(existsSync(seen.file)).toBe(true);
        // The editor has exited; its parent was Slipway.
        process.kill(seen.ppid, signal);
        await until("Slipway to end", () => !alive(seen.ppid));
        term.stdin!.end();
        await exited(term);
        expect(existsSync(path.dirname(seen.file))).toBe(false);
        expect(readFileSync(file, "utf8")).toBe(encrypted);
        expect(screen).not.toContain(VALUE);
      },
    );
  }
});
