/**
 * Parsed templates and schema validators kept in the persistent cache (src/helm/persisted-parse.ts,
 * src/helm/schema.ts): a render whose parses are decoded and whose validators are loaded from the
 * cache prints what a parsing, compiling render prints, over the conformance corpus; a loaded
 * validator reports violations in the same words; a tampered entry or another build's entry is a
 * miss, never trusted; a persisted parse whose functions the render lacks fails as parsing fails.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DiskRenderCache } from "../../src/cache/store.js";
import { loadChartArchiveFromBytes } from "../../src/helm/chart-source.js";
import { defaultFuncs } from "../../src/helm/default-funcs.js";
import { forgetParsedTemplates } from "../../src/helm/engine.js";
import { loadChartFiles } from "../../src/helm/loader.js";
import { type ParsePersistence, primePersistedParse } from "../../src/helm/persisted-parse.js";
import { renderChart } from "../../src/helm/render.js";
import { renderTree } from "../../src/helm/render-chart.js";
import { forgetValidators, validateValues } from "../../src/helm/schema.js";
import { GoMap, TemplateSet } from "../../src/helm/template/index.js";
import { entryDamages, entryFiles, storedEntries } from "../support/cache-entries.js";
import { requires } from "../support/env.js";
import { scratchDirs } from "../support/scratch.js";
import { tgz } from "../support/tgz.js";
import { corpus, runCorpusCase } from "./corpus.js";

const temps = scratchDirs();
const tempCache = (code = "test-code-identity") => {
  const dir = temps.make("slipway-parse-cache-");
  return new DiskRenderCache(dir, code);
};

describe.runIf(requires("shared"))("persisted parses over the conformance corpus", () => {
  it("every templates/ case and the chart cases render identically from decoded parses and loaded schemas", () => {
    const cache = tempCache();
    const ids: [string, string][] = [];
    for (const group of ["templates", "cases"])
      for (const id of readdirSync(path.join(corpus, group)).sort()) ids.push([group, id]);
    for (const [group, id] of ids)
      expect(runCorpusCase(group, id, cache), `${group}/${id}`).toMatchObject({ ok: true });
    const written = cache.stats.writes;
    // the corpus's real charts (its one-file charts are below the size worth persisting) and schemas
    expect(written).toBeGreaterThan(20);
    forgetParsedTemplates();
    forgetValidators();
    for (const [group, id] of ids) {
      const r = runCorpusCase(group, id, cache);
      expect(r.ok, `${group}/${id} from the cache: ${r.detail}`).toBe(true);
    }
    // values.yaml entries are read when a chart loads, and this process keeps its loaded charts:
    // the second pass reads back every other entry (persisted-values.test.ts reads values back).
    const valuesEntries = storedEntries(cache.dir).filter((f) =>
      f.includes(`${path.sep}helm-values${path.sep}`),
    );
    expect(valuesEntries.length).toBeGreaterThan(0);
    expect(cache.stats.hits).toBeGreaterThanOrEqual(written - valuesEntries.length);
    expect(cache.stats.writes).toBe(written);
    expect(cache.stats.rejected).toBe(0);
  });
});

describe("persisted parse safety", () => {
  const funcs = defaultFuncs({});
  // A text no other test parses, so the process-wide parse cache cannot answer for the store.
  const files = (nonce: string) =>
    [
      ["c/templates/_h.tpl", `{{ define "h" }}h-${nonce}{{ end }}`],
      ["c/templates/a.yaml", `a: {{ include "h" . | upper | quote }} {{ .Values.x }}`],
    ] as const;
  const render = (set: TemplateSet) =>
    set.execute("c/templates/a.yaml", new GoMap([["Values", new GoMap([["x", "y"]])]]), {
      templateName: "a",
      random: Math.random,
      now: Date.now,
    });

  function parseWith(
    cache: DiskRenderCache,
    fs: readonly (readonly [string, string])[],
    withFuncs = funcs,
    when?: ParsePersistence,
  ) {
    const { set, persist } = parseWithPersist(cache, fs, withFuncs, when);
    persist.parsed?.();
    return set;
  }

  function parseWithPersist(
    cache: DiskRenderCache,
    fs: readonly (readonly [string, string])[],
    withFuncs = funcs,
    when?: ParsePersistence,
  ) {
    const set = new TemplateSet(withFuncs, { missingKey: "zero" });
    set.addFuncs({
      include: {
        params: ["string", "interface {}"],
        result: "string",
        fn: (n: unknown) =>
          set.execute(n as string, null, { templateName: "h", random: Math.random, now: Date.now }),
      },
    });
    const persist = primePersistedParse(cache, set, fs, when);
    for (const [name, text] of fs) set.parse(name, text);
    return { set, persist };
  }

  const parseEntries = (cache: DiskRenderCache, unit: string) =>
    storedEntries(cache.dir).filter((f) => f.includes(`${path.sep}${unit}${path.sep}`));

  it("second use: a first process writes only a marker, the next one to parse stores the parse, the one after decodes it", () => {
    const cache = tempCache();
    const fs = files(`second-${Math.random()}`);
    const first = parseWithPersist(cache, fs, funcs, "second-use");
    expect(first.persist.parsed).toBeUndefined();
    expect(first.persist.reused).toBeDefined();
    const expected = render(first.set);
    expect(parseEntries(cache, "helm-parse")).toEqual([]);
    expect(parseEntries(cache, "helm-parse-seen")).toHaveLength(1);
    forgetParsedTemplates();
    const second = parseWithPersist(cache, fs, funcs, "second-use");
    expect(second.persist.reused).toBeUndefined();
    second.persist.parsed!();
    expect(render(second.set)).toBe(expected);
    expect(parseEntries(cache, "helm-parse")).toHaveLength(1);
    forgetParsedTemplates();
    const hitsBefore = cache.stats.hits;
    const third = parseWithPersist(cache, fs, funcs, "second-use");
    expect(third.persist).toEqual({});
    expect(cache.stats.hits).toBe(hitsBefore + 1);
    expect(render(third.set)).toBe(expected);
  });

  it("second use: a set used again in the same process stores its parse then", () => {
    const cache = tempCache();
    const fs = files(`reused-${Math.random()}`);
    const first = parseWithPersist(cache, fs, funcs, "second-use");
    const expected = render(first.set);
    expect(parseEntries(cache, "helm-parse")).toEqual([]);
    first.persist.reused!();
    expect(parseEntries(cache, "helm-parse")).toHaveLength(1);
    forgetParsedTemplates();
    const again = parseWithPersist(cache, fs, funcs, "second-use");
    expect(again.persist).toEqual({});
    expect(render(again.set)).toBe(expected);
  });

  it.each(entryDamages)("%s entry is a miss and is written again; the render is unchanged", (_, damage) => {
    const cache = tempCache();
    const fs = files(`tamper-${Math.random()}`);
    const expected = render(parseWith(cache, fs));
    expect(cache.stats.writes).toBe(1);
    const [entry] = entryFiles(cache.dir);
    writeFileSync(entry!, damage(readFileSync(entry!)));
    forgetParsedTemplates();
    expect(render(parseWith(cache, fs))).toBe(expected);
    expect(cache.stats.rejected).toBe(1);
    expect(cache.stats.writes).toBe(2);
    forgetParsedTemplates();
    expect(render(parseWith(cache, fs))).toBe(expected);
    expect(cache.stats.hits).toBe(1);
  });

  it("another code identity never reads the entry", () => {
    const a = tempCache("build-a");
    const fs = files(`identity-${Math.random()}`);
    parseWith(a, fs);
    const b = new DiskRenderCache(path.dirname(path.dirname(a.dir)), "build-b");
    forgetParsedTemplates();
    parseWith(b, fs);
    expect(b.stats).toMatchObject({ hits: 0, misses: 1, writes: 1 });
  });

  it("a decoded parse whose functions the set lacks fails as parsing fails", () => {
    const cache = tempCache();
    const fs = files(`funcs-${Math.random()}`);
    parseWith(cache, fs);
    forgetParsedTemplates();
    const without = new Map(funcs);
    without.delete("upper");
    expect(() => parseWith(cache, fs, without)).toThrow(/function "upper" not defined/);
    expect(cache.stats.hits).toBe(1);
  });
});

describe("persisted parses of archived charts", () => {
  // Above the size worth persisting (engine.ts's PERSIST_MIN_TEXT), with a nonce no other test parses.
  const archive = (text: string, description = "d") =>
    tgz([
      ["c/Chart.yaml", `apiVersion: v2\nname: c\nversion: 1.0.0\ndescription: ${description}\n`],
      ["c/templates/_pad.tpl", `{{/* ${"padding ".repeat(5000)} */}}`],
      ["c/templates/cm.yaml", `kind: ConfigMap\ndata:\n  text: ${text}\n`],
    ]);
  const render = (cache: DiskRenderCache, bytes: Uint8Array) =>
    renderChart(loadChartArchiveFromBytes(bytes), {
      releaseName: "r",
      namespace: "n",
      cache,
      seed: 1,
      now: 0,
    })
      .manifests.map((m) => m.content)
      .join("\n");

  it("a chart loaded from an archive is known by the archive's digest, without hashing its files", () => {
    const bytes = archive(`digest-${Math.random()}`);
    const chart = loadChartArchiveFromBytes(bytes);
    const own = Object.getOwnPropertyDescriptor(chart, "digest");
    expect(own?.value).toBe(`tgz:${createHash("sha256").update(bytes).digest("hex")}`);
  });

  it("a parse is named by its archive and template names: other texts under the same names render as themselves", () => {
    const cache = tempCache();
    const nonce = Math.random();
    const a = archive(`a-${nonce}`);
    const b = archive(`b-${nonce}`);
    expect(render(cache, a)).toContain(`text: a-${nonce}`);
    forgetParsedTemplates();
    expect(render(cache, b)).toContain(`text: b-${nonce}`);
    expect(cache.stats).toMatchObject({ hits: 0, writes: 2 });
    forgetParsedTemplates();
    expect(render(cache, a)).toContain(`text: a-${nonce}`);
    expect(render(cache, b)).toContain(`text: b-${nonce}`);
    expect(cache.stats).toMatchObject({ hits: 2, writes: 2, rejected: 0 });
  });

  it("the same texts in another archive are parsed again (the texts themselves are not hashed)", () => {
    const cache = tempCache();
    const text = `same-${Math.random()}`;
    expect(render(cache, archive(text, "one"))).toContain(`text: ${text}`);
    forgetParsedTemplates();
    expect(render(cache, archive(text, "two"))).toContain(`text: ${text}`);
    expect(cache.stats).toMatchObject({ hits: 0, writes: 2 });
  });
});

describe("persisted schema validators", () => {
  const chartWith = (schema: string) =>
    renderTree(
      loadChartFiles([
        {
          name: "Chart.yaml",
          data: new TextEncoder().encode("apiVersion: v2\nname: demo\nversion: 0.1.0\n"),
        },
        { name: "values.schema.json", data: new TextEncoder().encode(schema) },
      ]),
    );
  const report = (schema: string, values: GoMap, cache?: DiskRenderCache): string => {
    try {
      validateValues(chartWith(schema), values, "demo", cache);
      return "valid";
    } catch (e) {
      return (e as Error).message;
    }
  };
  const values = new GoMap([
    ["name", "x"],
    ["port", new GoMap([["n", "80"]])],
    ["when", "yesterday"],
    ["mail", "not-an-email"],
    ["tags", ["a", "a"]],
    ["extra", true],
  ]);

  it.each([
    [
      "draft-07 with formats",
      `{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","required":["image"],"properties":{"when":{"type":"string","format":"date-time"},"mail":{"format":"email"},"name":{"minLength":3,"pattern":"^[A-Z]"},"tags":{"uniqueItems":true}},"additionalProperties":{"type":"string"}}`,
    ],
    [
      "2020-12 with $defs and refs",
      `{"$schema":"https://json-schema.org/draft/2020-12/schema","$defs":{"port":{"type":"object","properties":{"n":{"type":"integer"}}}},"properties":{"port":{"$ref":"#/$defs/port"},"extra":{"oneOf":[{"type":"boolean"},{"const":true}]}}}`,
    ],
    [
      "draft-04",
      `{"$schema":"http://json-schema.org/draft-04/schema#","properties":{"name":{"enum":["a","b"]},"tags":{"maxItems":1}}}`,
    ],
    ["a urn reference", `{"properties":{"name":{"$ref":"urn:example:thing"}},"required":["missing"]}`],
    // propertyNames: a keyword the quick check (schema-accept.ts) leaves to ajv
    ["valid values", `{"type":"object","propertyNames":{"minLength":1}}`],
  ])("%s: a loaded validator reports what ajv's compiled one reports", (_, schema) => {
    const cache = tempCache();
    forgetValidators();
    const compiled = report(schema, values);
    forgetValidators();
    expect(report(schema, values, cache)).toBe(compiled);
    expect(cache.stats.writes).toBe(1);
    forgetValidators();
    expect(report(schema, values, cache)).toBe(compiled);
    expect(cache.stats).toMatchObject({ hits: 1, writes: 1 });
  });

  it("values the quick check accepts compile and store nothing", () => {
    const cache = tempCache();
    forgetValidators();
    expect(report(`{"type":"object","properties":{"name":{"type":"string"}}}`, values, cache)).toBe("valid");
    expect(cache.stats).toMatchObject({ hits: 0, writes: 0 });
  });

  it("a tampered validator entry is a miss", () => {
    const schema = `{"properties":{"name":{"minLength":${5 + Math.floor(Math.random() * 1000)}}}}`;
    const cache = tempCache();
    forgetValidators();
    const first = report(schema, values, cache);
    const [entry] = entryFiles(cache.dir);
    const bytes = readFileSync(entry!);
    bytes[bytes.length - 5] ^= 0x40;
    writeFileSync(entry!, bytes);
    forgetValidators();
    expect(report(schema, values, cache)).toBe(first);
    expect(cache.stats).toMatchObject({ hits: 0, rejected: 1, writes: 2 });
  });
});
