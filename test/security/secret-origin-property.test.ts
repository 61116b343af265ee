/**
 * A differential of which messages are withheld, before (every secret field's value withholds)
 * and after (only values whose origin is secret do), computed on the same model: before is the
 * model with its origin marks taken away, which makes every secret field's value count again.
 *
 * - Generated repositories (values of random origins, messages quoting random ones): a message
 *   is withheld iff it quotes a value with a secret origin, as the generator placed them; so
 *   what is withheld now is a subset of before, and what is shown now quotes only clear values.
 * - ../shared/realworld: the same subset, and each message shown now that was withheld before
 *   quotes a value some Secret holds in clear and none of secret origin.
 */

import { readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { isMap } from "../../src/kustomize/types.js";
import { loadPlatformWithSecrets } from "../../src/platform/decrypt.js";
import {
  restoreWithheldMessages,
  secretDataText,
  secretQuoter,
  secretsOf,
} from "../../src/platform/masking.js";
import type { Platform, RenderedResource } from "../../src/platform/model.js";
import { isCoreSecret } from "../../src/secrets/kinds.js";
import { secretScalars } from "../../src/secrets/mask.js";
import { tempTree } from "../support/cli.js";
import { requires, sharedDir } from "../support/env.js";
import { demoIdentities, fluxKs, fluxSync } from "../support/flux.js";
import { Rng } from "../support/random.js";
import { scratchDirs } from "../support/scratch.js";
import { SOPS, secretYaml, sopsEnv, sopsYaml } from "../support/secret-origin-repo.js";

const temps = scratchDirs();

/** Every message withholdSecretMessages looks at, as text. */
function messages(platform: Platform): string[] {
  const out = platform.errors.map((e) => e.message);
  for (const c of platform.clusters) {
    out.push(...c.errors.map((e) => e.message));
    for (const k of c.kustomizations) out.push(...k.errors.map((e) => e.message), ...(k.warnings ?? []));
    for (const h of c.helmReleases) {
      out.push(...(h.errors ?? []).map((e) => e.message), ...(h.warnings ?? []));
      if (h.chartMissing !== undefined) out.push(`${h.chartMissing}\n${h.chartMissingWhy ?? ""}`);
      if (h.chartLocation !== undefined) out.push(h.chartLocation);
    }
  }
  return out;
}

/** The model as before: no object says which of its secret fields are of secret origin. */
function withoutOrigins(platform: Platform): Platform {
  return {
    ...platform,
    clusters: platform.clusters.map((c) => ({
      ...c,
      kustomizations: c.kustomizations.map((k) => ({
        ...k,
        resources: k.resources.map(({ secretOrigin: _, ...r }) => r),
      })),
    })),
  };
}

/** The messages withheld before and after, from the plaintext messages of a loaded platform. */
function withheld(platform: Platform): { before: Set<string>; after: Set<string>; all: string[] } {
  restoreWithheldMessages(platform);
  const all = messages(platform);
  const after = secretQuoter(platform) ?? (() => false);
  const before = secretQuoter(withoutOrigins(platform)) ?? (() => false);
  return { before: new Set(all.filter(before)), after: new Set(all.filter(after)), all };
}

/** The values of a rendered object's secret fields: those the origin covers, and the rest. */
function fieldValues(r: RenderedResource): { secret: string[]; clear: string[] } {
  const all = secretsOf(r);
  const origin = r.secretOrigin ?? all;
  const texts = (paths: typeof all) => {
    const out = secretScalars(r.object, paths);
    if (isCoreSecret(r.object) && isMap(r.object.data))
      for (const [k, v] of Object.entries(r.object.data))
        if (typeof v === "string" && paths?.covers(["data", k])) out.push(secretDataText(v));
    return out;
  };
  const secret = texts(origin);
  return { secret, clear: texts(all).filter((v) => !secret.includes(v)) };
}

// ---------------------------------------------------------------------------------------------
// Generated repositories.

type Origin = "plain" | "sops" | "variable" | "inline" | "literal" | "sops-env";
const ORIGINS: Origin[] = ["plain", "sops", "variable", "inline", "literal", "sops-env"];
const SECRET_ORIGINS = new Set<Origin>(["sops", "variable", "sops-env"]);

function word(rng: Rng): string {
  let s = "q";
  for (let i = 0; i < 7; i++) s += "bcdfghjklmnpqrstvwxz"[rng.int(20)];
  return s;
}

interface Generated {
  root: string;
  values: Array<{ value: string; origins: Origin[] }>;
  /** Each failing Kustomization's name and the values its message quotes. */
  quoted: Array<{ name: string; values: string[] }>;
}

async function generated(rng: Rng): Promise<Generated> {
  const values = Array.from({ length: 6 }, () => ({
    value: word(rng),
    origins: [...new Set(Array.from({ length: 1 + rng.int(2) }, () => ORIGINS[rng.int(ORIGINS.length)]!))],
  }));
  const files: Record<string, string> = {
    "clusters/dev/flux-system/gotk-sync.yaml": fluxSync("./clusters/dev"),
    "clusters/dev/vars.yaml": fluxKs("vars", "./vars"),
  };
  const resources: string[] = [];
  const literals: string[] = [];
  const envs: string[] = [];
  const inline: string[] = [];
  const vars: string[] = [];
  for (const [i, { value, origins }] of values.entries()) {
    for (const origin of origins) {
      if (origin === "plain") {
        files[`secrets/plain-${i}.yaml`] = secretYaml(`plain-${i}`, "value", value);
        resources.push(`plain-${i}.yaml`);
      } else if (origin === "sops") {
        files[`secrets/sops-${i}.sops.yaml`] = await sopsYaml(
          secretYaml(`sops-${i}`, "value", value),
          "s.sops.yaml",
        );
        resources.push(`sops-${i}.sops.yaml`);
      } else if (origin === "variable") {
        vars.push(`  V${i}: ${value}`);
        files[`secrets/variable-${i}.yaml`] =
          `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: variable-${i}\n  namespace: db\ndata:\n  value: \${V${i}}\n`;
        resources.push(`variable-${i}.yaml`);
      } else if (origin === "inline") {
        inline.push(`      I${i}: ${value}`);
        files[`secrets/inline-${i}.yaml`] = secretYaml(`inline-${i}`, "value", `\${I${i}}`);
        resources.push(`inline-${i}.yaml`);
      } else if (origin === "literal") {
        literals.push(`  - name: literal-${i}\n    literals: [value=${value}]`);
      } else {
        files[`secrets/env-${i}.sops.env`] = await sopsEnv(`VALUE=${value}\n`, "e.sops.env");
        envs.push(`  - name: env-${i}\n    envs: [env-${i}.sops.env]`);
      }
    }
  }
  files["vars/vars.yaml"] =
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: vars\n  namespace: flux-system\nstringData:\n${vars.join("\n") || '  NONE: "1"'}\n`;
  files["secrets/kustomization.yaml"] =
    `namespace: db\nresources: [${resources.join(", ")}]\n` +
    (literals.length + envs.length > 0 ? `secretGenerator:\n${[...literals, ...envs].join("\n")}\n` : "");
  files["clusters/dev/secrets.yaml"] = fluxKs(
    "secrets",
    "./secrets",
    `${SOPS}  dependsOn:\n    - name: vars\n  postBuild:\n    substitute:\n${inline.join("\n") || '      NONE: "1"'}\n    substituteFrom:\n      - kind: Secret\n        name: vars\n`,
  );
  const quoted: Generated["quoted"] = [];
  for (let j = 0; j < 8; j++) {
    const picked = [
      ...new Set(Array.from({ length: 1 + rng.int(2) }, () => values[rng.int(values.length)]!.value)),
    ];
    const name = `apps-${j}`;
    quoted.push({ name, values: picked });
    files[`clusters/dev/${name}.yaml`] = fluxKs(name, `./${name}`);
    files[`${name}/kustomization.yaml`] =
      "namespace: db\nresources: [deployment.yaml]\npatches:\n  - path: patch.yaml\n";
    files[`${name}/deployment.yaml`] = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n";
    files[`${name}/patch.yaml`] =
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${picked.join("-")}-app\n`;
  }
  const root = tempTree(files);
  temps.keep(root);
  return { root, values, quoted };
}

