/**
 * Chart version selection as Flux's source-controller does it (v1.7,
 * internal/helm/repository/chart_repository.go `getChartVersion` for HelmRepository indexes and
 * oci_chart_repository.go `getLastMatchingVersionOrConstraint` for OCI tag lists):
 *
 *   1. a version string equal to one listed wins as is (also non-semver ones like "latest");
 *   2. otherwise the range is a Masterminds v3 constraint; empty or "*" means the latest stable;
 *   3. candidates must parse as fluxcd/pkg `version.ParseVersion` does: exactly three dotted
 *      parts, then semver's loose grammar ("v1.2.3" passes, "1.2" does not);
 *   4. the highest matching version wins; its original spelling is returned.
 *
 * Ties (versions equal but for build metadata) keep the listing order: Flux breaks them by the
 * index's `created` time, which callers can honour by listing newest first.
 */
import {
  type Constraints,
  parseConstraints,
  parseVersion,
  SemverError,
  type Version,
} from "../semver/index.js";

/**
 * The version `range` selects from `versions`, or undefined when none matches.
 * Throws SemverError when `range` is not a valid constraint (Flux reports it the same way).
 */
export function resolveVersion(range: string | undefined, versions: string[]): string | undefined {
  const want = (range ?? "").trim();
  if (want !== "" && versions.includes(want)) return want;
  const constraint: Constraints = parseConstraints(want === "" ? "*" : want);
  let best: { v: Version; text: string } | undefined;
  for (const text of versions) {
    const v = parseFluxVersion(text);
    if (!v || !constraint.check(v)) continue;
    if (!best || v.greaterThan(best.v)) best = { v, text };
  }
  return best?.text;
}

/** fluxcd/pkg version.ParseVersion: three dot-separated parts, then semver.NewVersion. */
export function parseFluxVersion(text: string): Version | undefined {
  if (text.split(".").length < 3) return undefined;
  try {
    return parseVersion(text);
  } catch (e) {
    if (e instanceof SemverError) return undefined;
    throw e;
  }
}

/**
 * True when `version` names one version rather than a range: Flux's OCI shortcut
 * (oci_chart_repository.go `getChartVersion`) pulls such a tag without listing tags.
 */
export function isExactVersion(version: string | undefined): boolean {
  return version !== undefined && parseFluxVersion(version.trim()) !== undefined;
}
