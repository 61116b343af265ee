/**
 * Parsed source files for finding-line placement in the render cache
 * (src/check/source-lines-cache.ts): the same documents and lines as a parse, from an entry
 * keyed by the file's bytes (an edit is another key: never a stale line); files with a Secret or
 * SOPS metadata are never stored; a damaged entry is a parse.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DiskRenderCache } from "../../src/cache/store.js";
import { SOURCE_LINES_UNIT, sourceDocuments } from "../../src/check/source-lines-cache.js";
import { parseResourceFile } from "../../src/kustomize/parsed-files.js";
import type { YamlMap } from "../../src/kustomize/types.js";
import { isEmptyNull } from "../../src/yaml/empty-null.js";
import { type PositionedDocument, parseYamlDocumentsWithPositions } from "../../src/yaml/index.js";
import { entryDamages, entryFiles } from "../support/cache-entries.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const roots = new WeakMap<DiskRenderCache, string>();

function newCache(): DiskRenderCache {
  const d = mkdtempSync(path.join(tmpdir(), "slipway-source-lines-cache-"));
  dirs.push(d);
  return newCacheIn(d);
}

function newCacheIn(d: string): DiskRenderCache {
  const cache = new DiskRenderCache(d, "test-code-identity");
  roots.set(cache, d);
  return cache;
}

/** A new cache object (a fresh run) over the directory of `cache`. */
function newCacheOver(cache: DiskRenderCache): DiskRenderCache {
  return newCacheIn(roots.get(cache)!);
}

const release = (tag: string) => `---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: app
spec:
  values:
    empty:
    controllers:
      app:
        containers:
          app:
            image:
              repository: ghcr.io/example/app
              tag: ${tag}
    big: 12345678901234567890
---
apiVersion: v1
kind: ConfigMap
metadata: {name: other}
`;

const PROBES: Array<Array<string | number>> = [
  [],
  ["spec", "values"],
  ["spec", "values", "controllers", "app", "containers", "app", "image", "tag"],
  ["spec", "values", "empty"],
  ["spec", "values", "missing"],
  ["metadata", "name"],
  ["metadata", 0],
];

/** What placement reads of documents: values (with empty-null marks), lines, lineOf answers. */
function seen(docs: PositionedDocument[]) {
  return docs.map((d) => ({
    value: d.value,
    emptyNull: isEmptyNull((d.value as { spec?: { values: YamlMap } }).spec?.values ?? {}, "empty"),
    line: d.line,
    lines: PROBES.map((p) => d.lineOf(p)),
  }));
}

describe("source-lines cache", () => {
  it("serves the documents a parse gives, from the entry the first read stored", () => {
    const cache = newCache();
    const text = release("1.0.0");
    const want = seen(parseYamlDocumentsWithPositions(text, "/r/app.yaml"));
    expect(seen(sourceDocuments(cache, text, "/r/app.yaml"))).toEqual(want);
    expect(cache.stats.writes).toBe(1);
    const again = newCacheOver(cache);
    expect(seen(sourceDocuments(again, text, "/r/app.yaml"))).toEqual(want);
    expect(again.stats).toMatchObject({ hits: 1, writes: 0 });
    expect(
      typeof (sourceDocuments(again, text, "/r/app.yaml")[0]!.value as { spec: { values: { big: unknown } } })
        .spec.values.big,
    ).toBe("bigint");
  });

  it("takes a file the platform's load parsed from its memo, with the parse's documents and lines", () => {
    const text = release("3.0.0");
    parseResourceFile(text, "/r/loaded.yaml");
    const want = seen(parseYamlDocumentsWithPositions(text, "/r/loaded.yaml"));
    const first = sourceDocuments(newCache(), text, "/r/loaded.yaml");
    const second = sourceDocuments(newCache(), text, "/r/loaded.yaml");
    expect(seen(first)).toEqual(want);
    // Both are the memo's documents, not a parse each.
    expect(second[0]!.value).toBe(first[0]!.value);
    // The same text at another path was not read by the load: parsed.
    expect(sourceDocuments(newCache(), text, "/r/other.yaml")[0]!.value).not.toBe(first[0]!.value);
  });

  it("an edited file is another entry: its lines, not the old ones", () => {
    const cache = newCache();
    sourceDocuments(cache, release("1.0.0"), "/r/app.yaml");
    const edited = release("1.0.0").replace("    empty:\n", "    added: 1\n    empty:\n");
    const docs = sourceDocuments(newCacheOver(cache), edited, "/r/app.yaml");
    expect(seen(docs)).toEqual(seen(parseYamlDocumentsWithPositions(edited, "/r/app.yaml")));
    expect(docs[0]!.lineOf(["spec", "values", "controllers"])).toBe(10);
  });

  it.each([
    ["a Secret", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  password: hunter2\n"],
    [
      "a Secret in a List",
      "apiVersion: v1\nkind: List\nitems:\n  - kind: Secret\n    apiVersion: v1\n    data: {a: Yg==}\n",
    ],
    [
      "a Secret in flow style",
      "apiVersion: v1\nkind: List\nitems: [{kind: Secret, apiVersion: v1, data: {a: Yg==}}]\n",
    ],
    [
      "a Secret with a comment",
      "apiVersion: v1\nkind: List\nitems:\n  - kind: Secret # plain\n    apiVersion: v1\n    data: {a: Yg==}\n",
    ],
    [
      "a SOPS file",
      "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: ENC[AES256_GCM,data:eA==,iv:x,tag:y,type:str]\nsops:\n  version: 3.9.0\n",
    ],
  ])("never stores %s", (_, text) => {
    const cache = newCache();
    expect(seen(sourceDocuments(cache, text, "/r/s.yaml")).length).toBe(1);
    expect(cache.stats.writes).toBe(0);
    expect(existsSync(cache.dir) ? entryFiles(cache.dir) : []).toEqual([]);
  });

  it("stores files with other kinds named like Secret", () => {
    const cache = newCache();
    sourceDocuments(cache, "apiVersion: v1\nkind: SecretStore\nmetadata: {name: s}\n", "/r/s.yaml");
    sourceDocuments(cache, "apiVersion: v1\nkind: ExternalSecret\nmetadata: {name: s}\n", "/r/e.yaml");
    expect(cache.stats.writes).toBe(2);
  });

  it.each(entryDamages)("%s entry is a parse, never other lines", (_, damage) => {
    const cache = newCache();
    const text = release("2.0.0");
    sourceDocuments(cache, text, "/r/app.yaml");
    const [file] = entryFiles(cache.dir).filter((f) => f.includes(SOURCE_LINES_UNIT));
    writeFileSync(file!, damage(readFileSync(file!)));
    const again = newCacheOver(cache);
    expect(seen(sourceDocuments(again, text, "/r/app.yaml"))).toEqual(
      seen(parseYamlDocumentsWithPositions(text, "/r/app.yaml")),
    );
    expect(again.stats.hits).toBe(0);
  });
});
