import { describe } from "vitest";
import { table } from "./table.js";

// Expected values printed by Helm 4.1.4 (`{{ EXPR | toString }}`).
describe("dates", () => {
  table([
    ['dateInZone "2006-01-02T15:04:05Z07:00" 1700000000 "UTC"', "2023-11-14T22:13:20Z"],
    ['dateInZone "Mon Jan 2 2006" 0 "UTC"', "Thu Jan 1 1970"],
    [
      'dateInZone "Monday January _2 15:04:05.000 PM MST -0700 Z07:00 __2 002 06 3 03 4 5 pm" (int64 1700000000) "America/New_York"',
      "Tuesday November 14 17:13:20.000 PM EST -0500 -05:00 318 318 23 5 05 13 20 pm",
    ],
    ['dateInZone "2006-01-02 15:04 MST" (int64 1720000000) "Europe/Berlin"', "2024-07-03 11:46 CEST"],
    ['dateInZone "15:04 MST" (int64 1720000000) "Asia/Kolkata"', "15:16 IST"],
    ['dateInZone "15:04 MST" (int64 1720000000) "Asia/Dubai"', "13:46 +04"],
    ['dateInZone "15:04 MST" (int64 1720000000) "Asia/Tokyo"', "18:46 JST"],
    ['dateInZone "15:04 MST" (int64 1720000000) "america/new_york"', "09:46 UTC"],
    ['dateInZone "15:04 MST" (int64 1720000000) "Bogus/Zone"', "09:46 UTC"],
    ['dateInZone "2006-01-02" (int64 -62135596800) "UTC"', "0001-01-01"],
    ["duration 95", "0s"],
    ['duration "3600"', "1h0m0s"],
    ["duration (int64 90061)", "25h1m1s"],
    ['duration "99999999999"', "2157299h53m50.45224192s"],
    ['durationRound "2h10m5s"', "2h"],
    ['durationRound "400h"', "16d"],
    ['durationRound "3s"', "3s"],
    ['durationRound "-90m"', "1h"],
    ["durationRound (int64 59000000000)", "59s"],
    ['durationRound "bogus"', "0s"],
    ['htmlDateInZone 1700000000 "UTC"', "2023-11-14"],
    ['toDate "2006-01-02T15:04:05Z07:00" "2024-02-29T12:30:00Z" | unixEpoch', "1709209800"],
    ['toDate "2006-01-02T15:04:05Z07:00" "2024-02-29T12:30:00+02:00"', "2024-02-29 12:30:00 +0200 +0200"],
    ['toDate "2006-01-02" "2024-02-30"', "0001-01-01 00:00:00 +0000 UTC"],
    ['toDate "2006-01-02" "x"', "0001-01-01 00:00:00 +0000 UTC"],
    ['mustToDate "2006-01-02" "2024-02-30"', 'parsing time "2024-02-30": day out of range', true],
    ['mustToDate "2006-01-02" "2024-13-01"', 'parsing time "2024-13-01": month out of range', true],
    ['mustToDate "2006-01-02" "x"', 'parsing time "x" as "2006-01-02": cannot parse "x" as "2006"', true],
    // Go's skip quotes what is left after the bytes that matched the layout's literal text.
    [
      'mustToDate "true" "tab\\tsep"',
      'parsing time "tab\\x09sep" as "true": cannot parse "ab\\x09sep" as "true"',
      true,
    ],
    [
      'mustToDate "xyz2006" "xyq2024"',
      'parsing time "xyq2024" as "xyz2006": cannot parse "q2024" as "xyz"',
      true,
    ],
    [
      'mustToDate "2006 ab" "2024 ac"',
      'parsing time "2024 ac" as "2006 ab": cannot parse "c" as " ab"',
      true,
    ],
    [
      'mustToDate "é2006" "è2024"',
      'parsing time "\\xc3\\xa82024" as "\\xc3\\xa92006": cannot parse "\\xa82024" as "\\xc3\\xa9"',
      true,
    ],
    [
      'mustToDate "😀2006" "😁2024"',
      'parsing time "\\xf0\\x9f\\x98\\x812024" as "\\xf0\\x9f\\x98\\x802006": cannot parse "\\x812024" as "\\xf0\\x9f\\x98\\x80"',
      true,
    ],
    [
      'mustToDate "2006-01-02" "2024-01-01 extra"',
      'parsing time "2024-01-01 extra": extra text: " extra"',
      true,
    ],
    [
      'mustToDate "Jan 2 2006 3:04:05.000000 PM MST" "Feb 3 2013 7:54:12.123456 PM PST"',
      "2013-02-03 19:54:12.123456 +0000 PST",
    ],
    ['toDate "2006-01-02 15:04:05.999999999" "2024-01-02 03:04:05.5"', "2024-01-02 03:04:05.5 +0000 UTC"],
    [
      'dateInZone "2006-01-02" (dateModify "48h" (toDate "2006-01-02T15:04:05Z07:00" "2024-02-28T00:00:00Z")) "UTC"',
      "2024-03-01",
    ],
    ['dateModify "bogus" (toDate "2006-01-02" "2024-01-01")', "2024-01-01 00:00:00 +0000 UTC"],
    ['mustDateModify "bogus" (toDate "2006-01-02" "2024-01-01")', 'time: invalid duration "bogus"', true],
    ['mustDateModify "1.5h" (toDate "2006-01-02" "2024-01-01")', "2024-01-01 01:30:00 +0000 UTC"],
    ['mustDateModify "-3m2.25s" (toDate "2006-01-02" "2024-01-01")', "2023-12-31 23:56:57.75 +0000 UTC"],
    [
      'mustDateModify "1x" (toDate "2006-01-02" "2024-01-01")',
      'time: unknown unit "x" in duration "1x"',
      true,
    ],
    ['mustDateModify "1" (toDate "2006-01-02" "2024-01-01")', 'time: missing unit in duration "1"', true],
    ['toJson (toDate "2006-01-02" "2024-01-01")', '"2024-01-01T00:00:00Z"'],
    ['typeOf (toDate "2006-01-02" "2024-01-01")', "time.Time"],
    ['(toDate "2006-01-02" "2024-03-05").Year', "2024"],
  ]);
});
