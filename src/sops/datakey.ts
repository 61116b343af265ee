import { SlipwayError } from "../errors.js";
import { unwrapWithIdentities, wrapForRecipient } from "./age.js";
import type { AgeKey, KeyGroup, MasterKey, SopsMetadata } from "./metadata.js";
import { shamirCombine, shamirSplit } from "./shamir.js";

/** Recovering the data key from the age entries, and wrapping it for new key groups. */

export const NO_AGE_RECIPIENT = "encrypted for PGP/KMS only; no age recipient";

export function ageRecipientsOf(md: SopsMetadata): string[] {
  return md.keyGroups.flatMap((g) => g.filter((k): k is AgeKey => k.type === "age").map((k) => k.recipient));
}

export function otherKeysOf(md: SopsMetadata): Array<{ type: string; id: string }> {
  return md.keyGroups.flatMap((g) =>
    g.filter((k) => k.type !== "age").map((k) => ({ type: k.type, id: "id" in k ? k.id : "" })),
  );
}

/**
 * The data key from the first age entry of the group an identity opens. Like sops (keyErrs in
 * getDataKeyWithKeyServices), an entry that fails (a corrupt stanza, left by a bad merge) is
 * passed over for the next one; the first failure is reported only when none opens.
 */
async function unwrapGroup(group: KeyGroup, identities: readonly string[]): Promise<Uint8Array | undefined> {
  let failure: unknown;
  for (const k of group) {
    if (k.type !== "age") continue;
    try {
      const key = await unwrapWithIdentities(k.enc, identities);
      if (key) return key;
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure !== undefined) throw failure;
  return undefined;
}

/** Throws a SlipwayError naming the file and saying why no key could be recovered. */
export async function recoverDataKey(
  md: SopsMetadata,
  identities: readonly string[],
  file: string | undefined,
): Promise<Uint8Array> {
  const ageRecipients = ageRecipientsOf(md);
  if (ageRecipients.length === 0) {
    const others = [...new Set(otherKeysOf(md).map((k) => k.type))];
    const detail = others.length > 0 ? ` (master keys: ${others.join(", ")})` : " (no master keys at all)";
    throw new SlipwayError(`${NO_AGE_RECIPIENT}${detail}`, { file });
  }
  if (identities.length === 0) {
    throw new SlipwayError(
      "no age identity available to decrypt this file (set SOPS_AGE_KEY_FILE or SOPS_AGE_KEY, or put keys in ~/.config/sops/age/keys.txt)",
      { file },
    );
  }
  let parts: Uint8Array[];
  try {
    parts = [];
    for (const group of md.keyGroups) {
      const part = await unwrapGroup(group, identities);
      if (part) parts.push(part);
      if (md.keyGroups.length === 1 && part) break;
    }
  } catch (err) {
    throw new SlipwayError((err as Error).message, { file });
  }
  if (md.keyGroups.length <= 1) {
    if (parts.length === 0) {
      throw new SlipwayError(
        `none of the available age identities is a recipient of this file (recipients: ${ageRecipients.join(", ")})`,
        { file },
      );
    }
    return checkKey(parts[0]!, 32, file);
  }
  const threshold = md.shamirThreshold ?? md.keyGroups.length;
  if (parts.length < threshold || parts.length < 2) {
    throw new SlipwayError(
      `the available age identities unlock ${parts.length} of ${md.keyGroups.length} key groups; ${threshold} are needed`,
      { file },
    );
  }
  try {
    return checkKey(shamirCombine(parts), 32, file);
  } catch (err) {
    throw new SlipwayError(`could not combine the key group shares: ${(err as Error).message}`, { file });
  }
}

function checkKey(key: Uint8Array, length: number, file: string | undefined): Uint8Array {
  if (key.length !== length)
    throw new SlipwayError(`recovered data key has ${key.length} bytes, expected ${length}`, { file });
  return key;
}

/** A recipient of a key group as configured: age recipients we can wrap for, other keys we can only keep. */
export interface PlannedKey {
  type: MasterKey["type"];
  id: string;
}

/**
 * Wraps `dataKey` for each planned group (Shamir-splitting it over several groups). Existing
 * entries for the same key are reused when the group's share does not change, so unchanged
 * recipients keep their ciphertext. Non-age keys can only be kept, never created.
 */
export async function wrapKeyGroups(
  dataKey: Uint8Array,
  planned: PlannedKey[][],
  threshold: number | undefined,
  existing: SopsMetadata | undefined,
  reuseExisting: boolean,
): Promise<{ keyGroups: KeyGroup[]; shamirThreshold?: number }> {
  if (planned.length === 0 || planned.every((g) => g.length === 0))
    throw new Error("no recipients to encrypt for");
  let shares: Uint8Array[];
  let shamirThreshold: number | undefined;
  if (planned.length === 1) shares = [dataKey];
  else {
    shamirThreshold = threshold && threshold > 0 ? threshold : planned.length;
    shares = shamirSplit(dataKey, planned.length, shamirThreshold);
  }
  const keyGroups: KeyGroup[] = [];
  for (let g = 0; g < planned.length; g++) {
    // Entries can only be kept when they wrap the whole data key (one group, same key).
    const old =
      reuseExisting && planned.length === 1 && existing?.keyGroups.length === 1
        ? existing.keyGroups[0]
        : undefined;
    const group: KeyGroup = [];
    for (const p of planned[g]!) {
      const prior = old?.find((k) => k.type === p.type && (k.type === "age" ? k.recipient : k.id) === p.id);
      if (prior) {
        group.push(prior);
        continue;
      }
      if (p.type !== "age") {
        throw new Error(
          `cannot encrypt for ${p.type} key ${p.id}: Slipway writes age recipients only (keep it by running the real sops)`,
        );
      }
      group.push({ type: "age", recipient: p.id, enc: await wrapForRecipient(shares[g]!, p.id) });
    }
    keyGroups.push(group);
  }
  return shamirThreshold ? { keyGroups, shamirThreshold } : { keyGroups };
}
