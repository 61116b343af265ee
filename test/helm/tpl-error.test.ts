/**
 * A tpl that calls itself: Helm's error quotes the template at each of the ~1,200 levels the
 * stack allows, so a template padded to 50 K characters made a 60 MB message (15 s, 2.3 GB).
 */
import { describe, expect, it } from "vitest";
import { loadChartFiles } from "../../src/helm/loader.js";
import { renderChart } from "../../src/helm/render.js";
import { MAX_TPL_ERROR_CHARS, tplErrorMessage } from "../../src/helm/tpl-error.js";

const enc = new TextEncoder();
const chartWith = (values: string) =>
  loadChartFiles([
    { name: "Chart.yaml", data: enc.encode("apiVersion: v2\nname: tc\nversion: 1.0.0\n") },
    { name: "values.yaml", data: enc.encode(values) },
    { name: "templates/t.yaml", data: enc.encode("x: {{ tpl .Values.t . }}\n") },
  ]);

function failure(values: string): string {
  try {
    renderChart(chartWith(values), { releaseName: "r", namespace: "ns", seed: "s", now: 0 });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("rendered");
}

describe("a failing tpl's message", () => {
  it("quotes the template whole, as Helm does, while short", () => {
    expect(tplErrorMessage("{{ fail 1 }}", "boom")).toBe(
      'error during tpl function execution for "{{ fail 1 }}": boom',
    );
    const message = failure('t: "{{ tpl .Values.t . }}"\n');
    const levels =
      message.split('error during tpl function execution for "{{ tpl .Values.t . }}": ').length - 1;
    expect(levels).toBeGreaterThan(200);
    expect(message).not.toContain("quoted in part");
  });

  it("quotes only the start of each level once long, so a self-calling tpl stays small", () => {
    const pad = "x".repeat(50_000);
    const message = failure(`t: "{{ tpl .Values.t . }}{{/* ${pad} */}}"\n`);
    expect(message).toContain("nest deeper than Slipway allows");
    expect(message).toContain(
      "(a template of 50031 characters, quoted in part: Slipway's limit for an error)",
    );
    expect(message.length).toBeLessThan(4 * MAX_TPL_ERROR_CHARS);
  });

  it("never cuts a surrogate pair", () => {
    const template = `${"a".repeat(199)}😀${"b".repeat(MAX_TPL_ERROR_CHARS)}`;
    expect(tplErrorMessage(template, "c")).toContain(`"${"a".repeat(199)}"…`);
  });
});
