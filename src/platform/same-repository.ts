/**
 * GitRepositories that a repository defines for itself under another name: a cluster synced as
 * `flux-system` whose apps read `home-kubernetes`, the same URL and branch (a repository halfway
 * from onedr0p's older template to a FluxInstance). Their paths are this repository's, so the
 * cluster renders them from the working tree instead of calling them another repository.
 * Only an equal URL and an equal branch count: a tag, a semver range or a commit pins content
 * that the working tree need not hold.
 */
import { ALWAYS_PRESENT_NAMESPACES } from "../kubernetes-made.js";
import { isMap, type KObject, type YamlMap } from "../kustomize/types.js";
import type { Checkout } from "./checkout.js";
import { normalizeRelative } from "./config.js";
import { metaString, sourceRefOf, specOf, stringField } from "./flux-objects.js";
import { type ObjectRef, sameObjectRef } from "./model.js";
import type { RepositoryScan } from "./scan.js";

/**
 * A Git URL reduced to host and path, for comparing two spellings of one repository:
 * `https://github.com/o/r.git`, `ssh://git@github.com/o/r` and `git@github.com:o/r` agree.
 * Undefined when it is not a URL this can read.
 */
export function gitRepositoryKey(url: string): string | undefined {
  const parts = gitUrlParts(url);
  if (parts === undefined) return undefined;
  if (parts.protocol !== undefined && !["http:", "https:", "ssh:", "git:"].includes(parts.protocol))
    return undefined;
  const { host, repoPath } = parts;
  const cleaned = repoPath
    .replace(/^\/+/, "")
    .replace(/\/+$/, "")
    .replace(/\.git$/, "");
  return cleaned === "" ? undefined : `${host.toLowerCase()}/${cleaned}`;
}

/**
 * A Git URL's host and path: scp-like (`git@host:o/r`, no protocol) or a URL (with its
 * protocol). Undefined when it is neither.
 */
function gitUrlParts(url: string): { host: string; repoPath: string; protocol?: string } | undefined {
  const u = url.trim();
  const scp = /^[\w.-]+@([\w.-]+):(?!\/\/)(.*)$/.exec(u);
  if (scp) return { host: scp[1]!, repoPath: scp[2]! };
  try {
    const parsed = new URL(u);
    return { host: parsed.hostname, repoPath: parsed.pathname, protocol: parsed.protocol };
  } catch {
    return undefined;
  }
}

/** The branch a GitRepository `spec.ref` or a FluxInstance `sync.ref` names; "" for none, undefined for a pin. */
export function branchOf(ref: unknown): string | undefined {
  if (ref === undefined || ref === null || ref === "") return "";
  if (typeof ref === "string") {
    if (ref.startsWith("refs/heads/")) return ref.slice("refs/heads/".length);
    return undefined;
  }
  if (!isMap(ref)) return undefined;
  const pins = ["tag", "semver", "commit", "name"].some((k) => ref[k] !== undefined && ref[k] !== "");
  if (pins) return undefined;
  return typeof ref.branch === "string" ? ref.branch : "";
}

/**
 * Whether a sync's URL (as gitRepositoryKey reads it) is another repository than the checkout:
 * none of the clone's remotes has it, and it names the repository differently from each of them
 * (a mirror or a fork keeps the name; david-driscoll's equestria-cluster, whose FluxInstance
 * syncs home-operations after a consolidation, does not). Unknown without remotes.
 */
function namesAnotherRepository(key: string, remotes: readonly string[]): boolean {
  const keys = remotes.map(gitRepositoryKey).filter((k) => k !== undefined);
  const name = (k: string) => k.slice(k.lastIndexOf("/") + 1).toLowerCase();
  return keys.length > 0 && !keys.includes(key) && keys.every((k) => name(k) !== name(key));
}

/**
 * Whether a Kustomization of one of `sources` builds a folder (not the root) that holds its own
 * document: it would apply itself, so its path names a folder of another repository's tree
 * (equestria's `cert-manager-ref` reads home-operations' ./kubernetes/apps/cert-manager, the
 * folder holding it here). A repository renamed on GitHub, whose sync still names the old URL,
 * has its apps' folders, none holding its reader.
 */
function readsAnotherTree(scan: RepositoryScan, sources: readonly ObjectRef[]): boolean {
  return scan.kustomizations.some((k) => {
    if (!sources.some((s) => sameObjectRef(s, sourceRefOf(k.object)))) return false;
    const specPath = stringField(specOf(k.object), "path");
    if (specPath.includes("${")) return false;
    const builds = normalizeRelative(specPath.replace(/^\/+/, ""));
    return builds !== "." && builds !== "" && k.at.file.startsWith(`${builds}/`);
  });
}

/**
 * The GitRepositories of `scan` (other than `except`) with the URL and branch of the
 * repository a cluster syncs (`url`, `ref` as its sync writes them); none when that URL is
 * another repository than the checkout (namesAnotherRepository) and the repository says so
 * (readsAnotherTree): the cluster is rendered from here all the same, as discovery takes its sync
 * for this repository, but its other GitRepositories of that URL read the other repository,
 * whose folders this one need not share. A sync naming another repository whose folders fit is
 * this repository under its old name (renamed on GitHub, which redirects the old URL).
 */
