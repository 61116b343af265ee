import { isUtf8 } from "node:buffer";
import { SlipwayError } from "../errors.js";
import { isEncryptedString } from "./aes.js";
import { DotenvLoadError, emitDotenv, loadDotenv } from "./formats/dotenv.js";
import { emitJson, JsonLoadError, loadJson } from "./formats/json.js";
import { emitYaml, loadYaml, YamlLoadError } from "./formats/yaml.js";
import {
  flattenMetadata,
  MetadataError,
  metadataTree,
  parseMetadata,
  type SopsMetadata,
  toRaw,
  unflattenMetadata,
} from "./metadata.js";
import { Branch, ByteString, Comment, Sequence, type TreeBranches, type TreeValue } from "./tree.js";

/**
 * The four file formats: plain and encrypted load/emit, metadata placement. The format comes
 * from the file name as in sops (`.yaml`/`.yml`, `.json`, `.env`, anything else binary).
 */
export type SopsFormat = "yaml" | "json" | "dotenv" | "binary";

/**
 * The format to read or write `file` in: `explicit` (--input-type) when given, else from its
 * name. sops reads a `.ini` file with its INI store (cmd/sops/formats/formats.go), which
 * Slipway does not have: reading one as binary would fail on sops' files and write files sops
 * cannot read, so it is refused by name.
 */
export function formatForFile(file: string | undefined, explicit?: SopsFormat): SopsFormat {
  if (explicit !== undefined) return explicit;
  if (file === undefined) return "yaml";
  if (file.endsWith(".ini"))
    throw new SlipwayError(
      "INI files are not supported: sops reads .ini files section by section (with --input-type binary, the file is one value, and sops must be given --input-type binary too)",
      { file },
    );
  return formatFromPath(file);
}

export function formatFromPath(p: string): SopsFormat {
  if (p.endsWith(".yaml") || p.endsWith(".yml")) return "yaml";
  if (p.endsWith(".json")) return "json";
  if (p.endsWith(".env")) return "dotenv";
  return "binary";
}

export interface StoreOptions {
  /** YAML indent (sops: `stores.yaml.indent`, default 4). */
  yamlIndent?: number;
  /** JSON indent in spaces; negative or undefined → tab (sops' default). */
  jsonIndent?: number;
  /** Indent of the binary store's JSON envelope. */
  jsonBinaryIndent?: number;
}

function toText(input: Buffer | string): string {
  return typeof input === "string" ? input : input.toString("utf8");
}

/**
 * YAML and JSON are text: invalid UTF-8 is refused with its line, as sops refuses it, rather
 * than silently replaced by U+FFFD (which `encrypt -i` would then make permanent).
 */
function utf8Text(input: Buffer | string, file: string | undefined): string {
  if (typeof input === "string" || isUtf8(input)) return toText(input);
  const bad = firstInvalidUtf8(input);
  const line = input.subarray(0, bad).toString("utf8").split("\n").length;
  throw new SlipwayError(
    `invalid UTF-8 (byte ${bad + 1}, line ${line}); YAML and JSON files must be UTF-8 text`,
    {
      file,
      line,
    },
  );
}

/** Offset of the first byte that does not start a valid UTF-8 character. */
function firstInvalidUtf8(b: Buffer): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    const more =
      c < 0x80
        ? 0
        : c >= 0xc2 && c <= 0xdf
          ? 1
          : c >= 0xe0 && c <= 0xef
            ? 2
            : c >= 0xf0 && c <= 0xf4
              ? 3
              : -1;
    if (more < 0 || !isUtf8(b.subarray(i, i + more + 1))) return i;
    i += more + 1;
  }
  return b.length;
}

function asSlipwayError(err: unknown, file: string | undefined): never {
  if (err instanceof SlipwayError) throw err;
  if (err instanceof YamlLoadError || err instanceof JsonLoadError || err instanceof DotenvLoadError) {
    throw new SlipwayError(err.message, { file, line: err.line });
  }
  if (err instanceof MetadataError) throw new SlipwayError(err.message, { file });
  throw new SlipwayError((err as Error).message ?? String(err), { file });
}

export function loadPlain(input: Buffer | string, format: SopsFormat, file?: string): TreeBranches {
  try {
    switch (format) {
      case "yaml":
        return loadYaml(utf8Text(input, file));
      case "json":
        return loadJson(utf8Text(input, file));
      case "dotenv":
        return loadDotenv(input);
      case "binary": {
        const bytes = typeof input === "string" ? Buffer.from(input, "utf8") : input;
        const text = bytes.toString("utf8");
        const value = Buffer.from(text, "utf8").equals(bytes) ? text : new ByteString(bytes);
        return [new Branch([{ key: "data", value }])];
      }
    }
  } catch (err) {
    asSlipwayError(err, file);
  }
}

/** True when the plain tree already carries sops metadata (encrypt refuses such input). */
export function hasSopsMetadata(branches: TreeBranches, format: SopsFormat): boolean {
  const first = branches[0];
  if (!first) return false;
  if (format === "dotenv")
    return first.items.some((it) => !(it instanceof Comment) && it.key.startsWith("sops_"));
  return first.has("sops");
}

