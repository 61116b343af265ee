/**
 * `secrets rotate` and `secrets updatekeys` write every file they changed or none: a failure
 * while writing the 3rd of 5 files leaves all five as they were — same bytes, same inode, same
 * permission bits, no temp file beside them — and one line names the file that failed.
 *
 * The failure is injected into rename(2) through a mock of node:fs, so the test holds for any
 * writer the commands use, not only for a seam of one.
 */
import * as realFs from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { secretsCommand } from "../../src/cli/secrets.js";
import { captureOutput } from "../support/capture.js";

/** What the mocked rename does: fail once when renaming onto `failOnto`, or run `before` first. */
const plan = vi.hoisted(() => ({
  failOnto: undefined as string | undefined,
  error: "EIO",
  onFirstRename: undefined as (() => void) | undefined,
}));

vi.mock("node:fs", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs")>();
  const renameSync = (from: realFs.PathLike, to: realFs.PathLike) => {
    const hook = plan.onFirstRename;
    plan.onFirstRename = undefined;
    hook?.();
    if (plan.failOnto !== undefined && String(to) === plan.failOnto) {
      plan.failOnto = undefined;
      // As Node words it: the message names the temp file, not the target.
      throw Object.assign(new Error(`${plan.error}: i/o error, rename '${from}' -> '${to}'`), {
        code: plan.error,
        syscall: "rename",
        path: String(from),
        dest: String(to),
      });
    }
    real.renameSync(from, to);
  };
  return { ...real, default: { ...real, renameSync }, renameSync };
});

const SECRET =
  "apiVersion: v1\nkind: Secret\nmetadata:\n    name: app\nstringData:\n    password: hunter2-e91b\n";
const sopsYaml = (...recipients: string[]) =>
  `creation_rules:\n  - path_regex: secrets/.*\n    encrypted_regex: ^(data|stringData)$\n    age: ${recipients.join(",")}\n`;

const saved = { ...process.env };
const scratch: string[] = [];
const keys: Array<{ recipient: string; file: string }> = [];

beforeAll(async () => {
  const home = realFs.mkdtempSync(path.join(tmpdir(), "slipway-home-"));
  scratch.push(home);
  for (const name of ["SOPS_AGE_KEY", "SOPS_AGE_KEY_FILE"]) delete process.env[name];
  process.env.HOME = home;
  process.env.XDG_CONFIG_HOME = path.join(home, ".config");
  for (let i = 0; i < 2; i++) {
    const identity = await generateX25519Identity();
    const file = path.join(home, `key${i}.txt`);
    realFs.writeFileSync(file, `${identity}\n`, { mode: 0o600 });
    keys.push({ recipient: await identityToRecipient(identity), file });
  }
  process.env.SOPS_AGE_KEY_FILE = `${keys[0]!.file}`;
});

afterAll(() => {
  process.env = saved;
  for (const d of scratch) realFs.rmSync(d, { recursive: true, force: true });
});

/** A repository with five SOPS files under secrets/ (a.yaml … e.yaml), encrypted for key 0. */
async function fiveFiles(): Promise<{ dir: string; files: string[] }> {
  const dir = realFs.mkdtempSync(path.join(tmpdir(), "slipway-secrets-set-"));
  scratch.push(dir);
  realFs.writeFileSync(path.join(dir, ".sops.yaml"), sopsYaml(keys[0]!.recipient));
  realFs.mkdirSync(path.join(dir, "secrets"));
  const files: string[] = [];
  for (const name of ["a", "b", "c", "d", "e"]) {
    const file = path.join(dir, "secrets", `${name}.yaml`);
    realFs.writeFileSync(file, SECRET.replace("name: app", `name: ${name}`), { mode: 0o600 });
    const r = await captureOutput(() => secretsCommand(["encrypt", "--in-place", file]));
    expect(r.code, r.stderr).toBe(0);
    files.push(file);
  }
  return { dir, files };
}

