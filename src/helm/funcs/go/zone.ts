/**
 * Time zones for Go's time package: UTC, fixed offsets, and IANA zones through Intl (which
 * carries the same tz database Go reads from /usr/share/zoneinfo). `Local` is the zone the
 * render was configured with (UTC unless the caller says otherwise), so output never depends
 * on the machine running Slipway.
 */

export interface ZoneInfo {
  /** Seconds east of UTC. */
  offset: number;
  /** The abbreviation Go prints for MST (tzdata's: "CET", "EST", "+04"). */
  abbr: string;
}

export interface Location {
  /** Go's Location.String(): "UTC", "Local", "Europe/Berlin", or a fixed zone's name. */
  readonly name: string;
  lookup(unixSec: number): ZoneInfo;
}

export const UTC: Location = { name: "UTC", lookup: () => ({ offset: 0, abbr: "UTC" }) };

/** time.FixedZone(name, offset). */
export function fixedZone(name: string, offset: number): Location {
  return { name, lookup: () => ({ offset, abbr: name }) };
}

const MAX_DATE_SEC = 8.64e12; // JavaScript Date's range, in seconds

class IanaZone implements Location {
  private readonly offsetFormat: Intl.DateTimeFormat;
  private readonly abbrFormats: Intl.DateTimeFormat[];
  private readonly cache = new Map<number, ZoneInfo>();

  constructor(
    readonly name: string,
    readonly ianaName: string,
  ) {
    this.offsetFormat = new Intl.DateTimeFormat("en-US", {
      timeZone: ianaName,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      era: "short",
    });
    // No single locale names every zone the way tzdata does ("CET" but "EST", "JST", "IST").
    this.abbrFormats = ["en-US", "en-GB", "en-IN", "ja-JP", "en-AU", "en-NZ"].map(
      (locale) => new Intl.DateTimeFormat(locale, { timeZone: ianaName, timeZoneName: "short" }),
    );
  }

  lookup(unixSec: number): ZoneInfo {
    const sec = Math.max(-MAX_DATE_SEC, Math.min(MAX_DATE_SEC, unixSec));
    // Offsets change at most on whole minutes; cache per quarter hour.
    const key = Math.floor(sec / 900);
    let z = this.cache.get(key);
    if (!z) {
      z = this.compute(sec);
      if (this.cache.size > 10000) this.cache.clear();
      this.cache.set(key, z);
    }
    return z;
  }

  private compute(sec: number): ZoneInfo {
    const date = new Date(Math.floor(sec) * 1000);
    const parts: Record<string, string> = {};
    for (const p of this.offsetFormat.formatToParts(date)) parts[p.type] = p.value;
    let year = Number(parts.year);
    if (parts.era === "BC" || parts.era === "B") year = 1 - year;
    const localSec =
      daysFromCivil(year, Number(parts.month), Number(parts.day)) * 86400 +
      Number(parts.hour) * 3600 +
      Number(parts.minute) * 60 +
      Number(parts.second);
    const offset = localSec - Math.floor(sec);
    return { offset, abbr: this.abbreviation(date, offset) };
  }

  private abbreviation(date: Date, offset: number): string {
    for (const f of this.abbrFormats) {
      const name = f.formatToParts(date).find((p) => p.type === "timeZoneName")?.value ?? "";
      if (TZDATA_ABBREVIATIONS.has(name) && name !== "GMT") return name;
      if (name === "GMT" && offset === 0)
        return this.ianaName.startsWith("Etc/") || this.ianaName === "UTC" ? "UTC" : "GMT";
    }
    return numericAbbr(offset);
  }
}

/**
 * The alphabetic abbreviations current tzdata still uses; everywhere else it writes numeric
 * ones ("+04"), while CLDR locales invent names ("GST"), so only these are taken from Intl.
 */
const TZDATA_ABBREVIATIONS = new Set(
  (
    "UTC GMT BST IST CET CEST EET EEST WET WEST MSK EST EDT CST CDT MST MDT PST PDT AKST AKDT HST HDT AST ADT " +
    "NST NDT SAST CAT EAT WAT WIB WITA WIT JST KST HKT PKT IDT AEST AEDT ACST ACDT AWST NZST NZDT ChST SST MET MEST"
  ).split(" "),
);

/** tzdata's numeric abbreviations: "+04", "+0530", "-03". */
function numericAbbr(offset: number): string {
  const sign = offset < 0 ? "-" : "+";
  const m = Math.abs(offset) / 60;
  const h = String(Math.floor(m / 60)).padStart(2, "0");
  const mm = m % 60;
  return mm === 0 ? `${sign}${h}` : `${sign}${h}${String(mm).padStart(2, "0")}`;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1–12; out-of-range days roll). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Canonical zone names by lower-cased name, listed on the first lookup rather than at load. */
let zoneNames: Map<string, string> | undefined;
function canonicalZoneName(name: string): string | undefined {
  zoneNames ??= new Map(
    (Intl as unknown as { supportedValuesOf(k: string): string[] })
      .supportedValuesOf("timeZone")
      .map((z) => [z.toLowerCase(), z]),
  );
  return zoneNames.get(name.toLowerCase());
}

const zones = new Map<string, Location | null>();

/**
 * time.LoadLocation: "" and "UTC" are UTC, "Local" the configured local zone, others from the
 * tz database by exact (case-sensitive) name; undefined when Go would return an error.
 */
export function loadLocation(name: string, local: Location): Location | undefined {
  if (name === "" || name === "UTC") return UTC;
  if (name === "Local") return local;
  if (zones.has(name)) return zones.get(name) ?? undefined;
  let loc: Location | null = null;
  const canonical = canonicalZoneName(name);
  // Go opens the zoneinfo file by name, so the case must match.
  if (!(canonical !== undefined && canonical !== name) && !name.includes("..") && !name.startsWith("/")) {
    try {
      const resolved = new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
      loc = new IanaZone(name, resolved);
    } catch {
      loc = null;
    }
  }
  zones.set(name, loc);
  return loc ?? undefined;
}

/** The `Local` location for a render: UTC, or an IANA zone named "Local" as Go shows it. */
export function localZone(iana?: string): Location {
  if (!iana || iana === "UTC") return { name: "Local", lookup: UTC.lookup };
  const z = loadLocation(iana, UTC);
  if (!z) return { name: "Local", lookup: UTC.lookup };
  return { name: "Local", lookup: (s) => z.lookup(s) };
}
