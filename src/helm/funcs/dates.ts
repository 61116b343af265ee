/**
 * sprig v3.3.0's date.go: date, dateInZone, htmlDate(InZone), dateModify, ago, duration,
 * durationRound, toDate, unixEpoch and `now`, on Go's time semantics (./go/time.ts). Quirks
 * kept: a date argument that is not a time.Time or an int/int64/int32 means "now" (a float64
 * from a values file included); `duration` only understands a string or an int64.
 */

import { parseInt64 } from "../../go/strconv.js";
import { GoInt, type GoValue } from "../template/value.js";
import { type FuncTable, goFunc } from "./define.js";
import { DurationError, formatDuration, parseDuration, roundDuration } from "./go/duration.js";
import { GoTime, parseTime, TimeParseError, zeroTime } from "./go/time.js";
import { loadLocation, localZone, UTC } from "./go/zone.js";
import { type CallContext, GoFuncError } from "./types.js";

const SECOND = 1_000_000_000n;
const INT64 = (n: bigint) => BigInt.asIntN(64, n);

function now(ctx: CallContext): GoTime {
  const ms = ctx.now();
  const sec = Math.floor(ms / 1000);
  return new GoTime(sec, Math.round((ms - sec * 1000) * 1e6), localZone(ctx.localZone));
}

/** The time a date argument stands for (sprig's type switch). */
function timeOf(ctx: CallContext, date: GoValue, int32Too: boolean): GoTime {
  if (date instanceof GoTime) return date;
  if (
    date instanceof GoInt &&
    (date.kind === "int64" || date.kind === "int" || (int32Too && date.kind === "int32"))
  ) {
    return new GoTime(Number(date.value), 0, localZone(ctx.localZone));
  }
  return now(ctx);
}

function dateInZone(ctx: CallContext, fmt: string, date: GoValue, zone: string): string {
  const t = timeOf(ctx, date, true);
  const loc = loadLocation(zone, localZone(ctx.localZone)) ?? UTC;
  return t.in(loc).format(fmt);
}

function sinceNanos(ctx: CallContext, t: GoTime): bigint {
  return INT64(now(ctx).unixNano() - t.unixNano());
}

function durationRound(ctx: CallContext, v: GoValue): string {
  let d = 0n;
  if (typeof v === "string") {
    try {
      d = parseDuration(v);
    } catch {
      d = 0n;
    }
  } else if (v instanceof GoInt && v.kind === "int64") d = v.value;
  else if (v instanceof GoTime) d = sinceNanos(ctx, v);
  let u = BigInt.asUintN(64, d);
  if (d < 0n) u = BigInt.asUintN(64, -u);
  const hour = 3600n * SECOND;
  const units: Array<[bigint, string]> = [
    [hour * 24n * 365n, "y"],
    [hour * 24n * 30n, "mo"],
    [hour * 24n, "d"],
    [hour, "h"],
    [60n * SECOND, "m"],
    [SECOND, "s"],
  ];
  for (const [size, name] of units) if (u > size) return `${u / size}${name}`;
  return "0s";
}

function modify(fmt: string, date: GoTime, must: boolean): GoTime {
  try {
    return date.add(parseDuration(fmt));
  } catch (e) {
    if (!(e instanceof DurationError)) throw e;
    if (must) throw new GoFuncError(e.message);
    return date;
  }
}

function toDate(ctx: CallContext, fmt: string, str: string, must: boolean): GoTime {
  try {
    return parseTime(fmt, str, localZone(ctx.localZone));
  } catch (e) {
    if (!(e instanceof TimeParseError)) throw e;
    if (must) throw new GoFuncError(e.message);
    return zeroTime();
  }
}

const clock = { hermetic: false };

export const dateFuncs: FuncTable = {
  now: goFunc(
    "func() time.Time",
    function () {
      return now(this);
    },
    clock,
  ),
  date: goFunc(
    "func(fmt string, date interface {}) string",
    function (fmt: string, date: GoValue) {
      return dateInZone(this, fmt, date, "Local");
    },
    clock,
  ),
  dateInZone: goFunc(
    "func(fmt string, date interface {}, zone string) string",
    function (fmt: string, date: GoValue, zone: string) {
      return dateInZone(this, fmt, date, zone);
    },
    clock,
  ),
  date_in_zone: goFunc(
    "func(fmt string, date interface {}, zone string) string",
    function (fmt: string, date: GoValue, zone: string) {
      return dateInZone(this, fmt, date, zone);
    },
    clock,
  ),
  htmlDate: goFunc(
    "func(date interface {}) string",
    function (date: GoValue) {
      return dateInZone(this, "2006-01-02", date, "Local");
    },
    clock,
  ),
  htmlDateInZone: goFunc(
    "func(date interface {}, zone string) string",
    function (date: GoValue, zone: string) {
      return dateInZone(this, "2006-01-02", date, zone);
    },
    clock,
  ),
  dateModify: goFunc(
    "func(fmt string, date time.Time) time.Time",
    (fmt: string, d: GoTime) => modify(fmt, d, false),
    clock,
  ),
  date_modify: goFunc(
    "func(fmt string, date time.Time) time.Time",
    (fmt: string, d: GoTime) => modify(fmt, d, false),
    clock,
  ),
  mustDateModify: goFunc("func(fmt string, date time.Time) (time.Time, error)", (fmt: string, d: GoTime) =>
    modify(fmt, d, true),
  ),
  must_date_modify: goFunc("func(fmt string, date time.Time) (time.Time, error)", (fmt: string, d: GoTime) =>
    modify(fmt, d, true),
  ),
  ago: goFunc(
    "func(date interface {}) string",
    function (date: GoValue) {
      const t = timeOf(this, date, false);
      return formatDuration(roundDuration(sinceNanos(this, t), SECOND));
    },
    clock,
  ),
  duration: goFunc("func(sec interface {}) string", (sec: GoValue) => {
    let n = 0n;
    if (typeof sec === "string") n = parseInt64(sec, 10).value;
    else if (sec instanceof GoInt && sec.kind === "int64") n = sec.value;
    return formatDuration(INT64(n * SECOND));
  }),
  durationRound: goFunc(
    "func(duration interface {}) string",
    function (d: GoValue) {
      return durationRound(this, d);
    },
    clock,
  ),
  toDate: goFunc("func(fmt, str string) time.Time", function (fmt: string, str: string) {
    return toDate(this, fmt, str, false);
  }),
  mustToDate: goFunc("func(fmt, str string) (time.Time, error)", function (fmt: string, str: string) {
    return toDate(this, fmt, str, true);
  }),
  unixEpoch: goFunc("func(date time.Time) string", (d: GoTime) => String(d.unix)),
};
