import { describe, expect, it } from "vitest";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { ReadSets } from "../../src/platform/read-sets.js";
import { Rng } from "../support/random.js";

/**
 * ReadSets.mayRead (the changed-only diff's question "may this build read a changed file?")
 * against the file list it stands for (filesOf): on seeded random trees of two revisions, with
 * kustomization files naming directories and files of each other (`key=path` included), it
 * answers exactly as filesOf for every changed file a walk lists, and never "no" where filesOf
 * says "yes" (a file below node_modules, which walks skip, counts as read).
 *
 * SLIPWAY_READSETS_SEED=S  replay one seed
 */
const seeds = process.env.SLIPWAY_READSETS_SEED
  ? [Number(process.env.SLIPWAY_READSETS_SEED)]
  : Array.from({ length: 40 }, (_, i) => i + 1);

function randomTree(rng: Rng): Record<string, string> {
  const dirs = ["/r"];
  for (let i = 0; i < 3 + rng.int(10); i++) {
    const parent = rng.pick(dirs);
    const name = rng.chance(0.1) ? "node_modules" : `d${i}`;
    dirs.push(`${parent}/${name}`);
  }
  const files: Record<string, string> = {};
  for (const d of dirs) {
    for (let j = 0; j < rng.int(3); j++) files[`${d}/f${j}.yaml`] = `n: ${j}\n`;
  }
  const targets = [...dirs, ...Object.keys(files), "/r/missing"];
  for (const d of dirs) {
    if (!rng.chance(0.6)) continue;
    const refs = Array.from({ length: rng.int(4) }, () => {
      const t = rng.pick(targets);
      const rel = relative(d, t);
      return rng.chance(0.2) ? `key=${rel}` : rel;
    });
    const name = rng.pick(["kustomization.yaml", "kustomization.yml", "Kustomization"]);
    files[`${d}/${name}`] = `resources:\n${refs.map((r) => `  - ${r}`).join("\n")}\n`;
  }
  return files;
}

function relative(from: string, to: string): string {
  const a = from.split("/").filter(Boolean);
  const b = to.split("/").filter(Boolean);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => ".."), ...b.slice(i)].join("/") || ".";
}

/** The tree with some files edited, deleted or added (the head of a diff). */
function edited(rng: Rng, base: Record<string, string>): Record<string, string> {
  const out = { ...base };
  for (const f of Object.keys(base)) {
    const r = rng.next();
    if (r < 0.1) delete out[f];
    else if (r < 0.2) out[f] = `${base[f]}x: 1\n`;
  }
  const files = Object.keys(base);
  const dirs = [...new Set(files.map((f) => f.slice(0, f.lastIndexOf("/"))))];
  for (let i = 0; i < rng.int(3); i++) out[`${rng.pick(dirs)}/new${i}.yaml`] = "a: 1\n";
  // A kustomization file only the head has, naming what the base's do not.
  const d = rng.pick(dirs);
  if (out[`${d}/kustomization.yaml`] === undefined) {
    out[`${d}/kustomization.yaml`] = `resources:\n  - ${relative(d, rng.pick([...dirs, ...files]))}\n`;
  }
  return out;
}

