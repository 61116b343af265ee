import { SlipwayError } from "../errors.js";
import { anchoredGoRegexp, checkSubject, type GoRegexp, RegexpSubjectTooLong } from "../re2.js";
import { effectiveNamespace } from "./resmap.js";
import type { Resource } from "./resource.js";
import { isMap, type YamlValue } from "./types.js";

/** A patch/replacement target as written in kustomization.yaml (kustomize's types.Selector). */
export interface Selector {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

/** The fields of a selector, in kustomize's order. */
export const selectorFields = [
  "group",
  "version",
  "kind",
  "name",
  "namespace",
  "labelSelector",
  "annotationSelector",
] as const;

export function selectorFrom(v: YamlValue | undefined, file?: string): Selector | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isMap(v)) throw new SlipwayError("target must be a map", { file });
  const s: Selector = {};
  for (const key of selectorFields) {
    const x = v[key];
    if (x !== undefined && x !== null) s[key] = String(x);
  }
  return s;
}

/** One selector field's pattern, matched against a whole name, kind, … */
interface FieldPattern {
  test(s: string): boolean;
}

/**
 * Text made only of characters that stand for themselves anywhere in a Go regular expression,
 * and `.`s (which a group such as `helm.toolkit.fluxcd.io` is full of).
 */
const PLAIN_PATTERN = /^[A-Za-z0-9_/:.-]+$/;

/**
 * An anchored pattern of PLAIN_PATTERN's characters (`Deployment`, `app-config`,
 * `helm.toolkit.fluxcd.io`: what most targets say) matched without RE2: its text, each `.`
 * standing for any one character but a line break. re2js ran for every resource and target of
 * a Flux cluster's builds, and compiled each pattern, ~10 ms of a cold check of bjw-s
 * home-ops. A subject holding a UTF-16 surrogate goes to the regexp (RE2 matches code points).
 * Subjects are held to RE2's limit all the same, so errors stay those of the regexp.
 */
class PlainPattern implements FieldPattern {
  private readonly source: string;
  private readonly dots: boolean;
  private compiled?: GoRegexp;

  constructor(private readonly text: string) {
    this.source = `^(?:${text})$`;
    this.dots = text.includes(".");
  }

  test(s: string): boolean {
    checkSubject(this.source, s);
    if (s === this.text) return true;
    if (!this.dots) return false;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdfff) {
        this.compiled ??= anchoredGoRegexp(this.text);
        return this.compiled.test(s);
      }
    }
    if (s.length !== this.text.length) return false;
    for (let i = 0; i < s.length; i++) {
      const t = this.text.charCodeAt(i);
      const c = s.charCodeAt(i);
      if (t === 0x2e ? c === 0x0a : c !== t) return false;
    }
    return true;
  }
}

/** kustomize's anchorRegex + regexp.Compile, on RE2 (linear time, Go syntax). */
function anchored(pattern: string | undefined, field: string): FieldPattern | undefined {
  if (!pattern) return undefined;
  if (PLAIN_PATTERN.test(pattern)) return new PlainPattern(pattern);
  try {
    return anchoredGoRegexp(pattern);
  } catch (e) {
    throw new SlipwayError(
      `invalid regular expression '${pattern}' in target.${field}: ${(e as Error).message}`,
    );
  }
}

/**
 * Compiled selector (kustomize's types.SelectorRegex): group, version, kind, name and
 * namespace are anchored regular expressions; label selectors as in Kubernetes.
 */
export class SelectorMatcher {
  private readonly group?: FieldPattern;
  private readonly version?: FieldPattern;
  private readonly kind?: FieldPattern;
  private readonly name?: FieldPattern;
  private readonly namespace?: FieldPattern;
  private readonly labels?: LabelRequirement[];
  private readonly annotations?: LabelRequirement[];

  constructor(readonly selector: Selector) {
    this.group = anchored(selector.group, "group");
    this.version = anchored(selector.version, "version");
    this.kind = anchored(selector.kind, "kind");
    this.name = anchored(selector.name, "name");
    this.namespace = anchored(selector.namespace, "namespace");
    if (selector.labelSelector) this.labels = parseLabelSelector(selector.labelSelector);
    if (selector.annotationSelector) this.annotations = parseLabelSelector(selector.annotationSelector);
  }

