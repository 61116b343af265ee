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

const isSurrogate = (c: number): boolean => (c & 0xf800) === 0xd800;

/**
 * goYamlKeyLess without rune arrays or BigInts, for the keys nearly every map has: no surrogate
 * (so a UTF-16 unit is a rune) and runs of at most 14 ASCII digits (exact as doubles, far from
 * int64 wrapping). Undefined when the keys need the general path. toYaml sorts every map's keys
 * with it (~60 ms of the Helm corpus's first pass went to rune arrays and BigInt digits).
 */
function quickLess(a: string, b: string): boolean | undefined {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ac = a.charCodeAt(i);
    const bc = b.charCodeAt(i);
    if (isSurrogate(ac) || isSurrogate(bc)) return undefined;
    if (ac === bc) continue;
    const al = isLetter(ac);
    const bl = isLetter(bc);
    if (al && bl) return ac < bc;
    if (al || bl) return bl;
    let start = 0;
    if (ac === 0x30 || bc === 0x30) {
      for (let j = i - 1; j >= 0 && isDigit(a.charCodeAt(j)); j--) {
        if (a.charCodeAt(j) !== 0x30) {
          start = 1;
          break;
        }
      }
    }
    let av = start;
    let ai = i;
    for (; ai < a.length; ai++) {
      const c = a.charCodeAt(ai);
      if (isSurrogate(c)) return undefined;
      if (!isDigit(c)) break;
      if (c > 0x39) return undefined; // a digit of another script: its value is not a digit's
      av = av * 10 + (c - 0x30);
    }
    let bv = start;
    let bi = i;
    for (; bi < b.length; bi++) {
      const c = b.charCodeAt(bi);
      if (isSurrogate(c)) return undefined;
      if (!isDigit(c)) break;
      if (c > 0x39) return undefined; // a digit of another script: its value is not a digit's
      bv = bv * 10 + (c - 0x30);
    }
    if (ai - i > 14 || bi - i > 14) return undefined;
    if (av !== bv) return av < bv;
    if (ai !== bi) return ai < bi;
    return ac < bc;
  }
  for (let i = n; i < a.length; i++) if (isSurrogate(a.charCodeAt(i))) return undefined;
  for (let i = n; i < b.length; i++) if (isSurrogate(b.charCodeAt(i))) return undefined;
  return a.length < b.length;
}

/** go-yaml v2's `keyList.Less` for two string keys. */
export function goYamlKeyLess(a: string, b: string): boolean {
  return quickLess(a, b) ?? runesLess(a, b);
}

