/**
 * An idle step (src/idle-work.ts) of a cold check: while the render pool's main thread renders
 * beside a worker or waits for its last renders, the validators of the kinds rendered so far
 * (the Flux builds' objects, which the schema rules validate) get ready — kubernetes-models' schema
 * modules loaded (loadBuiltinValidator), Flux's vendored schemas compiled (fluxKinds) — instead
 * of at the schema rules' first object of each kind, at the end of the run with the worker idle
 * (a cold check of bjw-s home-ops: ~35 ms of loading and ~10 of compiling). What the rules then
 * validate with is the same: the loader compiles a module once and the Flux kinds are shared;
 * a kind that a CRD of the cluster defines is checked against that CRD, as before, and only
 * loaded here for nothing.
 */
import type { KObject } from "../../kustomize/types.js";
import { loadBuiltinValidator } from "./builtin.js";
import { compiledVersion } from "./crd.js";
import { fluxKinds, splitApiVersion } from "./validator.js";

/** Lists of rendered objects; a list may grow, or another one come, between steps. */
export type RenderedLists = () => Iterable<ReadonlyArray<{ object: KObject }>>;

let source: RenderedLists | undefined;
/** How many objects of each list were looked at. */
let scanned = new WeakMap<object, number>();
/** `apiVersion\0kind` of every kind met (each is readied once). */
const met = new Set<string>();
const pending: Array<{ apiVersion: string; kind: string }> = [];

/**
 * Readies the validators of the kinds in `lists` (undefined: none; the lists are let go), a kind
 * per step (preloadValidatorStep).
 */
export function preloadValidatorsOf(lists: RenderedLists | undefined): void {
  source = lists;
  scanned = new WeakMap();
  if (lists !== undefined) return;
  // Kinds left waiting are met again by a later run's lists.
  for (const { apiVersion, kind } of pending) met.delete(`${apiVersion}\u0000${kind}`);
  pending.length = 0;
}

/** One kind readied; false when no kind is waiting (new renders may bring more later). */
export function preloadValidatorStep(): boolean {
  if (pending.length === 0 && source !== undefined) findKinds(source);
  const next = pending.shift();
  if (next === undefined) return false;
  ready(next.apiVersion, next.kind);
  return true;
}

function findKinds(lists: RenderedLists): void {
  for (const list of lists()) {
    const from = scanned.get(list) ?? 0;
    if (from === list.length) continue;
    scanned.set(list, list.length);
    for (let i = from; i < list.length; i++) {
      const { apiVersion, kind } = list[i]!.object;
      if (typeof apiVersion !== "string" || typeof kind !== "string") continue;
      const key = `${apiVersion}\u0000${kind}`;
      if (met.has(key)) continue;
      met.add(key);
      pending.push({ apiVersion, kind });
    }
  }
}

function ready(apiVersion: string, kind: string): void {
  const { group, version: name } = splitApiVersion(apiVersion);
  const flux = fluxKinds().get(`${group}/${kind}`);
  try {
    if (flux === undefined) loadBuiltinValidator(apiVersion, kind);
    else {
      const version = flux.versions.get(name);
      if (version !== undefined) compiledVersion(version);
    }
  } catch {
    // The schema rules meet the same error when they load it, and report it there.
  }
}
