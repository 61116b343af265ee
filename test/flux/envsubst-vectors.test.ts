import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvsubstError, substituteVariables } from "../../src/flux/envsubst.js";
import { requires, sharedDir } from "../support/env.js";

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
      for (const [i, row] of rows(file).entries()) {
        it(`#${i} ${JSON.stringify(row.input)}${row.strict ? " (strict)" : ""}`, () => {
          const expected = row.error !== undefined ? { error: row.error } : { output: row.output };
          expect(run(row)).toEqual(expected);
        });
      }
    });
  }
});
