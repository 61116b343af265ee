/**
 * ConfigMaps and Secrets a cluster has that no Flux Kustomization applies as such, so that a
 * `postBuild.substituteFrom` naming them is not reported missing:
 * - Secrets made by a controller from an object in the repository: an external-secrets
 *   `ExternalSecret` (its `spec.target`) and a Bitnami `SealedSecret`. Their values are not in
 *   Git; each key they are known to have gets a placeholder value, and one whose keys cannot be
 *   known offline (`dataFrom`, a template) is marked open.
 * - Objects `slipway.yaml` declares under `clusterObjects` (made by the bootstrap or Terraform),
 *   with the data the user gives (real values or placeholders).
 */
import { isMap, type KObject, type YamlMap, type YamlValue } from "../kustomize/types.js";
import { type LabelSelector, selectorMatches } from "../operator/resourceset.js";
import { groupOf, metaString, specOf } from "./flux-objects.js";

export interface ClusterObjectConfig {
  kind: "ConfigMap" | "Secret";
  namespace: string;
  name: string;
  data: Record<string, string>;
  /** Cluster names it exists in; undefined: every cluster. */
  clusters?: string[];
}

/** A Secret a controller creates from an object of the repository. */
export interface ProducedSecret {
  secret: KObject;
  /** Keys beyond the listed ones may exist (`dataFrom`, templates): variables cannot be checked. */
  open: boolean;
  /** What produces it, for messages: `ExternalSecret apps/db`. */
  producer: string;
}

/** The value a key of a produced Secret gets: its real value is only in the cluster. */
export function placeholderValue(key: string): string {
  const slug = key
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `placeholder-${slug}`.slice(0, 63).replace(/-+$/, "");
}

function secretObject(namespace: string, name: string, stringData: Record<string, string>): KObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, ...(namespace ? { namespace } : {}) },
    stringData,
  };
}

function stringKeys(v: YamlValue | undefined): string[] {
  return isMap(v) ? Object.keys(v) : [];
}

/** external-secrets: the Secret an ExternalSecret owns, unless it only merges into one or creates none. */
function fromExternalSecret(obj: KObject): ProducedSecret | undefined {
  const spec = specOf(obj);
  const target: YamlMap = isMap(spec.target) ? spec.target : {};
  const policy = typeof target.creationPolicy === "string" ? target.creationPolicy : "Owner";
  if (policy === "Merge" || policy === "None") return undefined;
  const name = typeof target.name === "string" && target.name !== "" ? target.name : metaString(obj, "name");
  const template: YamlMap = isMap(target.template) ? target.template : {};
  const templated = stringKeys(template.data);
  const keys = Array.isArray(spec.data)
    ? spec.data.filter(isMap).flatMap((d) => (typeof d.secretKey === "string" ? [d.secretKey] : []))
    : [];
  // With a template, the Secret holds the template's keys (plus the fetched ones only when
  // mergePolicy is Merge); dataFrom brings keys that only the provider knows.
  const mergeFetched = template.mergePolicy === "Merge";
  const listed = templated.length > 0 ? (mergeFetched ? [...templated, ...keys] : templated) : keys;
  const open =
    (Array.isArray(spec.dataFrom) && spec.dataFrom.length > 0 && (templated.length === 0 || mergeFetched)) ||
    isMap(template.templateFrom) ||
    Array.isArray(template.templateFrom);
  const namespace = metaString(obj, "namespace");
  return {
    secret: secretObject(namespace, name, Object.fromEntries(listed.map((k) => [k, placeholderValue(k)]))),
    open,
    producer: `ExternalSecret ${namespace ? `${namespace}/` : ""}${metaString(obj, "name")}`,
  };
}

/** sealed-secrets: the Secret has the SealedSecret's name, its encryptedData keys and its template's data. */
function fromSealedSecret(obj: KObject): ProducedSecret {
  const spec = specOf(obj);
  const template: YamlMap = isMap(spec.template) ? spec.template : {};
  const templateData: YamlMap = isMap(template.data) ? template.data : {};
  const data: Record<string, string> = {};
  for (const k of stringKeys(spec.encryptedData)) data[k] = placeholderValue(k);
  for (const [k, v] of Object.entries(templateData))
    data[k] = typeof v === "string" ? v : placeholderValue(k);
  const namespace = metaString(obj, "namespace");
  return {
    secret: secretObject(namespace, metaString(obj, "name"), data),
    open: false,
    producer: `SealedSecret ${namespace ? `${namespace}/` : ""}${metaString(obj, "name")}`,
  };
}

/**
 * A Secret of the repository with each of its keys' values replaced by a placeholder (values the
 * caller must not read: encrypted, or secret where a plain value is shown).
 */
export function placeholderSecret(obj: KObject): KObject {
  const data: Record<string, string> = {};
  for (const k of [...stringKeys(obj.data), ...stringKeys(obj.stringData)]) data[k] = placeholderValue(k);
  return secretObject(metaString(obj, "namespace"), metaString(obj, "name"), data);
}

/** The Secret a rendered object makes a controller create, if it is an ExternalSecret or a SealedSecret. */
export function producedSecret(obj: KObject): ProducedSecret | undefined {
  // The kind first: this runs on every rendered object, and few are either kind.
  if (obj.kind === "ExternalSecret" && groupOf(obj) === "external-secrets.io") return fromExternalSecret(obj);
  if (obj.kind === "SealedSecret" && groupOf(obj) === "bitnami.com") return fromSealedSecret(obj);
  return undefined;
}

