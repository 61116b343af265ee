/**
 * What the Flux Operator fills in at apply time from ConfigMaps and Secrets
 * (internal/controller/resourceset_controller_configs.go), done offline from the objects the
 * cluster renders:
 * - `fluxcd.controlplane.io/copyFrom: ns/name` on a ConfigMap copies `data`/`binaryData`, on a
 *   Secret copies `type` (when unset) and the data as `stringData`;
 * - `fluxcd.controlplane.io/checksumFrom: Kind/ns/name,...` on any `metadata.annotations`
 *   writes `fluxcd.controlplane.io/checksum: sha256:…` over the referenced data (objects of the
 *   same ResourceSet first, then the cluster);
 * - `fluxcd.controlplane.io/convertKubeConfigFrom` reads a kubeconfig Secret.
 * When the referenced object is not rendered (it exists only in the cluster) or is still
 * encrypted, the object is left as written and a note says what the cluster would add.
 */
import { createHash } from "node:crypto";
import { isMap, type KObject, type YamlMap, type YamlValue } from "../kustomize/types.js";

export const COPY_FROM = "fluxcd.controlplane.io/copyFrom";
export const CHECKSUM_FROM = "fluxcd.controlplane.io/checksumFrom";
export const CHECKSUM = "fluxcd.controlplane.io/checksum";
export const CONVERT_KUBECONFIG_FROM = "fluxcd.controlplane.io/convertKubeConfigFrom";

/** A ConfigMap or Secret of the cluster, by `Kind/namespace/name`; undefined when not rendered. */
export type ClusterObjectLookup = (
  kind: "ConfigMap" | "Secret",
  namespace: string,
  name: string,
) => KObject | undefined;

export interface ClusterDataResult {
  /** What could not be done offline, one line per object and annotation. */
  notes: string[];
  /** Hard errors the operator would report (malformed annotation values). */
  errors: string[];
}

/** Applies copyFrom, convertKubeConfigFrom and checksumFrom in the operator's order, in place. */
export function applyClusterData(objects: KObject[], lookup: ClusterObjectLookup): ClusterDataResult {
  const result: ClusterDataResult = { notes: [], errors: [] };
  for (const obj of objects) copyFrom(obj, lookup, result);
  for (const obj of objects) convertKubeConfig(obj, result);
  const inSet = new Map<string, KObject>();
  for (const o of objects) {
    if ((o.kind === "ConfigMap" || o.kind === "Secret") && o.apiVersion === "v1")
      inSet.set(refKey(String(o.kind), ns(o), name(o)), o);
  }
  for (const obj of objects) walkChecksums(obj, obj, inSet, lookup, result);
  return result;
}

function copyFrom(obj: KObject, lookup: ClusterObjectLookup, result: ClusterDataResult): void {
  if (obj.apiVersion !== "v1") return;
  const source = annotations(obj)[COPY_FROM];
  if (source === undefined) return;
  const parts = source.split("/");
  const where = `${String(obj.kind)} ${ns(obj)}/${name(obj)}`;
  if (parts.length !== 2) {
    result.errors.push(
      `${where}: invalid ${COPY_FROM} annotation value '${source}' must be in the format 'namespace/name'`,
    );
    return;
  }
  const [sns, sname] = parts as [string, string];
  if (obj.kind !== "ConfigMap" && obj.kind !== "Secret") return;
  const src = lookup(obj.kind, sns, sname);
  if (!src) {
    result.notes.push(
      `${where}: its data is copied from ${obj.kind} ${source} at apply time (${COPY_FROM}), which this repository does not render: shown without it`,
    );
    return;
  }
  if (obj.kind === "ConfigMap") {
    // unstructured.SetNestedStringMap writes a map even for a ConfigMap without data: `data: {}`.
    obj.data = isMap(src.data) ? { ...src.data } : {};
    if (isMap(src.binaryData) && Object.keys(src.binaryData).length > 0)
      obj.binaryData = { ...src.binaryData };
    return;
  }
  const data = secretData(src);
  if (data === undefined) {
    result.notes.push(
      `${where}: its data is copied from Secret ${source}, which is still encrypted here: shown without it`,
    );
    return;
  }
  if (obj.type === undefined) obj.type = typeof src.type === "string" && src.type ? src.type : "Opaque";
  const stringData: YamlMap = {};
  for (const [k, v] of Object.entries(data)) stringData[k] = v.toString("utf8");
  obj.stringData = stringData;
}

function convertKubeConfig(obj: KObject, result: ClusterDataResult): void {
  if (obj.apiVersion !== "v1" || obj.kind !== "ConfigMap") return;
  const source = annotations(obj)[CONVERT_KUBECONFIG_FROM];
  if (source === undefined) return;
  const where = `ConfigMap ${ns(obj)}/${name(obj)}`;
  if (!/^[^/:]+\/[^/:]+(:[^/:]+)?$/.test(source)) {
    result.errors.push(
      `${where}: invalid ${CONVERT_KUBECONFIG_FROM} annotation value '${source}' must be in the format 'namespace/name' or 'namespace/name:key'`,
    );
    return;
  }
  result.notes.push(
    `${where}: 'address' and 'ca.crt' are read from the kubeconfig in Secret ${source} at apply time (${CONVERT_KUBECONFIG_FROM}): shown without them`,
  );
}