describe("withheld messages, before and after origins (differential)", () => {
  it.each([1, 2, 3, 4, 5, 6])(
    "generated repository, seed %i: withheld iff a value of secret origin is quoted",
    async (seed) => {
      const g = await generated(new Rng(seed));
      const { platform } = await loadPlatformWithSecrets(g.root, {
        identities: demoIdentities,
        renderCache: false,
      });
      const secretsKs = platform.clusters[0]!.kustomizations.find((k) => k.name === "secrets")!;
      expect(secretsKs.errors).toEqual([]);
      const originOf = new Map(g.values.map((v) => [v.value, v.origins]));
      const { before, after } = withheld(platform);
      for (const q of g.quoted) {
        const k = platform.clusters[0]!.kustomizations.find((x) => x.name === q.name)!;
        expect(k.errors).toHaveLength(1);
        const message = k.errors[0]!.message;
        const secret = q.values.some((v) => originOf.get(v)!.some((o) => SECRET_ORIGINS.has(o)));
        expect({ message, withheld: after.has(message) }).toEqual({ message, withheld: secret });
        // Before, every value of a secret field withheld (an inline variable lands in a Secret).
        expect(before.has(message)).toBe(true);
      }
      for (const m of after) expect(before.has(m)).toBe(true);
    },
  );

  it("../shared/realworld: withheld now ⊆ before; what is shown now quotes only clear values", async () => {
    if (!requires("shared")) return;
    const dir = path.join(sharedDir, "realworld");
    const repos = readdirSync(dir).filter((d) => statSync(path.join(dir, d)).isDirectory());
    expect(repos.length).toBeGreaterThan(0);
    for (const repo of repos) {
      const { platform } = await loadPlatformWithSecrets(path.join(dir, repo), {
        identities: [],
        renderCache: false,
      });
      const { before, after } = withheld(platform);
      for (const m of after) expect(before.has(m)).toBe(true);
      const values = platform.clusters.flatMap((c) =>
        c.kustomizations.flatMap((k) => k.resources.map(fieldValues)),
      );
      const secret = values.flatMap((v) => v.secret).filter((v) => v.length >= 4);
      const clear = values.flatMap((v) => v.clear).filter((v) => v.length >= 4);
      for (const m of before)
        if (!after.has(m)) {
          expect(clear.some((v) => m.includes(v))).toBe(true);
          expect(secret.filter((v) => m.includes(v))).toEqual([]);
        }
    }
  }, 600_000);
});
