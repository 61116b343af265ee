/**
 * Which Slipway produced a cache entry: the package version plus a digest of the code that is
 * running (the bundle, dist/'s module tree, or src/ under the test runner), the lockfile that
 * pins its dependencies and the Node version. A rebuild that changes one byte of the renderer is
 * a different identity, so a development build never reads what another build wrote.
 *
 * Hashing the code (the bundle: ~3 MB) costs 6-10 ms of every fresh process that consults a
 * cache (~5% of a warm `helm template` of kube-prometheus-stack). With a cache directory, the
 * digest is remembered there beside the stat of every file and directory it read (as Git's index
 * remembers a file's stat): while none changed, the code is the one hashed before, and a run
 * stats ~50 paths instead of reading and hashing them. Like the chart walk's stamps
 * (src/helm/chart-source.ts), a digest is remembered only when nothing it read was modified in
 * the last seconds, so a later change always moves a time stamp.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { RACY_MS } from "../fs/racy-window.js";

let memo: string | undefined;

/**
 * The identity of the running code (hex sha256), computed once per process. `cacheDir`: where it
 * may be remembered between processes (see rememberedIdentity).
 */
export function codeIdentity(cacheDir?: string): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  memo ??= cacheDir === undefined ? computeIdentity(here) : rememberedIdentity(here, cacheDir);
  return memo;
}

/**
 * `here` is the directory of this module: `dist/bundle` (one file per command, dependencies
 * inlined), `dist/cache` (tsc's module tree) or `src/cache` (vitest runs the sources).
 */
export function computeIdentity(here: string): string {
  return hashInputs(identityInputs(here)).identity;
}

interface IdentityInputs {
  /** package.json and package-lock.json (either may be absent), then the code files, sorted */
  files: Array<{ file: string; label: string; optional: boolean }>;
  /** the directories walked for code files */
  dirs: string[];
}

function identityInputs(here: string): IdentityInputs {
  const bundled = path.basename(here) === "bundle";
  const codeRoot = bundled ? here : path.dirname(here);
  const projectRoot = bundled ? path.dirname(path.dirname(here)) : path.dirname(codeRoot);
  const files = ["package.json", "package-lock.json"].map((name) => ({
    file: path.join(projectRoot, name),
    label: name,
    optional: true,
  }));
  const dirs: string[] = [];
  for (const file of codeFiles(codeRoot, bundled, dirs))
    files.push({ file, label: path.relative(codeRoot, file), optional: false });
  return { files, dirs };
}

/** What a stat says of a path's contents; null: the path does not exist. */
type Stamp = [size: number, mtimeMs: number, ctimeMs: number, ino: number] | null;

function stampOf(p: string): Stamp {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  return st === undefined ? null : [st.size, st.mtimeMs, st.ctimeMs, st.ino];
}

/** The digest of the inputs, with the stamp of each file taken before it was read. */
function hashInputs(inputs: IdentityInputs): { identity: string; stamps: Stamp[] } {
  const h = createHash("sha256");
  h.update(`node ${process.version}\0`);
  const stamps: Stamp[] = [];
  for (const { file, label, optional } of inputs.files) {
    const stamp = stampOf(file);
    stamps.push(stamp);
    if (optional) {
      h.update(`${label}\0`);
      if (stamp !== null) h.update(fs.readFileSync(file));
    } else {
      const data = fs.readFileSync(file);
      h.update(`${label}\0${data.length}\0`);
      h.update(data);
    }
  }
  return { identity: h.digest("hex"), stamps };
}

/** Every code file under `root`, sorted; the module tree leaves out the bundle and the web assets. */
function codeFiles(root: string, bundled: boolean, dirs: string[] = []): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    dirs.push(dir);
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!bundled && dir === root && (e.name === "bundle" || e.name === "web")) continue;
        walk(abs);
      } else if (/\.(js|mjs|cjs|ts|json)$/.test(e.name) && !e.name.endsWith(".map")) out.push(abs);
    }
  };
  walk(root);
  return out.sort();
}

const MEMO_FORMAT = 1;

interface Memo {
  format: number;
  node: string;
  here: string;
  files: Array<[file: string, stamp: Stamp]>;
  dirs: Array<[dir: string, stamp: Stamp]>;
  identity: string;
}

/** Where identities are remembered (`slipway cache clear` removes it). */
export function identityMemoDir(cacheDir: string): string {
  return path.join(cacheDir, "identity");
}

/** `<cacheDir>/identity/<digest of the code's place and Node's version>.json` */
export function identityMemoFile(here: string, cacheDir: string): string {
  const name = createHash("sha256").update(`${process.version}\0${here}`).digest("hex").slice(0, 32);
  return path.join(identityMemoDir(cacheDir), `${name}.json`);
}

const sameStamp = (a: Stamp, b: Stamp): boolean =>
  a === null || b === null ? a === b : a.every((x, i) => x === b[i]);

/** The remembered identity when every path it names still has its stamp. */
function readMemo(file: string, here: string): string | undefined {
  let memo: Memo;
  try {
    memo = JSON.parse(fs.readFileSync(file, "utf8")) as Memo;
  } catch {
    return undefined;
  }
  if (
    typeof memo !== "object" ||
    memo === null ||
    memo.format !== MEMO_FORMAT ||
    memo.node !== process.version ||
    memo.here !== here ||
    typeof memo.identity !== "string" ||
    !Array.isArray(memo.files) ||
    !Array.isArray(memo.dirs)
  )
    return undefined;
  for (const entries of [memo.dirs, memo.files]) {
    for (const entry of entries) {
      if (!Array.isArray(entry) || typeof entry[0] !== "string") return undefined;
      const [p, stamp] = entry;
      if (!(stamp === null || (Array.isArray(stamp) && stamp.length === 4))) return undefined;
      if (!sameStamp(stamp, stampOf(p))) return undefined;
    }
  }
  return memo.identity;
}

/**
 * computeIdentity, remembered under `cacheDir` between processes. A directory's stamp changes
 * when a file is added, removed or renamed in it, a file's when it is written. Anything unreadable
 * or unwritable there only means the code is hashed.
 */
export function rememberedIdentity(here: string, cacheDir: string, now: number = Date.now()): string {
  const file = identityMemoFile(here, cacheDir);
  const known = readMemo(file, here);
  if (known !== undefined) return known;
  const inputs = identityInputs(here);
  // Directories stamped before their files are listed and read: a change during the walk shows.
  const dirStamps = inputs.dirs.map((d) => [d, stampOf(d)] as [string, Stamp]);
  const { identity, stamps } = hashInputs(inputs);
  const all = [...dirStamps.map(([, s]) => s), ...stamps];
  const settled = all.every((s) => s === null || (s[1] < now - RACY_MS && s[2] < now - RACY_MS));
  if (settled) {
    const memo: Memo = {
      format: MEMO_FORMAT,
      node: process.version,
      here,
      files: inputs.files.map(({ file: f }, i) => [f, stamps[i] ?? null]),
      dirs: dirStamps,
      identity,
    };
    try {
      writeFileAtomic(file, JSON.stringify(memo));
    } catch {
      // an unwritable cache directory: the next process hashes again
    }
  }
  return identity;
}
