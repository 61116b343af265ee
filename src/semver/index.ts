/**
 * Masterminds/semver v3 (v3.4.0, the version Helm 4.1.4 is built with): versions, ordering and
 * constraints, for Chart.yaml `kubeVersion` and dependency ranges, sprig's `semver` and
 * `semverCompare`, and Flux HelmRelease chart version ranges.
 */
export { Constraints, parseConstraints, parseConstraintsShared } from "./constraints.js";
export { comparePrerelease, parseStrictVersion, parseVersion, SemverError, Version } from "./version.js";
