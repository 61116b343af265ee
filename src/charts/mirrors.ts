/**
 * Registry mirrors for air-gapped sites (slipway.yaml `charts.mirrors`): a source URL starting
 * with `from` (at a "/" boundary) is fetched from `to` + the rest. The longest matching prefix
 * wins. Only where bytes are fetched changes; the cache keeps the location the HelmRelease names,
 * so `render` finds the chart whichever mirror filled it.
 */
import type { ChartMirror } from "../platform/config.js";
import { canonicalSource } from "./cache.js";

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
    if ((target === from || target.startsWith(`${from}/`)) && from.length > bestLen) {
      best = m;
      bestLen = from.length;
    }
  }
  if (!best) return { url: target, insecure: false };
  return { url: canonicalSource(best.to) + target.slice(bestLen), insecure: best.insecure, mirror: best };
}
