/**
 * What a diff could not compare: Flux Kustomizations that failed to render at either side
 * (Flux applies nothing of them, so their objects are not compared) and those whose source
 * is not this repository. A report lists them in every format, so "no differences" is never
 * said of something that was not looked at; failures make the exit code 2 unless accepted.
 */
import type { KustomizationSide } from "./compare.js";
import type { NotCompared } from "./model.js";

/** The Kustomizations of one cluster (by id, both sides) that could not be compared. */
export function notCompared(
  cluster: string,
  sides: Map<string, { base?: KustomizationSide; head?: KustomizationSide }>,
): NotCompared[] {
  const out: NotCompared[] = [];
  for (const id of [...sides.keys()].sort()) {
    const { base, head } = sides.get(id)!;
    const statuses = [base?.status, head?.status];
    const reason = statuses.includes("failed")
      ? "failed"
      : statuses.includes("external")
        ? "external"
        : undefined;
    if (!reason) continue;
    const entry: NotCompared = { cluster, id, reason, errors: [] };
    if (base) entry.baseStatus = base.status;
    if (head) entry.headStatus = head.status;
    const messages = reason === "failed" ? [base?.errors, head?.errors] : [base?.warnings, head?.warnings];
    entry.errors = [...new Set(messages.flatMap((m) => m ?? []))];
    out.push(entry);
  }
  return out;
}

/** One line per failed Kustomization, for the report's errors (what makes the exit code 2). */
export function failureLines(list: NotCompared[]): string[] {
  return list
    .filter((n) => n.reason === "failed")
    .map((n) => `${n.cluster} ${n.id}: ${whereFailed(n)}: ${n.errors.join("; ") || "no message"}`);
}

export function whereFailed(n: NotCompared): string {
  const b = n.baseStatus === "failed";
  const h = n.headStatus === "failed";
  if (b && h) return "fails to render on both sides";
  return b ? "fails to render at the base" : "fails to render";
}
