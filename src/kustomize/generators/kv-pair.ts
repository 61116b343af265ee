/** One generated key and its raw bytes (files may hold any bytes). */
export interface KvPair {
  key: string;
  value: Buffer;
  /** Read from a decrypted SOPS file (Flux decrypts generator inputs before the build). */
  secret?: boolean;
}
