import { describe, expect, it } from "vitest";
import type { CallContext, GoFunc } from "../../../src/helm/funcs/types.js";
import { GoFuncError } from "../../../src/helm/funcs/types.js";
import {
  fromJsonValue,
  type GoMap,
  type GoObject,
  type GoValue,
  type MissingKey,
  NO_FIELD,
  TemplateError,
  TemplateSet,
} from "../../../src/helm/template/index.js";
import { Rng } from "../../support/random.js";
import { generateValues, TemplateGenerator } from "./generate.js";
import { withReference } from "./reference-exec.js";
import { MiniEngine, miniFuncs, rootData } from "./support.js";

/**
 * The executor (src/helm/template/exec.ts) against a copy of it from before its speed work
 * (./reference-exec.ts): same output, or the same error with the same text, template, line,
 * column and context, for templates chosen where Go's rules are subtle (errors and their
 * positions, boxed and nil values, missingkey modes, variable scoping, break/continue, literal
 * conversion, short-circuits, recursion and output limits) and for seeded random templates.
 */
const ANY = "interface {}";

function testFuncs(): Map<string, GoFunc> {
  const f = miniFuncs();
  const def = (name: string, params: string[], result: string, fn: GoFunc["fn"], variadic = false) =>
    f.set(name, { params, result, fn, variadic });
  def("boom", [], "string", () => {
    throw new GoFuncError("kaput");
  });
  def("twice", ["int"], "int", (n) => n);
  def("u8", ["uint8"], "uint8", (n) => n);
  def("fl", ["float64"], "float64", (n) => n);
  def("str", ["string"], "string", (s) => s);
  def("flag", ["bool"], "bool", (b) => b);
  def("ident", [ANY], ANY, (v) => v);
  def("joinAll", ["string", ANY], "string", (sep, ...xs) => xs.map(String).join(sep as string), true);
  def("mapOnly", ["map[string]interface {}"], "int", () => 1);
  return f;
}

const OBJECT: GoObject = {
  goType: "*x.T",
  goKind: "ptr",
  field: (n) => (n === "Name" ? "obj" : n === "Nil" ? null : NO_FIELD),
  method: (n) =>
    n === "Greet"
      ? { params: ["string"], call: ([a]) => `hi ${a as string}` }
      : n === "Fail"
        ? {
            params: [],
            call: () => {
              throw new Error("nope");
            },
          }
        : undefined,
};

function data(): GoMap {
  const d = fromJsonValue({
    s: "hello",
    n: 3,
    f: 1.5,
    b: true,
    z: 0,
    nul: null,
    l: [1, "two", null, { foo: "bar" }],
    e: [],
    m: { a: 1, b: "x", c: { d: [1, 2] } },
    em: {},
  }) as GoMap;
  d.set("o", OBJECT);
  d.set("bytes", new Uint8Array([104, 105]));
  return d;
}

