import { isUtf8 } from "node:buffer";
import { Branch, ByteString, Comment, SopsTime, type TreeBranches, type TreeValue } from "../tree.js";
import { formatGoFloat } from "../values.js";

/**
 * dotenv store, exactly as sops reads it: split on `\n`, skip empty lines, `#` lines are
 * comments, split at the first `=` with no trimming and no quote handling, `\n` escapes.
 */

export class DotenvLoadError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/**
 * Reads a dotenv file as bytes, like sops (Go strings are bytes): a value that is not valid
 * UTF-8 is kept byte for byte (a ByteString), never replaced by U+FFFD. Keys and comments
 * are text; invalid UTF-8 there is an error naming the line.
 */
export function loadDotenv(input: Buffer | string): TreeBranches {
  const bytes = typeof input === "string" ? Buffer.from(input, "utf8") : input;
  const branch = new Branch();
  let n = 0;
  for (let start = 0; start < bytes.length; ) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    const line = bytes.subarray(start, end);
    start = end + 1;
    n++;
    if (line.length === 0) continue;
    if (line[0] === 0x23) {
      branch.items.push(new Comment(text(line.subarray(1), n, "comment")));
      continue;
    }
    const eq = line.indexOf(0x3d);
    if (eq < 0) throw new DotenvLoadError("invalid dotenv line: no '='", n);
    // latin1 maps bytes to code points one to one: the `\n` escape is undone on the bytes.
    const value = Buffer.from(
      line
        .subarray(eq + 1)
        .toString("latin1")
        .replace(/\\n/g, "\n"),
      "latin1",
    );
    branch.items.push({
      key: text(line.subarray(0, eq), n, "key"),
      value: isUtf8(value) ? value.toString("utf8") : new ByteString(value),
    });
  }
  return [branch];
}

function text(bytes: Buffer, line: number, what: string): string {
  if (!isUtf8(bytes)) throw new DotenvLoadError(`invalid UTF-8 in a ${what}`, line);
  return bytes.toString("utf8");
}

function valueText(v: TreeValue): string {
  if (typeof v === "string") return v;
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return formatGoFloat(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v instanceof SopsTime) return v.text;
  if (v instanceof ByteString) return v.bytes.toString("utf8");
  if (v === null) return "";
  throw new Error("dotenv files cannot hold nested values");
}

/** Bytes, so that values kept as bytes come out as they went in. */
export function emitDotenv(branches: TreeBranches): Buffer {
  const out: Buffer[] = [];
  for (const item of branches[0]?.items ?? []) {
    if (item instanceof Comment) {
      out.push(Buffer.from(`#${item.text}\n`, "utf8"));
      continue;
    }
    const value =
      item.value instanceof ByteString
        ? Buffer.from(item.value.bytes.toString("latin1").replace(/\n/g, "\\n"), "latin1")
        : Buffer.from(valueText(item.value).replace(/\n/g, "\\n"), "utf8");
    out.push(Buffer.from(`${item.key}=`, "utf8"), value, Buffer.from("\n"));
  }
  return Buffer.concat(out);
}
