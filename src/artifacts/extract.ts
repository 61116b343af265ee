/**
 * The Extract copy strategy: a gzip-compressed tarball (`flux build artifact`, `helm package`)
 * unpacked into the staging tree as fluxcd/pkg/tar.Untar does — entry names may not escape
 * the destination, symlinks are refused, other special entries are an error, and the
 * archive may hold at most 100 MiB.
 */
import * as path from "node:path";
import type { ReadEntry } from "tar";
import { tarModule } from "../fs/lazy-modules.js";
import { CopyError, type SourceContent } from "./copy.js";
import { type ArtifactTree, ArtifactTreeError } from "./tree.js";

const MAX_UNTAR_SIZE = 100 * 1024 * 1024;

/** isTarball: `.tar.gz` / `.tgz`, any letter case. */
export function isTarball(p: string): boolean {
  const lower = p.toLowerCase();
  return lower.endsWith(".tar.gz") || lower.endsWith(".tgz");
}

export function extractTarball(src: SourceContent, srcPath: string, tree: ArtifactTree, dest: string): void {
  const abs = srcPath === "." ? src.root : path.posix.join(src.root, srcPath);
  const fail: (msg: string) => never = (msg) => {
    throw new CopyError(`failed to extract tarball '${srcPath}' to '${dest}': ${msg}`);
  };
  let data: Buffer;
  try {
    data = src.fs.readFile(abs);
  } catch (err) {
    fail(`failed to open tarball "${srcPath}": ${err instanceof Error ? err.message : String(err)}`);
  }
  if (data.length < 2 || data[0] !== 0x1f || data[1] !== 0x8b) {
    fail("requires gzip-compressed body: gzip: invalid header");
  }
  const entries: Array<{ name: string; type: string; body: Buffer }> = [];
  let total = 0;
  let error: string | undefined;
  const parser = new (tarModule().Parser)({
    strict: true,
    onwarn: (_code: string, message: string | Error) => {
      error ??= `tar error: ${message instanceof Error ? message.message : message}`;
    },
    onReadEntry: (entry: ReadEntry) => {
      const chunks: Buffer[] = [];
      entry.on("data", (c: Buffer) => {
        total += c.length;
        if (total > MAX_UNTAR_SIZE)
          error ??= `tar "${entry.path}" is bigger than max archive size of ${MAX_UNTAR_SIZE} bytes`;
        else chunks.push(c);
      });
      entry.on("end", () =>
        entries.push({ name: entry.path, type: entry.type, body: Buffer.concat(chunks) }),
      );
    },
  });
  try {
    parser.write(data);
    parser.end();
  } catch (err) {
    error ??= `tar error: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (error) fail(error);
  try {
    tree.mkdirAll(dest);
    for (const e of entries) {
      const rel = path.posix.normalize(e.name);
      if (rel.startsWith("../") || rel === ".." || path.posix.isAbsolute(e.name)) {
        fail(`tar contained invalid name error "${e.name}"`);
      }
      const target =
        rel === "." || rel === "./" ? dest : path.posix.join(dest || ".", rel).replace(/\/$/, "");
      switch (e.type) {
        case "File":
        case "OldFile":
        case "ContiguousFile":
          tree.write(target, { origin: { kind: "extract", file: abs, entry: e.name }, content: e.body });
          break;
        case "Directory":
          tree.mkdirAll(target === "." ? "" : target);
          break;
        case "SymbolicLink":
          fail(`tar file entry ${e.name} is a symlink, which is not allowed in this context`);
          break;
        default:
          fail(`tar file entry ${e.name} contained unsupported file type ${e.type}`);
      }
    }
  } catch (err) {
    if (err instanceof ArtifactTreeError) fail(err.message);
    throw err;
  }
}
