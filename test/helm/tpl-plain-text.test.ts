/**
 * tpl of a text without an action returns the text (minus `<no value>`) without parsing it: the
 * same output as the full path, which a leading comment action forces, and the same limits.
 */
import { describe, expect, it } from "vitest";
import { goFunc } from "../../src/helm/funcs/define.js";
import type { CallContext } from "../../src/helm/funcs/types.js";
import { loadChartFiles } from "../../src/helm/loader.js";
import { renderChart } from "../../src/helm/render.js";
import { enterTextOnlyExec, executeTree } from "../../src/helm/template/exec.js";
import { TemplateSet } from "../../src/helm/template/index.js";
import { NESTED_EXEC_BYTES, running } from "../../src/helm/template/stack-budget.js";

const enc = new TextEncoder();
const chartWith = (template: string, values: string) =>
  loadChartFiles([
    { name: "Chart.yaml", data: enc.encode("apiVersion: v2\nname: tc\nversion: 1.0.0\n") },
    { name: "values.yaml", data: enc.encode(values) },
    { name: "templates/t.yaml", data: enc.encode(template) },
  ]);

const render = (template: string, values: string): string => {
  const out = renderChart(chartWith(template, values), {
    releaseName: "r",
    namespace: "ns",
    seed: "s",
    now: 0,
  });
  return JSON.stringify(out);
};

const TEXTS = [
  "plain",
  "a<no value>b<no value>",
  "<no value>",
  "  spaces and\nlines\n\n",
  "one { brace } and }} closers {",
  "ünïcödé 😀 tab\there",
  "-",
];

describe("tpl of a text without an action", () => {
  it("renders as the full path does", () => {
    for (const t of TEXTS) {
      const values = `t: ${JSON.stringify(t)}\n`;
      const fast = render("x: {{ tpl .Values.t . | quote }}\n", values);
      // A comment action forces the parse and walk; it prints nothing.
      const full = render('x: {{ tpl (print "{{/* */}}" .Values.t) . | quote }}\n', values);
      expect(fast, t).toBe(full);
    }
  });

  it("is not parsed", () => {
    const text = "never parsed: a text of its own 7f3c";
    render("x: {{ tpl .Values.t . | quote }}\n", `t: ${JSON.stringify(text)}\n`);
    expect(new TemplateSet(new Map()).parsedText("gotpl", text)).toBeUndefined();
    const withAction = "parsed: {{ 1 }} 7f3c";
    render("x: {{ tpl .Values.t . | quote }}\n", `t: ${JSON.stringify(withAction)}\n`);
    expect(new TemplateSet(new Map()).parsedText("gotpl", withAction)).toBeDefined();
  });

  it("pays for a nested execution as executeTree does: the step and the stack it needs", () => {
    // Inside an execution, with the stack left set around the boundary: the fast path is taken
    // exactly when the full execution of a text-only tree succeeds.
    const textTree = new TemplateSet(new Map()).parse("gotpl", "plain").tree;
    const seen: string[] = [];
    const probe = goFunc("func() string", function (this: CallContext) {
      const saved = running.left;
      try {
        for (const left of [NESTED_EXEC_BYTES - 1, NESTED_EXEC_BYTES, NESTED_EXEC_BYTES + 1]) {
          running.left = left;
          let full: string;
          try {
            full = executeTree(set, "gotpl", textTree, null, this);
          } catch (e) {
            full = `error: ${(e as Error).message}`;
          }
          running.left = left;
          seen.push(`${left - NESTED_EXEC_BYTES} ${enterTextOnlyExec(5)} ${full}`);
        }
      } finally {
        running.left = saved;
      }
      return "";
    });
    const set = new TemplateSet(new Map([["probe", probe]]));
    set.parse("t", "{{ probe }}");
    set.execute("t", null, { templateName: "t", random: Math.random, now: Date.now });
    expect(seen[0]).toMatch(/^-1 false error: .*nest deeper than Slipway allows/);
    expect(seen.slice(1)).toEqual(["0 true plain", "1 true plain"]);
    // Outside an execution there is no budget to charge: the full path runs.
    expect(enterTextOnlyExec(5)).toBe(false);
  });
});
