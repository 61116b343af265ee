import * as nodeFs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isUsableAgeIdentity, looksLikeAgeIdentity } from "./age-identity.js";

/**
 * Finding the user's age identities the way sops does: `SOPS_AGE_KEY` (the keys themselves),
 * `SOPS_AGE_KEY_FILE`, and the default `keys.txt` under the user config dir (honouring
 * `XDG_CONFIG_HOME`). All sources found are combined. Errors never quote key material.
 */

export interface AgeIdentities {
  /** `AGE-SECRET-KEY-1…` / `AGE-SECRET-KEY-PQ-1…` strings. Secrets: never print them. */
  identities: string[];
  /** Where keys were found, for messages (`SOPS_AGE_KEY`, a file path…). */
  sources: string[];
  /** Problems with a source (unreadable file, bad line); the other sources still count. */
  problems: string[];
}

export interface IdentityEnvironment {
  env?: NodeJS.ProcessEnv;
  homeDir?: string;
  platform?: NodeJS.Platform;
  readFile?: (p: string) => string;
  exists?: (p: string) => boolean;
}

/**
 * Identities in a key file or in `SOPS_AGE_KEY`; blank and `#` lines are skipped. A line that
 * is not a usable identity is reported by origin and line number, never by content, and the
 * other lines still count (sops rejects the whole source instead).
 */
export function parseAgeIdentities(
  text: string,
  origin: string,
): { identities: string[]; problems: string[] } {
  const identities: string[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((rawLine, n) => {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) return;
    // One problem of a kind per line: a line of several words (a JSON or YAML key file) would
    // otherwise say "line 1: not an age identity" once per word.
    const said = new Set<string>();
    const problem = (text: string) => {
      if (!said.has(text)) problems.push(text);
      said.add(text);
    };
    for (const word of line.split(/\s+/)) {
      if (isUsableAgeIdentity(word)) identities.push(word);
      else if (looksLikeAgeIdentity(word))
        problem(`${origin}: line ${n + 1}: not a usable age identity (its checksum or length is wrong)`);
      else if (word.startsWith("AGE-PLUGIN-"))
        problem(`${origin}: line ${n + 1}: age plugin identities are not supported`);
      else problem(`${origin}: line ${n + 1}: not an age identity`);
    }
  });
  return { identities, problems };
}

/** `$XDG_CONFIG_HOME/sops/age/keys.txt`, else the platform's user config dir. */
export function defaultAgeKeyFile(envIn: IdentityEnvironment = {}): string {
  const env = envIn.env ?? process.env;
  const home = envIn.homeDir ?? env.HOME ?? os.homedir();
  const platform = envIn.platform ?? process.platform;
  let configDir = env.XDG_CONFIG_HOME;
  if (!configDir) {
    if (platform === "darwin") configDir = path.join(home, "Library", "Application Support");
    else if (platform === "win32")
      configDir = env.AppData ?? env.APPDATA ?? path.join(home, "AppData", "Roaming");
    else configDir = path.join(home, ".config");
  }
  return path.join(configDir, "sops", "age", "keys.txt");
}

export function findAgeIdentities(envIn: IdentityEnvironment = {}): AgeIdentities {
  const env = envIn.env ?? process.env;
  const readFile = envIn.readFile ?? ((p: string) => nodeFs.readFileSync(p, "utf8"));
  const exists = envIn.exists ?? ((p: string) => nodeFs.existsSync(p));
  const result: AgeIdentities = { identities: [], sources: [], problems: [] };
  const add = (text: string, origin: string) => {
    const parsed = parseAgeIdentities(text, origin);
    if (parsed.identities.length > 0) result.sources.push(origin);
    result.identities.push(...parsed.identities);
    result.problems.push(...parsed.problems);
  };
  if (env.SOPS_AGE_KEY) add(env.SOPS_AGE_KEY, "SOPS_AGE_KEY");
  if (env.SOPS_AGE_KEY_FILE) {
    try {
      add(readFile(env.SOPS_AGE_KEY_FILE), env.SOPS_AGE_KEY_FILE);
    } catch (err) {
      result.problems.push(
        `SOPS_AGE_KEY_FILE ${env.SOPS_AGE_KEY_FILE}: ${(err as NodeJS.ErrnoException).code ?? "unreadable"}`,
      );
    }
  }
  const defaultFile = defaultAgeKeyFile(envIn);
  if (exists(defaultFile)) {
    try {
      add(readFile(defaultFile), defaultFile);
    } catch (err) {
      result.problems.push(`${defaultFile}: ${(err as NodeJS.ErrnoException).code ?? "unreadable"}`);
    }
  }
  result.identities = [...new Set(result.identities)];
  return result;
}
