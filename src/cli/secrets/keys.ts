import * as fs from "node:fs";
import { SlipwayError } from "../../errors.js";
import { findAgeIdentities, parseAgeIdentities } from "../../sops/index.js";

/** The age identities a `slipway secrets` run decrypts with. Secrets: never print them. */
export interface RunIdentities {
  identities: string[];
  /** Where they came from (`SOPS_AGE_KEY`, file paths), for messages and `status`. */
  sources: string[];
  /** Unreadable sources and bad lines, reported as warnings; never contain key material. */
  problems: string[];
}

/**
 * `--age-key-file FILE` replaces the keys sops would find, so that `status --age-key-file
 * prod.agekey` answers "can this key decrypt?" without the user's own keys.txt joining in.
 * Without it, keys are found as sops finds them (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, keys.txt).
 */
export function runIdentities(ageKeyFile: string | undefined): RunIdentities {
  if (ageKeyFile === undefined) return findAgeIdentities();
  let text: string;
  try {
    text = fs.readFileSync(ageKeyFile, "utf8");
  } catch (err) {
    throw new SlipwayError(`cannot read age key file: ${(err as NodeJS.ErrnoException).code ?? "error"}`, {
      file: ageKeyFile,
    });
  }
  const parsed = parseAgeIdentities(text, ageKeyFile);
  if (parsed.identities.length === 0) {
    throw new SlipwayError("no age identity (AGE-SECRET-KEY-1…) in this file", { file: ageKeyFile });
  }
  return { identities: parsed.identities, sources: [ageKeyFile], problems: parsed.problems };
}
