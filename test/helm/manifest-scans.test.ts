/**
 * The fast reader's documents kept from the sort of a render (src/helm/manifest-scans.ts): a
 * render that asks keeps them with each Manifest and Hook, they are taken once, and they are
 * given only for a text whose scan they are (or give once the block scalar ending a document
 * is chomped as a line break after it makes it); parsing from them gives what parsing the text gives,
 * checked on every rendered document of the Helm conformance corpus.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { takeScan } from "../../src/helm/manifest-scans.js";
import { type Manifest, sortManifests } from "../../src/helm/manifests.js";
import { scanFastYaml } from "../../src/yaml/fast/index.js";
import { parseYamlDocuments, parseYamlDocumentsScanned } from "../../src/yaml/parse.js";
import { corpus } from "./corpus.js";

const files = (docs: Record<string, string>) => new Map(Object.entries(docs));

// Heads are remembered by text (readHead): each test renders texts of its own, so they are read.
const rendered = (tag: string) =>
  files({
    "c/templates/cm.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${tag}\ndata:\n  a: |\n    x\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm2-${tag}\ndata:\n  b: plain`,
    "c/templates/hook.yaml": `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j-${tag}\n  annotations:\n    helm.sh/hook: pre-install\nspec:\n  x: >-\n    folded\n  y: z`,
  });

/** Parsing a manifest's text from its kept scan when there is one, as releaseObjects does. */
function parsed(m: Manifest, text: string) {
  const scanned = takeScan(m, text);
  return {
    scanned: scanned !== undefined,
    docs: scanned ? parseYamlDocumentsScanned(text, m.path, scanned) : parseYamlDocuments(text, m.path),
  };
}

describe("scans kept from the sort", () => {
  it("are kept when asked, for manifests and hooks, and taken once", () => {
    const { manifests, hooks } = sortManifests(rendered("kept"), undefined, true);
    const cm2 = manifests.find((m) => m.head.metadata?.name === "cm2-kept") as Manifest;
    const first = parsed(cm2, `${cm2.content}\n`);
    expect(first.scanned).toBe(true);
    expect(first.docs).toEqual(parseYamlDocuments(`${cm2.content}\n`, cm2.path));
    expect(takeScan(cm2, `${cm2.content}\n`)).toBeUndefined();
    // A block scalar inside the document: a line break after the document changes nothing.
    const hook = hooks[0] as Manifest;
    expect(parsed(hook, `${hook.content}\n`).scanned).toBe(true);
  });

  it("are not kept unless asked", () => {
    const { manifests } = sortManifests(rendered("unasked"));
    for (const m of manifests) expect(takeScan(m, m.content)).toBeUndefined();
  });

  it("are given for a line break after a block scalar ending the document, chomped as its header says", () => {
    const { manifests } = sortManifests(rendered("block"), undefined, true);
    const cm = manifests.find((m) => m.head.metadata?.name === "cm-block") as Manifest;
    const text = `${cm.content}\n`;
    const { scanned, docs } = parsed(cm, text);
    expect(scanned).toBe(true);
    expect(docs).toEqual(parseYamlDocuments(text, cm.path));
    expect(docs[0]?.value).toMatchObject({ data: { a: "x\n" } });
    // The document itself (a hook that skips post-renderers) is its own scan.
    const again = sortManifests(rendered("own"), undefined, true).manifests.find(
      (m) => m.head.metadata?.name === "cm-own",
    ) as Manifest;
    const own = parsed(again, again.content);
    expect(own.scanned).toBe(true);
    expect(own.docs).toEqual(parseYamlDocuments(again.content, again.path));
    expect(own.docs[0]?.value).toMatchObject({ data: { a: "x" } });
  });

  // [case, the document's end (after `data:`), whether the scan is given, the last value]
  it.each([
    ["literal, clip", "  a: |\n    x\n    y", true, "x\ny\n"],
    ["literal, strip", "  a: |-\n    x\n    y", true, "x\ny"],
    ["literal, keep", "  a: |+\n    x\n\n    y", true, "x\n\ny\n"],
    ["folded, clip, comment", "  a: > # c\n    x\n    y", true, "x y\n"],
    ["anchored", "  a: &v |\n    x", true, "x\n"],
    ["key with spaces before the colon", "  a b  : |\n    x", true, "x\n"],
    ["in a sequence item", "  a:\n    - k: v\n      b: |\n        x", true, "x\n"],
    ["first key of a sequence item", "  a:\n    - b: |\n        x", true, "x\n"],
    ["strip, ending on an empty line", "  a: |-\n    x\n  ", true, "x"],
    ["a comment after the block", "  a: |\n    x\n# c\n    # d", false, "x\n"],
    ["an indentation indicator", "  a: |1\n    x", false, " x\n"],
    ["a quoted key", '  "a": |\n    x', false, "x\n"],
    ["a tag", "  a: !!str |\n    x", false, "x\n"],
    ["a sequence item", "  a:\n    - |\n      x", false, "x\n"],
  ])("%s", (tag, end, given, last) => {
    const name = `cm-end-${tag.replace(/[^a-z]+/g, "-")}`;
    const doc = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n${end}`;
    const m = sortManifests(files({ "c/templates/cm.yaml": doc }), undefined, true).manifests[0] as Manifest;
    const text = `${m.content}\n`;
    const { scanned, docs } = parsed(m, text);
    expect(scanned).toBe(given);
    expect(docs).toEqual(parseYamlDocuments(text, m.path));
    expect(JSON.stringify(docs[0]?.value)).toContain(JSON.stringify(last));
  });

  it.skipIf(!existsSync(path.join(corpus, "cases")))(
    "are the scans of the texts they are given for, on the corpus's rendered documents",
    () => {
      let given = 0;
      for (const id of readdirSync(path.join(corpus, "cases"))) {
        const expected = path.join(corpus, "cases", id, "expected.yaml");
        if (!existsSync(expected)) continue;
        const docs = readFileSync(expected, "utf8")
          .split(/^---\n/m)
          .filter((d) => d.trim() !== "");
        const rendered = files(Object.fromEntries(docs.map((d, i) => [`c/templates/${i}.yaml`, d])));
        const { manifests, hooks } = sortManifests(rendered, undefined, true);
        for (const m of [...manifests, ...hooks]) {
          const text = `${m.content}\n`;
          const scanned = takeScan(m, text);
          if (scanned === undefined) continue;
          given++;
          expect(JSON.stringify(scanned)).toBe(JSON.stringify(scanFastYaml(text)));
        }
      }
      expect(given).toBeGreaterThan(1000);
    },
  );
});
