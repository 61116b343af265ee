/**
 * Helm's reformatExecErrorMsg reads the start of every error of a chain (parseTraceable). Errors
 * that wrap another ("error calling include: " + the callee's message) are read from their start
 * only (messagePrefix): the answers must be those of the whole texts.
 */
import { describe, expect, it } from "vitest";
import { parseTraceable, UNDECIDED } from "../../src/helm/engine.js";
import { loadChartFiles } from "../../src/helm/loader.js";
import { renderChart } from "../../src/helm/render.js";
import { messagePrefix, TemplateError } from "../../src/helm/template/index.js";

describe("parseTraceable on the start of a text", () => {
  it("is undecided or the answer on the whole text (seeded texts of the parser's markers)", () => {
    let seed = 11;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pieces = [
      "template: ",
      "no template ",
      ": executing ",
      '"',
      " at <",
      ">: ",
      " template:",
      ": ",
      "x",
      "t.yaml:3:4",
      "error calling include",
      ">",
      "<",
    ];
    let decided = 0;
    for (let i = 0; i < 3000; i++) {
      let s = rand(3) === 0 ? "" : "template: ";
      const n = 1 + rand(14);
      for (let k = 0; k < n; k++) s += pieces[rand(pieces.length)];
      const whole = parseTraceable(s);
      for (let len = 0; len <= s.length; len++) {
        const part = parseTraceable(s.slice(0, len), false);
        if (part === UNDECIDED) continue;
        decided++;
        expect(part, `${JSON.stringify(s)} cut at ${len}`).toEqual(whole);
      }
    }
    expect(decided).toBeGreaterThan(1000);
  });
});

describe("messagePrefix", () => {
  const inner = new Error("rendering template: inner");
  const mid = new TemplateError("exec", `template: b: error calling f: ${inner.message}`, {
    template: "b",
    executing: "b",
    detail: "",
    cause: inner,
    wrapped: { head: "template: b: error calling f: ", inner },
  });
  const outer = new TemplateError("exec", `template: a: error calling g: ${mid.message}`, {
    template: "a",
    executing: "a",
    detail: "",
    cause: mid,
    wrapped: { head: "template: a: error calling g: ", inner: mid },
  });
  it.each([0, 1, 5, 30, 31, 40, 60, 61, 75, 200])("the first %i characters are the message's", (n) => {
    expect(messagePrefix(outer, n)).toBe(outer.message.slice(0, n));
  });
});

describe("an include recursing past Helm's limit", () => {
  const enc = new TextEncoder();
  const chart = loadChartFiles([
    { name: "Chart.yaml", data: enc.encode("apiVersion: v2\nname: tc\nversion: 1.0.0\n") },
    {
      name: "templates/t.yaml",
      data: enc.encode('{{- define "loop" }}{{ include "loop" . }}{{ end }}\nx: {{ include "loop" . }}\n'),
    },
  ]);
  it("fails with Go's whole nested message (reformatExecErrorMsg gives up on the last cause)", () => {
    let message = "";
    try {
      renderChart(chart, { releaseName: "r", namespace: "ns", seed: "s", now: 0 });
    } catch (e) {
      message = (e as Error).message;
    }
    const level =
      'template: tc/templates/t.yaml:1:23: executing "loop" at <include "loop" .>: error calling include: ';
    const head =
      'template: tc/templates/t.yaml:2:6: executing "tc/templates/t.yaml" at <include "loop" .>: error calling include: ';
    const tail = "rendering template has a nested reference name: loop: unable to execute template";
    expect(message.startsWith(head) && message.endsWith(tail)).toBe(true);
    // include counts the calls of a name: the outer one and 1001 nested; the next one fails.
    expect(message.slice(head.length, -tail.length).split(level).length - 1).toBe(1001);
    expect(message.slice(head.length, -tail.length).replaceAll(level, "")).toBe("");
  });
});

describe("an include of a long name recursing past Helm's limit", () => {
  const enc = new TextEncoder();
  // Longer than the first read of each message (TRACEABLE_PREFIX): each of the thousand nested
  // messages was then read whole, and the heap ran out after minutes.
  const name = "n".repeat(5000);
  const chart = loadChartFiles([
    { name: "Chart.yaml", data: enc.encode("apiVersion: v2\nname: tc\nversion: 1.0.0\n") },
    {
      name: "templates/t.yaml",
      data: enc.encode(
        `{{- define "${name}" }}{{ include "${name}" . }}{{ end }}\nx: {{ include "${name}" . }}\n`,
      ),
    },
  ]);
  it("fails with Go's whole nested message, read once", () => {
    let message = "";
    try {
      renderChart(chart, { releaseName: "r", namespace: "ns", seed: "s", now: 0 });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.startsWith("template: tc/templates/t.yaml:2:6: executing ")).toBe(true);
    expect(
      message.endsWith(`rendering template has a nested reference name: ${name}: unable to execute template`),
    ).toBe(true);
    expect(message.split("error calling include: ").length - 1).toBe(1002);
  });
});
