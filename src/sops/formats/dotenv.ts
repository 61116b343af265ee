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

export function loadDotenv(text: string): TreeBranches {
  const branch = new Branch();
  text.split("\n").forEach((line, n) => {
    if (line === "") return;
    if (line.startsWith("#")) {
      branch.items.push(new Comment(line.slice(1)));
      return;
    }
    const eq = line.indexOf("=");
    if (eq < 0) throw new DotenvLoadError("invalid dotenv line: no '='", n + 1);
    branch.items.push({ key: line.slice(0, eq), value: line.slice(eq + 1).replace(/\\n/g, "\n") });
  });
  return [branch];
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

export function emitDotenv(branches: TreeBranches): string {
  let out = "";
  for (const item of branches[0]?.items ?? []) {
    if (item instanceof Comment) out += `#${item.text}\n`;
    else out += `${item.key}=${valueText(item.value).replace(/\n/g, "\\n")}\n`;
  }
  return out;
}
