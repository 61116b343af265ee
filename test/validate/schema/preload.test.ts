/**
 * The idle step that readies validators ahead of the schema rules (preload.ts): a kind of the
 * rendered objects per step, once, as lists grow; what the rules then validate with is what the
 * step readied (the same loaded module, the same compiled Flux schema).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { KObject } from "../../../src/kustomize/types.js";
import { BundleLoader } from "../../../src/startup/bundle-loader.js";
import { setPackageModuleLoader } from "../../../src/validate/schema/package-modules.js";
import { preloadValidatorStep, preloadValidatorsOf } from "../../../src/validate/schema/preload.js";
import { createSchemaValidator, fluxKinds } from "../../../src/validate/schema/validator.js";

const require = createRequire(import.meta.url);
const schemas = path.join(path.dirname(require.resolve("kubernetes-models/package.json")), "_schemas");

const bundle = mkdtempSync(path.join(tmpdir(), "slipway-preload-"));
afterAll(() => rmSync(bundle, { recursive: true, force: true }));
afterEach(() => {
  setPackageModuleLoader(undefined);
  preloadValidatorsOf(undefined);
});

const statefulSet: KObject = {
  apiVersion: "apps/v1",
  kind: "StatefulSet",
  metadata: { name: "db" },
  spec: { selector: {}, serviceName: "db", template: {} },
};
const kustomization: KObject = {
  apiVersion: "kustomize.toolkit.fluxcd.io/v1",
  kind: "Kustomization",
  metadata: { name: "apps", namespace: "flux-system" },
  spec: { interval: "10m", path: "./apps", prune: true, sourceRef: { kind: "GitRepository", name: "repo" } },
};
const cronJob: KObject = { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "nightly" }, spec: {} };

describe("validators readied as idle steps", () => {
  it("readies each kind once, as the lists grow, and the schema rules validate with what it readied", () => {
    const loader = new BundleLoader(bundle, () => undefined);
    const asked: string[] = [];
    setPackageModuleLoader((file, within) => {
      asked.push(file);
      return loader.loadPackageModule(file, within);
    });
    const flux = fluxKinds().get("kustomize.toolkit.fluxcd.io/Kustomization")!.versions.get("v1")!;
    const list = [{ object: statefulSet }, { object: kustomization }, { object: statefulSet }];
    preloadValidatorsOf(() => [list]);

    expect(preloadValidatorStep()).toBe(true);
    expect(asked).toEqual([path.join(schemas, "IoK8sApiAppsV1StatefulSet.js")]);
    expect(preloadValidatorStep()).toBe(true);
    const compiled = flux.compiled;
    expect(compiled).toBeDefined();
    expect(preloadValidatorStep()).toBe(false);

    // A render that arrives later brings its kinds.
    list.push({ object: cronJob });
    expect(preloadValidatorStep()).toBe(true);
    expect(asked.at(-1)).toBe(path.join(schemas, "IoK8sApiBatchV1CronJob.js"));
    expect(preloadValidatorStep()).toBe(false);

    // The rules' validator loads nothing more and compiles the Flux schema no more.
    const misses = loader.stats.misses;
    const validator = createSchemaValidator();
    expect(validator.validate(statefulSet)).toEqual([]);
    expect(validator.validate(kustomization)).toEqual([]);
    expect(validator.validate(cronJob).map((i) => i.message)).toEqual([
      "spec.schedule: required field is missing",
      "spec.jobTemplate: required field is missing",
    ]);
    expect(loader.stats.misses).toBe(misses);
    expect(flux.compiled).toBe(compiled);
  });

  it("lets the lists go when told: nothing more is readied, and a kind left waiting is readied in a later run", () => {
    const object = (apiVersion: string, kind: string) => ({
      object: { apiVersion, kind, metadata: { name: "x" } },
    });
    const daemonSet = object("apps/v1", "DaemonSet");
    const job = object("batch/v1", "Job");
    preloadValidatorsOf(() => [[daemonSet, job]]);
    expect(preloadValidatorStep()).toBe(true); // the DaemonSet's; the Job's waits
    preloadValidatorsOf(undefined);
    expect(preloadValidatorStep()).toBe(false);
    preloadValidatorsOf(() => [[daemonSet, job]]);
    expect(preloadValidatorStep()).toBe(true); // the Job's
    expect(preloadValidatorStep()).toBe(false);
  });
});
