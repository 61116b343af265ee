import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { BUILD_UNIT } from "../../src/platform/build-cache.js";
import { storedEntries } from "../support/cache-entries.js";
import { slipwayWithCache } from "../support/cli.js";
import { demoKeyFile, fluxKs } from "../support/flux.js";
import { scratchDirs } from "../support/scratch.js";
import { secretYaml, sopsYaml, VALUE, writeRepo } from "../support/secret-origin-repo.js";

const temps = scratchDirs();
const SOPS_VALUE = "s3cr3t-pass";

/** The CLI with the cache in `cacheDir`; `out` is all it printed. */
async function run(args: string[], cacheDir: string): Promise<{ code: number; stdout: string; out: string }> {
  const r = await slipwayWithCache(args, cacheDir);
  return { code: r.code, stdout: r.stdout, out: r.stdout + r.stderr };
}

/** Masked values carry a keyed hash whose key is new every run: compare the rest. */
const unsalted = (s: string) => s.replace(/<masked:sha256:[0-9a-f]+>/g, "<masked>");

/** A plain Secret holding VALUE (in `plain`), a SOPS one holding SOPS_VALUE; `apps` and `db` fail on patches naming each. */
async function repo(): Promise<string> {
  return writeRepo(
    temps,
    {
      "password.sops.yaml": await sopsYaml(
        secretYaml("password", "password", SOPS_VALUE),
        "password.sops.yaml",
      ),
    },
    "",
    {
      // Without decryption: its build is kept in the render cache, and read from it warm.
      "clusters/dev/plain.yaml": fluxKs("plain", "./plain"),
      "plain/user.yaml": secretYaml("user", "username", VALUE),
      "clusters/dev/db.yaml": fluxKs("db", "./db"),
      "db/kustomization.yaml":
        "namespace: db\nresources: [deployment.yaml]\npatches:\n  - path: patch.yaml\n",
      "db/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
      "db/patch.yaml": `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${SOPS_VALUE}-app\n`,
    },
  );
}

describe("withheld messages through the CLI", () => {
  it("check and render --format json: the clear value's message shown, the decrypted one's withheld, both masked; a warm cache withholds as a cold run", async () => {
    const root = await repo();
    const key = ["--age-key-file", demoKeyFile];
    const cache = temps.make("slipway-origin-cache-");
    for (const command of [
      ["check", root, ...key, "--format", "json"],
      ["render", root, ...key, "--format", "json"],
    ]) {
      const cold = await run([...command, "--no-cache"], cache);
      expect(cold.code).toBe(1);
      expect(cold.out).toContain(`no matches for Id Deployment.v1.apps/${VALUE}-app`);
      expect(cold.out).toContain("the message is withheld: it quotes a secret value");
      expect(cold.out).not.toContain(SOPS_VALUE);
      if (command[0] === "render") {
        // Both Secrets' values are masked fields, the clear one included.
        const text = JSON.stringify(JSON.parse(cold.stdout));
        expect(text).toMatch(/"username":"<masked:sha256:[0-9a-f]+>"/);
        expect(text).toMatch(/"password":"<masked:sha256:[0-9a-f]+>"/);
        expect(text).not.toContain(`"${VALUE}"`);
      }
      // Filled, then read: every run says the same.
      const fill = await run(command, cache);
      const builds = storedEntries(path.join(cache, "renders")).filter((e) => e.includes(`${BUILD_UNIT}/`));
      expect(builds.length).toBeGreaterThan(0);
      const warm = await run(command, cache);
      expect(unsalted(fill.out)).toBe(unsalted(cold.out));
      expect(unsalted(warm.out)).toBe(unsalted(cold.out));
    }
  }, 120_000);
});