/**
 * external-secrets' ClusterExternalSecret: an ExternalSecret (`spec.externalSecretSpec`, named
 * `spec.externalSecretName` or the object's name) in every namespace its `namespaceSelectors`,
 * deprecated `namespaceSelector` or `namespaces` pick; no selector and no list pick none
 * (ahgraber/homelab-gitops-k3s makes `cluster-secrets` in every namespace this way).
 */
export interface ClusterProducedSecret {
  /** Whether it makes its Secret in `namespace`, whose labels are `labels` ({} when not rendered). */
  selects(namespace: string, labels: Record<string, string>): boolean;
  /** The Secret it makes in `namespace`. */
  secretIn(namespace: string): ProducedSecret | undefined;
}

export function clusterProducedSecret(obj: KObject): ClusterProducedSecret | undefined {
  if (obj.kind !== "ClusterExternalSecret" || groupOf(obj) !== "external-secrets.io") return undefined;
  const spec = specOf(obj);
  const selectors: LabelSelector[] = [];
  if (Array.isArray(spec.namespaceSelectors))
    for (const s of spec.namespaceSelectors) selectors.push(...selectorOf(s));
  selectors.push(...selectorOf(spec.namespaceSelector));
  const listed = new Set(
    Array.isArray(spec.namespaces) ? spec.namespaces.filter((n) => typeof n === "string") : [],
  );
  const name =
    (typeof spec.externalSecretName === "string" && spec.externalSecretName) || metaString(obj, "name");
  const externalSecretSpec = isMap(spec.externalSecretSpec) ? spec.externalSecretSpec : {};
  return {
    selects: (namespace, labels) =>
      listed.has(namespace) || selectors.some((s) => selectorMatches(s, labels)),
    secretIn: (namespace) => {
      const made = fromExternalSecret({
        apiVersion: "external-secrets.io/v1",
        kind: "ExternalSecret",
        metadata: { name, namespace },
        spec: externalSecretSpec,
      });
      return (
        made && {
          ...made,
          producer: `ClusterExternalSecret ${metaString(obj, "name")} (ExternalSecret ${namespace}/${name})`,
        }
      );
    },
  };
}

/** A LabelSelector as written; none for one that is not a map or uses an unknown operator. */
function selectorOf(v: YamlValue | undefined): LabelSelector[] {
  if (!isMap(v)) return [];
  const matchLabels: Record<string, string> = {};
  if (isMap(v.matchLabels))
    for (const [k, x] of Object.entries(v.matchLabels)) if (typeof x === "string") matchLabels[k] = x;
  const matchExpressions: LabelSelector["matchExpressions"] = [];
  for (const e of Array.isArray(v.matchExpressions) ? v.matchExpressions : []) {
    if (!isMap(e) || typeof e.key !== "string" || typeof e.operator !== "string") return [];
    if (!["In", "NotIn", "Exists", "DoesNotExist"].includes(e.operator)) return [];
    const values = Array.isArray(e.values) ? e.values.filter((x) => typeof x === "string") : [];
    matchExpressions.push({ key: e.key, operator: e.operator, values });
  }
  return [{ matchLabels, matchExpressions }];
}

/** The objects `slipway.yaml` declares for a cluster, as the API server would hold them. */
export function declaredObjects(config: ClusterObjectConfig[] | undefined, cluster: string): KObject[] {
  return (config ?? [])
    .filter((c) => c.clusters === undefined || c.clusters.includes(cluster))
    .map((c) =>
      c.kind === "Secret"
        ? secretObject(c.namespace, c.name, { ...c.data })
        : {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: c.name, namespace: c.namespace },
            data: { ...c.data },
          },
    );
}

/** Parses `clusterObjects` of slipway.yaml; `fail` throws with the file named. */
export function parseClusterObjects(raw: YamlValue, fail: (message: string) => never): ClusterObjectConfig[] {
  if (!Array.isArray(raw)) return fail("clusterObjects must be a list");
  const seen = new Set<string>();
  return raw.map((o, i) => {
    const where = `clusterObjects[${i}]`;
    if (!isMap(o)) return fail(`${where} must be a map`);
    for (const key of Object.keys(o)) {
      if (!["kind", "namespace", "name", "data", "clusters"].includes(key))
        fail(`${where}: unknown field '${key}'`);
    }
    if (o.kind !== "ConfigMap" && o.kind !== "Secret")
      return fail(`${where}.kind must be ConfigMap or Secret`);
    const text = (v: YamlValue | undefined, field: string): string => {
      if (typeof v !== "string" || v === "") return fail(`${where}.${field} must be a non-empty string`);
      return v;
    };
    const data: Record<string, string> = {};
    if (o.data !== undefined && o.data !== null) {
      if (!isMap(o.data)) fail(`${where}.data must be a map of strings`);
      for (const [k, v] of Object.entries(o.data as YamlMap)) {
        if (v !== null && typeof v === "object") fail(`${where}.data.${k} must be a string`);
        data[k] = v === null ? "" : String(v);
      }
    }
    let clusters: string[] | undefined;
    if (o.clusters !== undefined && o.clusters !== null) {
      if (!Array.isArray(o.clusters) || o.clusters.some((c) => typeof c !== "string" || c === ""))
        fail(`${where}.clusters must be a list of cluster names`);
      clusters = o.clusters as string[];
    }
    const config: ClusterObjectConfig = {
      kind: o.kind,
      namespace: text(o.namespace, "namespace"),
      name: text(o.name, "name"),
      data,
      ...(clusters ? { clusters } : {}),
    };
    const key = `${config.kind}/${config.namespace}/${config.name}`;
    if (seen.has(key)) fail(`${where}: ${key} is declared twice`);
    seen.add(key);
    return config;
  });
}
