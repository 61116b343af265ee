/**
 * `slipway new service NAME`: the seeds' service layout — a base (Namespace, ServiceAccount,
 * Deployment, Service), one overlay per environment pinning the image tag, an optional
 * component — and a Flux Kustomization per cluster with its dependsOn, each shaped like the
 * repository's existing apps (conventions.ts).
 */
import * as path from "node:path";
import { findCluster } from "../diff/index.js";
import { ALWAYS_PRESENT_NAMESPACES } from "../kubernetes-made.js";
import type { KObject } from "../kustomize/types.js";
import type { Cluster, Platform } from "../platform/model.js";
import type { SourceFiles } from "../promote/sources.js";
import { kustomizationFileOf } from "../promote/writers.js";
import { planAppDir } from "./app-dir.js";
import {
  basePath,
  type ClusterConventions,
  type Conventions,
  componentsPath,
  detectConventions,
  overlayPath,
} from "./conventions.js";
import {
  addResource,
  appendDocument,
  createFile,
  emptyPlan,
  fluxKustomizationLike,
  isDnsLabel,
  type ScaffoldPlan,
  yamlFile,
} from "./files.js";

export interface AppRequest {
  name: string;
  /** Cluster names; empty: every cluster. */
  envs: string[];
  dependsOn: string[];
  /** The namespace (directory, in the home-operations layout). */
  namespace?: string;
}

export interface ServiceRequest extends AppRequest {
  /** `repo` or `repo:tag` (default: the repository's registry + name, tag 0.1.0). */
  image?: string;
  port: number;
  /** An optional component the overlays include (`components/<name>`). */
  component?: string;
}

/** Checks shared by every app scaffold; returns the clusters, or records errors. */
export function appClusters(platform: Platform, req: AppRequest, plan: ScaffoldPlan): Cluster[] {
  if (!isDnsLabel(req.name)) {
    plan.errors.push(`'${req.name}' is not a valid name (lowercase letters, digits and '-', at most 63)`);
    return [];
  }
  // Both become directory names and YAML: `../x` would put files outside the app (or the
  // repository) before the render caught it, if it did.
  if (req.namespace !== undefined && !isDnsLabel(req.namespace)) {
    plan.errors.push(`--namespace ${req.namespace}: not a valid namespace name`);
    return [];
  }
  let clusters: Cluster[];
  try {
    clusters = req.envs.length > 0 ? req.envs.map((e) => findCluster(platform, e)) : platform.clusters;
  } catch (e) {
    plan.errors.push((e as Error).message);
    return [];
  }
  if (clusters.length === 0) plan.errors.push("the repository has no clusters to add an app to");
  for (const c of clusters) {
    if (c.kustomizations.some((k) => k.name === req.name))
      plan.errors.push(`${c.name} already has a Flux Kustomization named '${req.name}'`);
    for (const d of req.dependsOn) {
      if (!c.kustomizations.some((k) => k.name === d)) {
        const known = c.kustomizations.filter((k) => k.appliedBy).map((k) => k.name);
        plan.errors.push(
          `--depends-on ${d}: ${c.name} has no Flux Kustomization named '${d}' (it has: ${known.join(", ")})`,
        );
      }
    }
  }
  return clusters;
}

export function planNewService(platform: Platform, files: SourceFiles, req: ServiceRequest): ScaffoldPlan {
  const plan = emptyPlan();
  const clusters = appClusters(platform, req, plan);
  if (req.component !== undefined && !isDnsLabel(req.component))
    plan.errors.push(
      `--component ${req.component}: not a valid name (lowercase letters, digits and '-', at most 63)`,
    );
  if (plan.errors.length > 0) return plan;
  const conv = detectConventions(platform, files, {
    envs: clusters.map((c) => c.name),
    predicate: (k) => !hasHelmRelease(k),
  });
  describeConventions(conv, plan);
  const image = imageOf(req, conv);
  const labels = { "app.kubernetes.io/name": req.name };
  if (conv.layout === "app-dir") {
    if (req.component)
      plan.errors.push("--component: this repository's app layout has no overlays to include it");
    planAppDir(plan, files, conv, clusters, {
      name: req.name,
      namespace: req.namespace ?? req.name,
      subset: clusters.length < platform.clusters.length,
      dependsOn: req.dependsOn,
      objects: [
        { file: "serviceaccount.yaml", docs: [serviceAccount(req.name)] },
        { file: "deployment.yaml", docs: [deployment(req.name, image.ref, req.port)] },
        { file: "service.yaml", docs: [service(req.name)] },
      ],
    });
    return plan;
  }
  const base = basePath(conv, req.name);
  const file = (p: string, docs: KObject[], comment?: string) =>
    createFile(plan, files, p, yamlFile(docs, conv.indentSeq, comment));

  // The service's namespace is its name; one the cluster has (`default`) is not the app's to own.
  const madeByCluster = ALWAYS_PRESENT_NAMESPACES.includes(req.name);
  file(`${base}/kustomization.yaml`, [
    {
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      namespace: req.name,
      resources: [
        ...(madeByCluster ? [] : ["namespace.yaml"]),
        "serviceaccount.yaml",
        "deployment.yaml",
        "service.yaml",
      ],
    },
  ]);
  if (!madeByCluster)
    file(`${base}/namespace.yaml`, [
      { apiVersion: "v1", kind: "Namespace", metadata: { name: req.name, labels } },
    ]);
  file(`${base}/serviceaccount.yaml`, [serviceAccount(req.name)]);
  file(
    `${base}/deployment.yaml`,
    [deployment(req.name, image.ref, req.port)],
    "The overlays pin the image tag per environment.",
  );
  file(`${base}/service.yaml`, [service(req.name)]);
  const componentDir = req.component ? `${componentsPath(conv, req.name)}/${req.component}` : undefined;
  if (componentDir) {
    file(
      `${componentDir}/kustomization.yaml`,
      [
        {
          apiVersion: "kustomize.config.k8s.io/v1alpha1",
          kind: "Component",
          // kustomize refuses an empty kustomization: the component marks what it is applied to.
          commonAnnotations: { [`component.${req.name}/${req.component}`]: "enabled" },
        },
      ],
      `Optional parts of ${req.name} that overlays opt into with components: (add resources and patches here).`,
    );
  }
  for (const c of conv.clusters) {
    const overlay = overlayPath(conv, req.name, c.env);
    const k: KObject = {
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      resources: [path.posix.relative(overlay, base)],
      ...(componentDir ? { components: [path.posix.relative(overlay, componentDir)] } : {}),
      images: [{ name: image.name, newTag: image.tag }],
    };
    file(`${overlay}/kustomization.yaml`, [k], `${c.env}: ${req.name}`);
    addFluxKustomization(
      plan,
      files,
      platform,
      c,
      conv,
      fluxKustomizationLike(c.template, req.name, overlay, req.dependsOn),
    );
  }
  return plan;
}

