/**
 * The chart cache's entry files (refs/ and versions/ under charts/, see cache.ts): their JSON,
 * how they are read (a regular file, or a CacheError naming it) and written (atomically).
 */
import * as fs from "node:fs";
import { SlipwayError } from "../errors.js";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { readRegularFile } from "../fs/read-regular.js";
import { storedSource } from "./source-url.js";

export interface ChartRef {
  /**
   * Canonical location: "https://charts.example.com/stable" (HelmRepository, no trailing "/"),
   * "oci://ghcr.io/org/charts" (HelmRepository of type oci; the chart is source + "/" + name),
   * "oci://ghcr.io/org/charts/podinfo" (OCIRepository url; name is its last path segment).
   */
  source: string;
  name: string;
  /** The exact resolved version. */
  version: string;
  /**
   * The slipway.yaml `charts.mirrors` entries that stood between the source and the bytes, and
   * whether they came over plain HTTP (mirrors.ts fetchRoute); absent: fetched from the source
   * itself over TLS. Part of the entry's key.
   */
  mirroredBy?: string;
}

export interface CachedChart extends ChartRef {
  digest: string;
  size: number;
}

/** A cache entry that cannot be trusted (digest mismatch, unreadable or malformed record). */
export class CacheError extends SlipwayError {
  constructor(message: string, file: string) {
    super(message, { file });
    this.name = "CacheError";
  }
}

export const REPAIR = "run `slipway charts pull` to fetch it again (or delete the file)";

/** A refs/ or versions/ entry is a few hundred bytes; a version list of a large index, some MB. */
export const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

/** The entry's text, undefined when there is none; a CacheError when it cannot be read. */
export function readEntry(file: string): string | undefined {
  try {
    return readRegularFile(file).toString("utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CacheError(`cannot read cache entry: ${(e as Error).message}`, file);
  }
}

/** The file's text, undefined when it cannot be read for any reason. */
export function readIfPresent(file: string): string | undefined {
  try {
    return readRegularFile(file).toString("utf8");
  } catch {
    return undefined;
  }
}

/** The `.json` entries of a folder, none when it cannot be listed. */
export function listEntries(folder: string): string[] {
  try {
    return fs.readdirSync(folder).filter((n) => n.endsWith(".json") && !n.startsWith("."));
  } catch {
    return [];
  }
}

/**
 * Temp file in the target's directory, then rename (src/fs/atomic-write.ts): readers never see a
 * partial entry, and a link planted at the temp name in a shared cache is never written through.
 */
export function writeEntry(file: string, content: Uint8Array | string): void {
  writeFileAtomic(
    file,
    typeof content === "string"
      ? content
      : Buffer.from(content.buffer, content.byteOffset, content.byteLength),
    { mode: 0o644 },
  );
}

/** Runs `write`; false when the cache cannot be written (read-only, full, raced away). */
export function tryWrite(write: () => void): boolean {
  try {
    write();
    return true;
  } catch {
    return false;
  }
}

export function encodeRecord(record: CachedChart): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

export function encodeVersions(source: string, name: string, versions: unknown, mirroredBy?: string): string {
  const entry = { source: storedSource(source), name, versions, ...(mirroredBy ? { mirroredBy } : {}) };
  return `${JSON.stringify(entry, null, 2)}\n`;
}

export function decodeRecord(text: string, file: string): CachedChart {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new CacheError(`malformed cache entry (not JSON); ${REPAIR}`, file);
  }
  const r = v as Partial<CachedChart>;
  if (
    typeof r.source !== "string" ||
    typeof r.name !== "string" ||
    typeof r.version !== "string" ||
    typeof r.digest !== "string" ||
    !/^sha256:[0-9a-f]{64}$/.test(r.digest) ||
    typeof r.size !== "number" ||
    (r.mirroredBy !== undefined && typeof r.mirroredBy !== "string")
  ) {
    throw new CacheError(`malformed cache entry; ${REPAIR}`, file);
  }
  const record: CachedChart = {
    source: r.source,
    name: r.name,
    version: r.version,
    digest: r.digest,
    size: r.size,
  };
  if (r.mirroredBy !== undefined) record.mirroredBy = r.mirroredBy;
  return record;
}
