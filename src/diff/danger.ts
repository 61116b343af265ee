/**
 * Changes that hurt when applied: fields the API server refuses to change (the apply fails
 * and the object must be replaced), volume and storage changes that lose data, and Flux
 * behaviour that deletes things (prune, removed Namespaces and CRDs) or stops reconciling.
 */
import { isMap, type KObject, type YamlValue } from "../kustomize/types.js";
import type { FieldChange } from "./fields.js";
import type { Danger } from "./model.js";
import { parseQuantity } from "./quantity.js";

interface ImmutableRule {
  group: string;
  kinds: string[];
  /** Field paths (prefixes) that cannot change in place. */
  paths: string[];
  why: string;
}

const IMMUTABLE: ImmutableRule[] = [
  {
    group: "apps",
    kinds: ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"],
    paths: ["spec.selector"],
    why: "the selector is immutable; the apply fails until the object is deleted and re-created",
  },
  {
    group: "apps",
    kinds: ["StatefulSet"],
    paths: ["spec.volumeClaimTemplates", "spec.serviceName", "spec.podManagementPolicy"],
    why: "forbidden to change on a StatefulSet; the apply fails until it is re-created (existing PVCs are kept)",
  },
  {
    group: "batch",
    kinds: ["Job"],
    paths: ["spec.template", "spec.selector", "spec.completions"],
    why: "a Job's pod template is immutable; the apply fails unless Flux force-recreates it",
  },
  {
    group: "",
    kinds: ["Service"],
    paths: ["spec.clusterIP", "spec.clusterIPs"],
    why: "clusterIP is immutable once allocated",
  },
  {
    group: "",
    kinds: ["PersistentVolumeClaim"],
    paths: ["spec.storageClassName", "spec.accessModes", "spec.volumeName", "spec.selector"],
    why: "immutable on a bound claim; the apply fails",
  },
  {
    group: "rbac.authorization.k8s.io",
    kinds: ["RoleBinding", "ClusterRoleBinding"],
    paths: ["roleRef"],
    why: "roleRef is immutable; the binding must be deleted and re-created",
  },
];

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

export function describe(obj: KObject): string {
  const md = isMap(obj.metadata) ? obj.metadata : {};
  const ns = typeof md.namespace === "string" && md.namespace ? `${md.namespace}/` : "";
  return `${String(obj.kind)} ${ns}${String(md.name ?? "")}`;
}

function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

/** Dangers of one changed object, from its field changes. */
export function changeDangers(before: KObject, after: KObject, fields: FieldChange[]): Danger[] {
  const out: Danger[] = [];
  const group = groupOf(String(after.apiVersion ?? ""));
  const kind = String(after.kind ?? "");
  const object = describe(after);
  for (const rule of IMMUTABLE) {
    if (rule.group !== group || !rule.kinds.includes(kind)) continue;
    for (const prefix of rule.paths) {
      const hit = fields.find((f) => under(f.path, prefix));
      if (hit)
        out.push({
          kind: "immutable-field",
          object,
          path: prefix,
          message: `${object}: ${prefix} changed — ${rule.why}`,
        });
    }
  }
  if (group === "" && kind === "Service") {
    const from = specString(before, "type") || "ClusterIP";
    const to = specString(after, "type") || "ClusterIP";
    if (from !== to && (from === "ExternalName" || to === "ExternalName")) {
      out.push({
        kind: "service-type",
        object,
        path: "spec.type",
        message: `${object}: type ${from} → ${to} — switching to or from ExternalName drops or allocates the cluster IP`,
      });
    }
  }
  const shrink = storageShrink(before, after, group, kind);
  if (shrink)
    out.push({ kind: "storage-shrink", object, path: shrink.path, message: `${object}: ${shrink.text}` });
  if (
    group === "kustomize.toolkit.fluxcd.io" ||
    group === "helm.toolkit.fluxcd.io" ||
    group.endsWith(".toolkit.fluxcd.io")
  ) {
    const was = isMap(before.spec) && before.spec.suspend === true;
    const now = isMap(after.spec) && after.spec.suspend === true;
    if (was !== now) {
      out.push({
        kind: "suspend-flip",
        object,
        path: "spec.suspend",
        message: now
          ? `${object}: suspended — Flux stops reconciling it (drift is no longer corrected)`
          : `${object}: resumed — Flux applies everything that changed while it was suspended`,
      });
    }
  }
  return out;
}

function specString(obj: KObject, key: string): string {
  const v = isMap(obj.spec) ? obj.spec[key] : undefined;
  return typeof v === "string" ? v : "";
}

function storageShrink(
  before: KObject,
  after: KObject,
  group: string,
  kind: string,
): { path: string; text: string } | undefined {
  const sizes: Array<[string, YamlValue | undefined, YamlValue | undefined]> = [];
  if (group === "" && kind === "PersistentVolumeClaim") {
    sizes.push(["spec.resources.requests.storage", storageOf(before.spec), storageOf(after.spec)]);
  }
  if (group === "apps" && kind === "StatefulSet") {
    const templates = (o: KObject) => {
      const t =
        isMap(o.spec) && Array.isArray(o.spec.volumeClaimTemplates) ? o.spec.volumeClaimTemplates : [];
      const m = new Map<string, YamlValue | undefined>();
      for (const x of t) if (isMap(x) && isMap(x.metadata)) m.set(String(x.metadata.name), storageOf(x.spec));
      return m;
    };
    const a = templates(before);
    for (const [name, size] of templates(after)) {
      sizes.push([
        `spec.volumeClaimTemplates[metadata.name=${name}].spec.resources.requests.storage`,
        a.get(name),
        size,
      ]);
    }
  }
  for (const [path, a, b] of sizes) {
    const x = parseQuantity(a);
    const y = parseQuantity(b);
    if (x !== undefined && y !== undefined && y < x) {
      return {
        path,
        text: `storage shrinks ${String(a)} → ${String(b)} — volumes cannot shrink; the claim is refused`,
      };
    }
  }
  return undefined;
}

function storageOf(spec: YamlValue | undefined): YamlValue | undefined {
  if (!isMap(spec) || !isMap(spec.resources) || !isMap(spec.resources.requests)) return undefined;
  return spec.resources.requests.storage;
}

/** Dangers of an object that disappears (pruned by Flux when its Kustomization prunes). */
export function removalDangers(obj: KObject): Danger[] {
  const group = groupOf(String(obj.apiVersion ?? ""));
  const object = describe(obj);
  if (group === "" && obj.kind === "Namespace") {
    return [
      {
        kind: "namespace-removed",
        object,
        message: `${object} removed — deleting a Namespace deletes everything in it`,
      },
    ];
  }
  if (group === "apiextensions.k8s.io" && obj.kind === "CustomResourceDefinition") {
    return [
      {
        kind: "crd-removed",
        object,
        message: `${object} removed — deleting a CRD deletes every custom resource of that kind`,
      },
    ];
  }
  return [];
}
