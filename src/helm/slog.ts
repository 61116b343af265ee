import { isPrint, quote } from "./template/quote.js";

/**
 * A line of Go's log/slog TextHandler as Helm 4.1.4 sets it up (internal/logging/logging.go:
 * no time attribute): `level=WARN msg="returned non-bool value" tag=t chart=s`. Helm's warnings
 * (slog.Warn, and log.Printf, which slog turns into INFO) reach stderr in this form.
 */
export function slogLine(
  level: "INFO" | "WARN" | "ERROR",
  msg: string,
  attrs: ReadonlyArray<readonly [string, string]> = [],
): string {
  let line = `level=${level} msg=${textValue(msg)}`;
  for (const [k, v] of attrs) line += ` ${textValue(k)}=${textValue(v)}`;
  return line;
}

/** log/slog's needsQuoting: empty, a space, `=`, `"`, a control or a non-printing character. */
function textValue(s: string): string {
  if (s === "") return '""';
  for (const ch of s) {
    const r = ch.codePointAt(0) as number;
    if (r < 0x80) {
      if (r !== 0x5c && (r <= 0x20 || r === 0x3d || r === 0x22 || r === 0x7f)) return quote(s);
    } else if (r === 0xfffd || /\s/u.test(ch) || !isPrint(r)) return quote(s);
  }
  return s;
}
