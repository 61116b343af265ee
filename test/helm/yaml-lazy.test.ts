/**
 * The lazy reader behind manifest heads (readRawYamlLazy): reading what it left unread must give
 * exactly what readRawYaml gives, and it must leave to the full path every document the fast
 * path leaves to it; readHead must give the same head or the same error on either path.
 */
import { describe, expect, it } from "vitest";
import { readHead } from "../../src/helm/manifests.js";
import {
  LazyRawMap,
  lazyValue,
  RawMap,
  type RawYaml,
  readRawYaml,
  readRawYamlFast,
  readRawYamlLazy,
} from "../../src/helm/yaml.js";

function materialize(v: RawYaml | LazyRawMap): RawYaml {
  if (!(v instanceof LazyRawMap)) return v;
  const out = new RawMap();
  for (const [k, node] of v.entries) out.entries.push([k, materialize(lazyValue(node))]);
  return out;
}

const docs = [
  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    x: 1\n    y: true\n",
  "kind: A\nkind: B\nKind: C\nmetadata: {name: n, annotations: {a: b}}\n",
  "base: &b\n  name: shared\n  annotations: {k: v}\nmetadata: *b\nkind: *b\n",
  "metadata:\n  <<: {name: merged}\nkind: M\n",
  "- a\n- b\n",
  "just text\n",
  "",
  "# only a comment\n",
  "metadata: [1, 2]\n",
  "metadata:\n  name: {a: 1}\n",
  "metadata:\n  annotations: [x]\n",
  "metadata:\n  annotations:\n    a: {b: c}\n",
  "apiVersion: 1.5\nkind: 0x10\nmetadata:\n  name: yes\n  NAME: no\n",
  "1: one\ntrue: yes\n~: null\nkind: K\n",
  "kind: K\nspec:\n  list:\n  - &x {a: 1}\n  - *x\n  text: |\n    block\n    text\n",
  "kind: [unclosed\n",
  "kind: 'a\n  b'\n",
];

/** A document the fast path refuses (a merge key) appended, so readHead takes the full path. */
const viaFullPath = (doc: string): string => `${doc.replace(/\n*$/, "\n")}zz: &m {a: 1}\nzy:\n  <<: *m\n`;

const outcome = (f: () => unknown): { ok?: unknown; error?: string } => {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
};

describe("readRawYamlLazy", () => {
  it.each(docs.map((d) => [JSON.stringify(d), d]))("%s reads as readRawYaml", (_, doc) => {
    const lazy = outcome(() => readRawYamlLazy(doc));
    const fast = outcome(() => readRawYamlFast(doc));
    expect(lazy.ok === undefined).toBe(fast.ok === undefined);
    const l = readRawYamlLazy(doc);
    if (l !== undefined) expect(materialize(l)).toEqual(readRawYaml(doc));
  });

  it("on 1500 generated documents of keys, anchors, aliases and merge keys (seeded)", () => {
    let seed = 11;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const keys = ["kind", "Kind", "metadata", "name", "annotations", "a", "<<", "1", "true"];
    const scalars = ["x", "1", "yes", "~", "'q'", '"d"', "0x1f", "1.5", "*a", "{a: 1}", "[1, x]"];
    const block = (depth: number, indent: string): string => {
      let out = "";
      for (let i = 1 + rand(3); i > 0; i--) {
        const key = keys[rand(keys.length)] as string;
        if (depth < 3 && rand(3) === 0) {
          out += `${indent}${key}:${rand(4) === 0 ? " &a" : ""}\n${block(depth + 1, `${indent}  `)}`;
        } else out += `${indent}${key}: ${scalars[rand(scalars.length)]}\n`;
      }
      return out;
    };
    let lazyRead = 0;
    for (let i = 0; i < 1500; i++) {
      const doc = `anchor: &a {name: n}\n${block(0, "")}`;
      const lazy = readRawYamlLazy(doc);
      expect(lazy === undefined, doc).toBe(readRawYamlFast(doc) === undefined);
      if (lazy === undefined) continue;
      lazyRead++;
      expect(materialize(lazy), doc).toEqual(readRawYaml(doc));
      expect(
        outcome(() => readHead(doc, "f")),
        doc,
      ).toEqual(outcome(() => readHead(viaFullPath(doc), "f")));
    }
    expect(lazyRead).toBeGreaterThan(500);
  });
});

// A mapping can take the merge key that sends it to the full path; other roots are read whole.
const mappings = docs.filter((d) => outcome(() => readRawYaml(d) instanceof RawMap).ok === true);

describe("readHead reads the same head on the lazy and the full path", () => {
  it.each(mappings.map((d) => [JSON.stringify(d), d]))("%s", (_, doc) => {
    expect(outcome(() => readHead(doc, "f"))).toEqual(outcome(() => readHead(viaFullPath(doc), "f")));
  });
});
