/**
 * BurntSushi/toml v1.6.0's error texts (error.go, meta.go): ParseError.Error() is
 * `toml: line N: message`, with ` (last key "k")` after the line when the parser had a key
 * in scope. Helm's fromToml puts that text under the key "Error", so it is output.
 */
import { quote } from "../../../template/quote.js";

/** A dotted key as a list of its parts (BurntSushi's Key). */
export type KeyPath = readonly string[];

/** Key.String(): parts joined by ".", a part that is not bare written as a quoted TOML key. */
export function formatKey(key: KeyPath): string {
  return key.map(formatKeyPart).join(".");
}

const BARE_PART = /^[A-Za-z0-9_-]+$/;

function formatKeyPart(part: string): string {
  if (part === "") return '""';
  if (BARE_PART.test(part)) return part;
  return `"${escapeBasic(part)}"`;
}

/** The encoder's basic-string escaping (encode.go dblQuotedReplacer), which Key.String uses. */
function escapeBasic(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const named = NAMED_ESCAPES[ch];
    if (named !== undefined) out += named;
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return out;
}

const NAMED_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\f": "\\f",
  "\r": "\\r",
};

/** A syntax or structure error: ParseError with the line and last key it reports. */
export class TomlParseError extends Error {
  constructor(
    readonly line: number,
    readonly lastKey: string,
    readonly detail: string,
  ) {
    super(
      lastKey === ""
        ? `toml: line ${line}: ${detail}`
        : `toml: line ${line} (last key ${quote(lastKey)}): ${detail}`,
    );
    this.name = "TomlParseError";
  }
}

/**
 * What BurntSushi panics with outside ParseError ("BUG: …"), and our own limits on hostile
 * input. Helm's template engine reports these as a failed call of fromToml.
 */
export class TomlInternalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TomlInternalError";
  }
}
