/**
 * Files → Chart, as Helm 4.1.4 builds a chart from its files (pkg/chart/v2/loader/load.go
 * LoadFiles, pkg/chart/loader/archive LoadArchiveFiles): pure, no I/O. The directory and archive
 * adapters (chart-source.ts) produce the files.
 *
 * - Chart.yaml becomes the metadata (apiVersion defaults to v1), `requirements.yaml` adds
 *   dependencies (v1 charts also keep it as a file), Chart.lock/requirements.lock are read,
 *   `values.yaml` holds the defaults, `values.schema.json` the schema, `templates/*` the templates;
 *   everything else is a file for `.Files` (crds/ included), `charts/*.prov` too.
 * - `charts/<name>/…` is a subchart directory and `charts/<name>.tgz` an archive; names starting
 *   with `_` or `.` are skipped; any other entry of charts/ must be a chart (Helm fails otherwise).
 * - chart.Metadata.Validate: apiVersion, name, version (semver) required, type application or
 *   library, aliases `^[a-zA-Z0-9_-]+$`, no two dependencies with one name or alias.
 */

import { createHash } from "node:crypto";
import { SlipwayError } from "../errors.js";
import { tarModule, zlibModule } from "../fs/lazy-modules.js";
import { parseVersion } from "../semver/index.js";
import { GZIP_INVALID_HEADER, goGzipFailure, goTarFailure } from "./archive-errors.js";
import { type ArchiveIndexStore, indexFits, offsetIn, type TarIndexEntry } from "./archive-index.js";
import {
  type Chart,
  ChartDecodeError,
  type ChartDependency,
  type ChartFile,
  type ChartMetadata,
  checkLockDecodes,
  decodeChartBaseApiVersion,
  decodeMetadataInto,
  emptyMetadata,
} from "./chart.js";
import { slogLine } from "./slog.js";
import { GoMap } from "./template/value.js";
import { readRawYaml, readValuesBytes, readValuesDocuments, YamlError, yamlText } from "./yaml.js";

/** Helm's archive.MaxDecompressedChartSize (100 MiB) and MaxDecompressedFileSize (5 MiB). */
export const MAX_CHART_SIZE = 100 * 1024 * 1024;
export const MAX_FILE_SIZE = 5 * 1024 * 1024;
/**
 * Slipway's limit for a chart with every archive nested in it. Helm checks MAX_CHART_SIZE per
 * archive, and a 100 KB subchart archive can hold that much: a small chart of small subchart
 * archives would decompress to gigabytes. Real charts with their subcharts are a few MB.
 */
export const MAX_CHART_TREE_SIZE = 2 * MAX_CHART_SIZE;

/** What the archives of one chart tree may still decompress to (shared by its subcharts). */
export interface ArchiveBudget {
  remaining: number;
}

export class ChartLoadError extends SlipwayError {}

/** Go's gzip.ErrHeader: the one archive failure a top-level chart archive names in detail. */
export class GzipHeaderError extends ChartLoadError {}

// The loader removed one BOM from the bytes already; Go's string(data) keeps any other.
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

export function textOf(data: Uint8Array): string {
  return utf8.decode(data);
}

/**
 * A chart file whose bytes are read when first asked for: chart-source.ts defers the large files
 * of a chart directory, which its templates mostly never look at (kube-prometheus-stack's crds/,
 * 4.5 MB of its 7 MB, are printed only with --include-crds). Reading them cost ~5-10 ms of every
 * `helm template` of it. The read happens once; anything that needs the bytes (`.Files`, a
 * digest, --include-crds) reads them then.
 */
export class DeferredChartFile implements ChartFile {
  private bytes: Uint8Array | undefined;
  constructor(
    readonly name: string,
    private readonly read: () => Uint8Array,
  ) {}

  get data(): Uint8Array {
    this.bytes ??= this.read();
    return this.bytes;
  }

  /** The same file under another name (as its subchart sees it), sharing the one read. */
  renamed(name: string): DeferredChartFile {
    return new DeferredChartFile(name, () => this.data);
  }
}

/** `f` under another name, its bytes still unread if they were. */
function renamed(f: ChartFile, name: string): ChartFile {
  return f instanceof DeferredChartFile ? f.renamed(name) : { name, data: f.data };
}

