import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { errorMessage, SlipwayError } from "../errors.js";
import { withoutControls } from "../printable.js";
import {
  decryptSops,
  encryptSops,
  plaintextBytes,
  rotateDataKey,
  ruleForRecipients,
  type SopsConfig,
  type SopsFormat,
  sopsStatus,
  updateKeys,
} from "../sops/index.js";
import { SopsConfigCache } from "./secrets/config.js";
import { editFile } from "./secrets/edit.js";
import { findSopsFiles, type Skipped } from "./secrets/find.js";
import { type RunIdentities, runIdentities } from "./secrets/keys.js";
import { buildReport, formatStatusText, type StatusEntry, statusOf } from "./secrets/status.js";
import { type Rewrite, refuseReadOnly, replaceFile, replaceFiles } from "./secrets/write.js";
import { closestName } from "./suggest.js";

const help = `Usage: slipway secrets <command> [flags]

SOPS + age files, compatible with the real sops (3.x). Keys are found as sops finds them:
SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, ~/.config/sops/age/keys.txt; --age-key-file FILE uses the
identities in FILE instead.

Commands:
  decrypt FILE              print the plaintext on stdout (the only command that prints it)
  encrypt FILE              encrypt a plain file for the recipients .sops.yaml names for it
      -i, --in-place        replace FILE (atomically) instead of printing to stdout
      --age RECIPIENTS      encrypt for these age recipients instead (comma-separated)
  edit FILE                 open the plaintext in $SOPS_EDITOR/$EDITOR, re-encrypt on save;
                            only changed values get new ciphertext
  updatekeys [PATH...]      re-wrap the data key of every SOPS file under PATH (default .)
                            for the recipients .sops.yaml now names; one line per changed file
      --dry-run             say what would change, write nothing
  rotate [PATH...]          new data key for every SOPS file under PATH (default .), all
                            values re-encrypted, same recipients
      --dry-run             list the files, write nothing
  status [REPO]             every SOPS file under REPO (default .): format, recipients, whether
                            the key can decrypt it, whether its recipients match .sops.yaml
      --format text|json    output format (default text)

Common flags:
      --age-key-file FILE   age identities to use (instead of SOPS_AGE_KEY/_FILE, keys.txt)
      --input-type TYPE     decrypt/encrypt: yaml, json, dotenv or binary (default: from
                            the file name)
      --ignore-mac          decrypt even if the MAC does not verify (what Flux does after
                            kustomize re-sorted a resource; otherwise a sign of tampering)
  -h, --help                show this help

Exit codes: 0 success; 1 a file failed (or, for status, a file cannot be decrypted or does
not match .sops.yaml); 2 bad usage. Errors name the file, one line each.
`;

const options = {
  "in-place": { type: "boolean", short: "i" },
  age: { type: "string", multiple: true },
  "dry-run": { type: "boolean" },
  format: { type: "string" },
  "age-key-file": { type: "string" },
  "input-type": { type: "string" },
  "ignore-mac": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>["values"];

/** Which flags each subcommand accepts; anything else is a usage error, not silently ignored. */
const allowed: Record<string, ReadonlyArray<keyof Values>> = {
  decrypt: ["age-key-file", "input-type", "ignore-mac"],
  encrypt: ["in-place", "age", "input-type"],
  edit: ["age-key-file"],
  updatekeys: ["age-key-file", "dry-run"],
  rotate: ["age-key-file", "dry-run"],
  status: ["age-key-file", "format"],
};

const FORMATS: readonly SopsFormat[] = ["yaml", "json", "dotenv", "binary"];

class UsageError extends Error {}

function out(s: string | Buffer): void {
  process.stdout.write(s);
}

function err(line: string): void {
  process.stderr.write(`slipway secrets: ${line}\n`);
}

/** The SOPS files under `paths` (default: the current directory); what was passed by, on stderr. */
function findSopsFilesNoting(paths: readonly string[]): string[] {
  const skipped: Skipped[] = [];
  const files = findSopsFiles(paths.length > 0 ? paths : ["."], skipped);
  // File names come from the repository: they cannot drive the terminal.
  for (const s of skipped) err(withoutControls(`skipped ${s.file}: ${s.why}`));
  return files;
}

/** The real paths of the directories among `paths` (default: the current directory). */
function searchRoots(paths: readonly string[]): string[] {
  return (paths.length > 0 ? paths : ["."]).flatMap((p) => {
    try {
      return fs.statSync(p).isDirectory() ? [fs.realpathSync(p)] : [];
    } catch {
      return []; // the walk reports it
    }
  });
}

/** One line naming the file: the SlipwayError's own `file: message`, else prefixed here. */
function fileError(file: string, e: unknown): string {
  const msg = errorMessage(e).split("\n")[0]!;
  if (e instanceof SlipwayError && e.file === file) return msg;
  return `${file}: ${msg}`;
}

function readInput(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new SlipwayError(`cannot read: ${(e as NodeJS.ErrnoException).code ?? "error"}`, { file });
  }
}

