/**
 * Text from the repository (object names, file names, keys) printed for people. A name may hold
 * terminal control sequences (ESC [ 2 J clears the screen, OSC 52 writes the clipboard, OSC 8
 * hides a link), a carriage return that overwrites what came before on the line, a newline that
 * forges a line of a report, or bidirectional-text controls that reorder what is shown ("Trojan
 * Source"). Shown as escapes instead, like Go's %q and JSON write them: `\n`, `\r`, `\t`,
 * `\u001b`, `\u202e`.
 */
const CONTROLS =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const CONTROLS_AND_BREAKS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escapeControl(c: string): string {
  if (c === "\n") return "\\n";
  if (c === "\r") return "\\r";
  if (c === "\t") return "\\t";
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** One line of text: every control character escaped, line breaks and tabs included. */
export function printable(s: string): string {
  return s.replace(CONTROLS_AND_BREAKS, escapeControl);
}

/** Text that may span lines: control characters escaped, `\n` and `\t` kept. */
export function withoutControls(s: string): string {
  return s.replace(CONTROLS, escapeControl);
}
