/**
 * The dashboard page. Live (`slipway serve`): a shell that loads /assets/ and asks the server
 * for data. Static (`report --html`, `diff --format html`): one self-contained file with the
 * script, the styles and every datum inlined, and a Content-Security-Policy that forbids any
 * network access, so it opens from file:// (or a CI artifact store) with no server and no
 * internet.
 */
import type { DiffReport } from "../diff/model.js";
import type { WebAssets } from "./assets.js";
import type { ReportBundle } from "./model.js";

export function livePageHtml(title: string): string {
  return page({
    title,
    csp: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'",
    head: '<link rel="stylesheet" href="/assets/app.css">',
    body: `<script id="slipway-mode" type="application/json">{"mode":"live"}</script>\n<script type="module" src="/assets/app.js"></script>`,
  });
}

export function staticPageHtml(title: string, bundle: ReportBundle, assets: WebAssets): string {
  return page({
    title,
    csp: "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'",
    head: `<style>\n${assets.css.replace(/<\/style/gi, "<\\/style")}\n</style>`,
    body: [
      `<script id="slipway-mode" type="application/json">{"mode":"static"}</script>`,
      `<script id="slipway-data" type="application/json">${scriptJson(bundle)}</script>`,
      `<script type="module">\n${assets.js.replace(/<\/script/gi, "<\\/script")}\n</script>`,
    ].join("\n"),
  });
}

function page(p: { title: string; csp: string; head: string; body: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${p.csp}">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(p.title)}</title>
${p.head}
</head>
<body>
<noscript>This page needs JavaScript (no network access is made).</noscript>
<div id="app"></div>
${p.body}
</body>
</html>
`;
}

/** A page that shows one diff report (`slipway diff --format html`). */
export function diffPageHtml(title: string, report: DiffReport, assets: WebAssets): string {
  return staticPageHtml(
    title,
    { details: {}, sources: {}, envDiffs: {}, revisionDiff: report, start: "#/diff" },
    assets,
  );
}

/** JSON that cannot end its <script> element or break on U+2028/2029. */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x))
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
