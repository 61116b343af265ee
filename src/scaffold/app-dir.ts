/**
 * The home-operations layout (onedr0p/home-ops, bjw-s-labs/home-ops and the cluster template
 * they share): under the apps root, one directory per namespace whose kustomization lists
 * `./<app>/ks.yaml`; each app a directory holding its Flux Kustomization (`ks.yaml`, path
 * `<root>/<namespace>/<app>/app`, targetNamespace its namespace) and its objects in `app/`.
 * There are no per-environment overlays: the tree serves every cluster that reads the root.
 */
import * as path from "node:path";
import { isMap, type KObject, type YamlValue } from "../kustomize/types.js";
import type { Cluster } from "../platform/model.js";
import type { SourceFiles } from "../promote/sources.js";
import { kustomizationFileOf } from "../promote/writers.js";
import type { Conventions } from "./conventions.js";
import {
  addResource,
  createFile,
  fluxKustomizationLike,
  isDnsLabel,
  type ScaffoldPlan,
  yamlFile,
} from "./files.js";

export interface AppDirRequest {
  name: string;
  /** The namespace directory the app joins (created, shaped like its neighbour's, if new). */
  namespace: string;
  dependsOn: string[];
  /** --env named some clusters only: this layout's tree serves every cluster reading the root. */
  subset?: boolean;
  /** The app's own files in `app/`, in the order its kustomization lists them. */
  objects: Array<{ file: string; docs: KObject[]; comment?: string }>;
}

/** `<root>/<namespace>/<app>/{ks.yaml, app/}`: the files, and the namespace's listing. */
export function planAppDir(
  plan: ScaffoldPlan,
  files: SourceFiles,
  conv: Conventions,
  clusters: Cluster[],
  req: AppDirRequest,
): void {
  if (!isDnsLabel(req.namespace)) {
    plan.errors.push(`--namespace ${req.namespace}: not a valid namespace name`);
    return;
  }
  if (req.subset) {
    plan.errors.push(
      "--env: in this layout one tree of apps serves every cluster that reads it; an app cannot be added to some clusters only",
    );
    return;
  }
  const learnt = conv.clusters.find((c) => c.learntFrom !== undefined);
  if (!learnt?.learntFrom) {
    plan.errors.push("no app to learn the layout from");
    return;
  }
  const rootDir = conv.root === "" || conv.root === "." ? "" : `${conv.root}/`;
  const groupDir = `${rootDir}${req.namespace}`;
  const appDir = `${groupDir}/${req.name}`;
  const file = (p: string, docs: KObject[], comment?: string) =>
    createFile(plan, files, p, yamlFile(docs, conv.indentSeq, comment));

  file(`${appDir}/app/kustomization.yaml`, [
    {
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      resources: req.objects.map((o) => `./${o.file}`),
    },
  ]);
  for (const o of req.objects) file(`${appDir}/app/${o.file}`, o.docs, o.comment);

  // Flux Kustomizations live in their namespace here: a dependency elsewhere names its namespace.
  const deps = req.dependsOn.map((d): Record<string, YamlValue> => {
    const k = clusters.flatMap((c) => c.kustomizations).find((x) => x.name === d);
    return k && k.namespace !== req.namespace ? { name: d, namespace: k.namespace } : { name: d };
  });
  const ks = fluxKustomizationLike(learnt.template, req.name, `${appDir}/app`, deps);
  const spec = ks.spec as Record<string, YamlValue>;
  keepSharedSubstitutions(spec, clusters);
  const template = isMap(learnt.template.spec) ? learnt.template.spec : {};
  if (typeof template.targetNamespace === "string") spec.targetNamespace = req.namespace;
  file(`${appDir}/ks.yaml`, [ks]);

  const listing = kustomizationFileOf(files, groupDir);
  if (listing) {
    addResource(plan, files, listing, `${entryPrefix(files, listing)}${req.name}/ks.yaml`);
    return;
  }
  if (files.fs.exists(files.absolute(groupDir)) && !files.fs.isDirectory(files.absolute(groupDir))) {
    plan.errors.push(`${groupDir} exists and is not a directory`);
    return;
  }
  newGroup(plan, files, conv, path.posix.dirname(path.posix.dirname(learnt.learntFrom)), groupDir, req);
}

