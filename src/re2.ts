/**
 * Regular expressions written by users (kustomize patch targets and replacement paths, image
 * names, `.sops.yaml` path_regex, SOPS metadata encrypted_regex/unencrypted_regex/…, CRD
 * schema patterns) run on RE2, as in the Go tools that define them: the syntax and semantics
 * are Go's `regexp` package (`(?i)`, `(?P<name>…)`, `\z`, no look-around or backreferences)
 * and matching takes time linear in the input, so a crafted pattern such as `(a+)+$` cannot
 * hang a run. `re2js` is a pure-JavaScript port of RE2/J.
 */
import { RE2JS } from "re2js";

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
    try {
      return new GoRegexp(pattern, RE2JS.compile(pattern));
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      throw new Error(detail.startsWith("error parsing regexp") ? detail : `error parsing regexp: ${detail}`);
    }
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
