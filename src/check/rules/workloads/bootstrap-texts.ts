/**
 * Namespaces a repository's bootstrap creates outside Flux, read from text that is not a
 * Kubernetes manifest Flux applies: a Namespace manifest embedded in another file (Talos machine
 * configuration's `inlineManifests`, a Terraform heredoc, a cloud-init file), Terraform's
 * `kubernetes_namespace` resources, and `kubectl create namespace` in scripts and task files.
 * Home labs often make their first namespaces this way (alexrf45/home-ops creates `networking`
 * and `storage` in Talos' inline manifests), and `namespace-exists` must not call them missing.
 */

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function unquote(s: string): string {
  const t = s.trim();
  return (t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))
    ? t.slice(1, -1)
    : t;
}

/**
 * The names of Namespace manifests written inside other text: a `kind: Namespace` line and, in
 * the same block (same indentation), `metadata:` with a `name:` under it. `topLevel`: whether a
 * manifest at the start of a line counts — not in a YAML file, whose top-level documents are
 * the objects Slipway renders (or leaves out) itself.
 */
export function embeddedNamespaces(text: string, topLevel: boolean): string[] {
  if (!/kind:[ \t]*["']?Namespace\b/.test(text)) return [];
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^([ \t]*)(?:- )?kind:[ \t]*["']?Namespace["']?[ \t]*(?:#.*)?$/.exec(lines[i] as string);
    if (!m) continue;
    const indent = (m[1] as string).length + ((lines[i] as string).trimStart().startsWith("- ") ? 2 : 0);
    if (indent === 0 && !topLevel) continue;
    const name = blockName(lines, i, indent);
    if (name !== undefined && NAME.test(name) && !out.includes(name)) out.push(name);
  }
  return out;
}

/** `metadata.name` of the mapping at `indent` that holds line `at`. */
function blockName(lines: string[], at: number, indent: number): string | undefined {
  const inBlock = (line: string) => line.trim() === "" || indentOf(line) >= indent;
  let start = at;
  while (
    start > 0 &&
    inBlock(lines[start - 1] as string) &&
    !(lines[start - 1] as string).trim().startsWith("---")
  )
    start--;
  let end = at;
  while (
    end + 1 < lines.length &&
    inBlock(lines[end + 1] as string) &&
    (lines[end + 1] as string).trim() !== "---"
  )
    end++;
  for (let i = start; i <= end; i++) {
    const line = lines[i] as string;
    const own =
      indentOf(line) === indent || (indentOf(line) === indent - 2 && line.trimStart().startsWith("- "));
    if (!own || !/^(?:- )?metadata:[ \t]*$/.test(line.trim())) continue;
    for (let j = i + 1; j <= end; j++) {
      const inner = lines[j] as string;
      if (inner.trim() === "") continue;
      if (indentOf(inner) <= indent) break;
      const n = /^name:[ \t]*(\S+)/.exec(inner.trim());
      if (n) return unquote(n[1] as string);
    }
  }
  return undefined;
}

/** Terraform's `kubernetes_namespace` and `kubernetes_namespace_v1` resources, by metadata name. */
export function terraformNamespaces(text: string): string[] {
  const out: string[] = [];
  const re = /resource\s+"kubernetes_namespace(?:_v1)?"\s+"[^"]*"\s*\{/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    // The resource's own body, up to the next resource: its metadata block names it.
    const rest = text.slice(re.lastIndex, re.lastIndex + 2000);
    const body = rest.split(/\n\s*(?:resource|data|module)\s+"/, 1)[0] as string;
    const metadata = body.slice(Math.max(0, body.search(/\bmetadata\s*\{/)));
    const n = /(?:^|[{\n])\s*name\s*=\s*"([^"$]+)"/.exec(metadata);
    if (n && NAME.test(n[1] as string) && !out.includes(n[1] as string)) out.push(n[1] as string);
  }
  return out;
}

/** `kubectl create namespace X` / `kubectl create ns X` in a script or a task file. */
export function scriptNamespaces(text: string): string[] {
  const out: string[] = [];
  const re = /\bkubectl\b[^\n|;&]*?\screate\s+(?:namespace|ns)\s+([a-z0-9][-a-z0-9]*)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const ns = m[1] as string;
    if (NAME.test(ns) && !out.includes(ns)) out.push(ns);
  }
  return out;
}
