/**
 * stderr carries messages about the repository (errors quote file and object names, warnings
 * name charts and sources): control characters in them are escaped (src/printable.ts), so a
 * pull request cannot drive the terminal or the CI log viewer of whoever runs Slipway. The
 * progress line's own `\r ESC[2K` (which rewrites the line in place) is Slipway's and kept.
 */
import { withoutControls } from "../printable.js";

const PROGRESS = "\r\x1b[2K";
let original: NodeJS.WriteStream["write"] | undefined;

export function escapeStderrControls(): void {
  if (original) return;
  const write = process.stderr.write.bind(process.stderr) as NodeJS.WriteStream["write"];
  original = write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    const kept = text.startsWith(PROGRESS) ? PROGRESS : "";
    return (write as (...a: unknown[]) => boolean)(kept + withoutControls(text.slice(kept.length)), ...rest);
  }) as NodeJS.WriteStream["write"];
}

export function restoreStderr(): void {
  if (original) process.stderr.write = original;
  original = undefined;
}