const ALIAS_NAME = /^[a-zA-Z0-9_-]+$/;
// Go's unicode.IsSpace (White_Space) and unicode.IsPrint (L, M, N, P, S and ' ').
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
const GO_PRINT = /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u;

/**
 * chart.sanitizeString: spaces become ' ', other unprintable characters are dropped. ASCII is
 * answered without the Unicode classes, whose first use compiles them (~2 ms of a fresh
 * process: a multi-line description is enough to get here).
 */
export function sanitize(s: string): string {
  if (/^[\x20-\x7e]*$/.test(s)) return s;
  let out = "";
  for (const c of s) {
    const code = c.charCodeAt(0);
    if (code < 0x80) {
      if (code === 0x20 || (code >= 0x09 && code <= 0x0d)) out += " ";
      else if (code > 0x20 && code < 0x7f) out += c;
    } else if (GO_SPACE.test(c)) out += " ";
    else if (GO_PRINT.test(c)) out += c;
  }
  return out;
}

function validationError(message: string, file: string): never {
  throw new ChartLoadError(`validation: ${message}`, { file });
}

/** chart.Metadata.Validate (sanitizes in place, as Helm does). */
function validateMetadata(md: ChartMetadata, where: string): void {
  md.name = sanitize(md.name);
  md.description = sanitize(md.description);
  md.home = sanitize(md.home);
  md.icon = sanitize(md.icon);
  md.condition = sanitize(md.condition);
  md.tags = sanitize(md.tags);
  md.appVersion = sanitize(md.appVersion);
  md.kubeVersion = sanitize(md.kubeVersion);
  md.sources = md.sources.map(sanitize);
  md.keywords = md.keywords.map(sanitize);
  if (md.apiVersion === "") validationError("chart.metadata.apiVersion is required", where);
  if (md.name === "") validationError("chart.metadata.name is required", where);
  if (md.name === "." || md.name === "..")
    validationError(`chart.metadata.name "${md.name}" is not allowed`, where);
  if (md.name.includes("/") || md.name === "")
    validationError(`chart.metadata.name "${md.name}" is invalid`, where);
  if (md.version === "") validationError("chart.metadata.version is required", where);
  try {
    parseVersion(md.version);
  } catch {
    validationError(`chart.metadata.version "${md.version}" is invalid`, where);
  }
  if (!["", "application", "library"].includes(md.type)) {
    validationError("chart.metadata.type must be application or library", where);
  }
  for (const m of md.maintainers) {
    if (m === null) validationError("maintainers must not contain empty or null nodes", where);
    m.name = sanitize(m.name);
    m.email = sanitize(m.email);
    m.url = sanitize(m.url);
  }
  const seen = new Set<string>();
  for (const d of md.dependencies) {
    if (d === null) validationError("dependencies must not contain empty or null nodes", where);
    d.name = sanitize(d.name);
    d.version = sanitize(d.version);
    d.repository = sanitize(d.repository);
    d.condition = sanitize(d.condition);
    d.tags = d.tags.map(sanitize);
    if (d.alias !== "" && !ALIAS_NAME.test(d.alias)) {
      validationError(`dependency "${d.name}" has disallowed characters in the alias`, where);
    }
    const key = d.alias !== "" ? d.alias : d.name;
    if (seen.has(key)) validationError(`more than one dependency with name or alias "${key}"`, where);
    seen.add(key);
  }
}

function decodeYamlFile(f: ChartFile, what: string, chartPath: string, into: ChartMetadata): void {
  const where = `${chartPath}${f.name}`;
  try {
    decodeMetadataInto(readRawYaml(yamlText(f.data, where), where), into);
  } catch (e) {
    if (e instanceof YamlError) {
      throw new ChartLoadError(`cannot load ${what}: error converting YAML to JSON: ${e.message}`, {
        file: e.file,
        line: e.line,
        column: e.column,
      });
    }
    if (e instanceof ChartDecodeError)
      throw new ChartLoadError(`cannot load ${what}: ${e.message}`, { file: where });
    throw e;
  }
}

