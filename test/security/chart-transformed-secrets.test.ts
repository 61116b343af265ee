/**
 * A value from a SOPS-encrypted Secret (valuesFrom) that a chart prints transformed into a
 * ConfigMap: `toJson .Values` (Go's JSON escapes `"`, `&`, newlines), `toYaml .Values` (a
 * multi-line value as an indented block, a quote doubled), `b64enc`, `urlquery`, `upper`.
 * Before, only fields holding the value verbatim were masked, so every one of these printed the
 * password in `render`, `check`, `diff` and the dashboard. The unmasked model is the control:
 * it must hold each form (else the test proves nothing).
 */
import { describe, expect, it } from "vitest";
import { loadPlatformWithSecrets, maskedPlatform } from "../../src/platform/decrypt.js";
import type { Platform } from "../../src/platform/index.js";
import {
  newRunMasker,
  restoreWithheldMessages,
  secretForms,
  secretFragments,
} from "../../src/platform/masking.js";
import { encryptForDemo, FIXTURE_FILES, sopsFixtureFiles, writeFixture } from "../helmrelease/fixture.js";
import { demoIdentities } from "../support/flux.js";
import { scratchDirs } from "../support/scratch.js";

const PASSWORD = `Zq9-p@ss/w0rd&x=y"quote'`;
const KEY_LINES = ["line-one-SECRETX", "line-two-SECRETY"];

const CONFIG_TEMPLATE = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
  json: {{ toJson .Values.auth | quote }}
  pretty: {{ toPrettyJson .Values.auth | quote }}
  yaml: |
    {{- toYaml .Values.auth | nindent 4 }}
  b64: {{ .Values.auth.password | b64enc }}
  url: {{ .Values.auth.password | urlquery | quote }}
  upper: {{ .Values.auth.password | upper | quote }}
  keyline: {{ .Values.auth.key | splitList "\\n" | first | quote }}
  basic1: {{ printf "u:%s" .Values.auth.password | b64enc }}
  basic2: {{ printf "us:%s" .Values.auth.password | b64enc }}
  basic3: {{ printf "use:%s!" .Values.auth.password | b64enc }}
  docker: {{ printf "{\\"auths\\":{\\"r.io\\":{\\"auth\\":\\"%s\\"}}}" (printf "user:%s" .Values.auth.password | b64enc) | b64enc }}
  jsonb64: {{ dict "p" .Values.auth.password | toJson | b64enc }}
`;

/** Each printed form of the secrets, as the chart functions above print them. */
const printed = [
  PASSWORD,
  JSON.stringify(PASSWORD).slice(1, -1).replace("&", "\\u0026"),
  Buffer.from(PASSWORD).toString("base64"),
  "Zq9-p%40ss%2Fw0rd%26x%3Dy%22quote%27",
  PASSWORD.toUpperCase(),
  ...KEY_LINES,
  // The value inside a longer text, base64-encoded at each offset modulo 3, and twice (a
  // dockerconfigjson's auth); found by the outsider-repository audit (diffprop).
  b64(`u:${PASSWORD}`),
  b64(`us:${PASSWORD}`),
  b64(`use:${PASSWORD}!`),
  b64(`{"auths":{"r.io":{"auth":"${b64(`user:${PASSWORD}`)}"}}}`),
  b64(`{"p":${JSON.stringify(PASSWORD).replace("&", "\\u0026")}}`),
];

function b64(s: string): string {
  return Buffer.from(s).toString("base64");
}

const temps = scratchDirs();

/** Every string of the HelmReleases' rendered objects (keys and values), one per line. */
function text(p: Platform): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v !== null && typeof v === "object")
      for (const [k, x] of Object.entries(v)) {
        out.push(k);
        walk(x);
      }
  };
  for (const c of p.clusters)
    for (const h of c.helmReleases) for (const r of h.resources ?? []) walk(r.object);
  return out.join("\n");
}

/**
 * Loads the fixture at `root` with the demo key: the unmasked model must hold each form (the
 * control: else the test proves nothing), the masked one none of them.
 */
async function expectMaskedWherePrinted(root: string, forms: readonly string[]): Promise<void> {
  temps.keep(root);
  const loaded = await loadPlatformWithSecrets(root, { identities: demoIdentities, renderCache: false });
  const plain = text(loaded.platform);
  for (const form of forms) expect(plain, `the chart prints ${form}`).toContain(form);
  const masked = text(maskedPlatform(loaded.platform, newRunMasker()));
  expect(masked).toContain("demo-config");
  for (const form of forms) expect(masked, `masked output holds ${form}`).not.toContain(form);
}

describe("secrets a chart prints transformed", () => {
  it("are masked in every form the chart printed", async () => {
    const secret = FIXTURE_FILES["apps/secret.yaml"]!.replace(
      "password: s3cr3t-value",
      `password: '${PASSWORD.replace(/'/g, "''")}'\n  key: |\n    ${KEY_LINES.join("\n    ")}`,
    );
    const root = writeFixture({
      ...(await sopsFixtureFiles("s34led-greeting-5c2e")),
      "apps/secret.yaml": await encryptForDemo(secret, "secret.yaml", "^(data|stringData)$"),
      "apps/helmrelease.yaml": FIXTURE_FILES["apps/helmrelease.yaml"]!.replace(
        "      targetPath: auth.password\n",
        "      targetPath: auth.password\n    - kind: Secret\n      name: demo-secret\n      valuesKey: key\n      targetPath: auth.key\n",
      ),
      "charts/demo/templates/config.yaml": CONFIG_TEMPLATE,
    });
    await expectMaskedWherePrinted(root, printed);
  });
});

