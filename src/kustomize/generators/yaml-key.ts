/**
 * Whether go-yaml v3 reads `s`, written as a plain (unquoted) scalar, as something other
 * than a string. kyaml writes generated data keys untagged, so kustomize v5.5.0 re-reads a
 * key like `4`, `1.5`, `true`, `null`, `0x1F` or `2001-12-14` as a number/bool/null/time and
 * then fails ("json: unsupported type: map[interface {}]interface {}"); `<<` fails as a
 * merge key. `yes`, `on`, `y` are strings there (YAML 1.2 booleans only).
 */
export function plainScalarIsNotString(s: string): boolean {
  if (SPECIAL_WORDS.has(s)) return true;
  const first = s[0];
  if (first === undefined) return true;
  if (first === ".") return isGoFloat(s);
  if (!/[-+0-9]/.test(first)) return false;
  if (isTimestamp(s)) return true;
  const plain = s.replaceAll("_", "");
  return isGoInt(plain) || (YAML_STYLE_FLOAT.test(plain) && isGoFloat(plain));
}

const SPECIAL_WORDS = new Set([
  "true",
  "True",
  "TRUE",
  "false",
  "False",
  "FALSE",
  "~",
  "null",
  "Null",
  "NULL",
  ".nan",
  ".NaN",
  ".NAN",
  ".inf",
  ".Inf",
  ".INF",
  "+.inf",
  "+.Inf",
  "+.INF",
  "-.inf",
  "-.Inf",
  "-.INF",
  "<<",
]);

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

const INT64_MIN_ABS = 2n ** 63n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * strconv.ParseInt or ParseUint with base 0: sign, 0x/0o/0b prefixes (either case), leading-0
 * octal, in int64/uint64 range. Out-of-range decimals are caught by the float test instead.
 */
function isGoInt(s: string): boolean {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return false;
  const digits = m[2] as string;
  const lower =
    digits.length > 1 && /[xob]/i.test(digits[1] as string) ? `0${digits.slice(1).toLowerCase()}` : digits;
  const abs = /^0[0-7]+$/.test(lower) ? BigInt(`0o${lower.slice(1)}`) : BigInt(lower);
  return m[1] === "-" ? abs <= INT64_MIN_ABS : abs <= UINT64_MAX;
}

/** strconv.ParseFloat: decimal or hex floats, inf/nan words, underscores only after a base prefix. */
function isGoFloat(s: string): boolean {
  if (/^[-+]?(inf|infinity|nan)$/i.test(s)) return true;
  return (
    /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/.test(s) ||
    /^[-+]?0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][-+]?[0-9]+$/.test(s)
  );
}

/** go-yaml's timestamp forms (date, optionally `T`/`t`/space and a time), checked like time.Parse. */
function isTimestamp(s: string): boolean {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(?:Z|[-+]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?))?$/.exec(
      s,
    );
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
  if (day > days) return false;
  const h = m[4] ?? m[7];
  const min = m[5] ?? m[8];
  const sec = m[6] ?? m[9];
  if (h === undefined) return true;
  return Number(h) < 24 && Number(min) < 60 && Number(sec) < 60;
}
