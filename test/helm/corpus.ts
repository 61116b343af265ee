import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import type { RenderCache } from "../../src/cache/store.js";
import { runHelmTemplate, type TemplateIO } from "../../src/cli/helm.js";
import { diskReader } from "../../src/helm/chart-source.js";
import { sharedDir } from "../support/env.js";

/** The Helm conformance corpus (../shared/conformance/helm): one case run in-process. */
export const corpus = path.join(sharedDir, "conformance/helm");

interface CaseMeta {
  chart: string;
  release: string;
  namespace: string;
  values: string[];
  flags: string[];
  expect: "output" | "error";
  nondeterministic?: boolean;
}

export interface CaseResult {
  ok: boolean;
  detail: string;
}

/** `cache`: a persistent cache for parsed templates (none, as `helm template --no-cache`, by default). */
export function runCorpusCase(group: string, id: string, cache?: RenderCache): CaseResult {
  const dir = path.join(corpus, group, id);
  const meta = JSON.parse(readFileSync(path.join(dir, "case.yaml"), "utf8")) as CaseMeta;
  const argv = [
    meta.release,
    path.resolve(dir, meta.chart),
    "--namespace",
    meta.namespace,
    ...meta.values.flatMap((v) => ["-f", path.resolve(dir, v)]),
    ...meta.flags.map((f) => f.replaceAll("{casedir}", dir)),
  ];
  let stdout = "";
  let stderr = "";
  const io: TemplateIO = {
    cwd: dir,
    reader: diskReader,
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    writeFiles: () => {
      throw new Error("the corpus has no --output-dir cases");
    },
    exists: () => false,
    cache,
  };
  let code: number;
  try {
    code = runHelmTemplate(argv, io);
  } catch (e) {
    return { ok: false, detail: `crashed: ${(e as Error).stack ?? e}` };
  }
  if (meta.expect === "error") {
    return code !== 0
      ? { ok: true, detail: "" }
      : { ok: false, detail: `expected an error, got:\n${stdout}` };
  }
  if (code !== 0) return { ok: false, detail: `unexpected error (exit ${code}): ${stderr}` };
  if (meta.nondeterministic) return { ok: true, detail: "" };
  const expected = readFileSync(path.join(dir, "expected.yaml"), "utf8");
  if (stdout === expected) return { ok: true, detail: "" };
  return { ok: false, detail: firstDifference(expected, stdout) };
}

function firstDifference(expected: string, actual: string): string {
  const e = expected.split("\n");
  const a = actual.split("\n");
  for (let i = 0; i < Math.max(e.length, a.length); i++) {
    if (e[i] !== a[i]) {
      const from = Math.max(0, i - 3);
      return `output differs at line ${i + 1}\n--- expected\n${e.slice(from, i + 4).join("\n")}\n--- actual\n${a.slice(from, i + 4).join("\n")}`;
    }
  }
  return "output differs";
}

/** Every file under a `templates/` directory below `dir` (the charts' template files). */
export function templateFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const abs = path.join(dir, e);
    if (statSync(abs).isDirectory()) templateFiles(abs, out);
    else if (abs.includes(`${path.sep}templates${path.sep}`)) out.push(abs);
  }
  return out;
}
