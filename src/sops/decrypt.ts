import { SlipwayError } from "../errors.js";
import type { YamlValue } from "../kustomize/types.js";
import { decryptValue } from "./aes.js";
import { type CiphertextStash, decryptTree, normalizeRfc3339, ValueDecryptError } from "./crypt.js";
import { recoverDataKey } from "./datakey.js";
import { findAgeIdentities } from "./identities.js";
import type { SopsMetadata } from "./metadata.js";
import { toYamlValue } from "./plain.js";
import { emitPlain, formatForFile, loadEncrypted, type SopsFormat, type StoreOptions } from "./store.js";
import { Branch, type TreeBranches } from "./tree.js";

/** Decrypting a sops file in memory. Nothing here writes or logs plaintext. */

export interface DecryptOptions {
  /** Path of the file: names it in errors and picks the format when `format` is not given. */
  file?: string;
  format?: SopsFormat;
  /** age identities; default: found like sops does (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, keys.txt). */
  identities?: readonly string[];
  /** Use this data key instead of unwrapping one (tests, or a key recovered earlier). */
  dataKey?: Uint8Array;
  /** Skip the MAC check, as Flux's kustomize-controller does for resources kustomize rewrote. */
  ignoreMac?: boolean;
}

export interface DecryptedSops {
  file?: string;
  format: SopsFormat;
  metadata: SopsMetadata;
  /** The file as read (ciphertexts), without the metadata. */
  encryptedBranches: TreeBranches;
  /** The decrypted tree, comments included. Secret: never log. */
  branches: TreeBranches;
  dataKey: Uint8Array;
  /** Whether the MAC was checked (false with ignoreMac) — a checked mismatch throws. */
  macVerified: boolean;
  /** AAD-form paths (`stringData:password:`) of values that were stored encrypted. */
  encryptedPaths: Set<string>;
  /** Original ciphertexts, so an unchanged value re-encrypts to the same text. */
  stash: CiphertextStash;
  /** The file's original bytes, returned unchanged by an edit that changes nothing. */
  original: Buffer;
}

export async function decryptSops(input: Buffer | string, opts: DecryptOptions = {}): Promise<DecryptedSops> {
  const file = opts.file;
  const format = formatForFile(file, opts.format);
  const original = typeof input === "string" ? Buffer.from(input, "utf8") : input;
  const { branches, metadata } = loadEncrypted(original, format, file);
  const dataKey =
    opts.dataKey ?? (await recoverDataKey(metadata, opts.identities ?? findAgeIdentities().identities, file));
  let decrypted: ReturnType<typeof decryptTree>;
  try {
    decrypted = decryptTree(
      branches,
      dataKey,
      format === "binary" ? {} : metadata.rules,
      metadata.macOnlyEncrypted,
      () => branchAads(branches),
    );
  } catch (err) {
    if (err instanceof ValueDecryptError) throw new SlipwayError(err.message, { file });
    throw new SlipwayError((err as Error).message, { file });
  }
  if (!opts.ignoreMac) verifyMac(metadata, dataKey, decrypted.mac, file);
  return {
    file,
    format,
    metadata,
    encryptedBranches: branches,
    branches: decrypted.branches,
    dataKey,
    macVerified: !opts.ignoreMac,
    encryptedPaths: decrypted.encryptedPaths,
    stash: decrypted.stash,
    original,
  };
}

function verifyMac(md: SopsMetadata, dataKey: Uint8Array, computed: string, file: string | undefined): void {
  if (!md.mac) throw new SlipwayError("MAC check failed: the file has no MAC (sops.mac is empty)", { file });
  let aad: string;
  try {
    aad = normalizeRfc3339(md.lastmodified);
  } catch (err) {
    throw new SlipwayError((err as Error).message, { file });
  }
  let stored: unknown;
  try {
    stored = decryptValue(md.mac, dataKey, aad);
  } catch {
    throw new SlipwayError("MAC check failed: sops.mac does not decrypt (MAC or lastmodified was changed)", {
      file,
    });
  }
  if (stored !== computed) {
    throw new SlipwayError(
      "MAC check failed: the file's values do not match its MAC (the file was changed outside sops)",
      {
        file,
      },
    );
  }
}

/** Every branch path in the documents, in AAD form, for comments placed ambiguously. */
function branchAads(branches: TreeBranches): string[] {
  const out = new Set<string>([":"]);
  const visit = (b: Branch, prefix: string[]) => {
    for (const it of b.items) {
      if ("key" in it && it.value instanceof Branch) {
        const p = [...prefix, it.key];
        out.add(`${p.join(":")}:`);
        visit(it.value, p);
      } else if ("key" in it) out.add(`${[...prefix, it.key].join(":")}:`);
    }
  };
  for (const b of branches) visit(b, []);
  return [...out];
}

/** The plaintext file, in its own format (sops decrypt's output). Secret: never log. */
export function plaintextBytes(d: DecryptedSops, opts: StoreOptions = {}): Buffer {
  return emitPlain(d.branches, d.format, opts);
}

/** The decrypted documents as plain values (one per YAML document). Secret: never log. */
export function plaintextValues(d: DecryptedSops): YamlValue[] {
  return d.branches.map((b) => toYamlValue(b));
}

/** Convenience for reading a file from disk. */
export async function decryptFile(
  file: string,
  opts: Omit<DecryptOptions, "file"> = {},
): Promise<DecryptedSops> {
  const { readFileSync } = await import("node:fs");
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new SlipwayError(`cannot read: ${(err as NodeJS.ErrnoException).code ?? "error"}`, { file });
  }
  return decryptSops(bytes, { ...opts, file });
}
