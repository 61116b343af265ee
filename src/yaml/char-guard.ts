/**
 * Tests for characters a YAML reader refuses, written as Unicode (`u`) character classes so that
 * a surrogate pair counts as the one character it encodes and a lone surrogate as a character of
 * its own. V8 runs such a class at about half the speed of a plain one over the same text (~23
 * against ~12 ms for the 11.7 MB of documents the Helm corpus renders, each one read for its
 * head), and nearly every text is made of BMP characters only: a plain class that also matches
 * every surrogate answers for those, and the exact class decides for the rest.
 */
export interface CharGuard {
  /** The refused characters (a `u` class). */
  readonly exact: RegExp;
  /** The first refused character, as `exact.exec` finds it. */
  exec(text: string): RegExpExecArray | null;
  test(text: string): boolean;
}

/**
 * `plain`: the text made only of a plain class that excludes whatever `exact` matches and every
 * UTF-16 surrogate (code units D800–DFFF); a text it matches is all accepted BMP characters. It
 * is asked as a run from the start to the end (`^[…]*$`) rather than as a search for one excluded
 * character (`[^…]`): V8 runs a search as an attempt at every position, ~15 instructions a
 * character against ~13 for the run (128 M and 112 M for the 8.2 MB a cold check of bjw-s
 * home-ops reads); a text with an excluded character costs the run at most once more.
 */
function charGuard(exact: RegExp, plain: RegExp): CharGuard {
  return {
    exact,
    exec: (text) => (plain.test(text) ? null : exact.exec(text)),
    test: (text) => !plain.test(text) && exact.test(text),
  };
}

/** What go-yaml's reader refuses anywhere in its input. */
export const GO_YAML_FORBIDDEN = charGuard(
  /[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u,
  /^[\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd]*$/,
);

/**
 * GO_YAML_FORBIDDEN plus what the fast reader (./fast/scan.ts) leaves to the full path: the byte
 * order mark and YAML 1.1's extra line breaks (NEL, LS, PS).
 */
export const FAST_REFUSED = charGuard(
  /[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]/u,
  /^[\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*$/,
);
