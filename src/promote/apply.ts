/**
 * applyEdits(): a promotion's edits to one file's text, through the CST only (see
 * src/yaml/cst-edit.ts), so the result differs from the input in the edited fields and
 * nowhere else. Edits inside an inline patch edit the YAML held by its block scalar, then
 * set that scalar, keeping its block style.
 */
import { YamlCst } from "../yaml/cst-edit.js";
import type { Edit, PromotionPlan } from "./model.js";

export function applyEdits(text: string, edits: readonly Edit[], file = "<input>"): string {
  if (edits.length === 0) return text;
  const cst = new YamlCst(text, file);
  const nested = new Map<string, Edit[]>();
  // A value read through an alias (`image: *app`) is set where its anchor is: the same edit
  // planned for the anchor and for each alias is then made once.
  const direct = edits.map((e) => {
    const to = e.op === "set" && !e.inner ? cst.aliasTarget(e.doc, e.path) : undefined;
    return to ? { ...e, path: to } : e;
  });
  for (const e of unique(direct)) {
    if (e.inner) {
      const key = JSON.stringify([e.doc, e.path]);
      nested.set(key, [...(nested.get(key) ?? []), e]);
      continue;
    }
    applyOne(cst, e, e.doc, e.path);
  }
  for (const group of nested.values()) {
    const outer = group[0]!;
    const node = cst.find(outer.doc, outer.path);
    if (node?.kind !== "scalar") throw new Error(`${file}: ${outer.path.join(".")} is not an inline patch`);
    const inner = new YamlCst(node.value, file);
    for (const e of group) applyOne(inner, e, e.inner!.doc, e.inner!.path);
    cst.set(outer.doc, outer.path, inner.toString());
  }
  return cst.toString();
}

function applyOne(cst: YamlCst, e: Edit, doc: number, path: Edit["path"]): void {
  if (e.op === "set") cst.set(doc, path, e.value);
  else if (e.op === "insert") cst.insert(doc, path, e.key, e.value, e.after);
  else cst.remove(doc, path);
}

/** The same edit planned for two versions (one images entry for two containers) is made once. */
function unique(edits: readonly Edit[]): Edit[] {
  const seen = new Set<string>();
  return edits.filter((e) => {
    const key = JSON.stringify([e.op, e.doc, e.path, e.inner ?? null, e.op === "insert" ? e.key : null]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Every edited file's new text. `read` returns a repository-relative file's current text. */
export function applyPlan(
  plan: PromotionPlan,
  read: (file: string) => string,
  app?: string,
): Map<string, string> {
  const byFile = new Map<string, Edit[]>();
  for (const a of plan.apps) {
    if (app !== undefined && a.app !== app) continue;
    for (const c of a.changes)
      for (const e of c.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  }
  const out = new Map<string, string>();
  for (const [file, edits] of [...byFile.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    out.set(file, applyEdits(read(file), edits, file));
  }
  return out;
}
