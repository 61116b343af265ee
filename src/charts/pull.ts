/**
 * `slipway charts pull`: the only code in Slipway that fetches charts. For every distinct chart
 * request (see requests.ts) it resolves the version range against the repository's index.yaml or
 * the registry's tag list (as source-controller does, resolve.ts), and downloads the archive when
 * the cache does not already hold it intact. Requests run concurrently (bounded); each ends in
 * its own outcome (cached, pulled, failed with a FetchError code), so one broken repository does
 * not stop the others. Index and tag lists are fetched once per run per location.
 */
import { loadChartArchiveFromBytes } from "../helm/index.js";
import type { ChartMirror } from "../platform/config.js";
import { redactUrl } from "../url-credentials.js";
import { CacheError, type ChartCache, type ChartRef, describeRef, sha256Hex } from "./cache.js";
import { type Credentials, credentialsFromLogins, credentialsFromSecret } from "./credentials.js";
import { fetchArchive, fetchIndex, type IndexEntry, type RepoIndex } from "./helm-repo.js";
import { FetchError, type FetchErrorCode, type HttpOptions } from "./http.js";
import { applyMirrors, fetchRoute, mirroredBy } from "./mirrors.js";
import { OciClient, parseOciUrl, tagOf, versionOfTag } from "./oci.js";
import { type ChartRequest, tagOfVersion, versionsOfTags } from "./requests.js";
import { isExactVersion, resolveVersion } from "./resolve.js";

export interface PullOptions {
  cache: ChartCache;
  http: HttpOptions;
  concurrency: number;
  mirrors: readonly ChartMirror[];
  /** Docker / Helm registry login files to read credentials from. */
  loginFiles: string[];
  /** Re-download even when the cache holds the version. */
  force?: boolean;
  onEvent?: (e: PullEvent) => void;
}

export type PullStatus = "cached" | "pulled" | "failed";

export interface PullOutcome {
  /** The requests (HelmReleases) this chart served. */
  requests: ChartRequest[];
  status: PullStatus;
  ref?: ChartRef;
  digest?: string;
  size?: number;
  /** Where it was fetched from, when a mirror was used. */
  mirror?: string;
  error?: { code: FetchErrorCode | "CACHE" | "CHART"; message: string };
  ms: number;
}

export type PullEvent =
  | { type: "start"; total: number }
  | { type: "done"; outcome: PullOutcome; done: number; total: number };

/** Requests for the same chart location and range are pulled once. */
export function groupRequests(requests: ChartRequest[]): ChartRequest[][] {
  const groups = new Map<string, ChartRequest[]>();
  for (const r of requests) {
    const key = [
      r.kind,
      r.source,
      r.name,
      r.range ?? "",
      r.fixed ?? "",
      r.insecure,
      r.helmTags,
      r.semverFilter ?? "",
      r.secretRef?.name ?? "",
    ].join("\n");
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()];
}

export async function pullCharts(requests: ChartRequest[], opts: PullOptions): Promise<PullOutcome[]> {
  const groups = groupRequests(requests);
  const puller = new Puller(opts);
  const outcomes: PullOutcome[] = new Array(groups.length);
  let next = 0;
  let done = 0;
  opts.onEvent?.({ type: "start", total: groups.length });
  const worker = async () => {
    while (next < groups.length) {
      const i = next++;
      const outcome = await puller.pull(groups[i]!);
      outcomes[i] = outcome;
      opts.onEvent?.({ type: "done", outcome, done: ++done, total: groups.length });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, groups.length)) }, worker));
  return outcomes;
}

class Puller {
  private readonly indexes = new Map<string, Promise<RepoIndex>>();
  private readonly tagLists = new Map<string, Promise<string[]>>();

  constructor(private readonly opts: PullOptions) {}

  async pull(group: ChartRequest[]): Promise<PullOutcome> {
    const req = group[0]!;
    const started = performance.now();
    const out = (o: Omit<PullOutcome, "requests" | "ms">): PullOutcome => ({
      requests: group,
      ms: performance.now() - started,
      ...o,
    });
    try {
      const r = req.kind === "helm" ? await this.pullHelm(req) : await this.pullOci(req);
      return out(r);
    } catch (e) {
      if (e instanceof FetchError)
        return out({ status: "failed", error: { code: e.code, message: e.message } });
      if (e instanceof CacheError)
        return out({ status: "failed", error: { code: "CACHE", message: e.format() } });
      return out({ status: "failed", error: { code: "SERVER", message: (e as Error).message ?? String(e) } });
    }
  }