const CASES: string[] = [
  "plain text {{/* a comment */}} and more",
  "{{ .s }}|{{ .n }}|{{ .f }}|{{ .b }}|{{ .nul }}|{{ .l }}|{{ .m }}|{{ .missing }}|{{ .bytes }}",
  "{{ .m.c.d }}|{{ .m.nope }}|{{ .m.nope.deeper }}|{{ .em.x }}",
  "{{ .nul.x }}",
  "{{ .s.x }}",
  "{{ .m.a.x }}",
  "{{ $x := .l }}{{ range $x }}{{ .foo }}{{ end }}",
  "{{ range .l }}{{ .foo }}{{ end }}",
  "{{ $x := .missing }}{{ $x.foo }}|{{ (.missing).foo }}|{{ $x }}",
  '{{ .o.Name }}|{{ .o.Greet "x" }}|{{ "y" | .o.Greet }}|{{ .o.Nil }}',
  '{{ .o.Name "x" }}',
  "{{ .o.Fail }}",
  "{{ .o.Nope }}",
  "{{ .o.Nil.x }}",
  '{{ .m.a "x" }}',
  '{{ "x" | .m.a }}',
  "{{ range $k, $v := .m }}{{ $k }}={{ $v }};{{ end }}|{{ range .em }}x{{ else }}empty{{ end }}",
  "{{ range $i, $v := .l }}[{{ $i }}:{{ $v }}]{{ end }}|{{ range .e }}x{{ else }}none{{ end }}|{{ range .nul }}x{{ else }}nil{{ end }}",
  "{{ range 3 }}{{ . }}{{ end }}|{{ range $i := 2 }}{{ $i }}{{ end }}|{{ range .bytes }}{{ . }},{{ end }}",
  "{{ range $i, $e := 3 }}{{ end }}",
  "{{ range .s }}{{ end }}",
  '{{ range .l }}{{ if eq (printf "%v" .) "two" }}{{ break }}{{ end }}{{ . }},{{ end }}',
  "{{ range .l }}{{ if not . }}{{ continue }}{{ end }}<{{ . }}>{{ end }}",
  "{{ range $a := .l }}{{ range $.m }}{{ if . }}{{ break }}{{ end }}{{ end }}{{ $a }}{{ end }}",
  "{{ $x := 1 }}{{ if true }}{{ $x := 2 }}{{ $x }}{{ end }}{{ $x }}|{{ with $y := .s }}{{ $y }}{{ $x = 5 }}{{ end }}{{ $x }}",
  "{{ $a := 1 }}{{ range .l }}{{ $a = . }}{{ end }}[{{ $a }}]{{ $i := 9 }}{{ $v := 9 }}{{ range $i, $v = .m }}{{ end }}[{{ $i }} {{ $v }}]",
  "{{ $x := 0 }}{{ range $x = .l }}{{ end }}[{{ $x }}]",
  "{{ with .nul }}x{{ else with .z }}z{{ else with .s }}{{ . }}{{ end }}|{{ with $v := .m }}{{ $v.a }}-{{ .b }}{{ end }}",
  '{{ if and .s .n }}yes{{ end }}|{{ and 0 boom }}|{{ or 0 "" .nul }}|{{ "x" | and true }}|{{ "x" | or false }}|{{ and 1 }}',
  "{{ or .nul boom }}",
  "{{ twice 3 }}|{{ u8 7 }}|{{ fl 2.5 }}|{{ fl 2 }}|{{ str `raw` }}|{{ flag true }}|{{ ident 1.0 }}|{{ ident 0x10 }}|{{ ident 'a' }}|{{ ident 1e3 }}|{{ ident 2i }}",
  "{{ twice 3.5 }}",
  '{{ twice "x" }}',
  "{{ twice .n }}",
  "{{ str .n }}",
  "{{ str nil }}",
  "{{ ident nil }}|{{ mapOnly nil }}",
  "{{ str .missing }}",
  "{{ u8 -1 }}",
  "{{ fl 1i }}",
  "{{ flag 1 }}",
  "{{ twice 1 | twice }}|{{ 2 | twice }}",
  '{{ joinAll "-" 1 "a" .s }}|{{ joinAll "+" }}|{{ .s | joinAll "," 1 }}',
  "{{ joinAll }}",
  "{{ twice 1 2 }}",
  "{{ 1 | twice 2 }}",
  "{{ boom }}",
  "{{ nil }}",
  "{{ 1 2 }}",
  "{{ $x := 1 }}{{ $x 2 }}",
  "{{ . 1 }}",
  "{{ (ident .m).a }}|{{ (ident .m).c.d }}|{{ (.m).b }}",
  "{{ (ident .s).x }}",
  "{{ 18446744073709551615 }}",
  '{{ call .s }}|{{ call .nul "x" }}',
  "{{ call .missing }}",
  '{{ printf "%d-%s" 3 "x" }}|{{ print 1 2 }}|{{ len .l }}|{{ index .l 1 }}|{{ index .m "a" }}|{{ slice .s 1 3 }}',
  "{{ index .l 9 }}",
  '{{ define "in" }}[{{ .a }}{{ $ }}]{{ end }}{{ template "in" .m }}|{{ template "in" }}|{{ include "in" .m }}',
  '{{ define "bad" }}line1\n  {{ .a.x }}{{ end }}{{ template "bad" .m }}',
  '{{ define "badinc" }}{{ boom }}{{ end }}{{ include "badinc" . }}',
  '{{ template "missing" }}',
  '{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}',
  '{{ tpl "{{ .s }}-{{ .n }}" . }}|{{ tpl "{{ .nope.x }}" . }}',
  '{{ tpl "{{ .s.x }}" . }}',
  "{{- /* trim */ -}}\n  {{ .s -}}  \n  {{- .n }}",
  "{{ $ }}",
  '{{ printf "%v|%T|%v" .missing .missing .nul }}|{{ ident .missing | printf "%v" }}|{{ list .missing .nul 1 }}',
  '{{ printf "%v" (str .s) }}|{{ str .s | printf "%q" }}|{{ joinAll "," .missing .nul }}',
];

interface Outcome {
  out?: string;
  error?: {
    message: string;
    template: string;
    executing: string;
    line?: number;
    column?: number;
    context?: string;
  };
}

function run(set: TemplateSet, name: string, values: GoValue, ctx: CallContext): Outcome {
  try {
    return { out: set.execute(name, values, ctx) };
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    const { message, template, executing, line, column, context } = e;
    return { error: { message, template, executing, line, column, context } };
  }
}

function newSet(missingKey: MissingKey): { set: TemplateSet; ctx: CallContext } {
  const engine = new MiniEngine();
  const funcs = testFuncs();
  const set = new TemplateSet(funcs, { missingKey, name: "gotpl" });
  set.addFuncs({ include: engine.includeFunc(() => set), tpl: engine.tplFunc(() => set) });
  return { set, ctx: engine.ctx };
}

