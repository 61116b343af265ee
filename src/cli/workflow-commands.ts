/**
 * GitHub Actions reads every line a step prints for workflow commands: `::error::`,
 * `::add-mask::`, `::stop-commands::`, `::group::`... after leading whitespace (runner
 * ActionCommand.TryParseV2 trims it), and the legacy `##[command]` form anywhere in a line
 * (ActionCommand.TryParse). Slipway prints text a pull request wrote — YAML keys and values in
 * `build`/`render`, file and object names, diff lines, messages — so a pull request could raise
 * annotations, mask or stop the job's own commands.
 *
 * Under GITHUB_ACTIONS=true, a stream that can reach the log (a pipe or terminal, not a file)
 * is watched: before the first line that the runner would take for a command, Slipway prints
 * `::stop-commands::TOKEN` (GitHub's documented way to print untrusted text; TOKEN is random, so
 * the text cannot end the pause), and `::TOKEN::` when the run ends. Output without such a line
 * is untouched, byte for byte; `check --format github` prints its annotations (escaped by the
 * formatter) on a stdout that is not watched.
 */
import { fstatSync } from "node:fs";
import { cryptoModule } from "../lazy-crypto.js";

/** Whether the runner would parse this line as a workflow command (either syntax). */
export function looksLikeWorkflowCommand(line: string): boolean {
  if (line.includes("##[")) return true;
  const t = line.trimStart();
  return t.startsWith("::") && t.indexOf("::", 2) >= 0;
}

interface Guarded {
  stream: NodeJS.WriteStream;
  write: NodeJS.WriteStream["write"];
  /** the text of the current line printed so far (a command starts at a line's start) */
  tail: string;
  stopped: boolean;
}

const guarded = new Map<NodeJS.WriteStream, Guarded>();
let token = "";

/** Watches stdout and stderr when running in GitHub Actions (env: the process environment). */
export function guardWorkflowCommands(env: NodeJS.ProcessEnv): void {
  if (env.GITHUB_ACTIONS !== "true" || guarded.size > 0) return;
  token = cryptoModule().randomBytes(16).toString("hex");
  for (const stream of [process.stdout, process.stderr]) {
    if (!reachesLog(stream)) continue;
    const g: Guarded = {
      stream,
      write: stream.write.bind(stream) as Guarded["write"],
      tail: "",
      stopped: false,
    };
    guarded.set(stream, g);
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      if (!g.stopped) {
        // .NET's line reader ends a line at \r too.
        const lines = (g.tail + text).split(/\r\n|\r|\n/);
        if (lines.some(looksLikeWorkflowCommand)) {
          g.write(`${g.tail === "" ? "" : "\n"}::stop-commands::${token}\n`);
          g.stopped = true;
        }
      }
      const lastBreak = Math.max(text.lastIndexOf("\n"), text.lastIndexOf("\r"));
      g.tail = lastBreak >= 0 ? text.slice(lastBreak + 1) : g.tail + text;
      if (g.tail.length > 4096) g.tail = lineSummary(g.tail);
      return (g.write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as NodeJS.WriteStream["write"];
  }
}

/** stdout carries workflow commands on purpose (`check --format github`): stop watching it. */
export function trustStdoutCommands(): void {
  const g = guarded.get(process.stdout);
  if (!g || g.stopped) return;
  process.stdout.write = g.write;
  guarded.delete(process.stdout);
}

/** Resumes command processing where it was stopped, and stops watching. */
export function endWorkflowCommandGuard(): void {
  for (const g of guarded.values()) {
    g.stream.write = g.write;
    if (g.stopped) g.write(`${g.tail === "" ? "" : "\n"}::${token}::\n`);
  }
  guarded.clear();
}

/**
 * What a long unfinished line keeps for the test above: its first two characters after leading
 * whitespace (where a command starts) and its last two (where `::` or `##[` may be finished by
 * the next write), joined by a character that belongs to neither token. Keeping only the line's
 * end, as before, lost its start: `::error` followed by 5,000 characters and a later `::msg`
 * passed unstopped.
 */
export function lineSummary(line: string): string {
  return `${line.trimStart().slice(0, 2)}\u0001${line.slice(-2)}`;
}

/** A regular file or /dev/null is not the job log; a pipe or a terminal may be. */
function reachesLog(stream: NodeJS.WriteStream): boolean {
  try {
    const st = fstatSync((stream as unknown as { fd: number }).fd);
    return st.isFIFO() || st.isSocket() || (st.isCharacterDevice() && stream.isTTY === true);
  } catch {
    return true;
  }
}
