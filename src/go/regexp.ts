/**
 * Go's regexp API (leftmost-first submatches, FindAll's empty-match rule, linear time) over
 * re2js, whose internal RE2 class is a port of Go's regexp package. Shared by semver's
 * constraint grammar and sprig's regex functions.
 */
import { RE2JS } from "re2js";

/** The subset of re2js's (untyped) Go-style RE2 class used here. Indices are UTF-16 offsets. */
interface GoRE2 {
  findSubmatchIndex(s: string): number[] | null;
  findAllSubmatchIndex(s: string, n: number): number[][] | null;
  numberOfCapturingGroups(): number;
}

export class GoRegexp {
  private readonly re: GoRE2;
  readonly source: string;

  /** Throws re2js's syntax error for an invalid pattern; callers word it as Go does. */
  constructor(pattern: string) {
    this.source = pattern;
    this.re = RE2JS.compile(pattern).re2() as unknown as GoRE2;
  }

  get numSubexp(): number {
    return this.re.numberOfCapturingGroups();
  }

  /** FindStringSubmatchIndex: pairs of offsets, -1 for a group that did not take part. */
  findSubmatchIndex(s: string): number[] | null {
    const m = this.re.findSubmatchIndex(s);
    return m && m.length > 0 ? m : null;
  }

  /** FindStringSubmatch: "" for groups that did not take part (Go cannot tell them apart). */
  findSubmatch(s: string): string[] | null {
    const m = this.findSubmatchIndex(s);
    return m ? groupsOf(s, m) : null;
  }

  /** FindAllStringSubmatchIndex with Go's rule for empty matches next to a previous match. */
  findAllIndex(s: string, n = -1): number[][] {
    return this.re.findAllSubmatchIndex(s, n) ?? [];
  }

  findAll(s: string, n = -1): string[] {
    return this.findAllIndex(s, n).map((m) => s.slice(m[0], m[1]));
  }

  findAllSubmatch(s: string, n = -1): string[][] {
    return this.findAllIndex(s, n).map((m) => groupsOf(s, m));
  }

  matchString(s: string): boolean {
    return this.findSubmatchIndex(s) !== null;
  }
}

function groupsOf(s: string, m: number[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < m.length; i += 2) out.push(m[i]! >= 0 ? s.slice(m[i], m[i + 1]) : "");
  return out;
}