function checkLock(f: ChartFile, what: string, chartPath: string): void {
  const where = `${chartPath}${f.name}`;
  try {
    checkLockDecodes(readRawYaml(yamlText(f.data, where), where));
  } catch (e) {
    if (e instanceof YamlError) {
      throw new ChartLoadError(`cannot load ${what}: error converting YAML to JSON: ${e.message}`, {
        file: e.file,
        line: e.line,
      });
    }
    if (e instanceof ChartDecodeError)
      throw new ChartLoadError(`cannot load ${what}: ${e.message}`, { file: where });
    throw e;
  }
}

// pkg/chart/v2/loader/load.go logs these (log.Printf, an INFO line under Helm 4's slog).
const REQUIREMENTS_WARNING =
  'Warning: Dependencies are handled in Chart.yaml since apiVersion "v2". We recommend migrating dependencies to Chart.yaml.';
const REQUIREMENTS_LOCK_WARNING =
  'Warning: Dependency locking is handled in Chart.lock since apiVersion "v2". We recommend migrating to Chart.lock.';

/**
 * pkg/chart/loader.LoadDir / LoadFile: before loading a top-level chart, Helm reads the
 * apiVersion of its Chart.yaml to choose a loader: v1, v2 or none load as v2 charts, v3 as a
 * v3 chart (which `helm template` then refuses: action.Install.Run's "invalid chart apiVersion"),
 * anything else fails.
 */
export function checkChartBase(data: Uint8Array, where: string): void {
  let apiVersion: string;
  try {
    apiVersion = decodeChartBaseApiVersion(readRawYaml(yamlText(data, where), where));
  } catch (e) {
    if (e instanceof YamlError) {
      throw new ChartLoadError(`cannot load Chart.yaml: error converting YAML to JSON: ${e.message}`, {
        file: e.file,
        line: e.line,
        column: e.column,
      });
    }
    if (e instanceof ChartDecodeError)
      throw new ChartLoadError(`cannot load Chart.yaml: ${e.message}`, { file: where });
    throw e;
  }
  if (!["v1", "v2", "v3", ""].includes(apiVersion)) {
    throw new ChartLoadError("unsupported chart version", { file: where });
  }
}

/** A digest of a chart's files (names and bytes, in name order). */
// A directory read again while unchanged gives the same files array (chart-source.ts), so its
// digest is asked for again and again: by every release that locates the chart.
const digests = new WeakMap<readonly ChartFile[], string>();

export function chartDigest(files: readonly ChartFile[]): string {
  const known = digests.get(files);
  if (known !== undefined) return known;
  const digest = digestOf(files);
  digests.set(files, digest);
  return digest;
}

function digestOf(files: readonly ChartFile[]): string {
  const h = createHash("sha256");
  for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    h.update(f.name);
    h.update("\0");
    h.update(String(f.data.length));
    h.update("\0");
    h.update(f.data);
  }
  return h.digest("hex");
}

/** How a chart's values.yaml text becomes values: readValuesDocuments, or a cache in front of it. */
export type ValuesReader = (text: string, file: string) => GoMap;

/**
 * LoadFiles: builds a chart from its files. `chartPath` prefixes file names in errors (the
 * directory or archive the chart came from, with a trailing `/`). `readValues` reads values.yaml
 * files, the chart's and its subcharts' (persisted-values.ts keeps them between processes).
 */
