/**
 * Random one-line scalar edits for metamorphic tests of `diff`: a repository is copied into a
 * temporary Git repository, one scalar value on one line of one YAML file is changed, and the
 * change is committed (or left in the working tree). Changed-only and full diffs of that
 * change must agree. Every edit comes from a seed, so a failure replays from it alone.
 */
import { execFileSync } from "node:child_process";
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Rng } from "./random.js";

export interface ScalarEdit {
  /** Repository-relative file. */
  file: string;
  /** 1-based line. */
  line: number;
  before: string;
  after: string;
}

/** `key: value` or `- key: value` or `- value`, with a plain or quoted scalar and an optional comment. */
const SCALAR_LINE =
  /^(?<lead>\s*(?:-\s+)?(?:[A-Za-z0-9_./-]+:\s+|-\s+)?)(?<value>"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#&*!|>{}[\],'"][^#]*?)(?<tail>\s*(?:#.*)?)$/;

/** Lines of `text` whose value can be changed without changing the YAML's shape. */
export function scalarLines(text: string): number[] {
  const out: number[] = [];
  const lines = text.split("\n");
  let blockIndent = -1;
  lines.forEach((l, i) => {
    const indent = l.length - l.trimStart().length;
    if (blockIndent >= 0) {
      if (l.trim() === "" || indent > blockIndent) return;
      blockIndent = -1;
    }
    // Block scalars (`key: |`) hold text, not YAML: skip their lines.
    if (/:\s*[|>][-+0-9]*\s*(#.*)?$/.test(l) || /^\s*-\s+[|>][-+0-9]*\s*$/.test(l)) {
      blockIndent = indent;
      return;
    }
    if (/^\s*(#|---|\.\.\.)/.test(l) || l.trim() === "") return;
    const m = SCALAR_LINE.exec(l);
    if (!m?.groups) return;
    const v = m.groups.value!.trim();
    if (v === "" || v.endsWith(":") || v.includes(": ") || v.includes("${")) return;
    out.push(i);
  });
  return out;
}

/** A different scalar of the same kind: numbers +1, booleans flipped, strings suffixed. */
export function editedValue(value: string, rng: Rng): string {
  const suffix = `m${rng.int(1000)}`;
  if (/^-?\d+$/.test(value)) return String(Number(value) + 1 + rng.int(5));
  if (value === "true" || value === "false") return value === "true" ? "false" : "true";
  if (value.startsWith('"')) return `"${value.slice(1, -1)}-${suffix}"`;
  if (value.startsWith("'")) return `'${value.slice(1, -1)}-${suffix}'`;
  return `${value}-${suffix}`;
}

/** YAML files below `root` (dot-directories skipped), repository-relative, sorted. */
export function yamlFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith(".")) continue;
      const abs = path.join(dir, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else if (/\.ya?ml$/.test(name)) out.push(path.relative(root, abs));
    }
  };
  walk(root);
  return out;
}

/** Picks and applies one edit (the file is rewritten in place). */
export function applyRandomEdit(root: string, files: string[], rng: Rng): ScalarEdit | undefined {
  if (files.length === 0) return undefined;
  for (let attempt = 0; attempt < 50; attempt++) {
    const file = rng.pick(files);
    const abs = path.join(root, file);
    const text = readFileSync(abs, "utf8");
    if (text.includes("sops:") && text.includes("ENC[")) continue; // a MAC would fail, not a value change
    const candidates = scalarLines(text);
    if (candidates.length === 0) continue;
    const index = rng.pick(candidates);
    const lines = text.split("\n");
    const before = lines[index]!;
    const m = SCALAR_LINE.exec(before)!.groups!;
    const after = `${m.lead}${editedValue(m.value!.trim(), rng)}${m.tail}`;
    lines[index] = after;
    writeFileSync(abs, lines.join("\n"));
    return { file, line: index + 1, before, after };
  }
  return undefined;
}

/** A temporary Git copy of a directory, with one commit holding all of it. */
export class GitCopy {
  readonly dir: string;
  readonly initial: string;

  constructor(source: string) {
    this.dir = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-metamorphic-")));
    cpSync(source, this.dir, { recursive: true, filter: (p) => path.basename(p) !== ".git" });
    this.git("init", "-q", "-b", "main");
    this.initial = this.commit("initial");
  }

  git(...args: string[]): string {
    return execFileSync("git", args, { cwd: this.dir, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 2 ** 28 })
      .toString("utf8")
      .trim();
  }

  commit(message: string): string {
    this.git("add", "-A");
    this.git(
      "-c",
      "user.name=t",
      "-c",
      "user.email=t@t",
      "commit",
      "-q",
      "--allow-empty",
      "--no-verify",
      "-m",
      message,
    );
    return this.git("rev-parse", "HEAD");
  }

  reset(): void {
    this.git("reset", "-q", "--hard", this.initial);
    this.git("clean", "-q", "-fdx");
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A stable number from a string, to give each repository its own seeds. */
export function seedOf(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
