import { createHash } from "node:crypto";
import { decryptValue, encryptValue, type IvSource, isEncryptedString } from "./aes.js";
import { LeafSelector, type SelectionRules } from "./rules.js";
import { Comment, type Scalar, type TreeBranches } from "./tree.js";
import { sopsTypeOf, valueBytes } from "./values.js";
import { aadFor, mapLeaves } from "./walk.js";

/**
 * Encrypting and decrypting a whole tree, computing the MAC on the way (SHA-512 over the
 * plaintext values in walk order, uppercase hex).
 */

/** sha256("sops"): prefix of the MAC when only encrypted values are hashed. */
const MAC_ONLY_ENCRYPTED_INIT = createHash("sha256").update("sops").digest();

function newMacHash(macOnlyEncrypted: boolean) {
  const h = createHash("sha512");
  if (macOnlyEncrypted) h.update(MAC_ONLY_ENCRYPTED_INIT);
  return h;
}

/**
 * Ciphertexts of a decrypted file by (aad, type, plaintext): re-encrypting an unchanged value
 * gives back its original ciphertext, so an edit only changes what the user changed.
 */
export type CiphertextStash = Map<string, string>;

export function stashKey(aad: string, value: Scalar | Comment): string {
  return `${aad}\u0000${sopsTypeOf(value)}\u0000${valueBytes(value).toString("hex")}`;
}

export interface DecryptedTree {
  branches: TreeBranches;
  mac: string;
  stash: CiphertextStash;
  /** Paths (AAD form) of values that were stored encrypted; used for masking. */
  encryptedPaths: Set<string>;
}

export class ValueDecryptError extends Error {}

export function decryptTree(
  branches: TreeBranches,
  key: Uint8Array,
  rules: SelectionRules,
  macOnlyEncrypted: boolean,
  commentAads: () => string[],
): DecryptedTree {
  const selector = new LeafSelector(rules);
  const h = newMacHash(macOnlyEncrypted);
  const stash: CiphertextStash = new Map();
  const encryptedPaths = new Set<string>();
  const out = mapLeaves(branches, (leaf, path, stack) => {
    const isComment = leaf instanceof Comment;
    const encrypted = selector.shouldEncrypt(path, stack, isComment);
    let v: Scalar | Comment = leaf;
    if (encrypted) {
      const aad = aadFor(path);
      if (isComment) {
        v = decryptComment(leaf, key, aad, commentAads, stash);
      } else if (typeof leaf === "string") {
        try {
          v = decryptValue(leaf, key, aad);
        } catch (err) {
          throw new ValueDecryptError(`could not decrypt the value at ${aad}: ${(err as Error).message}`);
        }
        if (leaf !== "") {
          stash.set(stashKey(aad, v), leaf);
          encryptedPaths.add(aad);
        }
      } else {
        throw new ValueDecryptError(`the value at ${aad} should be encrypted but is stored in clear`);
      }
    }
    if ((!macOnlyEncrypted || encrypted) && !(v instanceof Comment)) h.update(valueBytes(v));
    return v;
  });
  return { branches: out, mac: h.digest("hex").toUpperCase(), stash, encryptedPaths };
}

/**
 * A comment that does not decrypt is kept as it is (sops does the same: files may hold clear
 * comments). Where our YAML reader placed a comment in another branch than go-yaml would,
 * the other branch paths of the document are tried as AAD too.
 */
function decryptComment(
  c: Comment,
  key: Uint8Array,
  aad: string,
  otherAads: () => string[],
  stash: CiphertextStash,
): Comment {
  if (!isEncryptedString(c.text)) return c;
  for (const candidate of [aad, ...otherAads().filter((a) => a !== aad)]) {
    try {
      const v = decryptValue(c.text, key, candidate);
      const out = v instanceof Comment ? v : new Comment(String(v));
      stash.set(stashKey(aad, out), c.text);
      return out;
    } catch {
      // try the next candidate
    }
  }
  return c;
}

export interface EncryptTreeOptions {
  iv: IvSource;
  stash?: CiphertextStash;
}

export function encryptTree(
  branches: TreeBranches,
  key: Uint8Array,
  rules: SelectionRules,
  macOnlyEncrypted: boolean,
  opts: EncryptTreeOptions,
): { branches: TreeBranches; mac: string } {
  const selector = new LeafSelector(rules);
  const h = newMacHash(macOnlyEncrypted);
  const out = mapLeaves(branches, (leaf, path, stack) => {
    const isComment = leaf instanceof Comment;
    const encrypted = selector.shouldEncrypt(path, stack, isComment);
    if ((!macOnlyEncrypted || encrypted) && !isComment) h.update(valueBytes(leaf));
    if (!encrypted) return leaf;
    const aad = aadFor(path);
    if (isComment && isEncryptedString(leaf.text)) return leaf; // already encrypted (kept verbatim on decrypt)
    const reused = opts.stash?.get(stashKey(aad, leaf));
    const enc = reused ?? encryptValue(leaf, key, aad, opts.iv);
    if (isComment) {
      if (selector.encryptedCommentClashes(enc)) {
        throw new Error(
          "an encrypted comment matches unencrypted_comment_regex; choose a regex that cannot match ENC[...]",
        );
      }
      return new Comment(enc);
    }
    return enc;
  });
  return { branches: out, mac: h.digest("hex").toUpperCase() };
}

/** sops' MAC AAD: lastmodified re-formatted as Go RFC 3339 (no fraction, `Z` for UTC). */
export function normalizeRfc3339(ts: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(ts);
  if (!m) throw new Error(`lastmodified ${JSON.stringify(ts)} is not an RFC 3339 time`);
  const zone = m[3]!.toUpperCase() === "Z" || m[3] === "+00:00" || m[3] === "-00:00" ? "Z" : m[3]!;
  return `${m[1]}T${m[2]}${zone}`;
}

/** `time.Now().UTC().Format(time.RFC3339)`. */
export function rfc3339Now(now: Date = new Date()): string {
  return `${now.toISOString().slice(0, 19)}Z`;
}