/**
 * A new namespace directory modelled on the neighbour's: its components (namespace creation,
 * alerts, ...), its Namespace file with the new name, and the app's ks.yaml listed. The apps root
 * lists it when it has a kustomization of its own (else Flux's generated one finds it).
 */
function newGroup(
  plan: ScaffoldPlan,
  files: SourceFiles,
  conv: Conventions,
  neighbourDir: string,
  groupDir: string,
  req: AppDirRequest,
): void {
  const neighbourListing = kustomizationFileOf(files, neighbourDir);
  const neighbour = neighbourListing ? files.get(neighbourListing)?.docs[0]?.value : undefined;
  const model = isMap(neighbour) ? neighbour : {};
  const dot = neighbourListing ? entryPrefix(files, neighbourListing) : "";
  const resources: string[] = [];
  for (const r of Array.isArray(model.resources) ? model.resources : []) {
    // A file of the namespace directory itself holding a Namespace: the new one gets its own.
    if (typeof r !== "string" || r.replace(/^\.\//, "").includes("/")) continue;
    const docs = files.get(`${neighbourDir}/${r.replace(/^\.\//, "")}`)?.docs ?? [];
    const ns = docs
      .map((d) => d.value)
      .find((v) => isMap(v) && v.kind === "Namespace" && v.apiVersion === "v1");
    if (!isMap(ns)) continue;
    const md = isMap(ns.metadata) ? ns.metadata : {};
    createFile(
      plan,
      files,
      `${groupDir}/${r.replace(/^\.\//, "")}`,
      yamlFile(
        [
          {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: {
              name: req.namespace,
              ...(isMap(md.labels) ? { labels: md.labels } : {}),
              ...(isMap(md.annotations) ? { annotations: md.annotations } : {}),
            },
          },
        ],
        conv.indentSeq,
      ),
    );
    resources.push(r);
  }
  resources.push(`${dot}${req.name}/ks.yaml`);
  const listing: KObject = {
    apiVersion: typeof model.apiVersion === "string" ? model.apiVersion : "kustomize.config.k8s.io/v1beta1",
    kind: "Kustomization",
    namespace: req.namespace,
    ...(Array.isArray(model.components) ? { components: model.components } : {}),
    resources,
  };
  createFile(plan, files, `${groupDir}/kustomization.yaml`, yamlFile([listing], conv.indentSeq));
  plan.notes.push(`new namespace directory ${groupDir}, shaped like ${neighbourDir}`);
  const root = path.posix.dirname(groupDir);
  const rootListing = kustomizationFileOf(files, root === "." ? "" : root);
  if (rootListing) addResource(plan, files, rootListing, `${dot}${req.namespace}`);
}

/**
 * Each app of this layout is its own Flux Kustomization, so a neighbour's `substituteFrom` may
 * be its own (a Secret of that app): only the sources most of the cluster's Flux Kustomizations
 * read (cluster settings) are kept.
 */
function keepSharedSubstitutions(spec: Record<string, YamlValue>, clusters: Cluster[]): void {
  const postBuild = spec.postBuild;
  if (!isMap(postBuild) || !Array.isArray(postBuild.substituteFrom)) return;
  const all = clusters.flatMap((c) => c.kustomizations.filter((k) => !k.synthetic && k.appliedBy));
  const key = (ref: YamlValue) => (isMap(ref) ? `${String(ref.kind)}/${String(ref.name)}` : "");
  const readers = new Map<string, number>();
  for (const k of all) {
    const pb = isMap(k.object.spec) && isMap(k.object.spec.postBuild) ? k.object.spec.postBuild : undefined;
    const refs = pb && Array.isArray(pb.substituteFrom) ? pb.substituteFrom : [];
    for (const r of new Set(refs.map(key))) readers.set(r, (readers.get(r) ?? 0) + 1);
  }
  const shared = postBuild.substituteFrom.filter((r) => 2 * (readers.get(key(r)) ?? 0) >= all.length);
  if (shared.length > 0) spec.postBuild = { ...postBuild, substituteFrom: shared };
  else delete spec.postBuild;
}

/** "./" when the kustomization file writes its list entries so (`- ./app/ks.yaml`), else "". */
function entryPrefix(files: SourceFiles, kustomization: string): string {
  return /^\s*-\s+\.\//m.test(files.get(kustomization)?.text ?? "") ? "./" : "";
}
