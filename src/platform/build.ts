/**
 * Building one Flux Kustomization's path as kustomize-controller does (SPEC §2–3): the path
 * secure-joined to the source root, the kustomization file rewritten (or generated) in an
 * overlay, no load restrictions, resources in accumulation order unless the file sets
 * sortOptions. Bases are shared through one BuildCache per run, except the built directory
 * itself, whose kustomization differs per Flux spec.
 */
import * as path from "node:path";
import { SlipwayError } from "../errors.js";
import type { FileSystem } from "../fs/filesystem.js";
import { OverlayFileSystem } from "../fs/overlay.js";
import { buildResourcesWithoutRemote } from "../kustomize/build.js";
import type { Resource } from "../kustomize/resource.js";
import { BuildCache, HelmChartsError, type OmittedRemote } from "../kustomize/target.js";
import type { YamlMap } from "../kustomize/types.js";
import { fluxKustomizationFile } from "./kustomization-file.js";

export interface FluxBuild {
  resources: Resource[];
  /** Absolute directory that was built. */
  dir: string;
  generated: boolean;
  /**
   * Remote `resources:` entries left out (absolute kustomization files): kustomize-controller
   * fetches them, Slipway builds offline. `resources` is then the rest of the build.
   */
  omitted?: OmittedRemote[];
}

/**
 * `securejoin.SecureJoin(root, p)`: a leading `/` is still relative to root and `..` cannot
 * leave it. The result is clean (no trailing `/`), as Go's filepath.Join returns it: a
 * `spec.path` of `./apps/` names the directory `apps` on every FileSystem.
 */
export function secureJoin(root: string, p: string): string {
  const inside = path.posix.normalize(`/${p}`).replace(/\/+$/, "");
  return inside === "" ? root : path.posix.join(root, inside);
}

/**
 * Builds `spec.path` below `sourceRoot` (absolute). `wrapFs` lets decryption serve decrypted
 * generator inputs. Throws SlipwayError with Flux's wording.
 */
export function buildFluxPath(
  fs: FileSystem,
  sourceRoot: string,
  spec: YamlMap,
  cache: BuildCache,
  wrapFs?: (fs: FileSystem, dir: string) => FileSystem,
): FluxBuild {
  const specPath = typeof spec.path === "string" ? spec.path : "";
  const dir = secureJoin(sourceRoot, specPath);
  if (specPath.includes("${")) {
    throw new SlipwayError(
      `kustomization path not found: spec.path '${specPath}' holds a variable that no parent Kustomization substituted`,
    );
  }
  if (!fs.isDirectory(dir)) {
    throw new SlipwayError(`kustomization path not found: '${specPath}' (${dir}) is not a directory`);
  }
  const file = fluxKustomizationFile(fs, dir, spec);
  // The text is printed only when read: by a decryption hook, or for an error naming its line.
  let printed = false;
  const own = new OverlayFileSystem(fs, {
    [file.file]: () => {
      printed = true;
      return file.text;
    },
  });
  const overlay = wrapFs ? wrapFs(own, dir) : own;
  const rootCache = new RootScopedCache(cache, dir);
  // kustomize reads the file Flux wrote, whose reading is the object it was written from,
  // unless a decryption hook (which reads it to find generator inputs) served another file.
  if (
    file.readBack !== undefined &&
    (!printed || overlay.readFile(file.file).equals(own.readFile(file.file)))
  )
    rootCache.readyKustomizations.set(file.file, { value: file.readBack, text: () => file.text });
  let resources: Resource[];
  let omitted: OmittedRemote[];
  try {
    ({ resources, omitted } = buildResourcesWithoutRemote(dir, {
      fs: overlay,
      loadRestrictor: "LoadRestrictionsNone",
      confineTo: sourceRoot,
      cache: rootCache,
      order: file.object.sortOptions === undefined ? "fifo" : "kustomization",
    }));
  } catch (e) {
    // kustomize inflates helmCharts only with --enable-helm, which kustomize-controller never sets.
    if (e instanceof HelmChartsError)
      throw new SlipwayError(
        "helmCharts are not supported by Flux: kustomize-controller builds without --enable-helm, so this Kustomization fails to build; deploy the chart with a HelmRelease",
        { file: e.file },
      );
    if (e instanceof SlipwayError && e.file === file.file && e.line !== undefined && !file.generated)
      throw e.withContext(e.message, {
        file: e.file,
        ...lineInRepository(fs, file.file, file.text, e.line),
      });
    throw e;
  }
  // The built directory's own file is Flux's rewrite of it: its entries' lines are the repository's.
  omitted = omitted.map((o) =>
    o.file === file.file && o.line !== undefined
      ? {
          resource: o.resource,
          file: o.file,
          ...(file.generated ? {} : lineInRepository(fs, file.file, file.text, o.line)),
          ...(o.generated !== undefined ? { generated: o.generated } : {}),
        }
      : o,
  );
  return { resources, dir, generated: file.generated, ...(omitted.length > 0 ? { omitted } : {}) };
}

/**
 * A line of the rewritten kustomization file (an entry kustomize reported) as a line of the file
 * in the repository: the first line there that reads the same; none when no line does.
 */
function lineInRepository(fs: FileSystem, file: string, rewritten: string, line: number): { line?: number } {
  const wanted = rewritten.split("\n")[line - 1]?.trim();
  if (!wanted) return {};
  let original: string;
  try {
    original = fs.readFile(file).toString("utf8");
  } catch {
    return {};
  }
  const bare = (l: string) =>
    l
      .replace(/\s+#.*$/, "")
      .replace(/["']/g, "")
      .trim();
  const i = original.split("\n").findIndex((l) => bare(l) === bare(wanted));
  return i < 0 ? {} : { line: i + 1 };
}

/** Shares a run's base builds and parsed kustomizations, but keeps the root's rewritten file private. */
class RootScopedCache extends BuildCache {
  override readonly bases: BuildCache["bases"];
  override readonly kustomizations: BuildCache["kustomizations"];
  constructor(shared: BuildCache, root: string) {
    super();
    this.bases = shared.bases;
    this.kustomizations = new MapExceptKey(shared.kustomizations, root);
  }
}

/** A view of a shared map in which one key is private to this view. */
class MapExceptKey<V> extends Map<string, V> {
  private own: V | undefined;
  private hasOwn = false;
  constructor(
    private readonly shared: Map<string, V>,
    private readonly key: string,
  ) {
    super();
  }
  override get(k: string): V | undefined {
    if (k === this.key) return this.own;
    return this.shared.get(k);
  }
  override has(k: string): boolean {
    return k === this.key ? this.hasOwn : this.shared.has(k);
  }
  override set(k: string, v: V): this {
    if (k === this.key) {
      this.own = v;
      this.hasOwn = true;
    } else {
      this.shared.set(k, v);
    }
    return this;
  }
}
