/**
 * Errors of the template engine. `message` is exactly Go's `err.Error()` text, because Helm
 * rewrites those strings (engine.go cleanupParseError / reformatExecErrorMsg) and users see
 * the result; the place is also carried as data (`template`, `line`, `column`), taken from
 * node positions, so nobody has to parse the text back.
 */

export type TemplateErrorKind = "parse" | "exec";

export class TemplateError extends Error {
  readonly kind: TemplateErrorKind;
  /** The file (Go's ParseName) the failing node was parsed from. */
  readonly template: string;
  /** The template being executed ("executing NAME"); for parse errors, the template being parsed. */
  readonly executing: string;
  readonly line?: number;
  readonly column?: number;
  /** Go's error context: the source text of the failing node (`.Values.x`), exec errors only. */
  readonly context?: string;
  /**
   * The message without Go's "template: …: " prefix. For `error calling F: …` this still
   * holds the callee's full message; the callee's error is `cause`.
   */
  readonly detail: string;
  /**
   * When the message ends with another error's whole message (Go's "error calling F: " + the
   * callee's): `message === wrapped.head + wrapped.inner.message`. A chain of recursive includes
   * nests a thousand of these; readers that need only the start of each message (Helm's
   * reformatExecErrorMsg) walk the heads instead of flattening every message (quadratic).
   */
  readonly wrapped?: { head: string; inner: Error };

  constructor(
    kind: TemplateErrorKind,
    message: string,
    where: {
      template: string;
      executing: string;
      line?: number;
      column?: number;
      context?: string;
      detail: string;
      cause?: unknown;
      wrapped?: { head: string; inner: Error };
    },
  ) {
    super(message, where.cause === undefined ? undefined : { cause: where.cause });
    this.name = "TemplateError";
    this.kind = kind;
    this.template = where.template;
    this.executing = where.executing;
    this.line = where.line;
    this.column = where.column;
    this.context = where.context;
    this.detail = where.detail;
    if (where.wrapped !== undefined) this.wrapped = where.wrapped;
  }
}

/** A parse error: `template: NAME:LINE: MSG`. */
export function parseError(parseName: string, line: number, msg: string): TemplateError {
  return new TemplateError("parse", `template: ${parseName}:${line}: ${msg}`, {
    template: parseName,
    executing: parseName,
    line,
    detail: msg,
  });
}

/**
 * The first `n` characters of an error's message (fewer when it is shorter), read through the
 * `wrapped` heads of TemplateErrors so that the nested messages are not flattened.
 */
export function messagePrefix(e: Error, n: number): string {
  let out = "";
  let cur: Error = e;
  while (cur instanceof TemplateError && cur.wrapped !== undefined && out.length < n) {
    out += cur.wrapped.head;
    cur = cur.wrapped.inner;
  }
  if (out.length < n) out += cur.message.slice(0, n - out.length);
  return out.length > n ? out.slice(0, n) : out;
}
