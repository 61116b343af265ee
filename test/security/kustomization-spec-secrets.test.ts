import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { BUILD_UNIT } from "../../src/platform/build-cache.js";
import { loadPlatformWithSecrets } from "../../src/platform/decrypt.js";
import { maskPlatform, newRunMasker } from "../../src/platform/masking.js";
import type { Platform } from "../../src/platform/model.js";
import { storedEntries } from "../support/cache-entries.js";
import { slipwayWithCache } from "../support/cli.js";
import { demoIdentities, demoKeyFile, fluxKs } from "../support/flux.js";
import { scratchDirs } from "../support/scratch.js";
import { SOPS, sopsYamlRule, writeRepo } from "../support/secret-origin-repo.js";

const temps = scratchDirs();
const SECRET = "hunter2-topsecret";

const CONFIG =
  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: db\ndata:\n  password: placeholder\n  other: plain\n";
const DEPLOYMENT =
  "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: db\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: nginx\n";

/** `child` (its spec lines `spec`) encrypted by SOPS in `parent/`, which the cluster decrypts. */
async function repo(spec: string, encryptedRegex: string): Promise<string> {
  const child = `${fluxKs("secrets", "./secrets")}${spec}`;
  return writeRepo(temps, { "cfg.yaml": CONFIG, "deploy.yaml": DEPLOYMENT }, "", {
    "clusters/dev/secrets.yaml": fluxKs("parent", "./parent", SOPS),
    "parent/secrets.sops.yaml": await sopsYamlRule(child, encryptedRegex),
  });
}

async function masked(root: string): Promise<Platform> {
  const { platform } = await loadPlatformWithSecrets(root, {
    identities: demoIdentities,
    renderCache: false,
  });
  return maskPlatform(platform, newRunMasker());
}

/** What outputs print of the Kustomization: its object, its objects and its messages (not the patch records kept for source lines). */
const outputOf = (p: Platform) => {
  const k = p.clusters[0]!.kustomizations.find((x) => x.name === "secrets")!;
  return JSON.stringify([k.object, k.resources.map((r) => r.object), k.errors, k.warnings]);
};
const objectOf = (p: Platform, kind: string) =>
  p.clusters[0]!.kustomizations.find((k) => k.name === "secrets")!.resources.find(
    (r) => r.object.kind === kind,
  )!.object;

const PATCH = `  patches:
    - target: {kind: ConfigMap, name: cfg}
      patch: |
        - op: replace
          path: /data/password
          value: ${SECRET}
`;

describe("values a Flux Kustomization's own spec has from a secret", () => {
  it.each([
    ["a JSON patch", PATCH, "^(patches)$", "ConfigMap", ["data", "password"]],
    [
      "an image override",
      `  images:\n    - name: nginx\n      newName: registry.example.com/${SECRET}\n`,
      "^(images)$",
      "Deployment",
      ["spec", "template", "spec", "containers", 0, "image"],
    ],
    [
      "commonMetadata",
      `  commonMetadata:\n    annotations:\n      token: ${SECRET}\n`,
      "^(commonMetadata)$",
      "ConfigMap",
      ["metadata", "annotations", "token"],
    ],
  ])("%s: the field it reaches is masked, the rest readable", async (_what, spec, regex, kind, at) => {
    const p = await masked(await repo(spec, regex));
    expect(outputOf(p)).not.toContain(SECRET);
    let v: unknown = objectOf(p, kind);
    for (const k of at) v = (v as Record<string | number, unknown>)[k];
    expect(String(v)).toMatch(/^<masked:sha256:[0-9a-f]+>$/);
    expect(objectOf(p, "ConfigMap").data).toMatchObject({ other: "plain" });
  });

  it("an object whose name a patch sets from one is not rendered, with a warning that does not quote it", async () => {
    const rename = `  patches:
    - target: {kind: ConfigMap, name: cfg}
      patch: |
        - op: replace
          path: /metadata/name
          value: ${SECRET}
`;
    const p = await masked(await repo(rename, "^(patches)$"));
    const ks = p.clusters[0]!.kustomizations.find((k) => k.name === "secrets")!;
    expect(ks.resources.map((r) => r.object.kind)).toEqual(["Deployment"]);
    expect(ks.errors.map((e) => e.message)).toEqual([
      expect.stringContaining("holds a value the Flux Kustomization's own spec has from a secret"),
    ]);
    expect(outputOf(p)).not.toContain(SECRET);
  });
});

/** The built CLI (run `npm run build` first) with the demo key, the render cache in `cacheDir`: all it printed. */
async function cli(args: string[], cacheDir: string): Promise<string> {
  const r = await slipwayWithCache(args, cacheDir, { SOPS_AGE_KEY_FILE: demoKeyFile });
  return r.stdout + r.stderr;
}

describe("through the CLI, cold and from a warm render cache", () => {
  it("render, render --format json and check never print it", async () => {
    const root = await repo(PATCH, "^(patches)$");
    const cacheDir = temps.make("slipway-spec-secrets-cache-");
    for (const run of ["cold", "warm"]) {
      for (const args of [
        ["render", root],
        ["render", root, "--format", "json"],
        ["check", root],
      ]) {
        const out = await cli(args, cacheDir);
        expect(out, `${run} ${args.join(" ")}`).not.toContain(SECRET);
        if (args[0] === "render") expect(out).toMatch(/password"?: "?<masked:sha256:[0-9a-f]+>/);
      }
    }
  });

  it("keeps the build of such a Kustomization out of the render cache (the same one with a clear patch is kept)", async () => {
    const builds = async (regex: string) => {
      const cacheDir = temps.make("slipway-spec-secrets-cache-");
      await cli(["render", await repo(PATCH, regex)], cacheDir);
      return storedEntries(path.join(cacheDir, "renders")).filter((e) => e.includes(`${BUILD_UNIT}/`)).length;
    };
    const clear = await builds("^(nothing)$");
    expect(clear).toBeGreaterThan(0);
    expect(await builds("^(patches)$")).toBe(clear - 1);
  });
});
