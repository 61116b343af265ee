import { describeRef } from "../charts/cache.js";
import type { PullEvent, PullOutcome } from "../charts/pull.js";
import type { ChartRequest } from "../charts/requests.js";
import { redactUrl } from "../url-credentials.js";

/** A bar rewritten in place on a terminal; one plain line per finished chart elsewhere. */
export function createPullProgress(
  stream: NodeJS.WriteStream,
  interactive = Boolean(stream.isTTY) && process.env.CI !== "true",
  nameOf: (outcome: PullOutcome) => string = outcomeName,
) {
  let shown = false;
  return {
    onEvent(e: PullEvent) {
      if (e.type === "start") return;
      const name = nameOf(e.outcome);
      if (!interactive) {
        stream.write(`slipway charts pull: [${e.done}/${e.total}] ${e.outcome.status} ${name}\n`);
        return;
      }
      const width = 24;
      const filled = Math.round((e.done / e.total) * width);
      const line = `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${e.done}/${e.total} ${name}`;
      stream.write(`\r\x1b[2K${line.slice(0, Math.max(20, (stream.columns ?? 80) - 1))}`);
      shown = true;
    },
    done() {
      if (shown) stream.write("\r\x1b[2K");
    },
  };
}

/** The chart an outcome is about: what was pulled, else what was asked for. */
export function outcomeName(o: PullOutcome): string {
  return o.ref ? describeRef(o.ref) : describeRequest(o.requests[0]!);
}

export function describeRequest(r: ChartRequest): string {
  const source = redactUrl(r.source);
  const loc = r.kind === "oci-artifact" ? source : `${source} ${r.name}`;
  return `${loc}@${r.fixed ?? r.range ?? "*"}`;
}
