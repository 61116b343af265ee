// Bundles the CLI (dist/cli/main.js) and the render pool's worker (dist/helm/pool/worker.js) into
// dist/bundle with rolldown: one chunk per command (loaded when the command runs), dependencies
// inlined. The chunks are CommonJS, marked so by dist/bundle/package.json, because Node 20 keeps
// no compiled code for ES modules between processes while a CommonJS chunk compiled through
// vm.Script can reuse V8's code cache: bin/slipway.js loads them with src/startup/bundle-loader.ts.
// The worker entry is started by Node itself (new Worker(dist/bundle/worker.js)); bin/slipway.js
// requires dist/bundle/start.js, built last, and render workers start from dist/bundle/worker-start.js. The Helm engine's render points (engine-entry.js) are
// an entry of their own, helm-engine.js, that the platform loader's render points load when they
// first render (engine-access-bundled.js, put in engine-access.js's place here): a run answered
// from the caches does not load the engine.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { build } from "rolldown";

const dist = new URL("../dist/", import.meta.url);
const out = new URL("bundle/", dist);
// Chunk names carry content hashes: clear the chunks of earlier builds, so the code identity
// (src/cache/code-identity.ts hashes every file here) and the package hold only this build.
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const engineAccess = new URL("helm/engine-access.js", dist).pathname;
const engineAccessBundled = new URL("helm/engine-access-bundled.js", dist).pathname;
await build({
  input: {
    main: new URL("cli/main.js", dist).pathname,
    worker: new URL("helm/pool/worker.js", dist).pathname,
    "helm-engine": new URL("helm/engine-entry.js", dist).pathname,
  },
  plugins: [
    {
      name: "lazy-helm-engine",
      async resolveId(source, importer, options) {
        if (!source.endsWith("/engine-access.js")) return null;
        const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
        return resolved?.id === engineAccess ? engineAccessBundled : null;
      },
    },
  ],
  platform: "node",
  logLevel: "silent",
  output: {
    dir: out.pathname,
    format: "cjs",
    charset: "ascii",
    comments: { legal: true, annotation: false, jsdoc: false },
  },
});
// Two entries, each one CommonJS file that Node's own loader runs:
// - the start of bin/slipway.js (src/startup/start.ts with the BundleLoader): an ES module entry
//   costs a fresh process ~5-8 ms more (the ES module loader is set up, and each module and
//   node:* facade resolved and linked), before any command;
// - the first module of a render worker the CLI starts (src/startup/worker-start.ts: the bundle
//   loader, then the worker's chunk): started from dist/startup, each worker set up the ES module
//   loader and resolved, read and compiled worker-start's five modules from source, on the way
//   to its first render.
for (const entry of ["start.js", "worker-start.js"]) {
  await build({
    input: new URL(`startup/${entry}`, dist).pathname,
    platform: "node",
    logLevel: "silent",
    output: {
      file: new URL(entry, out).pathname,
      format: "cjs",
      charset: "ascii",
      comments: { legal: true, annotation: false, jsdoc: false },
    },
  });
}
writeFileSync(new URL("package.json", out), `${JSON.stringify({ type: "commonjs" })}\n`);
