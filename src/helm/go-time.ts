import { parseTime, TimeParseError } from "./funcs/go/time.js";
import { UTC } from "./funcs/go/zone.js";

/**
 * Go's time.Parse(time.RFC3339, s) error text, or undefined when s parses: Chart.lock's
 * `generated` is a time.Time, and Helm 4.1.4 prints the parse error of a bad one. The template
 * functions' time.Parse (funcs/go/time.ts) gives Go's exact wording.
 */
export function rfc3339Error(s: string): string | undefined {
  try {
    parseTime("2006-01-02T15:04:05Z07:00", s, UTC);
    return undefined;
  } catch (e) {
    if (e instanceof TimeParseError) return e.message;
    throw e;
  }
}
