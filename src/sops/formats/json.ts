import { MAX_YAML_DEPTH } from "../../yaml/limits.js";
import {
  Branch,
  ByteString,
  Comment,
  Sequence,
  SopsTime,
  type TreeBranches,
  type TreeValue,
} from "../tree.js";

/**
 * JSON store. Parsed token by token: `JSON.parse` would reorder integer-like keys (the MAC
 * depends on order) and round large integers. Integers in the int64 range become ints (as
 * sops ≥ 3.13.2 reads them), other numbers floats. Written the way Go's encoding/json +
 * json.Indent writes (tab indent by default, `<>&` escaped, trailing newline).
 */

export class JsonLoadError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

export function parseJsonTree(text: string): TreeValue {
  let i = 0;
  const lineAt = (pos: number) => text.slice(0, pos).split("\n").length;
  const fail = (what: string): never => {
    throw new JsonLoadError(`invalid JSON: ${what}`, lineAt(i));
  };
  const ws = () => {
    while (i < text.length && " \t\r\n".includes(text[i]!)) i++;
  };
  const value = (depth: number): TreeValue => {
    // encoding/json allows 10,000 levels; this parser and every walk after it recurse, and the
    // stack ends sooner (a bare RangeError), so deeper is refused as YAML flow nesting is.
    if (depth > MAX_YAML_DEPTH) fail(`nested deeper than ${MAX_YAML_DEPTH} levels (Slipway's limit)`);
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const b = new Branch();
      const seen = new Set<string>();
      ws();
      if (text[i] === "}") {
        i++;
        return b;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail("expected a string key");
        const key = str();
        if (seen.has(key)) fail(`duplicate key ${JSON.stringify(key)}`);
        seen.add(key);
        ws();
        if (text[i] !== ":") fail("expected ':'");
        i++;
        b.items.push({ key, value: value(depth + 1) });
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return b;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      const s = new Sequence();
      ws();
      if (text[i] === "]") {
        i++;
        return s;
      }
      for (;;) {
        s.items.push(value(depth + 1));
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return s;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    const m = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!m) return fail("unexpected character");
    i += m[0].length;
    const tok = m[0];
    if (tok === "true") return true;
    if (tok === "false") return false;
    if (tok === "null") return null;
    if (/^-?\d+$/.test(tok)) {
      const n = BigInt(tok);
      if (n >= -9223372036854775808n && n <= 9223372036854775807n) return n;
    }
    return Number(tok);
  };
  const str = (): string => {
    const start = i;
    i++;
    let out = "";
    for (;;) {
      const j = text.indexOf('"', i);
      if (j < 0) fail("unterminated string");
      let k = j - 1;
      let backslashes = 0;
      while (k >= i && text[k] === "\\") {
        backslashes++;
        k--;
      }
      if (backslashes % 2 === 0) {
        try {
          out = JSON.parse(text.slice(start, j + 1)) as string;
        } catch {
          fail("bad string escape");
        }
        i = j + 1;
        return out;
      }
      i = j + 1;
    }
  };
  const v = value(0);
  ws();
  if (i < text.length) fail("trailing data after the top-level value");
  return v;
}

export function loadJson(text: string): TreeBranches {
  const v = parseJsonTree(text);
  if (!(v instanceof Branch)) throw new JsonLoadError("the top level of a JSON file must be an object", 1);
  return [v];
}

/** Go encoding/json string escaping. */
export function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (cp < 0x20 || ch === "<" || ch === ">" || ch === "&" || cp === 0x2028 || cp === 0x2029) {
      out += `\\u${cp.toString(16).padStart(4, "0")}`;
    } else out += ch;
  }
  return `${out}"`;
}

function goJsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new Error("JSON cannot represent NaN or infinity");
  if (Object.is(f, -0)) return "-0";
  return String(f);
}

export function emitJson(v: TreeValue, indent: number | "tab" = "tab"): string {
  const unit = indent === "tab" || indent < 0 ? "\t" : " ".repeat(indent);
  const out: string[] = [];
  const write = (x: TreeValue, depth: number) => {
    const pad = unit.repeat(depth + 1);
    const close = unit.repeat(depth);
    if (x instanceof Branch) {
      const items = x.items.filter((it) => !(it instanceof Comment)) as Array<{
        key: string;
        value: TreeValue;
      }>;
      if (items.length === 0) return out.push("{}");
      out.push("{\n");
      items.forEach((it, n) => {
        out.push(`${pad}${goJsonString(it.key)}: `);
        write(it.value, depth + 1);
        out.push(n < items.length - 1 ? ",\n" : "\n");
      });
      return out.push(`${close}}`);
    }
    if (x instanceof Sequence) {
      const items = x.items.filter((it) => !(it instanceof Comment)) as TreeValue[];
      if (items.length === 0) return out.push("[]");
      out.push("[\n");
      items.forEach((it, n) => {
        out.push(pad);
        write(it, depth + 1);
        out.push(n < items.length - 1 ? ",\n" : "\n");
      });
      return out.push(`${close}]`);
    }
    if (x === null) return out.push("null");
    if (typeof x === "string") return out.push(goJsonString(x));
    if (typeof x === "bigint") return out.push(x.toString());
    if (typeof x === "number") return out.push(goJsonFloat(x));
    if (typeof x === "boolean") return out.push(x ? "true" : "false");
    if (x instanceof SopsTime) return out.push(goJsonString(x.text));
    if (x instanceof ByteString) return out.push(goJsonString(x.bytes.toString("utf8")));
    return out.push("null");
  };
  write(v, 0);
  return `${out.join("")}\n`;
}
