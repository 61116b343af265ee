/**
 * Where charts come from: a directory or a `.tgz`, read into files and loaded (loader.ts), with
 * loaded charts cached by content so that rendering many releases of one chart loads it once.
 *
 * Directories are read as Helm's DirLoader reads them (pkg/chart/v2/loader/directory.go): a
 * lexical walk, the chart's `.helmignore` (plus the default `templates/.?*`) applied to paths
 * relative to the chart root, a UTF-8 BOM removed, files over 5 MiB refused. Helm follows
 * symbolic links anywhere; Slipway follows them only while they stay inside the chart directory,
 * so a chart cannot make it read other files of the machine.
 */

import * as nodeFs from "node:fs";
import * as path from "node:path";
import { sha256HexOf } from "../fs/bytes-digest.js";
import type { FileSystem } from "../fs/filesystem.js";
import { RACY_MS } from "../fs/racy-window.js";
import { readOpened } from "../fs/read-regular.js";
import type { ArchiveIndexStore } from "./archive-index.js";
import type { Chart, ChartFile } from "./chart.js";
import { IgnoreRules } from "./helmignore.js";
import {
  ChartLoadError,
  chartDigest,
  checkChartBase,
  DeferredChartFile,
  GzipHeaderError,
  loadChartArchiveBytes,
  loadChartFiles,
  MAX_CHART_TREE_SIZE,
  MAX_FILE_SIZE,
  readChartArchive,
  textOf,
  type ValuesReader,
} from "./loader.js";
import { detectContentType } from "./sniff.js";
import { readValuesDocuments } from "./yaml.js";

/** What the directory walk needs to know of a file system. */
export interface ChartDirReader {
  /** entry names of a directory */
  readDir(p: string): string[];
  /** "other" for sockets, devices and the like; undefined when the path does not exist */
  stat(p: string): { kind: "file" | "dir" | "other"; size: number } | undefined;
  readFile(p: string): Uint8Array;
  /** the path with symbolic links resolved (absent: the file system has none) */
  realPath?(p: string): string;
  /**
   * Entry names of a directory with what each one is, without following links (optional): the
   * walk then resolves and stats only the symbolic links instead of every file.
   */
  readDirTyped?(p: string): { name: string; kind: "file" | "dir" | "link" | "other" }[];
  /**
   * A file's bytes now, or its size and a function that reads them when first needed (optional):
   * large files are then read only if something uses them (DeferredChartFile).
   */
  readFileDeferred?(p: string): Uint8Array | { size: number; read(): Uint8Array };
}

/** The local disk. */
export const diskReader: ChartDirReader = {
  readDir: (p) => nodeFs.readdirSync(p),
  stat: (p) => {
    try {
      const st = nodeFs.statSync(p);
      return { kind: st.isDirectory() ? "dir" : st.isFile() ? "file" : "other", size: st.size };
    } catch {
      return undefined;
    }
  },
  readFile: (p) => nodeFs.readFileSync(p),
  realPath: (p) => nodeFs.realpathSync(p),
  readDirTyped: (p) =>
    nodeFs.readdirSync(p, { withFileTypes: true }).map((d) => ({
      name: d.name,
      kind: d.isSymbolicLink() ? "link" : d.isDirectory() ? "dir" : d.isFile() ? "file" : "other",
    })),
};

/** Slipway's FileSystem (a Git revision, an in-memory tree): links resolved, sizes checked. */
export function fileSystemReader(fs: FileSystem): ChartDirReader {
  return {
    readDir: (p) => fs.readDir(p),
    stat: (p) => {
      if (fs.isDirectory(p)) return { kind: "dir", size: 0 };
      if (!fs.exists(p)) return undefined;
      return { kind: "file", size: fs.size(p) };
    },
    readFile: (p) => fs.readFile(p),
    realPath: (p) => fs.realPath(p),
  };
}

