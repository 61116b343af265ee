/**
 * toYaml keeps a text under every key the same value has (src/helm/funcs/go/to-yaml.ts): the
 * first print spells its maps out, later ones name them by their watches, and both find the text.
 * Counted by the emitter's calls: the texts are equal either way.
 */
import { describe, expect, it, vi } from "vitest";
import { marshalYaml } from "../../../src/helm/funcs/go/to-yaml.js";
import { GoMap, type GoValue } from "../../../src/helm/template/value.js";
import { emitYaml } from "../../../src/yaml/index.js";

vi.mock("../../../src/yaml/index.js", async (importOriginal) => {
  const yaml = await importOriginal<typeof import("../../../src/yaml/index.js")>();
  return { ...yaml, emitYaml: vi.fn(yaml.emitYaml) };
});

const emits = (): number => vi.mocked(emitYaml).mock.calls.length;

type Make = (inner: GoMap, first: GoValue) => GoValue;
const wrapped: Make = (inner) => new GoMap([["a", inner]]);
const listed: Make = (inner) => [inner, "x"];
const same: Make = (_, first) => first;

describe("toYaml's kept texts, by key", () => {
  it.each<[string, Make, Make]>([
    ["the same map again", wrapped, same],
    ["a fresh map of the same entries", wrapped, wrapped],
    ["the same list again", listed, same],
    ["a fresh list of the same items", listed, listed],
  ])("print %s from the text kept the first time", (name, make, again) => {
    const inner = new GoMap([["probe", name]]);
    const first = make(inner, null);
    const before = emits();
    const text = marshalYaml(first);
    expect(emits()).toBe(before + 1);
    expect(marshalYaml(again(inner, first))).toBe(text);
    expect(emits()).toBe(before + 1);
  });
});
