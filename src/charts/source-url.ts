/**
 * The spellings of a chart source's URL the cache uses: canonical (one source, one spelling) and
 * stored (canonical, credentials shown as `***`: what keys and records hold, see cache.ts).
 */
import { redactUrl } from "../url-credentials.js";

/**
 * The canonical form of a source URL: trailing slashes dropped, scheme and host lowercased
 * (they are case-insensitive; paths are not). Both sides of the cache use it so that
 * `https://Charts.example.com/stable/` and `https://charts.example.com/stable` are one source.
 */
export function canonicalSource(url: string): string {
  const trimmed = url.trim().replace(/\/+$/, "");
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/]*)(.*)$/.exec(trimmed);
  if (!m) return trimmed;
  return `${m[1]!.toLowerCase()}://${m[2]!.toLowerCase()}${m[3]}`;
}

/** The source as keys and records hold it: canonical, its credentials shown as `***`. */
export function storedSource(url: string): string {
  return redactUrl(canonicalSource(url));
}

/**
 * The source as keys held it before credentials were left out, when it held any (else undefined:
 * the key has not changed).
 */
export function legacySource(url: string): string | undefined {
  const canonical = canonicalSource(url);
  return canonical === redactUrl(canonical) ? undefined : canonical;
}
