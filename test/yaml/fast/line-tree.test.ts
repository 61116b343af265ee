/**
 * Line trees (src/yaml/fast/line-tree.ts) answer every path as fastLineOf does on the fast
 * reader's nodes, after a JSON round trip (they are kept in the persistent cache as JSON):
 * every existing path of every document of the realworld corpus, plus paths that do not exist
 * (a missing key, an index past the end, a number used on a map, a string on a list).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { type FastNode, fastLineOf, scanFastYamlEach } from "../../../src/yaml/fast/index.js";
import { isLineTree, type LineTree, lineOfTree, lineTreeOf } from "../../../src/yaml/fast/line-tree.js";
import { parseYamlDocumentsWithLineTrees, parseYamlDocumentsWithPositions } from "../../../src/yaml/parse.js";
import { requires, sharedDir } from "../../support/env.js";

const realworld = path.join(sharedDir, "realworld");

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    if (e === ".git" || e === "node_modules") continue;
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(e)) out.push(p);
  }
  return out;
}

/** Every path below `node` (aliases followed, once), then a few that do not exist. */
function probes(
  node: FastNode,
  at: Array<string | number>,
  out: Array<Array<string | number>>,
  depth = 0,
): void {
  out.push(at);
  if (depth > 40) return;
  const n = node.kind === "alias" ? node.target : node;
  if (n.kind === "map") {
    for (const p of n.pairs) probes(p.value, [...at, p.key.text], out, depth + 1);
    out.push([...at, "no-such-key"], [...at, 0]);
  } else if (n.kind === "seq") {
    for (const [i, item] of n.items.entries()) probes(item, [...at, i], out, depth + 1);
    out.push([...at, n.items.length], [...at, -1], [...at, "0"], [...at, 0.5]);
  } else {
    out.push([...at, "x"], [...at, 0]);
  }
}

describe.runIf(requires("shared"))("line trees over ../shared/realworld", () => {
  it("answer every path of the corpus as fastLineOf does, after JSON", () => {
    let compared = 0;
    for (const file of yamlFiles(realworld)) {
      const text = readFileSync(file, "utf8");
      const roots: FastNode[] = [];
      try {
        if (!scanFastYamlEach(text, ({ root }) => void (root && roots.push(root)))) continue;
      } catch {
        continue; // left to the full path, or refused: no line tree is made of it
      }
      for (const root of roots) {
        const tree = JSON.parse(JSON.stringify(lineTreeOf(root))) as LineTree;
        expect(isLineTree(tree)).toBe(true);
        const paths: Array<Array<string | number>> = [];
        probes(root, [], paths);
        for (const p of paths) {
          const want = fastLineOf(root, p);
          if (lineOfTree(tree, p) !== want) expect([file, p, lineOfTree(tree, p)]).toEqual([file, p, want]);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(10_000);
  });
});

describe("line trees", () => {
  it("follow aliases as the nodes do", () => {
    const text = "a: &x\n  b:\n    - 1\n    - 2\nc: *x\nd:\n  - *x\n";
    const [doc] = parseYamlDocumentsWithLineTrees(text)!;
    const [positioned] = parseYamlDocumentsWithPositions(text, "t.yaml");
    for (const p of [["c"], ["c", "b"], ["c", "b", 1], ["d", 0], ["d", 0, "b", 0], ["d", 1], ["c", "z"]])
      expect([p, lineOfTree(doc!.tree, p)]).toEqual([p, positioned!.lineOf(p)]);
    expect(lineOfTree(doc!.tree, ["c", "b", 1])).toBe(4);
  });

  it("answer undefined, never throw, below a node of another shape", () => {
    const broken = { l: 1, k: ["a", "b"], kl: [1, 2], v: ["x", { l: 3 }] } as unknown as LineTree;
    expect(isLineTree(broken)).toBe(true);
    expect(lineOfTree(broken, ["a", "y"])).toBeUndefined();
    expect(lineOfTree(broken, ["b", "y"])).toBeUndefined();
    expect(lineOfTree(broken, ["a"])).toBe(1); // the key's line: the value is not looked at
    expect(isLineTree({ l: 1, k: ["a"], kl: [], v: [] })).toBe(false);
    expect(isLineTree("1")).toBe(false);
  });
});
