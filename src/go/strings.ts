/**
 * Go's unicode.IsSpace, which strings.TrimSpace trims: JavaScript's `trim` and `\s` add U+FEFF and
 * lack U+0085, so text that Go tools trim is trimmed with this.
 */
const GO_SPACE =
  "\t\n\v\f\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";

/** Go's strings.TrimSpace. */
export function trimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && GO_SPACE.includes(s[a] as string)) a++;
  while (b > a && GO_SPACE.includes(s[b - 1] as string)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}
