/**
 * Seeded generators of tricky YAML input for the oracle tests: scalars written in many
 * notations, strings that stress quoting and folding, nested structures.
 */
import { prng } from "../support/random.js";

export { prng };

export type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;
const int = (rng: Rng, n: number) => Math.floor(rng() * n);

/** Plain scalars as a person might type them: YAML 1.1/1.2 look-alikes and numbers. */
export const PLAIN_TOKENS: readonly string[] = [
  ...["yes", "Yes", "YES", "no", "No", "on", "On", "off", "OFF", "y", "Y", "n", "N"],
  ...["true", "True", "TRUE", "false", "False", "FALSE", "~", "null", "Null", "NULL"],
  ...["0x1F", "0X1f", "-0x1F", "0o17", "0O17", "0777", "-0777", "0b101", "-0b11", "0B1", "1_000", "1__0"],
  ...["+12", "-0", "0", "00", "08", "09.5", "1.0", "1.", "-1.5", "1e3", "1E-3", "1e+3", ".5", "-.5", "+.5"],
  ...[
    ".5_5",
    "1_0.5",
    "1e400",
    "-1e400",
    "12345678901234567890",
    "9223372036854775807",
    "9223372036854775808",
  ],
  ...["-9223372036854775808", "-9223372036854775809", "18446744073709551615", "18446744073709551616"],
  ...["9007199254740993", "0.1", "100000.5", "1234567.5", "0.0001", "0.00001", "3.14159e-10", "1e21", "1e20"],
  ...["1:20", "-1:20:30.5", "1:2:3:4", "2001-12-14", "2001-12-14T21:59:43Z", "2001-12-14t21:59:43.10-05:00"],
  ...["2001-12-14 21:59:43.10", "2001-12-14 21:59:43.10 -5", "2001-12-14T21:59:43", "2001-1-2", "2001-02-29"],
  ...["2000-02-29", "2001-13-01", "0x", "0b", "0o", "0b2", "0o8", "=", "<<", "a<<", ".", "..", "...a", "--"],
  ...["+", "-a", "a-", ".inf.", ".Nan", "NaN", "Infinity", "-Infinity", "nan", "inf", "0x1p-2", "1e", "e1"],
  ...["1_", "_1", "1.2.3", "1,000", "$1", "12%", "v1.2.3", "1.0.0", "1/2", "0.5e-7", "123_456_789"],
];

const PIECES: readonly string[] = [
  ..."abcdefghijklmnopqrstuvwxyzABCXYZ0123456789".split(""),
  ...[" ", " ", "  ", ": ", ":", " #", "#", "- ", "-", "? ", "?", "'", '"', "\\", "\t", "\n", "\n\n", "\r\n"],
  ...[",", "[", "]", "{", "}", "&", "*", "!", "|", ">", "%", "@", "`", "~", "---", "...", "=", "<<"],
  ...[
    "é",
    "ü",
    "日本",
    "😀",
    "𝕏",
    "\u00a0",
    "\u2028",
    "\u2029",
    "\u0085",
    "\ufeff",
    "\u0001",
    "\u001b",
    "\u0000",
  ],
  ...["yes", "no", "on", "null", "true", "1", "1.0", "0x1F", "2001-12-14", "1:20", "word", "longerword"],
];

/** A string made of tricky pieces; sometimes long enough to fold. */
export function randomString(rng: Rng): string {
  const r = rng();
  if (r < 0.1) return "";
  if (r < 0.3) {
    // long text with spaces, sometimes with a tricky start or end
    const words: string[] = [];
    const n = 8 + int(rng, 30);
    for (let i = 0; i < n; i++) {
      words.push(rng() < 0.85 ? "w".repeat(1 + int(rng, 12)) : pick(rng, PIECES));
    }
    return words.join(rng() < 0.9 ? " " : "  ");
  }
  if (r < 0.35) return "x".repeat(70 + int(rng, 60));
  let s = "";
  const n = 1 + int(rng, 12);
  for (let i = 0; i < n; i++) s += pick(rng, PIECES);
  return s;
}

/** YAML double-quoted form that go-yaml and `yaml` read identically. */
export function doubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || c === 0xfeff) {
      out += `\\u${c.toString(16).padStart(4, "0")}`;
    } else out += ch;
  }
  return `${out}"`;
}

