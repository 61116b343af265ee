import type { Danger, DiffReport, KustomizationDiff } from "../../../src/diff/model.js";
import { plural, SourceLink } from "./common.js";

/** A diff report (revision or environment): danger notes first, then cluster → Kustomization → object → fields. */
export function DiffReportView({ report }: { report: DiffReport }) {
  const s = report.summary;
  const dangers: Array<{ k: KustomizationDiff; d: Danger }> = [];
  for (const c of report.clusters)
    for (const k of c.kustomizations) for (const d of k.dangers) dangers.push({ k, d });
  return (
    <div class="diff" data-testid="diff-report">
      <p class="diff-summary">
        <strong>{report.base}</strong> → <strong>{report.head}</strong>:{" "}
        {plural(s.kustomizations, "Flux Kustomization")} differ · <span class="add">+{s.added} added</span> ·{" "}
        <span class="del">−{s.removed} removed</span> · <span class="chg">~{s.changed} changed</span>
        {report.changedOnly ? <span class="muted"> · changed-only render</span> : null}
      </p>
      {report.errors.length > 0 ? (
        <div class="banner error" role="alert">
          <strong>Could not render everything:</strong>
          <ul>
            {report.errors.map((e, i) => (
              <li key={i}>{e}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {dangers.length > 0 ? (
        <section class="dangers" aria-labelledby="dangers-h">
          <h2 id="dangers-h">⚠ {plural(dangers.length, "danger note")}</h2>
          <ul>
            {dangers.map(({ k, d }, i) => (
              <li key={i}>
                <span class="pill st-failed">{d.kind}</span> {d.message}{" "}
                <span class="muted">
                  ({k.cluster} · {k.id}
                  {d.object ? ` · ${d.object}` : ""})
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {(report.notCompared ?? []).length > 0 ? (
        <section class="banner error" aria-labelledby="not-compared-h" data-testid="not-compared">
          <h2 id="not-compared-h">
            Not compared:{" "}
            {[
              plural(
                report.notCompared.filter((n) => n.reason !== "chart-not-rendered").length,
                "Flux Kustomization",
              ),
              plural(
                report.notCompared.filter((n) => n.reason === "chart-not-rendered").length,
                "HelmRelease",
              ),
            ]
              .filter((t) => !t.startsWith("0 "))
              .join(" and ")}
            {report.acceptFailed ? " (failures accepted with --accept-failed)" : ""}
          </h2>
          <ul>
            {report.notCompared.map((n) => (
              <li key={`${n.cluster}|${n.id}`}>
                <span class="mono">
                  {n.cluster} {n.id}
                </span>
                :{" "}
                {n.reason === "failed"
                  ? "fails to render"
                  : n.reason === "chart-not-rendered"
                    ? `differs, but its chart output was not compared: ${n.errors.join("; ")}`
                    : "its source is not this repository"}
                {n.reason === "failed" && n.errors.length > 0 ? ` — ${n.errors.join("; ")}` : ""}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {(report.suspended ?? []).length > 0 ? (
        <section class="banner" aria-labelledby="suspended-h" data-testid="suspended">
          <h2 id="suspended-h">
            Suspended, not compared: {plural(report.suspended.length, "Flux Kustomization")}
          </h2>
          <p class="muted">
            Flux applies nothing of a suspended Kustomization until it is resumed, so Slipway does not render
            it: a change in it shows when it is resumed.
          </p>
          <ul>
            {report.suspended.map((k) => (
              <li key={`${k.cluster}|${k.id}`}>
                <span class="mono">
                  {k.cluster} {k.id}
                </span>
                {k.path ? <span class="muted"> ({k.path})</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {report.clusters.length === 0 ? (
        <p
          class={
            (report.notCompared ?? []).length + (report.suspended ?? []).length > 0 ? "muted" : "ok-line"
          }
        >
          {(report.notCompared ?? []).length > 0
            ? "No differences in what was compared (see above)."
            : (report.suspended ?? []).length > 0
              ? "No differences in what Flux applies (suspended Kustomizations: see above)."
              : "No differences."}
        </p>
      ) : null}
      {report.clusters.map((c) => (
        <section key={c.cluster} class="diff-cluster">
          <h2>
            {c.cluster} <span class={`pill ch-${c.change}`}>{c.change}</span>
          </h2>
          {c.kustomizations.map((k) => (
            <details key={k.id} class="diff-ks" open={k.dangers.length > 0 || c.kustomizations.length <= 6}>
              <summary>
                <span class={`pill ch-${k.change}`}>{k.change}</span> <span class="mono">{k.id}</span>{" "}
                <span class="muted">
                  {k.path ? `${k.path} · ` : ""}+{k.counts.added} −{k.counts.removed} ~{k.counts.changed}
                  {k.dangers.length ? ` · ⚠ ${k.dangers.length}` : ""}
                </span>
              </summary>
              {k.errors.map((e, i) => (
                <p class="banner error" key={i}>
                  {e}
                </p>
              ))}
              <ul class="diff-objects">
                {k.objects.map((o) => (
                  <li key={`${o.apiVersion}|${o.kind}|${o.namespace}|${o.name}`}>
                    <div>
                      <span class={`pill ch-${o.change}`}>{o.change}</span> <span class="mono">{o.kind}</span>{" "}
                      {o.namespace ? `${o.namespace}/` : ""}
                      {o.name} {o.source ? <SourceLink file={o.source.file} line={o.source.line} /> : null}
                    </div>
                    {o.fields.length > 0 ? (
                      <table class="fields">
                        <thead>
                          <tr>
                            <th scope="col">Field</th>
                            <th scope="col">{o.change === "changed" ? "Before" : ""}</th>
                            <th scope="col">{o.change === "changed" ? "After" : ""}</th>
                          </tr>
                        </thead>
                        <tbody>
                          {o.fields.map((f, i) => (
                            <tr key={i}>
                              <td class="mono">{f.path}</td>
                              <td class="mono del">{show(f.old)}</td>
                              <td class="mono add">{show(f.new)}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    ) : null}
                  </li>
                ))}
              </ul>
            </details>
          ))}
        </section>
      ))}
    </div>
  );
}

function show(v: unknown): string {
  if (v === undefined) return "";
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > 400 ? `${s.slice(0, 399)}…` : s;
}
