import { SlipwayError } from "../../errors.js";
import type { NameReferenceSpec } from "../builtin-fieldspecs.js";
import { type FieldSpec, fieldSpecSelects, visitFieldPath } from "../fieldspec.js";
import {
  type Gvk,
  gvkSelected,
  isClusterScoped,
  isNamespaceable,
  type ResId,
  resIdString,
  sameNamespace,
} from "../resid.js";
import type { ResMap } from "../resmap.js";
import type { Resource } from "../resource.js";
import { isMap, type YamlMap, type YamlValue } from "../types.js";

/**
 * kustomize's name-reference fix-up: after prefixes, suffixes and hashes changed names,
 * every field that refers to another object by name (per the nameReference table) is
 * rewritten to that object's final name (and namespace, for name+namespace maps).
 */
export function fixNameReferences(resources: ResMap, specs: NameReferenceSpec[]): void {
  const all = resources.resources();
  const filtersOf = referralFilters(specs);
  // Which fields of a resource refer to others depends only on its original kind: one list per
  // kind instead of one per resource (a 116,000-object build held millions of entries).
  const filters = all.map((r) => filtersOf(r.orgId()));
  if (filters.every((f) => f.length === 0)) return;
  // Indexes instead of scans of every resource per reference: a build of thousands of objects
  // in one namespace was quadratic (kustomize is too; its output is what we keep).
  const universe = new Universe(all);
  all.forEach((r, i) => {
    const list = filters[i]!;
    if (list.length === 0) return;
    const candidates = universe.candidatesFor(r);
    for (const { fs, target } of list) {
      // Referrers are chosen by their original kind; the path applies to the current object.
      const ref = new Referrer(r, fs, target, candidates, universe);
      visitFieldPath(r.obj, fs.path, { create: false }, (parent, key) => ref.update(parent, key));
    }
  });
}

interface ReferralFilter {
  fs: FieldSpec;
  target: Gvk;
}

/**
 * referralFilters by table. Tables are never changed once built (transformer-config.ts merges
 * into new ones), and most builds use the builtin one: a run of many builds (a Flux cluster's
 * ~90) chose the fields of each kind from its ~300 specs once per build (~8 ms of a cold check).
 */
const filtersByTable = new WeakMap<NameReferenceSpec[], (gvk: Gvk) => ReferralFilter[]>();

/** The referral fields (in the table's order) of a resource of a given original kind, memoized by kind. */
function referralFilters(specs: NameReferenceSpec[]): (gvk: Gvk) => ReferralFilter[] {
  let filters = filtersByTable.get(specs);
  if (filters === undefined) filtersByTable.set(specs, (filters = referralFiltersOf(specs)));
  return filters;
}

function referralFiltersOf(specs: NameReferenceSpec[]): (gvk: Gvk) => ReferralFilter[] {
  const all: ReferralFilter[] = [];
  for (const spec of specs) {
    const target: Gvk = { group: spec.group ?? "", version: spec.version ?? "", kind: spec.kind };
    for (const fs of spec.fieldSpecs) all.push({ fs, target });
  }
  const byKind = new Map<string, ReferralFilter[]>();
  return (gvk) => {
    const key = `${gvk.group}/${gvk.version}/${gvk.kind}`;
    let list = byKind.get(key);
    if (!list) byKind.set(key, (list = all.filter((f) => fieldSpecSelects(f.fs, gvk))));
    return list;
  };
}

/** Every resource of the build, indexed by the names it had and by namespace. */
class Universe {
  /** Resources by each name they were known by (previous ids), in build order. */
  private readonly byPreviousName = new Map<string, Resource[]>();
  private readonly candidateSets = new Map<string, Candidates>();
  private readonly ids: Map<Resource, ResId>;
  /** Resources of kinds that have no namespace: candidates for every referrer. */
  private readonly clusterWide: Resource[] = [];
  /** Namespaced resources by namespace ("" as "default"), and by namespace as written. */
  private readonly byNamespace = new Map<string, Resource[]>();
  private readonly byWrittenNamespace = new Map<string, Resource[]>();

