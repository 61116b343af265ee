import { SlipwayError } from "../../errors.js";
import { type FieldSpec, fieldSpecSelects, visitFieldPath } from "../fieldspec.js";
import { isClusterScoped, resIdEquals, resIdString } from "../resid.js";
import type { ResMap } from "../resmap.js";
import { isMap } from "../types.js";

export type RoleBindingSubjectMode = "defaultOnly" | "allServiceAccounts" | "none";

export interface NamespaceOptions {
  namespace: string;
  fieldSpecs: FieldSpec[];
  /** Only set namespaces that are empty (kustomize's unsetOnly). */
  unsetOnly?: boolean;
  setRoleBindingSubjects?: RoleBindingSubjectMode;
}

/** kustomize's NamespaceTransformer: metadata.namespace of namespaced kinds, plus the field-spec table. */
export function applyNamespace(resources: ResMap, opts: NamespaceOptions): void {
  const ns = opts.namespace;
  if (ns === "") return;
  const specs = opts.fieldSpecs.filter((fs) => fs.path !== "metadata/namespace");
  const setter = (parent: Record<string, unknown> | unknown[], key: string | number) => {
    const p = parent as Record<string | number, unknown>;
    if (opts.unsetOnly && p[key] !== undefined && p[key] !== null && p[key] !== "") return;
    p[key] = ns;
  };
  for (const r of resources.resources()) {
    if (r.isEmpty()) continue;
    r.storePreviousId();
    const gvk = r.gvk();
    if (!isClusterScoped(gvk)) {
      const md = r.ensureMetadata();
      if (!(opts.unsetOnly && typeof md.namespace === "string" && md.namespace !== "")) md.namespace = ns;
    }
    const isBinding = gvk.kind === "RoleBinding" || gvk.kind === "ClusterRoleBinding";
    if (isBinding) setSubjectNamespaces(r.obj, ns, opts.setRoleBindingSubjects ?? "defaultOnly");
    for (const fs of specs) {
      if (!fieldSpecSelects(fs, gvk)) continue;
      if (isBinding && fs.path === "subjects") continue;
      // Only the core Namespace kind is renamed to the target namespace.
      if (fs.path === "metadata/name" && gvk.kind === "Namespace" && gvk.group !== "") continue;
      visitFieldPath(
        r.obj,
        fs.path,
        { create: fs.create, createLeaf: "scalar", describe: r.idString() },
        setter,
      );
    }
    const id = r.curId();
    const same = resources.byCurrentId((x) => resIdEquals(x, id));
    if (same.length !== 1) {
      throw new SlipwayError(
        `namespace transformation produces ID conflict: ${same.map((x) => resIdString(x.curId())).join(", ")}`,
      );
    }
  }
}

function setSubjectNamespaces(obj: Record<string, unknown>, ns: string, mode: RoleBindingSubjectMode): void {
  if (mode === "none") return;
  const subjects = obj.subjects;
  if (!Array.isArray(subjects)) return;
  for (const s of subjects) {
    if (!isMap(s)) continue;
    if (mode === "defaultOnly" && s.name !== "default") continue;
    if (mode === "allServiceAccounts" && s.kind !== "ServiceAccount") continue;
    s.namespace = ns;
  }
}
