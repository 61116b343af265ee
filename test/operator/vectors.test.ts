/**
 * Differential test against the Flux Operator's own test vectors (read from the mirror of
 * controlplaneio-fluxcd/flux-operator, never copied): internal/builder/testdata/resourceset
 * (BuildResourceSet: templates × inputs → objects) and cmd/cli/testdata/build_resourceset
 * (`flux-operator build resourceset` with its providers → the objects it would apply, owner
 * labels included). Objects are compared as data, in order.
 *
 * Vectors whose templates call a sprig function Slipway's library does not provide yet are
 * listed (and must fail with exactly that reason, never another); every other vector must match.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import type { KObject } from "../../src/kustomize/types.js";
import { buildResourceSetObjects, ResourceSetBuildError } from "../../src/operator/build.js";
import { operatorFuncs } from "../../src/operator/funcs.js";
import { combineInputs } from "../../src/operator/inputs.js";
import { decodeResourceSet } from "../../src/operator/resourceset.js";
import { loadPlatform } from "../../src/platform/index.js";
import { ks, SYNC } from "../support/flux.js";

const MIRROR = "/work/.mirror/controlplaneio-fluxcd+flux-operator/repo";
const hasMirror = existsSync(MIRROR);
if (!hasMirror) console.log(`[operator vectors] skipped: no flux-operator mirror at ${MIRROR}`);

function show(file: string): string {
  return execFileSync("git", ["--git-dir", MIRROR, "show", `HEAD:${file}`], { encoding: "utf8" });
}

function objectsOf(text: string): KObject[] {
  return YAML.parseAllDocuments(text)
    .map((d) => d.toJS() as KObject | null)
    .filter((o): o is KObject => o !== null && typeof o === "object");
}

const waiting: string[] = [];
function expectMatchOrMissingFunction(
  name: string,
  run: () => KObject[] | { missing: string },
  golden: KObject[],
) {
  const got = run();
  if ("missing" in got) {
    expect(got.missing, name).toMatch(
      /the template function "[A-Za-z0-9_]+" is not implemented by Slipway yet/,
    );
    waiting.push(`${name} (${got.missing.match(/"(.+?)"/)?.[1]})`);
    return;
  }
  expect(got, name).toEqual(golden);
}

const BUILDER = "internal/builder/testdata/resourceset";

function buildVector(src: string): KObject[] | { missing: string } {
  const obj = objectsOf(show(`${BUILDER}/${src}.yaml`))[0]!;
  const spec = decodeResourceSet(obj, "default");
  const inputs = combineInputs(
    { kind: "ResourceSet", namespace: spec.namespace, name: spec.name, inputs: spec.inputs },
    [],
    spec.inputStrategy,
  );
  try {
    return buildResourceSetObjects(spec, inputs, operatorFuncs()).map((b) => b.object);
  } catch (err) {
    if (err instanceof ResourceSetBuildError && err.notImplemented !== undefined)
      return { missing: err.message };
    throw err;
  }
}

describe.skipIf(!hasMirror)("flux-operator BuildResourceSet vectors", () => {
  for (const name of [
    "dedup",
    "exclude",
    "noinputs",
    "nestedinputs",
    "multi-doc-template",
    "slugify",
    "steps",
    "steps-noinputs",
  ]) {
    it(name, () => {
      expectMatchOrMissingFunction(
        name,
        () => buildVector(name),
        objectsOf(show(`${BUILDER}/${name}.golden.yaml`)),
      );
    });
  }

  it("errors: a missing input key (missingkey=error), an object defined in two steps", () => {
    expect(() => buildVector("missing-inputs")).toThrow(/map has no entry for key "semver"/);
    expect(() => buildVector("steps-duplicate")).toThrow(ResourceSetBuildError);
  });
});

const CLI = "cmd/cli/testdata/build_resourceset";

/** The ResourceSet (and providers) applied by a Flux Kustomization; its generated objects. */
function renderVector(rset: string, rsip?: string): KObject[] | { missing: string } {
  const fs = new MemoryFileSystem({
    "/repo/clusters/c/flux-system/gotk-sync.yaml": SYNC,
    "/repo/clusters/c/infra.yaml": ks("infra", "  interval: 1h\n  path: ./infra\n  prune: true\n"),
    "/repo/infra/rset.yaml": show(`${CLI}/${rset}.yaml`),
    ...(rsip ? { "/repo/infra/rsip.yaml": show(`${CLI}/${rsip}.yaml`) } : {}),
  });
  const p = loadPlatform("/repo", { fs });
  const node = p.clusters[0]!.kustomizations.find((k) => k.kind === "ResourceSet")!;
  if (node.status === "external" && node.statusReason) return { missing: node.statusReason };
  expect(node.errors).toEqual([]);
  expect(node.status).toBe("rendered");
  return node.resources.map((r) => r.object);
}

describe.skipIf(!hasMirror)("flux-operator build resourceset vectors", () => {
  for (const [rset, rsip, golden] of [
    ["rset-standalone", undefined, "golden"],
    ["rset-with-rsip", "rsip", "golden"],
    ["rset-with-rsip-permuted", "rsip", "golden-permuted"],
    ["rset-with-rsip-labeled", "rsip-labeled", "golden-labeled"],
    ["rset-with-rsip-separator", "rsip-separator", "golden-separator"],
    ["rset-with-rsip-named", "rsip-named", "golden-named"],
    ["rset-with-steps", undefined, "golden-steps"],
  ] as const) {
    it(`${rset}${rsip ? ` + ${rsip}` : ""}`, () => {
      expectMatchOrMissingFunction(
        rset,
        () => renderVector(rset, rsip),
        objectsOf(show(`${CLI}/${golden}.yaml`)),
      );
    });
  }

  it("lists the vectors that wait for the sprig library", () => {
    console.log(
      `[operator vectors] ${waiting.length} wait for sprig functions: ${waiting.join(", ") || "none"}`,
    );
  });
});
