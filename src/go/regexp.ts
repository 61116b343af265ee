/**
 * Go's regexp API (leftmost-first submatches, FindAll's empty-match rule, linear time) over
 * re2js, whose internal RE2 class is a port of Go's regexp package. Shared by semver's
 * constraint grammar and sprig's regex functions. Subjects are held to src/re2.ts's
 * MAX_REGEXP_SUBJECT (RegexpSubjectTooLong), as there.
 */
import { RE2JS } from "re2js";
import { checkSubject } from "../re2.js";

/** The subset of re2js's (untyped) Go-style RE2 class used here. Indices are UTF-16 offsets. */
interface GoRE2 {
  findSubmatchIndex(s: string): number[] | null;
  findAllSubmatchIndex(s: string, n: number): number[][] | null;
  numberOfCapturingGroups(): number;
  namedGroups: Record<string, number>;
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

  /** SubexpNames: the name of each group ("" when unnamed), index 0 being the whole match. */
  subexpNames(): string[] {
    const names = new Array<string>(this.numSubexp + 1).fill("");
    for (const [name, i] of Object.entries(this.re.namedGroups ?? {})) names[i] = name;
    return names;
  }

  /**
   * ExpandString: `template` with `$1`, `${1}`, `$name`, `${name}` replaced by the groups of
   * `match` (from findSubmatchIndex on `src`) and `$$` by `$`. As in Go, `$name` takes the
   * longest run of letters, digits and `_` (`$1x` is group "1x"), an unknown or unmatched group
   * is empty, and a `$` not followed by a valid reference stays as it is.
   */
  expand(template: string, src: string, match: number[]): string {
    let out = "";
    let names: string[] | undefined;
    let rest = template;
    for (;;) {
      const at = rest.indexOf("$");
      if (at < 0) break;
      out += rest.slice(0, at);
      rest = rest.slice(at + 1);
      if (rest.startsWith("$")) {
        out += "$";
        rest = rest.slice(1);
        continue;
      }
      const ref = groupReference(rest);
      if (!ref) {
        out += "$";
        continue;
      }
      rest = ref.rest;
      let group = ref.num;
      if (group < 0) {
        names ??= this.subexpNames();
        group = names.indexOf(ref.name);
        if (group < 0) continue;
      }
      if (2 * group + 1 < match.length && match[2 * group]! >= 0)
        out += src.slice(match[2 * group], match[2 * group + 1]);
    }
    return out + rest;
  }

  /** FindStringSubmatchIndex: pairs of offsets, -1 for a group that did not take part. */
  findSubmatchIndex(s: string): number[] | null {
    checkSubject(this.source, s);
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
    checkSubject(this.source, s);
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

/** Go's regexp.extract: the group name or number after a `$` (with or without braces). */
function groupReference(str: string): { name: string; num: number; rest: string } | undefined {
  if (str === "") return undefined;
  const brace = str[0] === "{";
  const body = brace ? str.slice(1) : str;
  const m = /^[\p{L}\p{Nd}_]+/u.exec(body);
  if (!m) return undefined;
  const name = m[0];
  let end = name.length;
  if (brace) {
    if (body[end] !== "}") return undefined;
    end++;
  }
  let num = 0;
  for (const c of name) {
    if (c < "0" || c > "9" || num >= 1e8) {
      num = -1;
      break;
    }
    num = num * 10 + (c.charCodeAt(0) - 48);
  }
  if (name[0] === "0" && name.length > 1) num = -1;
  return { name, num, rest: body.slice(end) };
}
