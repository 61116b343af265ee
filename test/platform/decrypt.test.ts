import { beforeAll, describe, expect, it } from "vitest";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { buildResources } from "../../src/kustomize/build.js";
import { loadPlatformWithSecrets } from "../../src/platform/decrypt.js";
import { maskRenderedObject } from "../../src/platform/masking.js";
import type { Platform } from "../../src/platform/model.js";
import { createSecretMasker, encryptSops, ruleForRecipients } from "../../src/sops/index.js";
import { emitYaml } from "../../src/yaml/index.js";
import { demoIdentities as identities, ks, SYNC } from "../support/flux.js";

const RECIPIENT = "age1lt4csfl3qnmkm83ghffmfa0zu5m7mzwge4d9sv53af00m7qjmytsn855wr";

const SOPS_SPEC = "  decryption:\n    provider: sops\n    secretRef:\n      name: sops-age\n";

function encrypt(plain: string, file: string, regex = true): Promise<string> {
  const rule = ruleForRecipients([RECIPIENT], regex ? { encrypted_regex: "^(data|stringData)$" } : {});
  return encryptSops(plain, { file, rule, config: null }).then((b) => b.toString("utf8"));
}

const SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: app
stringData:
  password: s3cr3t-db-password
`;

let encSecret: string;
let encEnv: string;
let encPatch: string;

beforeAll(async () => {
  encSecret = await encrypt(SECRET, "secret.sops.yaml");
  encEnv = await encrypt("API_TOKEN=tok-0123456789abcdef\n", "creds.env", false);
  encPatch = await encrypt(
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  url: https://user:pa55word-in-patch@db\n",
    "patch.yaml",
  );
});

async function load(files: Record<string, string>, spec: string, ids: readonly string[] = identities) {
  const fs = new MemoryFileSystem({
    "/repo/clusters/c/flux-system/gotk-sync.yaml": SYNC,
    "/repo/clusters/c/app.yaml": ks("app", `  path: ./app\n${spec}`),
    ...Object.fromEntries(Object.entries(files).map(([k, v]) => [`/repo/app/${k}`, v])),
  });
  const { platform, secrets } = await loadPlatformWithSecrets("/repo", { fs, identities: ids });
  const app = platform.clusters[0]!.kustomizations.find((k) => k.name === "app")!;
  return { fs, platform, secrets, app, objects: app.resources.map((r) => r.object) };
}

const masker = createSecretMasker();

function printed(platform: Platform): string {
  return platform.clusters
    .flatMap((c) => c.kustomizations.flatMap((k) => k.resources))
    .map((r) => emitYaml(maskRenderedObject(r, masker)))
    .join("---\n");
}

describe("Flux decryption of resources (after the build)", () => {
  it("decrypts an object with a top-level sops map as a whole and drops the metadata", async () => {
    const { app, objects, secrets } = await load(
      { "kustomization.yaml": "resources: [secret.sops.yaml]\n", "secret.sops.yaml": encSecret },
      SOPS_SPEC,
    );
    expect(app.errors).toEqual([]);
    expect(objects[0]!.stringData).toEqual({ password: "s3cr3t-db-password" });
    expect(objects[0]!.sops).toBeUndefined();
    expect(secrets.problems).toEqual([]);
    expect(secrets.files.map((f) => [f.file, f.canDecrypt])).toEqual([["app/secret.sops.yaml", true]]);
  });

  it("decrypts after kustomize changed unencrypted fields (no MAC check, as Flux)", async () => {
    const { objects } = await load(
      {
        "kustomization.yaml":
          "namespace: other\nnamePrefix: p-\ncommonLabels: {a: b}\nresources: [secret.sops.yaml]\n",
        "secret.sops.yaml": encSecret,
      },
      SOPS_SPEC,
    );
    expect(objects[0]!.metadata).toMatchObject({ name: "p-db", namespace: "other" });
    expect(objects[0]!.stringData).toEqual({ password: "s3cr3t-db-password" });
  });

  it("leaves objects alone without spec.decryption or with the decrypt: disabled annotation", async () => {
    const plain = await load(
      { "kustomization.yaml": "resources: [secret.sops.yaml]\n", "secret.sops.yaml": encSecret },
      "",
    );
    // Not decrypted, so kustomize-controller refuses the Secret and applies nothing of app.
    expect(plain.app.status).toBe("failed");
    expect(plain.app.errors.map((e) => [e.code, e.file])).toEqual([
      ["SOPS_DECRYPTION_MISSING", "app/secret.sops.yaml"],
    ]);
    const disabled = encSecret.replace(
      "    namespace: app\n",
      "    namespace: app\n    annotations:\n        kustomize.toolkit.fluxcd.io/decrypt: Disabled\n",
    );
    const d = await load({ "kustomization.yaml": "resources: [s.yaml]\n", "s.yaml": disabled }, SOPS_SPEC);
    expect(d.objects[0]!.sops).toBeDefined();
  });

  it("decrypts SOPS files inside Secret data (unwrapping their key after a first render)", async () => {
    const embedded = Buffer.from(encEnv).toString("base64");
    const secret = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: wrapped\ndata:\n  creds.env: ${embedded}\n  plain: ${Buffer.from("x").toString("base64")}\n`;
    const { objects } = await load(
      { "kustomization.yaml": "resources: [s.yaml]\n", "s.yaml": secret },
      SOPS_SPEC,
    );
    const data = objects[0]!.data as Record<string, string>;
    expect(Buffer.from(data["creds.env"]!, "base64").toString()).toBe("API_TOKEN=tok-0123456789abcdef\n");
    expect(data.plain).toBe(Buffer.from("x").toString("base64"));
  });
});

