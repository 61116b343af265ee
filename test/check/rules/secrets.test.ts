import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { generateHybridIdentity, identityToRecipient } from "age-encryption";
import { beforeAll, describe, expect, it } from "vitest";
import { runCheck } from "../../../src/check/engine.js";
import { allRules } from "../../../src/check/rules/index.js";
import { rules } from "../../../src/check/rules/secrets.js";
import { loadPlatformWithSecrets } from "../../../src/platform/decrypt.js";
import { encryptSops, ruleForRecipients } from "../../../src/sops/index.js";
import { parseYaml } from "../../../src/yaml/index.js";
import { tempTree } from "../../support/cli.js";
import { demoIdentities as identities, SYNC } from "../../support/flux.js";

const DEV = "age1lt4csfl3qnmkm83ghffmfa0zu5m7mzwge4d9sv53af00m7qjmytsn855wr";
const PROD = "age1dwcu2ndce3aqajry5xwnfrk60847enxs34pd5rw2qee2fs2mvsysjff236";

const ks = (name: string, p: string, extra = "") => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: flux-system
spec:
  path: ${p}
  sourceRef:
    kind: GitRepository
    name: flux-system
${extra}`;

const secret = (name: string, value = "hunter2-plaintext") =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: app\nstringData:\n  password: ${value}\n`;

const DECRYPTION = "  decryption:\n    provider: sops\n";

let encForDev: string;
let encForBoth: string;
let encForProd: string;

beforeAll(async () => {
  const rule = (r: string[]) => ruleForRecipients(r, { encrypted_regex: "^(data|stringData)$" });
  encForDev = (await encryptSops(secret("enc"), { rule: rule([DEV]), config: null })).toString();
  encForBoth = (await encryptSops(secret("enc2"), { rule: rule([DEV, PROD]), config: null })).toString();
  encForProd = (await encryptSops(secret("enc3"), { rule: rule([PROD]), config: null })).toString();
});

async function check(files: Record<string, string>, ids: readonly string[] = identities) {
  const root = tempTree({ "clusters/c/flux-system/gotk-sync.yaml": SYNC, ...files });
  const { platform } = await loadPlatformWithSecrets(root, { identities: ids });
  return runCheck(platform, { rules }).findings;
}

