/**
 * The secrets audit's repository: secrets that reach the output along paths the leak fuzzer
 * (leak-repo.ts) does not take. A chart of the repository receives valuesFrom Secret values
 * (one key each, and a whole `values.yaml`) and prints them transformed the ways sprig can
 * (double base64, base32, hex, sha256, prefixes and middles, a URL, `toYaml` of a long
 * pass-phrase, a multi-line value indented); a Secret's variable is substituted into an
 * Ingress host; plain Secrets are written as JSON, inside a `kind: List`, with a quoted
 * `stringData` key and as a generator (literals and an env file); a configMapGenerator reads a
 * decrypted SOPS file. Every value is random and long enough to be searched for in any text.
 */
import { encryptSops, ruleForRecipients } from "../../src/sops/index.js";
import { DEMO_RECIPIENT, fluxKs, fluxSync } from "./flux.js";
import { token } from "./leak-repo.js";
import type { Rng } from "./random.js";

export interface AuditSecret {
  name: string;
  value: string;
}

export interface AuditRepo {
  files: Record<string, string>;
  secrets: AuditSecret[];
}

const LOWER = "abcdefghijklmnopqrstuvwxyz0123456789";
const RULE = ruleForRecipients([DEMO_RECIPIENT], { encrypted_regex: "^(data|stringData)$" });
const WHOLE = ruleForRecipients([DEMO_RECIPIENT]);
const VALUES = ruleForRecipients([DEMO_RECIPIENT], { encrypted_regex: "^values$" });

async function enc(plain: string, file: string, whole = false): Promise<string> {
  const b = await encryptSops(plain, { file, rule: whole ? WHOLE : RULE, config: null });
  return b.toString("utf8");
}

