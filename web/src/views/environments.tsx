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
