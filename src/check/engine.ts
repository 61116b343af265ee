/**
 * The `slipway check` engine: runs the enabled rules over one Platform, then applies
 * configuration (slipway.yaml `check.rules`: severity overrides, `off`, per-path excludes),
 * `slipway.dev/ignore` annotations, maps each finding to the source line a person edits,
 * removes duplicates and sorts. A rule that throws becomes an error finding of that rule,
 * never a crashed run.
 */
import * as path from "node:path";
import { defaultRenderCache } from "../cache/index.js";
import type { RenderCache } from "../cache/store.js";
import type { KObject } from "../kustomize/types.js";
import type { CheckConfig, CheckRuleConfig } from "../platform/config.js";
import {
  allResources,
  type Cluster,
  type FluxKustomization,
  type Platform,
  type RenderedResource,
} from "../platform/model.js";
import { GoRegexp } from "../re2.js";
import { repoFiles } from "./repo-files.js";
import { type ReadSource, SourceLines } from "./source-lines.js";
import {
  type Finding,
  type Rule,
  type RuleContext,
  type RuleFinding,
  resourceIdOf,
  type Severity,
} from "./types.js";

export const IGNORE_ANNOTATION = "slipway.dev/ignore";

export interface CheckOptions {
  /** Rules to run (default: the caller passes the registry's `allRules`). */
  rules: readonly Rule[];
  /** Configuration; default `platform.config?.check`. */
  config?: CheckConfig;
  strict?: boolean;
  /** Reads source files to map field paths to lines (default: from disk, src/check/repo-files.ts). */
  readSource?: ReadSource;
  /**
   * Where rules keep work between runs (the schema pass): default the render cache the platform
   * loader also defaults to (off with SLIPWAY_NO_CACHE), false for none.
   */
  renderCache?: RenderCache | false;
}

export interface CheckSummary {
  errors: number;
  warnings: number;
  infos: number;
  /** Rendered objects checked. */
  resources: number;
  clusters: number;
  /** Ids of the rules that ran. */
  rules: string[];
}

export interface CheckResult {
  findings: Finding[];
  summary: CheckSummary;
  /** Problems with the configuration that did not stop the run (unknown rule ids). */
  configWarnings: string[];
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function runCheck(platform: Platform, opts: CheckOptions): CheckResult {
  const config = opts.config ?? platform.config?.check ?? { rules: {}, schemaDirs: [] };
  const configWarnings: string[] = [];
  const known = new Set(opts.rules.map((r) => r.id));
  for (const id of Object.keys(config.rules)) {
    if (!known.has(id)) configWarnings.push(`slipway.yaml: check.rules.${id}: no such rule`);
  }
  const lazy = lazyHelpers(platform);
  const cache = opts.renderCache === false ? undefined : (opts.renderCache ?? defaultRenderCache());
  const raw: Array<{ rule: Rule; settings?: CheckRuleConfig; finding: RuleFinding }> = [];
  const ran: string[] = [];
  for (const rule of opts.rules) {
    const settings = config.rules[rule.id];
    if (settings?.severity === "off") continue;
    ran.push(rule.id);
    const ctx: RuleContext = {
      platform,
      report: (finding) => raw.push({ rule, settings, finding }),
      clusters: lazy.clusters,
      kustomizations: lazy.kustomizations,
      resources: lazy.resources,
      options: settings?.options ?? {},
      strict: opts.strict ?? false,
      schemaDirs: config.schemaDirs.map((d) => path.posix.resolve(platform.root, d)),
      ...(cache ? { cache } : {}),
    };
    try {
      rule.run(ctx);
    } catch (e) {
      raw.push({
        rule,
        settings,
        finding: {
          message: `rule ${rule.id} failed: ${(e as Error)?.message ?? String(e)}`,
          severity: "error",
        },
      });
    }
  }

  const definedAt = new Map<string, FluxKustomization>();
  for (const k of lazy.kustomizations()) definedAt.set(`${k.cluster}\u0000${k.id}`, k);
  // The default reads the disk through the files the rules read (each file once per platform).
  const read = opts.readSource ?? ((file: string) => repoFiles(platform).text(file));
  const lines = new SourceLines(
    platform.root,
    read,
    (r) => definedAt.get(`${r.cluster}\u0000${r.kustomization}`),
    cache,
  );
  const unconfirmed = new Map<string, string>();
  for (const c of platform.clusters) if (c.contentUnconfirmed) unconfirmed.set(c.name, c.contentUnconfirmed);
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const { rule, settings, finding } of raw) {
    if (finding.resource && ignores(finding.resource.object, rule.id)) continue;
    // Rules see the masked model: a judgement of a secret field's value is a judgement of
    // its marker, so it is not reported (and never quotes the value).
    if (
      finding.resource?.secrets &&
      finding.path &&
      finding.resource.secrets.covers(finding.path) &&
      finding.typeOfSecret !== true
    )
      continue;
    const f = resolve(platform, lines, rule, settings, finding);
    lowerUnconfirmed(f, unconfirmed, settings);
    if (f.file === undefined && f.kustomization !== undefined) {
      // Findings about a Flux Kustomization as a whole point at its definition.
      const at = definedAt.get(`${f.cluster ?? ""}\u0000${f.kustomization}`)?.definedAt;
      if (at) {
        f.file = repoRelative(platform.root, at.file);
        if (at.line > 0) f.line = at.line;
      }
    }
    if (settings && f.file !== undefined && settings.exclude.some((g) => globMatch(g, f.file as string)))
      continue;
    const key = JSON.stringify([
      f.rule,
      f.severity,
      f.message,
      f.cluster,
      f.kustomization,
      f.resource,
      f.file,
      f.line,
    ]);
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(f);
  }
  findings.sort(compareFindings);
  return {
    findings,
    summary: {
      ...severityCounts(findings),
      resources: lazy.resources().length,
      clusters: platform.clusters.length,
      rules: ran,
    },
    configWarnings,
  };
}