/** Writes the app's Flux Kustomization where the cluster keeps its apps, and lists it. */
export function addFluxKustomization(
  plan: ScaffoldPlan,
  files: SourceFiles,
  platform: Platform,
  c: ClusterConventions,
  conv: Conventions,
  k: KObject,
): void {
  const name = String((k.metadata as { name: string }).name);
  if (c.appendTo) {
    appendDocument(plan, files, c.appendTo, k, conv.indentSeq, `adds Flux Kustomization ${name}`);
    return;
  }
  const file = `${c.dir}/${name}.yaml`;
  createFile(plan, files, file, yamlFile([k], conv.indentSeq));
  if (c.listedIn) {
    addResource(plan, files, c.listedIn, `${name}.yaml`);
    return;
  }
  if (files.fs.isDirectory(files.absolute(c.dir))) return; // Flux generates the directory's kustomization
  // A new directory: list the file there, and the directory in the cluster's root.
  createFile(
    plan,
    files,
    `${c.dir}/kustomization.yaml`,
    yamlFile(
      [{ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: [`${name}.yaml`] }],
      conv.indentSeq,
    ),
  );
  const cluster = platform.clusters.find((x) => x.name === c.cluster);
  const root = cluster ? kustomizationFileOf(files, cluster.path) : undefined;
  if (root && cluster) addResource(plan, files, root, path.posix.relative(cluster.path, c.dir));
}

export function describeConventions(conv: Conventions, plan: ScaffoldPlan): void {
  if (conv.source === "default") {
    plan.notes.push(
      `no existing app to learn from: using the seeds' layout (${conv.root}/<app>/{base,overlays/<env>})`,
    );
    return;
  }
  const learnt = [...new Set(conv.clusters.flatMap((c) => c.learntFrom ?? []))];
  if (conv.layout === "app-dir") {
    const root = conv.root === "" || conv.root === "." ? "" : `${conv.root}/`;
    plan.notes.push(`layout learnt from ${learnt.join(", ")}: ${root}<namespace>/<app>/{ks.yaml,app/}`);
    return;
  }
  const shape = `${basePath(conv, "<app>")} + ${overlayPath(conv, "<app>", "<env>")}`;
  plan.notes.push(`layout learnt from ${learnt.join(", ")}: ${shape}`);
}

function imageOf(req: ServiceRequest, conv: Conventions): { name: string; tag: string; ref: string } {
  const raw = req.image ?? `${conv.registry ?? "ghcr.io/example"}/${req.name}`;
  const slash = raw.lastIndexOf("/");
  const colon = raw.indexOf(":", slash + 1);
  const name = colon > 0 ? raw.slice(0, colon) : raw;
  const tag = colon > 0 ? raw.slice(colon + 1) : "0.1.0";
  return { name, tag, ref: `${name}:${tag}` };
}

function serviceAccount(name: string): KObject {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name, labels: { "app.kubernetes.io/name": name } },
    automountServiceAccountToken: false,
  };
}

function service(name: string): KObject {
  const labels = { "app.kubernetes.io/name": name };
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, labels },
    spec: { selector: labels, ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }] },
  };
}

function hasHelmRelease(k: { resources: Array<{ object: KObject }> }): boolean {
  return k.resources.some((r) => r.object.kind === "HelmRelease");
}

/** A Deployment that passes `slipway check`: pinned tag, probes, resources, restricted security. */
function deployment(name: string, image: string, port: number): KObject {
  const labels = { "app.kubernetes.io/name": name };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels },
    spec: {
      replicas: 1,
      revisionHistoryLimit: 5,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            runAsGroup: 65532,
            fsGroup: 65532,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name,
              image,
              imagePullPolicy: "IfNotPresent",
              ports: [{ name: "http", containerPort: port, protocol: "TCP" }],
              readinessProbe: { httpGet: { path: "/readyz", port: "http" }, periodSeconds: 5 },
              livenessProbe: { httpGet: { path: "/livez", port: "http" }, periodSeconds: 10 },
              resources: {
                requests: { cpu: "50m", memory: "64Mi" },
                limits: { cpu: "250m", memory: "256Mi" },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
            },
          ],
        },
      },
    },
  };
}
