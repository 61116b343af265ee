import { afterEach, describe, expect, it } from "vitest";
import { diffRevisions } from "../../src/diff/index.js";
import { createSecretMasker } from "../../src/sops/index.js";
import { fluxKs, helmRelease, helmRepository, SYNC } from "../support/flux.js";
import { GitFixture } from "./git-fixture.js";

/**
 * A substitution webhook (kustomize-mutating-webhook, src/platform/admission-variables.ts) gives
 * every Flux Kustomization of its cluster variables, those without postBuild included. Adding or
 * removing it changes their renders although nothing they read changed; changed-only reused the
 * head's render of such a Kustomization at the base and printed no difference for it, where
 * --full showed `${SECRET_DOMAIN}` substituted on one side only.
 */
const WEBHOOK = `${helmRepository("xunholy", "https://xunholy.github.io/charts")}---\n${helmRelease(
  "kustomize-mutating-webhook",
  "flux-system",
  "      chart: kustomize-mutating-webhook\n      version: 0.5.0\n      sourceRef:\n        kind: HelmRepository\n        name: xunholy\n",
)}`;

function platform(withWebhook: boolean): Record<string, string> {
  return {
    "clusters/c/flux-system/gotk-sync.yaml": SYNC,
    "clusters/c/apps.yaml": `${fluxKs("webhook", "./webhook")}---\n${fluxKs("app", "./app")}`,
    "webhook/release.yaml": withWebhook ? WEBHOOK : "",
    "app/cm.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\ndata:\n  domain: ${SECRET_DOMAIN}\n",
  };
}

describe("changed-only diff when the substitution webhook comes or goes", () => {
  let repo: GitFixture | undefined;
  afterEach(() => repo?.cleanup());

  it.each([
    ["removed", true],
    ["added", false],
  ])("webhook %s: the Kustomization without postBuild is compared too", (_, before) => {
    repo = new GitFixture();
    repo.write(platform(before));
    const base = repo.commit("before");
    repo.write(platform(!before));
    const head = repo.commit("after");
    const masker = createSecretMasker(Buffer.alloc(32, 4));
    const run = (changedOnly: boolean) =>
      diffRevisions({ repo: repo!.dir, base, head, changedOnly, masker, charts: false }).report;
    const full = run(false);
    const app = full.clusters[0]?.kustomizations.find((k) => k.id === "flux-system/app");
    expect(app?.objects.map((o) => o.name)).toEqual(["app"]);
    expect({ ...run(true), changedOnly: false }).toEqual(full);
  });
});
