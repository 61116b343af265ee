/** One generated key and its raw bytes (files may hold any bytes). */
export interface KvPair {
  key: string;
  value: Buffer;
}
