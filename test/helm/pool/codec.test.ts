import { describe, expect, it } from "vitest";
import { DeferredChartFile, loadChartFiles } from "../../../src/helm/loader.js";
import {
  decodeChart,
  decodeGo,
  encodeChart,
  encodeGo,
  NotTransferable,
} from "../../../src/helm/pool/codec.js";
import {
  elemTypeOf,
  GoInt,
  GoMap,
  type GoValue,
  goTypeName,
  sliceOf,
} from "../../../src/helm/template/value.js";

const enc = new TextEncoder();
const file = (name: string, text: string) => ({ name, data: enc.encode(text) });

/** What postMessage does to a value: the structured clone algorithm. */
const travel = <T>(v: T): T => structuredClone(v);

describe("render pool codec", () => {
  it("brings Go values back with their Go types", () => {
    const value = new GoMap([
      ["n", 1.5],
      ["i", new GoInt("int64", 42n)],
      ["u", new GoInt("uint8", 255n)],
      ["s", "text"],
      ["b", true],
      ["nil", null],
      ["bytes", new Uint8Array([1, 2, 3])],
      ["typed", sliceOf(["a", "b"], "string")],
      ["plain", [1, new GoMap([["__proto__", "kept as a key"]])]],
      ["named", new GoMap([["k", "v"]], "map[string]string")],
    ]);
    const back = decodeGo(travel(encodeGo(value))) as GoMap;
    expect(back).toBeInstanceOf(GoMap);
    expect([...back.keys()]).toEqual([...value.keys()]);
    expect(back.get("i")).toEqual(new GoInt("int64", 42n));
    expect(goTypeName(back.get("u") as GoValue)).toBe("uint8");
    expect(elemTypeOf(back.get("typed") as GoValue[])).toBe("string");
    expect(elemTypeOf(back.get("plain") as GoValue[])).toBe("interface {}");
    const inner = (back.get("plain") as GoValue[])[1] as GoMap;
    expect(inner.get("__proto__")).toBe("kept as a key");
    expect((back.get("named") as GoMap).goType).toBe("map[string]string");
    expect(back.get("bytes")).toEqual(new Uint8Array([1, 2, 3]));
  });

  it("refuses Go objects and maps with methods instead of sending them without their methods", () => {
    class Values extends GoMap {}
    expect(() => encodeGo(new GoMap([["v", new Values()]]))).toThrow(NotTransferable);
    expect(() => encodeGo({ goType: "time.Time" } as GoValue)).toThrow(NotTransferable);
  });

  it("sends a chart with subcharts and import-values, unchanged", () => {
    const chart = loadChartFiles([
      file(
        "Chart.yaml",
        "apiVersion: v2\nname: demo\nversion: 1.2.3\ndependencies:\n  - name: sub\n    version: 0.1.0\n    import-values:\n      - child: a\n        parent: b\n",
      ),
      file("values.yaml", "replicas: 3\nlist: [1, two]\n"),
      file("templates/a.yaml", "kind: A\n"),
      file("charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.1.0\n"),
      file("charts/sub/values.yaml", "a: {x: 1}\n"),
    ]);
    const back = decodeChart(travel(encodeChart(chart)));
    expect(back).toEqual(chart);
    expect(back.values).toBeInstanceOf(GoMap);
    expect(back.dependencies[0]?.values).toBeInstanceOf(GoMap);
    expect(back.metadata.dependencies[0]?.importValues[0]).toBeInstanceOf(GoMap);
  });

  it("sends files read when first used (large files of a chart directory) with their bytes", () => {
    const deferred = (name: string, text: string) => new DeferredChartFile(name, () => enc.encode(text));
    const chart = loadChartFiles([
      file("Chart.yaml", "apiVersion: v2\nname: demo\nversion: 1.2.3\n"),
      deferred("templates/big.yaml", "kind: Big\n"),
      deferred("crds/c.yaml", "kind: CustomResourceDefinition\n"),
      file("charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.1.0\n"),
      deferred("charts/sub/README.md", "sub readme"),
    ]);
    const back = decodeChart(travel(encodeChart(chart)));
    const plain = (files: readonly { name: string; data: Uint8Array }[]) =>
      files.map((f) => [f.name, new TextDecoder().decode(f.data)]);
    expect(plain(back.templates)).toEqual([["templates/big.yaml", "kind: Big\n"]]);
    expect(plain(back.files)).toEqual([["crds/c.yaml", "kind: CustomResourceDefinition\n"]]);
    expect(plain(back.dependencies[0]!.files)).toEqual([["README.md", "sub readme"]]);
  });
});