// Found probing by hand: a valuesFrom targetPath value goes through Helm's --set parser, which
// drops backslash escapes, so the chart was given (and base64-encoded) a text that differs from
// the Secret's and that masking did not look for.
describe("a Secret value the --set parser changes on its way to the chart", () => {
  it("is masked in the form the chart was given", async () => {
    const written = String.raw`Kx7\qr\n-backslash\-secret\tail`;
    const given = written.replace(/\\(.)/g, "$1");
    expect(given).not.toBe(written);
    const root = writeFixture({
      ...(await sopsFixtureFiles("s34led-greeting-5c2e")),
      "apps/secret.yaml": await encryptForDemo(
        FIXTURE_FILES["apps/secret.yaml"]!.replace("password: s3cr3t-value", `password: '${written}'`),
        "secret.yaml",
        "^(data|stringData)$",
      ),
      "charts/demo/templates/config.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
  raw: {{ .Values.auth.password | quote }}
  b64: {{ .Values.auth.password | b64enc }}
  upper: {{ .Values.auth.password | upper | quote }}
`,
    });
    await expectMaskedWherePrinted(root, [given, b64(given), given.toUpperCase()]);
  });
});

// Found probing by hand: a number in a values document from a Secret was not looked for (only
// its strings were), so a chart printing it (`{{ .Values.pin }}`, `| int`, `toJson`) printed it.
describe("a number in a Secret's values document", () => {
  it("is masked where the chart prints it", async () => {
    const root = writeFixture({
      ...(await sopsFixtureFiles("s34led-greeting-5c2e")),
      "apps/secret.yaml": await encryptForDemo(
        FIXTURE_FILES["apps/secret.yaml"]!.replace(
          "password: s3cr3t-value",
          "password: s3cr3t-value\n  values.yaml: |\n    pin: 98765432\n    ratio: 0.8125\n",
        ),
        "secret.yaml",
        "^(data|stringData)$",
      ),
      "apps/helmrelease.yaml": FIXTURE_FILES["apps/helmrelease.yaml"]!.replace(
        "      targetPath: auth.password\n",
        "      targetPath: auth.password\n    - kind: Secret\n      name: demo-secret\n      valuesKey: values.yaml\n",
      ),
      "charts/demo/templates/config.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
  pin: {{ .Values.pin | quote }}
  int: {{ .Values.pin | int | quote }}
  json: {{ dict "pin" .Values.pin "ratio" .Values.ratio | toJson | quote }}
  ratio: {{ .Values.ratio | quote }}
`,
    });
    await expectMaskedWherePrinted(root, ["9.8765432e+07", "98765432", "0.8125"]);
  });
});

