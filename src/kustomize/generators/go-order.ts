import { compareGoStrings } from "../../go/compare.js";

/** Go's sort.Strings order of an object's keys (UTF-8 bytes; JS's default sort compares UTF-16 units). */
export function sortedGoKeys(m: object): string[] {
  return Object.keys(m).sort(compareGoStrings);
}