describe("Flux decryption of generator inputs and patches (before the build)", () => {
  it("serves decrypted secretGenerator envs/files and patch files from memory only", async () => {
    const { fs, objects, app } = await load(
      {
        "kustomization.yaml": [
          "resources: [cm.yaml]",
          "secretGenerator:",
          "  - name: creds",
          "    envs: [creds.env]",
          "  - name: files",
          "    files: [token=creds.env]",
          "patches:",
          "  - path: patch.yaml",
          "",
        ].join("\n"),
        "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  url: none\n",
        "creds.env": encEnv,
        "patch.yaml": encPatch,
      },
      SOPS_SPEC,
    );
    expect(app.errors).toEqual([]);
    const byName = (n: string) =>
      objects.find((o) => String((o.metadata as { name: string }).name).startsWith(n))!;
    const creds = byName("creds-");
    expect(Buffer.from((creds.data as Record<string, string>).API_TOKEN!, "base64").toString()).toBe(
      "tok-0123456789abcdef",
    );
    // The file's key name has no known extension: input = output format = binary, so the
    // dotenv file is served as it is, decrypted only when its marker matches (it does not).
    expect(byName("files-")).toBeDefined();
    expect((byName("cm").data as Record<string, string>).url).toBe("https://user:pa55word-in-patch@db");
    // Nothing was written back.
    expect(fs.readFile("/repo/app/creds.env").toString()).toBe(encEnv);
  });
});