  constructor(readonly all: Resource[]) {
    this.ids = new Map(all.map((r) => [r, r.curId()]));
    const push = (m: Map<string, Resource[]>, k: string, r: Resource) => {
      const list = m.get(k);
      if (list) list.push(r);
      else m.set(k, [r]);
    };
    for (const [r, id] of this.ids) {
      if (!isNamespaceable(id)) this.clusterWide.push(r);
      else {
        push(this.byNamespace, id.namespace === "" ? "default" : id.namespace, r);
        push(this.byWrittenNamespace, id.namespace, r);
      }
    }
    for (const r of all) {
      const names = new Set(r.previousIds().map((id) => id.name));
      for (const name of names) {
        let list = this.byPreviousName.get(name);
        if (!list) this.byPreviousName.set(name, (list = []));
        list.push(r);
      }
    }
  }

  /** Resources once called `name`, in build order. */
  named(name: string): Resource[] {
    return this.byPreviousName.get(name) ?? [];
  }

  /**
   * kustomize's SubsetThatCouldBeReferencedByResource, shared by every referrer with the same
   * namespace (and RoleBinding subject namespaces).
   */
  candidatesFor(referrer: Resource): Candidates {
    const rid = this.ids.get(referrer) ?? referrer.curId();
    if (!isNamespaceable(rid)) return this.cached("*", () => this.all);
    const bindingNamespaces = new Set<string>();
    if (rid.kind === "RoleBinding" && Array.isArray(referrer.obj.subjects)) {
      for (const s of referrer.obj.subjects) {
        if (isMap(s) && s.kind === "ServiceAccount" && typeof s.namespace === "string")
          bindingNamespaces.add(s.namespace);
      }
    }
    const ns = rid.namespace === "" ? "default" : rid.namespace;
    const bound = [...bindingNamespaces].sort();
    const key = JSON.stringify([ns, bound]);
    // Kinds without a namespace, the referrer's namespace, RoleBinding subjects' namespaces:
    // from the indexes, not a pass over every resource per namespace (a 116,000-object build in
    // 17 namespaces asked 4 million times whether a kind is namespaced).
    return this.cached(key, () => [
      ...this.clusterWide,
      ...(this.byNamespace.get(ns) ?? []),
      ...bound.flatMap((b) => this.byWrittenNamespace.get(b) ?? []),
    ]);
  }

  private cached(key: string, members: () => Resource[]): Candidates {
    let c = this.candidateSets.get(key);
    if (!c) this.candidateSets.set(key, (c = new Candidates(key === "*" ? this.all : members())));
    return c;
  }
}

/** The resources a referrer may point at. */
class Candidates {
  readonly members: Set<Resource>;
  private orgNamespaces?: Set<string>;

  constructor(readonly list: Resource[]) {
    this.members = new Set(list);
  }

  /** Whether some candidate was first loaded in namespace `ns` ("" and "default" alike). */
  hasOriginalNamespace(ns: string): boolean {
    this.orgNamespaces ??= new Set(
      this.list.map((c) => {
        const o = c.orgId().namespace;
        return o === "" ? "default" : o;
      }),
    );
    return this.orgNamespaces.has(ns === "" ? "default" : ns);
  }
}

class Referrer {
  constructor(
    readonly res: Resource,
    readonly fs: FieldSpec,
    readonly target: Gvk,
    readonly candidates: Candidates,
    readonly universe: Universe,
  ) {}

  update(parent: YamlMap | YamlValue[], key: string | number): void {
    const p = parent as Record<string | number, YamlValue>;
    const node = p[key];
    if (node === null || node === undefined) return;
    if (Array.isArray(node)) {
      node.forEach((el, i) => {
        if (isMap(el)) this.setMapping(el);
        else if (el !== null && typeof el !== "object")
          this.setScalar(node as unknown as Record<number, YamlValue>, i);
      });
    } else if (isMap(node)) {
      this.setMapping(node);
    } else {
      this.setScalar(p, key);
    }
  }

