/**
 * What `slipway new` writes: new files (printed by the `yaml` package in the repository's
 * sequence style) and additions to existing ones (a list entry appended through the CST, a
 * document appended to a multi-document file), as new texts computed up front so that they
 * can be rendered and checked before anything touches the disk.
 */
import { type Document, stringify } from "yaml";
import { isMap, type KObject, type YamlValue } from "../kustomize/types.js";
import type { SourceFiles } from "../promote/sources.js";
import { YamlCst } from "../yaml/cst-edit.js";

export interface ScaffoldPlan {
  /** New files: repository-relative path → text. */
  create: Map<string, string>;
  /** Existing files that change: path → new text, with what changes. */
  change: Map<string, { text: string; what: string[] }>;
  notes: string[];
  /** Problems that stop the scaffold (nothing is written). */
  errors: string[];
  /** A new cluster: the cluster it copies (its check findings are not new in the copy). */
  copiedFrom?: string;
}

/** A Kubernetes name that can also be a directory and a namespace: a DNS label. */
export function isDnsLabel(s: string): boolean {
  return s.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s);
}

export function emptyPlan(): ScaffoldPlan {
  return { create: new Map(), change: new Map(), notes: [], errors: [] };
}

/** One or more documents as a new file, sequences indented as the repository indents them. */
export function yamlFile(docs: Array<KObject | Document>, indentSeq: boolean, comment?: string): string {
  const body = docs
    .map((d) => stringify(d, { indentSeq, lineWidth: 0, aliasDuplicateObjects: false }))
    .join("---\n");
  return comment ? `# ${comment}\n${body}` : body;
}

export function createFile(plan: ScaffoldPlan, files: SourceFiles, file: string, text: string): void {
  if (plan.create.has(file) || files.fs.exists(files.absolute(file))) {
    plan.errors.push(`${file} already exists; slipway new never overwrites a file`);
    return;
  }
  plan.create.set(file, text);
}

function currentText(plan: ScaffoldPlan, files: SourceFiles, file: string): string | undefined {
  return plan.change.get(file)?.text ?? plan.create.get(file) ?? files.get(file)?.text;
}

function setText(plan: ScaffoldPlan, file: string, text: string, what: string): void {
  if (plan.create.has(file)) {
    plan.create.set(file, text);
    return;
  }
  const prev = plan.change.get(file);
  plan.change.set(file, { text, what: [...(prev?.what ?? []), what] });
}

/** Adds `entry` to the `resources:` of a kustomization file (kept as it is otherwise). */
export function addResource(
  plan: ScaffoldPlan,
  files: SourceFiles,
  kustomization: string,
  entry: string,
): void {
  const text = currentText(plan, files, kustomization);
  if (text === undefined) {
    plan.errors.push(`${kustomization} does not exist`);
    return;
  }
  const cst = new YamlCst(text, kustomization);
  const node = cst.find(0, ["resources"]);
  const doc = files.get(kustomization)?.docs[0]?.value;
  const existing = isMap(doc) && Array.isArray(doc.resources) ? doc.resources : [];
  if (existing.includes(entry)) return;
  if (node?.kind === "seq") cst.append(0, ["resources"], entry);
  else if (node === undefined) {
    // No resources list yet: add one at the end of the file.
    setText(
      plan,
      kustomization,
      `${text}${text.endsWith("\n") || text === "" ? "" : "\n"}resources:\n  - ${entry}\n`,
      `lists ${entry}`,
    );
    return;
  } else {
    plan.errors.push(`${kustomization}: resources is not a block list; add '${entry}' by hand`);
    return;
  }
  setText(plan, kustomization, cst.toString(), `lists ${entry}`);
}

/** Appends a YAML document to a multi-document file. */
export function appendDocument(
  plan: ScaffoldPlan,
  files: SourceFiles,
  file: string,
  doc: KObject,
  indentSeq: boolean,
  what: string,
): void {
  const text = currentText(plan, files, file) ?? "";
  const sep = text === "" ? "" : `${text.endsWith("\n") ? "" : "\n"}---\n`;
  const added = `${sep}${stringify(doc, { indentSeq, lineWidth: 0, aliasDuplicateObjects: false })}`;
  // A CRLF file stays CRLF: one document with other line breaks would show as changed lines.
  setText(plan, file, `${text}${text.includes("\r\n") ? added.replace(/\n/g, "\r\n") : added}`, what);
}

/**
 * A new Flux Kustomization shaped like `template` (a neighbour as written): the same settings
 * (interval, timeouts, prune, wait, source, substituteFrom, decryption, ...), keys in its order,
 * with this app's name, path and dependsOn. App-specific settings are not copied.
 */
export function fluxKustomizationLike(
  template: KObject,
  name: string,
  appPath: string,
  /** Names, or `{name, namespace}` where the dependency lives in another namespace. */
  dependsOn: Array<string | Record<string, YamlValue>>,
): KObject {
  const KEEP = new Set([
    "interval",
    "retryInterval",
    "timeout",
    "prune",
    "wait",
    "force",
    "sourceRef",
    "decryption",
    "serviceAccountName",
    "kubeConfig",
    "postBuild",
    "path",
    "dependsOn",
  ]);
  const spec = isMap(template.spec) ? template.spec : {};
  const md = isMap(template.metadata) ? template.metadata : {};
  const out: Record<string, YamlValue> = {};
  const dotted = typeof spec.path === "string" ? spec.path.startsWith("./") : true;
  const pathValue = dotted ? `./${appPath}` : appPath;
  const deps = dependsOn.map((d) => (typeof d === "string" ? { name: d } : d));
  let placedDeps = false;
  for (const [key, value] of Object.entries(spec)) {
    if (!KEEP.has(key)) continue;
    if (key === "path") {
      out.path = pathValue;
      if (!("dependsOn" in spec) && deps.length > 0) {
        out.dependsOn = deps;
        placedDeps = true;
      }
    } else if (key === "dependsOn") {
      if (deps.length > 0) out.dependsOn = deps;
      placedDeps = true;
    } else if (key === "postBuild") {
      if (isMap(value) && value.substituteFrom !== undefined)
        out.postBuild = { substituteFrom: value.substituteFrom };
    } else {
      out[key] = value;
    }
  }
  if (!("path" in out)) out.path = pathValue;
  if (!placedDeps && deps.length > 0) out.dependsOn = deps;
  const metadata: Record<string, YamlValue> = { name };
  if (typeof md.namespace === "string") metadata.namespace = md.namespace;
  return {
    apiVersion:
      typeof template.apiVersion === "string" ? template.apiVersion : "kustomize.toolkit.fluxcd.io/v1",
    kind: "Kustomization",
    metadata,
    spec: out,
  };
}
