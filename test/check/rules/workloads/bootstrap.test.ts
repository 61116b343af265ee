import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DiskRenderCache } from "../../../../src/cache/store.js";
import { runCheck } from "../../../../src/check/engine.js";
import {
  bootstrapNamespaces,
  HELMFILE_UNIT,
  helmfileNamespaces,
} from "../../../../src/check/rules/workloads/bootstrap.js";
import { namespaceExists } from "../../../../src/check/rules/workloads/namespaces.js";
import { loadPlatform } from "../../../../src/platform/index.js";
import { storedEntries } from "../../../support/cache-entries.js";
import { tempTree } from "../../../support/cli.js";
import { BOOTSTRAP_SYNC } from "../../../support/flux.js";

describe("helmfileNamespaces", () => {
  it.each([
    [
      "releases create their namespaces by default",
      "releases:\n  - name: a\n    namespace: cert-manager\n    chart: jetstack/cert-manager\n",
      ["cert-manager"],
    ],
    [
      "createNamespace: false on a release or in helmDefaults",
      "helmDefaults:\n  createNamespace: false\nreleases:\n  - name: a\n    namespace: x\n    chart: c\n  - name: b\n    namespace: y\n    chart: c\n    createNamespace: true\n",
      ["y"],
    ],
    [
      "several documents; templated namespaces are not guessed",
      "bases: [env.yaml]\n---\nreleases:\n  - name: a\n    namespace: '{{ .Values.ns }}'\n    chart: c\n  - name: b\n    namespace: storage\n    chart: c\n",
      ["storage"],
    ],
    [
      "a Kubernetes object with a releases field is not a helmfile",
      "apiVersion: v1\nkind: X\nreleases:\n  - name: a\n    namespace: n\n    chart: c\n",
      [],
    ],
    ["releases without a chart are not helmfile releases", "releases:\n  - name: a\n    namespace: n\n", []],
    ["unparsable text", "releases: [\n", []],
  ])("%s", (_, text, expected) => {
    expect(helmfileNamespaces(text)).toEqual(expected);
  });
});

describe("namespace-exists with a bootstrap helmfile", () => {
  const cm = (ns: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: ${ns}\n`;

  it("a namespace the bootstrap helmfile creates exists; others still do not", () => {
    const repo = tempTree({
      "clusters/c/flux-system/gotk-sync.yaml": BOOTSTRAP_SYNC,
      "clusters/c/a.yaml": cm("cert-manager"),
      "clusters/c/b.yaml": cm("nowhere"),
      "bootstrap/helmfile.d/01-apps.yaml":
        "releases:\n  - name: cert-manager\n    namespace: cert-manager\n    chart: oci://quay.io/jetstack/charts/cert-manager\n",
    });
    const found = runCheck(loadPlatform(repo), { rules: [namespaceExists] }).findings;
    expect(found.map((f) => f.resource?.namespace)).toEqual(["nowhere"]);
  });

  // The namespaces are kept by the helmfile's text: an edited helmfile is parsed again (never
  // the old answer), and an entry that is not a list of names is not trusted.
  it("keeps a helmfile's namespaces in the render cache by its text, never stale", () => {
    const helmfile = (ns: string) => `releases:\n  - name: a\n    namespace: ${ns}\n    chart: c\n`;
    const repo = tempTree({
      "clusters/c/flux-system/gotk-sync.yaml": BOOTSTRAP_SYNC,
      "clusters/c/a.yaml": cm("one"),
      "bootstrap/helmfile.yaml": helmfile("one"),
    });
    const cache = new DiskRenderCache(
      mkdtempSync(path.join(tmpdir(), "slipway-helmfile-cache-")),
      "test-code",
    );
    const namespaces = () => [...bootstrapNamespaces(loadPlatform(repo), cache).keys()];
    expect(namespaces()).toEqual(["one"]);
    expect(cache.stats).toMatchObject({ hits: 0, writes: 1 });
    expect(namespaces()).toEqual(["one"]);
    expect(cache.stats).toMatchObject({ hits: 1, writes: 1 });
    writeFileSync(path.join(repo, "bootstrap/helmfile.yaml"), helmfile("two"));
    expect(namespaces()).toEqual(["two"]);
    expect(cache.stats).toMatchObject({ hits: 1, writes: 2 });
    // An entry under the key of the text that says something else than a list of names.
    const key = cache.key(HELMFILE_UNIT, helmfile("two"));
    cache.put(key, { namespaces: [1] });
    expect(namespaces()).toEqual(["two"]);
    expect(storedEntries(cache.unitDir(HELMFILE_UNIT))).toContain(
      path.join(cache.unitDir(HELMFILE_UNIT), key.id),
    );
    expect((cache.get(key) as { namespaces: unknown }).namespaces).toEqual(["two"]);
    // The rule through the engine with the cache finds what it finds without one.
    const platform = loadPlatform(repo);
    const withCache = runCheck(platform, { rules: [namespaceExists], renderCache: cache }).findings;
    expect(withCache).toEqual(runCheck(platform, { rules: [namespaceExists], renderCache: false }).findings);
  });
});
