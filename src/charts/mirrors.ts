/**
 * Registry mirrors for air-gapped sites (slipway.yaml `charts.mirrors`): a source URL starting
 * with `from` (at a "/" boundary) is fetched from `to` + the rest. The longest matching prefix
 * wins. The cache keeps the location the HelmRelease names, with the mirrors that stood between
 * it and the bytes (mirroredBy), so `render` finds a chart whichever of the same mirrors filled
 * it, and a run configured without them never reads what they served.
 */
import type { ChartMirror } from "../platform/config.js";
import { canonicalSource, storedSource } from "./cache.js";

export interface MirroredUrl {
  url: string;
  /** Plain HTTP forced by the mirror entry. */
  insecure: boolean;
  mirror?: ChartMirror;
}

export function applyMirrors(url: string, mirrors: readonly ChartMirror[]): MirroredUrl {
  const target = canonicalSource(url);
  let best: ChartMirror | undefined;
  let bestLen = -1;
  for (const m of mirrors) {
    const from = canonicalSource(m.from);
    if (covers(from, target) && from.length > bestLen) {
      best = m;
      bestLen = from.length;
    }
  }
  if (!best) return { url: target, insecure: false };
  return { url: canonicalSource(best.to) + target.slice(bestLen), insecure: best.insecure, mirror: best };
}

/**
 * The mirror entries that may have served chart `name` of `source` (each as `from -> to`, plain
 * HTTP marked, credentials shown as `***`), one per line and sorted; undefined when none applies
 * and the bytes came from the source itself.
 *
 * A chart is fetched at its source (a Helm repository's index and archives) or at source/name (an
 * OCI HelmRepository's artifact); every entry that covers source/name is named, so an entry that
 * could apply to either is, whichever did. The mirror list comes with the repository: a pull
 * request may name its own server as the mirror of a public repository. Keyed by this, a chart
 * it served is read only by runs whose configuration names the same mirrors for that source (the
 * pull request's own), never by those of the base branch sharing the CI cache.
 */
export function mirroredBy(
  source: string,
  name: string,
  mirrors: readonly ChartMirror[],
): string | undefined {
  if (mirrors.length === 0) return undefined;
  const location = `${canonicalSource(source)}/${name}`;
  const applying = mirrors
    .filter((m) => covers(canonicalSource(m.from), location))
    .map((m) => `${storedSource(m.from)} -> ${storedSource(m.to)}${m.insecure ? " (plain HTTP)" : ""}`);
  return applying.length === 0 ? undefined : [...new Set(applying)].sort().join("\n");
}

/**
 * The route line of a chart its source's `spec.insecure` (an OCIRepository, a HelmRepository of
 * type oci) had fetched over plain HTTP, from the source or through its mirrors.
 */
export const PLAIN_HTTP_ROUTE = "over plain HTTP (spec.insecure)";

/**
 * How chart `name` of `source` reaches the cache (ChartRef.mirroredBy, part of its key): the
 * mirror entries that may serve it (mirroredBy) and, when the source asks for plain HTTP, that
 * line too; undefined for a chart fetched from its source over TLS. Plain HTTP is the source's
 * choice, and the source comes with the repository: a pull request setting `insecure: true` on a
 * public registry's source has its chart fetched where anyone on the network path may answer,
 * and what that fills is read only by runs whose source asks for plain HTTP as well.
 */
export function fetchRoute(
  source: string,
  name: string,
  mirrors: readonly ChartMirror[],
  plainHttp: boolean,
): string | undefined {
  const through = mirroredBy(source, name, mirrors);
  if (!plainHttp) return through;
  return through === undefined ? PLAIN_HTTP_ROUTE : `${through}\n${PLAIN_HTTP_ROUTE}`;
}

function covers(prefix: string, url: string): boolean {
  return url === prefix || url.startsWith(`${prefix}/`);
}
