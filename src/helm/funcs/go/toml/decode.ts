/**
 * Helm 4.1.4's fromToml (pkg/engine/funcs.go): toml.Unmarshal of BurntSushi/toml v1.6.0 into
 * a map[string]interface{} (parse.ts), with the zones its date-times get. BurntSushi reads
 * offset date-times in time.Local and local date-times in fixed zones named
 * "datetime-local", "date-local" and "time-local" at Local's offset when the process
 * started; a render's Local comes from the call context (UTC unless configured).
 */
import type { GoMap } from "../../../template/value.js";
import { fixedZone, type Location, localZone } from "../zone.js";
import { parseToml } from "./parse.js";
import type { TomlZones } from "./scalars.js";

export { TomlInternalError, TomlParseError } from "./errors.js";

/** The zones for a render whose time.Local is `local` and whose clock reads `nowMs`. */
export function tomlZones(local: Location, nowMs: number): TomlZones {
  const offset = local.lookup(Math.floor(nowMs / 1000)).offset;
  return {
    local,
    localDatetime: fixedZone("datetime-local", offset),
    localDate: fixedZone("date-local", offset),
    localTime: fixedZone("time-local", offset),
  };
}

const UTC_ZONES = tomlZones(localZone(), 0);

/** toml.Unmarshal(text, &map[string]interface{}); throws TomlParseError with BurntSushi's text. */
export function decodeToml(text: string, zones: TomlZones = UTC_ZONES): GoMap {
  return parseToml(text, zones);
}
