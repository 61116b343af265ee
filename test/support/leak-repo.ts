/**
 * Generated Flux repositories for the leak fuzzer (issue 9): secrets of every awkward shape
 * (1–3 characters, numbers, booleans, `" \ % & < >` and newlines, 40 KB, common words) reach
 * the output through every path Slipway knows — decrypted SOPS values of any type, Secret data
 * (plain, SOPS, generated from a decrypted env file, and that file read by a ConfigMap
 * generator), postBuild substitution from a Secret (functions, defaults, newline stripping),
 * a ConfigMap that carries a substituted secret into another Kustomization, kustomize
 * replacements and vars copying a Secret's value, HelmRelease values, a chart of the
 * repository printing a valuesFrom Secret's value (raw, JSON, base64, upper-cased) and failing
 * with a message that quotes one, and a YAML error in substituted text. The generator records which fields are secret, independently of Slipway.
 */
import { encryptSops, ruleForRecipients } from "../../src/sops/index.js";
import { DEMO_RECIPIENT, fluxKs, SYNC } from "./flux.js";
import type { Rng } from "./random.js";

export type SecretClass = "short" | "number" | "bool" | "special" | "newline" | "big" | "word" | "token";

export interface GeneratedSecret {
  name: string;
  value: string;
  cls: SecretClass;
}

/** Fields that must be masked, by object: `cluster|kind|name-prefix` → paths. */
export type ExpectedSecrets = Map<string, Array<Array<string | number>>>;

