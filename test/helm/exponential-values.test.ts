/**
 * A chart from a pull request can build a value that is small in memory but huge once expanded:
 * a list holding another twice, forty times over (`$x = list $x $x`), has 2^40 leaves. Printing
 * it or deep-copying it ran out of heap after minutes and ended the process with a native stack
 * trace, naming no chart (Helm, in Go, does the same). Each now fails at the call, as an error
 * of the template that names it.
 */
import { describe, expect, it } from "vitest";
import { buildFuncMap } from "../../src/helm/funcs/index.js";
import { TemplateSet } from "../../src/helm/template/index.js";
import { ctx } from "./funcs/table.js";

function execute(template: string): string {
  const set = new TemplateSet(buildFuncMap(), { missingKey: "zero", name: "gotpl" });
  set.parse("t", template);
  return set.execute("t", null, ctx);
}

const DOUBLED = (times: number) =>
  `{{ $x := list 1 }}{{ range until ${times} }}{{ $x = list $x $x }}{{ end }}`;

describe("values that double", () => {
  it("stay cheap while nothing expands them", () => {
    expect(execute(`${DOUBLED(40)}{{ len $x }}`)).toBe("2");
  });

  it("print up to Slipway's limit, then fail at the print", () => {
    expect(execute(`${DOUBLED(3)}{{ $x }}`)).toBe("[[[[1] [1]] [[1] [1]]] [[[1] [1]] [[1] [1]]]]");
    expect(() => execute(`${DOUBLED(26)}{{ $x }}`)).toThrow(
      "a value printed as more than 67108864 characters (Slipway's limit; a template's output has the same limit)",
    );
    expect(() => execute(`${DOUBLED(26)}{{ toString $x | len }}`)).toThrow(
      "a value printed as more than 67108864 characters",
    );
  });

  it("deep-copy up to Slipway's limit, then fail at the call", () => {
    expect(execute(`${DOUBLED(3)}{{ deepCopy $x }}`)).toBe("[[[[1] [1]] [[1] [1]]] [[[1] [1]] [[1] [1]]]]");
    expect(() => execute(`${DOUBLED(21)}{{ deepCopy $x | len }}`)).toThrow(
      "error calling deepCopy: deepCopy: a copy of more than 1048576 maps and lists is more than Slipway's limit (Helm makes it)",
    );
  });
});
