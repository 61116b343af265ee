import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fluxKs, fluxSync } from "../support/flux.js";

/** A throw-away Git repository whose commits the test makes. */
export class GitFixture {
  readonly dir = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-diff-")));

  constructor() {
    this.git("init", "-q", "-b", "main");
  }

  git(...args: string[]): string {
    return execFileSync("git", args, { cwd: this.dir, stdio: ["ignore", "pipe", "pipe"] })
      .toString("utf8")
      .trim();
  }

  write(files: Record<string, string>): this {
    for (const [p, text] of Object.entries(files)) {
      const abs = path.join(this.dir, p);
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, text);
    }
    return this;
  }

  remove(...paths: string[]): this {
    for (const p of paths) rmSync(path.join(this.dir, p), { recursive: true, force: true });
    return this;
  }

  /** Commits everything and returns the commit id. */
  commit(message: string): string {
    this.git("add", "-A");
    this.git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", message);
    return this.git("rev-parse", "HEAD");
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const SECRET_V1 = "hunter2-correct-horse";
export const SECRET_V2 = "rotated-battery-staple";

export function deployment(
  opts: { image?: string; replicas?: number; selector?: string; envOrder?: "ab" | "ba" } = {},
): string {
  const env = [
    '            - name: A\n              value: "1"',
    '            - name: B\n              value: "2"',
  ];
  if (opts.envOrder === "ba") env.reverse();
  const sel = opts.selector ?? "app";
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: shop
spec:
  replicas: ${opts.replicas ?? 2}
  selector:
    matchLabels:
      app: ${sel}
  template:
    metadata:
      labels:
        app: ${sel}
    spec:
      containers:
        - name: app
          image: registry.example.com/app:${opts.image ?? "1.0.0"}
          env:
${env.join("\n")}
`;
}

export function secret(value: string): string {
  return `apiVersion: v1
kind: Secret
metadata:
  name: app-credentials
  namespace: shop
stringData:
  password: ${value}
`;
}

/** One cluster `prod`; Flux Kustomization `app` (prune: true) builds apps/app. */
export function basePlatform(): Record<string, string> {
  return {
    "clusters/prod/flux-system/gotk-sync.yaml": fluxSync("./clusters/prod", {
      url: "https://example.com/platform.git",
      branch: "main",
      interval: { git: "5m", ks: "10m" },
      prune: true,
    }),
    "clusters/prod/kustomization.yaml":
      "resources:\n  - flux-system/gotk-sync.yaml\n  - app.yaml\n  - other.yaml\n",
    "clusters/prod/app.yaml": fluxKustomization("app", "./apps/app"),
    "clusters/prod/other.yaml": fluxKustomization("other", "./apps/other"),
    "apps/app/kustomization.yaml":
      "resources:\n  - deployment.yaml\n  - service.yaml\n  - secret.yaml\n  - configmap.yaml\n",
    "apps/app/deployment.yaml": deployment(),
    "apps/app/service.yaml": `apiVersion: v1
kind: Service
metadata:
  name: app
  namespace: shop
spec:
  selector:
    app: app
  ports:
    - name: http
      port: 80
      targetPort: 8080
    - name: metrics
      port: 9090
`,
    "apps/app/secret.yaml": secret(SECRET_V1),
    "apps/app/configmap.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
  namespace: shop
data:
  LOG_LEVEL: info
`,
    "apps/other/kustomization.yaml": "resources:\n  - configmap.yaml\n",
    "apps/other/configmap.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: other
  namespace: shop
data:
  key: value
`,
  };
}

/** test/support/flux.ts's fluxKs, under the name the diff tests know it by. */
export const fluxKustomization = fluxKs;
