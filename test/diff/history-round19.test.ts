import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  compareEnvironments,
  type DiffReport,
  diffExitCode,
  diffRevisions,
  formatMarkdown,
  formatText,
} from "../../src/diff/index.js";
import { loadPlatform } from "../../src/platform/index.js";
import { createSecretMasker, encryptSops, ruleForRecipients } from "../../src/sops/index.js";
import { fluxKs, fluxSync, SYNC } from "../support/flux.js";
import { GitFixture } from "./git-fixture.js";

/**
 * Cut down from real histories diffed changed-only and --full, commit by commit (round 19).
 *
 * cyberglitchlabs/clouddrop 6ce26ff0 "fix(posterpilot): correct transcribed TMDB_KEY value":
 * one value of a SOPS-encrypted Secret edited with sops, diffed without the age key. sops
 * writes new ciphertexts (new IVs) for every value and a new MAC, so the diff listed four
 * `stringData` values and `sops` as changed — ciphertext shown as changes of plaintext it
 * never saw, three of them false. Without the key the encrypted values are not compared: the
 * Kustomization is listed as compared in part with "could not decrypt", the diff is still a
 * difference (exit 1), and what the file holds in clear is compared as before.
 *
 * jesse-gonzalez/nai-llm-fleet-infra bac4fb0c: cluster-secrets.sops.yaml re-encrypted, and a
 * HelmRelease whose Kustomization substitutes ${wildcard_ingress_subdomain} from it showed
 * `spec.values...host` as changed: Slipway substitutes the ciphertext where Flux substitutes
 * the plaintext. That Kustomization is listed as not compared too, its masked values not shown.
 */

/** A recipient whose identity this machine does not have (the repository's own). */
const RECIPIENT = "age1pg85tdugypykuyaqtjzgmql4s9x9050emrgflhx0avx8ecut0pjssc24tl";
const CIPHERTEXT = "ENC[AES256_GCM";

const secret = (tmdb: string, label = "") => `apiVersion: v1
kind: Secret
metadata:
  name: posterpilot-secret
  namespace: media${label ? `\n  labels: {tier: ${label}}` : ""}
stringData:
  JELLYFIN_URL: http://jellyfin.media.svc:8096
  TMDB_KEY: ${tmdb}
`;

function encrypt(plain: string): Promise<string> {
  const rule = ruleForRecipients([RECIPIENT], { encrypted_regex: "^(data|stringData)$" });
  return encryptSops(plain, { file: "secret.sops.yaml", rule, config: null }).then((b) => b.toString("utf8"));
}

function both(repo: GitFixture, base: string, head: string): DiffReport {
  const masker = createSecretMasker(Buffer.alloc(32, 7));
  const fast = diffRevisions({ repo: repo.dir, base, head, changedOnly: true, masker });
  const full = diffRevisions({ repo: repo.dir, base, head, changedOnly: false, masker });
  expect({ ...fast.report, changedOnly: false }).toEqual(full.report);
  return full.report;
}

/** Every changed field the report shows, as `<object> <path>`. */
function changedFields(report: DiffReport): string[] {
  return report.clusters.flatMap((c) =>
    c.kustomizations.flatMap((k) => k.objects.flatMap((o) => o.fields.map((f) => `${o.name} ${f.path}`))),
  );
}

