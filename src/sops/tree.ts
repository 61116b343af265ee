/**
 * The ordered document tree sops works on. Keys stay in order and comments are items of the
 * tree, because both the MAC (values in order) and the AAD (key path) depend on that shape;
 * plain JS objects would reorder integer-like keys and lose int64 precision.
 */

/**
 * A comment line (text after the `#`, leading space kept). `inline`: it followed a value on the
 * value's own line (`password: x # note`); sops keeps such a comment there since v3.13.0
 * (stores/yaml/store.go, `Comment.Inline`), where older versions moved it above the key. It sits
 * before its key in the tree all the same, so the walk, the AADs and the MAC do not change.
 */
export class Comment {
  constructor(
    readonly text: string,
    readonly inline = false,
  ) {}
}

/** A YAML timestamp, kept as the RFC 3339 text sops writes for it (`type:time`). */
export class SopsTime {
  constructor(readonly text: string) {}
}

/**
 * A Go byte string that is not valid UTF-8 (binary files, `!!binary`): kept as bytes so the
 * MAC and the ciphertext see exactly the original bytes. Encrypted as `type:str` like sops.
 */
export class ByteString {
  constructor(readonly bytes: Buffer) {}
}

/** int → bigint (int64), float → number, so `3` and `3.0` keep their sops types. */
export type Scalar = string | bigint | number | boolean | ByteString | SopsTime;
export type TreeValue = Scalar | null | Branch | Sequence;

export interface TreeItem {
  key: string;
  value: TreeValue;
}

/** A mapping. Comment items sit between the key/value items, in document order. */
export class Branch {
  constructor(readonly items: Array<TreeItem | Comment> = []) {}

  get(key: string): TreeValue | undefined {
    for (const item of this.items) if (!(item instanceof Comment) && item.key === key) return item.value;
    return undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
}

export class Sequence {
  constructor(readonly items: Array<TreeValue | Comment> = []) {}
}

/** One branch per YAML document; every other format has exactly one. */
export type TreeBranches = Branch[];

export function isScalar(v: TreeValue): v is Scalar {
  return v !== null && !(v instanceof Branch) && !(v instanceof Sequence);
}

/** Deep structural equality (comments included), used to tell an edit with no change. */
export function treeEqual(a: TreeValue | Comment, b: TreeValue | Comment): boolean {
  if (a instanceof Comment || b instanceof Comment) {
    return a instanceof Comment && b instanceof Comment && a.text === b.text && a.inline === b.inline;
  }
  if (a instanceof Branch || b instanceof Branch) {
    if (!(a instanceof Branch && b instanceof Branch) || a.items.length !== b.items.length) return false;
    return a.items.every((x, i) => {
      const y = b.items[i]!;
      if (x instanceof Comment || y instanceof Comment) return treeEqual(x as Comment, y as Comment);
      return x.key === y.key && treeEqual(x.value, y.value);
    });
  }
  if (a instanceof Sequence || b instanceof Sequence) {
    if (!(a instanceof Sequence && b instanceof Sequence) || a.items.length !== b.items.length) return false;
    return a.items.every((x, i) => treeEqual(x, b.items[i]!));
  }
  if (a instanceof ByteString || b instanceof ByteString) {
    return a instanceof ByteString && b instanceof ByteString && a.bytes.equals(b.bytes);
  }
  if (a instanceof SopsTime || b instanceof SopsTime) {
    return a instanceof SopsTime && b instanceof SopsTime && a.text === b.text;
  }
  if (typeof a === "number" && typeof b === "number") return Object.is(a, b) || a === b;
  return a === b;
}