export function loadChartFiles(
  files: readonly ChartFile[],
  chartPath = "",
  digest?: string,
  readValues: ValuesReader = readValuesDocuments,
  budget: ArchiveBudget = { remaining: MAX_CHART_TREE_SIZE },
): Chart {
  let metadata: ChartMetadata | undefined;
  for (const f of files) {
    if (f.name === "Chart.yaml") {
      metadata ??= emptyMetadata();
      decodeYamlFile(f, "Chart.yaml", chartPath, metadata);
      // Helm 2 charts may omit apiVersion: they are v1.
      if (metadata.apiVersion === "") metadata.apiVersion = "v1";
    }
  }
  const templates: ChartFile[] = [];
  const other: ChartFile[] = [];
  const subchartFiles = new Map<string, ChartFile[]>();
  let values = new GoMap();
  let schema: Uint8Array | undefined;
  const warnings: string[] = [];
  for (const f of files) {
    const name = f.name;
    if (name === "Chart.yaml") continue;
    if (name === "Chart.lock") {
      checkLock(f, "Chart.lock", chartPath);
    } else if (name === "values.yaml") {
      try {
        const where = `${chartPath}values.yaml`;
        values = readValuesBytes(f.data, where, readValues);
      } catch (e) {
        if (e instanceof SlipwayError) {
          throw new ChartLoadError(`cannot load values.yaml: ${e.message}`, {
            file: e.file,
            line: e.line,
            column: e.column,
          });
        }
        throw e;
      }
    } else if (name === "values.schema.json") {
      schema = f.data;
    } else if (name === "requirements.yaml") {
      metadata ??= emptyMetadata();
      if (metadata.apiVersion !== "v1") warnings.push(slogLine("INFO", REQUIREMENTS_WARNING));
      decodeYamlFile(f, "requirements.yaml", chartPath, metadata);
      if (metadata.apiVersion === "v1") other.push(f);
    } else if (name === "requirements.lock") {
      checkLock(f, "requirements.lock", chartPath);
      metadata ??= emptyMetadata();
      if (metadata.apiVersion !== "v1") warnings.push(slogLine("INFO", REQUIREMENTS_LOCK_WARNING));
      if (metadata.apiVersion === "v1") other.push(f);
    } else if (name.startsWith("templates/")) {
      templates.push(f);
    } else if (name.startsWith("charts/")) {
      if (extname(name) === ".prov") {
        other.push(f);
        continue;
      }
      const rest = name.slice("charts/".length);
      const cname = rest.split("/")[0] as string;
      let list = subchartFiles.get(cname);
      if (!list) subchartFiles.set(cname, (list = []));
      list.push(renamed(f, rest));
    } else {
      other.push(f);
    }
  }
  if (!metadata) throw new ChartLoadError("Chart.yaml file is missing", { file: `${chartPath}Chart.yaml` });
  validateMetadata(metadata, `${chartPath}Chart.yaml`);

  const dependencies: Chart[] = [];
  for (const cname of [...subchartFiles.keys()].sort()) {
    if (cname.startsWith("_") || cname.startsWith(".")) continue;
    const list = subchartFiles.get(cname) as ChartFile[];
    // A chart whose digest is known names its subcharts by it and their place: its content
    // determines theirs. Hashing their files instead cost the main thread of a cold check of
    // bjw-s home-ops ~4 ms when the render pool sent kube-prometheus-stack to a worker (its
    // subcharts' 5 MB, CRDs mostly), for a digest nothing there reads.
    const subDigest = digest === undefined ? undefined : `${digest}/charts/${cname}`;
    let sub: Chart;
    try {
      if (extname(cname) === ".tgz") {
        const file = list[0] as ChartFile;
        if (file.name !== cname) {
          throw new ChartLoadError(
            `error unpacking subchart tar in ${metadata.name}: expected ${cname}, got ${file.name}`,
            { file: `${chartPath}charts/${cname}` },
          );
        }
        sub = loadChartArchiveBytes(file.data, `${chartPath}charts/${cname}:`, readValues, budget, subDigest);
      } else {
        const inner: ChartFile[] = [];
        for (const f of list) {
          const slash = f.name.indexOf("/");
          if (slash < 0) continue;
          inner.push(renamed(f, f.name.slice(slash + 1)));
        }
        sub = loadChartFiles(inner, `${chartPath}charts/${cname}/`, subDigest, readValues, budget);
      }
    } catch (e) {
      if (e instanceof ChartLoadError && e.message.startsWith("error unpacking subchart")) throw e;
      const err = e instanceof SlipwayError ? e : undefined;
      throw new ChartLoadError(
        `error unpacking subchart ${cname} in ${metadata.name}: ${e instanceof Error ? e.message : String(e)}`,
        { file: err?.file ?? `${chartPath}charts/${cname}`, line: err?.line, column: err?.column },
      );
    }
    dependencies.push(sub);
  }

  const chart = {
    metadata,
    templates,
    values,
    schema,
    files: other,
    dependencies,
    ...(warnings.length > 0 ? { warnings } : {}),
  };
  if (digest !== undefined) return { ...chart, digest };
  // Computed when first asked for: a subchart's digest is read only by callers that key caches
  // by chart (HelmReleases, the render pool), and `helm template` would hash every byte of
  // kube-prometheus-stack's subcharts (5 MB, its CRDs) a second time for nothing.
  let known: string | undefined;
  return {
    ...chart,
    get digest() {
      known ??= chartDigest(files);
      return known;
    },
  };
}

