/**
 * Every hermetic function, called with seeded generated arguments (unicode strings, each Go
 * number type, lists, dicts, nil), rendered by Helm in one chart and compared with ours.
 * Replay another seed with SLIPWAY_FUZZ_SEED.
 */
import { describe, expect, it } from "vitest";
import { buildFuncMap } from "../../../src/helm/funcs/index.js";
import { TemplateSet } from "../../../src/helm/template/index.js";
import { requires } from "../../support/env.js";
import { prng } from "../../support/random.js";
import { argsFor, SKIP } from "./args.js";
import { Gen } from "./gen.js";
import { compareWithHelm, type Expr } from "./harness.js";

const funcs = buildFuncMap();
const set = new TemplateSet(funcs, { missingKey: "zero", name: "gotpl" });
const ctx = { templateName: "t", random: prng(1), now: () => 0 };
const PER_FUNCTION = Number(process.env.SLIPWAY_FUZZ_CALLS ?? 12);

describe.runIf(requires("helm"))("generated calls of every hermetic function agree with Helm", () => {
  const seed = Number(process.env.SLIPWAY_FUZZ_SEED ?? 1);
  const g = new Gen(seed);
  const exprs: Expr[] = [];
  for (const [name, f] of funcs) {
    if (f.hermetic === false || SKIP.has(name)) continue;
    for (let i = 0; i < PER_FUNCTION; i++) exprs.push(argsFor(name, f, g));
  }
  it(`${exprs.length} calls (seed ${seed})`, async () => {
    const { mismatches, failing } = await compareWithHelm(exprs, set, ctx);
    process.stderr.write(
      `[helm funcs] ${exprs.length} generated calls, ${failing} failing calls checked one by one\n`,
    );
    expect(mismatches).toEqual([]);
  }, 600_000);
});
