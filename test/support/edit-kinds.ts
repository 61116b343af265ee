/**
 * One-file edits of every kind a pull request makes, from a seed: a value change, a deleted
 * file, a new file, an edited kustomization.yaml, an edited HelmRelease value and an edited SOPS
 * file. Shared by the properties that a cached result equals a fresh one after an edit
 * (test/diff/edit-kinds.test.ts, test/check/result-cache.test.ts).
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import * as path from "node:path";
import { applyRandomEdit, scalarLines } from "./metamorphic.js";
import type { Rng } from "./random.js";

export type EditKind =
  | "value"
  | "delete"
  | "new-file"
  | "kustomization"
  | "helmrelease-values"
  | "sops"
  | "helmrelease-chart"
  | "generator-input"
  | "delete-unit"
  | "rename-kustomization"
  | "substitute-variable"
  | "values-configmap"
  | "outside-file"
  | "moved-file"
  | "component-file"
  | "sops-config"
  | "renamed-file"
  | "new-app"
  | "ignored-file"
  | "crlf"
  | "multi-file"
  | "flux-source"
  | "cluster-root"
  | "base-file";
export const KINDS: EditKind[] = [
  "value",
  "delete",
  "new-file",
  "kustomization",
  "helmrelease-values",
  "sops",
];
/**
 * Edits a changed-only diff decides about without rendering: a release's chart (its render
 * key), a file only a generator reads, a Flux Kustomization or HelmRelease gone or under a new
 * name, a postBuild variable (a `substitute:` value or the data of a `substituteFrom` source),
 * a ConfigMap a HelmRelease takes values from, a file no Kustomization reads, and a file moved
 * or copied unchanged (its bytes are the other revision's: what is kept by the bytes read, the
 * discovery scan's and the read sets' outcomes, must still answer for the new path).
 */
export const UNIT_KINDS: EditKind[] = [
  "helmrelease-chart",
  "generator-input",
  "delete-unit",
  "rename-kustomization",
  "substitute-variable",
  "values-configmap",
  "outside-file",
  "moved-file",
];

/**
 * Edits built to break the changed-only shortcut on repositories it was not tuned on: a file of
 * a kustomize component, a `.sops.yaml` (outside every artifact), a file renamed with its
 * reference, a new app folder (a copy of one with its Flux Kustomization renamed), a manifest
 * .gitignore hides and a CRLF working copy (both differ from what `git diff` compares),
 * several edits of other kinds at once, a Flux source's URL (what a release's chart and a
 * cluster's own repository are found by), a cluster root removed or copied beside itself, and a
 * file of a base another kustomization lists under `resources:` (built once and reused by every
 * overlay: what a cache of built bases must let go).
 */