export function sameRepositorySources(
  scan: RepositoryScan,
  url: string,
  ref: unknown,
  except: readonly ObjectRef[],
): ObjectRef[] {
  const key = gitRepositoryKey(url);
  const branch = branchOf(ref);
  if (key === undefined || branch === undefined) return [];
  const out: ObjectRef[] = [];
  for (const g of scan.gitRepositories) {
    const spec = specOf(g.object);
    if (gitRepositoryKey(stringField(spec, "url")) !== key) continue;
    const theirs = branchOf(spec.ref);
    // An unknown default branch on either side matches only an unknown one on the other.
    if (theirs === undefined || theirs !== branch) continue;
    const r: ObjectRef = {
      kind: "GitRepository",
      namespace: metaString(g.object, "namespace") || "flux-system",
      name: metaString(g.object, "name"),
    };
    const known = [...except, ...out].some((e) => sameObjectRef(e, r));
    if (!known && r.name !== "") out.push(r);
  }
  if (namesAnotherRepository(key, scan.checkoutRemotes ?? []) && readsAnotherTree(scan, out)) return [];
  return out;
}

/**
 * The GitRepositories of `scan` that are the checkout's own repository (checkout.ts): one of its
 * remotes' URLs and a branch, never a tag, semver range or commit, which pin content the working
 * tree need not hold. The working tree is the branch checked out, when a GitRepository names it
 * (an environment per branch: `staging` checked out is not `main`'s content); otherwise it is
 * what a pull request proposes for the default branch (origin's, else `main` or `master`), so
 * the GitRepositories of the default branch, or of no branch, are it. Another branch
 * (flux2-multi-tenancy's tenant reading branch `dev-team` of the same URL) is another content.
 */
export function checkoutSources(scan: RepositoryScan, checkout: Checkout): ObjectRef[] {
  return checkoutRule(scan, checkout).sources;
}

/**
 * checkoutSources, the GitRepositories that are another repository (`others`: a URL none of the
 * checkout's remotes has, when another GitRepository of the repository has one: kalenarndt's
 * `bmrf-media` beside `bmrf-ops`, the clone's `origin`), and the test it applies to one
 * GitRepository's spec: a GitRepository a
 * cluster renders with variables substituted (`${APPLICATION_NAMESPACE}-platform-fluxcd`, made
 * per tenant by ahachmann's application-space) is the checkout's by the same rule.
 */
export function checkoutRule(
  scan: RepositoryScan,
  checkout: Checkout,
): { sources: ObjectRef[]; others: ObjectRef[]; isCheckout: (spec: YamlMap) => boolean } {
  const keys = new Set(checkout.remotes.map(gitRepositoryKey).filter((k) => k !== undefined));
  if (keys.size === 0) return { sources: [], others: [], isCheckout: () => false };
  const found: Array<{ ref: ObjectRef; branch: string }> = [];
  const elsewhere: ObjectRef[] = [];
  for (const g of scan.gitRepositories) {
    const spec = specOf(g.object);
    const url = stringField(spec, "url");
    const key = gitRepositoryKey(url);
    const name = metaString(g.object, "name");
    if (key === undefined || name === "") continue;
    const ref: ObjectRef = {
      kind: "GitRepository",
      namespace: metaString(g.object, "namespace") || "flux-system",
      name,
    };
    if (!keys.has(key)) {
      if (!url.includes("${")) elsewhere.push(ref);
      continue;
    }
    const branch = branchOf(spec.ref);
    if (branch === undefined) continue;
    if (!found.some((f) => f.ref.namespace === ref.namespace && f.ref.name === ref.name))
      found.push({ ref, branch });
  }
  const checkedOut = found.some((f) => f.branch !== "" && f.branch === checkout.branch);
  const isDefault = (b: string) =>
    b === "" ||
    (checkout.defaultBranch !== undefined ? b === checkout.defaultBranch : b === "main" || b === "master");
  const accepts = (b: string) => (checkedOut ? b !== "" && b === checkout.branch : isDefault(b));
  return {
    sources: found.filter((f) => accepts(f.branch)).map((f) => f.ref),
    // Only where the repository defines itself by a remote's URL: a clone whose remote is a
    // mirror (another host) names no GitRepository here, and tells nothing of the others.
    others: found.length === 0 ? [] : elsewhere.filter((r) => !found.some((f) => sameObjectRef(f.ref, r))),
    isCheckout: (spec) => {
      const key = gitRepositoryKey(stringField(spec, "url"));
      const branch = branchOf(spec.ref);
      return key !== undefined && keys.has(key) && branch !== undefined && accepts(branch);
    },
  };
}

/**
 * `<service>.<namespace>` with a namespace every cluster has is a Service's DNS name, never a
 * host on the internet (none of them is a top-level domain).
 */
