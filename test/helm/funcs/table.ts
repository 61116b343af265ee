/**
 * Table tests of template functions through our engine: each row is a template expression
 * and what Helm 4.1.4 printed for `{{ EXPR | toString }}` (taken from the oracle), or — for a
 * row marked as an error — the message after Helm's "error calling NAME: ".
 */
import { expect, it } from "vitest";
import { buildFuncMap } from "../../../src/helm/funcs/index.js";
import { TemplateSet } from "../../../src/helm/template/index.js";
import { prng } from "../../support/random.js";
import { ourError } from "./harness.js";

export type Row = [expr: string, expected: string, isError?: boolean];

const set = new TemplateSet(buildFuncMap(), { missingKey: "zero", name: "gotpl" });
export const ctx = { templateName: "t", random: prng(7), now: () => Date.UTC(2024, 0, 2, 3, 4, 5) };

export function render(expr: string): { text: string; error: boolean } {
  try {
    set.parse("t", `{{ ${expr} | toString }}`);
    return { text: set.execute("t", null, ctx), error: false };
  } catch (e) {
    return { text: ourError((e as Error).message), error: true };
  }
}

export function table(rows: Row[]): void {
  it.each(rows)("%s", (expr, expected, isError = false) => {
    expect(render(expr)).toEqual({ text: expected, error: isError });
  });
}
