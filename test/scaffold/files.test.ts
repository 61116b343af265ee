import { describe, expect, it } from "vitest";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { SourceFiles } from "../../src/promote/sources.js";
import { appendDocument, emptyPlan } from "../../src/scaffold/files.js";

describe("appendDocument", () => {
  it.each([
    ["LF", "a: 1\n", "a: 1\n---\nkind: X\nlist:\n  - b\n"],
    ["no final newline", "a: 1", "a: 1\n---\nkind: X\nlist:\n  - b\n"],
    ["CRLF", "a: 1\r\n", "a: 1\r\n---\r\nkind: X\r\nlist:\r\n  - b\r\n"],
  ])("%s: the new document follows the file's line breaks", (_, text, expected) => {
    const files = new SourceFiles(new MemoryFileSystem({ "/repo/ks.yaml": text }), "/repo");
    const plan = emptyPlan();
    appendDocument(plan, files, "ks.yaml", { kind: "X", list: ["b"] }, true, "adds X");
    expect(plan.change.get("ks.yaml")?.text).toBe(expected);
  });
});
