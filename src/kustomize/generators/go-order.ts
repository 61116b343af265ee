/** Go compares strings byte by byte (UTF-8); JS's default sort compares UTF-16 code units. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

export function sortedGoKeys(m: object): string[] {
  return Object.keys(m).sort(compareGoStrings);
}
