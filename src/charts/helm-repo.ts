/**
 * A HelmRepository of type default: `<url>/index.yaml`, then the archive its entry points at.
 * Behaviour from Helm v4.1.4 pkg/repo/v1 (index.go `IndexFile`, chartrepo.go
 * `ResolveReferenceURL`: a relative chart URL resolves against the repository URL with a trailing
 * "/" and keeps the repository URL's query) and Flux source-controller's chart_repository.go
 * (credentials go to the archive only on the repository's own host unless `passCredentials`).
 */

import { redactUrl } from "../url-credentials.js";
import { parseYaml } from "../yaml/index.js";
import { authorizationHeader, type Credentials } from "./credentials.js";
import { FetchError, type HttpOptions, httpRequest, splitUserinfo, statusError } from "./http.js";

export interface IndexEntry {
  version: string;
  urls: string[];
  digest?: string;
  created?: string;
}

export type RepoIndex = Map<string, IndexEntry[]>;

export function indexUrl(repoUrl: string): string {
  const u = new URL(repoUrl);
  u.pathname = `${u.pathname.replace(/\/+$/, "")}/index.yaml`;
  return u.toString();
}

/** Parses index.yaml (`apiVersion: v1`, `entries: {name: [{version, urls, digest, created}]}`). */
export function parseIndex(text: string, url: string): RepoIndex {
  let raw: unknown;
  try {
    raw = parseYaml(text, url);
  } catch (e) {
    throw new FetchError(
      "INVALID",
      `index.yaml at ${redactUrl(url)} is not valid YAML: ${(e as Error).message}`,
      url,
    );
  }
  const entries = (raw as { entries?: unknown } | null)?.entries;
  if (entries === null || typeof entries !== "object" || Array.isArray(entries)) {
    throw new FetchError("INVALID", `index.yaml at ${redactUrl(url)} has no 'entries' map`, url);
  }
  const out: RepoIndex = new Map();
  for (const [name, list] of Object.entries(entries as Record<string, unknown>)) {
    if (!Array.isArray(list)) continue;
    const versions: IndexEntry[] = [];
    for (const e of list) {
      if (e === null || typeof e !== "object") continue;
      const m = e as Record<string, unknown>;
      if (m.version === undefined || m.version === null) continue;
      versions.push({
        version: String(m.version),
        urls: Array.isArray(m.urls) ? m.urls.map(String) : [],
        digest: typeof m.digest === "string" ? m.digest : undefined,
        created: typeof m.created === "string" ? m.created : undefined,
      });
    }
    // Flux breaks ties between equal versions by `created`, newest first.
    versions.sort((a, b) => (b.created ?? "").localeCompare(a.created ?? ""));
    out.set(name, versions);
  }
  return out;
}

/** helm's ResolveReferenceURL. */
export function resolveChartUrl(repoUrl: string, ref: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) return ref;
  const base = new URL(repoUrl);
  const query = base.search;
  base.pathname = `${base.pathname.replace(/\/+$/, "")}/`;
  base.search = "";
  const resolved = new URL(ref, base);
  resolved.search = query;
  return resolved.toString();
}

export async function fetchIndex(
  repoUrl: string,
  creds: Credentials | undefined,
  http: HttpOptions,
): Promise<RepoIndex> {
  const url = indexUrl(repoUrl);
  const res = await httpRequest(url, { headers: authorizationHeader(creds) }, http);
  if (res.status !== 200) throw statusError(res, "fetching the repository index");
  return parseIndex(Buffer.from(res.body).toString("utf8"), url);
}

export async function fetchArchive(
  repoUrl: string,
  entry: IndexEntry,
  creds: Credentials | undefined,
  passCredentials: boolean,
  http: HttpOptions,
): Promise<Uint8Array> {
  if (entry.urls.length === 0) {
    throw new FetchError("INVALID", `the index entry of version ${entry.version} lists no URLs`);
  }
  const url = resolveChartUrl(repoUrl, entry.urls[0]!);
  const sameHost = new URL(url).host === new URL(repoUrl).host;
  const headers = sameHost || passCredentials ? authorizationHeader(creds) : {};
  // A repository URL's userinfo (sent as Basic auth, http.ts) goes with it to its own host only,
  // as a secretRef's credentials do: a relative archive URL keeps it, an absolute one gets it here.
  const fromUserinfo = splitUserinfo(repoUrl).authorization;
  if (sameHost && creds === undefined && fromUserinfo !== undefined) headers.authorization = fromUserinfo;
  const res = await httpRequest(url, { headers }, http);
  if (res.status !== 200) throw statusError(res, "downloading the chart archive");
  return res.body;
}
