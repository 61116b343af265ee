/**
 * A mistyped command or flag: exit 2, and the first line names the closest command or flag
 * (Node's own text explained how to pass a positional that starts with '-').
 */
import { describe, expect, it } from "vitest";
import { closestName } from "../../src/cli/suggest.js";
import { slipway } from "../support/cli.js";

describe("a mistyped command or flag names the closest one", () => {
  it.each([
    [["chek"], "slipway: unknown command 'chek' (did you mean 'check'?)"],
    [["grpah"], "slipway: unknown command 'grpah' (did you mean 'graph'?)"],
    [
      ["check", "--formt", "json"],
      "slipway check: unknown flag '--formt' (did you mean --format?); '--help' lists the flags",
    ],
    [
      ["diff", "--bsae", "HEAD"],
      "slipway diff: unknown flag '--bsae' (did you mean --base?); '--help' lists the flags",
    ],
    [["render", "--xyzzy"], "slipway render: unknown flag '--xyzzy'; '--help' lists the flags"],
    [["check", "-x"], "slipway check: unknown flag '-x'; '--help' lists the flags"],
    [["secrets", "statsu"], "slipway secrets: unknown command 'statsu' (did you mean 'status'?)"],
    [
      ["helm", "template", "--valuse", "x"],
      "slipway helm template: unknown flag '--valuse' (did you mean --values?); '--help' lists the flags",
    ],
  ])("%j", (args, first) => {
    const r = slipway(args);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(first);
  });

  it("suggests only what is near: an edit or two, a swap, or a start", () => {
    const names = ["check", "render", "diff", "graph", "secrets"];
    expect(closestName("chekc", names)).toBe("check");
    expect(closestName("rend", names)).toBe("render");
    expect(closestName("dif", names)).toBe("diff");
    expect(closestName("deploy", names)).toBeUndefined();
    expect(closestName("x", names)).toBeUndefined();
  });
});
