/**
 * Heads of rendered documents kept in the persistent cache (src/helm/persisted-heads.ts): sorting
 * through an entry gives what reading every document gives; an entry serves only the texts it
 * was written for (a changed document is read again, never given the old head) and still serves
 * the others; it is rewritten when it served less than 7/8 of the documents; documents that
 * may be Secrets are read every time, stay out of the entry's key and keep an entry from being
 * written when one reads as a Secret; errors stay the errors of a full read; damaged entries miss.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DiskRenderCache } from "../../src/cache/store.js";
import { type ManifestHead, sortManifests } from "../../src/helm/manifests.js";
import {
  decodeHeads,
  encodeHeads,
  type HeadsReader,
  persistedHeadsReader,
} from "../../src/helm/persisted-heads.js";
import { entryDamages, entryFiles } from "../support/cache-entries.js";
import { scratchDirs } from "../support/scratch.js";

const temps = scratchDirs();
const tempCache = () => {
  const dir = temps.make("slipway-heads-cache-");
  return new DiskRenderCache(dir, "test-code-identity");
};

/** A reader that records the documents it had to read itself. */
function counting(reader: HeadsReader): { reader: HeadsReader; read: string[] } {
  const read: string[] = [];
  return {
    read,
    reader: (docs, readOne) =>
      reader(docs, (i) => {
        read.push(docs[i]!);
        return readOne(i);
      }),
  };
}

/** A document large enough for the release to pass the size threshold (32 KB in all). */
const doc = (kind: string, name: string, extra = "") =>
  `apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  annotations:\n    a: "1"\n${extra}data:\n  blob: "${"x".repeat(3000)}"\n`;

/** A release: template files of documents (`salt` keeps tests' entries apart). */
function release(kinds: string[], salt = String(Math.random())): Map<string, string> {
  return new Map(kinds.map((k, i) => [`c/templates/t${i}.yaml`, doc(k, `${k.toLowerCase()}-${i}-${salt}`)]));
}

const KINDS = ["ConfigMap", "Service", "Deployment", "ConfigMap", "Role", "Service"].flatMap((k) => [k, k]);

const sorted = (files: Map<string, string>, reader?: HeadsReader) => {
  const r = sortManifests(files, reader);
  return { manifests: r.manifests.map((m) => [m.path, m.content, m.head]), hooks: r.hooks };
};

describe("heads codec", () => {
  it.each<[string, ManifestHead[]]>([
    ["no metadata", [{ apiVersion: "", kind: "", metadata: null }]],
    ["no annotations", [{ apiVersion: "v1", kind: "A", metadata: { name: "n", annotations: null } }]],
    ["empty annotations", [{ apiVersion: "v1", kind: "A", metadata: { name: "", annotations: new Map() } }]],
    [
      "annotations in order, unicode",
      [
        {
          apiVersion: "x/v1",
          kind: "Ü",
          metadata: {
            name: "é",
            annotations: new Map([
              ["z", "1"],
              ["a", "✓"],
            ]),
          },
        },
      ],
    ],
  ])("%s", (_, heads) => {
    const digests = heads.map((_, i) => `d${i}`);
    expect(decodeHeads(encodeHeads(heads, digests))).toEqual(new Map(heads.map((h, i) => [digests[i], h])));
  });

  it.each([
    ["not JSON", "["],
    ["not a list", '{"d":["v1","A",null]}'],
    ["a head without its digest (the first format)", '[["v1","A",null]]'],
    ["a digest that is not a string", '[[1,"v1","A",null]]'],
    ["a head of another shape", '[["d","v1","A"]]'],
    ["a name that is not a string", '[["d","v1","A",[1,null]]]'],
    ["odd annotations", '[["d","v1","A",["n",["k"]]]]'],
    ["an annotation value that is not a string", '[["d","v1","A",["n",["k",2]]]]'],
  ])("refuses %s", (_, json) => {
    expect(decodeHeads(Buffer.from(json))).toBeUndefined();
  });
});