describe("secretForms", () => {
  it("lists a value, its lines and their escaped forms, lower-cased; short ones not at all", () => {
    const forms = secretForms([`a"b&c'd\nsecond-line`, "abc"]);
    expect(forms).toEqual(
      expect.arrayContaining([
        `a"b&c'd\nsecond-line`,
        "a\\\"b&c'd\\nsecond-line",
        "a\\\"b\\u0026c'd\\nsecond-line",
        `a"b&c''d`,
        "second-line",
        Buffer.from(`a"b&c'd`).toString("base64").toLowerCase(),
        "a%22b%26c%27d",
      ]),
    );
    expect(forms.some((f) => f.includes("abc"))).toBe(false);
  });

  // Found by the secrets audit (test/security/secrets-audit.test.ts): sprig's reversible
  // encodings printed the value unmasked. Expected strings are what Helm v4.1.4 prints for
  // `"pw-Secret1" | b64enc | b64enc`, `| b32enc` and `printf "%x"`.
  it("lists base64 twice, base32 and hex", () => {
    const forms = secretForms(["pw-Secret1"]);
    expect(forms).toEqual(
      expect.arrayContaining(
        ["Y0hjdFUyVmpjbVYwTVE9PQ==", "OB3S2U3FMNZGK5BR", "70772d53656372657431"].map((f) => f.toLowerCase()),
      ),
    );
  });
});

describe("secretFragments", () => {
  it("has a window inside every part of 15 characters or more, lower-cased", () => {
    const secret = "pwAbCdEfGhIjKlMnOpQrStUvWxYz0123";
    const fragments = secretFragments([secret]);
    for (let len = 15; len <= secret.length; len++)
      for (let i = 0; i + len <= secret.length; i++) {
        const part = secret.slice(i, i + len).toLowerCase();
        expect(
          fragments.some((f) => part.includes(f)),
          part,
        ).toBe(true);
      }
    expect(secretFragments(["short-secret"])).toEqual([]);
  });
});

describe("a chart that fails quoting a secret value", () => {
  // A `fail`/`required` message, or a template error, is printed by render, check, graph, diff,
  // images and the dashboard: before, the password a valuesFrom Secret gave the chart was
  // printed in all of them.
  const FAIL_TEMPLATE = `{{- if .Values.failWith }}
{{- fail (printf "bad auth %s / %s / %s" .Values.auth.password (.Values.auth.password | upper) (toJson .Values.auth)) }}
{{- end }}
{{- if .Values.failPart }}
{{- fail (printf "bad auth %s..." (.Values.auth.password | trunc 16)) }}
{{- end }}
{{- if .Values.failPlain }}
{{- fail "bad auth: no secret in this one" }}
{{- end }}
`;
  const load = async (values: string) => {
    const root = writeFixture({
      ...(await sopsFixtureFiles("s34led-greeting-5c2e")),
      "apps/secret.yaml": await encryptForDemo(
        FIXTURE_FILES["apps/secret.yaml"]!.replace(
          "password: s3cr3t-value",
          `password: '${PASSWORD.replace(/'/g, "''")}'`,
        ),
        "secret.yaml",
        "^(data|stringData)$",
      ),
      "charts/demo/templates/fail.yaml": FAIL_TEMPLATE,
      "charts/demo/values.yaml": `${FIXTURE_FILES["charts/demo/values.yaml"]!}${values}`,
    });
    temps.keep(root);
    const loaded = await loadPlatformWithSecrets(root, { identities: demoIdentities, renderCache: false });
    const demo = loaded.platform.clusters[0]!.helmReleases.find((h) => h.name === "demo")!;
    return { root, demo, platform: loaded.platform };
  };

  it("keeps the message's place and drops its text; a message without the secret is kept", async () => {
    const control = await load("failPlain: true\n");
    expect(control.demo.status).toBe("failed");
    expect(control.demo.errors?.[0]?.message).toContain("bad auth: no secret in this one");

    const { demo, platform } = await load("failWith: true\n");
    expect(demo.status).toBe("failed");
    expect(demo.errors?.[0]?.message).toBe(
      "the message is withheld: it quotes a secret value ('slipway render --show-secrets' shows it)",
    );
    expect(demo.errors?.[0]?.file).toBe("apps/helmrelease.yaml");
    const all = JSON.stringify(demo.errors);
    for (const form of [PASSWORD, PASSWORD.toUpperCase(), JSON.stringify(PASSWORD).slice(1, -1)])
      expect(all).not.toContain(form);
    // What `render --show-secrets` prints.
    restoreWithheldMessages(platform);
    expect(demo.errors?.[0]?.message).toContain(PASSWORD);
  });

  // Found by the secrets audit: a message quoting a part of the value (`trunc 16`) was kept.
  it("withholds a message that quotes a part of the value", async () => {
    const { demo } = await load("failPart: true\n");
    expect(demo.errors?.[0]?.message).toBe(
      "the message is withheld: it quotes a secret value ('slipway render --show-secrets' shows it)",
    );
    expect(JSON.stringify(demo.errors)).not.toContain(PASSWORD.slice(0, 12));
  });
});
