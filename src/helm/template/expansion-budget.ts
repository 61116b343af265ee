/**
 * How many maps and lists one walk of a template value may meet.
 *
 * Template values share: after `$x = list $x $x` forty times over, $x is 41 lists in memory, but
 * a walk that does not remember what it has met (Go's printers, encoders, copiers and mergo, and
 * Slipway's ports of them) meets 2^40. Go walks until its heap is gone; Slipway ran out of heap
 * after minutes and ended with a native stack trace naming no chart. So each such walk counts
 * the maps and lists it meets and fails at the call, as an error of the template, past this
 * limit. Values files hold thousands of maps and lists, far below it.
 */
export const MAX_EXPANDED = 1 << 20;

/**
 * A Slipway limit met while walking a value, where Go would go on: a function that turns its
 * encoder's errors into a result ("" for toYamlPretty) must let this one through.
 */
export class ValueLimitError extends Error {}

/** The message of a walk that met more than MAX_EXPANDED maps and lists. */
export function expansionLimitMessage(what: string): string {
  return `${what}: a value of more than ${MAX_EXPANDED} maps and lists (counted each time one is met, as Helm walks it) is more than Slipway's limit`;
}

/** The count of one walk (a fresh one per call of the walking function). */
export class ExpansionBudget {
  private left = MAX_EXPANDED;

  constructor(private readonly what: string) {}

  /** Counts one map or list met; throws once more than MAX_EXPANDED were. */
  charge(): void {
    if (--this.left < 0) throw new ValueLimitError(expansionLimitMessage(this.what));
  }
}
