import { describe, expect, it } from "vitest";
import { clusterInternalHost } from "../../src/platform/same-repository.js";

describe("clusterInternalHost: a Git URL's host only a cluster's DNS answers", () => {
  it.each([
    ["ssh://fluxpres@sshd.default:/home/fluxpres/flux-system.git", "sshd.default"],
    ["http://gitea/org/repo.git", "gitea"],
    ["ssh://git@gitea.git.svc/org/repo", "gitea.git.svc"],
    ["https://gitea.git.svc.cluster.local:3000/org/repo.git", "gitea.git.svc.cluster.local"],
    ["git@forgejo.kube-system:org/repo.git", "forgejo.kube-system"],
    ["ssh://git@soft-serve.flux-system:23231/repo", "soft-serve.flux-system"],
  ])("%s is inside the cluster (%s)", (url, host) => {
    expect(clusterInternalHost(url)).toBe(host);
  });

  it.each([
    "https://github.com/o/r",
    "ssh://git@github.com/o/r.git",
    "git@gitlab.com:o/r.git",
    "https://git.example.default.org/o/r",
    "https://svc.example.com/o/r",
    "http://localhost:3000/o/r",
    "http://127.0.0.1/o/r",
    "http://[::1]/o/r",
    "${GIT_URL}",
    "",
  ])("%s is not", (url) => {
    expect(clusterInternalHost(url)).toBeUndefined();
  });
});