/**
 * A file without sops metadata: plain, or a SOPS file that lost it (a merge that dropped the
 * `sops:` block, a truncated copy). The latter holds values in the ENC form that nobody can
 * decrypt any more — sops has no data key to try — and is said to be broken, not plain.
 */
function noMetadata(where: string, branches: TreeBranches, file: string | undefined): SlipwayError {
  if (branches.some(treeHoldsEncrypted))
    return new SlipwayError(
      `ENC[AES256_GCM,…] values but no sops metadata (${where}): nobody can decrypt this file (a SOPS file cut short or merged badly?)`,
      { file },
    );
  return new SlipwayError(`no sops metadata (${where}); not a sops file`, { file });
}

function treeHoldsEncrypted(v: TreeValue): boolean {
  if (typeof v === "string") return isEncryptedString(v);
  if (v instanceof Branch)
    return v.items.some((it) => !(it instanceof Comment) && treeHoldsEncrypted(it.value));
  if (v instanceof Sequence) return v.items.some((it) => !(it instanceof Comment) && treeHoldsEncrypted(it));
  return false;
}

export interface LoadedEncrypted {
  branches: TreeBranches;
  metadata: SopsMetadata;
}

export function loadEncrypted(input: Buffer | string, format: SopsFormat, file?: string): LoadedEncrypted {
  try {
    const branches =
      format === "binary" || format === "json" ? loadJson(toText(input)) : loadPlain(input, format, file);
    const first = branches[0];
    if (!first) throw new SlipwayError("file is empty; not a sops file", { file });
    let raw: ReturnType<typeof toRaw>;
    if (format === "dotenv") {
      const entries: Array<[string, string]> = [];
      for (const it of first.items) {
        if (!(it instanceof Comment) && it.key.startsWith("sops_"))
          entries.push([it.key.slice(5), String(it.value)]);
      }
      if (entries.length === 0) throw noMetadata("sops_* keys", branches, file);
      raw = unflattenMetadata(entries);
      branches[0] = new Branch(
        first.items.filter((it) => it instanceof Comment || !it.key.startsWith("sops_")),
      );
    } else {
      const md = first.get("sops");
      if (!(md instanceof Branch)) throw noMetadata("top-level `sops` key", branches, file);
      raw = toRaw(md);
      for (let i = 0; i < branches.length; i++) {
        branches[i] = new Branch(
          branches[i]!.items.filter((it) => it instanceof Comment || it.key !== "sops"),
        );
      }
    }
    const metadata = parseMetadata(raw);
    if (format === "binary") {
      const data = branches[0]!.get("data");
      if (typeof data !== "string")
        throw new SlipwayError("binary sops file has no string `data` field", { file });
    }
    return { branches, metadata };
  } catch (err) {
    asSlipwayError(err, file);
  }
}

export function emitPlain(branches: TreeBranches, format: SopsFormat, opts: StoreOptions = {}): Buffer {
  switch (format) {
    case "yaml":
      return Buffer.from(emitYaml(branches, opts.yamlIndent ?? 4), "utf8");
    case "json":
      return Buffer.from(emitJson(branches[0] ?? new Branch(), opts.jsonIndent ?? "tab"), "utf8");
    case "dotenv":
      return emitDotenv(branches);
    case "binary": {
      const data = branches[0]?.get("data");
      if (data instanceof ByteString) return data.bytes;
      if (typeof data === "string") return Buffer.from(data, "utf8");
      throw new Error("binary document has no data");
    }
  }
}

export function emitEncrypted(
  branches: TreeBranches,
  metadata: SopsMetadata,
  format: SopsFormat,
  opts: StoreOptions = {},
): Buffer {
  const md = metadataTree(metadata);
  const withMeta = (b: Branch) => new Branch([...b.items, { key: "sops", value: md as TreeValue }]);
  switch (format) {
    case "yaml":
      return Buffer.from(emitYaml(branches.map(withMeta), opts.yamlIndent ?? 4), "utf8");
    case "json":
      return Buffer.from(emitJson(withMeta(branches[0] ?? new Branch()), opts.jsonIndent ?? "tab"), "utf8");
    case "binary":
      return Buffer.from(
        emitJson(withMeta(branches[0] ?? new Branch()), opts.jsonBinaryIndent ?? "tab"),
        "utf8",
      );
    case "dotenv": {
      const flat = flattenMetadata(md).map(([key, value]) => ({ key, value }));
      const b = branches[0] ?? new Branch();
      return emitDotenv([new Branch([...b.items, ...flat])]);
    }
  }
}

/** The YAML indent an existing file uses (2 or 4…), so a rewrite does not reflow the file. */
export function detectYamlIndent(text: string): number | undefined {
  const m = /^[^\s#-][^\n]*:[ \t]*\n( +)[^\s]/m.exec(text);
  return m ? m[1]!.length : undefined;
}
