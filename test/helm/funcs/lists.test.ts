import { describe, expect, it } from "vitest";
import { buildFuncMap } from "../../../src/helm/funcs/index.js";
import { TemplateSet } from "../../../src/helm/template/index.js";
import { ctx, table } from "./table.js";

// Expected values printed by Helm 4.1.4 (`{{ EXPR | toString }}`).
describe("lists", () => {
  table([
    ['list 1 "a" nil', "[1 a <nil>]"],
    ["append (list 1) 2", "[1 2]"],
    ["prepend (list 1) 0", "[0 1]"],
    ["first (list)", "<nil>"],
    ['first "abc"', "Cannot find first on type string", true],
    ["first nil", "runtime error: invalid memory address or nil pointer dereference", true],
    ["mustFirst (dict)", "Cannot find first on type map", true],
    ["last (list 1 2)", "2"],
    ["rest (list 1 2 3)", "[2 3]"],
    ["initial (list 1 2 3)", "[1 2]"],
    ["reverse (list 1 2 3)", "[3 2 1]"],
    ['uniq (list 1 1 "1" 1.0 (list 1) (list 1))', "[1 1 1 [1]]"],
    ["without (list 1 2 1 3) 1 3", "[2]"],
    ["has 1 (list 1.0 (int64 1) 1)", "true"],
    ["has 1 nil", "false"],
    ['compact (list 0 "" "x" nil false 1 (list) (dict))', "[x 1]"],
    ["slice (list 1 2 3 4) 1 3", "[2 3]"],
    ["slice (list 1 2 3) 2", "[3]"],
    ["slice (list) 0", "<nil>"],
    ["slice (list 1 2) 1 5", "reflect.Value.Slice: slice index out of bounds", true],
    ['slice (splitList "," "a,b,c") 1', "[b c]"],
    ["chunk 2 (list 1 2 3 4 5)", "[[1 2] [3 4] [5]]"],
    ["chunk 0 (list 1 2)", "runtime error: makeslice: len out of range", true],
    ["chunk 3 (list)", "[]"],
    ["concat (list 1) (list 2 3) (list)", "[1 2 3]"],
    ["concat (list 1) 2", "Cannot concat type int as list", true],
    // Spread into push() overflowed the stack past ~120,000 elements: "exceeded maximum template depth".
    ["len (concat (until 1048576) (until 1048576))", "2097152"],
    ["until 3", "[0 1 2]"],
    ["until -3", "[0 -1 -2]"],
    ["untilStep 10 0 -3", "[10 7 4 1]"],
    ["untilStep 0 10 0", "[]"],
    ["seq 5", "1 2 3 4 5"],
    ["seq -2", "1 0 -1 -2"],
    ["seq 2 6", "2 3 4 5 6"],
    ["seq 6 2", "6 5 4 3 2"],
    ["seq 0 2 10", "0 2 4 6 8 10"],
    ["seq 10 -3 0", "10 7 4 1"],
    ["seq 10 3 0", ""],
    ["seq 1 2 3 4", ""],
  ]);
});

// A pull request's chart decides these counts. Helm builds any list memory allows (`until
// 300000000` took Helm 14 GB); Slipway ran out of heap after a minute and took the whole
// `render` down with it, naming no file. Past Slipway's limit the call fails instead, and the
// engine names the template and line.
describe("list builders have Slipway's limit", () => {
  table([
    ["len (until 1048576)", "1048576"],
    ["len (untilStep 0 2097152 2)", "1048576"],
    [
      "until 1048577",
      "until: a list of 1048577 elements is more than Slipway's limit of 1048576 (Helm builds it)",
      true,
    ],
    [
      "until -300000000",
      "until: a list of 300000000 elements is more than Slipway's limit of 1048576 (Helm builds it)",
      true,
    ],
    [
      "untilStep 0 9223372036854775807 1",
      "untilStep: a list of 9223372036854775807 elements is more than Slipway's limit of 1048576 (Helm builds it)",
      true,
    ],
    [
      "untilStep 10 -9223372036854775807 -10",
      "untilStep: a list of 922337203685477582 elements is more than Slipway's limit of 1048576 (Helm builds it)",
      true,
    ],
    [
      "seq 2000000000",
      "seq: a list of 2000000000 elements is more than Slipway's limit of 1048576 (Helm builds it)",
      true,
    ],
    [
      "seq 0 3 9000000",
      "seq: a list of 3000001 elements is more than Slipway's limit of 1048576 (Helm builds it)",
      true,
    ],
  ]);
});

// A list concatenated with itself doubles each time: thirty times reached V8's largest array, a
// fatal error that ended the process with a native stack trace (no file named, no report).
describe("concat has Slipway's limit", () => {
  it("a doubling list fails at the call that passes it, naming the call", () => {
    const set = new TemplateSet(buildFuncMap(), { missingKey: "zero", name: "gotpl" });
    set.parse("t", "{{ $x := list 1 }}{{ range until 30 }}{{ $x = concat $x $x }}{{ end }}{{ len $x }}");
    expect(() => set.execute("t", null, ctx)).toThrow(
      "concat: a list of 16777216 elements is more than Slipway's limit of 8388608 (Helm builds it)",
    );
  });
});
