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
      "print: a value of more than 1048576 maps and lists (counted each time one is met, as Helm walks it) is more than Slipway's limit",
    );
    expect(() => execute(`${DOUBLED(26)}{{ toString $x | len }}`)).toThrow(LIMIT("toString", "print"));
  });

  it("deep-copy up to Slipway's limit, then fail at the call", () => {
    expect(execute(`${DOUBLED(3)}{{ deepCopy $x }}`)).toBe("[[[[1] [1]] [[1] [1]]] [[[1] [1]] [[1] [1]]]]");
    expect(() => execute(`${DOUBLED(21)}{{ deepCopy $x | len }}`)).toThrow(LIMIT("deepCopy", "deepCopy"));
  });

  // Each of these walked all 2^40 lists and ran out of heap after minutes (toYaml's cache key
  // spelled the whole value out before its length was looked at).
  it.each([
    ["toYaml", "toYaml"],
    ["mustToYaml", "toYaml"],
    ["toYamlPretty", "toYamlPretty"],
    ["toJson", "toJson"],
    ["toRawJson", "toJson"],
    ["toPrettyJson", "toPrettyJson"],
    ["toToml", "toToml"],
    ["toString", "print"],
    ['printf "%v"', "print"],
    ['join ","', "print"],
  ])("%s fails at once at Slipway's limit, naming the call", (fn, what) => {
    const value = fn === "toToml" ? '(dict "k" $x)' : "$x";
    expect(() => execute(`${DOUBLED(40)}{{ ${fn} ${value} }}`)).toThrow(LIMIT(fn.split(" ")[0]!, what));
  });

  it("encode as Helm does below the limit", () => {
    expect(execute(`${DOUBLED(2)}{{ toJson $x }}`)).toBe("[[[1],[1]],[[1],[1]]]");
    expect(execute(`${DOUBLED(1)}{{ toYaml $x }}`)).toBe("- - 1\n- - 1");
    expect(execute(`${DOUBLED(1)}{{ toYamlPretty $x }}`)).toBe("- - 1\n- - 1");
  });

  it("merge a map shared many times over up to Slipway's limit", () => {
    const maps = `{{ $m := dict "k" 1 }}{{ range until 40 }}{{ $m = dict "a" $m "b" $m }}{{ end }}`;
    expect(() => execute(`${maps}{{ merge $m $m | len }}`)).toThrow(LIMIT("merge", "merge"));
    expect(() => execute(`${maps}{{ mergeOverwrite $m $m | len }}`)).toThrow(
      LIMIT("mergeOverwrite", "mergeOverwrite"),
    );
  });

  it("compare as Go's DeepEqual does, each pair of lists once", () => {
    const twin = "{{ $y := list 1 }}{{ range until 40 }}{{ $y = list $y $y }}{{ end }}";
    expect(execute(`${DOUBLED(40)}${twin}{{ deepEqual $x $y }}`)).toBe("true");
    expect(execute(`${DOUBLED(40)}${twin}{{ $y = list $y (list 2) }}{{ deepEqual $x $y }}`)).toBe("false");
    expect(execute(`${DOUBLED(40)}${twin}{{ without (list $x 1) $y | len }}`)).toBe("1");
  });
});

function LIMIT(fn: string, what: string): string {
  return `error calling ${fn}: ${what}: a value of more than 1048576 maps and lists (counted each time one is met, as Helm walks it) is more than Slipway's limit`;
}
