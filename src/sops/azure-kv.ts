/**
 * Azure Key Vault keys as sops names them: `{vaultUrl}/keys/{name}/{version}` (azkv
 * MasterKey.ToString). .sops.yaml writes a key as that URL (`azure_keyvault: URL`, the version
 * may be left out: sops takes the key's latest version when it encrypts) or as an object of
 * vaultUrl, key and version (key_groups); a file's metadata stores vault_url, name and version.
 * One id for all three, so a file and its rule compare.
 */

/** sops' URL pattern (azkv NewMasterKeyFromURL): the version segment is optional. */
const KEY_URL = /^(https:\/\/[^/]+)\/keys\/([^/]+)(?:\/([^/]*))?$/;

export function azureKeyId(vaultUrl: string, name: string, version: string): string {
  return `${vaultUrl.replace(/\/+$/, "")}/keys/${name}/${version}`;
}

/** A .sops.yaml `azure_keyvault` URL as an id; an unparsable one is kept as written. */
export function azureKeyIdFromUrl(url: string): string {
  const trimmed = url.trim();
  const m = KEY_URL.exec(trimmed);
  return m ? azureKeyId(m[1]!, m[2]!, m[3] ?? "") : trimmed;
}

/**
 * Whether the key a rule names (`want`) is the file's key (`have`). A rule without a version
 * means whichever version was the latest when sops encrypted, which only Azure knows: any
 * version of that vault's key is taken as it.
 */
export function azureKeyMatches(want: string, have: string): boolean {
  if (want === have) return true;
  return want.endsWith("/") && want.includes("/keys/") && have.startsWith(want);
}
