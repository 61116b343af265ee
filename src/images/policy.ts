/**
 * What image-reflector-controller's ImagePolicy selects from a list of tags, offline:
 * the ImageRepository's `exclusionList` (default `^.*\.sig$`), then `filterTags` (a Go RE2
 * `pattern`; with `extract`, the first match expanded as Go's Regexp.ExpandString does — the
 * policy then compares the extracted values and returns the original tag), then the policy:
 * - semver: the highest tag that fluxcd/pkg/version.ParseVersion accepts (three dot-separated
 *   parts, then Masterminds' coercing parse) and the range (Masterminds constraints) admits;
 * - alphabetical: `order: asc` (default) picks the last tag in byte order, `desc` the first;
 * - numerical: every candidate must parse as a float; `asc` (default) picks the highest.
 * Regexes run on re2js (Go's RE2 semantics, linear time).
 */
import { GoRegexp } from "../go/regexp.js";
import { isMap, type KObject, type YamlValue } from "../kustomize/types.js";
import { parseConstraints, parseVersion, type Version } from "../semver/index.js";

export interface PolicySpec {
  kind: "semver" | "alphabetical" | "numerical";
  /** semver range, or order (`asc` | `desc`). */
  range?: string;
  order?: "asc" | "desc";
  pattern?: string;
  extract?: string;
}

/** The policy of an ImagePolicy object; throws with the field at fault when it is invalid. */
export function decodePolicy(obj: KObject): PolicySpec {
  const spec = isMap(obj.spec) ? obj.spec : {};
  const policy = isMap(spec.policy) ? spec.policy : {};
  const out: PolicySpec = { kind: "alphabetical" };
  const str = (v: YamlValue | undefined) => (typeof v === "string" ? v : undefined);
  if (isMap(policy.semver)) {
    out.kind = "semver";
    const range = str(policy.semver.range);
    if (range === undefined) throw new Error("spec.policy.semver.range is required");
    out.range = range;
  } else if (isMap(policy.alphabetical) || policy.alphabetical === null) {
    out.kind = "alphabetical";
    out.order = orderOf(isMap(policy.alphabetical) ? policy.alphabetical.order : undefined);
  } else if (isMap(policy.numerical) || policy.numerical === null) {
    out.kind = "numerical";
    out.order = orderOf(isMap(policy.numerical) ? policy.numerical.order : undefined);
  } else {
    throw new Error("spec.policy needs one of semver, alphabetical or numerical");
  }
  if (isMap(spec.filterTags)) {
    const pattern = str(spec.filterTags.pattern);
    if (pattern !== undefined) out.pattern = pattern;
    const extract = str(spec.filterTags.extract);
    if (extract !== undefined && extract !== "") out.extract = extract;
  }
  return out;
}

function orderOf(v: YamlValue | undefined): "asc" | "desc" {
  if (v === undefined || v === null || v === "asc") return "asc";
  if (v === "desc") return "desc";
  throw new Error(`order must be asc or desc, not '${String(v)}'`);
}

/** The ImageRepository's exclusion patterns (image-reflector's default when unset). */
export function exclusionsOf(repo: KObject | undefined): string[] {
  const spec = repo && isMap(repo.spec) ? repo.spec : {};
  const list = spec.exclusionList;
  if (!Array.isArray(list)) return ["^.*\\.sig$"];
  return list.filter((x): x is string => typeof x === "string");
}

export type Selection = { tag: string } | { error: string };

/** The tag the policy selects from `tags` (after the repository's exclusions). */
export function selectTag(
  policy: PolicySpec,
  tags: readonly string[],
  exclusions: readonly string[] = ["^.*\\.sig$"],
): Selection {
  let excluded: GoRegexp[];
  try {
    excluded = exclusions.map((p) => new GoRegexp(p));
  } catch (e) {
    return { error: `invalid exclusionList regex: ${(e as Error).message}` };
  }
  const kept = tags.filter((t) => !excluded.some((re) => re.matchString(t)));
  // Extracted value → original tag (a later tag with the same value wins, as a Go map does).
  const candidates = new Map<string, string>();
  if (policy.pattern !== undefined) {
    let re: GoRegexp;
    try {
      re = new GoRegexp(policy.pattern);
    } catch (e) {
      return { error: `invalid filterTags.pattern regex: ${(e as Error).message}` };
    }
    for (const tag of kept) {
      const m = re.findSubmatchIndex(tag);
      if (!m) continue;
      candidates.set(policy.extract !== undefined ? re.expand(policy.extract, tag, m) : tag, tag);
    }
  } else {
    for (const tag of kept) candidates.set(tag, tag);
  }
  if (candidates.size === 0) return { error: "no tag is left after filtering" };
  const values = [...candidates.keys()];
  const chosen = latest(policy, values);
  return "error" in chosen ? chosen : { tag: candidates.get(chosen.tag)! };
}

function latest(policy: PolicySpec, values: string[]): Selection {
  if (policy.kind === "semver") {
    let constraint: ReturnType<typeof parseConstraints>;
    try {
      constraint = parseConstraints(policy.range ?? "");
    } catch (e) {
      return { error: `invalid semver range '${policy.range}': ${(e as Error).message}` };
    }
    let best: Version | undefined;
    for (const v of values) {
      const parsed = fluxVersion(v);
      if (parsed && constraint.check(parsed) && (!best || parsed.greaterThan(best))) best = parsed;
    }
    return best ? { tag: best.original } : { error: `no tag matches the semver range '${policy.range}'` };
  }
  if (policy.kind === "alphabetical") {
    const sorted = [...values].sort(byteCompare);
    return { tag: (policy.order === "desc" ? sorted[0] : sorted[sorted.length - 1])! };
  }
  const numbers: Array<{ v: string; n: number }> = [];
  for (const v of values) {
    const n = goParseFloat(v);
    if (n === undefined) return { error: `failed to parse invalid numeric value '${v}'` };
    numbers.push({ v, n });
  }
  numbers.sort((a, b) => a.n - b.n);
  return { tag: (policy.order === "desc" ? numbers[0] : numbers[numbers.length - 1])!.v };
}

/** fluxcd/pkg/version.ParseVersion: three dot-separated parts, then semver.NewVersion. */
export function fluxVersion(tag: string): Version | undefined {
  if (tag.split(".").length < 3) return undefined;
  try {
    return parseVersion(tag);
  } catch {
    return undefined;
  }
}

/** Whether the policy would select `tag` over nothing: its filter and range admit it. */
export function admits(policy: PolicySpec, tag: string): boolean {
  if (policy.pattern !== undefined) {
    try {
      if (!new GoRegexp(policy.pattern).matchString(tag)) return false;
    } catch {
      return false;
    }
  }
  if (policy.kind !== "semver") return true;
  const v = fluxVersion(tag);
  if (!v) return false;
  try {
    return parseConstraints(policy.range ?? "").check(v);
  } catch {
    return false;
  }
}

function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** strconv.ParseFloat(s, 64) for decimal forms (hex floats and underscores are not tag material). */
function goParseFloat(s: string): number | undefined {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith("-") ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return Number.NaN;
  return undefined;
}
