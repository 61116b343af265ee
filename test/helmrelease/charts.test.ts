import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { cacheChartProvider, directoryChartProvider } from "../../src/helmrelease/charts.js";

/** A store that knows versions but holds no archives: what matters here is which version is asked for. */
function provider(versions: string[]) {
  const asked: string[] = [];
  const p = cacheChartProvider({
    knownVersions: () => versions,
    getArchive: (ref) => {
      asked.push(ref.version);
      return undefined;
    },
  });
  return { p, asked };
}

describe("cacheChartProvider picks versions as `charts pull` does (source-controller)", () => {
  it.each([
    ["a range takes the highest three-part version", ">=1.0.0", ["1.2", "1.1.0", "1.0.0"], "1.1.0"],
    ["a listed non-semver version is taken as is", "1.2", ["1.2", "1.1.0"], "1.2"],
    ["empty means latest stable", "", ["1.0.0", "2.0.0-rc.1", "1.5.0"], "1.5.0"],
    ["v-prefixed spellings are kept", "^1.0.0", ["v1.9.0", "1.10.0"], "1.10.0"],
  ])("%s", (_, range, versions, expected) => {
    const { p, asked } = provider(versions);
    const answer = p.load({ source: "https://charts.example.com", name: "app", version: range });
    expect(answer).toMatchObject({ missing: expect.stringContaining(`(version ${expected})`) });
    expect(asked).toEqual([expected]);
  });

  it("an invalid range selects nothing: the chart is reported as not cached, not a crash", () => {
    const { p, asked } = provider(["1.0.0"]);
    const answer = p.load({ source: "https://charts.example.com", name: "app", version: ">>1" });
    expect(answer).toMatchObject({ missing: expect.stringContaining("no cached version matches") });
    expect(asked).toEqual([]);
  });
});

describe("directoryChartProvider", () => {
  it("names a chart directory by its content, again after it changes", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "slipway-dirchart-"));
    try {
      mkdirSync(path.join(dir, "templates"));
      writeFileSync(path.join(dir, "Chart.yaml"), "apiVersion: v2\nname: app\nversion: 1.0.0\n");
      writeFileSync(path.join(dir, "values.yaml"), "replicas: 1\n");
      writeFileSync(path.join(dir, "templates", "cm.yaml"), "kind: ConfigMap\n");
      const provider = directoryChartProvider({ app: dir });
      const identity = () => {
        const found = provider.locate!({ source: "oci://example", name: "app", version: "*" });
        if (!("located" in found)) throw new Error("not located");
        return found.located.identity;
      };
      const first = identity();
      expect(identity()).toBe(first);
      writeFileSync(path.join(dir, "values.yaml"), "replicas: 3\n"); // same size
      const edited = identity();
      expect(edited).not.toBe(first);
      writeFileSync(path.join(dir, "templates", "extra.yaml"), "");
      expect(identity()).not.toBe(edited);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
