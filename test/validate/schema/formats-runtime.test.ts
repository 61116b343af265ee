/**
 * The lazy stand-in for kubernetes-models' runtime package (src/validate/schema/formats-runtime.ts)
 * holds the package's `formats` table: the same names, ajv-formats' and draft-2019's very
 * objects, and the package's own definitions (byte, quantity, string, cidr) answering alike.
 */
import { createRequire, Module } from "node:module";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  DRAFT2019_FORMATS,
  installFormatsRuntime,
  lazyFormats,
} from "../../../src/validate/schema/formats-runtime.js";

const require = createRequire(import.meta.url);
const schemaFile = path.join(
  path.dirname(require.resolve("kubernetes-models/package.json")),
  "_schemas",
  "x.js",
);
const entry = createRequire(schemaFile).resolve("@kubernetes-models/validate");
const packageRequire = createRequire(entry);
const cache = (Module as unknown as { _cache: Record<string, unknown> })._cache;

type Format = { type?: string; validate: ((v: string) => boolean) | RegExp };
const answer = (f: Format, v: string) => (f.validate instanceof RegExp ? f.validate.test(v) : f.validate(v));

const SAMPLES = [
  "",
  "0",
  "100m",
  "1.5Gi",
  "-1e3",
  "+.5Ki",
  "2da",
  "1ki",
  "abc",
  "YWJj",
  "YWI=",
  "YQ==",
  "YWJ",
  "10.0.0.0/8",
  "::1/128",
  "10.0.0.1",
  "2026-12-03T20:00:00Z",
  "P1D",
  "x y",
];

describe("kubernetes-models runtime formats", () => {
  it("hold the package's table: the same names, objects and answers", () => {
    const real = (packageRequire(entry) as { formats: Record<string, Format> }).formats;
    const lazy = lazyFormats(packageRequire);
    expect(Object.keys(lazy).sort()).toEqual(Object.keys(real).sort());
    const own = ["byte", "quantity", "string", "cidr"];
    for (const name of Object.keys(real)) {
      if (own.includes(name)) continue;
      expect([name, lazy[name]]).toEqual([name, real[name]]);
      expect(lazy[name]).toBe(real[name]);
    }
    for (const name of own) {
      expect([name, lazy[name]!.type]).toEqual([name, real[name]!.type]);
      for (const v of SAMPLES)
        expect([name, v, answer(lazy[name]!, v)]).toEqual([name, v, answer(real[name]!, v)]);
    }
    expect((lazy.quantity!.validate as RegExp).source).toBe((real.quantity!.validate as RegExp).source);
    expect(DRAFT2019_FORMATS.every((n) => n in real)).toBe(true);
  });

  it("is what the schema modules' require gives once installed, unless the package is loaded", () => {
    const saved = cache[entry];
    try {
      delete cache[entry];
      installFormatsRuntime([schemaFile]);
      const installed = createRequire(schemaFile)("@kubernetes-models/validate") as {
        formats: Record<string, Format>;
        runValidateFunc: unknown;
      };
      expect(installed).not.toBe(saved && (saved as { exports: unknown }).exports);
      const real = (
        packageRequire(path.join(path.dirname(entry), "formats.js")) as { formats: Record<string, Format> }
      ).formats;
      expect(installed.formats.int32).toBe(real.int32);
      expect(installed.formats["date-time"]).toBe(real["date-time"]);
      expect(typeof installed.runValidateFunc).toBe("function");
      // Installed already: left alone.
      installFormatsRuntime([schemaFile]);
      expect(createRequire(schemaFile)("@kubernetes-models/validate")).toBe(installed);
    } finally {
      if (saved === undefined) delete cache[entry];
      else cache[entry] = saved;
    }
  });
});
