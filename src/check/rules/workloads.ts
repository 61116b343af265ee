/**
 * Workload policies from the seeds' maintainer checklist and the classic linters: selectors,
 * pinned images, resources and probes, backends and namespaces that exist, objects applied
 * twice, and image-automation markers that name real policies. One module per rule in
 * `workloads/`.
 */
import type { Rule } from "../types.js";
import { ingressBackendExists } from "./workloads/backends.js";
import { duplicateObject } from "./workloads/duplicates.js";
import { imageTagPinned } from "./workloads/image-tag.js";
import { imagePolicyMarker } from "./workloads/imagepolicy-marker.js";
import { namespaceExists } from "./workloads/namespaces.js";
import { containerProbes } from "./workloads/probes.js";
import { containerResources } from "./workloads/resources.js";
import { serviceSelectorMatches } from "./workloads/service-selector.js";
import { workloadSelectorMatchesTemplate } from "./workloads/workload-selector.js";

export const rules: Rule[] = [
  serviceSelectorMatches,
  workloadSelectorMatchesTemplate,
  imageTagPinned,
  containerResources,
  containerProbes,
  ingressBackendExists,
  namespaceExists,
  duplicateObject,
  imagePolicyMarker,
];
