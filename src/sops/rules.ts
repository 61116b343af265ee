import type { GoRegexp } from "../re2.js";
import { goRegex } from "./goregex.js";

/**
 * Which leaves sops encrypts. A file records at most one of these; with none recorded sops
 * reads it as `unencrypted_suffix: _unencrypted`.
 */
export interface SelectionRules {
  unencrypted_suffix?: string;
  encrypted_suffix?: string;
  unencrypted_regex?: string;
  encrypted_regex?: string;
  unencrypted_comment_regex?: string;
  encrypted_comment_regex?: string;
}

export const SELECTION_RULE_NAMES = [
  "unencrypted_suffix",
  "encrypted_suffix",
  "unencrypted_regex",
  "encrypted_regex",
  "unencrypted_comment_regex",
  "encrypted_comment_regex",
] as const;

export const DEFAULT_UNENCRYPTED_SUFFIX = "_unencrypted";

/** Throws when more than one rule is set, as sops does on load and on encrypt. */
export function checkSingleRule(rules: SelectionRules): void {
  const set = SELECTION_RULE_NAMES.filter((n) => rules[n] !== undefined && rules[n] !== "");
  if (set.length > 1) throw new Error(`only one of ${set.join(", ")} may be set`);
}

/** Compiled form of the rules, one RegExp per pattern, built once per file. */
export class LeafSelector {
  private readonly unencryptedRegex?: GoRegexp;
  private readonly encryptedRegex?: GoRegexp;
  private readonly unencryptedCommentRegex?: GoRegexp;
  private readonly encryptedCommentRegex?: GoRegexp;

  constructor(readonly rules: SelectionRules) {
    checkSingleRule(rules);
    if (rules.unencrypted_regex) this.unencryptedRegex = goRegex(rules.unencrypted_regex);
    if (rules.encrypted_regex) this.encryptedRegex = goRegex(rules.encrypted_regex);
    if (rules.unencrypted_comment_regex)
      this.unencryptedCommentRegex = goRegex(rules.unencrypted_comment_regex);
    if (rules.encrypted_comment_regex) this.encryptedCommentRegex = goRegex(rules.encrypted_comment_regex);
  }

  /** `commentsStack`: one frame per enclosing branch/list, the comments seen before this item. */
  shouldEncrypt(path: readonly string[], commentsStack: readonly string[][], isComment: boolean): boolean {
    const r = this.rules;
    let encrypted = true;
    if (r.unencrypted_suffix && path.some((p) => p.endsWith(r.unencrypted_suffix!))) encrypted = false;
    if (r.encrypted_suffix) encrypted = path.some((p) => p.endsWith(r.encrypted_suffix!));
    if (this.unencryptedRegex && path.some((p) => this.unencryptedRegex!.test(p))) encrypted = false;
    if (this.encryptedRegex) encrypted = path.some((p) => this.encryptedRegex!.test(p));
    if (this.unencryptedCommentRegex) {
      if (commentsStack.some((frame) => frame.some((c) => this.unencryptedCommentRegex!.test(c)))) {
        encrypted = false;
      }
    }
    if (this.encryptedCommentRegex) {
      encrypted = false;
      const lastFrame = commentsStack.length - 1;
      outer: for (let i = 0; i < commentsStack.length; i++) {
        const frame = commentsStack[i]!;
        for (let j = 0; j < frame.length; j++) {
          // The marker comment itself stays in clear; only what follows it is encrypted.
          if (isComment && i === lastFrame && j === frame.length - 1) continue;
          if (this.encryptedCommentRegex.test(frame[j]!)) {
            encrypted = true;
            break outer;
          }
        }
      }
    }
    return encrypted;
  }

  /** Guard sops applies on encrypt: an encrypted comment must not look like a clear one. */
  encryptedCommentClashes(encrypted: string): boolean {
    return this.unencryptedCommentRegex?.test(encrypted) ?? false;
  }
}
