import { describe, expect, it } from "vitest";
import { render } from "../funcs/table.js";

/**
 * Strings are ordered by their Go bytes, invalid bytes included (held as U+DC80–DCFF, see
 * gostring.ts): 0x80 sorts before é (C3 A9), 0xFF after U+FFFD (EF BF BD). Expected texts printed
 * by Helm 4.1.4; before src/go/compare.ts was the one ordering, `lt`, sortAlpha and `keys | sortAlpha`
 * put every invalid byte after all of the BMP.
 */
describe("Go string order with invalid bytes", () => {
  const list = `(list (b64dec "gA==") "é" (b64dec "/w==") "\\uFFFD" "z" "\\U0001F600" (b64dec "ww=="))`;
  it.each([
    [`sortAlpha ${list} | join "," | b64enc`, "eiyALMMsw6ks77+9LPCfmIAs/w=="],
    [`lt (b64dec "gA==") "é"`, "true"],
    [`lt (b64dec "/w==") "\\uFFFD"`, "false"],
    [`keys (dict (b64dec "gA==") 1 "é" 2) | sortAlpha | join "," | b64enc`, "gCzDqQ=="],
  ])("%s", (expr, expected) => {
    expect(render(expr)).toEqual({ text: expected, error: false });
  });
});
