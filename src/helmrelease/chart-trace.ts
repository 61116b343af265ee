/**
 * What a run asked its chart provider and what it was told, as digests: a result computed from
 * those answers (a cached `check`, src/check/result-cache.ts) is valid while the provider still
 * gives the same answers. A chart pulled, removed or replaced in the chart cache changes an
 * answer (a located chart's identity is its content's digest), so the trace no longer holds.
 */
import type { ChartAnswer, ChartLookup, ChartProvider, ChartRequest } from "./charts.js";

/** One question and the digest of its answer: `op` "locate" or "load". */
export type ChartTraceEntry = [op: "locate" | "load", request: string, answer: string];

function lookupDigest(a: ChartLookup): string {
  if ("located" in a) return `located\0${a.located.identity}\0${a.located.location}\0${a.located.version}`;
  return "missing" in a ? `missing\0${a.missing}` : `error\0${a.error}`;
}

function answerDigest(a: ChartAnswer): string {
  if ("chart" in a) return `chart\0${a.chart.digest}\0${a.location}\0${a.version}`;
  return "missing" in a ? `missing\0${a.missing}` : `error\0${a.error}`;
}

/** A provider that records every question asked of `inner` and the digest of its answer. */
export class TracingChartProvider implements ChartProvider {
  private readonly seen = new Map<string, ChartTraceEntry>();
  readonly locate?: (req: ChartRequest) => ChartLookup;

  constructor(private readonly inner: ChartProvider) {
    if (inner.locate) {
      const locate = inner.locate.bind(inner);
      this.locate = (req) => {
        const a = locate(req);
        this.note(["locate", JSON.stringify(req), lookupDigest(a)]);
        return a;
      };
    }
  }

  load(req: ChartRequest): ChartAnswer {
    const a = this.inner.load(req);
    this.note(["load", JSON.stringify(req), answerDigest(a)]);
    return a;
  }

  private note(e: ChartTraceEntry): void {
    this.seen.set(`${e[0]}\0${e[1]}`, e);
  }

  /** The questions asked so far, in a stable order. */
  trace(): ChartTraceEntry[] {
    return [...this.seen.values()].sort((a, b) => {
      const x = `${a[0]}\0${a[1]}`;
      const y = `${b[0]}\0${b[1]}`;
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }
}

/** Whether `provider` still answers every question of `trace` as it did. */
export function chartTraceHolds(provider: ChartProvider, trace: readonly ChartTraceEntry[]): boolean {
  for (const [op, request, answer] of trace) {
    const req = JSON.parse(request) as ChartRequest;
    try {
      if (op === "locate") {
        if (!provider.locate || lookupDigest(provider.locate(req)) !== answer) return false;
      } else if (answerDigest(provider.load(req)) !== answer) return false;
    } catch {
      return false;
    }
  }
  return true;
}
