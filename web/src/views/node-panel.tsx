import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { ClusterView } from "../../../src/report/model.js";
import type { DataSource, NodeDetails } from "../data.js";
import { href, navigate } from "../router.js";
import { Code } from "./code.js";
import { nodeHref, plural, SourceLink, StatusPill } from "./common.js";
import { FindingList } from "./findings.js";

/** The clicked node: what it is, where it is defined, what it renders, what is wrong with it. */
export function NodePanel(props: {
  cluster: ClusterView;
  id: string;
  source: DataSource;
  generation: number;
}) {
  const { cluster, id, source } = props;
  const node = cluster.nodes.find((n) => n.id === id);
  const [details, setDetails] = useState<NodeDetails | undefined | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    let live = true;
    source.details(cluster.name, id).then(
      (d) => live && setDetails(d),
      () => live && setDetails(undefined),
    );
    return () => {
      live = false;
    };
  }, [cluster.name, id, source]);
  // Focus moves into the panel when it opens, at commit time: a plain effect could run after a key
  // already pressed (Escape) and pull the focus back into a panel that is closing.
  useLayoutEffect(() => heading.current?.focus(), [id]);
  const close = () => navigate(href(["graph", cluster.name]));
  // Escape closes the panel wherever the focus is (the node that opened it, or inside the panel).
  // A layout effect, so the listener exists as soon as the panel is on screen: a plain effect runs
  // after the next frame, and an Escape pressed in between would be lost.
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      navigate(href(["graph", cluster.name]));
      document.querySelector<SVGGElement>(`[data-node-id="${CSS.escape(id)}"]`)?.focus();
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, [cluster.name, id]);
  return (
    <aside class="panel" aria-labelledby="panel-h" data-testid="node-panel">
      <div class="panel-head">
        <h2 id="panel-h" tabIndex={-1} ref={heading}>
          <span class="muted">{node?.kind ?? id.split("/")[0]}</span>{" "}
          {node ? `${node.namespace}/${node.name}` : id}
        </h2>
        <button type="button" class="close" onClick={close} aria-label="Close details (Escape)">
          ×
        </button>
      </div>
      {node ? (
        <dl class="facts">
          <dt>Status</dt>
          <dd>
            <StatusPill node={node} />
            {node.blocked ? <span class="pill st-failed">blocked: {node.blocked}</span> : null}
            {node.critical ? <span class="pill crit">critical path</span> : null}
          </dd>
          <dt>Defined in</dt>
          <dd>
            <SourceLink file={node.definedAt?.file} line={node.definedAt?.line} />
          </dd>
          {node.kind === "Kustomization" ? (
            <>
              <dt>Path</dt>
              <dd class="mono">
                {node.path}
                {node.dir && node.dir !== node.path ? <span class="muted"> → {node.dir}</span> : null}
              </dd>
            </>
          ) : node.kind === "ResourceSet" ? null : (
            <>
              <dt>Chart</dt>
              <dd class="mono">
                {node.helm?.chart ?? "?"} {node.helm?.resolvedVersion ?? node.helm?.version ?? ""}
                {node.helm?.source ? <span class="muted"> from {node.helm.source}</span> : null}
              </dd>
            </>
          )}
          <dt>Deploy slot</dt>
          <dd>
            {node.layer === null
              ? "never (blocked)"
              : `layer ${node.layer}, starts at ${node.start}, ready at ${node.finish}`}
          </dd>
        </dl>
      ) : null}
      {details === null ? (
        <p class="muted">Loading…</p>
      ) : details === undefined ? (
        <p>This node is not in the current render.</p>
      ) : (
        <Details
          d={details}
          cluster={cluster.name}
          isHelm={node?.kind === "HelmRelease" && !node.helm?.rendered}
        />
      )}
    </aside>
  );
}

function Details({ d, cluster, isHelm }: { d: NodeDetails; cluster: string; isHelm: boolean }) {
  return (
    <>
      {d.errors.length > 0 ? (
        <section>
          <h3>Render errors</h3>
          <ul class="errors">
            {d.errors.map((e, i) => (
              <li key={i}>
                {e.message} <SourceLink file={e.file} line={e.line} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {d.warnings.length > 0 ? (
        <section>
          <h3>Warnings</h3>
          <ul>
            {d.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </section>
      ) : null}
      <NodeLinks title="Depends on" ids={d.dependsOn} cluster={cluster} />
      <NodeLinks title="Needed by" ids={d.dependents} cluster={cluster} />
      <NodeLinks title="Applies" ids={d.children} cluster={cluster} />
      <section>
        <h3>Findings ({d.findings.length})</h3>
        {d.findings.length ? <FindingList findings={d.findings} /> : <p class="muted">none</p>}
      </section>
      <details>
        <summary>Spec as applied</summary>
        <Code text={d.spec} language="yaml" />
      </details>
      <section>
        <h3>Rendered objects ({d.objects.length})</h3>
        {isHelm ? (
          <p class="muted">
            This model does not render HelmReleases yet: the chart's objects appear here once it does.
          </p>
        ) : null}
        <ul class="objects">
          {d.objects.map((o) => (
            <li key={`${o.apiVersion}|${o.kind}|${o.namespace}|${o.name}`}>
              <details>
                <summary>
                  <span class="mono">{o.kind}</span> {o.namespace ? `${o.namespace}/` : ""}
                  {o.name}
                </summary>
                <p class="muted">
                  {o.source ? (
                    <>
                      from <SourceLink file={o.source.file} line={o.source.line} />
                    </>
                  ) : (
                    "generated"
                  )}
                  {o.patches.length > 0 ? (
                    <>
                      {" "}
                      · patched by{" "}
                      {o.patches.map((p, i) => (
                        <span key={i}>
                          {i > 0 ? ", " : ""}
                          <SourceLink file={p.file} line={p.line} />
                        </span>
                      ))}
                    </>
                  ) : null}
                </p>
                <Code text={o.yaml} language="yaml" />
              </details>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

function NodeLinks({ title, ids, cluster }: { title: string; ids: string[]; cluster: string }) {
  if (ids.length === 0) return null;
  return (
    <section>
      <h3>
        {title} ({plural(ids.length, "node")})
      </h3>
      <ul class="links">
        {ids.map((id) => (
          <li key={id}>
            <a href={nodeHref(cluster, id)}>{id}</a>
          </li>
        ))}
      </ul>
    </section>
  );
}