describe("secret rules", () => {
  // Found probing by hand: an age secret key pasted into .sops.yaml's `age:` was quoted whole in
  // `secrets encrypt`'s error, and check said nothing of a private key committed to the repository.
  it("sops-config-private-key: a .sops.yaml holding an age secret key, at its line, never quoting it", async () => {
    const key = `AGE-SECRET-KEY-1${"QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L".repeat(2).slice(0, 58)}`;
    const findings = await check({
      ".sops.yaml": `creation_rules:\n  - path_regex: app/.*\n    age: ${DEV}\n  - path_regex: other/.*\n    age: >-\n      ${DEV},\n      ${key}\n`,
      "clusters/c/app.yaml": ks("app", "./app", DECRYPTION),
      "app/kustomization.yaml": "resources: [enc.yaml]\n",
      "app/enc.yaml": encForDev,
      "nested/.sops.yaml": `creation_rules:\n  - age: ${key.toLowerCase()}\n`,
      "nested/x/enc.yaml": encForDev,
      "clean/.sops.yaml": `creation_rules:\n  - age: ${DEV}\n`,
      "clean/enc.yaml": encForDev,
    });
    const mine = findings.filter((f) => f.rule === "sops-config-private-key");
    expect(mine.map((f) => [f.file, f.line, f.severity])).toEqual([
      [".sops.yaml", 7, "error"],
      ["nested/.sops.yaml", 2, "error"],
    ]);
    expect(JSON.stringify(findings).toLowerCase()).not.toContain(key.slice(16, 40).toLowerCase());
  });

  // Found probing by hand: a .sops.yaml broken by a bad merge made check pass without a word
  // (every file's comparison was skipped), while sops refused it and `secrets status` failed.
  it("sops-recipients-mismatch: a .sops.yaml sops cannot read is an error at its line, once, not a quiet pass", async () => {
    const files = {
      "clusters/c/app.yaml": ks("app", "./app", DECRYPTION),
      "app/kustomization.yaml": "resources: [enc.yaml, enc2.yaml]\n",
      "app/enc.yaml": encForDev,
      "app/enc2.yaml": encForDev,
      "sub/.sops.yaml": `creation_rules:\n  - path_regex: "(["\n    age: ${DEV}\n`,
      "sub/enc.yaml": encForDev,
    };
    const broken = await check({
      ...files,
      ".sops.yaml": `creation_rules:\n  - path_regex: app/.*\n    age: ${DEV}\n  - a: [1\n    b: "\n`,
    });
    const mine = broken.filter((f) => f.rule === "sops-recipients-mismatch");
    expect(mine.map((f) => [f.file, f.line, f.severity])).toEqual([
      [".sops.yaml", 5, "error"],
      ["sub/.sops.yaml", undefined, "error"],
    ]);
    expect(mine[0]!.message).toMatch(
      /^\.sops\.yaml cannot be read by sops \(.+\): sops refuses to encrypt or update keys with it, and the recipients of 2 SOPS files were not compared$/,
    );
    expect(mine[1]!.message).toContain(
      'sub/.sops.yaml cannot be read by sops (creation_rules[0]: regex "(["',
    );
    expect(mine[1]!.message).toContain("the recipients of 1 SOPS file were not compared");
    // The same tree with a readable .sops.yaml whose rule every file meets: nothing to say.
    const fine = await check({
      ...files,
      "sub/.sops.yaml": `creation_rules:\n  - age: ${DEV}\n`,
      ".sops.yaml": `creation_rules:\n  - path_regex: app/.*\n    age: ${DEV}\n`,
    });
    expect(fine.filter((f) => f.rule === "sops-recipients-mismatch")).toEqual([]);
  });

  it("secret-not-encrypted: plain Secret files and secretGenerator literals, not SOPS files or placeholders", async () => {
    const findings = await check({
      "clusters/c/app.yaml": ks("app", "./app", DECRYPTION),
      "app/kustomization.yaml":
        "resources: [plain.yaml, enc.yaml, subst.yaml]\nsecretGenerator:\n  - name: lit\n    literals: [a=b]\n",
      "app/plain.yaml": secret("plain"),
      "app/enc.yaml": encForDev,
      "app/subst.yaml": secret("subst", "${db_password}"),
    });
    const mine = findings.filter((f) => f.rule === "secret-not-encrypted");
    expect(mine.map((f) => [f.file, f.line, f.resource?.name])).toEqual([
      ["app/kustomization.yaml", 3, expect.stringMatching(/^lit-/)],
      ["app/plain.yaml", 6, "plain"],
    ]);
    expect(mine.map((f) => f.message).join("\n")).not.toContain("hunter2");
  });

  it("secret-not-encrypted: every value built from variables is no secret in Git (martinohmann's volsync component)", async () => {
    const volsync = `apiVersion: v1
kind: Secret
metadata: {name: web-volsync, namespace: app}
stringData:
  RESTIC_REPOSITORY: "s3:https://s3.example.org/volsync/\${APP}"
  RESTIC_PASSWORD: "\${SECRET_RESTIC_PASSWORD}"
`;
    const half = `apiVersion: v1
kind: Secret
metadata: {name: half, namespace: app}
stringData:
  user: "\${USER}"
  password: hunter2-plaintext
`;
    const findings = await check({
      "clusters/c/app.yaml": ks("app", "./app", DECRYPTION),
      "app/kustomization.yaml": "resources: [volsync.yaml, half.yaml]\n",
      "app/volsync.yaml": volsync,
      "app/half.yaml": half,
    });
    expect(findings.filter((f) => f.rule === "secret-not-encrypted").map((f) => f.resource?.name)).toEqual([
      "half",
    ]);
  });

  it("secret-not-encrypted: a Secret of public keys holds no secret (deedee-ops' barman ca.crt, allenporter's authorized_keys); a private key beside them does", async () => {
    const cert =
      "-----BEGIN CERTIFICATE-----\nMIICozCCAiigAwIBAgIUEYDo\nGF/r2MGE9j4Hk==\n-----END CERTIFICATE-----";
    const key = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk\n-----END EC PRIVATE KEY-----";
    const indent = (s: string) => s.replaceAll("\n", "\n    ");
    const doc = (name: string, body: string) =>
      `apiVersion: v1\nkind: Secret\nmetadata: {name: ${name}, namespace: app}\n${body}`;
    const findings = await check({
      "clusters/c/app.yaml": ks("app", "./app", DECRYPTION),
      "app/kustomization.yaml": "resources: [ca.yaml, ca-data.yaml, pair.yaml, ssh.yaml, ssh-private.yaml]\n",
      "app/ssh.yaml": doc(
        "ssh",
        "stringData:\n  authorized_keys: |\n    ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMgapzKxl5ps allen@example.org\n    no-pty ssh-rsa AAAAB3NzaC1yc2EAAAADAQAB== ci\n",
      ),
      "app/ssh-private.yaml": doc(
        "ssh-private",
        "stringData:\n  id_ed25519: |\n    -----BEGIN OPENSSH PRIVATE KEY-----\n    b3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n    -----END OPENSSH PRIVATE KEY-----\n  id_ed25519.pub: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMgapzKxl5ps me\n",
      ),
      "app/ca.yaml": doc("ca", `stringData:\n  ca.crt: |-\n    ${indent(`${cert}\n${cert}`)}\n`),
      "app/ca-data.yaml": doc("ca-data", `data:\n  ca.crt: ${Buffer.from(cert).toString("base64")}\n`),
      "app/pair.yaml": doc(
        "pair",
        `stringData:\n  tls.crt: |-\n    ${indent(cert)}\n  tls.key: |-\n    ${indent(key)}\n`,
      ),
    });
    expect(findings.filter((f) => f.rule === "secret-not-encrypted").map((f) => f.resource?.name)).toEqual([
      "pair",
      "ssh-private",
    ]);
  });

  it("secret-not-encrypted: a secretGenerator input that is a certificate is public (glotzerhotze's vault-ca.crt); a key beside it is not", async () => {
    const cert =
      "-----BEGIN CERTIFICATE-----\nMIICozCCAiigAwIBAgIUEYDo\nGF/r2MGE9j4Hk==\n-----END CERTIFICATE-----\n";
    const key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEogIBAAKCAQEAyhw0AVRy\n-----END RSA PRIVATE KEY-----\n";
    const findings = await check({
      "clusters/c/app.yaml": ks("app", "./app", DECRYPTION),
      "app/kustomization.yaml":
        "namespace: app\nsecretGenerator:\n  - name: ca\n    files: [ca/ca.crt]\n  - name: pair\n    files: [ca/tls.crt, ca/tls.key]\n",
      "app/ca/ca.crt": cert,
      "app/ca/tls.crt": cert,
      "app/ca/tls.key": key,
    });
    expect(findings.filter((f) => f.rule === "secret-not-encrypted").map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^Secret app\/pair-\w+ is generated from unencrypted secretGenerator input ca\/tls.key:/,
      ),
    ]);
  });

  it("secret-not-encrypted: OpenPGP public keys are public (M0NsTeRRR's pgp-public-keys for commit verification); a private key block is not", async () => {
    const block = (what: string, headers = "") =>
      `-----BEGIN PGP ${what} KEY BLOCK-----\n${headers}\nmDMEX+6p+RYJKwYBBAHaRw8BAQdAg65jIjqkzCLBswox8gxOem7ay9IesJT3m3qQ\nt4D7HzvCV3rYWK4fAPkBBdlUPE1ktmgFYeWOl/BJNYBapTOK9jV1I+OuMxynCQ==\n=xrR4\n-----END PGP ${what} KEY BLOCK-----\n`;
    const findings = await check({
      "clusters/c/app.yaml": ks("app", "./app", DECRYPTION),
      "app/kustomization.yaml":
        "namespace: app\nsecretGenerator:\n  - name: pgp-public-keys\n    files: [keys/me.asc, keys/github.asc]\n  - name: signing\n    files: [keys/private.asc]\n",
      "app/keys/me.asc": block("PUBLIC"),
      "app/keys/github.asc": block("PUBLIC", "Comment: GitHub web-flow\nVersion: 1\n"),
      "app/keys/private.asc": block("PRIVATE"),
    });
    expect(findings.filter((f) => f.rule === "secret-not-encrypted").map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^Secret app\/signing-\w+ is generated from unencrypted secretGenerator input keys\/private.asc:/,
      ),
    ]);
  });

  it("secret-not-encrypted: an image reference under an image key is public (cloudnative-pg's barman plugin manifest); a password or an image under another key is not", async () => {
    const doc = (name: string, body: string) =>
      `apiVersion: v1\nkind: Secret\nmetadata: {name: ${name}, namespace: app}\n${body}`;
    const image = "ghcr.io/cloudnative-pg/plugin-barman-cloud-sidecar:v0.10.0";
    const b64 = Buffer.from(image).toString("base64");
    const findings = await check({
      "clusters/c/app.yaml": ks("app", "./app", DECRYPTION),
      "app/kustomization.yaml":
        "resources: [sidecar.yaml, digest.yaml, mixed.yaml, other-key.yaml, untagged.yaml]\n",
      // the base64 folded over two lines, as the upstream manifest has it
      "app/sidecar.yaml": doc(
        "sidecar",
        `data:\n  SIDECAR_IMAGE: |\n    ${b64.slice(0, 40)}\n    ${b64.slice(40)}\n`,
      ),
      "app/digest.yaml": doc(
        "digest",
        `stringData:\n  image: registry.example.org:5000/team/app@sha256:${"a".repeat(64)}\n`,
      ),
      "app/mixed.yaml": doc("mixed", `stringData:\n  SIDECAR_IMAGE: ${image}\n  password: hunter2\n`),
      "app/other-key.yaml": doc("other-key", `stringData:\n  token: ${image}\n`),
      "app/untagged.yaml": doc("untagged", "stringData:\n  image: example.org/secret\n"),
    });
    expect(findings.filter((f) => f.rule === "secret-not-encrypted").map((f) => f.resource?.name)).toEqual([
      "mixed",
      "other-key",
      "untagged",
    ]);
  });

  it("secret-not-encrypted: a restic repository's location beside its credentials from variables holds no secret (wrmilling's volsync Secrets); one with a password in it does", async () => {
    const doc = (name: string, repository: string) =>
      `apiVersion: v1\nkind: Secret\nmetadata: {name: ${name}, namespace: app}\nstringData:\n  RESTIC_REPOSITORY: "${repository}"\n  RESTIC_PASSWORD: \${SECRET_RESTIC_PASSWORD}\n  AWS_SECRET_ACCESS_KEY: \${SECRET_MINIO_SECRET_KEY}\n`;
    const findings = await check({
      "clusters/c/app.yaml": ks("app", "./app", DECRYPTION),
      "app/kustomization.yaml": "resources: [s3.yaml, rest.yaml, password.yaml]\n",
      "app/s3.yaml": doc("s3", "s3:http://minio.kube-system.svc:9000/restic/app"),
      "app/rest.yaml": doc("rest", "rest:https://backup@rest.example.org:8000/app"),
      "app/password.yaml": doc("password", "rest:https://backup:hunter2@rest.example.org:8000/app"),
    });
    expect(findings.filter((f) => f.rule === "secret-not-encrypted").map((f) => f.resource?.name)).toEqual([
      "password",
    ]);
  });

  it("secret-not-encrypted: empty values are placeholders another controller fills (geoffdavis' cilium-bgp-auth), nothing in the clear", async () => {
    const doc = (name: string, body: string) =>
      `apiVersion: v1\nkind: Secret\nmetadata: {name: ${name}, namespace: app}\n${body}`;
    const findings = await check({
      "clusters/c/app.yaml": ks("app", "./app", DECRYPTION),
      "app/kustomization.yaml": "resources: [data.yaml, string.yaml, filled.yaml]\n",
      "app/data.yaml": doc("data", 'data:\n  password: ""\n'),
      "app/string.yaml": doc("string", 'stringData:\n  token: ""\n  url: ${URL}\n'),
      "app/filled.yaml": doc("filled", 'stringData:\n  token: ""\n  password: hunter2\n'),
    });
    expect(findings.filter((f) => f.rule === "secret-not-encrypted").map((f) => f.resource?.name)).toEqual([
      "filled",
    ]);
  });

  it("secret-not-encrypted: one finding per place, naming the other Secrets rendered from it (rcdailey's volsync component)", async () => {
    const findings = await check({
      "clusters/c/a.yaml": ks("a", "./apps/a", DECRYPTION),
      "clusters/c/b.yaml": ks("b", "./apps/b", DECRYPTION),
      "apps/a/kustomization.yaml": "namePrefix: a-\ncomponents: [../../component]\n",
      "apps/b/kustomization.yaml": "namePrefix: b-\ncomponents: [../../component]\n",
      "component/kustomization.yaml":
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [secret.yaml]\n",
      "component/secret.yaml": secret("volsync"),
    });
    const mine = findings.filter((f) => f.rule === "secret-not-encrypted");
    expect(mine.map((f) => [f.file, f.message])).toEqual([
      [
        "component/secret.yaml",
        "Secret app/a-volsync is not SOPS-encrypted in component/secret.yaml: its values are in Git in the clear (so is 1 more Secret rendered from the same place: app/b-volsync)",
      ],
    ]);
  });

  it("secret-in-base: Secrets and SOPS files under a base that two overlays build", async () => {
    const files = (overlays: string[]) => ({
      ...Object.fromEntries(
        overlays.flatMap((o) => [
          [`clusters/c/${o}.yaml`, ks(o, `./app/${o}`, DECRYPTION)],
          [`app/${o}/kustomization.yaml`, "resources: [../base]\n"],
        ]),
      ),
      "app/base/kustomization.yaml": "resources: [s.yaml]\n",
      "app/base/s.yaml": encForDev,
      "app/base/unused.sops.yaml": encForBoth,
    });
    const inBase = async (overlays: string[]) =>
      (await check(files(overlays))).filter((f) => f.rule === "secret-in-base").map((f) => f.file);
    expect(await inBase(["dev", "prod"])).toEqual(["app/base/unused.sops.yaml", "app/base/s.yaml"]);
    // Joker9944's single cluster: each app's base is built by one Kustomization, spread nowhere.
    expect(await inBase(["prod"])).toEqual([]);
  });

  it("sops-recipients-mismatch: missing and stale recipients against .sops.yaml", async () => {
    const findings = await check({
      ".sops.yaml": `creation_rules:\n  - path_regex: prod/.*\n    age: ${DEV},${PROD}\n  - path_regex: dev/.*\n    age: ${DEV}\n`,
      "prod/s.yaml": encForDev,
      "dev/s.yaml": encForBoth,
      "dev/ok.yaml": encForDev,
    });
    const mine = findings.filter((f) => f.rule === "sops-recipients-mismatch");
    expect(mine.map((f) => f.file)).toEqual(["dev/s.yaml", "prod/s.yaml"]);
    expect(mine.find((f) => f.file === "prod/s.yaml")!.message).toContain(`missing ${PROD}`);
    expect(mine.find((f) => f.file === "dev/s.yaml")!.message).toContain(`stale ${PROD}`);
    // A missing key breaks decryption; a stale one only lets a retired key read it (tvories).
    expect(mine.map((f) => [f.file, f.severity])).toEqual([
      ["dev/s.yaml", "warning"],
      ["prod/s.yaml", "error"],
    ]);
  });

  it("sops-recipients-mismatch: a post-quantum recipient is named by its two ends, not its 2,000 characters", async () => {
    const pq = await identityToRecipient(await generateHybridIdentity());
    expect(pq.length).toBeGreaterThan(1000);
    const findings = await check({
      ".sops.yaml": `creation_rules:\n  - path_regex: prod/.*\n    age: ${pq}\n`,
      "prod/s.yaml": encForDev,
    });
    const mine = findings.filter((f) => f.rule === "sops-recipients-mismatch");
    expect(mine.map((f) => [f.severity, f.message])).toEqual([
      [
        "error",
        `prod/s.yaml: recipients differ from .sops.yaml: missing ${pq.slice(0, 20)}…${pq.slice(-8)} (that key cannot decrypt it); stale ${DEV} (no longer in .sops.yaml); run 'slipway secrets updatekeys prod/s.yaml'`,
      ],
    ]);
  });

  it("sops-recipients-mismatch: an age entry whose label a history rewrite scrubbed may be the missing key: a warning that says so, not 'cannot decrypt'", async () => {
    // kreativmonkey/homelab-gitops: `recipient: REMOVED_BY_HISTORY_REWRITE` in 66 files whose
    // .sops.yaml names the cluster's key; sops decrypts by the entry's stanza, not its label.
    const scrubbed = encForProd.replace(`recipient: ${PROD}`, "recipient: REMOVED_BY_HISTORY_REWRITE");
    expect(scrubbed).not.toBe(encForProd);
    const findings = await check({
      ".sops.yaml": `creation_rules:\n  - path_regex: prod/.*\n    age: ${PROD}\n  - path_regex: both/.*\n    age: ${DEV},${PROD}\n`,
      "prod/s.yaml": scrubbed,
      "both/s.yaml": scrubbed,
    });
    const mine = findings.filter((f) => f.rule === "sops-recipients-mismatch");
    expect(mine.map((f) => [f.file, f.severity, f.message])).toEqual([
      // Two keys missing, one unnamed entry: one of them cannot decrypt it, whichever it is.
      [
        "both/s.yaml",
        "error",
        `both/s.yaml: recipients differ from .sops.yaml: missing ${DEV}, ${PROD} (that key cannot decrypt it); stale REMOVED_BY_HISTORY_REWRITE (no longer in .sops.yaml); run 'slipway secrets updatekeys both/s.yaml'`,
      ],
      [
        "prod/s.yaml",
        "warning",
        `prod/s.yaml: recipients differ from .sops.yaml: missing ${PROD} by name, but its age entry names no key (REMOVED_BY_HISTORY_REWRITE), and whether that is this key the file does not say; run 'slipway secrets updatekeys prod/s.yaml'`,
      ],
    ]);
  });

  it("flux-decryption-missing: encrypted objects applied without spec.decryption", async () => {
    const findings = await check({
      "clusters/c/app.yaml": ks("app", "./app"),
      "clusters/c/ok.yaml": ks("ok", "./ok", DECRYPTION),
      "app/kustomization.yaml": "resources: [s.yaml]\n",
      "app/s.yaml": encForDev,
      "ok/kustomization.yaml": "resources: [s.yaml]\n",
      "ok/s.yaml": encForBoth,
    });
    const mine = findings.filter((f) => f.rule === "flux-decryption-missing");
    expect(mine.map((f) => [f.kustomization, f.file])).toEqual([["flux-system/app", "clusters/c/app.yaml"]]);
    // kustomize-controller refuses the encrypted Secret and applies nothing of app: the finding
    // names the Secret and its file, never a value.
    expect(mine[0]!.message).toContain(
      "is not applied: Secret/app/enc is SOPS encrypted, configuring decryption is required for this secret to be reconciled",
    );
    expect(mine[0]!.message).toContain("(app/s.yaml:1)");
    expect(mine[0]!.message).not.toContain("hunter2");
  });

  it("flux-decryption-missing: a root that the bootstrap outside the repository makes is not said to lack decryption", async () => {
    // xunholy/k8s-gitops: kubernetes/clusters/cluster-00 holds top-level Kustomizations and SOPS
    // Secrets; its FluxInstance (chart values, an OCI artifact) patches decryption into
    // flux-system. Slipway makes that root up; the repository does not say what it decrypts.
    const root = tempTree({
      "clusters/c/apps.yaml": ks("apps", "./app", DECRYPTION),
      "clusters/c/other.yaml": ks("other", "./app", DECRYPTION),
      "clusters/c/cluster-secrets.yaml": encForDev,
      "app/kustomization.yaml": "resources: [s.yaml]\n",
      "app/s.yaml": encForBoth,
    });
    const { platform } = await loadPlatformWithSecrets(root, { identities });
    expect(
      platform.clusters.map((c) => [c.name, c.kustomizations[0]!.id, c.kustomizations[0]!.status]),
    ).toEqual([["c", "flux-system/flux-system", "rendered"]]);
    const mine = runCheck(platform, { rules }).findings.filter((f) => f.rule === "flux-decryption-missing");
    expect(mine).toEqual([]);
  });

  it("flux-decryption-missing: a FluxInstance's kustomize patches give its sync Kustomization decryption, as flux-operator builds it", async () => {
    // emerconn/fleet-infra's FluxInstance patches only its Deployments: its sync Kustomization has
    // no decryption and Flux applies none of it. A patch of kind Kustomization (onedr0p's values
    // add `decryption` so) is applied to the sync Kustomization by flux-operator.
    const instance = (patches: string) => `apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata: {name: flux, namespace: flux-system}
spec:
  distribution: {version: "2.7.x", registry: ghcr.io/fluxcd}
  sync: {kind: GitRepository, url: "https://github.com/example/fleet.git", ref: refs/heads/main, path: clusters/c}
  kustomize:
    patches:
${patches}`;
    const deployments =
      "      - target: {kind: Deployment}\n        patch: |\n          - op: add\n            path: /spec/template/spec/nodeSelector\n            value: {role: control-plane}\n";
    const decryption =
      "      - target: {kind: Kustomization}\n        patch: |\n          - op: add\n            path: /spec/decryption\n            value: {provider: sops, secretRef: {name: sops-age}}\n";
    const broken =
      "      - target: {kind: Kustomization}\n        patch: |\n          - op: replace\n            path: /spec/nothere/x\n            value: 1\n";
    const load = async (patches: string) => {
      const root = tempTree({
        "bootstrap/flux-instance.yaml": instance(patches),
        "clusters/c/kustomization.yaml": "resources: [secret.yaml, cm.yaml]\n",
        "clusters/c/secret.yaml": encForDev,
        "clusters/c/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: apps}\n",
      });
      const { platform } = await loadPlatformWithSecrets(root, { identities });
      return runCheck(platform, { rules: allRules }).findings.filter(
        (f) => f.rule === "flux-decryption-missing" || f.rule === "render-error",
      );
    };
    expect((await load(deployments)).map((f) => f.rule)).toEqual(["flux-decryption-missing"]);
    expect(await load(decryption + deployments)).toEqual([]);
    const failed = await load(broken);
    expect(failed.map((f) => [f.rule, f.file])).toContainEqual([
      "render-error",
      "bootstrap/flux-instance.yaml",
    ]);
    expect(failed.find((f) => f.rule === "render-error")!.message).toContain(
      "FluxInstance flux-system/flux: its kustomize patches for the sync Kustomization flux-system/flux-system do not apply",
    );
  });

  it("flux-decryption-missing: a plain kustomize stack is not called a Flux Kustomization", async () => {
    const root = tempTree({
      "stacks/prod/kustomization.yaml": "resources: [s.yaml]\n",
      "stacks/prod/s.yaml": encForDev,
    });
    const { platform } = await loadPlatformWithSecrets(root, { identities });
    const mine = runCheck(platform, { rules }).findings.filter((f) => f.rule === "flux-decryption-missing");
    expect(mine.map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^kustomize stack prod \(stacks\/prod\) holds SOPS-encrypted objects, which 'kubectl apply -k' applies as ciphertext: Secret app\/enc/,
      ),
    ]);
  });

  it("flux-decryption-missing: the refused Kustomization is one finding, not a render-error too", async () => {
    const root = tempTree({
      "clusters/c/flux-system/gotk-sync.yaml": SYNC,
      "clusters/c/app.yaml": ks("app", "./app"),
      "app/kustomization.yaml": "resources: [s.yaml]\n",
      "app/s.yaml": encForDev,
    });
    const { platform } = await loadPlatformWithSecrets(root, { identities });
    const findings = runCheck(platform, { rules: allRules }).findings.filter((f) =>
      ["render-error", "flux-decryption-missing"].includes(f.rule),
    );
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([["flux-decryption-missing", "error"]]);
  });

  it("sops-undecryptable: one info finding per cluster without the key", async () => {
    const files = {
      "clusters/c/ok.yaml": ks("ok", "./ok", DECRYPTION),
      "ok/kustomization.yaml": "resources: [s.yaml]\n",
      "ok/s.yaml": encForDev,
    };
    expect((await check(files)).filter((f) => f.rule === "sops-undecryptable")).toEqual([]);
    const keyless = (await check(files, [])).filter((f) => f.rule === "sops-undecryptable");
    expect(keyless).toHaveLength(1);
    expect(keyless[0]).toMatchObject({ severity: "info", cluster: "c", file: "ok/s.yaml" });
    expect(keyless[0]!.message).toMatch(/ok\/s\.yaml: no age identity/);
  });

  it("sops-undecryptable: an error when a key is present but cannot decrypt a file the cluster applies", async () => {
    const files = {
      "clusters/c/ok.yaml": ks("ok", "./ok", DECRYPTION),
      "ok/kustomization.yaml": "resources: [s.yaml, p.yaml]\n",
      "ok/s.yaml": encForDev,
      "ok/p.yaml": encForProd,
    };
    const mine = (await check(files)).filter((f) => f.rule === "sops-undecryptable");
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ severity: "error", cluster: "c", file: "ok/p.yaml" });
    expect(mine[0]!.message).not.toContain("hunter2");
  });

  it("sops-mac-mismatch: a file changed outside sops is an error finding naming the mac line, never its values", async () => {
    const tampered = encForDev.replace("name: enc\n", "name: enc-renamed\n");
    expect(tampered).not.toBe(encForDev);
    const files = {
      "clusters/c/ok.yaml": ks("ok", "./ok", DECRYPTION),
      "ok/kustomization.yaml": "resources: [s.yaml]\n",
      "ok/s.yaml": tampered,
    };
    const findings = await check(files);
    const mine = findings.filter((f) => f.rule === "sops-mac-mismatch");
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ severity: "error", file: "ok/s.yaml" });
    expect(mine[0]!.line).toBe(tampered.split("\n").findIndex((l) => /^\s*mac:/.test(l)) + 1);
    expect(JSON.stringify(findings)).not.toContain("hunter2");
    // The untouched file is accepted.
    const clean = await check({ ...files, "ok/s.yaml": encForDev });
    expect(clean.filter((f) => f.rule === "sops-mac-mismatch")).toEqual([]);
  });
  it("sops-metadata-missing: ENC values without the sops block are an error, not 'in the clear'", async () => {
    // A merge that kept the values and dropped the `sops:` block: Flux finds no MAC marker
    // (decryptor.go), decrypts nothing and applies the ENC[…] text; nobody can decrypt it.
    const cut = encForDev.slice(0, encForDev.indexOf("sops:"));
    const envs = await encryptSops("DB_PASSWORD=hunter2-env\n", {
      format: "dotenv",
      rule: ruleForRecipients([DEV]),
      config: null,
    });
    const cutEnv = envs
      .toString()
      .split("\n")
      .filter((l) => !l.startsWith("sops_"))
      .join("\n");
    const findings = await check({
      "clusters/c/app.yaml": ks("app", "./app", DECRYPTION),
      "app/kustomization.yaml":
        "resources: [cut.yaml]\nsecretGenerator:\n  - name: gen\n    envs: [db.env]\n",
      "app/cut.yaml": cut,
      "app/db.env": cutEnv,
      "app/notes.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: n\ndata:\n  how: values look like ENC[AES256_GCM,data:…]\n",
    });
    const mine = findings.filter((f) => f.rule === "sops-metadata-missing");
    expect(mine.map((f) => [f.severity, f.file, f.line])).toEqual([
      ["error", "app/cut.yaml", cut.split("\n").findIndex((l) => l.includes("ENC[")) + 1],
      ["error", "app/db.env", 1],
    ]);
    expect(mine[0]!.message).toContain("no sops metadata: nobody can decrypt it");
    // Ciphertext is not "in the clear": before, secret-not-encrypted said so, a false error.
    expect(findings.filter((f) => f.rule === "secret-not-encrypted")).toEqual([]);
    expect(JSON.stringify(findings)).not.toContain("hunter2");
    const whole = await check({
      "clusters/c/app.yaml": ks("app", "./app", DECRYPTION),
      "app/kustomization.yaml": "resources: [s.yaml]\n",
      "app/s.yaml": encForDev,
    });
    expect(whole.filter((f) => f.rule === "sops-metadata-missing")).toEqual([]);
    // The same file written in flow style (d4rkfella's `mac: "ENC[…]"`): Flux decrypts an object
    // by its parsed `sops.mac`, not by the byte marker of generator inputs.
    const flow = await check({
      "clusters/c/app.yaml": ks("app", "./app", DECRYPTION),
      "app/kustomization.yaml": "resources: [s.yaml]\n",
      "app/s.yaml": JSON.stringify(parseYaml(encForDev, "s.yaml"), null, 2),
    });
    expect(flow.filter((f) => f.severity === "error")).toEqual([]);
    // vaskozl's reminders/trackers.txt, SOPS-encrypted in YAML form as a secretGenerator `files:`
    // input: Flux reads a `.txt` key as binary and leaves the file alone before the build (no
    // JSON marker), then decrypts the Secret's data value after it, which holds the YAML marker
    // (decryptor.go DecryptResource): decrypted, not "without sops metadata".
    const yamlForm = await encryptSops("data: tracker-one\n", {
      format: "yaml",
      rule: ruleForRecipients([DEV]),
      config: null,
    });
    const txt = await check({
      "clusters/c/app.yaml": ks("app", "./app", DECRYPTION),
      "app/kustomization.yaml":
        "namespace: app\nsecretGenerator:\n  - name: reminders\n    files: [reminders/trackers.txt]\n",
      "app/reminders/trackers.txt": yamlForm.toString(),
    });
    expect(
      txt.filter((f) => f.rule === "sops-metadata-missing" || f.rule === "secret-not-encrypted"),
    ).toEqual([]);
  });
  it("sops-metadata-missing and secret-not-encrypted judge the bytes the load read, not the disk afterwards", async () => {
    // The rules read through the load's view of the repository (the bytes it kept): a file
    // changed after the load (here: emptied) is judged as the render saw it.
    const cut = encForDev.slice(0, encForDev.indexOf("sops:"));
    const root = tempTree({
      "clusters/c/flux-system/gotk-sync.yaml": SYNC,
      "clusters/c/app.yaml": ks("app", "./app", DECRYPTION),
      "app/kustomization.yaml": "resources: [cut.yaml, plain.yaml]\n",
      "app/cut.yaml": cut,
      "app/plain.yaml": secret("plain"),
    });
    const { platform } = await loadPlatformWithSecrets(root, { identities });
    writeFileSync(path.join(root, "app/cut.yaml"), "");
    writeFileSync(path.join(root, "app/plain.yaml"), "");
    const findings = runCheck(platform, { rules }).findings;
    expect(findings.filter((f) => f.rule === "sops-metadata-missing").map((f) => f.file)).toEqual([
      "app/cut.yaml",
    ]);
    expect(findings.filter((f) => f.rule === "secret-not-encrypted").map((f) => f.file)).toEqual([
      "app/plain.yaml",
    ]);
  });
  it("INI SOPS files Flux decrypts: a warning that Slipway cannot, never a silent pass", async () => {
    // kustomize-controller reads a `.ini` generator input, and a Secret value with the `[sops]`
    // marker, with sops' INI store (decryptor.go formatForPath, detectFormatFromMarkerBytes).
    const ini = `[db]\npass = ENC[AES256_GCM,data:AAAA,iv:${"A".repeat(43)}=,tag:${"A".repeat(22)}==,type:str]\n\n[sops]\nage__list_0__map_recipient = ${DEV}\nmac = ENC[AES256_GCM,data:AAAA,iv:AAAA,tag:AAAA,type:str]\nversion = 3.9.0\n`;
    const data = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: direct\n  namespace: app\ndata:\n  app.ini: ${Buffer.from(ini.replace("data:AAAA", "data:BBBB")).toString("base64")}\n`;
    const findings = await check({
      "clusters/c/app.yaml": ks("app", "./app", DECRYPTION),
      "app/kustomization.yaml":
        "resources: [direct.yaml]\nsecretGenerator:\n  - name: gen\n    files: [app.ini]\n  - name: env\n    envs: [db.ini]\n",
      "app/app.ini": ini,
      "app/db.ini": ini,
      "app/direct.yaml": data,
    });
    const mine = findings.filter((f) => f.rule.startsWith("sops-") || f.rule.startsWith("secret-"));
    expect(mine.map((f) => [f.rule, f.severity, f.file])).toEqual([
      ["sops-undecryptable", "warning", "app/app.ini"],
    ]);
    expect(mine[0]!.message).toContain("3 SOPS files Slipway cannot decrypt though Flux does");
    expect(mine[0]!.message).toContain("app/app.ini, app/db.ini, v1, Kind=Secret/app/direct data.app.ini");
    expect(mine[0]!.message).toContain("an INI SOPS file, which Flux decrypts");
  });
});
