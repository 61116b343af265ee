import type { PlatformProgress } from "../platform/index.js";

/**
 * Progress for long platform loads, on stderr. On a terminal: one line rewritten in place
 * (cluster, Kustomizations done/known), throttled. Elsewhere (CI, pipes): nothing; what was
 * found is summarised once the load is done (discovery.ts), so logs stay short and greppable.
 */
export interface Progress {
  onEvent(event: PlatformProgress): void;
  /** Clears the live line (call before printing results). */
  done(): void;
}

export function createProgress(
  command: string,
  stream: NodeJS.WriteStream = process.stderr,
  interactive = Boolean(stream.isTTY) && process.env.CI !== "true",
): Progress {
  let lastDraw = 0;
  let shown = false;
  const clear = () => {
    if (shown) stream.write("\r\x1b[2K");
    shown = false;
  };
  return {
    onEvent(event) {
      if (!interactive || event.type !== "kustomization") return;
      const now = Date.now();
      if (now - lastDraw < 80) return;
      lastDraw = now;
      const width = Math.max(20, (stream.columns ?? 80) - 1);
      const line = `${command}: ${event.cluster}: ${event.done}/${event.known} ${event.id}`;
      stream.write(`\r\x1b[2K${line.slice(0, width)}`);
      shown = true;
    },
    done: clear,
  };
}
