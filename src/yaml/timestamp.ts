/**
 * YAML timestamps as go-yaml reads them: Go's `time.Parse` with the four layouts go-yaml v2/v3
 * allow ("2006-1-2T15:4:5.999999999Z07:00", the same with a lower-case "t",
 * "2006-1-2 15:4:5.999999999" and "2006-1-2"). Written from the layout rules, not by
 * pattern matching on "looks like a date": Go validates ranges (month 1-12, the day within
 * the month, hour < 24, minute and second < 60, zone hour <= 24).
 */

export interface GoTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** fractional-second digits exactly as Go keeps them (at most 9) */
  nanos: number;
  /** offset from UTC in minutes */
  offsetMinutes: number;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

function daysIn(month: number, year: number): number {
  if (month === 2) {
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    return leap ? 29 : 28;
  }
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** Go's getnum(value, fixed=false): one digit, or two when the second is a digit too. */
function getnum(s: string, pos: number): [number, number] | undefined {
  if (!isDigit(s[pos])) return undefined;
  if (!isDigit(s[pos + 1])) return [Number(s[pos]), pos + 1];
  return [Number(s.slice(pos, pos + 2)), pos + 2];
}

type Sep = "T" | "t" | " " | "";

function parseWithLayout(s: string, sep: Sep): GoTime | undefined {
  // "2006-1-2": four-digit year, then one- or two-digit month and day.
  if (!/^\d{4}-/.test(s)) return undefined;
  const year = Number(s.slice(0, 4));
  let p = 5;
  const mo = getnum(s, p);
  if (!mo || mo[0] < 1 || mo[0] > 12) return undefined;
  p = mo[1];
  if (s[p] !== "-") return undefined;
  const dd = getnum(s, p + 1);
  if (!dd || dd[0] > 31) return undefined;
  p = dd[1];
  const t: GoTime = {
    year,
    month: mo[0],
    day: dd[0],
    hour: 0,
    minute: 0,
    second: 0,
    nanos: 0,
    offsetMinutes: 0,
  };
  if (sep !== "") {
    if (sep === " ") {
      // A space in a Go layout matches one or more spaces.
      if (p < s.length && s[p] !== " ") return undefined;
      while (s[p] === " ") p++;
    } else {
      if (s[p] !== sep) return undefined;
      p++;
    }
    const h = getnum(s, p);
    if (!h || h[0] >= 24 || s[h[1]] !== ":") return undefined;
    const mi = getnum(s, h[1] + 1);
    if (!mi || mi[0] >= 60 || s[mi[1]] !== ":") return undefined;
    const se = getnum(s, mi[1] + 1);
    if (!se || se[0] >= 60) return undefined;
    t.hour = h[0];
    t.minute = mi[0];
    t.second = se[0];
    p = se[1];
    if ((s[p] === "." || s[p] === ",") && isDigit(s[p + 1])) {
      let q = p + 1;
      while (isDigit(s[q])) q++;
      // Go keeps at most nine digits and scales the rest away.
      t.nanos = Number(s.slice(p + 1, Math.min(q, p + 10)).padEnd(9, "0"));
      p = q;
    }
    if (sep !== " ") {
      if (s[p] === "Z") {
        p++;
      } else {
        const z = s.slice(p, p + 6);
        if (z.length < 6 || z[3] !== ":") return undefined;
        if (!isDigit(z[1]) || !isDigit(z[2]) || !isDigit(z[4]) || !isDigit(z[5])) return undefined;
        const zh = Number(z.slice(1, 3));
        const zm = Number(z.slice(4, 6));
        if (zh > 24 || zm > 60) return undefined;
        if (z[0] === "+") t.offsetMinutes = zh * 60 + zm;
        else if (z[0] === "-") t.offsetMinutes = -(zh * 60 + zm);
        else return undefined;
        p += 6;
      }
    }
  }
  if (p !== s.length) return undefined;
  if (t.day < 1 || t.day > daysIn(t.month, t.year)) return undefined;
  return t;
}

/** go-yaml's parseTimestamp: the first of the four layouts that parses. */
export function parseGoYamlTimestamp(s: string): GoTime | undefined {
  // Quick check, as go-yaml does: all formats start with four digits and a dash.
  if (s.length < 5 || s[4] !== "-") return undefined;
  return (
    parseWithLayout(s, "T") ?? parseWithLayout(s, "t") ?? parseWithLayout(s, " ") ?? parseWithLayout(s, "")
  );
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");

/**
 * `time.Time.MarshalJSON` (RFC 3339 with trimmed nanoseconds). Returns undefined where Go
 * refuses: a zone offset of 24 hours or more.
 */
export function formatRfc3339Nano(t: GoTime): string | undefined {
  let out = `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}T${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}`;
  if (t.nanos !== 0) out += `.${pad(t.nanos, 9).replace(/0+$/, "")}`;
  if (t.offsetMinutes === 0) return `${out}Z`;
  const abs = Math.abs(t.offsetMinutes);
  if (Math.floor(abs / 60) >= 24) return undefined;
  return `${out}${t.offsetMinutes < 0 ? "-" : "+"}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
}
