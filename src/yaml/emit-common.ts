/**
 * The common shapes of emit.ts's print, written directly: block maps of plain keys, lists,
 * null, booleans, numbers, and strings libyaml writes plain on one line. Helm's toYaml prints
 * values of these shapes nearly always (bjw-s home-ops: 1,057 values printed in a cold check, the
 * emitter's state machine 106–174 ms of the render worker's profile, most of it in code compiled
 * too late to pay off). Anything else — a string that needs quotes, a block or a fold, a key
 * written `? k` — answers undefined, and emit.ts prints the whole value as before;
 * test/yaml/emit-common.test.ts holds the two to the same text.
 *
 * The layout is go-yaml v2's block style: a map's entries at its indent, a list inside a map not
 * indented, a list item's map or list starting on the item's line, `{}` and `[]` when empty.
 */
import type { YamlMap, YamlValue } from "../kustomize/types.js";
import { sortKeys } from "./keysort.js";
import { formatNumber } from "./numbers.js";

/** A one-line text of printable ASCII: its style follows from a few rules below. */
const ASCII_LINE = /^[\x20-\x7e]*$/;
/** libyaml's block indicators (go-yaml v2's analyze_scalar), which keep a text from being plain. */
const INDICATOR_FIRST = /^[#,[\]{}&*!|>'"%@`]|^[-?:]( |$)|^---|^\.\.\.|^ | $|: |:$| #/;
/** Where libyaml folds a plain scalar (at a space once the column passes 80). */
const WIDTH = 80;
/** A simple key is at most 128 bytes (one per character here); a longer one is written `? k`. */
const MAX_SIMPLE_KEY = 128;

const SPACES: string[] = [];
const spaces = (n: number): string => {
  let s = SPACES[n];
  if (s === undefined) SPACES[n] = s = " ".repeat(n);
  return s;
};

/** Thrown (and caught below) where a value is not of the common shapes. */
const UNCOMMON = Symbol("uncommon");

/**
 * emitYaml's text of `value` with default options, or undefined when the value is not of the
 * common shapes. `keyOrder` gets each map's printed key order, as EmitOptions.keyOrder does.
 * `reads` decides which plain texts go-yaml v2 would read as something other than a string
 * (emit.ts's v2ReadsAsNonString, passed in to keep one definition).
 */
export function emitCommonYaml(
  value: YamlValue,
  reads: (s: string) => boolean,
  keyOrder?: WeakMap<YamlMap, readonly string[]>,
): string | undefined {
  const w = new CommonWriter(reads, keyOrder);
  try {
    if (value !== null && typeof value === "object") {
      if (Array.isArray(value)) {
        if (value.length === 0) return "[]\n";
        w.list(value, 0, false);
      } else {
        const keys = w.keysOf(value);
        if (keys.length === 0) return "{}\n";
        w.map(value, keys, 0, false);
      }
      return w.out;
    }
    return `${w.scalar(value, 0)}\n`;
  } catch (e) {
    if (e === UNCOMMON) return undefined;
    throw e;
  }
}

class CommonWriter {
  out = "";
  constructor(
    private readonly reads: (s: string) => boolean,
    private readonly keyOrder: WeakMap<YamlMap, readonly string[]> | undefined,
  ) {}

  /** A scalar's text, starting at `column` (a string with a space must end by the fold width). */
  scalar(v: YamlValue, column: number): string {
    if (v === null) return "null";
    switch (typeof v) {
      case "boolean":
        return v ? "true" : "false";
      case "number":
      case "bigint":
        // Errors (NaN, ±Inf) are the general emitter's to word.
        if (typeof v === "number" && !Number.isFinite(v)) throw UNCOMMON;
        return formatNumber(v);
      case "string":
        return this.text(v, column, false);
    }
    throw UNCOMMON;
  }

  /**
   * A string's text at `column`: double-quoted when go-yaml v2 would read it plain as something
   * else, plain when no indicator keeps it so, else single-quoted. A key is never folded; a value
   * with a space that could reach the fold width is left to the general emitter.
   */
  text(s: string, column: number, key: boolean): string {
    if (!ASCII_LINE.test(s)) throw UNCOMMON;
    let text: string;
    if (this.reads(s)) text = `"${s.replace(/["\\]/g, "\\$&")}"`;
    else if (!INDICATOR_FIRST.test(s)) text = s;
    else text = `'${s.replace(/'/g, "''")}'`;
    if (!key && column + text.length > WIDTH && s.includes(" ")) throw UNCOMMON;
    return text;
  }

  /** A map's keys in go-yaml v2's order (recorded for keyOrder), those holding undefined left out. */
  keysOf(m: YamlMap): string[] {
    const present = Object.keys(m);
    let keys = present;
    for (let i = 0; i < present.length; i++) {
      if (m[present[i] as string] === undefined) {
        keys = present.filter((k) => m[k] !== undefined);
        break;
      }
    }
    sortKeys(keys);
    this.keyOrder?.set(m, keys);
    return keys;
  }

  /** Writes a non-empty map's entries at `indent`, the first on the current line when `inline`. */
  map(m: YamlMap, keys: string[], indent: number, inline: boolean): void {
    const pad = spaces(indent);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      if (k.length > MAX_SIMPLE_KEY) throw UNCOMMON;
      const text = this.text(k, 0, true);
      this.out += i === 0 && inline ? `${text}:` : `${pad}${text}:`;
      this.value(m[k] as YamlValue, indent, indent + text.length + 2);
    }
  }

  /** Writes a non-empty list's items at `indent`, the first on the current line when `inline`. */
  list(items: YamlValue[], indent: number, inline: boolean): void {
    const pad = spaces(indent);
    for (let i = 0; i < items.length; i++) {
      this.out += i === 0 && inline ? "-" : `${pad}-`;
      const item = items[i] as YamlValue;
      if (item !== null && typeof item === "object") {
        if (Array.isArray(item)) {
          if (item.length === 0) this.out += " []\n";
          else {
            this.out += " ";
            this.list(item, indent + 2, true);
          }
        } else {
          const keys = this.keysOf(item);
          if (keys.length === 0) this.out += " {}\n";
          else {
            this.out += " ";
            this.map(item, keys, indent + 2, true);
          }
        }
        continue;
      }
      this.out += ` ${this.scalar(item, indent + 2)}\n`;
    }
  }

  /** A map entry's value after `key:` (the map at `indent`; `column` where a scalar would start). */
  value(v: YamlValue, indent: number, column: number): void {
    if (v !== null && typeof v === "object") {
      if (Array.isArray(v)) {
        if (v.length === 0) this.out += " []\n";
        else {
          this.out += "\n";
          this.list(v, indent, false);
        }
        return;
      }
      const keys = this.keysOf(v);
      if (keys.length === 0) this.out += " {}\n";
      else {
        this.out += "\n";
        this.map(v, keys, indent + 2, false);
      }
      return;
    }
    this.out += ` ${this.scalar(v, column)}\n`;
  }
}