export interface LeakRepo {
  files: Record<string, string>;
  secrets: GeneratedSecret[];
  expected: ExpectedSecrets;
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function token(rng: Rng, n: number, alphabet = ALNUM): string {
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[rng.int(alphabet.length)];
  return s;
}

/** The secret values of one environment. */
export function secretValues(rng: Rng): Record<string, GeneratedSecret> {
  const v = (name: string, value: string, cls: SecretClass): GeneratedSecret => ({ name, value, cls });
  return {
    V_STR: v("V_STR", `s${token(rng, 23)}`, "token"),
    V_SHORT: v("V_SHORT", token(rng, 1 + rng.int(3), "abcdefghijkmnpqrstuvwxz"), "short"),
    V_NUM: v("V_NUM", String(2 + rng.int(9997)), "number"),
    V_BOOL: v("V_BOOL", rng.bool() ? "true" : "false", "bool"),
    V_WORD: v("V_WORD", rng.pick(["main", "prod"]), "word"),
    V_SUBST_SPECIAL: v("V_SUBST_SPECIAL", `${token(rng, 10)}"\\%&<>${token(rng, 10)}`, "special"),
    V_NL: v("V_NL", `${token(rng, 12)}\n${token(rng, 12)}`, "newline"),
    V_BIG: v("V_BIG", token(rng, 40 * 1024), "big"),
    V_COLON: v("V_COLON", `${token(rng, 10)}: ${token(rng, 10)}`, "special"),
    // Not substituted (YAML-breaking as plain text): reach the output as Secret data / SOPS values.
    V_SPECIAL: v(
      "V_SPECIAL",
      `${token(rng, 10)}" \\ % & < > #: ${token(rng, 10)}\n${token(rng, 10)}`,
      "special",
    ),
  };
}

const RULE = ruleForRecipients([DEMO_RECIPIENT], { encrypted_regex: "^(data|stringData|spec)$" });
const DOTENV_RULE = ruleForRecipients([DEMO_RECIPIENT]);

async function enc(plain: string, file: string, dotenv = false): Promise<string> {
  const b = await encryptSops(plain, { file, rule: dotenv ? DOTENV_RULE : RULE, config: null });
  return b.toString("utf8");
}

function yamlString(s: string): string {
  return JSON.stringify(s);
}

const ks = fluxKs;

const SOPS = "  decryption:\n    provider: sops\n    secretRef:\n      name: sops-age\n";
const FROM_VARS = "  postBuild:\n    substituteFrom:\n      - kind: Secret\n        name: app-vars\n";

/**
 * One repository with clusters `staging` and `production` (different secret values each; the
 * apps are shared and take their values from each cluster's `app-vars` Secret).
 */
export async function leakRepo(rng: Rng): Promise<LeakRepo> {
  const files: Record<string, string> = {};
  const secrets: GeneratedSecret[] = [];
  const expected: ExpectedSecrets = new Map();
  const expect = (cluster: string, kind: string, name: string, ...paths: Array<Array<string | number>>) => {
    const key = `${cluster}|${kind}|${name}`;
    expected.set(key, [...(expected.get(key) ?? []), ...paths]);
  };
  files[".sops.yaml"] =
    `creation_rules:\n  - path_regex: .*\\.sops\\.(yaml|env)$\n    age: ${DEMO_RECIPIENT}\n`;

  // Shared apps: values come from substitution, SOPS files and plain Secrets.
  const dbPassword = `db${token(rng, 22)}`;
  const appToken = `at${token(rng, 22)}`;
  const listToken = `lt${token(rng, 22)}`;
  const envToken = `et${token(rng, 22)}`;
  const plainToken = `pt${token(rng, 22)}`;
  const plainB64 = `pb${token(rng, 22)}`;
  const port = 1000 + rng.int(9000);
  const enabled = rng.bool();
  const listNumber = 10 + rng.int(90);
  const shortDb = token(rng, 1 + rng.int(3), "abcdefghijkmnpqrstuvwxz");
  const dbSpecial = `${token(rng, 10)}" \\ % & < > #: ${token(rng, 10)}\n${token(rng, 10)}`;
  secrets.push(
    { name: "dbPassword", value: dbPassword, cls: "token" },
    { name: "appToken", value: appToken, cls: "token" },
    { name: "listToken", value: listToken, cls: "token" },
    { name: "envToken", value: envToken, cls: "token" },
    { name: "plainToken", value: plainToken, cls: "token" },
    { name: "plainB64", value: plainB64, cls: "token" },
    { name: "port", value: String(port), cls: "number" },
    { name: "enabled", value: String(enabled), cls: "bool" },
    { name: "listNumber", value: String(listNumber), cls: "number" },
    { name: "shortDb", value: shortDb, cls: "short" },
    { name: "dbSpecial", value: dbSpecial, cls: "special" },
  );
  files["apps/kustomization.yaml"] = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - db.sops.yaml
  - appconfig.sops.yaml
  - plain-secret.yaml
  - cm-subst.yaml
  - deploy.yaml
  - helmrelease.yaml
  - chart-releases.yaml
  - derived.yaml
  - readable.yaml
  - repl.yaml
secretGenerator:
  - name: gen-secret
    namespace: app
    envs: [creds.sops.env]
configMapGenerator:
  - name: gen-cm
    namespace: app
    envs: [creds.sops.env]
replacements:
  - source: {kind: Secret, name: plain, fieldPath: stringData.api}
    targets:
      - select: {kind: ConfigMap, name: repl}
        fieldPaths: [data.copied]
        options: {create: true}
vars:
  - name: API_TOKEN
    objref: {apiVersion: v1, kind: Secret, name: plain}
    fieldref: {fieldpath: stringData.api}
`;
  files["apps/db.sops.yaml"] = await enc(
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: app\nstringData:\n  password: ${dbPassword}\n  short: ${yamlString(shortDb)}\n  special: ${yamlString(dbSpecial)}\n`,
    "db.sops.yaml",
  );
  files["apps/appconfig.sops.yaml"] = await enc(
    `apiVersion: example.com/v1\nkind: AppConfig\nmetadata:\n  name: cfg\n  namespace: app\nspec:\n  port: ${port}\n  enabled: ${enabled}\n  token: ${appToken}\n  nested:\n    list: [${listToken}, ${listNumber}]\n`,
    "appconfig.sops.yaml",
  );
  files["apps/creds.sops.env"] = await enc(`ENV_TOK=${envToken}\n`, "creds.sops.env", true);
  files["apps/plain-secret.yaml"] = `apiVersion: v1
kind: Secret
metadata:
  name: plain
  namespace: app
stringData:
  api: ${plainToken}
data:
  b64: ${Buffer.from(plainB64).toString("base64")}
`;
  files["apps/cm-subst.yaml"] = `apiVersion: v1
kind: ConfigMap
metadata:
  name: subst
  namespace: app
data:
  str: "\${V_STR}"
  prefix: "\${V_STR:0:9}"
  upper: "\${V_STR^^}"
  lower: "\${V_STR,,}"
  len: "\${#V_STR}"
  deflt: "\${UNSET:=\${V_STR}}"
  word: "\${V_WORD}"
  short: "\${V_SHORT}"
  nl: "\${V_NL}"
  big: "\${V_BIG}"
  special: "pre-\${V_SUBST_SPECIAL}-post"
  plain: not-secret
  branch: main
`;
  files["apps/deploy.yaml"] = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: app
  annotations:
    owner: "\${V_WORD}"
    team: main
spec:
  replicas: \${V_NUM}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: nginx:1.27.2
          args: ["--token=$(API_TOKEN)"]
          env:
            - name: TOKEN
              value: "\${V_STR}"
            - name: FLAG
              value: "\${V_BOOL}"
            - name: PLAIN
              value: main
`;
  files["apps/helmrelease.yaml"] = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: app
  namespace: app
spec:
  interval: 10m
  chart:
    spec:
      chart: app
      version: 1.2.3
      sourceRef: {kind: HelmRepository, name: charts, namespace: flux-system}
  values:
    auth:
      password: "\${V_STR}"
    replicas: \${V_NUM}
    branch: main
`;
  // A chart of the repository (a GitRepository source, so it renders): one release prints a
  // valuesFrom Secret's value in the forms templates use, the other fails quoting one.
  files["charts/leaky/Chart.yaml"] = "apiVersion: v2\nname: leaky\nversion: 0.1.0\n";
  files["charts/leaky/values.yaml"] = 'auth:\n  password: ""\nfailWith: false\n';
  files["charts/leaky/templates/cm.yaml"] = `{{- if not .Values.failWith }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
  raw: {{ .Values.auth.password | quote }}
  json: {{ toJson .Values.auth | quote }}
  b64: {{ .Values.auth.password | b64enc }}
  upper: {{ .Values.auth.password | upper | quote }}
  plain: not-secret
{{- else }}
{{- fail (printf "refused %s / %s" .Values.auth.password (.Values.auth.password | upper)) }}
{{- end }}
`;
  const release = (
    name: string,
    secret: string,
    key: string,
    values: string,
  ) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
  namespace: app
spec:
  interval: 10m
  chart:
    spec:
      chart: ./charts/leaky
      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}
  valuesFrom:
    - kind: Secret
      name: ${secret}
      valuesKey: ${key}
      targetPath: auth.password
