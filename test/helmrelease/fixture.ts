/**
 * A small Flux repository whose HelmReleases use a chart in the repository itself
 * (GitRepository flux-system), for platform and CLI tests. Written to a temp directory.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { encryptSops, ruleForRecipients } from "../../src/sops/index.js";
import { DEMO_RECIPIENT, fluxSync, helmRelease } from "../support/flux.js";

export const FIXTURE_FILES: Record<string, string> = {
  "clusters/prod/flux-system/gotk-sync.yaml": fluxSync("./clusters/prod", {
    url: "ssh://git@example.com/platform",
    branch: "main",
    interval: { git: "1m", ks: "10m" },
    prune: true,
  }),
  "clusters/prod/apps.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`,
  "apps/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - helmrelease.yaml
  - values.yaml
  - secret.yaml
`,
  "apps/helmrelease.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: demo
  namespace: apps
spec:
  interval: 10m
  chart:
    spec:
      chart: ./charts/demo
      sourceRef:
        kind: GitRepository
        name: flux-system
        namespace: flux-system
  valuesFrom:
    - kind: ConfigMap
      name: demo-values
    - kind: Secret
      name: demo-secret
      valuesKey: password
      targetPath: auth.password
    - kind: ConfigMap
      name: not-there
      optional: true
  values:
    replicas: 3
  postRenderers:
    - kustomize:
        patches:
          - target:
              kind: Deployment
            patch: |
              apiVersion: apps/v1
              kind: Deployment
              metadata:
                name: any
                annotations:
                  patched: "yes"
        images:
          - name: nginx
            newTag: "1.27"
  commonMetadata:
    labels:
      team: web
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: other
  namespace: apps
spec:
  interval: 10m
  targetNamespace: web
  chart:
    spec:
      chart: ./charts/demo
      sourceRef:
        kind: GitRepository
        name: flux-system
        namespace: flux-system
  install:
    crds: Skip
  test:
    enable: true
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: remote
  namespace: apps
spec:
  interval: 10m
  chart:
    spec:
      chart: podinfo
      version: 6.x
      sourceRef:
        kind: HelmRepository
        name: podinfo
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: podinfo
  namespace: apps
spec:
  interval: 1h
  url: https://stefanprodan.github.io/podinfo
`,
  "apps/values.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: demo-values
  namespace: apps
data:
  values.yaml: |
    replicas: 2
    image: nginx:1.25
    greeting: from-configmap
`,
  "apps/secret.yaml": `apiVersion: v1
kind: Secret
metadata:
  name: demo-secret
  namespace: apps
stringData:
  password: s3cr3t-value
`,
  "charts/demo/Chart.yaml": `apiVersion: v2
name: demo
version: 1.2.3
`,
  "charts/demo/values.yaml": `replicas: 1
image: nginx:1.0
greeting: hello
auth:
  password: ""
`,
  "charts/demo/crds/widgets.yaml": `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names:
    kind: Widget
    plural: widgets
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
`,
  "charts/demo/templates/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels:
    app: {{ .Chart.Name }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      app: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}
    spec:
      containers:
        - name: web
          image: {{ .Values.image }}
          env:
            - name: GREETING
              value: {{ .Values.greeting | quote }}
            - name: TOKEN
              value: {{ randAlphaNum 16 | quote }}
{{- if .Capabilities.APIVersions.Has "example.com/v1/Widget" }}
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: {{ .Release.Name }}
{{- end }}
`,
  "charts/demo/templates/secret.yaml": `apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-auth
stringData:
  password: {{ printf "%q" .Values.auth.password }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-copy
data:
  password: {{ printf "%q" .Values.auth.password }}
`,
  "charts/demo/templates/hooks.yaml": `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-migrate
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: {{ .Values.image }}
---
apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}-test
  annotations:
    helm.sh/hook: test
spec:
  restartPolicy: Never
  containers:
    - name: test
      image: busybox
`,
};

/** Writes the fixture (with `overrides` replacing or adding files) into a new temp directory. */
export function writeFixture(overrides: Record<string, string> = {}): string {
  const root = mkdtempSync(path.join(tmpdir(), "slipway-hr-"));
  for (const [rel, text] of Object.entries({ ...FIXTURE_FILES, ...overrides })) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return root;
}

/** `plain` encrypted by sops for the demo age key, the fields matching `regex` only. */
export async function encryptForDemo(plain: string, file: string, regex: string): Promise<string> {
  const out = await encryptSops(plain, {
    file,
    rule: ruleForRecipients([DEMO_RECIPIENT], { encrypted_regex: regex }),
    config: null,
  });
  return out.toString("utf8");
}

/**
 * A HelmRelease in namespace apps of one of the repository's own charts (./charts/demo unless
 * `chart` names another), with `values` given as indented YAML lines (four spaces).
 */
export function localRelease(name: string, values: string, chart = "demo"): string {
  return helmRelease(
    name,
    "apps",
    `      chart: ./charts/${chart}
      sourceRef:
        kind: GitRepository
        name: flux-system
        namespace: flux-system
`,
    `  values:\n${values}`,
  );
}

/** A HelmRelease of the repository's chart whose `greeting` value is meant to be encrypted. */
export function sealedRelease(greeting: string): string {
  return localRelease("sealed", `    greeting: ${greeting}\n`);
}

/**
 * The fixture with SOPS: the apps Kustomization decrypts, the Secret behind valuesFrom is
 * encrypted, and an encrypted HelmRelease (sealed.sops.yaml) carries `greeting` in its values.
 */
export async function sopsFixtureFiles(greeting: string): Promise<Record<string, string>> {
  return {
    "clusters/prod/apps.yaml": `${FIXTURE_FILES["clusters/prod/apps.yaml"]}  decryption:\n    provider: sops\n    secretRef:\n      name: sops-age\n`,
    "apps/kustomization.yaml": `${FIXTURE_FILES["apps/kustomization.yaml"]}  - sealed.sops.yaml\n`,
    "apps/secret.yaml": await encryptForDemo(
      FIXTURE_FILES["apps/secret.yaml"]!,
      "secret.yaml",
      "^(data|stringData)$",
    ),
    "apps/sealed.sops.yaml": await encryptForDemo(sealedRelease(greeting), "sealed.sops.yaml", "^(values)$"),
  };
}
