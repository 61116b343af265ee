/**
 * One finding per place: what several Flux Kustomizations (or apps sharing a component) render
 * from one file and line is one thing to fix there, named once with the others it stands for.
 */

/** `items` grouped by `placeOf`, groups and their items in first-seen order. */
export function groupByPlace<T>(items: Iterable<T>, placeOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = placeOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
}

/** The first `max` names and a count of the rest (`a, b and 3 more`): n findings naming n-1 others each would be n² text. */
export function someOf(names: readonly string[], max: number): string {
  const more = names.length > max ? ` and ${names.length - max} more` : "";
  return `${names.slice(0, max).join(", ")}${more}`;
}