  /** The cached archive when it is intact, else undefined (a corrupt entry is replaced). */
  private cached(ref: ChartRef): { digest: string; size: number } | undefined {
    if (this.opts.force) return undefined;
    try {
      const bytes = this.opts.cache.getArchive(ref);
      if (!bytes) return undefined;
      return { digest: `sha256:${sha256Hex(bytes)}`, size: bytes.byteLength };
    } catch (e) {
      if (e instanceof CacheError) return undefined;
      throw e;
    }
  }

  private store(refs: ChartRef[], bytes: Uint8Array, what: string): { digest: string; size: number } {
    try {
      loadChartArchiveFromBytes(bytes, what);
    } catch (e) {
      throw new FetchError("INVALID", `${what} is not a loadable Helm chart: ${(e as Error).message}`);
    }
    let digest = "";
    for (const ref of refs) digest = this.opts.cache.putArchive(ref, bytes);
    return { digest, size: bytes.byteLength };
  }

  private credentialsFor(req: ChartRequest, host: string): Credentials | undefined {
    const secret = req.secretRef?.secret;
    if (!secret) return undefined;
    const creds = credentialsFromSecret(
      secret,
      host,
      `Secret ${req.secretRef!.namespace}/${req.secretRef!.name}`,
    );
    if (creds && (creds.password.startsWith("ENC[") || creds.username.startsWith("ENC["))) {
      throw new FetchError(
        "AUTH",
        `Secret ${req.secretRef!.namespace}/${req.secretRef!.name} (secretRef of ${req.via}) is SOPS-encrypted and could not be decrypted here; provide the age key, or log in with docker/helm registry login`,
      );
    }
    return creds;
  }

  private async pullHelm(req: ChartRequest): Promise<Omit<PullOutcome, "requests" | "ms">> {
    const m = applyMirrors(req.source, this.opts.mirrors);
    const creds = sameHost(req.source, m.url) ? this.credentialsFor(req, new URL(m.url).host) : undefined;
    const key = `${m.url}\n${creds?.username ?? ""}`;
    let index = this.indexes.get(key);
    if (!index) {
      index = fetchIndex(m.url, creds, this.opts.http);
      this.indexes.set(key, index);
    }
    const entries = (await index).get(req.name);
    if (!entries || entries.length === 0) {
      throw new FetchError("NOT_FOUND", `chart '${req.name}' is not in the index of ${redactUrl(m.url)}`);
    }
    const versions = entries.map((e) => e.version);
    const through = mirroredBy(req.source, req.name, this.opts.mirrors);
    this.opts.cache.putVersions(req.source, req.name, versions, through);
    const version = pickVersion(req, versions, m.url);
    const ref: ChartRef = { source: req.source, name: req.name, version, ...mirrored(through) };
    const hit = this.cached(ref);
    if (hit) return { status: "cached", ref, ...hit };
    const entry = entries.find((e) => e.version === version) as IndexEntry;
    const bytes = await fetchArchive(m.url, entry, creds, req.passCredentials, this.opts.http);
    if (entry.digest && /^[0-9a-f]{64}$/.test(entry.digest) && sha256Hex(bytes) !== entry.digest) {
      throw new FetchError(
        "INVALID",
        `archive of ${describeRef(ref)} does not match the digest in index.yaml`,
      );
    }
    return {
      status: "pulled",
      ref,
      ...this.store([ref], bytes, describeRef(ref)),
      ...(m.mirror ? { mirror: m.url } : {}),
    };
  }