  matchesGvk(r: Resource): boolean {
    const gvk = r.gvk();
    if (this.group && !this.group.test(gvk.group)) return false;
    if (this.version && !this.version.test(gvk.version)) return false;
    if (this.kind && !this.kind.test(gvk.kind)) return false;
    return true;
  }

  /**
   * kustomize's ResMap.Select: original or current name/namespace may match. A name or namespace
   * too long for RE2 (src/re2.ts) is an error naming the target, never a non-match (a patch
   * silently not applied).
   */
  matches(r: Resource): boolean {
    try {
      return this.matchesEither(r);
    } catch (e) {
      throw this.tooLong(e, r);
    }
  }

  private matchesEither(r: Resource): boolean {
    const cur = r.curId();
    const org = r.orgId();
    if (
      this.namespace &&
      !this.namespace.test(effectiveNamespace(org)) &&
      !this.namespace.test(effectiveNamespace(cur))
    )
      return false;
    if (this.name && !this.name.test(org.name) && !this.name.test(cur.name)) return false;
    if (!this.matchesGvk(r)) return false;
    if (this.labels && !matchesRequirements(this.labels, r.labels())) return false;
    if (this.annotations && !matchesRequirements(this.annotations, r.annotations())) return false;
    return true;
  }

  /** Matches only the current id (used by replacements' select/reject); errors as `matches`. */
  matchesCurrent(r: Resource): boolean {
    try {
      return this.matchesCurrentId(r);
    } catch (e) {
      throw this.tooLong(e, r);
    }
  }

  private matchesCurrentId(r: Resource): boolean {
    const cur = r.curId();
    if (this.namespace && !this.namespace.test(cur.namespace)) return false;
    if (this.name && !this.name.test(cur.name)) return false;
    if (!this.matchesGvk(r)) return false;
    if (this.labels && !matchesRequirements(this.labels, r.labels())) return false;
    if (this.annotations && !matchesRequirements(this.annotations, r.annotations())) return false;
    return true;
  }

  /** `e`, or for a subject too long to match, the error naming this target and the resource. */
  private tooLong(e: unknown, r: Resource): unknown {
    if (!(e instanceof RegexpSubjectTooLong)) return e;
    const id = r.curId();
    const name = id.name.length > 60 ? `${id.name.slice(0, 60)}…` : id.name;
    return new SlipwayError(`target ${JSON.stringify(this.selector)} on ${id.kind} ${name}: ${e.message}`);
  }
}

export interface LabelRequirement {
  key: string;
  op: "=" | "!=" | "in" | "notin" | "exists" | "!";
  values: string[];
}

/** Parses a Kubernetes label selector string: `a=b,c!=d,e in (f,g),h notin (i),j,!k`. */
export function parseLabelSelector(s: string): LabelRequirement[] {
  const reqs: LabelRequirement[] = [];
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += ch;
  }
  if (cur.trim() !== "") parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    if (p === "") continue;
    let m = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(p);
    if (m) {
      reqs.push({
        key: m[1]!,
        op: m[2] as "in" | "notin",
        values: m[3]!
          .split(",")
          .map((x) => x.trim())
          .filter((x) => x !== ""),
      });
      continue;
    }
    m = /^([^\s!=]+)\s*(==|=|!=)\s*(\S*)$/.exec(p);
    if (m) {
      reqs.push({ key: m[1]!, op: m[2] === "!=" ? "!=" : "=", values: [m[3]!] });
      continue;
    }
    m = /^!\s*(\S+)$/.exec(p);
    if (m) {
      reqs.push({ key: m[1]!, op: "!", values: [] });
      continue;
    }
    if (/^\S+$/.test(p)) {
      reqs.push({ key: p, op: "exists", values: [] });
      continue;
    }
    throw new SlipwayError(`unable to parse requirement '${p}' in selector '${s}'`);
  }
  return reqs;
}

export function matchesRequirements(reqs: LabelRequirement[], labels: Record<string, string>): boolean {
  return reqs.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const v = labels[r.key];
    switch (r.op) {
      case "=":
        return has && v === r.values[0];
      case "!=":
        return !has || v !== r.values[0];
      case "in":
        return has && r.values.includes(v!);
      case "notin":
        return !has || !r.values.includes(v!);
      case "exists":
        return has;
      case "!":
        return !has;
    }
    return false;
  });
}