/** Go's path.Ext. */
function extname(name: string): string {
  for (let i = name.length - 1; i >= 0 && name[i] !== "/"; i--) {
    if (name[i] === ".") return name.slice(i);
  }
  return "";
}

/** Go's path.Clean for a relative path. */
function cleanPath(p: string): string {
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(seg);
  }
  const s = out.join("/");
  if (rooted) return `/${s}`;
  return s === "" ? "." : s;
}

/**
 * zlib's output chunk for a gzip stream: the size its trailer states (ISIZE, the last member's
 * size modulo 2^32), so that the archive comes out in one chunk: Node then returns that chunk
 * instead of copying 16 KiB chunks into one buffer (bjw-s home-ops' 7 chart archives: 19 -> 13 ms
 * of CPU). Only a hint: a wrong or hostile trailer means more chunks, or at most 16 MiB allocated.
 */
function gunzipChunkSize(bytes: Uint8Array): number {
  const n = bytes.length;
  if (n < 4) return 64 * 1024;
  const isize = (bytes[n - 4]! | (bytes[n - 3]! << 8) | (bytes[n - 2]! << 16) | (bytes[n - 1]! << 24)) >>> 0;
  return Math.max(64 * 1024, Math.min(isize + 1, 16 * 1024 * 1024));
}

const TAR_FILE_TYPES = new Set(["File", "OldFile", "ContiguousFile", "SymbolicLink", "Link"]);

/**
 * LoadArchiveFiles: the files of a gzipped tar, with Helm's checks: the first path segment (the
 * chart's directory) is dropped, absolute paths, `..` and drive letters are refused, Chart.yaml
 * must not sit at the top, and the sizes stay within 5 MiB per file and 100 MiB in all.
 * A UTF-8 BOM at the start of a file is removed. `index`: where the archive's tar index is kept
 * (archive-index.ts): read instead of parsing the stream when it fits, written after a parse.
 */
