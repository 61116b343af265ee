import { describe, expect, it } from "vitest";
import { plainScalarIsNotString } from "../../../src/kustomize/generators/yaml-key.js";

// Each key was tried as a configMapGenerator literal key with `kubectl kustomize` (v5.5.0):
// "fails" keys made kubectl fail, "works" keys rendered.
const FAILS = [
  "4",
  "-4",
  "1.5",
  "true",
  "True",
  "FALSE",
  "null",
  "~",
  "0x1F",
  "1e3",
  ".inf",
  "0o17",
  "017",
  "1_000",
  "False",
  "2001-12-14",
  "<<",
  "0b1",
  "019",
  "08",
  "1_0",
  "+5",
  "-.5",
  ".5",
  "1.",
  "2000-02-29",
  "2001-1-2",
  "2001-12-14t21:59:43.10-05:00",
  "99999999999999999999",
  "1__2",
  "+0b1",
  "0B1",
  "0O7",
  "1.5e+3",
];
const WORKS = [
  "yes",
  "y",
  "on",
  "1:20",
  "NO",
  "0b2",
  "0o8",
  ".",
  "1e",
  "0x",
  "2001-02-29",
  "0xFFFFFFFFFFFFFFFFFF",
  "_1",
  "inf",
  "NaN",
  "0x1p-2",
  "a1",
  "key",
  "a.b",
];

describe("plainScalarIsNotString", () => {
  it.each(FAILS)("%s is read back as a non-string", (k) => expect(plainScalarIsNotString(k)).toBe(true));
  it.each(WORKS)("%s stays a string", (k) => expect(plainScalarIsNotString(k)).toBe(false));
});
