// Bundles the dashboard's front end (web/) into dist/web/app.js and app.css with rolldown:
// one minified ES module (Preact, dagre and highlight.js inlined) and one style sheet, so the
// page needs nothing from the network.
import { copyFileSync, mkdirSync } from "node:fs";
import { build } from "rolldown";

const out = new URL("../dist/web/", import.meta.url);
mkdirSync(out, { recursive: true });
await build({
  input: new URL("../web/src/main.tsx", import.meta.url).pathname,
  platform: "browser",
  logLevel: "silent",
  transform: { jsx: { runtime: "automatic", importSource: "preact" } },
  output: { file: new URL("app.js", out).pathname, format: "esm", minify: true },
});
copyFileSync(new URL("../web/style.css", import.meta.url), new URL("app.css", out));
