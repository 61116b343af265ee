import { useEffect, useState } from "preact/hooks";
import type { DashboardModel, DataSource, DiffReport } from "../data.js";
import { href, navigate, type Route } from "../router.js";
import { DiffReportView } from "./diff-report.js";

/** The environment matrix (`slipway diff --matrix`) and one environment against another. */
export function EnvironmentsView({
  model,
  source,
  route,
}: {
  model: DashboardModel;
  source: DataSource;
  route: Route;
}) {
  const names = model.matrix.clusters.length ? model.matrix.clusters : model.clusters.map((c) => c.name);
  const pair = model.envPairs[0];
  const a = route.params.get("a") ?? pair?.[0] ?? names[0] ?? "";
  const b = route.params.get("b") ?? pair?.[1] ?? names[1] ?? "";
  const [filter, setFilter] = useState("");
  const rows = model.matrix.rows.filter(
    (r) => !filter || `${r.service} ${r.aspect}`.toLowerCase().includes(filter.toLowerCase()),
  );
  return (
    <section aria-labelledby="env-h">
      <h1 id="env-h">Environments</h1>
      <h2>Matrix</h2>
      <p class="muted">
        Only what differs between clusters, in promotion order ({model.matrix.rows.length} rows). “—” means
        absent.
      </p>
      <MatrixLeftOut leftOut={model.matrix.leftOut ?? []} />
      <label class="filter">
        Filter{" "}
        <input
          type="search"
          value={filter}
          onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
          placeholder="service or aspect"
        />
      </label>
      <div class="table-wrap">
        <table class="matrix" data-testid="matrix">
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Aspect</th>
              {model.matrix.clusters.map((c) => (
                <th scope="col" key={c}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.service}|${r.aspect}`}>
                <th scope="row">{r.service}</th>
                <td class="mono">{r.aspect}</td>
                {model.matrix.clusters.map((c) => (
                  <td key={c} class={`mono ${r.values[c] === null ? "absent" : ""}`}>
                    {r.values[c] ?? "—"}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2 id="envdiff-h">Compare two environments</h2>
      <form
        class="pick"
        aria-labelledby="envdiff-h"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.target as HTMLFormElement);
          navigate(href(["env"], { a: String(f.get("a")), b: String(f.get("b")) }));
        }}
      >
        <label>
          From{" "}
          <select name="a" value={a}>
            {names.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
        <label>
          to{" "}
          <select name="b" value={b}>
            {names.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
        <button type="submit">Compare</button>
      </form>
      <EnvDiff source={source} a={a} b={b} generation={model.generation} />
    </section>
  );
}

function EnvDiff({
  source,
  a,
  b,
  generation,
}: {
  source: DataSource;
  a: string;
  b: string;
  generation: number;
}) {
  const [report, setReport] = useState<DiffReport | undefined | null>(null);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    setError(undefined);
    if (!a || !b || a === b) {
      setReport(undefined);
      return;
    }
    setReport(null);
    source.envDiff(a, b).then(
      (r) => live && setReport(r),
      (e) => live && setError(String(e.message ?? e)),
    );
    return () => {
      live = false;
    };
  }, [a, b, source, generation]);
  if (error) return <p class="banner error">{error}</p>;
  if (a === b) return <p class="muted">Pick two different clusters.</p>;
  if (report === null) return <p class="muted">Comparing…</p>;
  if (report === undefined)
    return (
      <p class="muted">
        This report holds no comparison of {a} with {b}; the report includes neighbouring environments in
        promotion order.
      </p>
    );
  return <DiffReportView report={report} />;
}

type LeftOut = DashboardModel["matrix"]["leftOut"][number];

/**
 * What the matrix does not hold: failures in full; releases whose chart was not rendered (a chart
 * cache not filled yet names them all) behind one summary line, so the matrix stays in view.
 */
function MatrixLeftOut({ leftOut }: { leftOut: LeftOut[] }) {
  if (leftOut.length === 0) return null;
  const failed = leftOut.filter((n) => n.reason === "failed");
  const others = leftOut.filter((n) => n.reason !== "failed");
  const item = (n: LeftOut) => (
    <li key={`${n.id}|${n.reason}|${n.clusters.join(",")}`}>
      <span class="mono">{n.id}</span> ({n.clusters.join(", ")}):{" "}
      {n.reason === "failed"
        ? "fails to render"
        : n.reason === "chart-not-rendered"
          ? "chart not rendered"
          : "its source is not this repository"}
      {n.errors.length > 0 ? ` — ${n.errors.join("; ")}` : ""}
    </li>
  );
  return (
    <section
      class={`banner ${failed.length > 0 ? "error" : "warn"}`}
      aria-labelledby="matrix-left-out-h"
      data-testid="matrix-not-compared"
    >
      <h3 id="matrix-left-out-h">
        Not in the matrix: {leftOut.length} (a HelmRelease listed here has its values in the matrix, not its
        chart's objects)
      </h3>
      {failed.length > 0 ? <ul>{failed.map(item)}</ul> : null}
      {others.length > 0 ? (
        <details>
          <summary>{othersSummary(others)}</summary>
          <ul>{others.map(item)}</ul>
        </details>
      ) : null}
    </section>
  );
}

function othersSummary(others: LeftOut[]): string {
  const charts = others.filter((n) => n.reason === "chart-not-rendered").length;
  const external = others.length - charts;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
  return [
    charts ? `${plural(charts, "HelmRelease")} whose chart was not rendered` : "",
    external ? `${plural(external, "Flux Kustomization")} with an external source` : "",
  ]
    .filter(Boolean)
    .join(", ");
}
