/**
 * Slipway's SOPS library: read and write files in the format of the real `sops` (3.3 → 3.13),
 * with age keys, entirely in memory. Format details: ../shared/vectors/sops/SPEC.md.
 *
 * Decrypt
 *   decryptSops(input: Buffer | string, opts?: DecryptOptions): Promise<DecryptedSops>
 *   decryptFile(file: string, opts?): Promise<DecryptedSops>
 *     opts: { file?, format?, identities?: string[], dataKey?, ignoreMac? }
 *     identities default to findAgeIdentities(); a file with several recipients decrypts with
 *     any one of them. Errors are SlipwayError naming the file: "encrypted for PGP/KMS only;
 *     no age recipient", no identity / no matching identity, "MAC check failed: …".
 *   plaintextBytes(d, stores?): Buffer           the plaintext file (sops decrypt output)
 *   plaintextValues(d): YamlValue[]               one plain value per document
 *   maskedDocuments(d, masker): YamlValue[]       documents with the encrypted values masked
 *
 * Encrypt (following .sops.yaml creation_rules, or an explicit rule)
 *   encryptSops(plain, opts?: EncryptOptions): Promise<Buffer>
 *     opts: { file?, format?, rule?, config? (SopsConfig | null), dataKey?, iv?: IvSource,
 *             now?: Date, version?, stores? }   dataKey/iv/now are injectable for tests
 *   reencryptEdited(d, editedPlain, opts?): Buffer   edit round trip: unchanged values keep
 *     their ciphertext; no change at all returns the original bytes
 *
 * Key management
 *   updateKeys(input, opts?): Promise<{ output, changed, added, removed }>
 *   rotateDataKey(input, opts?): Promise<Buffer>     new data key, all values re-encrypted
 *   sopsStatus(input, opts?): Promise<SopsFileStatus> recipients, canDecrypt, config match
 *
 * Keys and config
 *   findAgeIdentities(env?): { identities, sources, problems }  SOPS_AGE_KEY,
 *     SOPS_AGE_KEY_FILE, $XDG_CONFIG_HOME/sops/age/keys.txt (~/.config/… by default)
 *   parseAgeIdentities(text, origin), defaultAgeKeyFile(env?)
 *   findSopsConfig(dir), loadSopsConfig(dir), parseSopsConfig(text, file?),
 *   selectCreationRule(config, file), ruleForRecipients(recipients, rules?)
 *
 * Helpers for rendering
 *   isSopsEncrypted(doc: YamlValue): boolean
 *   createSecretMasker(runKey?): SecretMasker   mask(v) → "<masked:sha256:1a2b3c4d>" (HMAC
 *     under a per-run key: stable within a run, not reversible), maskAll(v)
 *   maskSecretValues(doc, masker?): YamlValue
 *   formatFromPath(path): SopsFormat, isEncryptedString(s), holdsEncryptedValue(text) (an ENC
 *   value anywhere in a file's text: a SOPS file that lost its metadata when it has none)
 *
 * Never log decrypted trees or values: every message here names paths and files only.
 */

export { holdsEncryptedValue, type IvSource, isEncryptedString, randomIv } from "./aes.js";
export { AGE_SECRET_KEY, isAgeRecipient } from "./age.js";
export {
  type CreationRule,
  findSopsConfig,
  loadSopsConfig,
  parseSopsConfig,
  ruleForRecipients,
  type SopsConfig,
  selectCreationRule,
} from "./config.js";
export { NO_AGE_RECIPIENT } from "./datakey.js";
export {
  type DecryptedSops,
  type DecryptOptions,
  decryptFile,
  decryptSops,
  plaintextBytes,
  plaintextValues,
} from "./decrypt.js";
export { type EncryptOptions, encryptSops } from "./encrypt.js";
export {
  type AgeIdentities,
  defaultAgeKeyFile,
  findAgeIdentities,
  parseAgeIdentities,
} from "./identities.js";
export {
  type KeyUpdateOptions,
  type KeyUpdateResult,
  type ReencryptOptions,
  type RotateOptions,
  reencryptEdited,
  rotateDataKey,
  type SopsFileStatus,
  type StatusOptions,
  sopsStatus,
  updateKeys,
} from "./manage.js";
export {
  createSecretMasker,
  isSopsEncrypted,
  maskedDocuments,
  maskSecretValues,
  type SecretMasker,
} from "./mask.js";
export type { KeyGroup, MasterKey, SopsMetadata } from "./metadata.js";
export type { SelectionRules } from "./rules.js";
export { formatFromPath, type SopsFormat, type StoreOptions } from "./store.js";
