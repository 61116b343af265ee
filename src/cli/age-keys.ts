import { readFileSync } from "node:fs";
import { errorMessage } from "../errors.js";
import { findAgeIdentities, parseAgeIdentities } from "../sops/index.js";

/**
 * The age identities a command decrypts with: `--age-key-file FILE` when given, else where
 * sops looks (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, ~/.config/sops/age/keys.txt). Returns an
 * error message instead of identities when the file cannot be read.
 */
export function ageIdentitiesFor(keyFile: string | undefined): { identities: string[] } | { error: string } {
  if (keyFile === undefined) return { identities: findAgeIdentities().identities };
  try {
    return { identities: parseAgeIdentities(readFileSync(keyFile, "utf8"), keyFile).identities };
  } catch (e) {
    return { error: `--age-key-file: ${errorMessage(e)}` };
  }
}
