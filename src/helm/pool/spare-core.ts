/**
 * Whether a two-core machine has its second core to spare: how much of the machine stayed idle
 * since this module loaded, from /proc/stat. A render worker on two cores pays only when nothing
 * else wants that core: it compiles the template engine again and shares the core with V8's own
 * background threads, so on a busy machine it slows the run down (a cold check of bjw-s home-ops
 * at a load of ~1.4 cores: 3,597 ms with one worker, 2,902 ms without), while on an idle one it
 * saves time. The window is the run's own start (module loading, reading the command line,
 * reading the repository: a check's digest of it, or the platform loader's scan) up to the first
 * question, when the workers are about to start: the answer is about this run, not the last
 * minute's load average.
 */
import { procStatText, TICKS_AT_START } from "./proc-stat.js";

/** Ticks of /proc/stat's aggregate `cpu` line: idle (idle + iowait) and all. */
export interface CpuTicks {
  idle: number;
  total: number;
}

/** The aggregate line of /proc/stat; undefined where there is none (not Linux) or it does not read. */
export function parseProcStat(text: string): CpuTicks | undefined {
  const line = /^cpu +([0-9 ]+)$/m.exec(text)?.[1];
  if (line === undefined) return undefined;
  // user nice system idle iowait irq softirq steal (guest and guest_nice are inside user and nice)
  const fields = line.trim().split(/ +/).map(Number);
  if (fields.length < 4 || fields.some((n) => !Number.isSafeInteger(n))) return undefined;
  let total = 0;
  for (let i = 0; i < Math.min(fields.length, 8); i++) total += fields[i] as number;
  return { idle: (fields[3] as number) + (fields[4] ?? 0), total };
}

function readTicks(): CpuTicks | undefined {
  const text = procStatText();
  return text === undefined ? undefined : parseProcStat(text);
}

/** A window shorter than this many ticks (10 ms each on Linux) says too little. */
const MIN_WINDOW_TICKS = 8;
/** Idle share of the machine (two cores: 1 = both idle) that leaves a core to a worker. */
const SPARE_SHARE = 0.25;

/**
 * Whether at least a quarter of the machine (half a core of two) stayed idle between `from` and
 * `to`: this process keeps one core busy and V8's background threads part of the other, so
 * anything else running takes the rest.
 */
export function coreToSpare(from: CpuTicks | undefined, to: CpuTicks | undefined): boolean {
  if (from === undefined || to === undefined) return false;
  const total = to.total - from.total;
  if (total < MIN_WINDOW_TICKS) return false;
  return (to.idle - from.idle) / total >= SPARE_SHARE;
}

const atStart = (() => {
  const text = (globalThis as Record<symbol, unknown>)[TICKS_AT_START];
  return (typeof text === "string" ? parseProcStat(text) : undefined) ?? readTicks();
})();
let answer: boolean | undefined;

/** coreToSpare from the start to the first call; later calls give the same answer. */
export function spareCoreIdle(): boolean {
  answer ??= coreToSpare(atStart, readTicks());
  return answer;
}
