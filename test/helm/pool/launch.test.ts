/**
 * How a render worker starts (src/helm/pool/launch.ts): through the bundle loader with the code
 * cache only for a worker of the bundle that set the launcher, and only while caching is on.
 */
import { afterEach, describe, expect, it } from "vitest";
import { bundledLaunch, setWorkerLauncher } from "../../../src/helm/pool/launch.js";

afterEach(() => setWorkerLauncher(undefined));

const launcher = (codeCache: string | undefined) => ({
  entry: "/opt/slipway/dist/startup/worker-start.js",
  bundleDir: "/opt/slipway/dist/bundle/",
  codeCacheDir: () => codeCache,
});

describe("bundledLaunch", () => {
  it.each([
    ["no launcher (unbundled, tests)", undefined, "/opt/slipway/dist/bundle/worker.js"],
    ["a worker outside the bundle", launcher("/c/code/r/check"), "/opt/slipway/dist/helm/pool/worker.js"],
    ["a bundle elsewhere", launcher("/c/code/r/check"), "/other/dist/bundle/worker.js"],
    ["caching off (--no-cache)", launcher(undefined), "/opt/slipway/dist/bundle/worker.js"],
  ])("%s: Node loads the script itself", (_, l, script) => {
    setWorkerLauncher(l);
    expect(bundledLaunch(script)).toBeUndefined();
  });

  it("a worker of the bundle, with a code cache: the loader's entry, the chunk and the directory", () => {
    setWorkerLauncher(launcher("/c/code/r/check"));
    expect(bundledLaunch("/opt/slipway/dist/bundle/worker.js")).toEqual({
      entry: "/opt/slipway/dist/startup/worker-start.js",
      data: { dir: "/opt/slipway/dist/bundle/", file: "worker.js", codeCache: "/c/code/r/check" },
    });
  });
});
