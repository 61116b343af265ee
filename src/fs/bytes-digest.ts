/**
 * The sha256 of a byte array, remembered by the array object, so that bytes several stages
 * identify are hashed once: a cached chart archive is verified by the chart cache and then keyed
 * by the chart loader (kube-prometheus-stack's is ~0.5 MB; a cold check of bjw-s home-ops hashed
 * its 7 archives, 1.15 MB, twice), and a Git revision's blob is read by many builds.
 *
 * Bytes read from a file or the chart cache are never written to: an array's content is fixed
 * once it is hashed, so the digest stays its own. A caller that fills or changes an array after
 * hashing it must not use this.
 */
import { hash } from "node:crypto";

const digests = new WeakMap<Uint8Array, string>();

/** Lower-case hex sha256 of `bytes`, computed once per array object. */
export function sha256HexOf(bytes: Uint8Array): string {
  let d = digests.get(bytes);
  if (d === undefined) {
    // One shot (crypto.hash): a warm load hashes the few hundred files its builds read, most
    // of them small, where a Hash object cost more than the hashing.
    d = hash("sha256", bytes, "hex");
    digests.set(bytes, d);
  }
  return d;
}
