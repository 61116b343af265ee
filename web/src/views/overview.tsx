import type { DashboardModel } from "../data.js";
import { href } from "../router.js";
import { nodeHref, plural, Severities, SourceLink, StatusPill } from "./common.js";

/** Clusters × Flux Kustomizations/HelmReleases: render status, objects, findings. Problems first. */
export function OverviewView({ model }: { model: DashboardModel }) {
  const s = model.summary;
  const changed = new Set(model.changedNodes);
  return (
    <section aria-labelledby="overview-h">
      <h1 id="overview-h">Overview</h1>
      <div class="cards">
        <Card label="Clusters" value={s.clusters} />
        <Card label="Flux Kustomizations" value={s.kustomizations} />
        <Card label="HelmReleases" value={s.helmReleases} />
        <Card label="Objects rendered" value={s.objects} />
        <Card label="Failed" value={s.failed} tone={s.failed > 0 ? "bad" : "good"} />
        {s.partial > 0 ? <Card label="Rendered in part" value={s.partial} tone="warn" /> : null}
        <Card
          label="Error findings"
          value={s.findings.error}
          tone={s.findings.error > 0 ? "bad" : "good"}
          href={href(["findings"], { severity: "error" })}
        />
        <Card
          label="Warnings"
          value={s.findings.warning}
          tone={s.findings.warning > 0 ? "warn" : "good"}
          href={href(["findings"], { severity: "warning" })}
        />
      </div>
      <div class="clusters">
        {model.clusters.map((c) => {
          const nodes = [...c.nodes].sort(
            (a, b) => rank(a) - rank(b) || (a.layer ?? 99) - (b.layer ?? 99) || a.id.localeCompare(b.id),
          );
          return (
            <section class="cluster" key={c.name} aria-labelledby={`cl-${c.name}`} data-cluster={c.name}>
              <header>
                <h2 id={`cl-${c.name}`}>
                  <a href={href(["graph", c.name])}>{c.name}</a>
                </h2>
                <span class="muted">
                  {c.path} · {plural(c.counts.kustomizations, "Kustomization")} ·{" "}
                  {plural(c.counts.helmReleases, "HelmRelease")} · {plural(c.counts.objects, "object")} ·{" "}
                  {c.renderMs} ms
                </span>
                <Severities counts={c.findings} compact />
              </header>
              {c.errors.map((e, i) => (
                <p class="banner error" key={i}>
                  {e.message} <SourceLink file={e.file} line={e.line} />
                </p>
              ))}
              <div class="table-wrap">
                <table class="nodes">
                  <caption class="sr-only">Flux objects of cluster {c.name}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Object</th>
                      <th scope="col">Status</th>
                      <th scope="col">Path / chart</th>
                      <th scope="col" class="num">
                        Objects
                      </th>
                      <th scope="col">Findings</th>
                      <th scope="col">Defined in</th>
                    </tr>
                  </thead>
                  <tbody>
                    {nodes.map((n) => (
                      <tr
                        key={n.id}
                        class={changed.has(`${c.name}|${n.id}`) ? "changed" : undefined}
                        data-node={n.id}
                      >
                        <th scope="row">
                          <a href={nodeHref(c.name, n.id)}>
                            <span class={`kind k-${n.kind}`}>
                              {n.kind === "Kustomization" ? "KS" : n.kind === "ResourceSet" ? "RS" : "HR"}
                            </span>{" "}
                            {n.namespace}/{n.name}
                          </a>
                          {n.blocked ? <span class="pill st-failed">blocked: {n.blocked}</span> : null}
                          {n.errors.length > 0 ? <div class="err-line">{n.errors[0]!.message}</div> : null}
                        </th>
                        <td>
                          <StatusPill node={n} />
                        </td>
                        <td class="mono">
                          {n.helm
                            ? `${n.helm.chart ?? "?"}${(n.helm.resolvedVersion ?? n.helm.version) ? `@${n.helm.resolvedVersion ?? n.helm.version}` : ""}`
                            : n.path}
                        </td>
                        <td class="num">{n.kind === "HelmRelease" && !n.helm?.rendered ? "—" : n.objects}</td>
                        <td>
                          <Severities counts={n.findings} compact />
                        </td>
                        <td>
                          {n.definedAt ? (
                            <SourceLink file={n.definedAt.file} line={n.definedAt.line}>
                              <span title={n.definedAt.file}>
                                {n.definedAt.file.split("/").pop()}
                                {n.definedAt.line ? `:${n.definedAt.line}` : ""}
                              </span>
                            </SourceLink>
                          ) : null}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          );
        })}
      </div>
    </section>
  );
}

function rank(n: DashboardModel["clusters"][number]["nodes"][number]): number {
  if (n.status === "failed" || n.blocked) return 0;
  if (n.findings.error > 0) return 1;
  if (n.findings.warning > 0) return 2;
  return 3;
}

function Card(props: { label: string; value: number; tone?: "good" | "bad" | "warn"; href?: string }) {
  const body = (
    <>
      <span class="card-value">{props.value}</span>
      <span class="card-label">{props.label}</span>
    </>
  );
  return (
    <div class={`card ${props.tone ? `tone-${props.tone}` : ""}`} data-card={props.label}>
      {props.href ? <a href={props.href}>{body}</a> : body}
    </div>
  );
}
