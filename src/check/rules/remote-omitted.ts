/**
 * Remote entries a Kustomization's build left out (Slipway builds offline), as findings: one per
 * file and kind of entry, not one per URL. A kustomization listing a dozen CRD files of a
 * release (`https://raw.githubusercontent.com/…/crd/bases/…_backups.yaml`, `…_clusters.yaml`, …)
 * is one thing to vendor, and twelve near-identical warnings hid the rest of the report.
 */
import type { PlatformError } from "../../platform/model.js";

/**
 * The left-out entries of `errors` grouped by file and kind (a remote resource, or a remote file
 * a generator reads): each group under its first entry, in the order of `errors`. Entries without
 * a record of what was left out stay alone.
 */
export function groupOmitted(errors: readonly PlatformError[]): Map<PlatformError, PlatformError[]> {
  const groups = new Map<PlatformError, PlatformError[]>();
  const byKey = new Map<string, PlatformError[]>();
  for (const e of errors) {
    if (e.code !== "REMOTE_RESOURCE_OMITTED" || e.omitted === undefined) continue;
    const key = `${e.file ?? ""}\0${e.omitted.generated === undefined ? "resource" : "generated"}`;
    const group = byKey.get(key);
    if (group) group.push(e);
    else {
      const first = [e];
      byKey.set(key, first);
      groups.set(e, first);
    }
  }
  return groups;
}

/** What a group of left-out entries says: its single entry's message, or all of them at once. */
export function omittedMessage(group: readonly PlatformError[]): string {
  const [first] = group;
  if (first === undefined) return "";
  if (group.length === 1 || first.omitted === undefined) return first.message;
  const urls = group.map((e) => `'${e.omitted?.resource ?? ""}'`).join(", ");
  if (first.omitted.generated === undefined)
    return `${group.length} remote resources are not rendered or checked: Slipway builds offline (Flux fetches them). Vendor them into the repository and refer to them by local paths to check them: ${urls}`;
  const objects = [...new Set(group.map((e) => e.omitted?.generated ?? ""))];
  const what =
    objects.length === 1
      ? `${objects[0]} is not rendered or checked: its generator reads`
      : `${objects.join(", ")} are not rendered or checked: their generators read`;
  return `${what} ${group.length} remote files (${urls}), and Slipway builds offline (Flux fetches them). Vendor the files into the repository and refer to them by local paths to check them`;
}
