import { GoRegexp } from "../re2.js";

/**
 * Go RE2 patterns as written in `.sops.yaml` and in file metadata (`path_regex`,
 * `encrypted_regex`, …), compiled with Go's syntax and matched in linear time: the file
 * metadata comes from the repository, so a crafted pattern must not hang a run.
 */
export function goRegex(pattern: string): GoRegexp {
  try {
    return GoRegexp.compile(pattern);
  } catch (err) {
    throw new Error(`regex ${JSON.stringify(pattern)} is not valid: ${(err as Error).message}`);
  }
}
