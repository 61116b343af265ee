import type * as Age from "age-encryption";

// Loaded at the first encryption or decryption: a run that decrypts nothing (most checks and
// renders) never pays for the library and its post-quantum tables (~10-20 ms of a fresh process).
let age: Promise<typeof Age> | undefined;
const loadAge = (): Promise<typeof Age> => (age ??= import("age-encryption"));

/**
 * age wrapping of the data key, as sops does it: one armored age file per recipient, whose
 * payload is the raw data key (or the key group's Shamir share).
 */

export function isAgeRecipient(s: string): boolean {
  return /^age1[0-9a-z]+$/.test(s);
}

/** An age identity as age-keygen writes it (bech32, upper-case), or lower-cased. */
export const AGE_SECRET_KEY = /AGE-SECRET-KEY-(?:PQ-)?1[0-9A-Z]{20,}/i;

/**
 * What stands for an age secret key written where a recipient belongs (`.sops.yaml`'s `age:`,
 * `--age`): a private key pasted by mistake. It is never a recipient, and never printed: every
 * message that names recipients names this instead.
 */
export const WITHHELD_SECRET_KEY = "<an age secret key, withheld>";

/**
 * sops lists recipients comma-separated, each trimmed; empty entries are dropped. An entry that
 * begins like an age secret key, even cut short, is WITHHELD_SECRET_KEY rather than printed.
 */
export function splitRecipients(list: string): string[] {
  return list
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => (/^AGE-SECRET-KEY-/i.test(s) ? WITHHELD_SECRET_KEY : s));
}

export async function wrapForRecipient(dataKey: Uint8Array, recipient: string): Promise<string> {
  if (recipient.startsWith("ssh-")) {
    throw new Error(`age recipient ${recipient.slice(0, 11)}…: SSH recipients are not supported`);
  }
  // `age1…` with a second `1` (after the HRP) and not one of the built-in types is an age plugin.
  if (
    !/^age1(pq1|tag1|tagpq1)?[0-9a-z]+$/.test(recipient) ||
    (/^age1[a-z]+1/.test(recipient) && !/^age1(pq|tag|tagpq)1/.test(recipient))
  ) {
    throw new Error(
      `"${recipient}" is not a supported age recipient (X25519 age1… or post-quantum age1pq1…)`,
    );
  }
  const { armor, Encrypter } = await loadAge();
  const e = new Encrypter();
  e.addRecipient(recipient);
  return armor.encode(await e.encrypt(dataKey));
}

/**
 * Unwraps with any of the identities. Returns undefined when none of them is a recipient of
 * this entry (the normal case for a file with several recipients).
 */
export async function unwrapWithIdentities(
  enc: string,
  identities: readonly string[],
): Promise<Uint8Array | undefined> {
  if (identities.length === 0) return undefined;
  const { armor, Decrypter } = await loadAge();
  let file: Uint8Array;
  try {
    file = armor.decode(enc);
  } catch {
    throw new Error("age entry is not a valid armored age file");
  }
  const d = new Decrypter();
  let usable = 0;
  for (const id of identities) {
    // An identity age rejects is skipped (its error quotes the key); parseAgeIdentities
    // already reported it by file and line.
    try {
      d.addIdentity(id);
      usable++;
    } catch {}
  }
  if (usable === 0) return undefined;
  try {
    return await d.decrypt(file);
  } catch (err) {
    const msg = (err as Error).message ?? "";
    if (/no identity matched/i.test(msg)) return undefined;
    throw new Error(`age decryption failed: ${msg}`);
  }
}

/** The recipient (`age1…`) of an identity, for status reports. */
export async function recipientOf(identity: string): Promise<string> {
  const { identityToRecipient } = await loadAge();
  try {
    return await identityToRecipient(identity);
  } catch {
    throw new Error("not a usable age identity (its checksum or length is wrong)");
  }
}
