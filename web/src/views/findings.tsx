import type { FindingView } from "../../../src/report/model.js";
import type { DashboardModel } from "../data.js";
import { href, type Route } from "../router.js";
import { plural, SourceLink } from "./common.js";

type Group = "rule" | "file" | "cluster";
const SEVERITIES = ["error", "warning", "info"] as const;
const RANK = { error: 0, warning: 1, info: 2 };

/** `slipway check`'s findings and the render errors, grouped by rule, file or cluster; errors first. */
export function FindingsView({ model, route }: { model: DashboardModel; route: Route }) {
  const group = (route.params.get("group") as Group) || "rule";
  const severity = route.params.get("severity") ?? "";
  const renderErrors: FindingView[] = model.errors.map((e) => ({
    rule: "render-error",
    severity: "error",
    message: e.message,
    ...(e.cluster ? { cluster: e.cluster } : {}),
    ...(e.kustomization ? { kustomization: e.kustomization } : {}),
    ...(e.file ? { file: e.file } : {}),
    ...(e.line ? { line: e.line } : {}),
  }));
  const all = [
    ...renderErrors,
    ...model.findings.filter((f) => !(f.rule === "render-error" && renderErrors.length > 0)),
  ];
  const shown = all.filter((f) => !severity || f.severity === severity);
  const groups = new Map<string, FindingView[]>();
  for (const f of shown) {
    const key = (group === "rule" ? f.rule : group === "file" ? f.file : f.cluster) ?? "(none)";
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(f);
  }
  const ordered = [...groups.entries()].sort(
    ([a, x], [b, y]) => worst(x) - worst(y) || y.length - x.length || a.localeCompare(b),
  );
  const link = (params: Record<string, string>) => href(["findings"], { group, severity, ...params });
  return (
    <section aria-labelledby="findings-h">
      <h1 id="findings-h">Findings</h1>
      <div class="filters">
        <span>
          Group by{" "}
          {(["rule", "file", "cluster"] as const).map((g) => (
            <a key={g} class="chip" href={link({ group: g })} aria-current={g === group ? "true" : undefined}>
              {g}
            </a>
          ))}
        </span>
        <span>
          Severity{" "}
          <a class="chip" href={link({ severity: "" })} aria-current={severity === "" ? "true" : undefined}>
            all ({all.length})
          </a>
          {SEVERITIES.map((s) => (
            <a
              key={s}
              class={`chip chip-${s}`}
              href={link({ severity: s })}
              aria-current={severity === s ? "true" : undefined}
            >
              {s} ({all.filter((f) => f.severity === s).length})
            </a>
          ))}
        </span>
      </div>
      {shown.length === 0 ? (
        <p class="ok-line">No findings{severity ? ` of severity ${severity}` : ""}.</p>
      ) : null}
      {ordered.map(([key, list]) => (
        <details class="group" key={key} open={ordered.length <= 8 || worst(list) === 0}>
          <summary>
            <span class={`sev sev-${SEVERITIES[worst(list)]}`}>{SEVERITIES[worst(list)]}</span>{" "}
            <span class="mono">{key}</span> <span class="muted">({plural(list.length, "finding")})</span>
          </summary>
          <FindingList findings={list} hide={group} />
        </details>
      ))}
    </section>
  );
}

function worst(list: FindingView[]): number {
  return Math.min(...list.map((f) => RANK[f.severity]));
}

export function FindingList({ findings, hide }: { findings: FindingView[]; hide?: Group }) {
  return (
    <ul class="findings">
      {[...findings]
        .sort((a, b) => RANK[a.severity] - RANK[b.severity])
        .map((f, i) => (
          <li key={i} class={`finding f-${f.severity}`}>
            <span class={`sev sev-${f.severity}`}>{f.severity}</span> {f.message}
            <div class="meta">
              {hide !== "rule" ? <span class="mono">{f.rule}</span> : null}
              {hide !== "cluster" && f.cluster ? <span>cluster {f.cluster}</span> : null}
              {f.kustomization ? <span>Kustomization {f.kustomization}</span> : null}
              {f.resource ? <span>{f.resource}</span> : null}
              {f.file ? <SourceLink file={f.file} line={f.line} /> : null}
            </div>
          </li>
        ))}
    </ul>
  );
}
