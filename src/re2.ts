/**
 * Regular expressions written by users (kustomize patch targets and replacement paths, image
 * names, `.sops.yaml` path_regex, SOPS metadata encrypted_regex/unencrypted_regex/…, CRD
 * schema patterns) run on RE2, as in the Go tools that define them: the syntax and semantics
 * are Go's `regexp` package (`(?i)`, `(?P<name>…)`, `\z`, no look-around or backreferences)
 * and matching takes time linear in the input, so a crafted pattern such as `(a+)+$` cannot
 * hang a run. `re2js` is a pure-JavaScript port of RE2/J.
 *
 * Linear is not free: matching costs CPU and memory per character of the subject, so every
 * subject is held to MAX_REGEXP_SUBJECT here (and in src/go/regexp.ts, the other wrapper over
 * re2js), for every caller. A longer subject is an error, never a non-match: a non-match would
 * silently drop a patch, leave a key unencrypted or turn a check finding off. What each caller
 * makes of it:
 * - Helm's regexp functions (src/helm/funcs/regex.ts): a template error naming the function;
 * - values.schema.json `pattern` / `patternProperties` (src/helm/schema.ts): the chart's schema
 *   error, naming the value's path and the schema file;
 * - kustomize patch/replacement targets (src/kustomize/selector.ts): a build error naming the
 *   target and the resource;
 * - kustomize image names and replacement paths, `.sops.yaml` and SOPS metadata rules, check
 *   globs, chart globs, tag filters: the caller's error for the file or object it was working on
 *   (a kustomization build error, a SOPS error, …), carrying this message.
 */
import { RE2JS } from "re2js";

/**
 * The longest string a pattern is matched against. Differs because: Go's regexp matches over the
 * bytes in place, but re2js decodes the string into code points and keeps match state per
 * position — regexReplaceAll over 16 Mi characters took 2-3 GB and over 60 Mi ran out of heap,
 * ending the whole run without naming a file; a schema pattern on a 40 MB value cost 1.2-3.6 s of
 * CPU and, when it failed, a 40 MB error message. Names, versions, paths, keys and config
 * snippets are far below this.
 */
export const MAX_REGEXP_SUBJECT = 4 << 20;

/** A subject longer than MAX_REGEXP_SUBJECT; `subject` lets a caller find where it came from. */
export class RegexpSubjectTooLong extends Error {
  constructor(
    readonly pattern: string,
    readonly subject: string,
  ) {
    super(
      `a string of ${subject.length} characters is more than Slipway's limit of ${MAX_REGEXP_SUBJECT} for regular expressions (matching ${JSON.stringify(shortened(pattern))}; Go matches it)`,
    );
    this.name = "RegexpSubjectTooLong";
  }
}

const shortened = (pattern: string): string => (pattern.length > 80 ? `${pattern.slice(0, 77)}...` : pattern);

/** Throws RegexpSubjectTooLong when `s` is longer than MAX_REGEXP_SUBJECT. */
export function checkSubject(pattern: string, s: string): void {
  if (s.length > MAX_REGEXP_SUBJECT) throw new RegexpSubjectTooLong(pattern, s);
}

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

  /** Go's `MatchString`: a match anywhere in `s`. Throws RegexpSubjectTooLong past the limit. */
  test(s: string): boolean {
    checkSubject(this.source, s);
    return this.re.test(s);
  }

  /**
   * Go's `FindString`: the leftmost match in `s`, alternatives preferred in order as a
   * backtracking engine prefers them (`net|network` finds `net`); undefined for none. Throws
   * RegexpSubjectTooLong past the limit.
   */
  firstMatch(s: string): string | undefined {
    checkSubject(this.source, s);
    const m = this.re.matcher(s);
    return m.find() ? (m.group() ?? "") : undefined;
  }
}

/** `^(?:pattern)$`, as kustomize anchors selector fields. */
export function anchoredGoRegexp(pattern: string): GoRegexp {
  return GoRegexp.compile(`^(?:${pattern})$`);
}
