import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { applyEdits } from "../../src/promote/apply.js";
import type { Edit } from "../../src/promote/model.js";
import { YamlCst } from "../../src/yaml/cst-edit.js";
import { parseYamlDocuments } from "../../src/yaml/index.js";
import { repoRoot } from "../support/env.js";

const golden = path.join(repoRoot, "test/fixtures/promote/golden");
const cases = readdirSync(golden).sort();

describe("applyEdits: golden before/after files", () => {
  it.each(cases)("%s", (name) => {
    const before = readFileSync(path.join(golden, name, "before.yaml"), "utf8");
    const after = readFileSync(path.join(golden, name, "after.yaml"), "utf8");
    const edits = JSON.parse(readFileSync(path.join(golden, name, "edits.json"), "utf8")) as Edit[];
    expect(applyEdits(before, edits, name)).toBe(after);
  });

  it.each(cases)("%s: a no-op edit of every scalar returns identical bytes", (name) => {
    const before = readFileSync(path.join(golden, name, "before.yaml"), "utf8");
    const cst = new YamlCst(before);
    const noop: Edit[] = [...cst.scalars()].flatMap((s) =>
      s.typed === null
        ? []
        : [
            {
              op: "set" as const,
              file: name,
              doc: s.doc,
              path: s.path,
              old: s.value,
              value: s.typed,
              line: s.line,
              what: "",
            },
          ],
    );
    expect(noop.length).toBeGreaterThan(5);
    expect(applyEdits(before, noop, name)).toBe(before);
  });

  it.each(cases)("%s: the result re-parses to the input's values except at the edited paths", (name) => {
    const before = readFileSync(path.join(golden, name, "before.yaml"), "utf8");
    const edits = JSON.parse(readFileSync(path.join(golden, name, "edits.json"), "utf8")) as Edit[];
    const a = parseYamlDocuments(before, name).map((d) => d.value);
    const b = parseYamlDocuments(applyEdits(before, edits, name), name).map((d) => d.value);
    const touched = (doc: number, p: ReadonlyArray<string | number>) =>
      edits.some((e) => e.doc === doc && p.length >= e.path.length && e.path.every((s, i) => s === p[i]));
    // Every leaf outside the edited paths is equal.
    const walk = (x: unknown, y: unknown, doc: number, p: Array<string | number>) => {
      if (touched(doc, p)) return;
      if (x !== null && typeof x === "object") {
        const keys = new Set([...Object.keys(x), ...Object.keys((y ?? {}) as object)]);
        for (const k of keys) {
          const key = Array.isArray(x) ? Number(k) : k;
          walk((x as Record<string, unknown>)[k], (y as Record<string, unknown> | undefined)?.[k], doc, [
            ...p,
            key,
          ]);
        }
        return;
      }
      expect(y, `${name} doc ${doc} ${p.join(".")}`).toEqual(x);
    };
    for (const [i, d] of a.entries()) walk(d, b[i], i, []);
  });

  it("an identical edit planned twice is made once", () => {
    const text = "images:\n  - name: a\n    newTag: 1.0.0\n";
    const e: Edit = {
      op: "insert",
      file: "k",
      doc: 0,
      path: ["images", 0],
      key: "digest",
      value: "sha256:x",
      line: 2,
      what: "digest",
    };
    expect(applyEdits(text, [e, { ...e }])).toBe(
      "images:\n  - name: a\n    newTag: 1.0.0\n    digest: sha256:x\n",
    );
  });
});
