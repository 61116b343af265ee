import { execFileSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments, stringify } from "yaml";
import { type CliResult, slipway, tempTree } from "../support/cli.js";
import { repoRoot, requires } from "../support/env.js";
import { kubectlKustomize, mapLimit } from "../support/kubectl.js";

/**
 * End-to-end tests of `slipway secrets` on temp trees: the built CLI runs as a user would,
 * with HOME pointing at an empty directory so that a developer's own keys.txt never counts.
 */

const platform = path.join(repoRoot, "examples/platform");
const demoKey = path.join(repoRoot, "examples/demo-keys/age.agekey");
const productionKey = path.join(repoRoot, "examples/demo-keys/production.agekey");

const savedEnv = { ...process.env };
const scratch: string[] = [];

/** Temp directories of this file, removed after the run. */
function scratchDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

function tree(files: Record<string, string>): string {
  const dir = tempTree(files);
  scratch.push(dir);
  return dir;
}
const keys: Array<{ identity: string; recipient: string; file: string }> = [];
let keyDir: string;

beforeAll(async () => {
  const home = scratchDir("slipway-home-");
  keyDir = scratchDir("slipway-keys-");
  for (const name of ["SOPS_AGE_KEY", "SOPS_AGE_KEY_FILE", "SOPS_EDITOR", "EDITOR", "VISUAL"]) {
    delete process.env[name];
  }
  process.env.HOME = home;
  process.env.XDG_CONFIG_HOME = path.join(home, ".config");
  for (let i = 0; i < 2; i++) {
    const identity = await generateX25519Identity();
    const file = path.join(keyDir, `key${i}.txt`);
    writeFileSync(file, `${identity}\n`, { mode: 0o600 });
    keys.push({ identity, recipient: await identityToRecipient(identity), file });
  }
});

afterAll(() => {
  process.env = savedEnv;
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI with extra environment variables (the helper passes process.env on). */
function run(args: string[], env: Record<string, string | undefined> = {}, cwd?: string): CliResult {
  const before = { ...process.env };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return slipway(["secrets", ...args], cwd);
  } finally {
    process.env = before;
  }
}

const withKey = (i: number) => ({ SOPS_AGE_KEY_FILE: keys[i]!.file });

function expectOneLineError(r: CliResult, code: number, needle: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(needle);
  expect(r.stderr.trim().split("\n"), "one line, no stack trace").toHaveLength(1);
}

const sopsYaml = (...recipients: string[]) =>
  `creation_rules:\n  - path_regex: secrets/.*\n    encrypted_regex: ^(data|stringData)$\n    age: ${recipients.join(",")}\n`;

const SECRET = `apiVersion: v1
kind: Secret
metadata:
    name: app
    namespace: default
type: Opaque
stringData:
    username: admin-user-7f3a
    password: hunter2-e91b
    token: tok-5c2d8e
`;

/** A repository with `.sops.yaml` for key 0 and one plain Secret under secrets/. */
function repo(extra: Record<string, string> = {}): string {
  return tree({ ".sops.yaml": sopsYaml(keys[0]!.recipient), "secrets/app.yaml": SECRET, ...extra });
}

function encryptInPlace(dir: string, rel: string): Buffer {
  const r = run(["encrypt", "--in-place", path.join(dir, rel)]);
  expect(r.code, r.stderr).toBe(0);
  return readFileSync(path.join(dir, rel));
}

const encValues = (text: string) => text.match(/ENC\[AES256_GCM,[^\]]*\]/g) ?? [];