${values}`;
  files["apps/chart-releases.yaml"] = `${release("leaky", "plain", "api", "")}---\n${release(
    "leaky-fail",
    "db",
    "password",
    "  values:\n    failWith: true\n",
  )}`;
  files["apps/derived.yaml"] = `apiVersion: v1
kind: ConfigMap
metadata:
  name: derived
  namespace: flux-system
data:
  token: "\${V_STR}"
  note: plain
`;
  files["apps/readable.yaml"] = `apiVersion: v1
kind: ConfigMap
metadata:
  name: readable
  namespace: app
data:
  branch: main
  prod: prod
`;
  files["apps/repl.yaml"] =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: repl\n  namespace: app\ndata:\n  kept: plain\n";
  files["chained/kustomization.yaml"] = "resources: [cm.yaml]\n";
  files["chained/cm.yaml"] =
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: chained\n  namespace: app\ndata:\n  x: "\${token}"\n  y: "\${note}"\n`;
  files["broken/kustomization.yaml"] = "resources: [cm.yaml]\n";
  files["broken/cm.yaml"] =
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\n  namespace: app\ndata:\n  k: \${V_COLON}\n`;

  for (const cluster of ["staging", "production"]) {
    const vals = secretValues(rng);
    secrets.push(...Object.values(vals));
    files[`clusters/${cluster}/flux-system/gotk-sync.yaml`] = SYNC.replace(
      "./clusters/c",
      `./clusters/${cluster}`,
    );
    files[`clusters/${cluster}/vars.yaml`] = ks("vars", `./envs/${cluster}/vars`, SOPS);
    files[`clusters/${cluster}/apps.yaml`] = ks(
      "apps",
      "./apps",
      `${SOPS}${FROM_VARS}  dependsOn:\n    - name: vars\n`,
    );
    files[`clusters/${cluster}/chained.yaml`] = ks(
      "chained",
      "./chained",
      "  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: derived\n",
    );
    files[`clusters/${cluster}/broken.yaml`] = ks("broken", "./broken", FROM_VARS);
    files[`envs/${cluster}/vars/kustomization.yaml`] = "resources: [app-vars.sops.yaml]\n";
    const stringData = Object.values(vals)
      .map((s) => `  ${s.name}: ${yamlString(s.value)}\n`)
      .join("");
    files[`envs/${cluster}/vars/app-vars.sops.yaml`] = await enc(
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-vars\n  namespace: flux-system\nstringData:\n${stringData}`,
      "app-vars.sops.yaml",
    );

    // What must be masked, by the generator's own account (Secret data is added by kind).
    expect(
      cluster,
      "AppConfig",
      "cfg",
      ["spec", "port"],
      ["spec", "enabled"],
      ["spec", "token"],
      ["spec", "nested", "list", 0],
      ["spec", "nested", "list", 1],
    );
    expect(
      cluster,
      "ConfigMap",
      "subst",
      ...["str", "prefix", "upper", "lower", "len", "deflt", "word", "short", "nl", "big", "special"].map(
        (k) => ["data", k],
      ),
    );
    expect(
      cluster,
      "Deployment",
      "web",
      ["metadata", "annotations", "owner"],
      ["spec", "replicas"],
      ["spec", "template", "spec", "containers", 0, "env", 0, "value"],
      ["spec", "template", "spec", "containers", 0, "env", 1, "value"],
      ["spec", "template", "spec", "containers", 0, "args", 0],
    );
    expect(
      cluster,
      "HelmRelease",
      "app",
      ["spec", "values", "auth", "password"],
      ["spec", "values", "replicas"],
    );
    expect(cluster, "ConfigMap", "derived", ["data", "token"]);
    expect(cluster, "ConfigMap", "leaky-config", ...["raw", "json", "b64", "upper"].map((k) => ["data", k]));
    expect(cluster, "ConfigMap", "chained", ["data", "x"]);
    expect(cluster, "ConfigMap", "repl", ["data", "copied"]);
    expect(cluster, "ConfigMap", "gen-cm", ["data", "ENV_TOK"]);
  }
  return { files, secrets, expected };
}

