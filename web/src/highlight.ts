/**
 * Syntax highlighting with highlight.js (core plus the languages a GitOps repository holds),
 * split into lines so the source view can number and mark them. A token spanning lines (a
 * block scalar) is closed at each line end and reopened on the next.
 */
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import json from "highlight.js/lib/languages/json";
import yaml from "highlight.js/lib/languages/yaml";

hljs.registerLanguage("yaml", yaml);
hljs.registerLanguage("json", json);
hljs.registerLanguage("bash", bash);

export function languageOf(file: string): string | undefined {
  if (/\.ya?ml$/i.test(file) || /(^|\/)Kustomization$/.test(file)) return "yaml";
  if (/\.json$/i.test(file)) return "json";
  if (/\.(sh|bash|env)$/i.test(file)) return "bash";
  return undefined;
}

/** HTML per line (escaped by highlight.js, or by us for plain text). */
export function highlightLines(text: string, language: string | undefined): string[] {
  const html = language ? hljs.highlight(text, { language, ignoreIllegals: true }).value : escapeHtml(text);
  return splitLines(html);
}

function splitLines(html: string): string[] {
  const out: string[] = [];
  const open: string[] = [];
  let line = "";
  const tag = /<span[^>]*>|<\/span>|\n/g;
  let last = 0;
  for (let m = tag.exec(html); m; m = tag.exec(html)) {
    line += html.slice(last, m.index);
    last = tag.lastIndex;
    if (m[0] === "\n") {
      out.push(line + "</span>".repeat(open.length));
      line = open.join("");
    } else if (m[0] === "</span>") {
      open.pop();
      line += m[0];
    } else {
      open.push(m[0]);
      line += m[0];
    }
  }
  out.push(line + html.slice(last));
  return out;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