describe("heads through the persistent cache", () => {
  it("a second sort takes the entry and sorts alike, reading no document", () => {
    const cache = tempCache();
    const files = release(KINDS);
    const expected = sorted(files);
    const first = counting(persistedHeadsReader(cache, "r"));
    expect(sorted(files, first.reader)).toEqual(expected);
    expect(first.read.length).toBe(KINDS.length);
    expect(cache.stats).toMatchObject({ misses: 1, writes: 1 });
    const second = counting(persistedHeadsReader(cache, "r"));
    expect(sorted(files, second.reader)).toEqual(expected);
    expect(second.read).toEqual([]);
    expect(cache.stats).toMatchObject({ hits: 1, writes: 1 });
  });

  it("never gives a changed document the head of its old text, and serves the others", () => {
    const cache = tempCache();
    const files = release(KINDS);
    sorted(files, persistedHeadsReader(cache, "r"));
    // Same length, same name, another kind and another annotation: only the text tells them apart.
    const changed = new Map(files);
    const t3 = changed.get("c/templates/t3.yaml")!;
    changed.set(
      "c/templates/t3.yaml",
      t3.replace("kind: Service", "kind: Ingress").replace('a: "1"', 'b: "2"'),
    );
    const again = counting(persistedHeadsReader(cache, "r"));
    expect(sorted(changed, again.reader)).toEqual(sorted(changed));
    expect(again.read).toEqual([changed.get("c/templates/t3.yaml")!.trim()]);
    // 11 of 12 served: not rewritten (a document that differs at every run would rewrite it each time).
    expect(cache.stats).toMatchObject({ hits: 1, writes: 1 });
  });

  it("is rewritten when it served less than 7/8 of the documents", () => {
    const cache = tempCache();
    const files = release(KINDS);
    sorted(files, persistedHeadsReader(cache, "r"));
    const changed = new Map([...files].map(([p, t], i) => [p, i < 2 ? t.replace('a: "1"', 'a: "2"') : t]));
    const again = counting(persistedHeadsReader(cache, "r"));
    expect(sorted(changed, again.reader)).toEqual(sorted(changed));
    expect(again.read.length).toBe(2);
    expect(cache.stats).toMatchObject({ hits: 1, writes: 2 });
    const third = counting(persistedHeadsReader(cache, "r"));
    expect(sorted(changed, third.reader)).toEqual(sorted(changed));
    expect(third.read).toEqual([]);
  });

  it("keeps the heads of another set of values of the same release: alternating runs are served", () => {
    const cache = tempCache();
    const a = release(KINDS, "a");
    const b = release(KINDS, "b");
    sorted(a, persistedHeadsReader(cache, "r"));
    sorted(b, persistedHeadsReader(cache, "r"));
    expect(cache.stats.writes).toBe(2);
    for (const files of [a, b, a]) {
      const again = counting(persistedHeadsReader(cache, "r"));
      expect(sorted(files, again.reader)).toEqual(sorted(files));
      expect(again.read).toEqual([]);
    }
    expect(cache.stats.writes).toBe(2);
  });

  it("a volatile run writes only when nothing was served", () => {
    const cache = tempCache();
    const files = release(KINDS);
    sorted(
      files,
      persistedHeadsReader(cache, "r", () => true),
    );
    expect(cache.stats.writes).toBe(1);
    // Half the documents differ (as unpinned randomness would make them): read, not written.
    const changed = new Map([...files].map(([p, t], i) => [p, i % 2 ? t.replace('a: "1"', 'a: "2"') : t]));
    const again = counting(persistedHeadsReader(cache, "r", () => true));
    expect(sorted(changed, again.reader)).toEqual(sorted(changed));
    expect(again.read.length).toBe(KINDS.length / 2);
    expect(cache.stats.writes).toBe(1);
  });

  it("serves by text, not by name: another release's entry serves nothing it was not written for", () => {
    const cache = tempCache();
    sorted(release(KINDS, "a"), persistedHeadsReader(cache, "r"));
    const other = release(KINDS, "b");
    const again = counting(persistedHeadsReader(cache, "r"));
    expect(sorted(other, again.reader)).toEqual(sorted(other));
    expect(again.read.length).toBe(KINDS.length);
  });

  it("reads documents that may be Secrets every time, and keeps them out of the key", () => {
    const cache = tempCache();
    const kinds = [...KINDS, "Secret"];
    const files = release(kinds);
    const secretAt = kinds.length - 1;
    sorted(files, persistedHeadsReader(cache, "r"));
    const withOtherSecret = new Map(files);
    const path = `c/templates/t${secretAt}.yaml`;
    withOtherSecret.set(path, files.get(path)!.replace("blob:", "password:"));
    const again = counting(persistedHeadsReader(cache, "r"));
    expect(sorted(withOtherSecret, again.reader)).toEqual(sorted(withOtherSecret));
    // The Secret is the only document read: the entry (its key without the Secret) served the rest.
    expect(again.read).toEqual([withOtherSecret.get(path)!.trim()]);
    expect(cache.stats).toMatchObject({ hits: 1, writes: 1 });
    for (const f of entryFiles(cache.dir)) expect(readFileSync(f, "latin1")).not.toContain("Secret");
  });

  it("writes no entry when a document the text test let through reads as a Secret", () => {
    const cache = tempCache();
    const files = release(KINDS);
    files.set("c/templates/z.yaml", doc("!!str Secret", "sneaky"));
    const expected = sorted(files);
    expect(expected.manifests.some(([, , head]) => (head as ManifestHead).kind === "Secret")).toBe(true);
    expect(sorted(files, persistedHeadsReader(cache, "r"))).toEqual(expected);
    expect(cache.stats.writes).toBe(0);
  });

  it("fails as a full read fails, before and after an entry exists", () => {
    const cache = tempCache();
    const files = release([...KINDS, "Secret"]);
    const error = (f: Map<string, string>, reader?: HeadsReader) => {
      try {
        sortManifests(f, reader);
      } catch (e) {
        return (e as Error).message;
      }
      return "no error";
    };
    const broken = new Map(files);
    broken.set("c/templates/t0.yaml", "kind: [unclosed\n");
    expect(error(broken, persistedHeadsReader(cache, "r"))).toBe(error(broken));
    expect(error(broken)).toMatch(/YAML parse error on c\/templates\/t0.yaml/);
    expect(cache.stats.writes).toBe(0);
    // With an entry for the good documents, a broken Secret (never in an entry) still fails.
    sorted(files, persistedHeadsReader(cache, "r"));
    const brokenSecret = new Map(files);
    brokenSecret.set(`c/templates/t${KINDS.length}.yaml`, "kind: Secret\n- a\n");
    expect(error(brokenSecret, persistedHeadsReader(cache, "r"))).toBe(error(brokenSecret));
    expect(error(brokenSecret)).toMatch(/YAML parse error/);
  });

  it("small releases are read, not stored", () => {
    const cache = tempCache();
    const files = new Map([
      ["c/templates/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"],
    ]);
    expect(sorted(files, persistedHeadsReader(cache, "r"))).toEqual(sorted(files));
    expect(cache.stats).toMatchObject({ hits: 0, misses: 0, writes: 0 });
  });

  it.each(entryDamages)("%s entry is a miss, read and written again", (_, damage) => {
    const cache = tempCache();
    const files = release(KINDS);
    const expected = sorted(files);
    sorted(files, persistedHeadsReader(cache, "r"));
    const [entry] = entryFiles(cache.dir);
    writeFileSync(entry!, damage(readFileSync(entry!)));
    const again = counting(persistedHeadsReader(cache, "r"));
    expect(sorted(files, again.reader)).toEqual(expected);
    expect(again.read.length).toBe(KINDS.length);
    expect(cache.stats).toMatchObject({ rejected: 1, writes: 2 });
  });
});
