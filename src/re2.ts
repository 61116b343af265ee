/**
 * Regular expressions written by users (kustomize patch targets and replacement paths, image
 * names, `.sops.yaml` path_regex, SOPS metadata encrypted_regex/unencrypted_regex/…, CRD
 * schema patterns) run on RE2, as in the Go tools that define them: the syntax and semantics
 * are Go's `regexp` package (`(?i)`, `(?P<name>…)`, `\z`, no look-around or backreferences)
 * and matching takes time linear in the input, so a crafted pattern such as `(a+)+$` cannot
 * hang a run. `re2js` is a pure-JavaScript port of RE2/J.
 */
import { RE2JS } from "re2js";

// Compiling is most of the cost (a build of 294 directories compiled the same few patch-target
// patterns thousands of times); a GoRegexp is immutable, so one per pattern is shared.
const MAX_COMPILED = 4096;
const compiled = new Map<string, GoRegexp>();

/** A compiled Go regular expression. */
export class GoRegexp {
  private constructor(
    readonly source: string,
    private readonly re: RE2JS,
  ) {}

  /**
   * Compiles `pattern` with Go's syntax. Throws an Error whose message is Go's style
   * (`error parsing regexp: …`); callers add where the pattern came from.
   */
  static compile(pattern: string): GoRegexp {
    const known = compiled.get(pattern);
    if (known) return known;
    try {
      const re = new GoRegexp(pattern, RE2JS.compile(pattern));
      if (compiled.size >= MAX_COMPILED) compiled.clear();
      compiled.set(pattern, re);
      return re;
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      throw new Error(detail.startsWith("error parsing regexp") ? detail : `error parsing regexp: ${detail}`);
    }
  }

  /** The pattern: ajv keys the patterns of a compiled schema by it (one key per pattern). */
  toString(): string {
    return this.source;
  }

  /** Go's `MatchString`: a match anywhere in `s`. */
  test(s: string): boolean {
    return this.re.test(s);
  }
}

/** `^(?:pattern)$`, as kustomize anchors selector fields. */
export function anchoredGoRegexp(pattern: string): GoRegexp {
  return GoRegexp.compile(`^(?:${pattern})$`);
}
