import { describe, expect, it } from "vitest";
import { goGzipFailure, goTarFailure } from "../../src/helm/archive-errors.js";
import { slogLine } from "../../src/helm/slog.js";
import { detectContentType } from "../../src/helm/sniff.js";
import { goSyntax, RawInt, RawMap, yamlText } from "../../src/helm/yaml.js";

/**
 * The Go texts Slipway reproduces in Helm's errors and warnings, without the oracle
 * (test/helm/hostile.test.ts compares them with Helm 4.1.4 itself).
 */

const bytes = (s: string) => Buffer.from(s, "latin1");

describe("http.DetectContentType of the 512 bytes Helm sniffs", () => {
  it.each([
    ["short text (zero padding makes it binary)", "hello\n", "application/octet-stream"],
    ["512 bytes of text", "x".repeat(512), "text/plain; charset=utf-8"],
    ["HTML after spaces", "  <!DOCTYPE html><html>", "text/html; charset=utf-8"],
    ["an XML declaration", "<?xml version='1.0'?>", "text/xml; charset=utf-8"],
    ["a zip", "PK\x03\x04rest", "application/zip"],
    ["a PNG", "\x89PNG\r\n\x1a\n....", "image/png"],
    ["a UTF-8 BOM", "\xef\xbb\xbfname: x", "text/plain; charset=utf-8"],
  ])("%s", (_, head, type) => expect(detectContentType(bytes(head))).toBe(type));
});

describe("Go's gzip and tar errors", () => {
  it.each([
    ["nothing", "", "EOF"],
    ["less than a header", "\x1f\x8b\x08", "unexpected EOF"],
    ["not gzip", "0123456789abcdef", "gzip: invalid header"],
  ])("gzip: %s", (_, input, message) =>
    expect(goGzipFailure(bytes(input), "incorrect header check")).toBe(message),
  );

  it.each([
    ["no blocks", Buffer.alloc(0), undefined],
    ["two zero blocks", Buffer.alloc(1024), undefined],
    ["one zero block", Buffer.alloc(512), undefined],
    ["a partial block", Buffer.alloc(100, 1), "unexpected EOF"],
    ["a block of garbage", Buffer.alloc(512, 0x41), "archive/tar: invalid tar header"],
    [
      "a zero block, then garbage",
      Buffer.concat([Buffer.alloc(512), Buffer.alloc(512, 0x41)]),
      "archive/tar: invalid tar header",
    ],
  ])("tar: %s", (_, input, message) => expect(goTarFailure(input)).toBe(message));
});

describe("log/slog text lines", () => {
  it.each([
    [
      [
        "WARN",
        "returned non-bool value",
        [
          ["tag", "t"],
          ["chart", "s"],
        ],
      ],
      'level=WARN msg="returned non-bool value" tag=t chart=s',
    ],
    [["INFO", "a=b", []], 'level=INFO msg="a=b"'],
    [
      [
        "ERROR",
        "x",
        [
          ["error", 'say "hi"'],
          ["empty", ""],
        ],
      ],
      'level=ERROR msg=x error="say \\"hi\\"" empty=""',
    ],
  ] as const)("%j", ([level, msg, attrs], line) => expect(slogLine(level, msg, attrs)).toBe(line));
});

describe("go-yaml's reader and fmt's %#v of its values", () => {
  it.each([
    ["a lone continuation byte", [0x61, 0x80], "yaml: invalid leading UTF-8 octet"],
    ["a bad trailing byte", [0xc3, 0x28], "yaml: invalid trailing UTF-8 octet"],
    ["a cut sequence", [0x61, 0xe2, 0x82], "yaml: incomplete UTF-8 octet sequence"],
    ["an overlong form", [0xc0, 0x80], "yaml: invalid length of a UTF-8 sequence"],
    ["a surrogate", [0xed, 0xa0, 0x80], "yaml: invalid Unicode character"],
  ])("refuses %s", (_, input, message) =>
    expect(() => yamlText(Uint8Array.from(input), "f")).toThrow(message),
  );

  it("prints keys and values as fmt's %#v", () => {
    const m = new RawMap();
    m.entries.push(["b", [new RawInt(1n), null, 2.5]], ["a", true]);
    expect(goSyntax(m)).toBe(
      'map[interface {}]interface {}{"a":true, "b":[]interface {}{1, interface {}(nil), 2.5}}',
    );
    expect(goSyntax(new RawInt(18446744073709551615n))).toBe("0xffffffffffffffff");
    expect(goSyntax(null)).toBe("<nil>");
  });
});
