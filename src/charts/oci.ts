/**
 * Charts from OCI registries over the distribution API (OCI distribution-spec v1.1), as Helm
 * v4.1.4 pkg/registry pulls them: the manifest of `<repository>:<tag>`, then its chart layer
 * (`application/vnd.cncf.helm.chart.content.v1.tar+gzip`, or the legacy `application/tar+gzip`),
 * verified against the layer digest. Tags carry "+" as "_" (Helm's convention, pkg/registry
 * tag.go). Auth follows the registry's `WWW-Authenticate` challenge: Bearer (a token from the
 * realm for `repository:<name>:pull`, anonymous or with basic credentials) or Basic.
 */
import { createHash } from "node:crypto";
import { redactUrl } from "../url-credentials.js";
import type { Credentials } from "./credentials.js";
import { FetchError, type HttpOptions, type HttpResponse, httpRequest, statusError } from "./http.js";

export const CHART_LAYER_MEDIA_TYPE = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
const LEGACY_CHART_LAYER_MEDIA_TYPE = "application/tar+gzip";
const MANIFEST_ACCEPT = [
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

export interface OciLocation {
  /** host[:port] */
  registry: string;
  /** repository path inside the registry, e.g. "stefanprodan/charts/podinfo" */
  repository: string;
  /** http instead of https (Flux `spec.insecure: true`, helm `--plain-http`). */
  plainHttp: boolean;
}

/** "oci://host:5000/a/b" → { registry: "host:5000", repository: "a/b" }. */
export function parseOciUrl(url: string, plainHttp = false): OciLocation {
  const m = /^oci:\/\/([^/]+)\/(.+?)\/*$/i.exec(url.trim());
  if (!m) throw new FetchError("INVALID", `'${redactUrl(url)}' is not an oci://REGISTRY/REPOSITORY URL`);
  return { registry: m[1]!.toLowerCase(), repository: m[2]!, plainHttp };
}

export const tagOf = (version: string): string => version.replace(/\+/g, "_");
export const versionOfTag = (tag: string): string => tag.replace(/_/g, "+");

export class OciClient {
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly http: HttpOptions,
    /** Credentials for a registry host, if any. */
    private readonly credentialsFor: (registry: string) => Credentials | undefined,
  ) {}

  /** Every tag of the repository (following `Link: rel="next"` pages), as listed. */
  async tags(loc: OciLocation): Promise<string[]> {
    const out: string[] = [];
    let next: string | undefined = `/v2/${loc.repository}/tags/list`;
    for (let page = 0; next && page < 1000; page++) {
      const res = await this.get(loc, next, {});
      if (res.status !== 200) throw statusError(res, `listing the tags of ${loc.registry}/${loc.repository}`);
      const body = parseJson(res, "tag list") as { tags?: unknown };
      if (Array.isArray(body.tags)) for (const t of body.tags) if (typeof t === "string") out.push(t);
      next = nextLink(res.headers.get("link"));
    }
    return out;
  }

  /** The chart archive at `reference` (a tag, or a manifest digest "sha256:…"). */
  async pullChart(
    loc: OciLocation,
    reference: string,
  ): Promise<{ bytes: Uint8Array; manifestDigest: string }> {
    const what = `${loc.registry}/${loc.repository}${reference.startsWith("sha256:") ? "@" : ":"}${reference}`;
    const res = await this.get(loc, `/v2/${loc.repository}/manifests/${reference}`, {
      accept: MANIFEST_ACCEPT,
    });
    if (res.status === 404)
      throw new FetchError("NOT_FOUND", `${what} not found in the registry`, res.url, 404);
    if (res.status !== 200) throw statusError(res, `fetching the manifest of ${what}`);
    const manifestDigest = `sha256:${createHash("sha256").update(res.body).digest("hex")}`;
    if (reference.startsWith("sha256:") && reference !== manifestDigest) {
      throw new FetchError("INVALID", `manifest of ${what} has digest ${manifestDigest}`, res.url);
    }
    const manifest = parseJson(res, "manifest") as { layers?: unknown; mediaType?: unknown };
    const layers = Array.isArray(manifest.layers) ? (manifest.layers as Array<Record<string, unknown>>) : [];
    const layer =
      layers.find((l) => l.mediaType === CHART_LAYER_MEDIA_TYPE) ??
      layers.find((l) => l.mediaType === LEGACY_CHART_LAYER_MEDIA_TYPE);
    if (!layer || typeof layer.digest !== "string") {
      const kinds = layers.map((l) => String(l.mediaType)).join(", ") || String(manifest.mediaType ?? "none");
      throw new FetchError(
        "INVALID",
        `${what} is not a Helm chart (no ${CHART_LAYER_MEDIA_TYPE} layer; found ${kinds})`,
      );
    }
    const blob = await this.get(loc, `/v2/${loc.repository}/blobs/${layer.digest}`, {});
    if (blob.status !== 200) throw statusError(blob, `downloading the chart layer of ${what}`);
    const actual = `sha256:${createHash("sha256").update(blob.body).digest("hex")}`;
    if (actual !== layer.digest) {
      throw new FetchError(
        "INVALID",
        `chart layer of ${what} has digest ${actual}, the manifest says ${layer.digest}`,
      );
    }
    return { bytes: blob.body, manifestDigest };
  }

  /** A GET that answers the registry's auth challenge once. */
  private async get(
    loc: OciLocation,
    pathAndQuery: string,
    headers: Record<string, string>,
  ): Promise<HttpResponse> {
    const base = `${loc.plainHttp ? "http" : "https"}://${loc.registry}`;
    const url = base + pathAndQuery;
    const scope = `repository:${loc.repository}:pull`;
    const tokenKey = `${loc.registry} ${scope}`;
    const cached = this.tokens.get(tokenKey);
    const withAuth = (auth: string | undefined) => (auth ? { ...headers, authorization: auth } : headers);
    let res = await httpRequest(url, { headers: withAuth(cached) }, this.http);
    if (res.status !== 401) return res;
    const challenge = parseChallenge(res.headers.get("www-authenticate") ?? "");
    const creds = this.credentialsFor(loc.registry);
    let auth: string | undefined;
    if (challenge?.scheme === "bearer") {
      auth = `Bearer ${await this.token(challenge.params, scope, creds)}`;
    } else if (challenge?.scheme === "basic" && creds) {
      auth = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString("base64")}`;
    } else {
      throw new FetchError(
        "AUTH",
        `${loc.registry} requires authentication and no credentials were found (secretRef, docker login or helm registry login)`,
        url,
        401,
      );
    }
    this.tokens.set(tokenKey, auth);
    res = await httpRequest(url, { headers: withAuth(auth) }, this.http);
    if (res.status === 401 || res.status === 403) {
      const who = creds ? `the credentials from ${creds.from}` : "anonymous access";
      throw new FetchError("AUTH", `${loc.registry} refused ${who} (HTTP ${res.status})`, url, res.status);
    }
    return res;
  }

  private async token(
    params: Record<string, string>,
    scope: string,
    creds: Credentials | undefined,
  ): Promise<string> {
    const realm = params.realm;
    if (!realm) throw new FetchError("AUTH", "the registry's Bearer challenge names no realm");
    const u = new URL(realm);
    if (params.service) u.searchParams.set("service", params.service);
    u.searchParams.set("scope", params.scope ?? scope);
    const headers: Record<string, string> = creds
      ? { authorization: `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString("base64")}` }
      : {};
    const res = await httpRequest(u.toString(), { headers }, this.http);
    if (res.status === 401 || res.status === 403) {
      const who = creds ? `the credentials from ${creds.from}` : "anonymous access (no credentials found)";
      throw new FetchError(
        "AUTH",
        `the token service ${u.origin} refused ${who} (HTTP ${res.status})`,
        u.toString(),
        res.status,
      );
    }
    if (res.status !== 200) throw statusError(res, "requesting a registry token");
    const body = parseJson(res, "token response") as { token?: unknown; access_token?: unknown };
    const token = typeof body.token === "string" ? body.token : body.access_token;
    if (typeof token !== "string" || token === "")
      throw new FetchError("AUTH", "the token service returned no token");
    return token;
  }
}

/** `Bearer realm="…",service="…",scope="…"` → { scheme: "bearer", params }. */
export function parseChallenge(
  header: string,
): { scheme: string; params: Record<string, string> } | undefined {
  const m = /^\s*(\w+)\s*(.*)$/.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (let p = re.exec(m[2]!); p; p = re.exec(m[2]!)) {
    params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, "$1") : p[3]!;
  }
  return { scheme: m[1]!.toLowerCase(), params };
}

function nextLink(link: string | null): string | undefined {
  if (!link) return undefined;
  const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(link);
  if (!m) return undefined;
  const target = m[1]!;
  // Relative to the registry root, or absolute on the same registry.
  return target.startsWith("/") ? target : new URL(target).pathname + new URL(target).search;
}

function parseJson(res: HttpResponse, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(res.body).toString("utf8"));
  } catch {
    throw new FetchError("INVALID", `the registry's ${what} is not JSON`, res.url);
  }
}