function keys(values: Values): RunIdentities {
  const found = runIdentities(values["age-key-file"]);
  for (const p of found.problems) err(`warning: ${p}`);
  return found;
}

function inputType(values: Values): SopsFormat | undefined {
  const t = values["input-type"];
  if (t === undefined) return undefined;
  if (!(FORMATS as readonly string[]).includes(t))
    throw new UsageError(`--input-type must be one of ${FORMATS.join(", ")}, not '${t}'`);
  return t as SopsFormat;
}

function oneFile(positionals: string[], cmd: string): string {
  if (positionals.length !== 1) throw new UsageError(`'${cmd}' takes exactly one FILE`);
  return positionals[0]!;
}

async function decrypt(file: string, values: Values): Promise<number> {
  const format = inputType(values);
  const d = await decryptSops(readInput(file), {
    file,
    format,
    identities: keys(values).identities,
    ignoreMac: values["ignore-mac"] === true,
  });
  out(plaintextBytes(d));
  return 0;
}

async function encrypt(file: string, values: Values): Promise<number> {
  const recipients = values.age ?? [];
  const format = inputType(values);
  const output = await encryptSops(readInput(file), {
    file,
    format,
    rule: recipients.length > 0 ? ruleForRecipients(recipients) : undefined,
  });
  if (values["in-place"]) replaceFile(file, output);
  else out(output);
  return 0;
}

async function edit(file: string, values: Values): Promise<number> {
  const r = await editFile(file, { identities: keys(values).identities });
  err(r.changed ? `${file}: saved` : `${file}: no changes`);
  return 0;
}

/** A file's new bytes, written once every file under the paths succeeded. */
interface Pending extends Rewrite {
  /** printed once the file is written */
  line: string;
}

/**
 * Runs `each` on every SOPS file under the paths; a failing file does not stop the others, but
 * then nothing is written (a tree half re-keyed is worse than one not re-keyed). The outputs
 * are written as one set: all of them, or none (replaceFiles).
 */
async function overTree(
  paths: string[],
  each: (file: string, bytes: Buffer, pending: Pending[]) => Promise<void>,
): Promise<{ total: number; failed: number; written: boolean }> {
  const files = findSopsFilesNoting(paths);
  let failed = 0;
  const pending: Pending[] = [];
  for (const file of files) {
    try {
      // Dry runs too: they predict what the real run does.
      refuseReadOnly(file);
      await each(file, readInput(file), pending);
    } catch (e) {
      failed++;
      process.stderr.write(`${fileError(file, e)}\n`);
    }
  }
  if (failed > 0 && pending.length > 0) {
    err(`${failed} of ${files.length} SOPS files failed; nothing written`);
    return { total: files.length, failed, written: false };
  }
  replaceFiles(pending);
  for (const p of pending) out(withoutControls(p.line));
  return { total: files.length, failed, written: true };
}