// ---------------------------------------------------------------------------------------------
// Damaged SOPS files: what a bad merge, a hand edit or a wrong key leaves in a repository.

export type Damage = (text: string, rng: Rng) => string;

/** The first ENC value outside the metadata (`sops:` block, `sops_` lines), its fields split. */
function firstValue(
  text: string,
  edit: (f: Record<"data" | "iv" | "tag" | "type", string>) => string,
): string {
  return text.replace(
    /^((?!\s*(mac|sops_mac)\b)[^\n]*?ENC\[AES256_GCM,)data:([^,\]]*),iv:([^,\]]*),tag:([^,\]]*),type:([^\]]*)\]/m,
    (_m, pre: string, _mac, data: string, iv: string, tag: string, type: string) =>
      pre + edit({ data, iv, tag, type }),
  );
}
const fields = (f: Record<"data" | "iv" | "tag" | "type", string>) =>
  `data:${f.data},iv:${f.iv},tag:${f.tag},type:${f.type}]`;
const flip = (s: string) => (s[0] === "A" ? "B" : "A") + s.slice(1);

/**
 * Each way a SOPS file can be damaged, as sops and Flux fail on it: named, so that a failing
 * seed says which. Every one must make the file undecryptable (or its MAC wrong), loudly.
 */
export const DAMAGES: Record<string, Damage> = {
  "changed ciphertext": (t) => firstValue(t, (f) => fields({ ...f, data: flip(f.data) })),
  "changed tag": (t) => firstValue(t, (f) => fields({ ...f, tag: flip(f.tag) })),
  "ciphertext cut short": (t) => firstValue(t, (f) => fields({ ...f, data: f.data.slice(0, 4) })),
  "ciphertext not base64": (t) => firstValue(t, (f) => fields({ ...f, data: `!${f.data}` })),
  "unknown value type": (t) => firstValue(t, (f) => fields({ ...f, type: "blob" })),
  "unknown cipher": (t) =>
    t.replace(/^((?!\s*(mac|sops_mac)\b)[^\n]*?)ENC\[AES256_GCM,/m, "$1ENC[AES128_CBC,"),
  "changed MAC": (t) =>
    t.replace(
      /((?:mac: |sops_mac=)ENC\[AES256_GCM,data:)(.)/,
      (_m, p: string, c: string) => p + (c === "A" ? "B" : "A"),
    ),
  "damaged age stanza": (t) => t.replace("YWdlLWVuY3J5cHRpb24", "AAAAAAAAAAAAAAAAAAA"),
  "file cut in half": (t) => t.slice(0, Math.floor(t.length / 2)),
};
