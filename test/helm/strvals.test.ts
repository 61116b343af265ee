import { describe, expect, it } from "vitest";
import { composeUserValues } from "../../src/helm/values.js";
import { goJson } from "./go-json.js";

type Flag = "--set" | "--set-string" | "--set-json" | "--set-literal";

function compose(flag: Flag, arg: string): string {
  const key = {
    "--set": "set",
    "--set-string": "setString",
    "--set-json": "setJson",
    "--set-literal": "setLiteral",
  }[flag];
  return goJson(composeUserValues({ [key]: [arg] }));
}

// Expected values are what Helm 4.1.4 printed with `toJson .Values` for the same flag.
describe("--set family (Helm's strvals)", () => {
  it.each<[Flag, string, string]>([
    [
      "--set",
      "a=1,b=true,c=text,d=1.5,e=null,f=0,g=007,h=-3,i=+4,j=TRUE,k=Null",
      '{"a":1,"b":true,"c":"text","d":"1.5","e":null,"f":0,"g":"007","h":-3,"i":4,"j":true,"k":null}',
    ],
    ["--set", "list={x,y,z}", '{"list":["x","y","z"]}'],
    ["--set", "nested.key.deep=v", '{"nested":{"key":{"deep":"v"}}}'],
    ["--set", "arr[1]=b,arr[0]=a", '{"arr":["a","b"]}'],
    ["--set", "arr[2].name=x", '{"arr":[null,null,{"name":"x"}]}'],
    ["--set", "a\\.b=1,c=x\\,y", '{"a.b":1,"c":"x,y"}'],
    ["--set", "x={}", '{"x":[""]}'],
    ["--set", "x=", '{"x":""}'],
    ["--set", "a=1,", '{"a":1}'],
    ["--set", "a[0][1]=z", '{"a":[[null,"z"]]}'],
    ["--set", "big=9223372036854775808", '{"big":"9223372036854775808"}'],
    ["--set", "x={a,b},x[3]=q", '{"x":["a","b",null,"q"]}'],
    ["--set", "name=with spaces", '{"name":"with spaces"}'],
    ["--set-string", "a=1,b=true", '{"a":"1","b":"true"}'],
    ["--set-json", 'a={"x":1,"y":[1,2]},b="s",c=', '{"a":{"x":1,"y":[1,2]},"b":"s","c":null}'],
    ["--set-json", '{"top":1.5,"n":{"k":null}}', '{"n":{"k":null},"top":1.5}'],
    ["--set-literal", "a=1,b=2\\,c", '{"a":"1,b=2\\\\,c"}'],
    ["--set-literal", "a.b[0]=x=y", '{"a":{"b":["x=y"]}}'],
  ])("%s %s", (flag, arg, expected) => {
    expect(compose(flag, arg)).toBe(expected);
  });

  it.each<[Flag, string, RegExp]>([
    ["--set", "x", /failed parsing --set data: key "x" has no value/],
    ["--set", "a=1,a.b=2", /interface conversion: interface \{\} is int64, not map\[string\]interface \{\}/],
    ["--set", "a[70000]=1", /index of 70000 is greater than maximum supported index of 65536/],
  ])("%s %s fails", (flag, arg, message) => {
    expect(() => compose(flag, arg)).toThrow(message);
  });

  it("types --set integers as int64", () => {
    const v = composeUserValues({ set: ["n=42"] });
    expect(goJson(v)).toBe('{"n":42}');
    expect((v.get("n") as { kind: string }).kind).toBe("int64");
  });

  it("applies flags in Helm's order: files, --set-json, --set, --set-string, --set-file, --set-literal", () => {
    const v = composeUserValues({
      files: [{ name: "v.yaml", text: "a: file\nb: file\n" }],
      setLiteral: ["a=literal"],
      set: ["a=set", "c=1"],
      setJson: ['b="json"'],
      setFile: ["f=payload"],
      readFile: (p) => `contents of ${p}`,
    });
    expect(goJson(v)).toBe('{"a":"literal","b":"json","c":1,"f":"contents of payload"}');
  });
});