function canSingleQuote(s: string): boolean {
  return /^[\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*$/.test(s) && s.length < 60;
}

function canLiteral(s: string): boolean {
  // A literal block keeps text exactly when lines have no leading-space surprises: keep it simple.
  return (
    s.includes("\n") &&
    /^[\x20-\x7e\n]*$/.test(s) &&
    !s.startsWith(" ") &&
    !s.startsWith("\n") &&
    !/ \n|\n /.test(s) &&
    !s.endsWith(" ")
  );
}

export type StringStyle = "double" | "single" | "literal";

/** A style a person might use for this string (double-quoted can hold anything). */
export function pickStyle(rng: Rng, s: string): StringStyle {
  const r = rng();
  if (r < 0.2 && canSingleQuote(s)) return "single";
  if (r < 0.4 && canLiteral(s)) return "literal";
  return "double";
}

/** The string in that style, for a value whose key (or "-") sits at column `indent`. */
export function stringSource(s: string, style: StringStyle, indent: number): string {
  if (style === "single") return `'${s.replace(/'/g, "''")}'`;
  if (style === "literal") {
    const chomp = s.endsWith("\n\n") ? "+" : s.endsWith("\n") ? "" : "-";
    const pad = " ".repeat(indent + 2);
    const body = (chomp === "-" ? s : s.replace(/\n$/, ""))
      .split("\n")
      .map((l) => (l === "" ? "" : pad + l))
      .join("\n");
    return `|${chomp}\n${body}`;
  }
  return doubleQuoted(s);
}

export type Tree =
  | { src: string }
  | { text: string; style: StringStyle }
  | { map: Array<[string, Tree]> }
  | { seq: Tree[] };

export function randomLeaf(rng: Rng): Tree {
  const r = rng();
  if (r < 0.35) return { src: pick(rng, PLAIN_TOKENS) };
  if (r < 0.45) return { src: String(randomNumber(rng)) };
  const text = randomString(rng);
  return { text, style: pickStyle(rng, text) };
}

function randomNumber(rng: Rng): string {
  const r = rng();
  if (r < 0.3) return String((rng() - 0.5) * 10 ** int(rng, 25));
  if (r < 0.5) return (rng() * 10 ** int(rng, 30)).toExponential(int(rng, 10));
  if (r < 0.7) return String(BigInt(Math.floor(rng() * 2 ** 31)) * BigInt(Math.floor(rng() * 2 ** 31)));
  if (r < 0.85) return (rng() * 1000).toFixed(int(rng, 6));
  return String(int(rng, 100000));
}

export function randomKey(rng: Rng): string {
  const r = rng();
  // Keys avoid digit-then-letter collisions: go-yaml v2's Less is not transitive there
  // ("k120" < "k12a" < "k13" < "k120") and kubectl's order then depends on Go's map order.
  if (r < 0.5) return `k${int(rng, 1000)}${pick(rng, ["", "_x", "-1", ".2", "10", "09"])}`;
  if (r < 0.6) return pick(rng, ["yes", "no", "on", "y", "n", "true", "null", "1", "1.5", "0x10", "a b"]);
  const text = randomString(rng)
    .slice(0, 40)
    .replace(/\u0085/g, "");
  return `s${int(rng, 100000)}-${text}`;
}

export function randomTree(rng: Rng, depth: number): Tree {
  const r = rng();
  if (depth <= 0 || r < 0.5) return randomLeaf(rng);
  if (r < 0.75) {
    const n = int(rng, 5);
    const seen = new Set<string>();
    const map: Array<[string, Tree]> = [];
    for (let i = 0; i < n; i++) {
      const k = randomKey(rng);
      if (seen.has(k)) continue;
      seen.add(k);
      map.push([k, randomTree(rng, depth - 1)]);
    }
    return { map };
  }
  const n = int(rng, 4);
  return { seq: Array.from({ length: n }, () => randomTree(rng, depth - 1)) };
}

function keySource(k: string): string {
  return /^[a-z][a-z0-9_.-]*$/i.test(k) && !PLAIN_TOKENS.includes(k) ? k : doubleQuoted(k);
}

/** Block-style YAML for a tree that is the value of a key (or "-") at column `indent`. */
export function writeValue(t: Tree, indent: number): string {
  if ("src" in t) return ` ${t.src}`;
  if ("text" in t) return ` ${stringSource(t.text, t.style, indent)}`;
  if ("map" in t) {
    if (t.map.length === 0) return " {}";
    const pad = " ".repeat(indent + 2);
    return t.map.map(([k, v]) => `\n${pad}${keySource(k)}:${writeValue(v, indent + 2)}`).join("");
  }
  if (t.seq.length === 0) return " []";
  const pad = " ".repeat(indent + 2);
  return t.seq.map((v) => `\n${pad}-${writeValue(v, indent + 2)}`).join("");
}