/** Go's sort.Strings: byte order of UTF-8. */
function byteOrder(a: string, b: string): number {
  // UTF-16 order is UTF-8 byte order unless a surrogate meets a code unit above it.
  if (/[\ud800-\uffff]/.test(a) || /[\ud800-\uffff]/.test(b)) {
    return Buffer.compare(Buffer.from(a), Buffer.from(b));
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * path.join of a normalized directory and one of its entries' names (never "", ".", ".." nor
 * holding a "/"), which is their concatenation: path.join normalizes its result character by
 * character, in code that runs uncompiled in a fresh process (~3 ms of kube-prometheus-stack's
 * 350 files, two joins each).
 */
function joinEntry(dir: string, name: string): string {
  return dir.endsWith("/") ? `${dir}${name}` : `${dir}/${name}`;
}

/** Helm's error for a chart file that is not a regular file (a FIFO, a device, a socket). */
function irregular(file: string): ChartLoadError {
  return new ChartLoadError(`cannot load irregular file ${file} as it has file mode type bits set`, { file });
}

function within(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith("/") ? root : `${root}/`);
}

function tooLarge(name: string, file: string): ChartLoadError {
  return new ChartLoadError(`chart file "${name}" is larger than the maximum file size ${MAX_FILE_SIZE}`, {
    file,
  });
}

/** A file's bytes as the chart holds them: within the size limit, a UTF-8 BOM removed. */
function checkedBytes(data: Uint8Array, name: string, file: string): Uint8Array {
  if (data.length > MAX_FILE_SIZE) throw tooLarge(name, file);
  return data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? data.subarray(3) : data;
}

/** The files of a chart directory, as Helm's DirLoader collects them. */
export function readChartDir(dir: string, reader: ChartDirReader = diskReader): ChartFile[] {
  const top = path.resolve(dir);
  if (reader.stat(top)?.kind !== "dir")
    throw new ChartLoadError(`'${dir}' is not a chart directory`, { file: dir });
  const chartYaml = path.join(top, "Chart.yaml");
  const chartYamlStat = reader.stat(chartYaml);
  if (chartYamlStat?.kind !== "file") {
    const why =
      chartYamlStat === undefined
        ? `open ${chartYaml}: no such file or directory`
        : `read ${chartYaml}: is a directory`;
    throw new ChartLoadError(`unable to detect chart at ${chartYaml}: ${why}`, { file: chartYaml });
  }
  checkChartBase(reader.readFile(chartYaml), chartYaml);
  const realTop = reader.realPath ? reader.realPath(top) : top;
  let rules: IgnoreRules;
  const ignoreFile = path.join(top, ".helmignore");
  try {
    rules = IgnoreRules.parse(
      reader.stat(ignoreFile)?.kind === "file" ? textOf(reader.readFile(ignoreFile)) : "",
    );
  } catch (e) {
    throw new ChartLoadError((e as Error).message, { file: ignoreFile });
  }
  const files: ChartFile[] = [];
  // realDir: the directory's path with links resolved, when known (the walk knows it for every
  // directory it reached through plain entries: its parent's real path plus its name).
  const walk = (abs: string, rel: string, realDir: string | undefined) => {
    const entries = reader.readDirTyped
      ? reader.readDirTyped(abs)
      : reader.readDir(abs).map((name) => ({ name, kind: undefined }));
    entries.sort((a, b) => byteOrder(a.name, b.name));
    for (const entry of entries) {
      const name = entry.name;
      const childAbs = joinEntry(abs, name);
      const childRel = rel === "" ? name : `${rel}/${name}`;
      let real: string | undefined;
      if (reader.realPath) {
        if (realDir !== undefined && entry.kind !== undefined && entry.kind !== "link") {
          real = joinEntry(realDir, name);
        } else {
          try {
            real = reader.realPath(childAbs);
          } catch {
            throw new ChartLoadError(`error evaluating symlink ${childAbs}: no such file or directory`, {
              file: childAbs,
            });
          }
          if (!within(realTop, real)) {
            throw new ChartLoadError(
              `${childRel} is a symbolic link to ${real}, outside the chart directory`,
              { file: childAbs },
            );
          }
        }
      }
      // A plain file or directory needs no stat; a link (or an untyped entry) is stat'ed.
      const plain = entry.kind !== undefined && entry.kind !== "link";
      const st = plain ? { kind: entry.kind as "file" | "dir" | "other", size: 0 } : reader.stat(childAbs);
      if (!st) throw new ChartLoadError(`cannot read ${childAbs}`, { file: childAbs });
      if (st.kind === "dir") {
        if (rules.ignores(childRel, true)) continue;
        walk(childAbs, childRel, real);
        continue;
      }
      if (rules.ignores(childRel, false)) continue;
      if (st.kind === "other") throw irregular(childAbs);
      // The size of a plain file is checked once read (its stat is skipped).
      if (st.size > MAX_FILE_SIZE) throw tooLarge(name, childAbs);
      const got = reader.readFileDeferred ? reader.readFileDeferred(childAbs) : reader.readFile(childAbs);
      if (got instanceof Uint8Array) files.push({ name: childRel, data: checkedBytes(got, name, childAbs) });
      else {
        if (got.size > MAX_FILE_SIZE) throw tooLarge(name, childAbs);
        files.push(new DeferredChartFile(childRel, () => checkedBytes(got.read(), name, childAbs)));
      }
    }
  };
  walk(top, "", realTop);
  return files;
}