describe("diff of a SOPS file no key decrypts (round 19, real histories)", () => {
  const repos: GitFixture[] = [];
  const enc: Record<string, string> = {};
  beforeAll(async () => {
    enc.v1 = await encrypt(secret("tmdb-old-0001"));
    enc.v2 = await encrypt(secret("tmdb-new-0002"));
    enc.labelled = await encrypt(secret("tmdb-old-0001", "gold"));
    enc.domain1 = await encrypt(clusterSecrets("example.com"));
    enc.domain2 = await encrypt(clusterSecrets("example.com"));
  });
  afterAll(() => {
    for (const r of repos) r.cleanup();
  });
  /** A repository of `files`, committed once (removed after the suite). */
  const committed = (files: Record<string, string>) => {
    const repo = new GitFixture().write(files);
    repos.push(repo);
    return { repo, c0: repo.commit("initial") };
  };
  const fixture = () =>
    committed({
      "clusters/c/flux-system/gotk-sync.yaml": SYNC,
      "clusters/c/app.yaml": fluxKs("app", "./app", "  decryption:\n    provider: sops\n"),
      "app/kustomization.yaml": "resources:\n  - secret.sops.yaml\n  - cm.yaml\n",
      "app/secret.sops.yaml": enc.v1!,
      "app/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: media}\ndata: {level: info}\n",
    });
  const clusterSecrets = (domain: string) =>
    `apiVersion: v1\nkind: Secret\nmetadata: {name: cluster-secrets, namespace: flux-system}\nstringData:\n  wildcard_ingress_subdomain: ${domain}\n  github_user: jesse\n`;
  const consumer = () =>
    committed({
      "clusters/c/flux-system/gotk-sync.yaml": SYNC,
      "clusters/c/secrets.yaml": fluxKs("secrets", "./secrets", "  decryption:\n    provider: sops\n"),
      "secrets/kustomization.yaml": "resources:\n  - cluster-secrets.sops.yaml\n",
      "secrets/cluster-secrets.sops.yaml": enc.domain1!,
      "clusters/c/app.yaml": fluxKs(
        "app",
        "./app",
        "  postBuild:\n    substituteFrom:\n      - kind: Secret\n        name: cluster-secrets\n",
      ),
      "app/kustomization.yaml": "resources:\n  - cm.yaml\n",
      "app/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: frontend, namespace: apps}\ndata:\n  host: app.${wildcard_ingress_subdomain}\n  level: info\n",
    });
  const outputs = (r: DiffReport) => [JSON.stringify(r), formatText(r), formatMarkdown(r)];

  it("a re-encrypted value is not shown as plaintext changes: listed as not compared, exit 1", () => {
    const { repo, c0 } = fixture();
    repo.write({ "app/secret.sops.yaml": enc.v2! });
    const report = both(repo, c0, repo.commit("correct TMDB_KEY"));
    const fields = changedFields(report);
    expect(fields).toEqual([]);
    expect(report.notCompared).toMatchObject([
      { cluster: "c", id: "flux-system/app", reason: "partial", leftOutChanged: true },
    ]);
    expect(report.notCompared[0]!.errors).toEqual([
      "app/secret.sops.yaml: Secret media/posterpilot-secret: SOPS: could not decrypt; its encrypted values changed and are not compared",
    ]);
    expect(diffExitCode(report)).toBe(1);
    expect(formatText(report)).toMatch(
      /^No differences in the objects compared .*, but what Slipway cannot render offline or decrypt changed in 1 Flux Kustomization/,
    );
    for (const out of outputs(report)) {
      expect(out).toContain("could not decrypt");
      expect(out).not.toContain(CIPHERTEXT);
    }
  });

  it("what the file holds in clear is still compared", () => {
    const { repo, c0 } = fixture();
    repo.write({ "app/secret.sops.yaml": enc.labelled! });
    const report = both(repo, c0, repo.commit("label"));
    const fields = changedFields(report);
    expect(fields).toEqual(["posterpilot-secret metadata.labels.tier"]);
    expect(report.notCompared).toMatchObject([{ id: "flux-system/app", leftOutChanged: true }]);
  });

  it("an untouched SOPS file is no difference and not listed", () => {
    const { repo, c0 } = fixture();
    repo.write({
      "app/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: media}\ndata: {level: debug}\n",
    });
    const report = both(repo, c0, repo.commit("debug"));
    expect(report.notCompared).toEqual([]);
    expect(report.summary).toMatchObject({ changed: 1 });
    expect(diffExitCode(report)).toBe(1);
    const unchanged = both(repo, c0, c0);
    expect(unchanged.notCompared).toEqual([]);
    expect(diffExitCode(unchanged)).toBe(0);
  });

  it("two environments' SOPS files no key decrypts: not compared, never 'no differences'", () => {
    const repo = new GitFixture().write({
      "clusters/staging/flux-system/gotk-sync.yaml": fluxSync("./clusters/staging"),
      "clusters/production/flux-system/gotk-sync.yaml": fluxSync("./clusters/production"),
      "clusters/staging/app.yaml": fluxKs("app", "./app", "  decryption:\n    provider: sops\n"),
      "clusters/production/app.yaml": fluxKs(
        "app",
        "./app-production",
        "  decryption:\n    provider: sops\n",
      ),
      "app/kustomization.yaml": "resources:\n  - secret.sops.yaml\n",
      "app/secret.sops.yaml": enc.v1!,
      "app-production/kustomization.yaml": "resources:\n  - secret.sops.yaml\n",
      "app-production/secret.sops.yaml": enc.v2!,
    });
    repos.push(repo);
    const r = compareEnvironments(loadPlatform(repo.dir), "staging", "production", createSecretMasker());
    const secretFields = r.clusters.flatMap((c) =>
      c.kustomizations.flatMap((k) => k.objects.filter((o) => o.kind === "Secret").flatMap((o) => o.fields)),
    );
    expect(secretFields).toEqual([]);
    expect(r.notCompared).toMatchObject([
      { cluster: "staging vs production", id: "flux-system/app", reason: "partial", leftOutChanged: true },
    ]);
    expect(r.notCompared[0]!.errors.join("\n")).toContain("could not decrypt");
    expect(diffExitCode(r)).toBe(1);
    for (const out of outputs(r)) expect(out).not.toContain(CIPHERTEXT);
  });

  it("a value substituted from a re-encrypted Secret is not shown as changed: its Kustomization is listed", () => {
    const { repo, c0 } = consumer();
    repo.write({ "secrets/cluster-secrets.sops.yaml": enc.domain2! });
    const report = both(repo, c0, repo.commit("re-encrypt cluster-secrets"));
    const fields = changedFields(report);
    expect(fields).toEqual([]);
    expect(report.notCompared.map((n) => [n.id, n.reason, n.leftOutChanged])).toEqual([
      ["flux-system/app", "partial", true],
      ["flux-system/secrets", "partial", true],
    ]);
    expect(report.notCompared[0]!.errors).toEqual([
      "flux-system/app: substitutes variables from Secret flux-system/cluster-secrets, which could not be decrypted and whose ciphertext changed: what it substitutes is not compared",
    ]);
    expect(diffExitCode(report)).toBe(1);
    // What it substitutes nothing into is compared as before.
    repo.write({
      "app/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: frontend, namespace: apps}\ndata:\n  host: app.${wildcard_ingress_subdomain}\n  level: debug\n",
    });
    const more = both(repo, c0, repo.commit("debug"));
    expect(
      more.clusters.flatMap((c) =>
        c.kustomizations.flatMap((k) => k.objects.flatMap((o) => o.fields.map((f) => `${o.name} ${f.path}`))),
      ),
    ).toEqual(["frontend data.level"]);
  });

  it("a Kustomization that substitutes from the re-encrypted Secret but uses none of its variables is not listed", () => {
    // jesse bac4fb0c (round 20): 24 Kustomizations substitute from cluster-secrets, 7 use it.
    const { repo } = consumer();
    repo.write({
      "clusters/c/plain.yaml": fluxKs(
        "plain",
        "./plain",
        "  postBuild:\n    substituteFrom:\n      - kind: Secret\n        name: cluster-secrets\n",
      ),
      "plain/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain, namespace: apps}\ndata:\n  level: ${log_level:=info}\n",
    });
    const c1 = repo.commit("a Kustomization using no cluster secret");
    repo.write({ "secrets/cluster-secrets.sops.yaml": enc.domain2! });
    const report = both(repo, c1, repo.commit("re-encrypt cluster-secrets"));
    expect(changedFields(report)).toEqual([]);
    expect(report.notCompared.map((n) => n.id)).toEqual(["flux-system/app", "flux-system/secrets"]);
    expect(diffExitCode(report)).toBe(1);
  });
});
