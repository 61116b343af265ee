/**
 * Which values of one object are secret, as a set of paths (map keys and list indices).
 * Secret-ness is a property of the model: it is marked where a value enters (a decrypted SOPS
 * value, a Secret's data, a field substituted from a Secret's variable, a decrypted Helm
 * value…), carried along when the value moves, and used to mask by field before anything is
 * printed. A marked path covers everything below it: marking a map marks its keys and values.
 *
 * Paths are kept in a trie; list indices are numbers and map keys strings, so `0` and `"0"`
 * are different segments, exactly like the values they address.
 */
import { isMap, type YamlValue } from "../kustomize/types.js";

export type ValuePath = ReadonlyArray<string | number>;

interface Node {
  /** This node and everything below it are secret. */
  secret: boolean;
  children?: Map<string | number, Node>;
}

export class SecretPaths {
  private readonly root: Node = { secret: false };

  static of(paths: Iterable<ValuePath>): SecretPaths {
    const s = new SecretPaths();
    for (const p of paths) s.add(p);
    return s;
  }

  /** Marks the value at `path` (and all below it) secret. */
  add(path: ValuePath): this {
    let node = this.root;
    for (const seg of path) {
      if (node.secret) return this;
      node.children ??= new Map();
      let next = node.children.get(seg);
      if (!next) {
        next = { secret: false };
        node.children.set(seg, next);
      }
      node = next;
    }
    node.secret = true;
    node.children = undefined;
    return this;
  }

  /** Adds every path of `other`, each prefixed with `at`. */
  addAll(other: SecretPaths | undefined, at: ValuePath = []): this {
    if (!other) return this;
    for (const p of other.paths()) this.add([...at, ...p]);
    return this;
  }

  /** The value at `path` is secret: it or one of its ancestors is marked. */
  covers(path: ValuePath): boolean {
    let node: Node | undefined = this.root;
    for (const seg of path) {
      if (node.secret) return true;
      node = node.children?.get(seg);
      if (!node) return false;
    }
    return node.secret;
  }

  /** The value at `path` holds something secret: it is covered, or a path below it is marked. */
  touches(path: ValuePath): boolean {
    let node: Node | undefined = this.root;
    for (const seg of path) {
      if (node.secret) return true;
      node = node.children?.get(seg);
      if (!node) return false;
    }
    return node.secret || (node.children?.size ?? 0) > 0;
  }

  /** The marks below `prefix`, relative to it (everything when `prefix` itself is covered). */
  under(prefix: ValuePath): SecretPaths {
    const out = new SecretPaths();
    let node: Node | undefined = this.root;
    for (const seg of prefix) {
      if (node.secret) return out.add([]);
      node = node.children?.get(seg);
      if (!node) return out;
    }
    copyInto(node, out.root);
    return out;
  }

  /** A copy without the marks below `prefix` (its value was replaced by something not secret). */
  without(prefix: ValuePath): SecretPaths {
    const out = this.clone();
    if (prefix.length === 0) return new SecretPaths();
    let node: Node | undefined = out.root;
    for (const seg of prefix.slice(0, -1)) {
      if (!node || node.secret) return out;
      node = node.children?.get(seg);
    }
    node?.children?.delete(prefix[prefix.length - 1]!);
    return out;
  }

  isEmpty(): boolean {
    return !this.root.secret && (this.root.children?.size ?? 0) === 0;
  }

  /** Every marked path (the shortest ones: nothing below a marked path is listed). */
  paths(): ValuePath[] {
    const out: ValuePath[] = [];
    const walk = (node: Node, at: Array<string | number>) => {
      if (node.secret) {
        out.push([...at]);
        return;
      }
      for (const [seg, child] of node.children ?? []) walk(child, [...at, seg]);
    };
    walk(this.root, []);
    return out;
  }

  clone(): SecretPaths {
    const out = new SecretPaths();
    copyInto(this.root, out.root);
    return out;
  }

  /** Only the marks that still address a value of `value` (a list shrank, a key went away). */
  existingIn(value: YamlValue): SecretPaths {
    return SecretPaths.of(this.paths().filter((p) => valueAt(value, p) !== undefined));
  }
}

function copyInto(from: Node, to: Node): void {
  to.secret = from.secret;
  if (from.secret || !from.children) return;
  to.children = new Map();
  for (const [seg, child] of from.children) {
    const copy: Node = { secret: false };
    copyInto(child, copy);
    to.children.set(seg, copy);
  }
}

/** The value at `path`, or undefined when there is none. */
export function valueAt(value: YamlValue | undefined, path: ValuePath): YamlValue | undefined {
  let cur = value;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === "number") cur = cur[seg];
    else if (isMap(cur) && typeof seg === "string" && Object.hasOwn(cur, seg)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

/** Merges marks, treating undefined as none; returns undefined when there are none at all. */
export function unionSecrets(...sets: Array<SecretPaths | undefined>): SecretPaths | undefined {
  let out: SecretPaths | undefined;
  for (const s of sets) {
    if (!s || s.isEmpty()) continue;
    out = out ? out.addAll(s) : s.clone();
  }
  return out;
}