  private setScalar(p: Record<string | number, YamlValue>, key: string | number): void {
    const old = String(p[key]);
    const referral = this.select(old, () => true, sameNames);
    if (!referral) return;
    if (referral.name !== old) p[key] = referral.name;
  }

  private setMapping(m: YamlMap): void {
    if (m.name === undefined)
      throw new SlipwayError(`path config error; no 'name' field in node of ${this.res.idString()}`);
    if (m.namespace === null || m.namespace === "") {
      throw new SlipwayError(`Invalid Input: namespace is blank for resource ${this.res.idString()}`);
    }
    let inNamespace: (c: Resource) => boolean = () => true;
    if (m.namespace !== undefined) {
      const ns = String(m.namespace);
      // Grouped by effective namespace: an object without one is in "default".
      inNamespace = this.candidates.hasOriginalNamespace(ns)
        ? (c) => sameNamespace(c.orgId().namespace, ns)
        : (c) => sameNamespace(c.namespace, ns);
    }
    const old = String(m.name);
    const referral = this.select(old, inNamespace, sameNamesAndNamespaces);
    if (!referral) return;
    if (referral.name === old && referral.namespace === "") return;
    m.name = referral.name;
    if (referral.namespace !== "") m.namespace = referral.namespace;
  }

  private select(
    oldName: string,
    admit: (r: Resource) => boolean,
    identical: (rs: Resource[]) => boolean,
  ): Resource | undefined {
    const { members } = this.candidates;
    let c = this.universe.named(oldName).filter((r) => members.has(r) && admit(r));
    c = c.filter((r) => r.previousIds().some((id) => gvkSelected(id, this.target)));
    c = c.filter(this.roleRefFilter());
    c = c.filter(this.sameNamespaceAsReferrer());
    if (c.length === 1) return c[0];
    c = c.filter((r) => samePrefixesSuffixes(r, this.res));
    if (c.length === 1) return c[0];
    if (c.length === 0) return undefined;
    if (identical(c)) return c[0];
    throw new SlipwayError(
      ` found multiple possible referrals: ${c.map((r) => resIdString(r.curId())).join(", ")} (referred to by ${this.res.idString()} in '${this.fs.path}')`,
    );
  }

  private roleRefFilter(): (r: Resource) => boolean {
    if (!this.fs.path.endsWith("roleRef/name")) return () => true;
    const roleRef = this.res.obj.roleRef;
    if (!isMap(roleRef) || roleRef.apiGroup === undefined || roleRef.kind === undefined) return () => true;
    const gvk = { group: String(roleRef.apiGroup), kind: String(roleRef.kind) };
    return (r) => r.previousIds().some((id) => gvkSelected(id, gvk));
  }

  private sameNamespaceAsReferrer(): (r: Resource) => boolean {
    const rid = this.res.curId();
    if (isClusterScoped(rid)) return () => true;
    return (r) => {
      const id: ResId = r.curId();
      if (isClusterScoped(id)) return true;
      if (id.kind === "ServiceAccount") return true;
      return sameNamespace(rid.namespace, id.namespace);
    };
  }
}

function sameNames(rs: Resource[]): boolean {
  return rs.every((r) => r.name === rs[0]!.name);
}
function sameNamesAndNamespaces(rs: Resource[]): boolean {
  return rs.every((r) => r.name === rs[0]!.name && r.namespace === rs[0]!.namespace);
}

/**
 * kustomize's SameEndingSubSlice on both prefix and suffix histories. Every kustomization level
 * records its prefix and suffix, empty ones included, so the histories line up level by level.
 */
function samePrefixesSuffixes(a: Resource, b: Resource): boolean {
  return sameEnding(a.prefixes, b.prefixes) && sameEnding(a.suffixes, b.suffixes);
}

function sameEnding(a: string[], b: string[]): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length === 0) return long.length === 0;
  const off = long.length - short.length;
  return short.every((s, i) => long[off + i] === s);
}