describe("execution matches the reference interpreter", () => {
  for (const missingKey of ["default", "zero", "error"] as const) {
    it.each(CASES.map((t, i) => [i, t] as const))(`missingkey=${missingKey} #%i %s`, (i, template) => {
      const { set, ctx } = newSet(missingKey);
      const name = `chart/templates/c${i}.yaml`;
      set.parse(name, template);
      const ours = run(set, name, data(), ctx);
      const reference = withReference(() => run(set, name, data(), ctx));
      expect(ours).toEqual(reference);
    });
  }

  it("keeps Go's positions and text (checked here, not only against the reference)", () => {
    const { set, ctx } = newSet("zero");
    set.parse("t", '{{ define "d" }}a\n  {{ .m.a.x }}{{ end }}{{ $x := 1 }}\n{{ template "d" . }}');
    expect(run(set, "t", data(), ctx).error).toEqual({
      message: 'template: t:2:7: executing "d" at <.m.a.x>: can\'t evaluate field x in type interface {}',
      template: "t",
      executing: "d",
      line: 2,
      column: 7,
      context: ".m.a.x",
    });
    set.parse("u", "{{ range .l }}{{ .foo }}{{ end }}");
    expect(run(set, "u", data(), ctx).error?.message).toBe(
      'template: u:1:17: executing "u" at <.foo>: can\'t evaluate field foo in type interface {}',
    );
    set.parse("v", "x{{ twice 1 2 }}");
    expect(run(set, "v", data(), ctx).error?.message).toBe(
      'template: v:1:4: executing "v" at <twice>: wrong number of args for twice: want 1 got 2',
    );
    set.parse("w", "{{ range .l }}{{ if not . }}{{ break }}{{ end }}{{ . }}{{ end }}");
    expect(run(set, "w", data(), ctx).out).toBe("1two");
  });

  it("fails on output over the limit at the node that crossed it", () => {
    const { set, ctx } = newSet("zero");
    const big = "x".repeat(1 << 20);
    set.parse("text", `{{ range 70 }}${big}{{ end }}`);
    set.parse("print", "{{ range 70 }}{{ $.big }}{{ end }}");
    const values = data();
    values.set("big", big);
    for (const name of ["text", "print"]) {
      const ours = run(set, name, values, ctx);
      expect(ours.error?.message).toMatch(/template output exceeds 64 MiB$/);
      expect(ours).toEqual(withReference(() => run(set, name, values, ctx)));
    }
  });

  it("shares a parsed tree between sets while functions stay per set", () => {
    const a = newSet("zero");
    const b = newSet("zero");
    const text = "{{ greet .s }}";
    a.set.addFuncs({ greet: { params: ["string"], result: "string", fn: (s) => `a:${s as string}` } });
    b.set.addFuncs({ greet: { params: ["string"], result: "string", fn: (s) => `b:${s as string}` } });
    a.set.parse("t", text);
    b.set.parse("t", text);
    expect(a.set.lookupTemplate("t")).toBe(b.set.lookupTemplate("t"));
    expect([a, b, a].map(({ set, ctx }) => set.execute("t", data(), ctx))).toEqual([
      "a:hello",
      "b:hello",
      "a:hello",
    ]);
  });
});

/**
 * Seeded random templates (./generate.ts, the generator of the Helm differential test) over
 * random values: this executor and the reference agree on every one, errors included.
 * Reproduce with SLIPWAY_FUZZ_SEED=<seed>.
 */
const SEED = Number(process.env.SLIPWAY_FUZZ_SEED ?? 20261203);
const COUNT = Number(process.env.SLIPWAY_FUZZ_COUNT ?? 400);

describe(`executor vs reference on ${COUNT} random templates (seed ${SEED})`, () => {
  it("gives the same output or the same error for each", () => {
    const rng = new Rng(SEED);
    const { yaml, paths } = generateValues(rng);
    const engine = new MiniEngine();
    const values = rootData(yaml);
    const names: string[] = [];
    for (let i = 0; i < COUNT; i++) {
      const name = `chart/templates/_c${i}.tpl`;
      try {
        engine.set.parse(name, new TemplateGenerator(rng, paths, String(i)).template());
        names.push(name);
      } catch (e) {
        if (!(e instanceof TemplateError)) throw e;
      }
    }
    const mismatches: string[] = [];
    let errors = 0;
    for (const name of names) {
      const ours = run(engine.set, name, values, engine.ctx);
      const reference = withReference(() => run(engine.set, name, values, engine.ctx));
      if (ours.error) errors++;
      if (JSON.stringify(ours) !== JSON.stringify(reference))
        mismatches.push(`${name}\n${JSON.stringify(ours)}\n${JSON.stringify(reference)}`);
    }
    expect(mismatches.slice(0, 5).join("\n\n")).toBe("");
    expect(names.length).toBeGreaterThan(COUNT / 2);
    expect(errors).toBeGreaterThan(0);
    expect(errors).toBeLessThan(names.length);
  });
});