export const HOSTILE_KINDS: EditKind[] = [
  "component-file",
  "sops-config",
  "renamed-file",
  "new-app",
  "ignored-file",
  "crlf",
  "multi-file",
  "flux-source",
  "cluster-root",
  "base-file",
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
      if (files.length === 0) return undefined;
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
    case "helmrelease-chart": {
      // The chart's version (HelmRelease spec.chart.spec.version, or an OCIRepository's tag).
      const versionLine = /^ {6,8}(version|tag|semver): ["']?[\w.^~>=<*-]+["']?$/;
      const f = pickWhere(
        (_, t) =>
          (/^kind: HelmRelease$/m.test(t) || /^kind: OCIRepository$/m.test(t)) &&
          t.split("\n").some((l) => versionLine.test(l) && /\d/.test(l)),
      );
      if (!f) return undefined;
      const lines = read(f).split("\n");
      const i = rng.pick(lines.flatMap((l, n) => (versionLine.test(l) && /\d/.test(l) ? [n] : [])));
      if (i === undefined) return undefined;
      const before = lines[i]!;
      // A version bump: the last digit, plus one.
      lines[i] = before.replace(
        /(\d)(\D*)$/,
        (_, d: string, rest: string) => `${(Number(d) + 1) % 10}${rest}`,
      );
      writeFileSync(path.join(root, f), lines.join("\n"));
      return `${f}:${i + 1} '${before.trim()}' → '${lines[i]!.trim()}'`;
    }
    case "generator-input": {
      // A file a configMapGenerator/secretGenerator reads (`files:`/`envs:` items).
      const inputs: string[] = [];
      for (const k of files.filter((g) => path.basename(g) === "kustomization.yaml")) {
        if (!existsSync(path.join(root, k))) continue;
        let inList = false;
        for (const l of read(k).split("\n")) {
          if (/^\s+(files|envs):\s*$/.test(l)) inList = true;
          else if (inList && /^\s+- /.test(l)) {
            const item = l.replace(/^\s+- /, "").trim();
            const file = path.join(
              path.dirname(k),
              item.includes("=") ? item.slice(item.indexOf("=") + 1) : item,
            );
            if (existsSync(path.join(root, file)) && statSync(path.join(root, file)).isFile())
              inputs.push(file);
          } else inList = false;
        }
      }
      if (inputs.length === 0) return undefined;
      const f = rng.pick(inputs.sort());
      writeFileSync(path.join(root, f), `${read(f)}\n# edited ${rng.int(100)}\n`);
      return `generator input ${f}`;
    }
    case "delete-unit": {
      const f = pickWhere(
        (_, t) => /^kind: HelmRelease$/m.test(t) || /^apiVersion: kustomize\.toolkit\.fluxcd\.io\//m.test(t),
      );
      if (!f) return undefined;
      unlinkSync(path.join(root, f));
      return `deleted unit ${f}`;
    }
    case "rename-kustomization": {
      const f = pickWhere((_, t) =>
        /^apiVersion: kustomize\.toolkit\.fluxcd\.io\/\S+\nkind: Kustomization\nmetadata:\n(( {2}\S.*\n)*?) {2}name: \S+$/m.test(
          t,
        ),
      );
      if (!f) return undefined;
      const text = read(f);
      const renamed = text.replace(
        /^(apiVersion: kustomize\.toolkit\.fluxcd\.io\/\S+\nkind: Kustomization\nmetadata:\n(?:(?: {2}\S.*\n)*?) {2}name: )(\S+)$/m,
        `$1$2-r${rng.int(100)}`,
      );
      writeFileSync(path.join(root, f), renamed);
      return `renamed a Flux Kustomization in ${f}`;
    }
    case "substitute-variable": {
      // A value of a Flux Kustomization's postBuild.substitute, or a data value of a ConfigMap
      // or Secret that a postBuild.substituteFrom names.
      const sources = new Set<string>();
      for (const f of files) {
        if (!existsSync(path.join(root, f))) continue;
        const t = read(f);
        for (const m of t.matchAll(/substituteFrom:\s*\n((?:\s+(?:-\s+)?\w+: \S+\n?)+)/g))
          for (const n of m[1]!.matchAll(/name: ["']?([\w.-]+)/g)) sources.add(n[1]!);
      }
      const sites: Array<[string, number]> = [];
      for (const f of files) {
        if (!existsSync(path.join(root, f)) || f.endsWith(".sops.yaml")) continue;
        const lines = read(f).split("\n");
        const sourceHere =
          /^kind: (ConfigMap|Secret)$/m.test(lines.join("\n")) &&
          lines.some((l) => sources.has(l.match(/^ {2}name: ["']?([\w.-]+)/)?.[1] ?? ""));
        let block = -1;
        lines.forEach((l, i) => {
          const indent = l.length - l.trimStart().length;
          if (block >= 0 && (l.trim() === "" || indent > block)) {
            if (/^\s+[\w.-]+: [\w./:-]+$/.test(l)) sites.push([f, i]);
            return;
          }
          block = -1;
          if (/^\s+substitute:\s*$/.test(l) || (sourceHere && /^(data|stringData):\s*$/.test(l)))
            block = indent;
        });
      }
      if (sites.length === 0) return undefined;
      const [f, i] = rng.pick(sites);
      return editLine(f, [i]);
    }
    case "values-configmap": {
      // A ConfigMap that a HelmRelease's valuesFrom names: its manifest's data, or a file its
      // configMapGenerator reads.
      const names = new Set<string>();
      for (const f of files) {
        if (!existsSync(path.join(root, f))) continue;
        for (const m of read(f).matchAll(/valuesFrom:\s*\n((?:\s+(?:-\s+)?\w+: \S+\n?)+)/g)) {
          for (const item of m[1]!.split(/\n\s*-\s+/)) {
            const name = /name: ["']?([\w.-]+)/.exec(item)?.[1];
            if (name && /kind: ConfigMap/.test(item)) names.add(name);
          }
        }
      }
      const sites: Array<[string, number]> = [];
      const inputs: string[] = [];
      for (const f of files) {
        if (!existsSync(path.join(root, f))) continue;
        const lines = read(f).split("\n");
        if (
          /^kind: ConfigMap$/m.test(lines.join("\n")) &&
          lines.some((l) => names.has(l.match(/^ {2}name: ["']?([\w.-]+)/)?.[1] ?? ""))
        ) {
          const start = lines.findIndex((l) => /^data:\s*$/.test(l));
          if (start >= 0) for (const i of scalarLines(lines.join("\n"))) if (i > start) sites.push([f, i]);
        }
        if (path.basename(f) !== "kustomization.yaml") continue;
        // configMapGenerator entries named after a values source: the files they list.
        let inGenerator = false;
        let inFiles = false;
        for (const l of lines) {
          const name = /^\s+- name: ["']?([\w.-]+)/.exec(l)?.[1];
          if (name !== undefined || /^\S/.test(l)) {
            inGenerator = name !== undefined && names.has(name);
            inFiles = false;
          } else if (/^\s+\w+:/.test(l)) inFiles = inGenerator && /^\s+files:\s*$/.test(l);
          const item = inFiles ? /^\s+- (?:[\w.-]+=)?(\S+)$/.exec(l)?.[1] : undefined;
          const file = item && path.join(path.dirname(f), item);
          if (file && existsSync(path.join(root, file)) && statSync(path.join(root, file)).isFile())
            inputs.push(file);
        }
      }
      if (sites.length === 0 && inputs.length === 0) return undefined;
      if (inputs.length > 0 && (sites.length === 0 || rng.bool())) {
        const f = rng.pick(inputs.sort());
        writeFileSync(path.join(root, f), `${read(f)}\nedited${rng.int(100)}: true\n`);
        return `values ConfigMap input ${f}`;
      }
      const [f, i] = rng.pick(sites);
      return editLine(f, [i]);
    }
    case "outside-file": {
      // A file no Kustomization reads: a new folder at the top with a manifest in it, or an
      // edited README.
      if (existsSync(path.join(root, "README.md")) && rng.bool()) {
        writeFileSync(path.join(root, "README.md"), `${read("README.md")}\nedited ${rng.int(100)}\n`);
        return "edited README.md";
      }
      const dir = `outside-${rng.int(1000)}`;
      mkdirSync(path.join(root, dir), { recursive: true });
      writeFileSync(
        path.join(root, dir, "configmap.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: outside\ndata:\n  a: b\n",
      );
      return `new ${dir}/configmap.yaml`;
    }
    case "component-file": {
      // A file below a directory some kustomization.yaml or Flux Kustomization names under `components:`.
      const dirs = new Set<string>();
      for (const f of files) {
        if (!existsSync(path.join(root, f))) continue;
        for (const m of read(f).matchAll(/^(\s*)components:\s*\n((?:\1\s*- \S+\s*\n?)+)/gm)) {
          for (const item of m[2]!.matchAll(/- ["']?([^"'\s]+)/g)) {
            const base = /^kustomization\.ya?ml$/.test(path.posix.basename(f)) ? path.posix.dirname(f) : ".";
            const dir = path.posix.normalize(path.posix.join(base, item[1]!));
            if (existsSync(path.join(root, dir)) && statSync(path.join(root, dir)).isDirectory())
              dirs.add(dir);
          }
        }
      }
      const inside = files.filter((f) => [...dirs].some((d) => f.startsWith(`${d}/`)));
      if (inside.length === 0) return undefined;
      const e = applyRandomEdit(root, inside.sort(), rng);
      return e && `component ${e.file}:${e.line} '${e.before.trim()}' → '${e.after.trim()}'`;
    }
    case "sops-config": {
      const f = ".sops.yaml";
      const text = existsSync(path.join(root, f)) ? read(f) : "creation_rules: []\n";
      writeFileSync(path.join(root, f), `${text}\n# edited ${rng.int(100)}\n`);
      return `edited ${f}`;
    }
    case "renamed-file": {
      // A manifest a kustomization.yaml lists, renamed, the reference updated.
      const sites: Array<[string, string]> = [];
      for (const k of files.filter((g) => path.basename(g) === "kustomization.yaml")) {
        if (!existsSync(path.join(root, k))) continue;
        for (const m of read(k).matchAll(/^ {2}- (?:\.\/)?([\w.-]+\.ya?ml)\s*$/gm)) {
          const f = path.posix.join(path.posix.dirname(k), m[1]!);
          if (existsSync(path.join(root, f))) sites.push([k, m[1]!]);
        }
      }
      if (sites.length === 0) return undefined;
      const [k, item] = rng.pick(sites);
      const dir = path.posix.dirname(k);
      const to = item.replace(/(\.ya?ml)$/, `-renamed$1`);
      writeFileSync(path.join(root, dir, to), readFileSync(path.join(root, dir, item)));
      unlinkSync(path.join(root, dir, item));
      writeFileSync(
        path.join(root, k),
        read(k).replace(
          new RegExp(`^( {2}- (?:\\./)?)${item.replace(/[.]/g, "\\.")}(\\s*)$`, "m"),
          `$1${to}$2`,
        ),
      );
      return `renamed ${dir}/${item} to ${to}`;
    }
    case "new-app": {
      // A Flux Kustomization's file (ks.yaml) and the directory its spec.path names, copied
      // under a new name beside them; the copy is listed where the original is.
      const f = pickWhere(
        (p, t) =>
          path.posix.basename(p) === "ks.yaml" &&
          /^apiVersion: kustomize\.toolkit\.fluxcd\.io\//m.test(t) &&
          /^ {2}path: \.\/\S+$/m.test(t),
      );
      if (!f) return undefined;
      const appDir = path.posix.dirname(f);
      const parent = path.posix.dirname(appDir);
      const name = `${path.posix.basename(appDir)}-new${rng.int(100)}`;
      const to = path.posix.join(parent, name);
      if (existsSync(path.join(root, to))) return undefined;
      cpSync(path.join(root, appDir), path.join(root, to), { recursive: true });
      const own = path.posix.basename(appDir);
      const ks = read(f)
        .replace(/^( {2}name: )(\S+)$/gm, `$1$2-new`)
        .replace(
          /^( {2}path: )(\S+)$/gm,
          (_, lead: string, p: string) =>
            `${lead}${p.replace(`/${own}/`, `/${name}/`).replace(new RegExp(`/${own}$`), `/${name}`)}`,
        );
      writeFileSync(path.join(root, to, "ks.yaml"), ks);
      const list = path.posix.join(parent, "kustomization.yaml");
      if (existsSync(path.join(root, list)) && read(list).includes(`./${own}`))
        writeFileSync(
          path.join(root, list),
          read(list).replace(new RegExp(`^(\\s+- \\./${own}[^\\n]*)$`, "m"), `$1\n  - ./${name}/ks.yaml`),
        );
      return `new app ${to} (a copy of ${appDir})`;
    }
    case "ignored-file": {
      // A manifest beside others, hidden by .gitignore: the working tree's renders read it.
      const f = pickWhere((_, t) => /^kind: /m.test(t) && /^ {2}name: \S+$/m.test(t) && !t.includes("ENC["));
      if (!f) return undefined;
      const to = f.replace(/\.ya?ml$/, "-ignored.local.yaml");
      writeFileSync(path.join(root, to), read(f).replace(/^( {2}name: )(\S+)$/m, "$1$2-ignored"));
      const gi = existsSync(path.join(root, ".gitignore")) ? read(".gitignore") : "";
      writeFileSync(path.join(root, ".gitignore"), `${gi}\n*.local.yaml\n`);
      return `ignored ${to}`;
    }
    case "crlf": {
      // A working copy with CRLF line endings under `* text=auto eol=lf` (most of these
      // repositories' .gitattributes): Git reports no change, the bytes read differ.
      const f = rng.pick(files);
      if (!f || !existsSync(path.join(root, f))) return undefined;
      const attrs = existsSync(path.join(root, ".gitattributes")) ? read(".gitattributes") : "";
      if (!/^\* text=auto/m.test(attrs)) return undefined;
      writeFileSync(path.join(root, f), read(f).replace(/\r?\n/g, "\r\n"));
      return `CRLF ${f}`;
    }
    case "multi-file": {
      const done: string[] = [];
      for (let i = 0; i < 3; i++) {
        const present = files.filter((f) => existsSync(path.join(root, f)));
        const e = applyEdit(root, present, rng.pick([...KINDS, ...UNIT_KINDS]), rng);
        if (e) done.push(e);
      }
      return done.length > 0 ? done.join(" + ") : undefined;
    }
    case "flux-source": {
      // The URL of a GitRepository, OCIRepository, HelmRepository or Bucket: the chart a release
      // renders, or whether a source is this repository, changes without any version line.
      const urlLine = /^\s+url: ["']?\S+?["']?$/;
      const f = pickWhere(
        (_, t) =>
          /^kind: (GitRepository|OCIRepository|HelmRepository|Bucket)$/m.test(t) &&
          t.split("\n").some((l) => urlLine.test(l)),
      );
      if (!f) return undefined;
      const lines = read(f).split("\n");
      const i = rng.pick(lines.flatMap((l, n) => (urlLine.test(l) ? [n] : [])));
      if (i === undefined) return undefined;
      const before = lines[i]!;
      lines[i] = before.replace(/(["']?)$/, `-e${rng.int(100)}$1`);
      writeFileSync(path.join(root, f), lines.join("\n"));
      return `${f}:${i + 1} '${before.trim()}' → '${lines[i]!.trim()}'`;
    }
    case "base-file": {
      const bases = new Set<string>();
      for (const k of files.filter((g) => /^kustomization\.ya?ml$/.test(path.basename(g)))) {
        if (!existsSync(path.join(root, k))) continue;
        let inList = false;
        for (const l of read(k).split("\n")) {
          if (/^resources:\s*$/.test(l)) inList = true;
          else if (inList && /^\s*- /.test(l)) {
            const item = l
              .replace(/^\s*- /, "")
              .replace(/\s+#.*$/, "")
              .replace(/["']/g, "")
              .trim();
            const dir = path.normalize(path.join(path.dirname(k), item));
            if (/\.ya?ml$/.test(item) || dir.startsWith("..")) continue;
            if (["kustomization.yaml", "kustomization.yml"].some((n) => existsSync(path.join(root, dir, n))))
              bases.add(dir);
          } else if (/^\S/.test(l)) inList = false;
        }
      }
      const f = pickWhere(
        (g, t) =>
          bases.has(path.dirname(g)) &&
          !/^kustomization\.ya?ml$/.test(path.basename(g)) &&
          !t.includes("ENC[") &&
          scalarLines(t).length > 0,
      );
      if (!f) return undefined;
      return `base ${editLine(f, scalarLines(read(f)))}`;
    }
    case "cluster-root": {
      // A cluster removed or copied beside itself under a new name: a sync file (a Flux source
      // and the Kustomization that applies it, as gotk-sync.yaml), or a `clusters/<name>` folder
      // holding a flux-system folder.
      const syncFiles = files.filter((f) => {
        if (!existsSync(path.join(root, f))) return false;
        const t = read(f);
        return (
          /^kind: (GitRepository|OCIRepository|Bucket)$/m.test(t) &&
          /^apiVersion: kustomize\.toolkit\.fluxcd\.io\//m.test(t) &&
          /^kind: Kustomization$/m.test(t)
        );
      });
      const clusterDirs = [
        ...new Set(
          files.flatMap((f) => {
            const m = /^(.*\/)?(clusters\/[^/]+)\/flux-system\//.exec(f);
            return m ? [`${m[1] ?? ""}${m[2]}`] : [];
          }),
        ),
      ].filter((d) => existsSync(path.join(root, d)));
      const picked = rng.pick([...syncFiles, ...clusterDirs]);
      if (picked === undefined) return undefined;
      const isFile = syncFiles.includes(picked);
      if (rng.bool()) {
        rmSync(path.join(root, picked), { recursive: true, force: true });
        return `deleted cluster root ${picked}`;
      }
      const dir = isFile ? path.posix.dirname(picked) : picked;
      const to = `${dir}-c${rng.int(100)}`;
      if (existsSync(path.join(root, to))) return undefined;
      cpSync(path.join(root, dir), path.join(root, to), { recursive: true });
      if (isFile) {
        const copied = path.posix.join(to, path.posix.basename(picked));
        writeFileSync(path.join(root, copied), read(copied).replace(/^( {2}name: )(\S+)$/gm, "$1$2-c"));
      }
      return `cluster root ${dir} copied to ${to}`;
    }
    case "moved-file": {
      // A Flux object's file or a kustomization file, moved or copied byte for byte into a
      // sibling directory (new or existing).
      const f = pickWhere(
        (p, t) => t.includes("toolkit.fluxcd.io") || /^kustomization\.ya?ml$/.test(path.posix.basename(p)),
      );
      if (!f) return undefined;
      const parent = path.posix.dirname(path.posix.dirname(f));
      const siblings = files
        .map((x) => path.posix.dirname(x))
        .filter((d) => d !== path.posix.dirname(f) && path.posix.dirname(d) === parent);
      const dir = siblings.length > 0 && rng.bool() ? rng.pick(siblings) : `${parent}/moved-${rng.int(1000)}`;
      const to = `${dir}/${path.posix.basename(f)}`;
      if (existsSync(path.join(root, to))) return undefined;
      mkdirSync(path.join(root, dir), { recursive: true });
      writeFileSync(path.join(root, to), readFileSync(path.join(root, f)));
      const move = rng.bool();
      if (move) unlinkSync(path.join(root, f));
      return `${move ? "moved" : "copied"} ${f} to ${to}`;
    }
  }
}
