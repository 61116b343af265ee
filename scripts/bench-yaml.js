#!/usr/bin/env node
// Benchmark: the fast YAML reader (src/yaml/fast) against the full `yaml` package path.
// 1. every YAML file of ../shared/realworld in one process, through both readers (kustomize's
//    parseYamlDocuments and Helm's readRawYaml), fast-first vs full only;
// 2. a generated 50 MB multi-document stream through parseYamlDocuments: wall time and peak
//    RSS, each path in a fresh process (--no-full skips the full path, which takes a while);
// 3. `slipway build` of a directory holding that stream: wall time and peak RSS.
// Usage: npm run build && node scripts/bench-yaml.js [--mb N] [--no-full]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const shared = path.resolve(repoRoot, process.env.SLIPWAY_SHARED ?? "../shared");
const parse = await import(path.join(repoRoot, "dist/yaml/parse.js"));
const helm = await import(path.join(repoRoot, "dist/helm/yaml.js"));
const args = process.argv.slice(2);
const mb = args.includes("--mb") ? Number(args[args.indexOf("--mb") + 1]) : 50;

/** A stream of Kubernetes-like documents of about `megabytes` MB. */
function generatedStream(megabytes) {
  const docs = [];
  let size = 0;
  for (let i = 0; size < megabytes * 1e6; i++) {
    const doc = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  namespace: "team-${i % 17}"
  labels:
    app.kubernetes.io/name: app-${i}
    app.kubernetes.io/version: '1.${i % 9}.0'
  annotations:
    description: a generated workload that
      spans two lines
spec:
  replicas: ${i % 5}
  template:
    spec:
      containers:
        - name: main
          image: ghcr.io/example/app:v${i % 100}
          args: [--port, "8080", --verbose]
          env:
            - name: MODE
              value: "on"
            - name: RATIO
              value: 0.${i % 10}
          resources: {}
      volumes:
        - name: config
          configMap:
            name: cfg-${i}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg-${i}
data:
  config.yaml: |
    server:
      port: 8080
      # comment inside the block
    features: [a, b]
  motd: >-
    Welcome to
    app ${i}.
`;
    docs.push(doc);
    size += doc.length + 4;
  }
  return docs.join("---\n");
}

function yamlFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === ".git") continue;
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

function time(f) {
  const t = performance.now();
  f();
  return performance.now() - t;
}

function readAll(texts, kyaml, helmRead) {
  let errors = 0;
  for (const [file, text] of texts) {
    try {
      kyaml(text, file);
    } catch {
      errors++;
    }
    try {
      helmRead(text, file);
    } catch {
      // Helm reads each file's first document only; errors are counted by the kustomize reader
    }
  }
  return errors;
}

if (args[0] === "--child" && args[1] === "build") {
  // `slipway build` of a directory holding the stream (issue 16: well under 1 GB).
  const { buildYaml } = await import(path.join(repoRoot, "dist/kustomize/build.js"));
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-bench-yaml-"));
  writeFileSync(path.join(dir, "stream.yaml"), generatedStream(mb));
  writeFileSync(path.join(dir, "kustomization.yaml"), "resources:\n- stream.yaml\n");
  let bytes = 0;
  const ms = time(() => {
    const out = buildYaml(dir);
    bytes = out.length;
    writeFileSync("/dev/null", out);
  });
  rmSync(dir, { recursive: true, force: true });
  const rss = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ ms, rss, bytes }));
  process.exit(0);
}

if (args[0] === "--child") {
  // One path on the generated stream, in a process of its own so that peak RSS is its own.
  const text = generatedStream(mb);
  const read = args[1] === "full" ? parse.parseYamlDocumentsFull : parse.parseYamlDocuments;
  let docs = 0;
  const ms = time(() => {
    docs = read(text, "generated.yaml").length;
  });
  const rss = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ ms, rss, docs, chars: text.length }));
  process.exit(0);
}

const realworld = path.join(shared, "realworld");
const texts = yamlFiles(realworld).map((f) => [f, readFileSync(f, "utf8")]);
const chars = texts.reduce((n, [, t]) => n + t.length, 0);
// Warm both paths once (module compilation, JIT), then measure.
readAll(texts.slice(0, 50), parse.parseYamlDocuments, helm.readRawYaml);
readAll(texts.slice(0, 50), parse.parseYamlDocumentsFull, helm.readRawYamlFull);
const fastMs = time(() => readAll(texts, parse.parseYamlDocuments, helm.readRawYaml));
const fullMs = time(() => readAll(texts, parse.parseYamlDocumentsFull, helm.readRawYamlFull));
const read = texts.filter(([, t]) => parse.parseYamlDocumentsFast(t) !== undefined);
const readFastMs = time(() => readAll(read, parse.parseYamlDocuments, helm.readRawYaml));
const readFullMs = time(() => readAll(read, parse.parseYamlDocumentsFull, helm.readRawYamlFull));
console.log(
  `realworld: ${texts.length} YAML files, ${(chars / 1e6).toFixed(1)} MB, kustomize + Helm readers: fast-first ${fastMs.toFixed(0)} ms, full ${fullMs.toFixed(0)} ms (${(fullMs / fastMs).toFixed(1)}x)`,
);
console.log(
  `  the ${read.length} files the fast reader reads: fast ${readFastMs.toFixed(0)} ms, full ${readFullMs.toFixed(0)} ms (${(readFullMs / readFastMs).toFixed(1)}x); ${texts.length - read.length} files left to the full path`,
);

const self = fileURLToPath(import.meta.url);
for (const which of args.includes("--no-full") ? ["fast"] : ["fast", "full"]) {
  const out = execFileSync(
    process.execPath,
    ["--max-old-space-size=8192", self, "--child", which, "--mb", String(mb)],
    {
      encoding: "utf8",
      maxBuffer: 1 << 20,
    },
  );
  const r = JSON.parse(out);
  console.log(
    `${mb} MB stream (${r.docs} documents) through ${which === "fast" ? "parseYamlDocuments (fast reader)" : "the full path only"}: ${(r.ms / 1000).toFixed(2)} s, peak RSS ${(r.rss / 1024).toFixed(2)} GB`,
  );
}

{
  const out = execFileSync(
    process.execPath,
    ["--stack-size=3900", self, "--child", "build", "--mb", String(mb)],
    { encoding: "utf8", maxBuffer: 1 << 20 },
  );
  const r = JSON.parse(out);
  console.log(
    `${mb} MB stream: slipway build (one kustomization): ${(r.ms / 1000).toFixed(2)} s, peak RSS ${(r.rss / 1024).toFixed(2)} GB, ${(r.bytes / 1e6).toFixed(1)} MB written`,
  );
}
