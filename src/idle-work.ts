/**
 * Work a thread may do early, in moments it would otherwise spend blocked: the render pool's
 * main thread waiting in Atomics.wait for a worker's last renders (src/helm/pool), and one step
 * after each render it claims beside a worker (the worker claims the renders it leaves). Each
 * task is done anyway later (sealing the render cache's entries at the process's exit, readying
 * the schema rules' validators); doing part of it during the renders takes it off the end of
 * the run, when the worker has nothing left to do. In a cold check of bjw-s home-ops with one
 * worker the main thread waited ~40-120 ms at the end of the render batch (profiles on a loaded
 * two-core machine), then sealed ~8 MB of entries at its exit while the worker was idle.
 *
 * A task gives one short step at a time (a few milliseconds at most), so that a thread that
 * runs one still sees what it was waiting for soon after it arrives.
 */

/** Does one step of a task; false when the task had nothing left to do. */
export type IdleStep = () => boolean;

const tasks: IdleStep[] = [];

/** Adds a task (once: a task already added is not added again). */
export function addIdleWork(step: IdleStep): void {
  if (!tasks.includes(step)) tasks.push(step);
}

/** Does one step of the first task that has work left; false when none had any. */
export function doIdleWork(): boolean {
  for (const step of tasks) if (step()) return true;
  return false;
}
