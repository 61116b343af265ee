/**
 * The order go-yaml v2 gives string keys when it marshals a map (its `keyList.Less`):
 * compared rune by rune; a letter sorts after a non-letter; where both runes are not letters,
 * runs of digits compare as numbers (so "a2" < "a10"), and with equal numbers the shorter run
 * (fewer leading zeros) comes first.
 */

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

function isLetter(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
  return LETTER.test(String.fromCodePoint(cp));
}

function isDigit(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x30 && cp <= 0x39;
  return DIGIT.test(String.fromCodePoint(cp));
}

function runes(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0) as number);
  return out;
}

/** Go's int64 arithmetic wraps; long digit runs must wrap the same way. */
function wrap(n: bigint): bigint {
  return BigInt.asIntN(64, n);
}

function digitRun(r: number[], from: number, start: bigint): [bigint, number] {
  let n = start;
  let i = from;
  for (; i < r.length && isDigit(r[i] as number); i++) n = wrap(n * 10n + BigInt((r[i] as number) - 0x30));
  return [n, i];
}

/** go-yaml v2's `keyList.Less` for two string keys. */
export function goYamlKeyLess(a: string, b: string): boolean {
  const ar = runes(a);
  const br = runes(b);
  const n = Math.min(ar.length, br.length);
  for (let i = 0; i < n; i++) {
    const ac = ar[i] as number;
    const bc = br[i] as number;
    if (ac === bc) continue;
    const al = isLetter(ac);
    const bl = isLetter(bc);
    if (al && bl) return ac < bc;
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ac === 0x30 || bc === 0x30) {
      // A zero inside a number ("10" vs "1a") is not a leading zero.
      for (let j = i - 1; j >= 0 && isDigit(ar[j] as number); j--) {
        if (ar[j] !== 0x30) {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    const [av, ai] = digitRun(ar, i, an);
    const [bv, bi] = digitRun(br, i, bn);
    if (av !== bv) return av < bv;
    if (ai !== bi) return ai < bi;
    return ac < bc;
  }
  return ar.length < br.length;
}

export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return goYamlKeyLess(a, b) ? -1 : goYamlKeyLess(b, a) ? 1 : 0;
}

/**
 * Keys in go-yaml v2 order. Go sorts with `sort.Sort`, which for up to 12 elements is an
 * insertion sort; mirroring it keeps the result identical even for key sets where `Less`
 * is not a consistent order.
 */
export function sortKeys(keys: string[]): string[] {
  if (keys.length <= 12) {
    for (let i = 1; i < keys.length; i++) {
      for (let j = i; j > 0 && goYamlKeyLess(keys[j] as string, keys[j - 1] as string); j--) {
        const t = keys[j] as string;
        keys[j] = keys[j - 1] as string;
        keys[j - 1] = t;
      }
    }
    return keys;
  }
  return keys.sort(compareKeys);
}