function walkChecksums(
  node: YamlValue,
  owner: KObject,
  inSet: Map<string, KObject>,
  lookup: ClusterObjectLookup,
  result: ClusterDataResult,
): void {
  if (Array.isArray(node)) {
    for (const item of node) walkChecksums(item, owner, inSet, lookup, result);
    return;
  }
  if (!isMap(node)) return;
  const meta = node.metadata;
  if (isMap(meta) && isMap(meta.annotations)) {
    const raw = meta.annotations[CHECKSUM_FROM];
    if (typeof raw === "string" && raw !== "") {
      const sum = checksum(raw, owner, inSet, lookup, result);
      if (sum !== undefined) meta.annotations[CHECKSUM] = sum;
    }
  }
  for (const v of Object.values(node)) walkChecksums(v, owner, inSet, lookup, result);
}

function checksum(
  refs: string,
  owner: KObject,
  inSet: Map<string, KObject>,
  lookup: ClusterObjectLookup,
  result: ClusterDataResult,
): string | undefined {
  const where = `${String(owner.kind)} ${ns(owner)}/${name(owner)}`;
  const chunks: Buffer[] = [];
  for (const part of refs.split(",")) {
    const ref = part.trim();
    if (ref === "") continue;
    const p = ref.split("/");
    if (p.length !== 3 || p.some((x) => x === "")) {
      result.errors.push(
        `${where}: invalid ${CHECKSUM_FROM} reference '${ref}' must be in the format 'Kind/namespace/name'`,
      );
      return undefined;
    }
    const [kind, rns, rname] = p as [string, string, string];
    if (kind !== "ConfigMap" && kind !== "Secret") {
      result.errors.push(
        `${where}: unsupported kind '${kind}' in ${CHECKSUM_FROM}, only ConfigMap and Secret are allowed`,
      );
      return undefined;
    }
    const src = inSet.get(refKey(kind, rns, rname)) ?? lookup(kind, rns, rname);
    const data = src ? canonicalData(src) : undefined;
    if (!data) {
      result.notes.push(
        `${where}: ${CHECKSUM} is computed from ${kind} ${rns}/${rname} at apply time, which this repository does not render${src ? " in plaintext" : ""}: shown without it`,
      );
      return undefined;
    }
    chunks.push(Buffer.from(`${refKey(kind, rns, rname)}\0`));
    for (const k of Object.keys(data).sort(byteOrder)) {
      chunks.push(Buffer.from(`${k}\0`), data[k]!, Buffer.from("\0"));
    }
  }
  return `sha256:${createHash("sha256").update(Buffer.concat(chunks)).digest("hex")}`;
}

/** canonicalFromUnstructured: ConfigMap data + binaryData; Secret data with stringData over it. */
function canonicalData(obj: KObject): Record<string, Buffer> | undefined {
  if (obj.kind === "ConfigMap") {
    const out: Record<string, Buffer> = {};
    if (isMap(obj.data))
      for (const [k, v] of Object.entries(obj.data)) out[k] = Buffer.from(String(v ?? ""), "utf8");
    if (isMap(obj.binaryData))
      for (const [k, v] of Object.entries(obj.binaryData)) out[k] = Buffer.from(String(v ?? ""), "base64");
    return out;
  }
  return secretData(obj);
}

/** A Secret's data as bytes (stringData over data); undefined when still SOPS-encrypted. */
function secretData(obj: KObject): Record<string, Buffer> | undefined {
  if (isMap(obj.sops)) return undefined;
  const out: Record<string, Buffer> = {};
  if (isMap(obj.data))
    for (const [k, v] of Object.entries(obj.data)) out[k] = Buffer.from(String(v ?? ""), "base64");
  if (isMap(obj.stringData))
    for (const [k, v] of Object.entries(obj.stringData)) out[k] = Buffer.from(String(v ?? ""), "utf8");
  const encrypted = Object.values(out).some((b) => b.toString("utf8").startsWith("ENC["));
  return encrypted ? undefined : out;
}

function annotations(obj: KObject): Record<string, string> {
  const meta = isMap(obj.metadata) ? obj.metadata : {};
  const a = isMap(meta.annotations) ? meta.annotations : {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) if (typeof v === "string") out[k] = v;
  return out;
}

function ns(obj: KObject): string {
  const meta = isMap(obj.metadata) ? obj.metadata : {};
  return typeof meta.namespace === "string" ? meta.namespace : "";
}

function name(obj: KObject): string {
  const meta = isMap(obj.metadata) ? obj.metadata : {};
  return typeof meta.name === "string" ? meta.name : "";
}

function refKey(kind: string, namespace: string, n: string): string {
  return `${kind}/${namespace}/${n}`;
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
