/**
 * /proc/stat as the CLI's start found it (spare-core.ts's window begins there, before the
 * modules load). Kept on globalThis under a symbol: the start (src/startup/start.ts) and the
 * chunk holding the render pool are separate module graphs. No side effects on load.
 */
import { readFileSync } from "node:fs";

export const TICKS_AT_START = Symbol.for("slipway.procStatAtStart");

/** /proc/stat's text now; undefined where there is none (not Linux). */
export function procStatText(): string | undefined {
  try {
    return readFileSync("/proc/stat", "latin1");
  } catch {
    return undefined;
  }
}

/** Notes /proc/stat's text now, unless a start has already. */
export function noteProcStatAtStart(): void {
  const global = globalThis as Record<symbol, unknown>;
  global[TICKS_AT_START] ??= procStatText();
}