  private async pullOci(req: ChartRequest): Promise<Omit<PullOutcome, "requests" | "ms">> {
    // The artifact's repository: <url>/<chart> for an OCI HelmRepository, the url for an OCIRepository.
    const location = req.kind === "oci" ? `${req.source}/${req.name}` : req.source;
    const m = applyMirrors(location, this.opts.mirrors);
    const loc = parseOciUrl(m.url, req.insecure || m.insecure);
    const through = fetchRoute(req.source, req.name, this.opts.mirrors, req.insecure);
    // The source's secretRef first, then the person's registry logins (per request: two sources
    // on one registry may carry different secrets).
    const secretCreds = sameHost(location, m.url) ? this.credentialsFor(req, loc.registry) : undefined;
    const oci = new OciClient(
      this.opts.http,
      (host) => secretCreds ?? credentialsFromLogins(host, this.opts.loginFiles),
    );
    let tag: string;
    let version: string;
    if (req.fixed) {
      tag = req.fixed;
      version = req.fixed;
    } else if (req.kind === "oci" && isExactVersion(req.range)) {
      // source-controller's shortcut: an exact version is pulled without listing tags.
      version = req.range!.trim();
      tag = tagOf(version);
    } else {
      const who = req.secretRef ? `${req.secretRef.namespace}/${req.secretRef.name}` : "";
      const key = `${loc.registry}/${loc.repository} ${loc.plainHttp} ${who}`;
      let tags = this.tagLists.get(key);
      if (!tags) {
        tags = oci.tags(loc);
        this.tagLists.set(key, tags);
      }
      const listed = await tags;
      // Stored as listed for an OCIRepository (its ChartRef version is the tag), as versions for
      // a HelmRepository of type oci (its ChartRef version is the chart version).
      let candidates: string[];
      try {
        candidates = versionsOfTags(req, listed);
      } catch (e) {
        throw new FetchError("INVALID", `${req.via}: ref.semverFilter: ${(e as Error).message}`);
      }
      this.opts.cache.putVersions(req.source, req.name, req.kind === "oci" ? candidates : listed, through);
      const picked = pickVersion(req, candidates, m.url);
      tag = tagOfVersion(req, picked);
      version = req.kind === "oci" ? picked : tag;
    }
    const ref: ChartRef = { source: req.source, name: req.name, version, ...mirrored(through) };
    const hit = this.cached(ref);
    if (hit) return { status: "cached", ref, ...hit };
    const { bytes } = await oci.pullChart(loc, tag);
    return {
      status: "pulled",
      ref,
      ...this.store(ociSpellings(req, version, tag, this.opts.mirrors), bytes, describeRef(ref)),
      ...(m.mirror ? { mirror: m.url } : {}),
    };
  }
}

/**
 * Whether `fetched` (the source or its mirror) is on the source's own host. A source's Secret
 * holds credentials for that host: sent to a mirror elsewhere (slipway.yaml `charts.mirrors`,
 * which a pull request may change as it may change anything in the repository) they would go to
 * whoever it names. A mirror that needs credentials takes the person's registry logins, as every
 * other host does. Go's http.Client keeps credentials to their host across redirects for the
 * same reason.
 */
function sameHost(source: string, fetched: string): boolean {
  try {
    return new URL(source).host === new URL(fetched).host;
  } catch {
    return false;
  }
}

/**
 * One OCI artifact has two ChartRef spellings (HelmRepository type oci: repository + chart name +
 * chart version; OCIRepository: the artifact URL + tag); both are stored so either kind of
 * HelmRelease finds it.
 */
function ociSpellings(
  req: ChartRequest,
  version: string,
  tag: string,
  mirrors: readonly ChartMirror[],
): ChartRef[] {
  // Each spelling names the mirrors a render of that spelling looks for: every entry that covers
  // the location fetched covers both.
  const spelling = (source: string, v: string): ChartRef => ({
    source,
    name: req.name,
    version: v,
    ...mirrored(fetchRoute(source, req.name, mirrors, req.insecure)),
  });
  if (req.kind === "oci") return [spelling(req.source, version), spelling(`${req.source}/${req.name}`, tag)];
  const refs: ChartRef[] = [spelling(req.source, version)];
  if (!version.startsWith("sha256:")) {
    const parent = req.source.slice(0, req.source.lastIndexOf("/"));
    refs.push(spelling(parent, versionOfTag(tag)));
  }
  return refs;
}

/** The `mirroredBy` field of a ChartRef, absent for a chart fetched from its source over TLS. */
function mirrored(through: string | undefined): { mirroredBy?: string } {
  return through === undefined ? {} : { mirroredBy: through };
}

function pickVersion(req: ChartRequest, versions: string[], where: string): string {
  let v: string | undefined;
  try {
    v = resolveVersion(req.range, versions);
  } catch (e) {
    throw new FetchError("INVALID", `invalid version range '${req.range}': ${(e as Error).message}`);
  }
  if (v === undefined) {
    const shown = versions.slice(0, 5).join(", ");
    throw new FetchError(
      "NOT_FOUND",
      `no version of '${req.name}' matches '${req.range ?? "*"}' at ${where} (${versions.length} listed${shown ? `: ${shown}${versions.length > 5 ? ", …" : ""}` : ""})`,
    );
  }
  return v;
}