export function readChartArchive(
  bytes: Uint8Array,
  where = "<archive>",
  budget: ArchiveBudget = { remaining: MAX_CHART_TREE_SIZE },
  index?: ArchiveIndexStore,
): ChartFile[] {
  let tarBytes: Buffer;
  try {
    tarBytes = zlibModule().gunzipSync(bytes, {
      maxOutputLength: MAX_CHART_SIZE + 1024 * 1024,
      chunkSize: gunzipChunkSize(bytes),
    });
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    if (/maxOutputLength|Cannot create a Buffer larger/i.test(msg)) {
      throw new ChartLoadError(`decompressed chart is larger than the maximum size ${MAX_CHART_SIZE}`, {
        file: where,
      });
    }
    const goMessage = goGzipFailure(bytes, msg);
    const Failure = goMessage === GZIP_INVALID_HEADER ? GzipHeaderError : ChartLoadError;
    throw new Failure(goMessage, { file: where });
  }
  const files: ChartFile[] = [];
  let remaining = MAX_CHART_SIZE;
  let failure: ChartLoadError | undefined;
  const fail = (message: string) => {
    failure ??= new ChartLoadError(message, { file: where });
  };
  /** Keeps a file's bytes as Helm counts them; false when a size limit fails the read. */
  const take = (name: string, bytes: Buffer): boolean => {
    let data: Uint8Array = bytes;
    remaining -= data.length;
    if (remaining <= 0) {
      fail(`decompressed chart is larger than the maximum size ${MAX_CHART_SIZE}`);
      return false;
    }
    budget.remaining -= data.length;
    if (budget.remaining < 0) {
      fail(
        `decompressed chart with its subcharts is larger than ${MAX_CHART_TREE_SIZE} bytes (Slipway's limit; Helm checks ${MAX_CHART_SIZE} per archive)`,
      );
      return false;
    }
    if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) data = data.subarray(3);
    files.push({ name, data });
    return true;
  };
  const known = index?.read();
  if (known !== undefined && known.files.length > 0 && indexFits(known, tarBytes)) {
    // Each file a view of the stream, not a copy (9 MB for bjw-s home-ops' charts): chart bytes
    // are never written to, and a chart posted to a render worker is cloned whole either way.
    for (const [name, offset, length] of known.files)
      if (!take(name, tarBytes.subarray(offset, offset + length))) break;
    if (failure) throw failure;
    return files;
  }
  // Where each kept file's bytes lie in the stream, for the index; undefined once one is not a view.
  let places: TarIndexEntry[] | undefined = index ? [] : undefined;
  // node-tar refused the stream: Go's error for it (Go reads tar blocks its own way: two zero
  // blocks, or none, end an archive), else node-tar's reason.
  const refused = (why: string | Error) => {
    if (failure) return;
    const goMessage = goTarFailure(tarBytes);
    if (goMessage === undefined && files.length === 0 && /Unrecognized archive format/.test(String(why)))
      return;
    fail(goMessage ?? `unable to read chart archive: ${why instanceof Error ? why.message : why}`);
  };
  const parser = new (tarModule().Parser)({
    strict: true,
    onwarn: (_code: string, message: string | Error) => refused(message),
    onReadEntry: (entry) => {
      if (failure || entry.type === "Directory" || !TAR_FILE_TYPES.has(entry.type)) {
        entry.resume();
        return;
      }
      const raw = entry.path;
      const delimiter = raw.includes("\\") ? "\\" : "/";
      const parts = raw.split(delimiter);
      let n = parts.slice(1).join("/");
      if (n.startsWith("/")) return fail("chart illegally contains absolute paths");
      n = cleanPath(n);
      if (n === ".") return fail(`chart illegally contains content outside the base directory: "${raw}"`);
      if (n.startsWith("..")) return fail("chart illegally references parent directory");
      if (/^[a-zA-Z]:\//.test(n)) return fail("chart contains illegally named files");
      if (parts[0] === "Chart.yaml") return fail("chart yaml not in base directory");
      const size = entry.size ?? 0;
      if (size > remaining)
        return fail(`decompressed chart is larger than the maximum size ${MAX_CHART_SIZE}`);
      if (size > MAX_FILE_SIZE) {
        return fail(`decompressed chart file "${raw}" is larger than the maximum file size ${MAX_FILE_SIZE}`);
      }
      const chunks: Buffer[] = [];
      entry.on("data", (c: Buffer) => chunks.push(c));
      entry.on("end", () => {
        const data = Buffer.concat(chunks);
        if (!take(n, data) || places === undefined) return;
        const at = chunks.length === 0 ? 0 : chunks.length === 1 ? offsetIn(tarBytes, chunks[0]!) : undefined;
        if (at === undefined) places = undefined;
        else places.push([n, at, data.length]);
      });
    },
  });
  try {
    parser.end(tarBytes);
  } catch (e) {
    refused(e as Error);
  }
  if (failure) throw failure;
  if (files.length === 0) throw new ChartLoadError("no files in chart archive", { file: where });
  if (places !== undefined) index!.write({ tarLength: tarBytes.length, files: places });
  return files;
}

/** LoadArchive: a chart from the bytes of a `.tgz`. */
export function loadChartArchiveBytes(
  bytes: Uint8Array,
  where = "<archive>",
  readValues: ValuesReader = readValuesDocuments,
  budget: ArchiveBudget = { remaining: MAX_CHART_TREE_SIZE },
  digest?: string,
  index?: ArchiveIndexStore,
): Chart {
  const files = readChartArchive(bytes, where, budget, index);
  const prefix = where.endsWith(":") ? where : `${where}:`;
  return loadChartFiles(files, prefix, digest, readValues, budget);
}

/** Helm's action.CheckDependencies: every dependency of Chart.yaml is present in charts/. */
export function checkDependenciesPresent(chart: Chart): void {
  const have = new Set(chart.dependencies.map((d) => d.metadata.name));
  const missing = (chart.metadata.dependencies.filter((d) => d !== null) as ChartDependency[])
    .map((d) => d.name)
    .filter((n) => !have.has(n));
  if (missing.length > 0) {
    throw new ChartLoadError(
      `an error occurred while checking for chart dependencies. You may need to run \`helm dependency build\` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: ${missing.join(", ")}`,
      { file: "Chart.yaml" },
    );
  }
}
