/**
 * Input numbers as the Flux Operator's templates see them: the API server stores a ResourceSet's
 * inputs as JSON and the operator reads them with k8s.io/apimachinery util/json, whose
 * convertNumber keeps a whole number that fits an int64 as int64 and makes anything else a
 * float64 — so `<< inputs.n >>` prints Go's `%v` of that value. Expected texts are Go's:
 * fmt.Sprint(float64(1e21)) is `1e+21`, json.Marshal(1e21) `1e+21`, sigs.k8s.io/yaml.Marshal
 * (go-yaml v2, FormatFloat 'g') `1e+21`.
 */
import { describe, expect, it } from "vitest";
import { GoInt } from "../../src/helm/template/value.js";
import type { YamlMap } from "../../src/kustomize/types.js";
import { buildResourceSetObjects } from "../../src/operator/build.js";
import { operatorFuncs } from "../../src/operator/funcs.js";
import { goValueOf } from "../../src/operator/values.js";

function render(template: string, input: YamlMap): YamlMap {
  const built = buildResourceSetObjects(
    {
      resources: [],
      resourcesTemplate: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  v: '${template}'\n`,
      steps: [],
    },
    [input],
    operatorFuncs(),
  );
  return built[0]!.object.data as YamlMap;
}

describe("input numbers (util/json convertNumber)", () => {
  it.each([
    ["a whole number", 3, "3", "int64"],
    ["a million (an int64, not %v of a float64)", 1000000, "1000000", "int64"],
    ["the largest safe integer plus two, read exactly", 9007199254740993n, "9007199254740993", "int64"],
    ["int64's maximum", 9223372036854775807n, "9223372036854775807", "int64"],
    ["2^63, past int64", 9223372036854775808n, "9.223372036854776e+18", "float64"],
    ["a uint64-sized literal", 12345678901234567890n, "1.2345678901234567e+19", "float64"],
    ["1e21", 1e21, "1e+21", "float64"],
    ["1.5e300", 1.5e300, "1.5e+300", "float64"],
    ["-1e21", -1e21, "-1e+21", "float64"],
    ["a fraction", 0.00001, "1e-05", "float64"],
  ])("%s", (_, n, printed, type) => {
    const data = render("<< inputs.n >>|<< typeOf inputs.n >>", { n });
    expect(data.v).toBe(`${printed}|${type}`);
  });

  it("toJson and toYaml print out-of-range numbers as floats, never as wrapped integers", () => {
    const data = render('<< toJson inputs.m >>|<< toYaml inputs.m | trim | replace "\\n" ";" >>', {
      m: { e: 1e21, f: 1.5e300 },
    });
    expect(data.v).toBe('{"e":1e+21,"f":1.5e+300}|e: 1e+21;f: 1.5e+300');
  });

  it("keeps whole numbers inside int64 as Go int64 values", () => {
    expect(goValueOf(-9223372036854775808n)).toEqual(new GoInt("int64", -9223372036854775808n));
    expect(goValueOf(-(2 ** 63))).toEqual(new GoInt("int64", -(2n ** 63n)));
    expect(goValueOf(2 ** 63)).toBe(2 ** 63);
  });
});

describe("reading a resourcesTemplate's output (ssa ReadObjects)", () => {
  const build = (template: string) =>
    buildResourceSetObjects({ resources: [], resourcesTemplate: template, steps: [] }, [], operatorFuncs());

  it("expands any object with a top-level items list, whatever its kind (Unstructured.IsList)", () => {
    const objects = build(
      "apiVersion: example.com/v1\nkind: Menu\nmetadata:\n  name: lunch\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: soup\n",
    ).map((b) => `${b.object.kind}/${(b.object.metadata as YamlMap).name}`);
    expect(objects).toEqual(["ConfigMap/soup"]);
  });

  it("fails on an item that is not a map, as EachListItem does", () => {
    expect(() =>
      build("apiVersion: example.com/v1\nkind: Menu\nmetadata:\n  name: lunch\nitems:\n- soup\n"),
    ).toThrow(/failed to read objects from multi-doc YAML: items member is not an object/);
  });
});
