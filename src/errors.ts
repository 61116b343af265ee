import { redactUrlsIn } from "./url-credentials.js";

/** Where an error points: the file to edit, and the line and column where known. */
export interface ErrorPlace {
  file?: string;
  line?: number;
  column?: number;
}

/**
 * The one error type Slipway reports to users. `file` (and `line`/`column` where known)
 * point at what the user has to edit; the CLI prints `file:line:col: message`.
 */
export class SlipwayError extends Error {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;

  constructor(message: string, where?: { file?: string; line?: number; column?: number; cause?: unknown }) {
    super(message, where?.cause === undefined ? undefined : { cause: where.cause });
    this.name = "SlipwayError";
    this.file = where?.file;
    this.line = where?.line;
    this.column = where?.column;
  }

  /**
   * This error with a wrapper's message, placed at `where` (all three fields replaced; by
   * default its own place). The copy keeps the subclass and every field a subclass adds (a
   * RemoteResourceError stays one, a KustomizationFieldError keeps its field and code), as
   * consumers tell kinds of problem apart by class, and it keeps the original's cause.
   */
  withContext(message: string, where: ErrorPlace = this): this {
    const copy = Object.create(Object.getPrototypeOf(this)) as this;
    Object.defineProperties(copy, Object.getOwnPropertyDescriptors(this));
    const set = (key: string, value: unknown) =>
      Object.defineProperty(copy, key, {
        value,
        writable: true,
        enumerable: key !== "message",
        configurable: true,
      });
    set("message", message);
    set("file", where.file);
    set("line", where.line);
    set("column", where.column);
    // The stack's first line repeats the message: take a fresh one, as a new error would have.
    Error.captureStackTrace?.(copy, this.withContext);
    return copy;
  }

  /** `file:line:col: message`, omitting the parts that are unknown. */
  format(): string {
    if (!this.file) return this.message;
    let loc = this.file;
    if (this.line !== undefined) {
      loc += `:${this.line}`;
      if (this.column !== undefined) loc += `:${this.column}`;
    }
    // A message that starts at its own place already (Helm 4's "file:line:col\n  executing ...")
    // is not prefixed again.
    const rest = this.message.startsWith(loc) ? this.message.charAt(loc.length) : undefined;
    if (rest === "" || rest === ":" || rest === "\n") return this.message;
    return `${loc}: ${this.message}`;
  }
}

/**
 * An error as printed: `file:line:col: message`, with any URL's credentials redacted (a build's
 * error quotes a remote entry as the repository writes it, `https://user:TOKEN@…` included).
 */
export function errorMessage(err: unknown): string {
  if (err instanceof SlipwayError) return redactUrlsIn(err.format());
  if (err instanceof Error) return redactUrlsIn(err.message);
  return redactUrlsIn(String(err));
}
