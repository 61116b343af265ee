/**
 * HTTP for chart fetching: one request with a timeout, retried with exponential backoff on
 * what is worth retrying (5xx, 429, timeouts, connection errors), and every failure turned into
 * a FetchError with a code a person can act on. Helm's getter (pkg/getter/httpgetter.go) and
 * Flux's source-controller retry nothing themselves (the controller requeues); a CLI run in CI
 * has no requeue, so the retries live here.
 */
import { redactUrl, redactUrlsIn } from "../url-credentials.js";

export type FetchErrorCode =
  | "AUTH" // 401/403, or a token request refused
  | "NOT_FOUND" // 404, or the chart/version is not in the index/tag list
  | "TIMEOUT"
  | "NETWORK" // connection refused, DNS, TLS
  | "SERVER" // 5xx after the retries, or another unexpected status
  | "INVALID"; // a response Slipway cannot use (bad index.yaml, manifest without a chart layer, digest mismatch)

export class FetchError extends Error {
  constructor(
    readonly code: FetchErrorCode,
    message: string,
    readonly url?: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "FetchError";
  }
}

export interface HttpOptions {
  /** Per attempt, milliseconds. */
  timeoutMs: number;
  /** Attempts after the first. */
  retries: number;
  /** Delay before the first retry; doubles each time (with ±25% jitter). */
  backoffMs: number;
  /** Injected for tests and for the CLI's user agent. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_HTTP: HttpOptions = { timeoutMs: 30_000, retries: 3, backoffMs: 500 };

export interface HttpResponse {
  status: number;
  headers: Headers;
  url: string;
  body: Uint8Array;
}

const RETRY_STATUS = (s: number) => s >= 500 || s === 429 || s === 408;

/**
 * The largest response read (an index.yaml, a tag list, a manifest, a chart archive). URLs come
 * from the repository's HelmRepository/OCIRepository objects, so a server may answer endlessly;
 * the largest public index.yaml files are a few tens of MB, and archives load up to 100 MiB.
 */
export const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

function tooLarge(url: string): FetchError {
  return new FetchError(
    "INVALID",
    `response larger than ${MAX_RESPONSE_BYTES} bytes (Slipway's limit): ${redactUrl(url)}`,
    url,
  );
}

/** The body, read up to MAX_RESPONSE_BYTES; a longer one is cancelled and is an error. */
async function readBody(res: Response, url: string): Promise<Uint8Array> {
  if (Number(res.headers.get("content-length") ?? 0) > MAX_RESPONSE_BYTES) {
    await res.body?.cancel();
    throw tooLarge(url);
  }
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      throw tooLarge(url);
    }
    chunks.push(value);
  }
  return new Uint8Array(Buffer.concat(chunks, size));
}

/**
 * `url` without its userinfo, and the Basic authorization the userinfo stands for (none without
 * one). fetch refuses a URL with credentials ("Request cannot be constructed from a URL that
 * includes credentials"); Go's http.Client, which Helm and Flux's source-controller use, sends
 * them as Basic auth when the request has no Authorization header of its own, and drops the
 * header on a redirect to another host, as fetch does across origins.
 */
export function splitUserinfo(url: string): { url: string; authorization?: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { url };
  }
  if (u.username === "" && u.password === "") return { url };
  const user = decodeUserinfo(u.username);
  const password = decodeUserinfo(u.password);
  u.username = "";
  u.password = "";
  return {
    url: u.toString(),
    authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`,
  };
}

/** Go's url.User: percent-escapes decoded (a malformed one is kept as written). */
function decodeUserinfo(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

const hasAuthorization = (headers: Record<string, string> | undefined): boolean =>
  headers !== undefined && Object.keys(headers).some((h) => h.toLowerCase() === "authorization");

/**
 * GET (or HEAD) `url`; resolves with any final status (callers decide what 401 or 404 mean),
 * rejects with FetchError only for timeouts and network errors that outlived the retries.
 */
export async function httpRequest(
  url: string,
  init: { headers?: Record<string, string>; method?: "GET" | "HEAD" },
  opts: HttpOptions,
): Promise<HttpResponse> {
  const doFetch = opts.fetch ?? fetch;
  const { url: target, authorization } = splitUserinfo(url);
  const headers: Record<string, string> = { "user-agent": "slipway", ...init.headers };
  if (authorization !== undefined && !hasAuthorization(init.headers)) headers.authorization = authorization;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let last: HttpResponse | FetchError | undefined;
  for (let attempt = 0; attempt <= opts.retries; attempt++) {
    if (attempt > 0) {
      const base = opts.backoffMs * 2 ** (attempt - 1);
      await sleep(base * (0.75 + Math.random() * 0.5));
    }
    try {
      const res = await doFetch(target, {
        method: init.method ?? "GET",
        headers,
        redirect: "follow",
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      const body = await readBody(res, url);
      last = { status: res.status, headers: res.headers, url: res.url || target, body };
      if (!RETRY_STATUS(res.status)) return last;
    } catch (e) {
      if (e instanceof FetchError) throw e; // too large: retrying would read it again
      last = networkError(e, url, opts.timeoutMs);
    }
  }
  if (last instanceof FetchError) throw last;
  return last!;
}

function networkError(e: unknown, url: string, timeoutMs: number): FetchError {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === "TimeoutError" || err.name === "AbortError")
    return new FetchError("TIMEOUT", `timed out after ${timeoutMs / 1000}s: ${redactUrl(url)}`, url);
  const cause = err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
  // undici's message quotes the URL it refused ("…includes credentials: https://user:pass@…").
  return new FetchError("NETWORK", `cannot reach ${redactUrl(url)}: ${redactUrlsIn(cause)}`, url);
}

/** A FetchError for a final non-2xx status. */
export function statusError(res: HttpResponse, what: string): FetchError {
  const code =
    res.status === 401 || res.status === 403 ? "AUTH" : res.status === 404 ? "NOT_FOUND" : "SERVER";
  const hint =
    code === "AUTH"
      ? " (check the credentials: the source's secretRef, or the Docker/Helm registry config)"
      : "";
  return new FetchError(
    code,
    `${what}: HTTP ${res.status} from ${redactUrl(res.url)}${hint}`,
    res.url,
    res.status,
  );
}
