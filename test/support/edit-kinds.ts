/**
 * One-file edits of every kind a pull request makes, from a seed: a value change, a deleted
 * file, a new file, an edited kustomization.yaml, an edited HelmRelease value and an edited SOPS
 * file. Shared by the properties that a cached result equals a fresh one after an edit
 * (test/diff/edit-kinds.test.ts, test/check/result-cache.test.ts).
 */
import { existsSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { applyRandomEdit, scalarLines } from "./metamorphic.js";
import type { Rng } from "./random.js";

export type EditKind = "value" | "delete" | "new-file" | "kustomization" | "helmrelease-values" | "sops";
export const KINDS: EditKind[] = [
  "value",
  "delete",
  "new-file",
  "kustomization",
  "helmrelease-values",
  "sops",
];

/** Applies one edit of `kind`; returns what it did, or undefined when the repository has no such file. */
export function applyEdit(root: string, files: string[], kind: EditKind, rng: Rng): string | undefined {
  const read = (f: string) => readFileSync(path.join(root, f), "utf8");
  const pickWhere = (test: (f: string, text: string) => boolean) => {
    const matching = files.filter((f) => existsSync(path.join(root, f)) && test(f, read(f)));
    return matching.length > 0 ? rng.pick(matching) : undefined;
  };
  const editLine = (file: string, lines: number[]) => {
    if (lines.length === 0) return undefined;
    const text = read(file).split("\n");
    const i = rng.pick(lines);
    const before = text[i]!;
    text[i] = /\d$/.test(before) ? `${before}1` : `${before}-e${rng.int(100)}`;
    writeFileSync(path.join(root, file), text.join("\n"));
    return `${file}:${i + 1} '${before.trim()}' → '${text[i]!.trim()}'`;
  };
  switch (kind) {
    case "value": {
      const e = applyRandomEdit(root, files, rng);
      return e && `${e.file}:${e.line} '${e.before.trim()}' → '${e.after.trim()}'`;
    }
    case "delete": {
      const f = rng.pick(files);
      unlinkSync(path.join(root, f));
      return `deleted ${f}`;
    }
    case "new-file": {
      // A copy of a manifest beside it under a new name and object name: Flux's generated
      // kustomization picks it up, a directory with a kustomization.yaml does not.
      const f = pickWhere((_, t) => /^kind: /m.test(t) && /^ {2}name: \S+$/m.test(t) && !t.includes("ENC["));
      if (!f) return undefined;
      const copy = read(f).replace(/^( {2}name: )(\S+)$/m, "$1$2-copy");
      const to = f.replace(/\.ya?ml$/, "-copy.yaml");
      writeFileSync(path.join(root, to), copy);
      return `new ${to}`;
    }
    case "kustomization": {
      const f = pickWhere((g, t) => path.basename(g) === "kustomization.yaml" && /^ {2}- \S/m.test(t));
      if (!f) return undefined;
      const lines = read(f).split("\n");
      const items = lines.flatMap((l, i) => (/^ {2}- \S/.test(l) ? [i] : []));
      const i = rng.pick(items);
      const removed = lines.splice(i, 1)[0]!;
      writeFileSync(path.join(root, f), lines.join("\n"));
      return `${f}:${i + 1} removed '${removed.trim()}'`;
    }
    case "helmrelease-values": {
      const f = pickWhere((_, t) => /^kind: HelmRelease$/m.test(t) && /^ {2}values:/m.test(t));
      if (!f) return undefined;
      const lines = read(f).split("\n");
      const start = lines.findIndex((l) => /^ {2}values:/.test(l));
      const scalars = scalarLines(lines.join("\n")).filter(
        (i) => i > start && /^ {4,}/.test(lines[i]!) && !/^\s*-?\s*$/.test(lines[i]!),
      );
      return editLine(f, scalars);
    }
    case "sops": {
      const f = pickWhere((_, t) => t.includes("ENC[") && t.includes("sops:"));
      if (!f) return undefined;
      const lines = read(f).split("\n");
      // A changed ciphertext (the MAC no longer matches) or a changed plain field.
      const enc = lines.flatMap((l, i) => (/ENC\[AES256_GCM,data:[A-Za-z0-9+/]{2}/.test(l) ? [i] : []));
      if (enc.length > 0 && rng.bool()) {
        const i = rng.pick(enc);
        const before = lines[i]!;
        lines[i] = before.replace(/data:([A-Za-z0-9+/])/, (_, c: string) => `data:${c === "A" ? "B" : "A"}`);
        writeFileSync(path.join(root, f), lines.join("\n"));
        return `${f}:${i + 1} ciphertext changed`;
      }
      return editLine(
        f,
        lines.flatMap((l, i) => (/^ {2}(name|namespace): \S+$/.test(l) ? [i] : [])),
      );
    }
  }
}