export async function auditRepo(rng: Rng): Promise<AuditRepo> {
  const s = (name: string, value: string): AuditSecret => ({ name, value });
  const password = s("password", `pw${token(rng, 30)}`);
  const hrPassword = s("hrPassword", `hp${token(rng, 30)}`);
  const phrase = s("phrase", Array.from({ length: 14 }, () => token(rng, 7 + rng.int(4), LOWER)).join(" "));
  const multi = s("multi", [0, 1, 2].map(() => token(rng, 22)).join("\n"));
  const dbPass = s("dbPass", `db${token(rng, 26)}`);
  const host = s("host", `h${token(rng, 20, LOWER)}`);
  const cmVar = s("cmVar", `cv${token(rng, 24)}`);
  const jsonSecret = s("jsonSecret", `js${token(rng, 26)}`);
  const listSecret = s("listSecret", `ls${token(rng, 26)}`);
  const quoted = s("quoted", `qk${token(rng, 26)}`);
  const literal = s("literal", `li${token(rng, 26)}`);
  const envFile = s("envFile", `ef${token(rng, 26)}`);
  const sopsFile = s("sopsFile", `sf${token(rng, 26)}`);
  const sopsEnv = s("sopsEnv", `se${token(rng, 26)}`);
  const badB64 = s("badB64", `bb${token(rng, 26)}`);
  const secrets = [
    password,
    hrPassword,
    phrase,
    multi,
    dbPass,
    host,
    cmVar,
    jsonSecret,
    listSecret,
    quoted,
    literal,
    envFile,
    sopsFile,
    sopsEnv,
    badB64,
  ];
  const files: Record<string, string> = {};
  files[".sops.yaml"] = `creation_rules:\n  - path_regex: .*\\.sops\\..*$\n    age: ${DEMO_RECIPIENT}\n`;
  files["clusters/dev/flux-system/gotk-sync.yaml"] = fluxSync("./clusters/dev");
  const sops = "  decryption:\n    provider: sops\n    secretRef:\n      name: sops-age\n";
  files["clusters/dev/vars.yaml"] = fluxKs("vars", "./vars", sops);
  files["clusters/dev/apps.yaml"] = fluxKs(
    "apps",
    "./apps",
    `${sops}  postBuild:\n    substituteFrom:\n      - kind: Secret\n        name: vars\n  dependsOn:\n    - name: vars\n`,
  );
  files["vars/kustomization.yaml"] = "resources: [vars.sops.yaml]\n";
  files["vars/vars.sops.yaml"] = await enc(
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: vars\n  namespace: flux-system\nstringData:\n  HOST: ${host.value}\n  CM_VAR: ${cmVar.value}\n`,
    "vars.sops.yaml",
  );
  files["apps/kustomization.yaml"] = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - chart-secret.sops.yaml
  - release.yaml
  - release-sops.sops.yaml
  - ingress.yaml
  - secret.json
  - list.yaml
  - quoted.yaml
  - bad-b64.sops.yaml
secretGenerator:
  - name: gen-literal
    namespace: app
    literals: [token=${literal.value}]
  - name: gen-env
    namespace: app
    envs: [plain.env]
  # Flux decrypts the files of secretGenerators only; the configMapGenerator then reads the
  # decrypted file.
  - name: gen-sops-file
    namespace: app
    files: [settings.sops.json]
  - name: gen-sops-env
    namespace: app
    envs: [num.sops.env]
configMapGenerator:
  - name: from-sops
    namespace: app
    files: [settings.sops.json]
`;
  const valuesYaml = `db:\n  user: admin\n  pass: ${dbPass.value}\n`;
  files["apps/chart-secret.sops.yaml"] = await enc(
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: chart-secret\n  namespace: app\nstringData:\n  password: ${password.value}\n  phrase: ${phrase.value}\n  multi: |\n${multi.value
      .split("\n")
      .map((l) => `    ${l}\n`)
      .join("")}  values.yaml: |\n${valuesYaml
      .split("\n")
      .filter(Boolean)
      .map((l) => `    ${l}\n`)
      .join("")}`,
    "chart-secret.sops.yaml",
  );
  files["apps/release.yaml"] = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: audit
  namespace: app
spec:
  interval: 10m
  chart:
    spec:
      chart: ./charts/audit
      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}
  valuesFrom:
    - {kind: Secret, name: chart-secret, valuesKey: password, targetPath: auth.password}
    - {kind: Secret, name: chart-secret, valuesKey: phrase, targetPath: auth.phrase}
    - {kind: Secret, name: chart-secret, valuesKey: multi, targetPath: auth.multi}
    - {kind: Secret, name: chart-secret, valuesKey: values.yaml}
`;
  // The same chart with its values in a SOPS-encrypted HelmRelease (`spec.values` decrypted).
  files["apps/release-sops.sops.yaml"] = await encryptSops(
    `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: audit-sops
  namespace: app
spec:
  interval: 10m
  chart:
    spec:
      chart: ./charts/audit
      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}
  values:
    auth:
      password: ${hrPassword.value}
      multi: "${multi.value.replaceAll("\n", "\\n")}"
    db:
      pass: ${dbPass.value}
`,
    { file: "release-sops.sops.yaml", rule: VALUES, config: null },
  ).then((b) => b.toString("utf8"));
  files["charts/audit/Chart.yaml"] = "apiVersion: v2\nname: audit\nversion: 0.1.0\n";
  files["charts/audit/values.yaml"] =
    'auth:\n  password: ""\n  phrase: ""\n  multi: ""\ndb:\n  user: ""\n  pass: ""\n';
  // One key per transformation, so that a leak names the form it took.
  files["charts/audit/templates/cm.yaml"] = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-forms
data:
  raw: {{ .Values.auth.password | quote }}
  b64b64: {{ .Values.auth.password | b64enc | b64enc }}
  b32: {{ .Values.auth.password | b32enc }}
  hex: {{ printf "%x" .Values.auth.password | quote }}
  prefix: {{ .Values.auth.password | trunc 18 | quote }}
  middle: {{ .Values.auth.password | substr 6 24 | quote }}
  url: {{ printf "https://user:%s@db.example.com/" .Values.auth.password | quote }}
  urlquery: {{ .Values.auth.password | urlquery | quote }}
  dbpass: {{ .Values.db.pass | quote }}
  multi: |
{{ .Values.auth.multi | indent 4 }}
  config.yaml: |
{{ toYaml .Values.auth | indent 4 }}
  plain: not-secret
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-digest
  annotations:
    checksum/secret: {{ .Values.auth.password | sha256sum }}
data:
  plain: not-secret
`;
  files["apps/ingress.yaml"] = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: app
spec:
  rules:
    - host: "\${HOST}.example.com"
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: web, port: {number: 80}}}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: substituted
  namespace: app
data:
  url: "https://\${CM_VAR}@example.com/x"
  plain: not-secret
`;
  files["apps/secret.json"] = `${JSON.stringify(
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "json-secret", namespace: "app" },
      stringData: { token: jsonSecret.value },
    },
    null,
    2,
  )}\n`;
  files["apps/list.yaml"] = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Secret
    metadata:
      name: list-secret
      namespace: app
    stringData:
      token: ${listSecret.value}
`;
  files["apps/quoted.yaml"] = `apiVersion: v1
kind: Secret
metadata:
  name: quoted
  namespace: app
"stringData":
  token: ${quoted.value}
`;
  // A Secret whose data is not base64 (meant for stringData): check says so, naming the key only.
  files["apps/bad-b64.sops.yaml"] = await enc(
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: bad-b64\n  namespace: app\ndata:\n  token: ${badB64.value}!\n`,
    "bad-b64.sops.yaml",
  );
  files["apps/plain.env"] = `TOKEN=${envFile.value}\n`;
  files["apps/num.sops.env"] = await enc(`N=${sopsEnv.value}\n`, "num.sops.env", true);
  files["apps/settings.sops.json"] = await enc(
    `${JSON.stringify({ apiKey: sopsFile.value }, null, 2)}\n`,
    "settings.sops.json",
    true,
  );
  return { files, secrets };
}