/** Loaded charts by the digest of their files: one load per distinct chart per process. */
const loaded = new Map<string, Chart>();
const MAX_CACHED_CHARTS = 256;

function remember(key: string, chart: Chart): Chart {
  if (loaded.size >= MAX_CACHED_CHARTS) loaded.delete(loaded.keys().next().value as string);
  loaded.set(key, chart);
  return chart;
}

/**
 * The last files read from each chart directory and the chart they loaded: a directory read
 * again with the same files byte for byte (compared, which is far cheaper than digesting
 * kube-prometheus-stack's 6.7 MB once more) is the same chart.
 */
const lastReadOfDir = new Map<string, { files: ChartFile[]; chart: Chart }>();
const MAX_REMEMBERED_DIRS = 64;

function sameFiles(a: readonly ChartFile[], b: readonly ChartFile[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as ChartFile;
    const y = b[i] as ChartFile;
    if (x === y) continue;
    if (x.name !== y.name) return false;
    if (x.data !== y.data && !Buffer.from(x.data.buffer, x.data.byteOffset, x.data.byteLength).equals(y.data))
      return false;
  }
  return true;
}

/**
 * What a file or directory's stat says of its contents (Git's index keeps the same). Times are
 * Node's millisecond floats (microsecond precision), not nanosecond BigInts, whose conversion cost
 * ~20 ms of kube-prometheus-stack's 350 files: a walk is kept only when nothing in it changed in
 * the last seconds (RACY_MS), so any later change moves a change time by far more than that.
 */
