import { SlipwayError } from "../errors.js";
import { isNamespaceable, type ResId, resIdEquals, resIdString } from "./resid.js";
import type { Resource } from "./resource.js";
import { isMap } from "./types.js";

export type IdMatcher = (id: ResId) => boolean;

/**
 * The ordered list of resources one kustomization accumulates (kustomize's resWrangler).
 * Order is insertion order; ids must be unique by current id.
 */
export class ResMap {
  private list: Resource[] = [];

  constructor(resources: Resource[] = []) {
    this.appendAll(resources);
  }

  get size(): number {
    return this.list.length;
  }
  resources(): Resource[] {
    return [...this.list];
  }
  [Symbol.iterator](): Iterator<Resource> {
    return this.list[Symbol.iterator]();
  }

  append(r: Resource): void {
    const id = r.curId();
    if (this.list.some((x) => resIdEquals(x.curId(), id))) {
      throw new SlipwayError(`may not add resource with an already registered id: ${resIdString(id)}`);
    }
    this.list.push(r);
  }
  /**
   * Appends many at once; ids are indexed once per call rather than scanned per resource. All or
   * nothing: on a conflict the map is left as it was, so that a caller replaying the batch file by
   * file (to name the offending file, as kustomize does) does not meet its own half-added resources.
   */
  appendAll(rs: Iterable<Resource>): void {
    const seen = new Set<string>();
    for (const x of this.list) seen.add(idKey(x.curId()));
    const added: Resource[] = [];
    for (const r of rs) {
      const id = r.curId();
      const key = idKey(id);
      if (seen.has(key)) {
        throw new SlipwayError(`may not add resource with an already registered id: ${resIdString(id)}`);
      }
      seen.add(key);
      added.push(r);
    }
    for (const r of added) this.list.push(r);
  }
  /** Replaces the whole content, keeping no id checks (used after filters that rebuild the list). */
  reset(rs: Resource[]): void {
    this.list = [];
    this.appendAll(rs);
  }
  remove(r: Resource): void {
    const i = this.list.indexOf(r);
    if (i >= 0) this.list.splice(i, 1);
  }
  replaceAt(old: Resource, r: Resource): void {
    const i = this.list.indexOf(old);
    if (i < 0) throw new SlipwayError(`internal: resource ${r.idString()} not in map`);
    this.list[i] = r;
  }
  indexOf(r: Resource): number {
    return this.list.indexOf(r);
  }

  byCurrentId(match: IdMatcher): Resource[] {
    return this.list.filter((r) => match(r.curId()));
  }
  byOriginalId(match: IdMatcher): Resource[] {
    return this.list.filter((r) => match(r.orgId()));
  }
  /** Matches the current id or any previous one. */
  byAnyId(match: IdMatcher): Resource[] {
    return this.list.filter((r) => match(r.curId()) || r.previousIds().some(match));
  }

  /** The unique resource with this id among current and previous ids (kustomize's GetById). */
  getById(id: ResId): Resource {
    const m = this.byAnyId((x) => resIdEquals(x, id));
    if (m.length === 1) return m[0]!;
    const s = resIdString(id);
    if (m.length === 0)
      throw new SlipwayError(`no matches for Id ${s}; failed to find unique target for patch ${s}`);
    throw new SlipwayError(`multiple matches for Id ${s}; failed to find unique target for patch ${s}`);
  }

  clone(): ResMap {
    const m = new ResMap();
    m.list = this.list.map((r) => r.clone());
    return m;
  }
}

/** Equal keys exactly when resIdEquals holds ("" and "default" namespaces are the same). */
function idKey(id: ResId): string {
  return `${id.group}\0${id.version}\0${id.kind}\0${id.name}\0${id.namespace === "" ? "default" : id.namespace}`;
}

/** kustomize's EffectiveNamespace: cluster-scoped kinds have none, empty means "default". */
export function effectiveNamespace(id: { group: string; kind: string; namespace: string }): string {
  if (!isNamespaceable(id)) return "_non_namespaceable_";
  return id.namespace === "" ? "default" : id.namespace;
}

export function hasMetadataName(r: Resource): boolean {
  return isMap(r.obj.metadata) && r.name !== "";
}
