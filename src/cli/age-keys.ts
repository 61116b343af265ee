import { readFileSync } from "node:fs";
import { errorMessage } from "../errors.js";
import { findAgeIdentities, parseAgeIdentities } from "../sops/identities.js";

/**
 * The age identities a command decrypts with: `--age-key-file FILE` when given, else where
 * sops looks (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, ~/.config/sops/age/keys.txt). Returns an
 * error message instead of identities when the file cannot be read. Lines that are not usable
 * identities come back as `problems` (origin and line number only, never key material) and
 * are printed as warnings by `ageIdentitiesOrWarn`; the usable identities still work.
 */
export function ageIdentitiesFor(
  keyFile: string | undefined,
): { identities: string[]; problems: string[] } | { error: string } {
  if (keyFile === undefined) {
    const found = findAgeIdentities();
    return { identities: found.identities, problems: found.problems };
  }
  let text: string;
  try {
    text = readFileSync(keyFile, "utf8");
  } catch (e) {
    return { error: `--age-key-file: ${errorMessage(e)}` };
  }
  return parseAgeIdentities(text, keyFile);
}

/** `ageIdentitiesFor` with each problem written to stderr as a warning of `command`. */
export function ageIdentitiesOrWarn(
  command: string,
  keyFile: string | undefined,
): { identities: string[] } | { error: string } {
  const keys = ageIdentitiesFor(keyFile);
  if ("error" in keys) return keys;
  for (const p of keys.problems) process.stderr.write(`slipway ${command}: warning: ${p}\n`);
  return { identities: keys.identities };
}
