/**
 * Where each file of a chart archive lies in its decompressed tar stream, kept between runs by
 * the archive's digest (persisted-archive-index.ts), so that a fresh process reading an archive
 * it has read before slices the files out of the stream instead of running tar's parser over it:
 * for bjw-s home-ops' 7 cached archives (9.3 MB of tar) the parser cost more than gunzip, and
 * loading tar's module a few ms more.
 *
 * An index is recorded only by a read that accepted every entry (readChartArchive fails on
 * anything Helm refuses), so it holds what that read gave: each file's name after Helm's path
 * checks, and the offset and length of its bytes in the stream (before the byte order mark is
 * dropped). The stream is a function of the archive, the archive of its digest: an index names
 * the same bytes in every process. The per-archive and per-tree size checks are applied again
 * as the files are sliced, since a chart tree's budget is the caller's.
 */

/** `[name, offset, length]` of each file kept, in archive order. */
export type TarIndexEntry = [name: string, offset: number, length: number];

export interface TarIndex {
  /** The length of the decompressed stream the offsets are into. */
  tarLength: number;
  files: TarIndexEntry[];
}

/** An archive's stored index (read) and where a read that has none records it (write). */
export interface ArchiveIndexStore {
  read(): TarIndex | undefined;
  write(index: TarIndex): void;
}

/**
 * Where `data` lies in `tar` when it is a view of it (node-tar hands out a file's bytes as a
 * view of the stream written to it in one piece); undefined when it is not.
 */
export function offsetIn(tar: Uint8Array, data: Uint8Array): number | undefined {
  if (data.buffer !== tar.buffer) return undefined;
  const offset = data.byteOffset - tar.byteOffset;
  return offset >= 0 && offset + data.length <= tar.length ? offset : undefined;
}

/** True when `index` is one of `tar`: every file within the stream. */
export function indexFits(index: TarIndex, tar: Uint8Array): boolean {
  return (
    index.tarLength === tar.length &&
    index.files.every(([, offset, length]) => offset >= 0 && length >= 0 && offset + length <= tar.length)
  );
}

/** Decodes a stored index; undefined when it is anything else. */
export function decodeTarIndex(body: unknown): TarIndex | undefined {
  const b = body as { tarLength?: unknown; files?: unknown } | undefined;
  if (typeof b !== "object" || b === null || !Number.isSafeInteger(b.tarLength) || !Array.isArray(b.files))
    return undefined;
  for (const e of b.files as unknown[])
    if (
      !Array.isArray(e) ||
      e.length !== 3 ||
      typeof e[0] !== "string" ||
      !Number.isSafeInteger(e[1]) ||
      !Number.isSafeInteger(e[2])
    )
      return undefined;
  return { tarLength: b.tarLength as number, files: b.files as TarIndexEntry[] };
}