interface StatStamp {
  path: string;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

function stampOf(p: string): StatStamp | undefined {
  const st = nodeFs.statSync(p, { throwIfNoEntry: false });
  if (st === undefined) return undefined;
  return { path: p, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
}

/**
 * Files at least this large are read when first used (DeferredChartFile), not by the walk:
 * kube-prometheus-stack's sixteen files over 64 KiB hold 5.6 MB of its 7 MB, its templates and
 * values files read anyway a few of them; its ~330 smaller files would each cost a second open.
 */
const DEFER_MIN_BYTES = 64 * 1024;

/**
 * A file's bytes (or, for a large file, its size and a deferred read) and its stamp, taken from
 * the open file before reading it: the one fstat gives the stamp and the size to read (no stat
 * by path, and not the second fstat readFileSync makes of a descriptor). Opening every file at
 * the walk keeps its errors (a file that cannot be opened) where Helm's reader fails. Opened
 * non-blocking: the walk types entries from the listing, and a FIFO put at a file's name since
 * then must not block the open; anything but a regular file is refused as the walk refuses it.
 */
function readStamped(p: string): {
  data: Uint8Array | { size: number; read(): Uint8Array };
  stamp: StatStamp;
} {
  const fd = nodeFs.openSync(p, nodeFs.constants.O_RDONLY | nodeFs.constants.O_NONBLOCK);
  try {
    const st = nodeFs.fstatSync(fd);
    if (!st.isFile()) throw irregular(p);
    const stamp = { path: p, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
    if (st.size >= DEFER_MIN_BYTES)
      return { data: { size: st.size, read: () => nodeFs.readFileSync(p) }, stamp };
    return { data: readOpened(fd, st.size), stamp };
  } finally {
    nodeFs.closeSync(fd);
  }
}

function sameStamp(a: StatStamp): boolean {
  const b = stampOf(a.path);
  return (
    b !== undefined &&
    b.ino === a.ino &&
    b.size === a.size &&
    b.mtimeMs === a.mtimeMs &&
    b.ctimeMs === a.ctimeMs
  );
}

/**
 * Chart directories read from the disk, with the stat of every directory walked and file read:
 * while none changed, the files are the same and a new walk (a readdir per directory, four
 * system calls and a copy per file: a sixth of an app-template release) is skipped. Stamps
 * are taken before reading (a file's from its open descriptor), so a change during the read
 * shows at the next check. Like Git's "racy" entries, a walk that saw anything modified in the
 * last seconds (timestamps are only as fine as the kernel's clock tick) or a symbolic link (its
 * target is not stamped) is not kept. Every walk is stamped, the first one too: a file's stamp
 * comes with its read, so a second release of a chart only stats its files where it used to
 * read them all again and compare them with the first read (and a process that reads a chart
 * once pays a stat per directory).
 */
const walkedDirs = new Map<string, { stamps: StatStamp[]; files: ChartFile[] }>();
const MAX_WALKED_DIRS = 64;

function readChartDirStamped(dir: string): ChartFile[] {
  const key = path.resolve(dir);
  const known = walkedDirs.get(key);
  if (known?.stamps.every(sameStamp)) return known.files;
  const stamps: StatStamp[] = [];
  let trusted = true;
  const recording: ChartDirReader = {
    ...diskReader,
    readDirTyped: (p) => {
      const st = stampOf(p);
      if (st === undefined) trusted = false;
      else stamps.push(st);
      const entries = (diskReader.readDirTyped as NonNullable<ChartDirReader["readDirTyped"]>)(p);
      if (entries.some((e) => e.kind === "link")) trusted = false;
      return entries;
    },
    readFileDeferred: (p) => {
      const { data, stamp } = readStamped(p);
      stamps.push(stamp);
      return data;
    },
  };
  const files = readChartDir(dir, recording);
  const recent = Date.now() - RACY_MS;
  if (trusted && stamps.every((st) => st.mtimeMs < recent && st.ctimeMs < recent)) {
    if (walkedDirs.size >= MAX_WALKED_DIRS) walkedDirs.delete(walkedDirs.keys().next().value as string);
    walkedDirs.set(key, { stamps, files });
  } else {
    walkedDirs.delete(key);
  }
  return files;
}

/**
 * The files of a chart directory: from the disk through the stamped walk above (unchanged
 * directories are not read again), from any other reader as they are now.
 */
export function chartDirFiles(dir: string, reader: ChartDirReader = diskReader): ChartFile[] {
  return reader === diskReader ? readChartDirStamped(dir) : readChartDir(dir, reader);
}

/**
 * A chart directory (`helm template NAME ./dir`). `readValues` reads its values.yaml files (the
 * same values whatever reads them: a chart loaded before in this process is taken as it is).
 */
export function loadChartDir(
  dir: string,
  reader: ChartDirReader = diskReader,
  readValues: ValuesReader = readValuesDocuments,
): Chart {
  return loadChartDirFiles(dir, chartDirFiles(dir, reader), reader, readValues);
}

/**
 * loadChartDir on the files chartDirFiles read from `dir` with `reader` (a caller that needed the
 * files first: `helm template` keys its output cache by their digest before loading anything).
 * With `byDigest` false the files are not digested to find the same chart loaded from elsewhere
 * (`helm template` renders one chart, and hashing kube-prometheus-stack's 6.7 MB cost ~5 ms of
 * its run when no cache asked for the digest); the chart's digest is computed if read.
 */
export function loadChartDirFiles(
  dir: string,
  files: ChartFile[],
  reader: ChartDirReader = diskReader,
  readValues: ValuesReader = readValuesDocuments,
  { byDigest = true }: { byDigest?: boolean } = {},
): Chart {
  const prefix = `${dir.replace(/\/+$/, "")}/`;
  const dirKey = `${path.resolve(dir)}\0${prefix}`;
  const last = reader === diskReader ? lastReadOfDir.get(dirKey) : undefined;
  if (last !== undefined && sameFiles(last.files, files)) return last.chart;
  let chart: Chart;
  if (byDigest) {
    const digest = chartDigest(files);
    chart = loaded.get(digest) ?? remember(digest, loadChartFiles(files, prefix, digest, readValues));
  } else chart = loadChartFiles(files, prefix, undefined, readValues);
  if (reader === diskReader) {
    if (lastReadOfDir.size >= MAX_REMEMBERED_DIRS)
      lastReadOfDir.delete(lastReadOfDir.keys().next().value as string);
    lastReadOfDir.set(dirKey, { files, chart });
  }
  return chart;
}

/** A chart archive (`helm template NAME chart-1.0.0.tgz`). */
export function loadChartArchive(
  file: string,
  reader: ChartDirReader = diskReader,
  readValues: ValuesReader = readValuesDocuments,
): Chart {
  const st = reader.stat(file);
  if (!st) throw new ChartLoadError(`stat ${file}: no such file or directory`, { file });
  if (st.kind === "dir") throw new ChartLoadError("cannot load a directory", { file });
  const bytes = reader.readFile(file);
  const isGzip = bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08;
  if (!isGzip) {
    if (file.endsWith(".yml") || file.endsWith(".yaml")) {
      throw new ChartLoadError(`file '${file}' seems to be a YAML file, but expected a gzipped archive`, {
        file,
      });
    }
    throw new ChartLoadError(
      `file '${file}' does not appear to be a gzipped archive; got '${detectContentType(bytes.subarray(0, 512))}'`,
      { file },
    );
  }
  const key = archiveKey(bytes);
  const known = loaded.get(key);
  if (known !== undefined) return known;
  // pkg/chart/loader.LoadFile: of the archive's failures only gzip's header error is named.
  const budget = { remaining: MAX_CHART_TREE_SIZE };
  let files: ChartFile[];
  try {
    files = readChartArchive(bytes, file, budget);
  } catch (e) {
    if (e instanceof GzipHeaderError) {
      throw new ChartLoadError(
        `file '${file}' does not appear to be a valid chart file (details: ${e.message})`,
        {
          file,
        },
      );
    }
    throw new ChartLoadError("unable to load chart archive", { file, cause: e });
  }
  const chartYaml = files.find((f) => f.name === "Chart.yaml");
  if (chartYaml === undefined)
    throw new ChartLoadError("unable to detect chart version, no Chart.yaml found", { file });
  checkChartBase(chartYaml.data, `${file}:Chart.yaml`);
  // The archive's digest is the chart's: known now, whereas a digest of its files would hash
  // them all again when first read (kube-prometheus-stack's are 5 MB).
  return remember(key, loadChartFiles(files, `${file}:`, key, readValues, budget));
}

// By the array (bytes-digest.ts): the chart cache hands over the very bytes it verified with the
// same digest, so an archive from the cache is hashed once, not twice.
const archiveKey = (bytes: Uint8Array) => `tgz:${sha256HexOf(bytes)}`;

/** How a chart archive in memory is read when its reader keeps things between runs. */
export interface ArchiveReadOptions {
  /** Where the tar index of the archive with this sha256 is kept (archive-index.ts). */
  indexOf?: (sha256: string) => ArchiveIndexStore;
  /** The reader of its values.yaml files (persisted-values.ts). */
  readValues?: ValuesReader;
}

/** A chart archive already in memory (issue 12's chart cache hands these over). */
export function loadChartArchiveFromBytes(
  bytes: Uint8Array,
  name = "<archive>",
  opts: ArchiveReadOptions = {},
): Chart {
  return cachedArchive(bytes, name, opts.readValues, opts.indexOf);
}

function cachedArchive(
  bytes: Uint8Array,
  name: string,
  readValues?: ValuesReader,
  indexOf?: (sha256: string) => ArchiveIndexStore,
): Chart {
  const key = archiveKey(bytes);
  const known = loaded.get(key);
  if (known !== undefined) return known;
  const index = indexOf?.(sha256HexOf(bytes));
  return remember(key, loadChartArchiveBytes(bytes, name, readValues, undefined, key, index));
}

/** `helm template`'s CHART argument: a directory or an archive on disk. */
export function loadChart(
  ref: string,
  reader: ChartDirReader = diskReader,
  readValues: ValuesReader = readValuesDocuments,
): Chart {
  const st = reader.stat(ref);
  if (!st) {
    throw new ChartLoadError(
      `path "${ref}" not found (Slipway renders local charts: a directory or a .tgz; fetch remote ones first)`,
      { file: ref },
    );
  }
  return st.kind === "dir"
    ? loadChartDir(ref, reader, readValues)
    : loadChartArchive(ref, reader, readValues);
}
