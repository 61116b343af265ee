// Without the u flag a class matches code units: any half of a pair, or a lone one.
const SURROGATE = /[\ud800-\udfff]/;

/**
 * Go's strings.Compare (sort.Strings, `lt` on strings, sortAlpha, sorted map keys, kustomize's
 * sorted generator keys and strategic-merge field order): byte order of the Go strings, without
 * encoding them. The one implementation for every caller.
 *
 * What the JavaScript string stands for in Go: each code point as its UTF-8 bytes; a lone
 * U+DC80–DCFF as the one invalid byte 0x80–0xFF it escapes (how the Helm engine holds bytes that
 * are not UTF-8, src/helm/template/gostring.ts); any other lone surrogate as U+FFFD (as
 * Buffer.from and Go's utf8.EncodeRune encode it). Strings parsed from YAML/JSON or read as paths
 * hold no lone surrogates (Go's YAML rejects a surrogate escape, its JSON decodes one to U+FFFD),
 * so for them this is Buffer.compare of the UTF-8 encodings.
 *
 * UTF-16 code unit order equals that byte order except where a surrogate is involved: a code
 * point above U+FFFF sorts after U+E000–FFFF in UTF-8, an escaped byte sorts by its value, a lone
 * surrogate as U+FFFD. Strings without surrogates (ASCII, all of the BMP) are compared by the
 * engine (`<`, code unit order): a loop of charCodeAt runs in V8's interpreter in a fresh
 * process, where sorting kube-prometheus-stack's 264 template names (~1,450 comparisons of paths
 * sharing a 40-character prefix) cost 4-10 ms against ~0.5 ms. The test for a surrogate is one
 * native scan of each string; only strings with one pay the loop and, from the first difference
 * that involves a surrogate, an encoding.
 */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Equal units before i encode alike, unless unit i decides whether a high surrogate before
    // it is paired: compare from there.
    if ((x & 0xf800) === 0xd800 || (y & 0xf800) === 0xd800) return compareBytesFrom(a, b, backOverHigh(a, i));
    return x < y ? -1 : 1;
  }
  if (a.length === b.length) return 0;
  // One is a prefix of the other: the shorter sorts first, unless the cut splits a pair.
  if ((a.charCodeAt(n - 1) & 0xfc00) === 0xd800) return compareBytesFrom(a, b, n - 1);
  return a.length < b.length ? -1 : 1;
}

/**
 * sort.Strings in place: compareGoStrings' order. Without a surrogate in any of the strings that
 * order is the engine's own default sort (code units), which calls no comparator (a map's keys
 * are sorted at every `range` over it).
 */
export function sortGoStrings(list: string[]): string[] {
  for (let i = 0; i < list.length; i++) {
    if (SURROGATE.test(list[i] as string)) return list.sort(compareGoStrings);
  }
  return list.sort();
}

/** `i`, or `i - 1` when the unit before it is a high surrogate (whose encoding unit i decides). */
function backOverHigh(s: string, i: number): number {
  return i > 0 && (s.charCodeAt(i - 1) & 0xfc00) === 0xd800 ? i - 1 : i;
}

/** Byte order of the Go bytes of `a` and `b` from code unit `from` on (their units before it are equal). */
function compareBytesFrom(a: string, b: string, from: number): number {
  const x = goBytes(a, from);
  const y = goBytes(b, from);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

/** The Go bytes `s[from:]` stands for (see compareGoStrings). */
function goBytes(s: string, from: number): number[] {
  const out: number[] = [];
  for (let i = from; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && (next & 0xfc00) === 0xdc00) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        out.push(
          0xf0 | (cp >> 18),
          0x80 | ((cp >> 12) & 0x3f),
          0x80 | ((cp >> 6) & 0x3f),
          0x80 | (cp & 0x3f),
        );
        i++;
        continue;
      }
      if (c >= 0xdc80 && c <= 0xdcff) {
        out.push(c - 0xdc00);
        continue;
      }
      c = 0xfffd;
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return out;
}
