/**
 * Clusters bootstrapped by Terraform: terraform-provider-flux's `flux_bootstrap_git` resource
 * installs Flux and creates the flux-system GitRepository and Kustomization syncing its `path`, so
 * a repository that keeps no gotk-sync.yaml (pawelpesz/simple-eks-flux-cluster's terraform/flux.tf,
 * `path = local.flux_target_path`) still says which folder its cluster applies.
 *
 * A narrow reading of HCL text, not an evaluator: the resource's top-level `path` attribute, a
 * string whose only interpolations are `var.*` and `local.*` (also bare), each resolved in the same
 * Terraform module (folder) from a `locals` entry or a variable's literal default, which
 * `terraform.tfvars` and `*.auto.tfvars` override as Terraform loads them. Anything else (a
 * function, a module output, a variable without a default) is unresolved and said as such.
 */

export interface TerraformBootstrap {
  /** The folder it syncs, repository-relative, when its path resolves. */
  path?: string;
  /** The path expression as written, when it does not resolve. */
  unresolved?: string;
  /** Resource name (`flux_bootstrap_git.<name>`). */
  name: string;
  at: { file: string; line: number };
}

/** A module's files, repository-relative path → text. */
export type TerraformModule = ReadonlyMap<string, string>;

const BOOTSTRAP = /^resource\s+"flux_bootstrap_git"\s+"([^"]+)"\s*\{/;
const MAX_DEPTH = 8;

/** The `flux_bootstrap_git` resources of one Terraform module (the .tf/.tfvars files of a folder). */
export function terraformBootstraps(module: TerraformModule): TerraformBootstrap[] {
  const blocks = [...module].filter(([f]) => f.endsWith(".tf")).flatMap(([f, text]) => topBlocks(f, text));
  const locals = new Map<string, string>();
  const defaults = new Map<string, string>();
  for (const b of blocks) {
    if (/^locals\s*\{/.test(b.header)) for (const [k, v] of attributes(b.body)) locals.set(k, v);
    const variable = /^variable\s+"([^"]+)"\s*\{/.exec(b.header);
    const def = variable ? attributes(b.body).get("default") : undefined;
    if (variable && def !== undefined) defaults.set(variable[1]!, def);
  }
  // Terraform loads terraform.tfvars, then *.auto.tfvars in name order, each overriding.
  const tfvars = [...module.keys()]
    .filter((f) => /(^|\/)terraform\.tfvars$/.test(f))
    .concat(
      [...module.keys()]
        .filter((f) => f.endsWith(".auto.tfvars"))
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
  for (const f of tfvars) for (const [k, v] of attributes(stripComments(module.get(f)!))) defaults.set(k, v);

  const out: TerraformBootstrap[] = [];
  for (const b of blocks) {
    const m = BOOTSTRAP.exec(b.header);
    if (!m) continue;
    const expr = attributes(b.body).get("path");
    if (expr === undefined) continue;
    const value = evaluate(expr, locals, defaults, 0);
    const at = { file: b.file, line: b.line };
    if (value === undefined) out.push({ name: m[1]!, unresolved: expr, at });
    else out.push({ name: m[1]!, path: value, at });
  }
  return out;
}

interface Block {
  file: string;
  line: number;
  header: string;
  body: string;
}

/** The top-level blocks of a file: `type "label" … {` and the text up to its closing brace. */
function topBlocks(file: string, text: string): Block[] {
  const src = stripComments(text);
  const out: Block[] = [];
  let i = 0;
  while (i < src.length) {
    const lineEnd = src.indexOf("\n", i);
    const line = src.slice(i, lineEnd < 0 ? src.length : lineEnd);
    const open = line.lastIndexOf("{");
    if (/^[A-Za-z_]/.test(line) && open >= 0 && line.trimEnd().endsWith("{")) {
      const start = i + open + 1;
      const end = closingBrace(src, start);
      if (end < 0) break;
      out.push({
        file,
        line: lineNumber(src, i),
        header: line.trim(),
        body: src.slice(start, end),
      });
      i = end + 1;
      continue;
    }
    if (lineEnd < 0) break;
    i = lineEnd + 1;
  }
  return out;
}

/** The index of the brace closing one opened just before `from` (-1: none), strings skipped. */
function closingBrace(src: string, from: number): number {
  let depth = 1;
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (c === '"') i = stringEnd(src, i);
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i;
  }
  return -1;
}

/** The index of the quote closing the string opened at `at`, past escapes and `${…}`. */
function stringEnd(src: string, at: number): number {
  for (let i = at + 1; i < src.length; i++) {
    const c = src[i];
    if (c === "\\") i++;
    else if (c === '"') return i;
    else if (c === "\n") return i;
    else if (c === "$" && src[i + 1] === "{") {
      const close = closingBrace(src, i + 2);
      if (close < 0) return src.length;
      i = close;
    }
  }
  return src.length;
}

/** `name = expr` entries at the top level of a block body (one-line expressions). */
function attributes(body: string): Map<string, string> {
  const out = new Map<string, string>();
  let depth = 0;
  for (const line of body.split("\n")) {
    const m = depth === 0 ? /^\s*([A-Za-z_][\w-]*)\s*=\s*(.*?)\s*,?\s*$/.exec(line) : null;
    if (m && !out.has(m[1]!)) out.set(m[1]!, m[2]!);
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (c === '"') i = stringEnd(line, i);
      else if (c === "{" || c === "[" || c === "(") depth++;
      else if (c === "}" || c === "]" || c === ")") depth--;
    }
  }
  return out;
}

/** A string value of `expr`, when made only of literals, `var.*` and `local.*` that resolve. */
function evaluate(
  expr: string,
  locals: ReadonlyMap<string, string>,
  defaults: ReadonlyMap<string, string>,
  depth: number,
): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const ref = /^(var|local)\.([A-Za-z_][\w-]*)$/.exec(expr.trim());
  if (ref) {
    const next = (ref[1] === "var" ? defaults : locals).get(ref[2]!);
    return next === undefined ? undefined : evaluate(next, locals, defaults, depth + 1);
  }
  const quoted = /^"((?:[^"\\]|\\.)*)"$/.exec(expr.trim());
  if (!quoted) return undefined;
  let out = "";
  const text = quoted[1]!;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "$" && text[i + 1] === "{") {
      const close = text.indexOf("}", i + 2);
      if (close < 0) return undefined;
      const part = evaluate(text.slice(i + 2, close), locals, defaults, depth + 1);
      if (part === undefined) return undefined;
      out += part;
      i = close;
    } else if (text[i] === "\\") return undefined;
    else out += text[i];
  }
  return out;
}

/** The text with `#`, `//` and `/* *\/` comments blanked (newlines kept for line numbers). */
function stripComments(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end + 1);
      i = end;
    } else if (c === "#" || (c === "/" && text[i + 1] === "/")) {
      while (i < text.length && text[i] !== "\n") i++;
      if (i < text.length) out += "\n";
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, " ");
      i = stop - 1;
    } else out += c;
  }
  return out;
}

function lineNumber(src: string, at: number): number {
  let n = 1;
  for (let i = 0; i < at; i++) if (src[i] === "\n") n++;
  return n;
}