/** The counts a CheckSummary gives of `findings`, by severity. */
export function severityCounts(
  findings: readonly Finding[],
): Pick<CheckSummary, "errors" | "warnings" | "infos"> {
  const counts = { errors: 0, warnings: 0, infos: 0 };
  for (const f of findings) {
    if (f.severity === "error") counts.errors++;
    else if (f.severity === "warning") counts.warnings++;
    else counts.infos++;
  }
  return counts;
}

function lazyHelpers(platform: Platform) {
  let resources: RenderedResource[] | undefined;
  let kustomizations: FluxKustomization[] | undefined;
  return {
    clusters: (): Cluster[] => platform.clusters,
    kustomizations: (): FluxKustomization[] => {
      kustomizations ??= platform.clusters.flatMap((c) => c.kustomizations);
      return kustomizations;
    },
    resources: (): RenderedResource[] => {
      resources ??= allResources(platform);
      return resources;
    },
  };
}

function resolve(
  platform: Platform,
  lines: SourceLines,
  rule: Rule,
  settings: CheckRuleConfig | undefined,
  rf: RuleFinding,
): Finding {
  const severity = configuredSeverity(settings) ?? rf.severity ?? rule.defaultSeverity;
  const f: Finding = { rule: rule.id, severity, message: rf.message };
  const cluster = rf.cluster ?? rf.resource?.cluster;
  if (cluster) f.cluster = cluster;
  const kustomization = rf.kustomization ?? rf.resource?.kustomization;
  if (kustomization) f.kustomization = kustomization;
  if (rf.resource) f.resource = resourceIdOf(rf.resource.object);
  if (rf.file !== undefined) {
    f.file = repoRelative(platform.root, rf.file);
    if (rf.line !== undefined && rf.line > 0) f.line = rf.line;
  } else if (rf.resource) {
    const at = lines.locate(rf.resource, rf.path ?? []);
    if (at) {
      f.file = repoRelative(platform.root, at.file);
      if (at.line > 0) f.line = at.line;
    }
  }
  return f;
}

/**
 * An error in a cluster whose sync may read another repository's content (Cluster.contentUnconfirmed)
 * is a warning saying so: it is true of this repository's files, which Flux may never read. A
 * severity slipway.yaml sets is kept.
 */
function lowerUnconfirmed(
  f: Finding,
  unconfirmed: ReadonlyMap<string, string>,
  settings: CheckRuleConfig | undefined,
): void {
  const why = f.cluster === undefined ? undefined : unconfirmed.get(f.cluster);
  if (why === undefined || f.severity !== "error" || configuredSeverity(settings) !== undefined) return;
  f.severity = "warning";
  f.message = `${f.message} (a warning: cluster ${f.cluster}'s ${why})`;
}

function configuredSeverity(settings: CheckRuleConfig | undefined): Severity | undefined {
  const s = settings?.severity;
  return s === undefined || s === "off" ? undefined : s;
}

/** `slipway.dev/ignore: rule-a, rule-b` (or `all`) on the object itself. */
export function ignores(object: KObject, ruleId: string): boolean {
  const md = object.metadata;
  if (typeof md !== "object" || md === null || Array.isArray(md)) return false;
  const annotations = md.annotations;
  if (typeof annotations !== "object" || annotations === null || Array.isArray(annotations)) return false;
  const value = annotations[IGNORE_ANNOTATION];
  if (typeof value !== "string") return false;
  return value
    .split(",")
    .map((s) => s.trim())
    .some((s) => s === "all" || s === ruleId);
}

/** A repository-relative POSIX path; absolute paths inside the root are made relative. */
export function repoRelative(root: string, file: string): string {
  const posix = file.split(path.sep).join("/");
  if (!path.posix.isAbsolute(posix)) return posix.replace(/^\.\//, "");
  const rel = path.posix.relative(root, posix);
  return rel.startsWith("../") ? posix : rel || ".";
}

/**
 * Path globs as in .gitignore-like tools: `*` and `?` within one path segment, `**` across
 * segments. A pattern also matches every file below a directory it names (`apps/legacy`).
 */
export function globMatch(pattern: string, file: string): boolean {
  const p = pattern.replace(/^\.\//, "").replace(/\/+$/, "");
  if (p === "") return false;
  const re = globRegExp(p);
  if (re.test(file)) return true;
  const parts = file.split("/");
  for (let i = parts.length - 1; i > 0; i--) if (re.test(parts.slice(0, i).join("/"))) return true;
  return false;
}

const globCache = new Map<string, GoRegexp>();

/**
 * The glob as a regular expression, run on RE2: globs come from slipway.yaml, which a pull
 * request writes, and `*a*a*a*a*a*a*a*az` took 34 s of backtracking per file on JavaScript's engine.
 */
function globRegExp(pattern: string): GoRegexp {
  let re = globCache.get(pattern);
  if (re) return re;
  let src = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*" && pattern[i + 1] === "*") {
      const slash = pattern[i + 2] === "/";
      src += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") src += "[^/]*";
    else if (c === "?") src += "[^/]";
    else src += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  re = GoRegexp.compile(`^${src}$`);
  globCache.set(pattern, re);
  return re;
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    cmp(a.cluster ?? "", b.cluster ?? "") ||
    cmp(a.file ?? "", b.file ?? "") ||
    (a.line ?? 0) - (b.line ?? 0) ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    cmp(a.rule, b.rule) ||
    cmp(a.message, b.message)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
