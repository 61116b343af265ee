/**
 * kubernetes-models' schema modules load through the process's package module loader when one is
 * set (the bundled CLI's, with the code cache: src/startup/start.ts), their neighbours and
 * apimachinery's schemas included, and the validators answer as the ones Node loads.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { BundleLoader } from "../../../src/startup/bundle-loader.js";
import {
  loadBuiltinValidator,
  loadObjectMetaValidator,
  preloadObjectMetaValidator,
} from "../../../src/validate/schema/builtin.js";
import { setPackageModuleLoader } from "../../../src/validate/schema/package-modules.js";

const require = createRequire(import.meta.url);
const models = path.dirname(require.resolve("kubernetes-models/package.json"));
const deploymentFile = path.join(models, "_schemas", "IoK8sApiAppsV1Deployment.js");
const metaFile = require.resolve(
  "@kubernetes-models/apimachinery/_schemas/IoK8sApimachineryPkgApisMetaV1ObjectMeta",
);

const bundle = mkdtempSync(path.join(tmpdir(), "slipway-package-modules-"));
afterAll(() => rmSync(bundle, { recursive: true, force: true }));
afterEach(() => setPackageModuleLoader(undefined));

type Validate = ((data: unknown) => boolean) & { errors?: unknown };
const verdict = (validate: Validate, data: unknown) => [validate(data), validate.errors ?? null];

const deployments = [
  {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web" },
    spec: { selector: {}, template: {} },
  },
  { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: 3 }, spec: { replicas: "two" } },
];

describe("kubernetes-models' schema modules", () => {
  it("load through the package module loader when one is set, answering as Node's", () => {
    const loader = new BundleLoader(bundle, () => undefined);
    const asked: string[] = [];
    setPackageModuleLoader((file, within) => {
      asked.push(file);
      return loader.loadPackageModule(file, within);
    });
    const deployment = loadBuiltinValidator("apps/v1", "Deployment")!;
    const meta = loadObjectMetaValidator();
    expect(asked).toEqual([deploymentFile, metaFile]);
    // Node loaded none of them: the Deployment's neighbours and apimachinery's came through the loader.
    expect(require.cache[deploymentFile]).toBeUndefined();
    expect(require.cache[metaFile]).toBeUndefined();
    expect(loader.stats.misses).toBeGreaterThan(20);

    const nodeDeployment = (require(deploymentFile) as { validate: Validate }).validate;
    const nodeMeta = (require(metaFile) as { validate: Validate }).validate;
    expect(deployment).not.toBe(nodeDeployment);
    for (const d of deployments) expect(verdict(deployment, d)).toEqual(verdict(nodeDeployment, d));
    for (const m of [{ name: "x" }, { name: 1, labels: { a: 2 } }])
      expect(verdict(meta, m)).toEqual(verdict(nodeMeta, m));
  });

  it("ObjectMeta's load as an idle step once, then the validator is the one loaded", () => {
    const loader = new BundleLoader(bundle, () => undefined);
    const asked: string[] = [];
    setPackageModuleLoader((file, within) => {
      asked.push(file);
      return loader.loadPackageModule(file, within);
    });
    expect(preloadObjectMetaValidator()).toBe(true);
    expect(asked).toEqual([metaFile]);
    expect(preloadObjectMetaValidator()).toBe(false);
    expect(asked).toEqual([metaFile]);
    // The rules' own load takes the module the step loaded (the loader compiles a file once).
    const chunks = loader.stats.misses;
    loadObjectMetaValidator();
    expect(loader.stats.misses).toBe(chunks);
  });

  it("load through Node's require without one", () => {
    const deployment = loadBuiltinValidator("apps/v1", "Deployment");
    expect(deployment).toBe((require(deploymentFile) as { validate: Validate }).validate);
  });
});
