/**
 * toml.Unmarshal into map[string]interface{} as Helm's fromToml does it, on the smol-toml
 * parser: integers are int64, floats float64, arrays []interface{}, tables
 * map[string]interface{}, date-times time.Time (offset ones in a fixed zone, local ones in
 * BurntSushi's "datetime-local"/"date-local"/"time-local" zones).
 *
 * Syntax errors are smol-toml's, reworded into BurntSushi's "toml: line N: …" frame; the
 * message after the frame is not BurntSushi's.
 */
import { parse, TomlDate, TomlError } from "smol-toml";
import { GoInt, GoMap, type GoValue } from "../../template/value.js";
import { GoTime } from "./time.js";
import { fixedZone, UTC } from "./zone.js";

export class TomlDecodeError extends Error {}

const LOCAL_DATETIME = fixedZone("datetime-local", 0);
const LOCAL_DATE = fixedZone("date-local", 0);
const LOCAL_TIME = fixedZone("time-local", 0);

function goTime(d: TomlDate): GoTime {
  const ms = d.getTime();
  const unix = Math.floor(ms / 1000);
  const nsec = (ms - unix * 1000) * 1e6;
  if (d.isDate()) return new GoTime(unix, nsec, LOCAL_DATE);
  if (d.isTime()) return new GoTime(unix, nsec, LOCAL_TIME);
  if (d.isLocal()) return new GoTime(unix, nsec, LOCAL_DATETIME);
  const m = /([+-])(\d\d):(\d\d)$/.exec(d.toISOString());
  if (!m) return new GoTime(unix, nsec, UTC);
  const offset = (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60);
  return new GoTime(unix, nsec, fixedZone("", offset));
}

function toGo(v: unknown): GoValue {
  if (typeof v === "bigint") return new GoInt("int64", v);
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  if (v instanceof TomlDate) return goTime(v);
  if (Array.isArray(v)) return v.map(toGo);
  const m = new GoMap();
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) m.set(k, toGo(x));
  return m;
}

export function decodeToml(text: string): GoMap {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text, { integersAsBigInt: true }) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) {
      const what = e.message.replace(/^Invalid TOML document: /, "").split("\n")[0];
      throw new TomlDecodeError(`toml: line ${e.line}: ${what}`);
    }
    throw e;
  }
  return toGo(doc) as GoMap;
}
