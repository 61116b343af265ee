/**
 * Round-trip properties of CST edits over every YAML file of ../shared/realworld (real files
 * written by other people): printing a file back is the identity, a no-op edit of every
 * scalar is the identity, and an edit of one scalar changes exactly that scalar's bytes —
 * the lines before and after it are untouched and the file re-parses to the same values
 * except at the edited path.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { YamlValue } from "../../src/kustomize/types.js";
import { type ScalarValue, YamlCst } from "../../src/yaml/cst-edit.js";
import { parseYamlDocuments } from "../../src/yaml/index.js";
import { requires, sharedDir } from "../support/env.js";

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

/** Values a promotion writes, plus strings built to need quoting. */
const newValues = fc.oneof(
  fc.constantFrom<ScalarValue>(
    "1.9.0-rc.2",
    "v2.0.0",
    "sha256:0123abcd",
    "1.10",
    "true",
    "",
    "null",
    "a: b",
    "#x",
    "x #y",
    "it's",
    'say "hi"',
    "0x1F",
    "2024-01-01",
  ),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -5, max: 1000 }),
  fc.boolean(),
);

function setAt(root: YamlValue, p: ReadonlyArray<string | number>, v: YamlValue): void {
  let node = root as Record<string | number, YamlValue>;
  for (const seg of p.slice(0, -1)) node = node[seg] as Record<string | number, YamlValue>;
  node[p[p.length - 1]!] = v;
}

function parsedByLine(text: string, file: string): Map<number, YamlValue> | undefined {
  try {
    return new Map(parseYamlDocuments(text, file).map((d) => [d.line, d.value]));
  } catch {
    return undefined; // go-yaml refuses the file (duplicate keys, ...): bytes are still checked
  }
}

describe.runIf(requires("shared"))("CST edits over ../shared/realworld", () => {
  it("change exactly the edited scalar in every YAML file", () => {
    const files = yamlFiles(path.join(sharedDir, "realworld"));
    expect(files.length).toBeGreaterThan(1000);
    const rng = fc.sample(fc.tuple(fc.nat(), newValues), {
      seed: Number(process.env.SLIPWAY_FUZZ_SEED ?? 13),
      numRuns: files.length * 3,
    });
    let edits = 0;
    let reparsed = 0;
    let unparsable = 0;
    for (const [fi, file] of files.entries()) {
      const text = readFileSync(file, "utf8");
      let cst: YamlCst;
      try {
        cst = new YamlCst(text, file);
      } catch {
        unparsable++;
        continue;
      }
      expect(cst.toString(), file).toBe(text);
      const scalars = [...cst.scalars()];
      // A no-op edit of every scalar returns identical bytes.
      for (const s of scalars) if (s.typed !== null) cst.set(s.doc, s.path, s.typed);
      expect(cst.toString(), `${file}: no-op edits`).toBe(text);
      if (scalars.length === 0) continue;

      const before = parsedByLine(text, file);
      for (let k = 0; k < 3; k++) {
        const [pick, value] = rng[fi * 3 + k]!;
        const s = scalars[pick % scalars.length]!;
        const where = `${file}: ${s.path.join(".")} := ${JSON.stringify(value)}`;
        const edited = new YamlCst(text, file);
        edited.set(s.doc, s.path, value);
        const out = edited.toString();
        edits++;
        const [start, end] = s.range;
        expect(out.slice(0, start), where).toBe(text.slice(0, start));
        expect(out.slice(out.length - (text.length - end)), where).toBe(text.slice(end));
        // Line view: only the scalar's lines differ.
        const firstLine = text.slice(0, start).split("\n").length - 1;
        const lastLine = text.slice(0, end).split("\n").length - 1;
        const a = text.split("\n");
        const b = out.split("\n");
        expect(b.slice(0, firstLine), where).toEqual(a.slice(0, firstLine));
        const tail = a.length - lastLine - 1;
        expect(b.slice(b.length - tail), where).toEqual(a.slice(a.length - tail));
        // Re-parsed, the file holds the same values except the edited one.
        const after = parsedByLine(out, file);
        const docLine = [...(before?.keys() ?? [])].filter((l) => l <= s.line).pop();
        if (before && docLine !== undefined && !s.tagged && s.anchor === undefined) {
          expect(after, where).toBeDefined();
          const expected = structuredClone(before.get(docLine)!);
          if (s.path.length === 0) {
            expect(after!.get(docLine), where).toEqual(value);
          } else {
            setAt(expected, s.path, value);
            expect(after!.get(docLine), where).toEqual(expected);
          }
          reparsed++;
        }
      }
    }
    process.stderr.write(
      `[cst-edit] ${files.length} files, ${edits} one-scalar edits (${reparsed} re-parsed and compared), ${unparsable} files the yaml package cannot parse\n`,
    );
    expect(edits).toBeGreaterThan(3000);
  }, 300_000);
});
