import { describe, expect, it } from "vitest";
import { marshalJson } from "../../../src/helm/funcs/go/json-encode.js";
import { decodeToml } from "../../../src/helm/funcs/go/toml/decode.js";
import { encodeToml } from "../../../src/helm/funcs/go/toml/encode.js";
import { buildFuncMap } from "../../../src/helm/funcs/index.js";
import { unquote } from "../../../src/helm/template/quote.js";
import { GoInt, GoMap, type GoValue } from "../../../src/helm/template/value.js";
import { requires } from "../../support/env.js";
import { helmTemplate } from "../../support/helm-oracle.js";

const ctx = { templateName: "t", random: () => 0, now: () => 0 };
const map = (o: Record<string, GoValue>) => new GoMap(Object.entries(o));
const int = (n: number) => new GoInt("int64", BigInt(n));

describe("toToml (BurntSushi/toml v1.6.0's encoder)", () => {
  it("plain values first, then tables by key, nested tables indented, floats with a point", () => {
    const v = map({
      title: "demo",
      port: 8080,
      n: int(3),
      big: 1e21,
      enabled: true,
      owner: map({ name: "me", deep: map({ "a b": 1.5 }) }),
      list: ["a", "b"],
      servers: [map({ ip: "10.0.0.1" }), map({ ip: "10.0.0.2" })],
      mixed: [int(1), map({ k: "v", z: null })],
      nothing: null,
      esc: 'q"\\\n\u0001é',
    });
    expect(encodeToml(v)).toBe(
      [
        "big = 1e+21",
        "enabled = true",
        'esc = "q\\"\\\\\\n\\u0001é"',
        'list = ["a", "b"]',
        'mixed = [1, {k = "v", }]',
        "n = 3",
        "port = 8080.0",
        'title = "demo"',
        "",
        "[owner]",
        '  name = "me"',
        "  [owner.deep]",
        '    "a b" = 1.5',
        "",
        "[[servers]]",
        '  ip = "10.0.0.1"',
        "",
        "[[servers]]",
        '  ip = "10.0.0.2"',
        "",
      ].join("\n"),
    );
  });

  it("errors and top-level non-maps", () => {
    expect(() => encodeToml([map({ a: int(1) })])).toThrow(
      "toml: top-level values must be Go maps or structs",
    );
    expect(() => encodeToml(map({ a: [int(1), null] }))).toThrow(
      "toml: cannot encode array with nil element",
    );
    expect(encodeToml("x")).toBe('"x"');
    expect(encodeToml([int(1), int(2)])).toBe("[1, 2]");
  });
});

describe("fromToml", () => {
  it("integers are int64, floats float64, tables maps, dates time.Time", () => {
    const m = decodeToml('a = 1\nb = 2.0\nd = 1979-05-27T07:32:00-07:00\n[t]\nb = "x"\n');
    expect(marshalJson(m)).toBe('{"a":1,"b":2,"d":"1979-05-27T07:32:00-07:00","t":{"b":"x"}}');
    expect((m.get("a") as GoInt).kind).toBe("int64");
  });
  it("syntax errors are BurntSushi's, with the line and the last key", () => {
    expect(() => decodeToml("a = 1\nb = ")).toThrow(
      'toml: line 2 (last key "b"): unexpected EOF; expected value',
    );
  });
});

describe.runIf(requires("helm"))("toToml and fromToml against Helm 4.1.4", () => {
  const docs = [
    'a = 1\nb = 2.5\nc = "s"\nd = true\ne = [1, 2]\n[t]\nx = 1\n[t.u]\ny = "z"\n[[arr]]\nk = 1\n[[arr]]\nk = 2\n',
    "big = 9223372036854775807\nf = 1e21\nneg = -0.0\ninf = inf\nnan = nan\nhex = 0xff\noct = 0o17\nbin = 0b101\n",
    "odt = 1979-05-27T07:32:00-07:00\nutc = 1979-05-27T07:32:00Z\nldt = 1979-05-27T07:32:00\nld = 1979-05-27\nlt = 07:32:00\n",
    'inline = { a = 1, b = { c = "d" } }\nmixed = [1, "a", [2, 3], { x = 1 }]\n"quoted key" = 1\nml = """\nline1\nline2"""\nlit = \'c:\\path\'\n',
  ];
  it("documents decode (fromToml | toJson) and re-encode (toToml) as Helm does", () => {
    const lines = docs.flatMap((d, i) => [
      `j${i}: {{ fromToml ${JSON.stringify(d)} | toJson | quote }}`,
      `t${i}: {{ fromToml ${JSON.stringify(d)} | toToml | quote }}`,
    ]);
    const helm = helmTemplate({ "templates/t.yaml": `${lines.join("\n")}\n` });
    expect(helm.error).toBe("");
    const f = (name: string, v: GoValue) => buildFuncMap().get(name)!.fn.call(ctx, v) as string;
    const ours = docs.flatMap((d, i) => {
      const m = f("fromToml", d);
      return [`j${i}: ${JSON.stringify(f("toJson", m))}`, `t${i}: ${JSON.stringify(f("toToml", m))}`];
    });
    const body = helm.stdout.split("\n").filter((l) => /^[jt]\d+: /.test(l));
    expect(body.map(unquoteGo)).toEqual(ours.map(unquoteGo));
  });
});

/** Both sides' quoted strings read back to text (Go's %q and JSON.stringify escape differently). */
function unquoteGo(line: string): string {
  const at = line.indexOf(": ");
  return `${line.slice(0, at)}: ${unquote(line.slice(at + 2))}`;
}
