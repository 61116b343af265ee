/**
 * sprig's urlParse and urlJoin over Go's net/url: known answers, then seeded URLs and dicts
 * rendered by Helm and by Slipway (replay another seed with SLIPWAY_FUZZ_SEED).
 */
import { describe, expect, it } from "vitest";
import { buildFuncMap } from "../../../src/helm/funcs/index.js";
import { TemplateSet } from "../../../src/helm/template/index.js";
import { requires } from "../../support/env.js";
import { argsFor } from "./args.js";
import { Gen } from "./gen.js";
import { compareWithHelm, type Expr, run } from "./harness.js";

const funcs = buildFuncMap();
const set = new TemplateSet(funcs, { missingKey: "zero", name: "gotpl" });
const ctx = { templateName: "t", random: () => 0, now: () => 0 };
const render = (template: string): string => {
  set.parse("t", template);
  return set.execute("t", null, ctx);
};

describe("urlParse", () => {
  it("splits a URL into sprig's dict (path unescaped, query and userinfo as written)", () => {
    expect(
      render('{{ urlParse "HTTPS://us%65r:p%40ss@example.com:8443/a%20b/c?x=1&y=%20#fr%20ag" | toJson }}'),
    ).toBe(
      '{"fragment":"fr ag","host":"example.com:8443","hostname":"example.com","opaque":"",' +
        '"path":"/a b/c","query":"x=1\\u0026y=%20","scheme":"https","userinfo":"user:p%40ss"}',
    );
  });
  it("opaque URLs, IPv6 hosts and relative references", () => {
    expect(render('{{ (urlParse "mailto:me@example.com").opaque }}')).toBe("me@example.com");
    expect(render('{{ (urlParse "http://[::1]:80/").hostname }}')).toBe("::1");
    expect(render('{{ (urlParse "a/b?c").path }}')).toBe("a/b");
  });
  it("fails as sprig panics, with net/url's error", () => {
    expect(() => render('{{ urlParse "http://h:80a/" }}')).toThrow(
      'error calling urlParse: unable to parse url: parse "http://h:80a/": invalid port ":80a" after host',
    );
    expect(() => render('{{ urlParse "a:b" | toJson }}')).not.toThrow();
    expect(() => render('{{ urlParse "/%zz" }}')).toThrow(
      'unable to parse url: parse "/%zz": invalid URL escape "%zz"',
    );
    expect(() => render('{{ urlParse ":x" }}')).toThrow('parse ":x": missing protocol scheme');
  });
});

describe("urlJoin", () => {
  it("assembles a URL from a dict, escaping each part as net/url does", () => {
    expect(
      render(
        '{{ urlJoin (dict "scheme" "https" "host" "h:1" "path" "a b/ü" "query" "q=1" "fragment" "f g" "userinfo" "u:p@x") }}',
      ),
    ).toBe("https://u:p%40x@h:1/a%20b/%C3%BC?q=1#f%20g");
    expect(render('{{ urlJoin (dict "path" "a:b") }}')).toBe("./a:b");
    expect(render('{{ urlJoin (urlParse "s3:bucket/key?v=1") }}')).toBe("s3:bucket/key?v=1");
  });
  it("a value that is not a string panics", () => {
    expect(() => render('{{ urlJoin (dict "host" 1) }}')).toThrow(
      "unable to parse host key, must be of type string, but int found",
    );
  });
});

describe.runIf(requires("helm"))("urlParse and urlJoin agree with Helm on seeded inputs", () => {
  const seed = Number(process.env.SLIPWAY_FUZZ_SEED ?? 11);
  const g = new Gen(seed);
  const exprs: Expr[] = [];
  for (let i = 0; i < 150; i++) exprs.push(argsFor("urlParse", funcs.get("urlParse")!, g));
  for (let i = 0; i < 150; i++) exprs.push(argsFor("urlJoin", funcs.get("urlJoin")!, g));
  it(`${exprs.length} calls (seed ${seed})`, async () => {
    // Some of them must fail (bad escapes, ports, control characters), or the seed tests little.
    expect(exprs.filter((e) => run(e, set, ctx).error).length).toBeGreaterThan(5);
    const { mismatches } = await compareWithHelm(exprs, set, ctx, 40);
    expect(mismatches).toEqual([]);
  }, 600_000);
});
