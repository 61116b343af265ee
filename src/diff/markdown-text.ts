/**
 * Markdown texts that quote what a pull request wrote (file and object names, versions, render
 * errors), for output posted where HTML renders (a pull-request comment or description): each
 * stays text, on its own line. Shared by `diff --format markdown` and `promote --format markdown`.
 */

/** A table cell or a line's text (`|` escaped, newlines made spaces). */
export function cell(s: string): string {
  return escapeHtml(s.replace(/\|/g, "\\|").replace(/\r?\n|\r/g, " "));
}

/** A table cell in a code span (entities are not decoded there; a backtick would end it). */
export function codeCell(s: string): string {
  const t = s.replace(/\|/g, "\\|").replace(/\r?\n|\r/g, " ");
  return t.includes("`") ? `<code>${escapeHtml(t)}</code>` : `\`${t}\``;
}

/** A line of a quote (HTML escaped, backticks too: a fence would take the lines after it). */
export function quoted(s: string): string {
  return escapeHtml(s)
    .replace(/`/g, "\\`")
    .replace(/\r?\n|\r/g, "\n> ");
}

/** Text inside an HTML element on one line (a blank line would end the HTML block). */
export function inline(s: string): string {
  return escapeHtml(s.replace(/\r?\n|\r/g, " "));
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