const CLUSTER_NAMESPACES: ReadonlySet<string> = new Set(ALWAYS_PRESENT_NAMESPACES);

/**
 * The host of a Git URL when it is a name only a cluster's DNS answers: one label (`gitea`), a
 * Service in a namespace every cluster has (`sshd.default`), or a `.svc` name
 * (`gitea.git.svc`, `gitea.git.svc.cluster.local`). Such a sync reads a git server inside the
 * cluster (nostra's presentation pushes copies of its sync files to an sshd Pod's bare
 * repositories): another server, whose content the repository does not show. Undefined for
 * any other host, or a URL this cannot read.
 */
export function clusterInternalHost(url: string): string | undefined {
  const host = gitUrlParts(url)?.host;
  if (host === undefined) return undefined;
  const labels = host.toLowerCase().replace(/\.$/, "").split(".");
  if (labels.some((l) => l === "")) return undefined;
  // localhost and IP addresses say where from, not whose repository: left as they were.
  if (labels.length === 1) return labels[0] === "localhost" || /^\[/.test(host) ? undefined : host;
  if (labels.every((l) => /^\d+$/.test(l))) return undefined;
  if (labels.length === 2 && CLUSTER_NAMESPACES.has(labels[1]!)) return host;
  const svc = labels.lastIndexOf("svc");
  if (svc >= 2 && (svc === labels.length - 1 || labels.slice(svc + 1).join(".") === "cluster.local"))
    return host;
  return undefined;
}

/** A DNS-1123 label, as Service names and namespaces are. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The host of a Git URL when it is `<service>.<namespace>` in another namespace than every
 * cluster has (`gitea-http.gitea`), as a candidate for clusterServiceHost; undefined otherwise.
 */
export function serviceHostCandidate(url: string): { service: string; namespace: string } | undefined {
  const host = gitUrlParts(url)?.host.toLowerCase();
  if (host === undefined || clusterInternalHost(url) !== undefined) return undefined;
  const labels = host.split(".");
  if (labels.length !== 2 || !labels.every((l) => DNS_LABEL.test(l)) || /^\d+$/.test(labels[1]!))
    return undefined;
  return { service: labels[0]!, namespace: labels[1]! };
}

/**
 * The host of a Git URL when it is `<service>.<namespace>` and the cluster has that Service:
 * `objects` (what the cluster applies) hold a v1 Service of that name in that namespace, or a
 * HelmRelease installing into that namespace a release whose name the Service's is or begins
 * (`<release>-…`: charts name their Services after the release, gitea's `gitea-http` and
 * `gitea-ssh`; its chart need not be rendered). source-controller's Pods resolve a name of fewer
 * than five dots with the cluster's search domains first (ndots 5), so such a host is that
 * Service, whatever the internet has under the name: a git server inside the cluster. A
 * namespace alone is no proof: with no Service of that name the lookup goes on to the internet.
 */
export function clusterServiceHost(url: string, objects: Iterable<KObject>): string | undefined {
  const c = serviceHostCandidate(url);
  if (c === undefined) return undefined;
  for (const o of objects) {
    const namespace = metaString(o, "namespace");
    if (o.kind === "Service" && o.apiVersion === "v1") {
      if (namespace === c.namespace && metaString(o, "name") === c.service)
        return `${c.service}.${c.namespace}`;
      continue;
    }
    if (o.kind !== "HelmRelease" || !String(o.apiVersion ?? "").startsWith("helm.toolkit.fluxcd.io/"))
      continue;
    const spec = specOf(o);
    const target = stringField(spec, "targetNamespace");
    if ((target || namespace) !== c.namespace) continue;
    // helm-controller's default release name: `<targetNamespace>-<name>` when a target is set.
    const release =
      stringField(spec, "releaseName") ||
      (target ? `${target}-${metaString(o, "name")}` : metaString(o, "name"));
    if (release !== "" && (c.service === release || c.service.startsWith(`${release}-`)))
      return `${c.service}.${c.namespace}`;
  }
  return undefined;
}

/**
 * Whether a GitRepository's `spec.ignore` is written for this repository's tree: two entries at
 * least name a path from the source's root (`/modules/`, `!/deploy`, no wildcard), and each is
 * here (`exists`). Jamonygr's aks-landing-zone-lab keeps its URL a placeholder (`your-org/AKS`)
 * and ignores `/modules/`, `/landing-zones/` and `/environments/`, its own Terraform folders.
 */
export function ignoreNamesThisTree(spec: YamlMap, exists: (repoPath: string) => boolean): boolean {
  const ignore = spec.ignore;
  if (typeof ignore !== "string") return false;
  const named: string[] = [];
  for (const raw of ignore.split("\n")) {
    const line = raw.trim().replace(/^!/, "");
    if (!line.startsWith("/") || /[*?[\\]/.test(line)) continue;
    const name = line.replace(/^\/+/, "").replace(/\/+$/, "");
    if (name !== "") named.push(name);
  }
  return named.length >= 2 && named.every((n) => !n.split("/").includes("..") && exists(n));
}