describe("slipway secrets encrypt / decrypt", () => {
  it("round trips a YAML Secret, encrypting only stringData", () => {
    const dir = repo();
    const file = path.join(dir, "secrets/app.yaml");
    const toStdout = run(["encrypt", file]);
    expect(toStdout.code, toStdout.stderr).toBe(0);
    expect(readFileSync(file, "utf8"), "without --in-place the file stays plain").toBe(SECRET);
    expect(toStdout.stdout).toMatch(/^sops:$/m);
    for (const secret of ["admin-user-7f3a", "hunter2-e91b", "tok-5c2d8e"]) {
      expect(toStdout.stdout).not.toContain(secret);
    }
    expect(toStdout.stdout).toContain("name: app");
    expect(encValues(toStdout.stdout)).toHaveLength(4); // three values and the MAC

    const encrypted = encryptInPlace(dir, "secrets/app.yaml").toString("utf8");
    expect(encrypted).toContain(`recipient: ${keys[0]!.recipient}`);
    const back = run(["decrypt", file], withKey(0));
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toBe(SECRET);
    // --age-key-file instead of the environment
    expect(run(["decrypt", "--age-key-file", keys[0]!.file, file]).stdout).toBe(SECRET);
  });

  it("round trips JSON and dotenv files", () => {
    const json = '{\n\t"user": "u-1",\n\t"password": "p-json-2",\n\t"port": 5432\n}\n';
    const dotenv = "USER=u-env-1\nPASSWORD=p-env-2\n";
    const dir = tree({
      ".sops.yaml": `creation_rules:\n  - age: ${keys[0]!.recipient}\n`,
      "a.json": json,
      "b.env": dotenv,
    });
    for (const [name, plain] of [
      ["a.json", json],
      ["b.env", dotenv],
    ] as const) {
      const enc = encryptInPlace(dir, name).toString("utf8");
      expect(enc).not.toContain("p-json-2");
      expect(enc).not.toContain("p-env-2");
      const back = run(["decrypt", path.join(dir, name)], withKey(0));
      expect(back.code, back.stderr).toBe(0);
      expect(back.stdout).toBe(plain);
    }
  });

  it("--age encrypts for explicit recipients without .sops.yaml", () => {
    const dir = tree({ "s.yaml": SECRET });
    const file = path.join(dir, "s.yaml");
    const r = run(["encrypt", "-i", "--age", keys[1]!.recipient, file]);
    expect(r.code, r.stderr).toBe(0);
    expect(run(["decrypt", file], withKey(1)).stdout).toBe(SECRET);
  });

  it("refuses to encrypt a file twice, leaving it untouched", () => {
    const dir = repo();
    const file = path.join(dir, "secrets/app.yaml");
    const before = encryptInPlace(dir, "secrets/app.yaml");
    expectOneLineError(run(["encrypt", "-i", file]), 1, /app\.yaml.*already encrypted/);
    expect(readFileSync(file)).toEqual(before);
  });

  it("keeps the file's permission bits when replacing it", () => {
    const dir = repo();
    const file = path.join(dir, "secrets/app.yaml");
    chmodSync(file, 0o600);
    encryptInPlace(dir, "secrets/app.yaml");
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

/** A fake $EDITOR: records its file's path and modes, then runs `action` on the file. */
function fakeEditor(action: string): { editor: string; log: string } {
  const dir = scratchDir("slipway-editor-");
  const log = path.join(dir, "log");
  const editor = path.join(dir, "editor.sh");
  writeFileSync(
    editor,
    `#!/bin/sh\nset -e\nf="$1"\nprintf '%s\\n%s\\n%s\\n' "$f" "$(stat -c %a "$f")" "$(stat -c %a "$(dirname "$f")")" > ${JSON.stringify(log)}\n${action}\n`,
    { mode: 0o755 },
  );
  return { editor, log };
}

function editorLog(log: string): { file: string; fileMode: string; dirMode: string } {
  const [file, fileMode, dirMode] = readFileSync(log, "utf8").trim().split("\n");
  return { file: file!, fileMode: fileMode!, dirMode: dirMode! };
}

describe("slipway secrets edit", () => {
  it("no change leaves the file byte-identical; the private temp file is removed", () => {
    const dir = repo();
    const file = path.join(dir, "secrets/app.yaml");
    const before = encryptInPlace(dir, "secrets/app.yaml");
    const { editor, log } = fakeEditor("true");
    const r = run(["edit", file], { ...withKey(0), EDITOR: editor });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("");
    expect(readFileSync(file)).toEqual(before);
    const seen = editorLog(log);
    expect(seen.fileMode).toBe("600");
    expect(seen.dirMode).toBe("700");
    expect(path.basename(seen.file)).toBe("app.yaml");
    expect(existsSync(seen.file)).toBe(false);
    expect(existsSync(path.dirname(seen.file))).toBe(false);
  });

  it("a changed value gets new ciphertext; every other value keeps its own", () => {
    const dir = repo();
    const file = path.join(dir, "secrets/app.yaml");
    const before = encryptInPlace(dir, "secrets/app.yaml").toString("utf8");
    const { editor } = fakeEditor(`sed -i 's/hunter2-e91b/correct-horse-42/' "$f"`);
    const r = run(["edit", file], { ...withKey(0), SOPS_EDITOR: editor });
    expect(r.code, r.stderr).toBe(0);
    const after = readFileSync(file, "utf8");
    expect(after).not.toContain("correct-horse-42");
    const a = before.split("\n");
    const b = after.split("\n");
    expect(b).toHaveLength(a.length);
    const changed = a.flatMap((line, i) => (line === b[i] ? [] : [line.trim().split(":")[0]]));
    // lastmodified is to the second: within the same second it stays the same
    expect(changed.filter((k) => k !== "lastmodified").sort()).toEqual(["mac", "password"]);
    expect(run(["decrypt", file], withKey(0)).stdout).toBe(
      SECRET.replace("hunter2-e91b", "correct-horse-42"),
    );
  });

  it("a failing editor or an unparsable edit leaves the file untouched and cleans up", () => {
    const dir = repo();
    const file = path.join(dir, "secrets/app.yaml");
    const before = encryptInPlace(dir, "secrets/app.yaml");
    const failing = fakeEditor("exit 3");
    expectOneLineError(
      run(["edit", file], { ...withKey(0), EDITOR: failing.editor }),
      1,
      /app\.yaml.*status 3/,
    );
    expect(existsSync(path.dirname(editorLog(failing.log).file))).toBe(false);
    const broken = fakeEditor(`printf 'stringData: [\\n' > "$f"`);
    const r = run(["edit", file], { ...withKey(0), EDITOR: broken.editor });
    expectOneLineError(r, 1, /app\.yaml.*invalid/);
    expect(r.stderr).not.toContain("hunter2-e91b");
    expect(readFileSync(file)).toEqual(before);
    expect(existsSync(path.dirname(editorLog(broken.log).file))).toBe(false);
    const emptied = fakeEditor(`: > "$f"`);
    expectOneLineError(run(["edit", file], { ...withKey(0), EDITOR: emptied.editor }), 1, /app\.yaml.*empty/);
    expect(readFileSync(file)).toEqual(before);
  });

  it("two edits at once: the later save is refused by name, the earlier one's change is kept", () => {
    const dir = repo();
    const file = path.join(dir, "secrets/app.yaml");
    encryptInPlace(dir, "secrets/app.yaml");
    // While the outer editor is open, a second `secrets edit` of the same file saves first.
    const inner = fakeEditor(`sed -i 's/hunter2-e91b/inner-value/' "$f"`);
    const bin = path.join(repoRoot, "bin/slipway.js");
    const outer = fakeEditor(
      `SOPS_EDITOR=${JSON.stringify(inner.editor)} ${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} secrets edit ${JSON.stringify(file)} 2>/dev/null\nsed -i 's/hunter2-e91b/outer-value/' "$f"`,
    );
    const r = run(["edit", file], { ...withKey(0), SOPS_EDITOR: outer.editor });
    expectOneLineError(r, 1, new RegExp(`^${file}: the file changed on disk while the editor was open`));
    expect(r.stderr).not.toMatch(/inner-value|outer-value|hunter2/);
    expect(run(["decrypt", file], withKey(0)).stdout).toBe(SECRET.replace("hunter2-e91b", "inner-value"));
    expect(existsSync(path.dirname(editorLog(outer.log).file)), "the plaintext is removed").toBe(false);
    expect(readdirSync(path.dirname(file)).sort(), "no temp file left beside it").toEqual(["app.yaml"]);
  });

  it("without a key nothing is written to a temp file", () => {
    const dir = repo();
    const file = path.join(dir, "secrets/app.yaml");
    encryptInPlace(dir, "secrets/app.yaml");
    const { editor, log } = fakeEditor("true");
    expectOneLineError(run(["edit", file], { EDITOR: editor }), 1, /app\.yaml.*no age identity/);
    expect(existsSync(log), "the editor never ran").toBe(false);
  });
});

describe("slipway secrets updatekeys", () => {
  it("adds and then removes a recipient after .sops.yaml changes, tree-wide", () => {
    const dir = repo({
      "secrets/other.yaml": SECRET.replace("name: app", "name: other"),
      "plain.yaml": "a: 1\n",
    });
    const app = path.join(dir, "secrets/app.yaml");
    const other = path.join(dir, "secrets/other.yaml");
    const encApp = encryptInPlace(dir, "secrets/app.yaml").toString("utf8");
    encryptInPlace(dir, "secrets/other.yaml");
    expectOneLineError(run(["decrypt", app], withKey(1)), 1, /app\.yaml.*none of the available/);

    writeFileSync(path.join(dir, ".sops.yaml"), sopsYaml(keys[0]!.recipient, keys[1]!.recipient));
    const dry = run(["updatekeys", "--dry-run", dir]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`would update ${app}: +${keys[1]!.recipient}`);
    expect(readFileSync(app, "utf8")).toBe(encApp);

    const add = run(["updatekeys", dir], withKey(0));
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout.trim().split("\n").sort()).toEqual(
      [`updated ${app}: +${keys[1]!.recipient}`, `updated ${other}: +${keys[1]!.recipient}`].sort(),
    );
    expect(add.stderr).toMatch(/2 of 2 SOPS files updated/);
    const afterAdd = readFileSync(app, "utf8");
    expect(encValues(afterAdd), "values and MAC untouched").toEqual(encValues(encApp));
    expect(run(["decrypt", app], withKey(1)).stdout).toBe(SECRET);

    const again = run(["updatekeys", dir], withKey(0));
    expect(again.code).toBe(0);
    expect(again.stdout, "nothing left to change").toBe("");
    expect(readFileSync(app, "utf8")).toBe(afterAdd);

    writeFileSync(path.join(dir, ".sops.yaml"), sopsYaml(keys[1]!.recipient));
    const remove = run(["updatekeys", app], withKey(1));
    expect(remove.code, remove.stderr).toBe(0);
    expect(remove.stdout).toBe(`updated ${app}: -${keys[0]!.recipient}\n`);
    expectOneLineError(run(["decrypt", app], withKey(0)), 1, /app\.yaml.*none of the available/);
    expect(run(["decrypt", app], withKey(1)).stdout).toBe(SECRET);
  });

  it("without the key a file it must change fails with its name and stays untouched", () => {
    const dir = repo();
    const app = path.join(dir, "secrets/app.yaml");
    const before = encryptInPlace(dir, "secrets/app.yaml");
    writeFileSync(path.join(dir, ".sops.yaml"), sopsYaml(keys[1]!.recipient));
    const r = run(["updatekeys", dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`${app}: no age identity`);
    expect(readFileSync(app)).toEqual(before);
  });
});

describe("slipway secrets rotate", () => {
  it("changes every ciphertext and the file still decrypts for the same recipients", () => {
    const dir = repo();
    const app = path.join(dir, "secrets/app.yaml");
    const before = encryptInPlace(dir, "secrets/app.yaml").toString("utf8");
    const r = run(["rotate", dir], withKey(0));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`rotated ${app}\n`);
    const after = readFileSync(app, "utf8");
    const old = encValues(before);
    const now = encValues(after);
    expect(now).toHaveLength(old.length);
    for (const v of now) expect(old).not.toContain(v);
    expect(after).toContain(`recipient: ${keys[0]!.recipient}`);
    expect(run(["decrypt", app], withKey(0)).stdout).toBe(SECRET);
  });

  it("a later file that fails leaves the earlier ones as they were: nothing is written", () => {
    const dir = tree({ ".sops.yaml": sopsYaml(keys[1]!.recipient), "secrets/z.yaml": SECRET });
    const z = encryptInPlace(dir, "secrets/z.yaml");
    writeFileSync(path.join(dir, ".sops.yaml"), sopsYaml(keys[0]!.recipient));
    writeFileSync(path.join(dir, "secrets/app.yaml"), SECRET);
    const app = encryptInPlace(dir, "secrets/app.yaml");
    const r = run(["rotate", dir], withKey(0));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`${path.join(dir, "secrets/z.yaml")}: `);
    expect(r.stderr).toContain("nothing written");
    expect(readFileSync(path.join(dir, "secrets/app.yaml"))).toEqual(app);
    expect(readFileSync(path.join(dir, "secrets/z.yaml"))).toEqual(z);
  });

  it("--dry-run writes nothing; without a key it fails naming the file", () => {
    const dir = repo();
    const app = path.join(dir, "secrets/app.yaml");
    const before = encryptInPlace(dir, "secrets/app.yaml");
    expect(run(["rotate", "--dry-run", dir], withKey(0)).stdout).toBe(`would rotate ${app}\n`);
    expect(readFileSync(app)).toEqual(before);
    const r = run(["rotate", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${app}: no age identity`);
    expect(readFileSync(app)).toEqual(before);
  });
});

interface StatusJson {
  keySources: string[];
  files: Array<{
    file: string;
    format: string;
    ageRecipients: string[];
    canDecrypt: boolean;
    decryptProblem?: string;
    matchesConfig: boolean | null;
    missingRecipients: string[];
    extraRecipients: string[];
    ok: boolean;
  }>;
  summary: { files: number; canDecrypt: number; mismatched: number };
  ok: boolean;
}

const exampleFiles = [
  "clusters/dev/cluster-secrets.sops.yaml",
  "clusters/production/cluster-secrets.sops.yaml",
  "clusters/staging/cluster-secrets.sops.yaml",
  "infrastructure/overlays/dev/kube-prometheus-stack/alertmanager-slack.sops.yaml",
  "infrastructure/overlays/production/kube-prometheus-stack/alertmanager-slack.sops.yaml",
  "infrastructure/overlays/production/postgres/backup-s3.sops.yaml",
  "infrastructure/overlays/staging/kube-prometheus-stack/alertmanager-slack.sops.yaml",
  "infrastructure/overlays/staging/postgres/backup-s3.sops.yaml",
];

describe("slipway secrets status on examples/platform", () => {
  /** The demo plaintexts, to prove that status never prints them (decrypted once). */
  let plaintexts: string[] | undefined;
  function demoPlaintexts(): string[] {
    plaintexts ??= exampleFiles.flatMap((f) => {
      const r = run(["decrypt", path.join(platform, f)], { SOPS_AGE_KEY_FILE: demoKey });
      expect(r.code, r.stderr).toBe(0);
      return [...r.stdout.matchAll(/^ {4}[\w-]+: (\S+)$/gm)]
        .map((m) => m[1]!)
        .filter((v) => /demo|DEMO/.test(v));
    });
    return plaintexts;
  }

  it("with the demo key every file decrypts and matches .sops.yaml", () => {
    const r = run(["status", "--format", "json", platform], { SOPS_AGE_KEY_FILE: demoKey });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as StatusJson;
    expect(report.ok).toBe(true);
    expect(report.keySources).toEqual([demoKey]);
    expect(report.files.map((f) => path.relative(platform, f.file))).toEqual(exampleFiles);
    for (const f of report.files) {
      expect(f).toMatchObject({ format: "yaml", canDecrypt: true, matchesConfig: true, ok: true });
      expect(f.ageRecipients.length).toBe(f.file.includes("production") ? 2 : 1);
    }
    const secrets = demoPlaintexts();
    expect(secrets.length).toBeGreaterThanOrEqual(exampleFiles.length);
    for (const s of secrets) expect(r.stdout).not.toContain(s);
  });

  it("without a key nothing decrypts and the exit code is 1", () => {
    const r = run(["status", "--format", "json", platform]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as StatusJson;
    expect(report.ok).toBe(false);
    expect(report.keySources).toEqual([]);
    expect(report.summary).toMatchObject({ files: exampleFiles.length, canDecrypt: 0, mismatched: 0 });
    for (const f of report.files) {
      expect(f.canDecrypt).toBe(false);
      expect(f.decryptProblem).toMatch(/no age identity/);
      expect(f.matchesConfig).toBe(true);
    }
    const text = run(["status", platform]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/8 SOPS files: 0 decryptable, 8 not decryptable/);
    for (const s of demoPlaintexts()) expect(text.stdout + text.stderr).not.toContain(s);
  });

  it("the production key decrypts production files only", () => {
    const r = run(["status", "--format", "json", "--age-key-file", productionKey, platform], {
      SOPS_AGE_KEY_FILE: demoKey,
    });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as StatusJson;
    for (const f of report.files) expect(f.canDecrypt, f.file).toBe(f.file.includes("/production/"));
  });
});

describe.runIf(requires("kubectl"))("examples/platform: encrypted Secrets in kustomize builds", () => {
  it("every directory listing a SOPS file builds, and the Secret decrypts as Flux would", async () => {
    const dirs = [...new Set(exampleFiles.map((f) => path.dirname(f)))];
    const results = await mapLimit(dirs, 2, (d) => kubectlKustomize(path.join(platform, d)));
    const out = scratchDir("slipway-rendered-");
    results.forEach((r, i) => {
      expect(r.ok, `${dirs[i]}: ${r.stderr}`).toBe(true);
      const secrets = parseAllDocuments(r.stdout)
        .map((d) => d.toJS() as { kind?: string; sops?: unknown })
        .filter((d) => d.kind === "Secret" && d.sops);
      const listed = exampleFiles.filter((f) => path.dirname(f) === dirs[i]);
      expect(secrets, dirs[i]).toHaveLength(listed.length);
      // kustomize re-sorts the keys, so the MAC no longer matches: Flux skips it, as here.
      const rendered = path.join(out, `${i}.yaml`);
      writeFileSync(rendered, stringify(secrets[0]));
      const fromBuild = run(["decrypt", "--ignore-mac", rendered], { SOPS_AGE_KEY_FILE: demoKey });
      expect(fromBuild.code, fromBuild.stderr).toBe(0);
      const fromGit = run(["decrypt", path.join(platform, listed[0]!)], { SOPS_AGE_KEY_FILE: demoKey });
      const stringData = (text: string) => (parse(text) as { stringData: Record<string, string> }).stringData;
      expect(stringData(fromBuild.stdout)).toEqual(stringData(fromGit.stdout));
    });
  });
});

describe("slipway secrets status on a repository that drifted", () => {
  it("reports stale recipients, tampered files and files outside every rule", () => {
    const dir = repo({
      "secrets/tampered.yaml": SECRET.replace("name: app", "name: t"),
      "unruled/x.yaml": SECRET,
    });
    encryptInPlace(dir, "secrets/app.yaml");
    const tampered = encryptInPlace(dir, "secrets/tampered.yaml").toString("utf8");
    writeFileSync(path.join(dir, "secrets/tampered.yaml"), tampered.replace("name: t", "name: evil"));
    const unruled = run(["encrypt", "--age", keys[0]!.recipient, "-i", path.join(dir, "unruled/x.yaml")]);
    expect(unruled.code, unruled.stderr).toBe(0);
    writeFileSync(path.join(dir, ".sops.yaml"), sopsYaml(keys[0]!.recipient, keys[1]!.recipient));

    const r = run(["status", "--format", "json", dir], withKey(0));
    expect(r.code).toBe(1);
    const byName = new Map(
      (JSON.parse(r.stdout) as StatusJson).files.map((f) => [path.relative(dir, f.file), f]),
    );
    expect([...byName.keys()].sort()).toEqual([
      "secrets/app.yaml",
      "secrets/tampered.yaml",
      "unruled/x.yaml",
    ]);
    expect(byName.get("secrets/app.yaml")).toMatchObject({
      canDecrypt: true,
      matchesConfig: false,
      missingRecipients: [keys[1]!.recipient],
      extraRecipients: [],
    });
    expect(byName.get("secrets/tampered.yaml")).toMatchObject({ canDecrypt: false });
    expect(byName.get("secrets/tampered.yaml")!.decryptProblem).toMatch(/MAC/);
    expect(byName.get("unruled/x.yaml")).toMatchObject({ canDecrypt: true, matchesConfig: false, ok: false });

    const text = run(["status", dir], withKey(0));
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/mismatch: missing age1/);
    expect(text.stdout).toMatch(/no rule: .*no matching creation rules/);
    expect(text.stdout).not.toContain("hunter2-e91b");
  });
});

describe("slipway secrets: what the walk passes by is said", () => {
  // A link out of the tree (or to nothing) is not followed, and a file too large is not read:
  // before, `status`, `updatekeys` and `rotate` passed them by in silence, so a rotation could
  // leave a linked secret on the old keys without a word. A link whose target the walk reaches
  // anyway is no loss and says nothing.
  it("status names links out of the tree and dangling links on stderr, not links inside", () => {
    const dir = repo();
    encryptInPlace(dir, "secrets/app.yaml");
    const outside = repo();
    encryptInPlace(outside, "secrets/app.yaml");
    symlinkSync(path.join(outside, "secrets/app.yaml"), path.join(dir, "secrets/linked-out.yaml"));
    symlinkSync("app.yaml", path.join(dir, "secrets/linked-in.yaml"));
    symlinkSync("missing.yaml", path.join(dir, "secrets/dangling.yaml"));
    const r = run(["status", "--format", "json", dir], withKey(0));
    expect(r.code, r.stderr).toBe(0);
    const files = (JSON.parse(r.stdout) as StatusJson).files.map((f) => path.relative(dir, f.file));
    expect(files).toEqual(["secrets/app.yaml"]);
    expect(r.stderr).toContain(
      `skipped ${path.join(dir, "secrets/linked-out.yaml")}: a symbolic link out of the searched tree`,
    );
    expect(r.stderr).toContain(
      `skipped ${path.join(dir, "secrets/dangling.yaml")}: a symbolic link to nothing`,
    );
    expect(r.stderr).not.toContain("linked-in.yaml");
  });

  it(".sops.yaml: a link out of the searched tree is not read, a FIFO does not hang, a link inside is followed", () => {
    const dir = repo();
    encryptInPlace(dir, "secrets/app.yaml");
    const config = path.join(dir, ".sops.yaml");
    const outside = path.join(scratchDir("slipway-outside-"), "rules.yaml");
    copyFileSync(config, outside);
    rmSync(config);
    symlinkSync(outside, config);
    const linked = run(["status", "--format", "json", dir], withKey(0));
    expect(linked.code).toBe(1);
    const entry = (JSON.parse(linked.stdout) as StatusJson).files[0] as StatusJson["files"][0] & {
      error?: string;
    };
    expect(entry.error).toBe(`${config}: a symbolic link out of the searched tree: not read`);
    const rotate = run(["updatekeys", dir], withKey(0));
    expect(rotate.code).toBe(1);
    expect(rotate.stderr).toContain(`${config}: a symbolic link out of the searched tree: not read`);
    // Inside the tree (a monorepo sharing one config), the link is the config.
    rmSync(config);
    mkdirSync(path.join(dir, "shared"));
    copyFileSync(outside, path.join(dir, "shared/rules.yaml"));
    symlinkSync("shared/rules.yaml", config);
    const inside = run(["status", dir], withKey(0));
    expect(inside.code, inside.stderr).toBe(0);
    rmSync(config);
    execFileSync("mkfifo", [config]);
    const fifo = run(["status", "--format", "json", dir], withKey(0));
    expect(fifo.code).toBe(1);
    expect(fifo.stdout).toContain(`${config}: cannot read: not a regular file`);
  });

  it("a SOPS file that lost its metadata fails by name in every command and format", () => {
    const dir = repo();
    const enc = encryptInPlace(dir, "secrets/app.yaml").toString("utf8");
    // A merge that kept the values and dropped the sops: block: nobody can decrypt it.
    const cut = path.join(dir, "secrets/cut.yaml");
    writeFileSync(cut, enc.slice(0, enc.indexOf("sops:")));
    writeFileSync(path.join(dir, "secrets/README.md"), "Values look like ENC[AES256_GCM,data:…]\n");
    writeFileSync(path.join(dir, "secrets/notes.yaml"), "how: values look like ENC[AES256_GCM,data:…]\n");
    const broken =
      /ENC\[AES256_GCM,…\] values but no sops metadata \(top-level `sops` key\): nobody can decrypt this file/;
    for (const args of [
      ["status", dir],
      ["rotate", "--dry-run", dir],
      ["updatekeys", "--dry-run", dir],
    ]) {
      const r = run(args, withKey(0));
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(1);
      expect(`${r.stdout}${r.stderr}`).toMatch(new RegExp(`${cut}[^\n]*\n?[^\n]*${broken.source}`));
      expect(`${r.stdout}${r.stderr}`, "prose quoting the form is not a SOPS file").not.toMatch(
        /README\.md|notes\.yaml/,
      );
    }
    const json = run(["status", "--format", "json", dir], withKey(0));
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as StatusJson;
    const entry = report.files.find((f) => f.file === cut) as { ok: boolean; error?: string } | undefined;
    expect(entry?.ok).toBe(false);
    expect(entry?.error).toMatch(broken);
    expect(report.ok).toBe(false);
  });
});

describe("slipway secrets and read-only files", () => {
  // No write bits is the user's "do not edit" (sops fails on such a file; promote and new refuse
  // it too); a rename would replace it all the same, and root may write anywhere.
  const readOnly = /the file is read-only; make it writable \(chmod u\+w\)/;

  it("edit refuses before the editor opens; encrypt -i, rotate and updatekeys refuse too", () => {
    const dir = repo();
    const file = path.join(dir, "secrets/app.yaml");
    const before = encryptInPlace(dir, "secrets/app.yaml");
    chmodSync(file, 0o444);
    const { editor, log } = fakeEditor(`sed -i 's/hunter2-e91b/correct-horse-42/' "$f"`);
    const edited = run(["edit", file], { ...withKey(0), EDITOR: editor });
    expectOneLineError(edited, 1, readOnly);
    expect(existsSync(log)).toBe(false);
    for (const args of [
      ["rotate", dir],
      ["rotate", "--dry-run", dir],
      ["updatekeys", dir],
    ]) {
      const r = run(args, withKey(0));
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr).toMatch(readOnly);
    }
    expect(readFileSync(file)).toEqual(before);
    expect(statSync(file).mode & 0o777).toBe(0o444);
    const plain = path.join(dir, "secrets/plain.yaml");
    writeFileSync(plain, SECRET, { mode: 0o444 });
    expectOneLineError(run(["encrypt", "--in-place", plain], withKey(0)), 1, readOnly);
    expect(readFileSync(plain, "utf8")).toBe(SECRET);
  });
});

describe("slipway secrets: finding SOPS files in a tree", () => {
  it("finds YAML, JSON, dotenv and binary SOPS files, skipping plain files and node_modules", () => {
    const dir = tree({
      ".sops.yaml": `creation_rules:\n  - age: ${keys[0]!.recipient}\n`,
      "a/s.yaml": SECRET,
      "a/s.json": '{"password": "j-1"}\n',
      "b/s.env": "PASSWORD=e-1\n",
      "b/blob.bin": "raw-bytes-1\n",
      "plain.yaml": "sops: not metadata\nvalue: ENC[AES256_GCM,nothing]\n",
      "notes.md": "mentions ENC[AES256_GCM, and sops:\n",
    });
    for (const f of ["a/s.yaml", "a/s.json", "b/s.env", "b/blob.bin"]) encryptInPlace(dir, f);
    mkdirSync(path.join(dir, "node_modules/pkg"), { recursive: true });
    copyFileSync(path.join(dir, "a/s.yaml"), path.join(dir, "node_modules/pkg/s.yaml"));
    const r = run(["status", "--format", "json", dir], withKey(0));
    expect(r.code, r.stdout).toBe(0);
    const files = (JSON.parse(r.stdout) as StatusJson).files.map((f) => [
      path.relative(dir, f.file),
      f.format,
    ]);
    expect(files).toEqual([
      ["a/s.json", "json"],
      ["a/s.yaml", "yaml"],
      ["b/blob.bin", "binary"],
      ["b/s.env", "dotenv"],
    ]);
  });
});

describe("slipway secrets: errors", () => {
  it("no key: one line naming the file, exit 1, nothing on stdout", () => {
    const dir = repo();
    const file = path.join(dir, "secrets/app.yaml");
    encryptInPlace(dir, "secrets/app.yaml");
    expectOneLineError(run(["decrypt", file]), 1, new RegExp(`^${file}: no age identity`));
    expectOneLineError(
      run(["decrypt", "--age-key-file", path.join(dir, "missing.txt"), file]),
      1,
      /missing\.txt: cannot read age key file/,
    );
  });

  it("tampered files: changed ciphertext, changed MAC, changed plaintext-kept value", () => {
    const dir = repo();
    const file = path.join(dir, "secrets/app.yaml");
    const enc = encryptInPlace(dir, "secrets/app.yaml").toString("utf8");
    const password = enc.match(/password: ENC\[AES256_GCM,data:([^,]+),/)![1]!;
    const flipped = password[0] === "A" ? `B${password.slice(1)}` : `A${password.slice(1)}`;
    const mac = enc.match(/mac: ENC\[AES256_GCM,data:([^,]+),/)![1]!;
    const macFlipped = mac[0] === "A" ? `B${mac.slice(1)}` : `A${mac.slice(1)}`;
    const variants = [
      enc.replace(password, flipped),
      enc.replace(mac, macFlipped),
      enc.replace("namespace: default", "namespace: kube-system"),
    ];
    for (const text of variants) {
      writeFileSync(file, text);
      const r = run(["decrypt", file], withKey(0));
      expectOneLineError(r, 1, new RegExp(`^${file}: `));
      expect(r.stderr).not.toContain("hunter2-e91b");
    }
    writeFileSync(file, variants[2]!);
    const ignored = run(["decrypt", "--ignore-mac", file], withKey(0));
    expect(ignored.code, ignored.stderr).toBe(0);
    expect(ignored.stdout).toContain("namespace: kube-system");
  });

  it("a file no creation rule matches, or no .sops.yaml at all, is not encrypted", () => {
    const dir = repo({ "elsewhere/s.yaml": SECRET });
    const file = path.join(dir, "elsewhere/s.yaml");
    expectOneLineError(
      run(["encrypt", "-i", file]),
      1,
      /no matching creation rules found for elsewhere\/s\.yaml/,
    );
    expect(readFileSync(file, "utf8")).toBe(SECRET);
    const bare = tree({ "s.yaml": SECRET });
    expectOneLineError(run(["encrypt", path.join(bare, "s.yaml")]), 1, /s\.yaml: no \.sops\.yaml found/);
    expectOneLineError(run(["decrypt", path.join(bare, "s.yaml")]), 1, /s\.yaml: .*not a sops file/);
    expectOneLineError(run(["decrypt", path.join(bare, "nope.yaml")]), 1, /nope\.yaml: cannot read: ENOENT/);
  });

  it("INI files are refused by name, found in trees too: sops reads .ini as INI, Slipway cannot", () => {
    // A file as sops' INI store writes it (stores/ini/store.go): metadata in a [sops] section.
    const sopsIni = `[db]\npass = ENC[AES256_GCM,data:AAAA,iv:${"A".repeat(43)}=,tag:${"A".repeat(22)}==,type:str]\n\n[sops]\nage__list_0__map_recipient = ${keys[0]!.recipient}\nmac = ENC[AES256_GCM,data:AAAA,iv:AAAA,tag:AAAA,type:str]\nversion = 3.9.0\n`;
    const dir = repo({ "secrets/plain.ini": "[db]\npass=hunter2-e91b\n", "secrets/sops.ini": sopsIni });
    const plain = path.join(dir, "secrets/plain.ini");
    const sops = path.join(dir, "secrets/sops.ini");
    const notSupported = /INI files are not supported/;
    // Written as binary before: a file `sops decrypt` refuses without --input-type binary.
    expectOneLineError(
      run(["encrypt", "-i", plain], withKey(0)),
      1,
      new RegExp(`^${plain}: .*${notSupported.source}`),
    );
    expect(readFileSync(plain, "utf8")).toBe("[db]\npass=hunter2-e91b\n");
    expectOneLineError(
      run(["decrypt", sops], withKey(0)),
      1,
      new RegExp(`^${sops}: .*${notSupported.source}`),
    );
    // Passed by in silence before: rotate left it on its old data key and said all was done.
    for (const args of [
      ["rotate", dir],
      ["updatekeys", dir],
      ["status", dir],
    ]) {
      const r = run(args, withKey(0));
      expect(r.code, args[0]).toBe(1);
      expect(`${r.stdout}${r.stderr}`, args[0]).toMatch(
        new RegExp(`${sops}[^\n]*\n?[^\n]*${notSupported.source}`),
      );
    }
    const status = JSON.parse(run(["status", dir, "--format", "json"], withKey(0)).stdout) as StatusJson;
    expect(status.files.map((f) => [path.basename(f.file), f.ok])).toEqual([["sops.ini", false]]);
  });

  it("bad usage exits 2", () => {
    for (const args of [
      [],
      ["frobnicate"],
      ["decrypt"],
      ["decrypt", "a.yaml", "b.yaml"],
      ["encrypt", "--dry-run", "a.yaml"],
      ["status", "--format", "xml"],
      ["status", "a", "b"],
      ["decrypt", "--input-type", "toml", "a.yaml"],
      ["rotate", "--no-such-flag"],
    ]) {
      const r = run(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
    }
    const help = run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/updatekeys \[PATH\.\.\.\]/);
  });
});
