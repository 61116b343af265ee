import type { ComponentChildren } from "preact";
import type { NodeView, SeverityCounts } from "../../../src/report/model.js";
import { href, sourceHref } from "../router.js";

export function SourceLink({
  file,
  line,
  children,
}: {
  file?: string;
  line?: number;
  children?: ComponentChildren;
}) {
  if (!file) return null;
  return (
    <a class="src" href={sourceHref(file, line)}>
      {children ?? `${file}${line ? `:${line}` : ""}`}
    </a>
  );
}

export function Severities({ counts, compact }: { counts: SeverityCounts; compact?: boolean }) {
  const parts: Array<[keyof SeverityCounts, string]> = [
    ["error", "E"],
    ["warning", "W"],
    ["info", "I"],
  ];
  const shown = parts.filter(([k]) => counts[k] > 0);
  if (shown.length === 0) return compact ? null : <span class="muted">none</span>;
  return (
    <span class="sev-group">
      {shown.map(([k, short]) => (
        <span key={k} class={`sev sev-${k}`} title={`${counts[k]} ${k}${counts[k] === 1 ? "" : "s"}`}>
          {compact ? `${short}${counts[k]}` : `${counts[k]} ${k}${counts[k] === 1 ? "" : "s"}`}
        </span>
      ))}
    </span>
  );
}

const STATUS_TEXT: Record<NodeView["status"], string> = {
  rendered: "rendered",
  failed: "failed",
  suspended: "suspended",
  external: "external source",
  declared: "not rendered",
};

/** A node's status; a Kustomization rendered without part of what Flux applies says so. */
export function StatusPill({ node }: { node: Pick<NodeView, "status" | "partial"> }) {
  if (node.partial) {
    return (
      <span class="pill st-partial" title="part of what Flux applies is left out: see its errors">
        rendered in part
      </span>
    );
  }
  return <span class={`pill st-${node.status}`}>{STATUS_TEXT[node.status]}</span>;
}

export function nodeHref(cluster: string, id: string): string {
  return href(["graph", cluster], { node: id });
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
