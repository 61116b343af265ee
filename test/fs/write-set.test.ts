/**
 * writeFileSet writes all of its files or none: each way a set can fail (a bad target found
 * before writing, a rename failing after the first file is in place) leaves the directory as
 * it was — replaced files restored, new files, temp files and new directories gone.
 */

import { execFileSync, spawn } from "node:child_process";
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SlipwayError } from "../../src/errors.js";
import { writeFileSet } from "../../src/fs/write-set.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function temp(): string {
  const d = mkdtempSync(path.join(tmpdir(), "slipway-write-set-"));
  dirs.push(d);
  return d;
}

/** Every path below `root` with the content of its files ("/" for a directory). */
function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const rel = path.relative(root, p);
      if (lstatSync(p).isSymbolicLink()) out[rel] = "->";
      else if (statSync(p).isDirectory()) {
        out[`${rel}/`] = "";
        walk(p);
      } else out[rel] = readFileSync(p, "utf8");
    }
  };
  walk(root);
  return out;
}

describe("writeFileSet", () => {
  it("writes every file, creating directories", () => {
    const root = temp();
    writeFileSet(
      [
        { file: path.join(root, "out/a/x.yaml"), content: "x\n" },
        { file: path.join(root, "out/b.yaml"), content: "b\n" },
      ],
      { within: path.join(root, "out") },
    );
    expect(tree(root)).toEqual({ "out/": "", "out/a/": "", "out/a/x.yaml": "x\n", "out/b.yaml": "b\n" });
  });

  it("a rename failing after the first file is placed undoes the whole set", () => {
    const root = temp();
    mkdirSync(path.join(root, "out"));
    writeFileSync(path.join(root, "out/old.yaml"), "old\n");
    const before = tree(root);
    let renames = 0;
    const failing = (from: string, to: string) => {
      if (++renames === 3) throw new Error("disk full");
      renameSync(from, to);
    };
    expect(() =>
      writeFileSet(
        [
          { file: path.join(root, "out/old.yaml"), content: "new\n" },
          { file: path.join(root, "out/new/a.yaml"), content: "a\n" },
          { file: path.join(root, "out/new/b.yaml"), content: "b\n" },
        ],
        { within: path.join(root, "out"), rename: failing },
      ),
    ).toThrow("disk full");
    expect(renames).toBe(3);
    expect(tree(root)).toEqual(before);
  });

  it("a system error names the target it was writing, never the temp file beside it", () => {
    const root = temp();
    mkdirSync(path.join(root, "out"));
    const target = path.join(root, "out/b.yaml");
    const failing = (from: string) => {
      throw Object.assign(new Error(`EPERM: operation not permitted, rename '${from}'`), {
        code: "EPERM",
        syscall: "rename",
        path: from,
      });
    };
    let error: unknown;
    try {
      writeFileSet([{ file: target, content: "b\n" }], { within: path.join(root, "out"), rename: failing });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SlipwayError);
    expect((error as SlipwayError).format()).toBe(`${target}: cannot write: operation not permitted (EPERM)`);
    expect(tree(root)).toEqual({ "out/": "" });
  });

  it.each([
    [
      "a target that is a directory",
      (root: string) => mkdirSync(path.join(root, "out/b.yaml"), { recursive: true }),
      /other than a regular file/,
    ],
    [
      "a directory on the way that is a file",
      (root: string) => {
        mkdirSync(path.join(root, "out"));
        writeFileSync(path.join(root, "out/sub"), "");
      },
      /not a directory/,
    ],
    [
      "a link below the output directory",
      (root: string) => {
        mkdirSync(path.join(root, "out"));
        symlinkSync(root, path.join(root, "out/sub"));
      },
      /symbolic link/,
    ],
  ])("%s is refused before anything is written", (_, plant, message) => {
    const root = temp();
    plant(root);
    const before = tree(root);
    expect(() =>
      writeFileSet(
        [
          { file: path.join(root, "out/a.yaml"), content: "a\n" },
          { file: path.join(root, "out/b.yaml"), content: "b\n" },
          { file: path.join(root, "out/sub/c.yaml"), content: "c\n" },
        ],
        { within: path.join(root, "out") },
      ),
    ).toThrow(message);
    expect(tree(root)).toEqual(before);
  });

  it("a replaced file keeps its permission bits (a 0600 or executable file stays so)", () => {
    const root = temp();
    const secret = path.join(root, "secret.yaml");
    const script = path.join(root, "run.sh");
    writeFileSync(secret, "old\n");
    chmodSync(secret, 0o600);
    writeFileSync(script, "old\n");
    chmodSync(script, 0o755);
    writeFileSet(
      [
        { file: secret, content: "new\n" },
        { file: script, content: "new\n" },
        { file: path.join(root, "fresh.yaml"), content: "new\n", mode: 0o640 },
      ],
      { within: root },
    );
    expect(statSync(secret).mode & 0o777).toBe(0o600);
    expect(statSync(script).mode & 0o777).toBe(0o755);
    expect(statSync(path.join(root, "fresh.yaml")).mode & 0o777).toBe(0o640);
    expect(readFileSync(secret, "utf8")).toBe("new\n");
  });

  it("refuses a read-only file, naming it, before writing anything", () => {
    const root = temp();
    const a = path.join(root, "a.yaml");
    const locked = path.join(root, "locked.yaml");
    writeFileSync(a, "a\n");
    writeFileSync(locked, "locked\n");
    chmodSync(locked, 0o444);
    expect(() =>
      writeFileSet(
        [
          { file: a, content: "A\n" },
          { file: locked, content: "L\n" },
        ],
        { within: root },
      ),
    ).toThrow(expect.objectContaining({ file: locked, message: expect.stringMatching(/read-only/) }));
    expect(tree(root)).toEqual({ "a.yaml": "a\n", "locked.yaml": "locked\n" });
    expect(statSync(locked).mode & 0o777).toBe(0o444);
  });

  it("refuses a file changed since the plan read it, or created since, before writing anything", () => {
    const root = temp();
    const a = path.join(root, "a.yaml");
    const b = path.join(root, "b.yaml");
    writeFileSync(a, "a\n");
    writeFileSync(b, "b, saved by the user meanwhile\n");
    const set = (bExpect: string | null) => [
      { file: a, content: "A\n", expect: "a\n" },
      { file: b, content: "B\n", expect: bExpect },
    ];
    expect(() => writeFileSet(set("b\n"), { within: root })).toThrow(
      expect.objectContaining({ file: b, message: expect.stringMatching(/changed since Slipway read it/) }),
    );
    expect(() => writeFileSet(set(null), { within: root })).toThrow(
      expect.objectContaining({ file: b, message: expect.stringMatching(/exists now/) }),
    );
    expect(tree(root)).toEqual({ "a.yaml": "a\n", "b.yaml": "b, saved by the user meanwhile\n" });
    writeFileSet(set("b, saved by the user meanwhile\n"), { within: root });
    expect(tree(root)).toEqual({ "a.yaml": "A\n", "b.yaml": "B\n" });
  });

  it("a FIFO put where a planned file was is refused at once, not read (which waits for a writer)", () => {
    const root = temp();
    const a = path.join(root, "a.yaml");
    execFileSync("mkfifo", [a]);
    // The old read blocked until this writer came (and then saw an empty file).
    const writer = spawn("sh", ["-c", `sleep 3; : > "${a}"`], { stdio: "ignore" });
    try {
      const started = Date.now();
      expect(() => writeFileSet([{ file: a, content: "A\n", expect: "a\n" }], { within: root })).toThrow(
        expect.objectContaining({ file: a, message: expect.stringMatching(/other than a regular file/) }),
      );
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      writer.kill();
    }
    expect(lstatSync(a).isFIFO()).toBe(true);
  });

  it("refuses two outputs for one file and a file outside the directory", () => {
    const root = temp();
    const a = path.join(root, "out/a.yaml");
    expect(() =>
      writeFileSet(
        [
          { file: a, content: "1" },
          { file: a, content: "2" },
        ],
        { within: path.join(root, "out") },
      ),
    ).toThrow(/two outputs/);
    expect(() =>
      writeFileSet([{ file: path.join(root, "x.yaml"), content: "1" }], { within: path.join(root, "out") }),
    ).toThrow(/outside/);
    expect(tree(root)).toEqual({});
  });
});
