/**
 * `postBuild.substituteFrom` sources that only a Kustomization's own descendants make
 * (rwlove/home-ops: `cluster-secrets` is an ExternalSecret two levels below `cluster-apps`,
 * which reads it). On a new cluster kustomize-controller fails the reader until the source
 * exists; once it does (made by the bootstrap, by hand, or applied by an earlier revision),
 * every reconciliation finds it and the cluster converges. Slipway renders the converged
 * cluster, in two passes:
 * 1. the probe: a Kustomization that can only go on once a missing source exists reads an empty
 *    stand-in instead (its variables unknown, so substituted non-strictly), so that what it
 *    applies renders and may make the source;
 * 2. if it did, the cluster again, with each source as the probe saw it made present from the
 *    start (as the converged cluster has it) and a note on each Kustomization that reads one.
 * A source the probe never saw made fails its readers in pass 2 as it always did. The probe also
 * looks for a webhook that adds variables to every Kustomization (admission-variables.ts): pass 2
 * then substitutes knowing that some are unknown.
 */
import type { KObject } from "../kustomize/types.js";
import type { SubstitutionWebhook } from "./admission-variables.js";

/** A source made in the probe: the object as applied, and who makes it. */
interface Made {
  object: KObject;
  /** The Flux Kustomization whose output holds it (`namespace/name`). */
  by: string;
  /** The Kustomizations that apply `by`, nearest first. */
  ancestors: string[];
  /** The object of the repository that makes it (`ExternalSecret ns/name`), for a produced Secret. */
  producer?: string;
}

/** What a reader of a source present from the start is told. */
export interface SeedNote {
  kind: "ConfigMap" | "Secret";
  namespace: string;
  name: string;
  made: Made;
}

export class Convergence {
  private readonly standIns = new WeakSet<KObject>();
  /** Pool key → the Kustomization the probe stood in for it for. */
  private readonly stoodIn = new Map<string, string>();
  /**
   * Pool key → the Kustomizations that skipped it, an optional source nothing had made: Flux
   * skips it as absent on a new cluster, and reads it once it exists.
   */
  private readonly skipped = new Map<string, Set<string>>();
  private readonly made = new Map<string, Made>();
  private readonly seeded = new WeakMap<KObject, Made>();
  /** Found by the probe: variables Slipway cannot know reach every Kustomization. */
  webhook?: SubstitutionWebhook;
  /**
   * Whether emberstack reflector's copies exist (load.ts ClusterState.reflectorRuns): assumed
   * while rendering, as a cluster that runs it has them from the start; "absent" for the render
   * again when the assumption made copies and nothing of the cluster runs reflector (or may).
   */
  readonly reflector: "assumed" | "absent";
  /** Reflector is installed, or may be (a part not rendered), as the render saw. */
  reflectorSeen = false;
  /** The render made a reflector copy under the assumption. */
  reflectorCopied = false;

  private constructor(
    /** Pass 1: stand in for missing sources. */
    readonly probing: boolean,
    /** Pass 2: sources present from the start, by pool key. */
    readonly seeds: ReadonlyMap<string, Made>,
    webhook?: SubstitutionWebhook,
    reflector: "assumed" | "absent" = "assumed",
  ) {
    this.reflector = reflector;
    if (webhook) this.webhook = webhook;
    for (const made of seeds.values()) this.seeded.set(made.object, made);
  }

  static probe(reflector: "assumed" | "absent" = "assumed"): Convergence {
    return new Convergence(true, new Map(), undefined, reflector);
  }

  /** The render must be done again without reflector's copies: it assumed them for nothing. */
  reflectorAbsent(): boolean {
    return this.reflector === "assumed" && this.reflectorCopied && !this.reflectorSeen;
  }

  /** Pass 2 after `probe`, or undefined when the probe stood in for nothing (it was the real render). */
  static after(probe: Convergence): Convergence | undefined {
    if (probe.stoodIn.size === 0 && probe.made.size === 0 && !probe.webhook) return undefined;
    return new Convergence(false, probe.made, probe.webhook, probe.reflector);
  }

  /** Pass 2 again (with another controller profile): the same sources from the start. */
  again(): Convergence {
    return new Convergence(false, this.seeds, this.webhook, this.reflector);
  }

  /** The probe stood in for a source: what it renders now is discarded after it. */
  provisional(): boolean {
    return this.probing && this.stoodIn.size > 0;
  }

  /** An empty source standing in for `kind namespace/name`, which `reader` needs, in the probe. */
  standIn(
    key: string,
    kind: "ConfigMap" | "Secret",
    namespace: string,
    name: string,
    reader: string,
  ): KObject {
    const obj: KObject = { apiVersion: "v1", kind, metadata: { name, namespace } };
    this.standIns.add(obj);
    if (!this.stoodIn.has(key)) this.stoodIn.set(key, reader);
    return obj;
  }

  /** In the probe, `reader` skips the optional source `key`, which nothing has made yet. */
  skip(key: string, reader: string): void {
    let readers = this.skipped.get(key);
    if (!readers) this.skipped.set(key, (readers = new Set()));
    readers.add(reader);
  }

  /** A stand-in or a seed: what the repository's own object replaces once applied. */
  replaceable(obj: KObject): boolean {
    return this.standIns.has(obj) || this.seeded.has(obj);
  }

  /** The probe saw `by` apply (or make) a source it had stood in for. */
  applied(key: string, object: KObject, by: string, ancestors: string[], producer?: string): void {
    // What the reader applies itself it reads from its own output (load.ts settingsFromOwnOutput).
    const reader = this.stoodIn.get(key);
    const readers = this.skipped.get(key);
    const other = (reader !== undefined && reader !== by) || [...(readers ?? [])].some((r) => r !== by);
    if (this.probing && other && !this.made.has(key))
      this.made.set(key, { object, by, ancestors, ...(producer ? { producer } : {}) });
  }

  /** Who makes `obj`, when it is a source present from the start. */
  seedOf(obj: KObject): Made | undefined {
    return this.seeded.get(obj);
  }
}

/** The note for Kustomization `reader`, which reads a source present from the start. */
export function seedNotice(reader: string, note: SeedNote): string {
  const { made } = note;
  const what = `${note.kind} ${note.namespace}/${note.name}`;
  const self = made.by === reader;
  const applier = self
    ? "only it applies"
    : `${made.ancestors.includes(reader) ? "its descendant " : ""}Kustomization ${made.by}`;
  const who = made.producer
    ? `which ${made.producer} of ${self ? "its own output" : applier} makes`
    : self
      ? `which ${applier}`
      : `which ${applier} applies`;
  const placeholders =
    note.kind === "Secret" && made.producer ? ", with a placeholder for each key's value" : "";
  return `Kustomization ${reader} substitutes variables from ${what}, ${who}: read as the cluster has it once Flux has converged${placeholders} (a new cluster needs it created first, by the bootstrap, or Flux fails this Kustomization${self ? "" : ", and all it applies,"} until it exists)`;
}
