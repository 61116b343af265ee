/**
 * Check baselines: the findings a team has accepted when adopting Slipway on an existing
 * repository. `check --write-baseline FILE` records them; `check --baseline FILE` reports only
 * findings that are not in it, so new problems fail CI while old ones are worked off.
 *
 * A finding is identified by its rule, cluster, Flux Kustomization, file, object and message,
 * never by its line: editing elsewhere in a file must not turn an accepted finding into a new
 * one. Identical findings are counted, so a second copy of an accepted problem is new.
 */
import { SlipwayError } from "../errors.js";
import { type CheckResult, severityCounts } from "./engine.js";
import type { Finding } from "./types.js";

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  rule: string;
  cluster?: string;
  kustomization?: string;
  file?: string;
  /** `Kind namespace/name` of the object, if the finding is about one. */
  resource?: string;
  message: string;
}

export interface Baseline {
  version: number;
  findings: BaselineEntry[];
}

/** Absolute paths of the repository in a message vary between machines; they are made relative. */
function portableMessage(message: string, roots: string[]): string {
  let m = message;
  for (const root of roots) if (root) m = m.split(`${root.replace(/\/+$/, "")}/`).join("");
  return m;
}

export function baselineEntry(f: Finding, roots: string[]): BaselineEntry {
  const r = f.resource;
  return {
    rule: f.rule,
    ...(f.cluster !== undefined ? { cluster: f.cluster } : {}),
    ...(f.kustomization !== undefined ? { kustomization: f.kustomization } : {}),
    ...(f.file !== undefined ? { file: f.file } : {}),
    ...(r ? { resource: `${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}` } : {}),
    message: portableMessage(f.message, roots),
  };
}

function keyOf(e: BaselineEntry): string {
  return JSON.stringify([
    e.rule,
    e.cluster ?? "",
    e.kustomization ?? "",
    e.file ?? "",
    e.resource ?? "",
    e.message,
  ]);
}

/** The baseline of a check result, sorted so that the file diffs well in review. */
export function makeBaseline(result: CheckResult, roots: string[]): Baseline {
  const findings = result.findings.map((f) => baselineEntry(f, roots));
  findings.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  return { version: BASELINE_VERSION, findings };
}

export function formatBaseline(b: Baseline): string {
  return `${JSON.stringify(b, null, 2)}\n`;
}

/** Reads a baseline file's text; throws SlipwayError naming the file when it is not one. */
export function parseBaseline(text: string, file: string): Baseline {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new SlipwayError(`${file}: not a Slipway baseline (invalid JSON: ${(e as Error).message})`, {
      file,
    });
  }
  const fail = (why: string): never => {
    throw new SlipwayError(`${file}: not a Slipway baseline (${why}); write one with --write-baseline`, {
      file,
    });
  };
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return fail("expected an object");
  const o = raw as { version?: unknown; findings?: unknown };
  if (o.version !== BASELINE_VERSION) return fail(`version must be ${BASELINE_VERSION}`);
  if (!Array.isArray(o.findings)) return fail("findings must be a list");
  const optional = ["cluster", "kustomization", "file", "resource"] as const;
  for (const [i, e] of o.findings.entries()) {
    if (e === null || typeof e !== "object") return fail(`findings[${i}] must be an object`);
    const x = e as Record<string, unknown>;
    if (typeof x.rule !== "string" || typeof x.message !== "string")
      return fail(`findings[${i}] needs rule and message strings`);
    for (const k of optional)
      if (x[k] !== undefined && typeof x[k] !== "string") return fail(`findings[${i}].${k} must be a string`);
  }
  return { version: BASELINE_VERSION, findings: o.findings as BaselineEntry[] };
}

export interface BaselineOutcome {
  /** The result with accepted findings removed and the summary counted again. */
  result: CheckResult;
  /** Findings the baseline accepted. */
  accepted: number;
  /** Baseline entries no longer found (fixed, or changed so that they no longer match). */
  stale: number;
}

/** Removes the findings the baseline accepts (each entry accepts one finding). */
export function applyBaseline(result: CheckResult, baseline: Baseline, roots: string[]): BaselineOutcome {
  const remaining = new Map<string, number>();
  for (const e of baseline.findings) remaining.set(keyOf(e), (remaining.get(keyOf(e)) ?? 0) + 1);
  const kept: Finding[] = [];
  let accepted = 0;
  for (const f of result.findings) {
    const key = keyOf(baselineEntry(f, roots));
    const n = remaining.get(key) ?? 0;
    if (n > 0) {
      remaining.set(key, n - 1);
      accepted++;
    } else kept.push(f);
  }
  const stale = [...remaining.values()].reduce((a, b) => a + b, 0);
  return {
    result: {
      ...result,
      findings: kept,
      summary: { ...result.summary, ...severityCounts(kept) },
    },
    accepted,
    stale,
  };
}