describe("ReadSets.mayRead", () => {
  it.each(seeds)("seed %i: answers as filesOf does, never no where it says yes", (seed) => {
    const rng = new Rng(seed);
    const base = randomTree(rng);
    const head = edited(rng, base);
    const fss = [new MemoryFileSystem(base), new MemoryFileSystem(head)];
    const paths = [...new Set([...Object.keys(base), ...Object.keys(head)])].sort();
    const dirs = [...new Set(paths.map((f) => f.slice(0, f.lastIndexOf("/"))))].sort();
    let yes = 0;
    for (const changedFile of paths) {
      const changed = new Set([changedFile]);
      // A fresh ReadSets per changed set for one, one shared by every question for the other.
      const listed = new ReadSets(fss);
      for (const dir of dirs) {
        const extra = rng.chance(0.2) ? [relative(dir, rng.pick(dirs))] : [];
        const byFiles = [...listed.filesOf(dir, extra)].some((f) => changed.has(f));
        const asked = new ReadSets(fss).mayRead(dir, extra, changed);
        if (byFiles) yes++;
        if (changedFile.includes("/node_modules/")) {
          if (byFiles) expect(asked, `${dir} ${changedFile}`).toBe(true);
        } else {
          expect(asked, `${dir} ${changedFile}`).toBe(byFiles);
        }
      }
    }
    expect(yes).toBeGreaterThan(0);
  });

  it("names what a build reads outside its directory, and nothing beside it", () => {
    const fs = new MemoryFileSystem({
      "/r/app/kustomization.yaml": "resources:\n  - ../base\n  - ../extra/cm.yaml\n",
      "/r/app/deploy.yaml": "a: 1\n",
      "/r/base/kustomization.yaml": "resources:\n  - svc.yaml\n",
      "/r/base/svc.yaml": "a: 1\n",
      "/r/base/node_modules/x.yaml": "a: 1\n",
      "/r/extra/cm.yaml": "a: 1\n",
      "/r/extra/other.yaml": "a: 1\n",
      "/r/sibling/x.yaml": "a: 1\n",
    });
    const ask = (f: string) => new ReadSets([fs]).mayRead("/r/app", [], new Set([f]));
    expect(ask("/r/app/deploy.yaml")).toBe(true);
    expect(ask("/r/base/svc.yaml")).toBe(true);
    expect(ask("/r/base/new.yaml")).toBe(true); // a file added to a directory read
    expect(ask("/r/base/node_modules/x.yaml")).toBe(true);
    expect(ask("/r/extra/cm.yaml")).toBe(true);
    expect(ask("/r/extra/other.yaml")).toBe(false);
    expect(ask("/r/sibling/x.yaml")).toBe(false);
    expect(new ReadSets([fs]).mayRead("/r/app", ["../sibling"], new Set(["/r/sibling/x.yaml"]))).toBe(true);
  });
});

describe("ReadSets on shared buffers", () => {
  // Two revisions of a diff share unchanged blobs: one Buffer at two paths (or in two trees) names
  // paths relative to each file's own directory, and an edited file (a new Buffer) its new ones.
  it("resolves what one buffer names against each file's directory", () => {
    const k = Buffer.from("resources:\n  - ../shared\n  - cm.yaml\n");
    const files = {
      "/r/a/app/kustomization.yaml": k,
      "/r/a/app/cm.yaml": "x: 1\n",
      "/r/a/shared/s.yaml": "s: 1\n",
      "/r/b/app/kustomization.yaml": k,
      "/r/b/app/cm.yaml": "x: 1\n",
      "/r/b/shared/s.yaml": "s: 1\n",
      "/r/b/other/o.yaml": "o: 1\n",
    };
    const head = new MemoryFileSystem(files);
    const reads = new ReadSets([head], "precise");
    expect([...reads.filesOf("/r/a/app")].sort()).toEqual([
      "/r/a/app",
      "/r/a/app/cm.yaml",
      "/r/a/app/kustomization.yaml",
      "/r/a/shared",
      "/r/a/shared/s.yaml",
    ]);
    expect([...reads.filesOf("/r/b/app")].sort()).toEqual([
      "/r/b/app",
      "/r/b/app/cm.yaml",
      "/r/b/app/kustomization.yaml",
      "/r/b/shared",
      "/r/b/shared/s.yaml",
    ]);
    const base = new MemoryFileSystem(files);
    base.write("/r/b/app/kustomization.yaml", "resources:\n  - ../other\n");
    expect([...new ReadSets([base], "precise").filesOf("/r/b/app")].sort()).toEqual([
      "/r/b/app",
      "/r/b/app/kustomization.yaml",
      "/r/b/other",
      "/r/b/other/o.yaml",
    ]);
  });
});