interface Snapshot {
  listing: string[];
  files: Array<{ bytes: Buffer; ino: number; mode: number }>;
}

function snapshot(dir: string, files: string[]): Snapshot {
  return {
    listing: realFs.readdirSync(dir, { recursive: true }).map(String).sort(),
    files: files.map((f) => {
      const st = realFs.statSync(f);
      return { bytes: realFs.readFileSync(f), ino: st.ino, mode: st.mode };
    }),
  };
}

/**
 * Keeps a hard link to each file outside the repository, so that an inode freed by a rewrite
 * cannot be reused by the next file created: the same inode afterwards is the same file, put
 * back, not a copy of its bytes.
 */
function holdInodes(files: string[]): void {
  const keep = realFs.mkdtempSync(path.join(tmpdir(), "slipway-held-"));
  scratch.push(keep);
  for (const [i, f] of files.entries()) realFs.linkSync(f, path.join(keep, String(i)));
}

describe.each([
  ["rotate", (dir: string) => ["rotate", dir]],
  ["updatekeys", (dir: string) => ["updatekeys", dir]],
])("slipway secrets %s writes all files or none", (name, args) => {
  /** updatekeys has something to do only once .sops.yaml names another recipient. */
  function prepare(dir: string): void {
    if (name === "updatekeys")
      realFs.writeFileSync(path.join(dir, ".sops.yaml"), sopsYaml(keys[0]!.recipient, keys[1]!.recipient));
  }

  it("a disk error on the 3rd of 5 files leaves all five as they were and names the 3rd", async () => {
    const { dir, files } = await fiveFiles();
    prepare(dir);
    const before = snapshot(dir, files);
    holdInodes(files);
    plan.failOnto = files[2];
    const r = await captureOutput(() => secretsCommand(args(dir)));
    expect(plan.failOnto, "the 3rd file's rename was reached").toBeUndefined();
    expect(r.code).toBe(1);
    expect(r.stdout, "no file is announced as written").toBe("");
    expect(snapshot(dir, files)).toEqual(before);
    const lines = r.stderr.trim().split("\n");
    expect(lines.filter((l) => !/SOPS files/.test(l))).toEqual([
      `${files[2]}: cannot write: i/o error (EIO); nothing written`,
    ]);
  });

  it("the 3rd file turned into a directory while writing: the others stay as they were", async () => {
    const { dir, files } = await fiveFiles();
    prepare(dir);
    const before = snapshot(dir, files);
    holdInodes(files);
    plan.onFirstRename = () => {
      realFs.rmSync(files[2]!);
      realFs.mkdirSync(files[2]!);
    };
    const r = await captureOutput(() => secretsCommand(args(dir)));
    expect(plan.onFirstRename).toBeUndefined();
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    realFs.rmdirSync(files[2]!);
    const after = snapshot(dir, [...files.slice(0, 2), ...files.slice(3)]);
    expect(after.files).toEqual([...before.files.slice(0, 2), ...before.files.slice(3)]);
    expect(after.listing).toEqual(before.listing.filter((p) => p !== path.join("secrets", "c.yaml")));
    const lines = r.stderr
      .trim()
      .split("\n")
      .filter((l) => !/SOPS files/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${files[2]}: .*; nothing written$`));
  });
});

describe("slipway secrets rotate: one file named twice", () => {
  it("a file and a link to it are rotated once, and the link stays a link", async () => {
    const { dir, files } = await fiveFiles();
    const link = path.join(dir, "link.yaml");
    realFs.symlinkSync(files[0]!, link);
    const r = await captureOutput(() =>
      secretsCommand(["rotate", link, files[0]!, path.join(dir, "secrets")]),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual([
      `rotated ${link}`,
      ...files.slice(1).map((f) => `rotated ${f}`),
    ]);
    expect(realFs.lstatSync(link).isSymbolicLink()).toBe(true);
    const d = await captureOutput(() => secretsCommand(["decrypt", link]));
    expect(d.stdout).toBe(SECRET.replace("name: app", "name: a"));
  });
});
