// Bundles the CLI (dist/cli/main.js) and the render pool's worker (dist/helm/pool/worker.js) into
// dist/bundle with rolldown: one chunk per command (loaded when the command runs), dependencies
// inlined. The chunks are CommonJS, marked so by dist/bundle/package.json, because Node 20 keeps
// no compiled code for ES modules between processes while a CommonJS chunk compiled through
// vm.Script can reuse V8's code cache: bin/slipway.js loads them with src/startup/bundle-loader.ts.
// The worker entry is started by Node itself (new Worker(dist/bundle/worker.js)); bin/slipway.js
// requires dist/bundle/start.js, built last.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { build } from "rolldown";

const dist = new URL("../dist/", import.meta.url);
const out = new URL("bundle/", dist);
// Chunk names carry content hashes: clear the chunks of earlier builds, so the code identity
// (src/cache/code-identity.ts hashes every file here) and the package hold only this build.
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// re2js 2.10's compiler asks Unicode.simpleFold about every one-rune literal, case folding or
// not: the first such regexp of a process decodes its case-orbit table (2,946 entries, ~8 ms
// cold), which only (?i) patterns need. The answer only matters under FOLD_CASE (flags is that
// bit alone by then), so the bundle asks only then: same program, no decode for
// `^v\d+\.\d+$` and the like. A changed re2js fails the build here, to be looked at again.
const RE2JS_RUNE = "if (runes.length !== 1 || Unicode.simpleFold(runes[0]) === runes[0])";
const re2jsFoldOnlyWhenFolding = {
  name: "re2js-fold-only-when-folding",
  transform(code, id) {
    if (!/[\\/]re2js[\\/]build[\\/]index\.js$/.test(id)) return null;
    if (code.split(RE2JS_RUNE).length !== 2) {
      throw new Error(`re2js changed: ${RE2JS_RUNE} is not in ${id} once; redo or drop this patch`);
    }
    return { code: code.replace(RE2JS_RUNE, `if (flags === 0 || ${RE2JS_RUNE.slice(4)}`), map: null };
  },
};

await build({
  input: [new URL("cli/main.js", dist).pathname, new URL("helm/pool/worker.js", dist).pathname],
  platform: "node",
  logLevel: "silent",
  plugins: [re2jsFoldOnlyWhenFolding],
  output: {
    dir: out.pathname,
    format: "cjs",
    charset: "ascii",
    comments: { legal: true, annotation: false, jsdoc: false },
  },
});
// The start of bin/slipway.js (src/startup/start.ts with the BundleLoader), one CommonJS file that
// Node's own loader runs: an ES module entry costs a fresh process ~5-8 ms more (the ES module
// loader is set up, and each module and node:* facade resolved and linked), before any command.
await build({
  input: new URL("startup/start.js", dist).pathname,
  platform: "node",
  logLevel: "silent",
  output: {
    file: new URL("start.js", out).pathname,
    format: "cjs",
    charset: "ascii",
    comments: { legal: true, annotation: false, jsdoc: false },
  },
});
writeFileSync(new URL("package.json", out), `${JSON.stringify({ type: "commonjs" })}\n`);
