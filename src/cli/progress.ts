import type { PlatformProgress } from "../platform/index.js";

/**
 * Progress for long platform loads, on stderr. On a terminal: one line rewritten in place
 * (cluster, Kustomizations done/known), throttled. Elsewhere (CI, pipes): one plain line per
 * finished cluster, nothing else, so logs stay short and greppable.
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
      if (event.type === "cluster") {
        const c = event.cluster;
        const errors = c.kustomizations.reduce((n, k) => n + k.errors.length, 0) + c.errors.length;
        const resources = c.kustomizations.reduce((n, k) => n + k.resources.length, 0);
        const sets = c.kustomizations.filter((k) => k.kind === "ResourceSet").length;
        const appliers = `${c.kustomizations.length - sets} Flux Kustomizations${sets > 0 ? `, ${sets} ResourceSet${sets === 1 ? "" : "s"}` : ""}`;
        clear();
        stream.write(
          `${command}: cluster ${c.name}: ${appliers}, ${resources} objects, ${errors} error${errors === 1 ? "" : "s"} (${Math.round(c.renderMs)} ms)\n`,
        );
        return;
      }
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
