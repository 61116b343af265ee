/**
 * Hostile nesting never runs the process out of stack. V8 compiles a regexp lazily (first run,
 * tier-up) and, with the stack nearly gone, aborts the whole process instead of throwing
 * ("RegExpCompiler Allocation failed - process out of memory"): code that recursed until
 * "Maximum call stack size exceeded" and caught it crashed on some inputs at some stack depths,
 * naming nothing. Each input here goes through a public entry point (renderChart, buildYaml) of
 * the built dist/ in a child node, started at many stack depths of the caller, with V8's default
 * stack and the CLI's --stack-size=3900: the child must exit normally with the same clean error
 * at every depth. Run `npm run build` first (as CI does); the child is
 * fixtures/stack-exhaustion-child.mjs.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = path.dirname(fileURLToPath(import.meta.url));
const child = path.join(here, "fixtures/stack-exhaustion-child.mjs");
const dist = process.env.STACKGUARD_DIST ?? path.join(here, "../../dist");

const TEMPLATE_CALLS =
  /template calls \(include, tpl, template\) and blocks nest deeper than Slipway allows with a \d+ KB stack/;
const PARSE_NESTING =
  /blocks and parenthesized pipelines nest deeper than Slipway allows with a \d+ KB stack/;
const VALUES = /values nest deeper than Slipway allows with a \d+ KB stack/;

/** Each input and the error it must end with; both stack sizes unless `stack` names one. */
const CASES: Array<{ name: string; expect: RegExp }> = [
  // Helm's own limit (1000 nested includes of a name) where the stack allows it, else Slipway's.
  {
    name: "include",
    expect:
      /rendering template has a nested reference name: loop: unable to execute template$|Slipway allows/,
  },
  { name: "includeTwoNames", expect: TEMPLATE_CALLS },
  // Go's error for an endless {{template}} recursion, reported at Slipway's depth.
  { name: "template", expect: /^RenderError: +exceeded maximum template depth \(100000\)$/ },
  { name: "tpl", expect: TEMPLATE_CALLS },
  // The tpl's parse gets what the includes around it left: it fails first, or the includes do.
  {
    name: "tplDeepParse",
    expect: new RegExp(`template: gotpl:1: ${PARSE_NESTING.source}|${TEMPLATE_CALLS.source}`),
  },
  { name: "parens", expect: PARSE_NESTING },
  { name: "ifs", expect: PARSE_NESTING },
  { name: "elseIfs", expect: PARSE_NESTING },
  { name: "blocks", expect: PARSE_NESTING },
  { name: "toYaml", expect: new RegExp(`error calling toYaml: ${VALUES.source}`) },
  { name: "toJson", expect: new RegExp(`error calling toJson: ${VALUES.source}`) },
  { name: "deepCopy", expect: new RegExp(`error calling deepCopy: ${VALUES.source}`) },
  { name: "mergeOverwrite", expect: new RegExp(`error calling mergeOverwrite: ${VALUES.source}`) },
  { name: "toToml", expect: new RegExp(`error calling toToml: ${VALUES.source}`) },
  { name: "printfAtDepth", expect: TEMPLATE_CALLS },
  { name: "regexAtDepth", expect: TEMPLATE_CALLS },
  { name: "kustomizeChain", expect: /kustomizations nested more than \d+ levels deep/ },
  // Block nesting in a chart's values: the `yaml` package's composer recursed on it and aborted
  // at some caller depths until src/yaml measured the depth on the parser's tokens first.
  {
    name: "valuesBlockYaml",
    expect:
      /cannot load values\.yaml: cannot unmarshal yaml document: error converting YAML to JSON: yaml: line 2: collections nested deeper than 256 levels/,
  },
];

/** Caller depths: 0 to 2100 frames of a small function (~0-200 KB), in steps of 7. */
const FROM = 0;
const TO = 2100;
const STEP = 7;

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: string[];
  stderr: string;
}

function runChild(name: string, flags: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [...flags, child, dist, name, String(FROM), String(TO), String(STEP)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    p.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    p.on("close", (code, signal) =>
      resolve({ code, signal, lines: out.split("\n").filter(Boolean), stderr: err }),
    );
  });
}

describe.skipIf(!existsSync(path.join(dist, "helm/render.js")))(
  "hostile nesting at every caller stack depth",
  () => {
    for (const stack of [[], ["--stack-size=3900"]]) {
      const label = stack.length === 0 ? "V8's default stack" : stack[0];
      it.each(CASES)(
        `$name ends with its clean error (${label})`,
        async ({ name, expect: want }) => {
          const r = await runChild(name, stack);
          // An abort (the regexp compiler out of stack) is a signal and a FATAL ERROR on stderr.
          expect({ code: r.code, signal: r.signal, fatal: /FATAL ERROR/.test(r.stderr) }).toEqual({
            code: 0,
            signal: null,
            fatal: false,
          });
          expect(r.lines).toHaveLength(Math.floor((TO - FROM) / STEP) + 1);
          const outcomes = new Set(r.lines.map((l) => l.slice(l.indexOf("\t") + 1)));
          for (const o of outcomes) {
            expect(o).not.toMatch(/RangeError|call stack/);
            expect(o).toMatch(want);
          }
          // The same error at every depth: the limit is counted, not wherever the stack ran out.
          expect(outcomes.size).toBe(1);
        },
        120_000,
      );
    }
  },
);
