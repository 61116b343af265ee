import { describeRef } from "../charts/cache.js";
import type { PullEvent } from "../charts/pull.js";
import type { ChartRequest } from "../charts/requests.js";

/** A bar rewritten in place on a terminal; one plain line per finished chart elsewhere. */
export function createPullProgress(
  stream: NodeJS.WriteStream,
  interactive = Boolean(stream.isTTY) && process.env.CI !== "true",
) {
  let shown = false;
  return {
    onEvent(e: PullEvent) {
      if (e.type === "start") return;
      const name = e.outcome.ref ? describeRef(e.outcome.ref) : describeRequest(e.outcome.requests[0]!);
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

export function describeRequest(r: ChartRequest): string {
  const loc = r.kind === "oci-artifact" ? r.source : `${r.source} ${r.name}`;
  return `${loc}@${r.fixed ?? r.range ?? "*"}`;
}
