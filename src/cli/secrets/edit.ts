import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import { SlipwayError } from "../../errors.js";
import { type DecryptedSops, decryptSops, plaintextBytes, reencryptEdited } from "../../sops/index.js";
import { refuseReadOnly, replaceFiles } from "./write.js";

/**
 * `slipway secrets edit FILE`: the plaintext goes to a 0600 file in a fresh 0700 temp
 * directory, the editor runs on it, and the directory is removed however the edit ends.
 * Values the user did not touch keep their ciphertext, so a diff of the file shows only the
 * changed values (plus the MAC and lastmodified); no change leaves the file byte-identical.
 */

export interface EditResult {
  changed: boolean;
}

/** sops' order: SOPS_EDITOR, then EDITOR, then a terminal editor that is always there. */
export function editorCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.SOPS_EDITOR || env.EDITOR || env.VISUAL || "vi";
}

/**
 * While an edit is under way, a signal must not leave the plaintext behind. SIGTERM and SIGHUP
 * (the terminal closed) end the editor with Slipway, remove the temp directory and then end
 * Slipway by the same signal; Ctrl-C goes to the editor while it runs (it decides) and
 * otherwise ends the edit the same way. Removal is synchronous: nothing runs after it.
 */
class EditGuard {
  private editor: ChildProcess | undefined;
  private readonly handlers = new Map<NodeJS.Signals, () => void>();

  constructor(private readonly dir: string) {
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      const handler = () => this.onSignal(signal);
      this.handlers.set(signal, handler);
      process.on(signal, handler);
    }
  }

  /** The editor now running (undefined once it has exited). */
  running(child: ChildProcess | undefined): void {
    this.editor = child;
  }

  private onSignal(signal: NodeJS.Signals): void {
    const editor = this.editor;
    if (editor && signal === "SIGINT") return;
    if (editor) editor.kill(signal);
    this.release();
    // Die of the signal itself, as the shell and CI expect (exit status 128 + n).
    process.kill(process.pid, signal);
  }

  /** Removes the temp directory and the signal handlers. */
  release(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
    for (const [signal, handler] of this.handlers) process.off(signal, handler);
    this.handlers.clear();
  }
}

/**
 * Runs the editor through the shell, so that `EDITOR="code --wait"` works as it does for
 * git and sops; the file name is passed as an argument, never spliced into the command.
 * `exec` makes the editor the process Slipway waits for, so a signal Slipway passes on
 * reaches the editor itself, not only a shell in between.
 */
function runEditor(editor: string, file: string, guard: EditGuard): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", `exec ${editor} "$1"`, "slipway-editor", file], {
      stdio: "inherit",
    });
    guard.running(child);
    child.on("error", (err) => {
      guard.running(undefined);
      reject(err);
    });
    child.on("exit", (code, signal) => {
      guard.running(undefined);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

/**
 * Re-encrypts the edit and reads the result back before anything is written: a file that
 * would not decrypt (an emptied document, say) is refused rather than saved.
 */
async function reencryptChecked(decrypted: DecryptedSops, edited: Buffer): Promise<Buffer> {
  if (edited.toString("utf8").trim() === "") throw new Error("the file cannot be completely empty");
  const output = reencryptEdited(decrypted, edited);
  if (output !== decrypted.original) {
    const check = await decryptSops(output, { file: decrypted.file, dataKey: decrypted.dataKey });
    if (check.branches.length === 0) throw new Error("the file cannot be completely empty");
  }
  return output;
}

/** Like sops: an invalid edit need not lose the user's work; they may go back to the editor. */
function askToEditAgain(file: string, problem: string): Promise<boolean> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    let answered = false;
    const finish = (again: boolean) => {
      if (answered) return;
      answered = true;
      rl.close();
      resolve(again);
    };
    rl.on("SIGINT", () => finish(false));
    rl.on("close", () => finish(false));
    rl.question(`${file}: ${problem}\nPress Enter to edit again, or Ctrl-C to discard the changes: `, () =>
      finish(true),
    );
  });
}

/**
 * The file on disk must still be the one decrypted for the editor: another edit saved meanwhile
 * (a second `secrets edit`, a `git pull`, an editor open on the ciphertext) would otherwise be
 * silently replaced by this one. sops does not check; the edit is refused, the file kept.
 */
function refuseChangedMeanwhile(file: string, original: Buffer): void {
  let now: Buffer | undefined;
  try {
    now = fs.readFileSync(file);
  } catch {
    now = undefined;
  }
  if (now === undefined || !now.equals(original))
    throw new SlipwayError(
      `the file changed on disk while the editor was open (another edit saved it?); this edit is not saved and the file is left as it is now: run 'slipway secrets edit' again`,
      { file },
    );
}

export async function editFile(
  file: string,
  opts: { identities: readonly string[]; editor?: string; interactive?: boolean },
): Promise<EditResult> {
  let original: Buffer;
  try {
    original = fs.readFileSync(file);
  } catch (err) {
    throw new SlipwayError(`cannot read: ${(err as NodeJS.ErrnoException).code ?? "error"}`, { file });
  }
  // Before the editor opens: an edit that cannot be saved would be lost.
  refuseReadOnly(file);
  const decrypted = await decryptSops(original, { file, identities: opts.identities });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-edit-"));
  const guard = new EditGuard(dir);
  try {
    fs.chmodSync(dir, 0o700);
    // Same base name, so the editor picks the right syntax highlighting.
    const tmp = path.join(dir, path.basename(file));
    const plain = plaintextBytes(decrypted);
    fs.writeFileSync(tmp, plain, { mode: 0o600, flag: "wx" });
    const editor = opts.editor ?? editorCommand();
    const interactive = opts.interactive ?? (process.stdin.isTTY === true && process.stderr.isTTY === true);
    for (;;) {
      let code: number;
      try {
        code = await runEditor(editor, tmp, guard);
      } catch (err) {
        throw new SlipwayError(`cannot run editor '${editor}': ${(err as Error).message}; file unchanged`, {
          file,
        });
      }
      if (code !== 0) throw new SlipwayError(`editor exited with status ${code}; file unchanged`, { file });
      const edited = fs.readFileSync(tmp);
      if (edited.equals(plain)) return { changed: false };
      let output: Buffer;
      try {
        output = await reencryptChecked(decrypted, edited);
      } catch (err) {
        const msg = (err as Error).message.split("\n")[0]!;
        if (interactive && (await askToEditAgain(file, msg))) continue;
        throw new SlipwayError(`edited content is invalid, file unchanged: ${msg}`, { file });
      }
      if (output.equals(original)) return { changed: false };
      refuseChangedMeanwhile(file, original);
      // Checked again just before the rename (writeFileSet): the editor may have taken hours.
      replaceFiles([{ file, before: original, output }]);
      return { changed: true };
    }
  } finally {
    guard.release();
  }
}