describe("a dockerconfigjson key is JSON to Flux (decryptor.go formatForPath; vikbaranov's registry credentials)", () => {
  const config =
    '{\n\t"auths": {\n\t\t"registry.example.org": {\n\t\t\t"auth": "dXNlcjpwYXNz"\n\t\t}\n\t}\n}';
  const auth = (bytes: string) =>
    (JSON.parse(Buffer.from(bytes, "base64").toString()) as { auths: Record<string, { auth: string }> })
      .auths["registry.example.org"]!.auth;

  it("a secretGenerator file under the .dockerconfigjson key is decrypted as JSON", async () => {
    const creds = await encrypt(config, "creds.enc.json", false);
    const { app, objects } = await load(
      {
        "kustomization.yaml": [
          "generatorOptions: {disableNameSuffixHash: true}",
          "secretGenerator:",
          "  - name: registry",
          "    type: kubernetes.io/dockerconfigjson",
          "    files: [.dockerconfigjson=creds.enc.json]",
          "",
        ].join("\n"),
        "creds.enc.json": creds,
      },
      SOPS_SPEC,
    );
    expect(app.errors).toEqual([]);
    expect(auth((objects[0]!.data as Record<string, string>)[".dockerconfigjson"]!)).toBe("dXNlcjpwYXNz");
  });

  it("a SOPS JSON file inside Secret data under .dockerconfigjson comes out as JSON", async () => {
    const creds = await encrypt(config, "creds.enc.json", false);
    const secret = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: wrapped\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ${Buffer.from(creds).toString("base64")}\n`;
    const { objects } = await load(
      { "kustomization.yaml": "resources: [s.yaml]\n", "s.yaml": secret },
      SOPS_SPEC,
    );
    const out = Buffer.from(
      (objects[0]!.data as Record<string, string>)[".dockerconfigjson"]!,
      "base64",
    ).toString();
    expect(out.startsWith("{")).toBe(true);
    expect(auth((objects[0]!.data as Record<string, string>)[".dockerconfigjson"]!)).toBe("dXNlcjpwYXNz");
  });
});

describe("without a key", () => {
  it("renders, keeps values encrypted, and records which files and why", async () => {
    const { app, objects, secrets, platform } = await load(
      {
        "kustomization.yaml":
          "resources: [secret.sops.yaml]\nsecretGenerator:\n  - name: creds\n    envs: [creds.env]\n",
        "secret.sops.yaml": encSecret,
        "creds.env": encEnv,
      },
      SOPS_SPEC,
      [],
    );
    expect(app.status).toBe("rendered");
    expect(objects.find((o) => o.kind === "Secret" && o.sops)).toBeDefined();
    expect(secrets.problems.map((p) => [p.cluster, p.kustomization, p.file]).sort()).toEqual([
      ["c", "flux-system/app", "app/creds.env"],
      ["c", "flux-system/app", "app/secret.sops.yaml"],
    ]);
    expect(secrets.problems[0]!.reason).toMatch(/no age identity/);
    expect(app.warnings.join("\n")).toMatch(/could not decrypt app\/secret.sops.yaml/);
    expect(printed(platform)).not.toMatch(/s3cr3t|tok-0123/);
  });

  it("leaves out a file encrypted down to its kind and name, and says so (sulibot)", async () => {
    // No encrypted_regex: apiVersion, kind and metadata are ENC[…] too. Rules judged an object of
    // kind `ENC[…]` in namespace `ENC[…]` (a false namespace-exists error).
    const whole = await encrypt(SECRET, "whole.sops.yaml", false);
    const { app, objects, secrets } = await load(
      {
        "kustomization.yaml": "resources: [whole.sops.yaml, secret.sops.yaml]\n",
        "whole.sops.yaml": whole,
        "secret.sops.yaml": encSecret,
      },
      SOPS_SPEC,
      [],
    );
    expect(app.status).toBe("rendered");
    expect(objects.map((o) => o.kind)).toEqual(["Secret"]);
    expect(objects.map((o) => (o.metadata as { name: string }).name)).toEqual(["db"]);
    const whyWhole = secrets.problems.find((p) => p.file === "app/whole.sops.yaml")!.reason;
    expect(whyWhole).toMatch(/its kind is encrypted too, so the object is left out/);
    expect(secrets.problems.find((p) => p.file === "app/secret.sops.yaml")!.reason).not.toMatch(/left out/);
    // With the key, the same file is the Secret it hides.
    const withKey = await load(
      { "kustomization.yaml": "resources: [whole.sops.yaml]\n", "whole.sops.yaml": whole },
      SOPS_SPEC,
    );
    expect(withKey.objects.map((o) => [o.kind, (o.metadata as { name: string }).name])).toEqual([
      ["Secret", "db"],
    ]);
  });
});

describe("ksops generators", () => {
  const ksopsTree = (enc: string) => ({
    "/repo/slipway.yaml": "clusters:\n  - name: dev\n    path: stack\n    flux: false\n",
    "/repo/stack/kustomization.yaml": "generators: [gen.yaml]\n",
    "/repo/stack/gen.yaml":
      "apiVersion: viaduct.ai/v1\nkind: ksops\nmetadata:\n  name: gen\n  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: ksops\nfiles: [secret.enc.yaml]\n",
    "/repo/stack/secret.enc.yaml": enc,
  });

  it("produce the decrypted Secrets in plain kustomize stacks", async () => {
    const fs = new MemoryFileSystem(ksopsTree(encSecret));
    const { platform, secrets } = await loadPlatformWithSecrets("/repo", { fs, identities });
    const k = platform.clusters[0]!.kustomizations[0]!;
    expect(k.errors).toEqual([]);
    expect(k.resources.map((r) => r.object)).toEqual([
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "db", namespace: "app" },
        stringData: { password: "s3cr3t-db-password" },
      },
    ]);
    expect(secrets.problems).toEqual([]);
  });

  it("keep the Secret encrypted without a key and say so for the cluster", async () => {
    const fs = new MemoryFileSystem(ksopsTree(encSecret));
    const { platform, secrets } = await loadPlatformWithSecrets("/repo", { fs, identities: [] });
    expect(platform.clusters[0]!.kustomizations[0]!.errors).toEqual([]);
    expect(secrets.problems.map((p) => [p.cluster, p.file])).toEqual([["dev", "stack/secret.enc.yaml"]]);
    expect(printed(platform)).not.toContain("s3cr3t");
  });

  it("still fail in a plain build, as kubectl kustomize does without the plugin", () => {
    const fs = new MemoryFileSystem(ksopsTree(encSecret));
    expect(() => buildResources("/repo/stack", { fs })).toThrow(
      /plugin viaduct.ai\/v1\/ksops is not supported/,
    );
  });
});

describe("masking", () => {
  it("masks Secret values and values substituted from a Secret into other objects", async () => {
    const secretVars = await encrypt(
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: vars\n  namespace: flux-system\nstringData:\n  token: subst-secret-token-42\n",
      "vars.sops.yaml",
    );
    const fs = new MemoryFileSystem({
      "/repo/clusters/c/flux-system/gotk-sync.yaml": SYNC,
      "/repo/clusters/c/vars.yaml": ks("vars", `  path: ./vars\n${SOPS_SPEC}`),
      "/repo/clusters/c/app.yaml": ks(
        "app",
        "  path: ./app\n  postBuild:\n    substituteFrom:\n      - kind: Secret\n        name: vars\n",
      ),
      "/repo/vars/kustomization.yaml": "resources: [vars.sops.yaml]\n",
      "/repo/vars/vars.sops.yaml": secretVars,
      "/repo/app/kustomization.yaml": "resources: [cm.yaml]\n",
      "/repo/app/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: app\ndata:\n  url: https://x:${token}@host\n",
    });
    const { platform } = await loadPlatformWithSecrets("/repo", { fs, identities });
    const cm = platform.clusters[0]!.kustomizations.find((k) => k.name === "app")!.resources[0]!;
    expect(cm.object.data).toEqual({ url: "https://x:subst-secret-token-42@host" });
    // The field a secret variable was written into is secret as a whole; others stay readable.
    expect(cm.secrets?.paths()).toEqual([["data", "url"]]);
    const out = printed(platform);
    expect(out).not.toContain("subst-secret-token-42");
    expect(out).toContain(`url: ${masker.mask("https://x:subst-secret-token-42@host")}`);
    expect(out).toContain(`token: ${masker.mask("subst-secret-token-42")}`);
    expect(out).toContain("name: cm");
  });

  it("a SOPS file that encrypts every value keeps its kind, name and namespace readable (no over-masking)", async () => {
    const cm =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: app\n  labels:\n    tier: gold\ndata:\n  region: eu-west-1\n";
    const { app, platform } = await load(
      {
        "kustomization.yaml": "resources: [secret.sops.yaml, cm.sops.yaml]\n",
        "secret.sops.yaml": await encrypt(SECRET, "secret.sops.yaml", false),
        "cm.sops.yaml": await encrypt(cm, "cm.sops.yaml", false),
      },
      SOPS_SPEC,
    );
    expect(app.status).toBe("rendered");
    const masked = app.resources.map((r) => maskRenderedObject(r, masker));
    expect(masked.map((o) => [o.apiVersion, o.kind, (o.metadata as { name: string }).name])).toEqual([
      ["v1", "Secret", "db"],
      ["v1", "ConfigMap", "settings"],
    ]);
    expect(masked.map((o) => (o.metadata as { namespace: string }).namespace)).toEqual(["app", "app"]);
    // Every other value sops encrypted stays secret: the ConfigMap's data and labels too.
    expect(masked[1]!.data).toEqual({ region: masker.mask("eu-west-1") });
    expect((masked[1]!.metadata as { labels: Record<string, string> }).labels.tier).toBe(masker.mask("gold"));
    expect(printed(platform)).not.toContain("s3cr3t-db-password");
  });
});
