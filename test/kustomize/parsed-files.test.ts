/**
 * The parse memo of resource files (src/kustomize/target.ts `parseResourceFile`): callers get
 * copies, and the memo keeps each fast-read file's line trees for finding placement
 * (`parsedLineTreeDocuments`), the same trees a parse with line trees gives.
 */
import { describe, expect, it } from "vitest";
import { parsedLineTreeDocuments, parseResourceFile } from "../../src/kustomize/parsed-files.js";
import { parseYamlDocuments, parseYamlDocumentsWithLineTrees } from "../../src/yaml/index.js";

const text =
  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n---\nkind: List\nitems: [1, 2]\n";

describe("parseResourceFile's memo", () => {
  it("returns parseYamlDocuments' documents, as copies", () => {
    const a = parseResourceFile(text, "/memo/a.yaml");
    expect(a).toEqual(parseYamlDocuments(text, "/memo/a.yaml"));
    const b = parseResourceFile(text, "/memo/a.yaml");
    expect(b).toEqual(a);
    expect(b[0]!.value).not.toBe(a[0]!.value);
  });

  it("keeps the line trees of what the fast reader read", () => {
    expect(parsedLineTreeDocuments(text, "/memo/b.yaml")).toBeUndefined();
    parseResourceFile(text, "/memo/b.yaml");
    expect(parsedLineTreeDocuments(text, "/memo/b.yaml")).toEqual(parseYamlDocumentsWithLineTrees(text));
    expect(parsedLineTreeDocuments(`${text}\n`, "/memo/b.yaml")).toBeUndefined();
  });

  it("has no trees for a text left to the full parser", () => {
    const merged = "base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n";
    expect(parseYamlDocumentsWithLineTrees(merged)).toBeUndefined();
    expect(parseResourceFile(merged, "/memo/c.yaml")).toEqual(parseYamlDocuments(merged, "/memo/c.yaml"));
    expect(parsedLineTreeDocuments(merged, "/memo/c.yaml")).toBeUndefined();
  });
});