/** goYamlKeyLess over rune arrays and int64 digit runs: every key (exported for the tests of quickLess). */
export function runesLess(a: string, b: string): boolean {
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
 * Keys in go-yaml v2 order. `Less` is not transitive for some key sets ("v40" < "v4n" <
 * "v5" < "v40"), so the result depends on the algorithm and the starting order: this is Go's
 * `sort.Sort` (pattern-defeating quicksort, Go >= 1.19) step for step, started from the
 * map's insertion order. kubectl starts from Go's random map order, so for such key sets its
 * own output can vary between runs; for every consistent key set the result is exact.
 */
export function sortKeys(keys: string[]): string[] {
  if (keys.length > 1) new GoSort(keys, goYamlKeyLess).run();
  return keys;
}

const INCREASING = 1;
const DECREASING = 2;

class GoSort<T> {
  constructor(
    private readonly data: T[],
    private readonly lessFn: (a: T, b: T) => boolean,
  ) {}

  run(): void {
    const n = this.data.length;
    this.pdqsort(0, n, bitLen(n));
  }

  private less(i: number, j: number): boolean {
    return this.lessFn(this.data[i] as T, this.data[j] as T);
  }

  private swap(i: number, j: number): void {
    const t = this.data[i] as T;
    this.data[i] = this.data[j] as T;
    this.data[j] = t;
  }

  private insertionSort(a: number, b: number): void {
    for (let i = a + 1; i < b; i++) {
      for (let j = i; j > a && this.less(j, j - 1); j--) this.swap(j, j - 1);
    }
  }

  private siftDown(lo: number, hi: number, first: number): void {
    let root = lo;
    for (;;) {
      let child = 2 * root + 1;
      if (child >= hi) return;
      if (child + 1 < hi && this.less(first + child, first + child + 1)) child++;
      if (!this.less(first + root, first + child)) return;
      this.swap(first + root, first + child);
      root = child;
    }
  }

  private heapSort(a: number, b: number): void {
    const hi = b - a;
    for (let i = Math.floor((hi - 1) / 2); i >= 0; i--) this.siftDown(i, hi, a);
    for (let i = hi - 1; i >= 0; i--) {
      this.swap(a, a + i);
      this.siftDown(0, i, a);
    }
  }

  private pdqsort(a: number, b: number, limit: number): void {
    let wasBalanced = true;
    let wasPartitioned = true;
    for (;;) {
      const length = b - a;
      if (length <= 12) {
        this.insertionSort(a, b);
        return;
      }
      if (limit === 0) {
        this.heapSort(a, b);
        return;
      }
      if (!wasBalanced) {
        this.breakPatterns(a, b);
        limit--;
      }
      let [pivot, hint] = this.choosePivot(a, b);
      if (hint === DECREASING) {
        this.reverseRange(a, b);
        pivot = b - 1 - (pivot - a);
        hint = INCREASING;
      }
      if (wasBalanced && wasPartitioned && hint === INCREASING && this.partialInsertionSort(a, b)) return;
      if (a > 0 && !this.less(a - 1, pivot)) {
        a = this.partitionEqual(a, b, pivot);
        continue;
      }
      const [mid, alreadyPartitioned] = this.partition(a, b, pivot);
      wasPartitioned = alreadyPartitioned;
      const leftLen = mid - a;
      const rightLen = b - mid;
      const balanceThreshold = Math.floor(length / 8);
      if (leftLen < rightLen) {
        wasBalanced = leftLen >= balanceThreshold;
        this.pdqsort(a, mid, limit);
        a = mid + 1;
      } else {
        wasBalanced = rightLen >= balanceThreshold;
        this.pdqsort(mid + 1, b, limit);
        b = mid;
      }
    }
  }

  private partition(a: number, b: number, pivot: number): [number, boolean] {
    this.swap(a, pivot);
    let i = a + 1;
    let j = b - 1;
    while (i <= j && this.less(i, a)) i++;
    while (i <= j && !this.less(j, a)) j--;
    if (i > j) {
      this.swap(j, a);
      return [j, true];
    }
    this.swap(i, j);
    i++;
    j--;
    for (;;) {
      while (i <= j && this.less(i, a)) i++;
      while (i <= j && !this.less(j, a)) j--;
      if (i > j) break;
      this.swap(i, j);
      i++;
      j--;
    }
    this.swap(j, a);
    return [j, false];
  }

  private partitionEqual(a: number, b: number, pivot: number): number {
    this.swap(a, pivot);
    let i = a + 1;
    let j = b - 1;
    for (;;) {
      while (i <= j && !this.less(a, i)) i++;
      while (i <= j && this.less(a, j)) j--;
      if (i > j) break;
      this.swap(i, j);
      i++;
      j--;
    }
    return i;
  }

  private partialInsertionSort(a: number, b: number): boolean {
    const maxSteps = 5;
    const shortestShifting = 50;
    let i = a + 1;
    for (let step = 0; step < maxSteps; step++) {
      while (i < b && !this.less(i, i - 1)) i++;
      if (i === b) return true;
      if (b - a < shortestShifting) return false;
      this.swap(i, i - 1);
      if (i - a >= 2) {
        for (let j = i - 1; j >= 1; j--) {
          if (!this.less(j, j - 1)) break;
          this.swap(j, j - 1);
        }
      }
      if (b - i >= 2) {
        for (let j = i + 1; j < b; j++) {
          if (!this.less(j, j - 1)) break;
          this.swap(j, j - 1);
        }
      }
    }
    return false;
  }

  private breakPatterns(a: number, b: number): void {
    const length = b - a;
    if (length < 8) return;
    let random = BigInt(length);
    const next = () => {
      random = BigInt.asUintN(64, random ^ (random << 13n));
      random ^= random >> 7n;
      random = BigInt.asUintN(64, random ^ (random << 17n));
      return random;
    };
    const modulus = BigInt(2 ** bitLen(length));
    const idx = a + Math.floor(length / 4) * 2 - 1;
    for (let i = 0; i < 3; i++) {
      let other = Number(next() & (modulus - 1n));
      if (other >= length) other -= length;
      this.swap(idx - 1 + i, a + other);
    }
  }

  private choosePivot(a: number, b: number): [number, number] {
    const l = b - a;
    const swaps = { n: 0 };
    let i = a + Math.floor(l / 4);
    let j = a + Math.floor(l / 4) * 2;
    let k = a + Math.floor(l / 4) * 3;
    if (l >= 8) {
      if (l >= 50) {
        i = this.median(i - 1, i, i + 1, swaps);
        j = this.median(j - 1, j, j + 1, swaps);
        k = this.median(k - 1, k, k + 1, swaps);
      }
      j = this.median(i, j, k, swaps);
    }
    if (swaps.n === 0) return [j, INCREASING];
    if (swaps.n === 12) return [j, DECREASING];
    return [j, 0];
  }

  private order2(a: number, b: number, swaps: { n: number }): [number, number] {
    if (this.less(b, a)) {
      swaps.n++;
      return [b, a];
    }
    return [a, b];
  }

  private median(a: number, b: number, c: number, swaps: { n: number }): number {
    [a, b] = this.order2(a, b, swaps);
    [b, c] = this.order2(b, c, swaps);
    [a, b] = this.order2(a, b, swaps);
    return b;
  }

  private reverseRange(a: number, b: number): void {
    for (let i = a, j = b - 1; i < j; i++, j--) this.swap(i, j);
  }
}

/** Go's bits.Len: the number of bits needed to represent n. */
function bitLen(n: number): number {
  return n === 0 ? 0 : Math.floor(Math.log2(n)) + 1;
}
