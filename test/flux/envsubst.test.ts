// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} is the substitution syntax under test
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { SlipwayError } from "../../src/errors.js";
import { EnvsubstError, substituteVariables } from "../../src/flux/envsubst.js";
import { MAX_EXPRESSION_NESTING, NESTING_LIMIT_REASON } from "../../src/flux/envsubst-parse.js";
import { hasShared, requires, sharedDir } from "../support/env.js";

interface Row {
  input: string;
  vars: Record<string, string>;
  strict: boolean;
  output?: string;
  error?: string;
}

function rows(file: string): Row[] {
  return JSON.parse(readFileSync(path.join(sharedDir, "flux/vectors/pkg-envsubst", file), "utf8")) as Row[];
}

function run(row: Row): { output?: string; error?: string } {
  try {
    return { output: substituteVariables(row.input, row.vars, { strict: row.strict }) };
  } catch (err) {
    if (!(err instanceof EnvsubstError)) throw err;
    return { error: err.panic ? `PANIC: ${err.reason}` : err.reason };
  }
}

describe.runIf(requires("shared"))("envsubst vectors (fluxcd/pkg envsubst v1.7.0)", () => {
  for (const file of ["upstream-cases.json", "derived-cases.json"]) {
    describe(file, () => {
      for (const [i, row] of (hasShared ? rows(file) : []).entries()) {
        it(`#${i} ${JSON.stringify(row.input)}${row.strict ? " (strict)" : ""}`, () => {
          const expected = row.error !== undefined ? { error: row.error } : { output: row.output };
          expect(run(row)).toEqual(expected);
        });
      }
    });
  }
});

const sub = (text: string, vars: Record<string, string> = {}, strict = true) =>
  substituteVariables(text, vars, { strict });

function failure(text: string, vars: Record<string, string> = {}, strict = true): EnvsubstError {
  try {
    sub(text, vars, strict);
  } catch (err) {
    if (err instanceof EnvsubstError) return err;
    throw err;
  }
  throw new Error(`expected ${text} to fail`);
}

describe("substituteVariables", () => {
  it("substitutes ${var} and leaves $var alone", () => {
    expect(sub("a: ${x}\nb: $x\n", { x: "1" })).toBe("a: 1\nb: $x\n");
  });

  it("treats every default operator alike: value if non-empty, else the default", () => {
    for (const op of [":=", ":-", "=", ":?", ":+"]) {
      expect(sub(`\${v${op}d}`, { v: "set" })).toBe("set");
      expect(sub(`\${v${op}d}`, { v: "" })).toBe("d");
      expect(sub(`\${v${op}d}`, {})).toBe("d");
    }
  });

  it("rejects bash operators envsubst does not support", () => {
    for (const text of ["${v-d}", "${v+d}", "${v?d}"])
      expect(failure(text).reason).toBe("missing closing brace");
  });

  it("unescapes $$ everywhere outside expressions", () => {
    expect(sub("$${x} $$ $$$ ${x}", { x: "1" })).toBe("${x} $ $$ 1");
  });

  it("allows nested expressions and colons in defaults", () => {
    expect(sub("${a:=${b:=x}:${c}}", { c: "3" })).toBe("x:3");
  });

  it("names the variable in strict mode, and only there", () => {
    const err = failure("ok\n  image: ${registry}/app");
    expect(err).toBeInstanceOf(SlipwayError);
    expect(err.variable).toBe("registry");
    expect(err.message).toBe('variable substitution failed: variable not set (strict mode): "registry"');
    expect(err.index).toBe(12);
    expect(sub("${registry}", {}, false)).toBe("");
  });

  it("does not count a defined empty value as missing", () => {
    expect(sub("[${e}]", { e: "" })).toBe("[]");
  });

  it("fails nested defaults eagerly in strict mode", () => {
    expect(failure("${set:=${missing}}", { set: "1" }).variable).toBe("missing");
  });

  it("reports parse errors in non-strict mode too", () => {
    expect(failure("${}", {}, false).reason).toBe("unable to parse variable name");
    expect(failure("${open", {}, false).reason).toBe("missing closing brace");
    expect(failure("${a.b}", {}, false).reason).toBe("missing closing brace");
  });

  it("reads expressions nested to Slipway's limit, and names the limit beyond it instead of overflowing the stack", () => {
    const nested = (depth: number) => `${"${v:=".repeat(depth)}x${"}".repeat(depth)}`;
    expect(sub(nested(MAX_EXPRESSION_NESTING), {}, false)).toBe("x");
    for (const depth of [MAX_EXPRESSION_NESTING + 1, 50_000]) {
      const err = failure(`a: ${nested(depth)}`, {}, false);
      expect(err.reason).toBe(NESTING_LIMIT_REASON);
      expect(err.index).toBe(3 + 5 * MAX_EXPRESSION_NESTING);
    }
  });

  it("does not read inherited object properties as variables", () => {
    expect(failure("${constructor}").variable).toBe("constructor");
    expect(sub("${toString:=d}")).toBe("d");
  });

  it("accepts a Map of variables", () => {
    expect(sub("${a}", new Map([["a", "x"]]) as unknown as Record<string, string>)).toBe("x");
  });

  it("implements the string operators on bytes", () => {
    const vars = { v: "héllo/wörld.tar.gz" };
    expect(sub("${#v}", vars)).toBe("20");
    expect(sub("${v:0:6}", vars)).toBe("héllo");
    expect(sub("${v##*/}", vars)).toBe("wörld.tar.gz");
    expect(sub("${v%%.*}", vars)).toBe("héllo/wörld");
    expect(sub("${v%.*}", vars)).toBe("héllo/wörld.tar");
    expect(sub("${v/o/0}", vars)).toBe("héll0/wörld.tar.gz");
    expect(sub("${v//\\//_}", vars)).toBe("héllo_wörld.tar.gz");
    expect(sub("${v^^}", vars)).toBe("HÉLLO/WÖRLD.TAR.GZ");
  });

  it("keeps one-to-one case mapping like Go", () => {
    expect(sub("${v^^}", { v: "straße" })).toBe("STRAßE");
  });

  it("turns envsubst's panic into an error", () => {
    const err = failure("${v:2:-1}", { v: "hello" });
    expect(err.panic).toBe(true);
    expect(err.reason).toBe("runtime error: slice bounds out of range [2:1]");
  });
});
