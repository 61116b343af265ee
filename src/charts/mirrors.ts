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

function covers(prefix: string, url: string): boolean {
  return url === prefix || url.startsWith(`${prefix}/`);
}
