import { describe } from "vitest";
import { table } from "./table.js";

// Expected values printed by Helm 4.1.4 (`{{ EXPR | toString }}`).
describe("strings", () => {
  table([
    ['upper "ünïcode straße ǆ"', "ÜNÏCODE STRAßE Ǆ"],
    ['lower "İSTANBUL ΣΑΣ"', "istanbul σασ"],
    ['title "hello wORLD-foo_bar ǆx élan"', "Hello WORLD-Foo_bar ǅx Élan"],
    ['untitle "Hello World  Foo"', "hello world  foo"],
    ['swapcase "Hello wORLD ǅx"', "hELLO World ǆX"],
    ['substr 1 3 "héllo"', "é"],
    ['substr -1 2 "abc"', "ab"],
    ['substr 2 10 "abcdef"', "cdef"],
    ['substr 4 2 "abcdef"', "runtime error: slice bounds out of range [4:2]", true],
    ['substr -1 10 "abc"', "runtime error: slice bounds out of range [:10] with length 3", true],
    ['trunc -2 "héllo"', "lo"],
    ['trunc 3 "héllo"', "hé"],
    ['abbrev 6 "héllo world"', "hé..."],
    ['abbrevboth 5 10 "1234 5678 9123 4567"', "...5678..."],
    ['initials "élan vital  x"', "Ãvx"],
    ['nospace "a b\\tc é x"', "abcÃ©x"],
    ['repeat -1 "x"', "strings: negative Repeat count", true],
    ['wrap 5 "The quick brown fox"', "The\nquick\nbrown\nfox"],
    ['wrapWith 5 "<br>" "Thequickbrownfox jumps"', "Thequ<br>ickbr<br>ownfo<br>x<br>jumps"],
    ['indent 2 "a\\nb"', "  a\n  b"],
    ['nindent 2 "a"', "\n  a"],
    ['quote "a\\"b" nil 1 (list 1)', '"a\\"b" "1" "[1]"'],
    ['squote "a" nil 1.5', "'a' '1.5'"],
    ['cat "a" nil 1 (list 2)', "a 1 [2]"],
    ['replace "" "-" "héllo"', "-h-é-l-l-o-"],
    ['plural "one" "many" 2', "many"],
    ['trim "  \\u00a0x\\u3000 "', "x"],
    ['trimAll "-_" "-_x-y_-"', "x-y"],
    ['trimPrefix "ab" "abab"', "ab"],
    ['trimSuffix "ab" "abab"', "ab"],
    ['contains "é" "café"', "true"],
    ['hasPrefix "" "x"', "true"],
    ['splitList "" "héllo"', "[h é l l o]"],
    ['split "," "a,b,,c"', "map[_0:a _1:b _2: _3:c]"],
    ['splitn "," 2 "a,b,c"', "map[_0:a _1:b,c]"],
    ['splitn "," 0 "a,b,c"', "map[]"],
    ['snakecase "XMLHttpRequest2 Bld4Floor3rd HTTP2xx"', "xml_http_request2_bld4_floor_3rd_http_2xx"],
    ['kebabcase "already_snake-case and MoreWords"', "already-snake-case-and-more-words"],
    ['camelcase "some_words_here-and more"', "SomeWordsHereAndMore"],
    ['toStrings (list 1 "a" nil (list 2))', "[1 a [2]]"],
    ['join "," (list 1 "a" nil)', "1,a"],
    ['sortAlpha (list "b" "B" "a" 10 "é")', "[10 B a b é]"],
    ['sortAlpha "x"', "[x]"],
    ['toString (list 1 nil "a")', "[1 <nil> a]"],
    ['b64dec "YWJj\\r\\nZGVm"', "abcdef"],
    ['b64dec "YQ=x"', "illegal base64 data at input byte 2"],
    ['b32enc "héllo"', "NDB2S3DMN4======"],
    ['b32dec "MFRGG==="', "abc"],
  ]);
});

// wrapWith repeats its separator at every break: a 30 MB argument and a 40-byte separator ask for
// 600 MB. Slipway gathered the bytes in a JavaScript array, and past V8's largest array the
// process died ("Fatal JavaScript invalid size error", exit 133) with no file named. Now the
// size is counted first and, past repeat's limit, the call fails.
describe("wrap output beyond Slipway's limit", () => {
  table([
    [
      'len (wrapWith 1 (repeat 40 "-") (repeat 15000000 "a "))',
      "wrapWith: output of 615000000 bytes is too large to render",
      true,
    ],
    ['len (wrapWith 1 (repeat 40 "-") (repeat 1000000 "a "))', "41000000"],
  ]);
});

// A string can double through printf, cat or repeat up to JavaScript's longest (512 Mi
// characters). Functions that walk one by rune (title, swapcase, camelcase, shuffle, fromJson)
// then built arrays past V8's largest: "Fatal JavaScript invalid size error", the process gone
// with no file named. No function result may be longer than a template's whole output may be.
describe("function results longer than a template's output limit", () => {
  const limit = "is more than Slipway's limit of 67108864 (a template's output has the same limit)";
  table([
    ['len (title (repeat 150000000 "a"))', `repeat: a result of 150000000 characters ${limit}`, true],
    [
      'len (printf "%s%s" (repeat 40000000 "a") (repeat 40000000 "a"))',
      `printf: a result of 80000000 characters ${limit}`,
      true,
    ],
    ['len (repeat 67108864 "a")', "67108864"],
  ]);
});
