/**
 * slipway diff on ResourceSets: a change to a ResourceSet's inputs or to the provider it reads
 * shows as changes of the objects it generates (changed-only and full agree), and objects it no
 * longer generates are a prune danger (flux-operator garbage-collects them).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffRevisions } from "../../src/diff/index.js";
import { createSecretMasker } from "../../src/sops/index.js";
import { basePlatform, GitFixture } from "./git-fixture.js";

const rset = (tenants: string[]) => `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata:
  name: tenants
  namespace: flux-system
spec:
  inputsFrom:
    - name: sizes
  inputs:
${tenants.map((t) => `    - tenant: ${t}\n      size: medium\n`).join("")}  resources:
    - apiVersion: v1
      kind: ConfigMap
      metadata:
        name: << inputs.tenant >>
        namespace: shop
      data:
        size: "<< inputs.size >>"
`;

const provider = (size: string) => `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSetInputProvider
metadata:
  name: sizes
  namespace: flux-system
spec:
  type: Static
  defaultValues:
    tenant: shared
    size: "${size}"
`;

describe("slipway diff on ResourceSets (Git fixture)", () => {
  const repo = new GitFixture();
  afterAll(() => repo.cleanup());
  const masker = createSecretMasker(Buffer.alloc(32, 7));
  const both = (base: string, head: string) => {
    const fast = diffRevisions({ repo: repo.dir, base, head, changedOnly: true, masker });
    const full = diffRevisions({ repo: repo.dir, base, head, changedOnly: false, masker });
    expect({ ...fast.report, changedOnly: false }).toEqual(full.report);
    return full.report;
  };
  let c0 = "";
  beforeAll(() => {
    const files = basePlatform();
    repo.write({
      ...files,
      "clusters/prod/kustomization.yaml": files["clusters/prod/kustomization.yaml"]!.replace(
        "  - other.yaml\n",
        "  - other.yaml\n  - tenants.yaml\n  - sizes.yaml\n",
      ),
      "clusters/prod/tenants.yaml": rset(["a", "b"]),
      "clusters/prod/sizes.yaml": provider("small"),
    });
    c0 = repo.commit("tenants");
  });

  it("a provider's value changes every object generated from it", () => {
    repo.write({ "clusters/prod/sizes.yaml": provider("large") });
    const head = repo.commit("bigger");
    const r = both(c0, head);
    const k = r.clusters[0]!.kustomizations.find((x) => x.id === "ResourceSet/flux-system/tenants")!;
    expect(k.counts).toEqual({ added: 0, removed: 0, changed: 1 });
    expect(k.objects.map((o) => `${o.change} ${o.kind} ${o.name}`)).toEqual(["changed ConfigMap shared"]);
    repo.git("reset", "-q", "--hard", c0);
  });

  it("an input removed: its objects are removed, and that is a prune danger", () => {
    repo.write({ "clusters/prod/tenants.yaml": rset(["a"]) });
    const head = repo.commit("drop b");
    const r = both(c0, head);
    const k = r.clusters[0]!.kustomizations.find((x) => x.id === "ResourceSet/flux-system/tenants")!;
    expect(k.objects.map((o) => `${o.change} ${o.kind} ${o.name}`)).toEqual(["removed ConfigMap b"]);
    expect(k.dangers.map((d) => d.message)).toEqual([
      expect.stringMatching(
        /^ResourceSet flux-system\/tenants garbage-collects what it generates and no longer applies 1 object: ConfigMap shop\/b/,
      ),
    ]);
    repo.git("reset", "-q", "--hard", c0);
  });
});