async function updatekeys(paths: string[], values: Values): Promise<number> {
  const { identities } = keys(values);
  const configs = new SopsConfigCache(searchRoots(paths));
  const dry = values["dry-run"] === true;
  let changed = 0;
  const { total, failed, written } = await overTree(paths, async (file, bytes, pending) => {
    const config = configs.configFor(file);
    if (!config) throw new SlipwayError("no .sops.yaml applies to this file", { file });
    const updated = dry ? undefined : await updateKeys(bytes, { file, config, identities });
    const r = updated ?? (await plannedUpdate(bytes, file, config));
    if (!r.changed) return;
    changed++;
    const diff = [...r.added.map((x) => `+${x}`), ...r.removed.map((x) => `-${x}`)].join(" ");
    if (updated)
      pending.push({ file, before: bytes, output: updated.output, line: `updated ${file}: ${diff}\n` });
    else out(withoutControls(`would update ${file}: ${diff}\n`));
  });
  err(
    `${dry || written ? changed : 0} of ${total} SOPS files ${dry ? "would be " : ""}updated${failed > 0 ? `, ${failed} failed` : ""}`,
  );
  return failed > 0 ? 1 : 0;
}

/** What updatekeys would do, from the recipients alone: a dry run needs no key. */
async function plannedUpdate(
  bytes: Buffer,
  file: string,
  config: SopsConfig,
): Promise<{ changed: boolean; added: string[]; removed: string[] }> {
  const s = await sopsStatus(bytes, { file, config, identities: [] });
  if (s.configProblem) throw new SlipwayError(s.configProblem, { file });
  return { changed: s.matchesConfig === false, added: s.missingRecipients, removed: s.extraRecipients };
}

async function rotate(paths: string[], values: Values): Promise<number> {
  const { identities } = keys(values);
  const dry = values["dry-run"] === true;
  let rotated = 0;
  const { total, failed, written } = await overTree(paths, async (file, bytes, pending) => {
    const output = await rotateDataKey(bytes, { file, identities });
    rotated++;
    if (dry) out(withoutControls(`would rotate ${file}\n`));
    else pending.push({ file, before: bytes, output, line: `rotated ${file}\n` });
  });
  err(
    `${dry || written ? rotated : 0} of ${total} SOPS files ${dry ? "would be " : ""}rotated${failed > 0 ? `, ${failed} failed` : ""}`,
  );
  return failed > 0 ? 1 : 0;
}

async function status(positionals: string[], values: Values): Promise<number> {
  const format = values.format ?? "text";
  if (format !== "text" && format !== "json")
    throw new UsageError(`--format must be text or json, not '${format}'`);
  if (positionals.length > 1) throw new UsageError("'status' takes at most one REPO directory");
  const found = keys(values);
  const configs = new SopsConfigCache(searchRoots(positionals));
  const entries: StatusEntry[] = [];
  for (const file of findSopsFilesNoting(positionals)) {
    entries.push(await statusOf(file, found.identities, configs));
  }
  const report = buildReport(entries, found.sources);
  // File names come from the repository: the text report cannot drive the terminal.
  out(format === "json" ? `${JSON.stringify(report, null, 2)}\n` : withoutControls(formatStatusText(report)));
  return report.ok ? 0 : 1;
}

export async function secretsCommand(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true });
  } catch (e) {
    err(`${errorMessage(e)}\n\n${help}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [cmd, ...rest] = positionals;
  if (values.help || cmd === "help") {
    out(help);
    return 0;
  }
  if (cmd === undefined) {
    process.stderr.write(help);
    return 2;
  }
  const flags = allowed[cmd];
  if (!flags) {
    const near = closestName(cmd, Object.keys(allowed));
    err(`unknown command '${cmd}'${near ? ` (did you mean '${near}'?)` : ""}\n\n${help}`);
    return 2;
  }
  let file = "";
  try {
    for (const name of Object.keys(values) as Array<keyof Values>) {
      if (name !== "help" && !flags.includes(name)) throw new UsageError(`'${cmd}' does not take --${name}`);
    }
    switch (cmd) {
      case "decrypt":
        file = oneFile(rest, cmd);
        return await decrypt(file, values);
      case "encrypt":
        file = oneFile(rest, cmd);
        return await encrypt(file, values);
      case "edit":
        file = oneFile(rest, cmd);
        return await edit(file, values);
      case "updatekeys":
        return await updatekeys(rest, values);
      case "rotate":
        return await rotate(rest, values);
      default:
        return await status(rest, values);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(`${e.message} (see 'slipway secrets --help')`);
      return 2;
    }
    process.stderr.write(`${file ? fileError(file, e) : errorMessage(e).split("\n")[0]}\n`);
    return 1;
  }
}
