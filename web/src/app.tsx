import { useCallback, useEffect, useLayoutEffect, useState } from "preact/hooks";
import type { DashboardModel, DataSource, SessionStatus } from "./data.js";
import { href, type Route, useRoute } from "./router.js";
import { DiffView } from "./views/diff.js";
import { EnvironmentsView } from "./views/environments.js";
import { FindingsView } from "./views/findings.js";
import { GraphView } from "./views/graph.js";
import { OverviewView } from "./views/overview.js";
import { SecretsView } from "./views/secrets.js";
import { SourceView } from "./views/source.js";
import { StatusBar } from "./views/status.js";

const TABS: Array<{ key: string; label: string; accel: string }> = [
  { key: "", label: "Overview", accel: "1" },
  { key: "graph", label: "Graph", accel: "2" },
  { key: "findings", label: "Findings", accel: "3" },
  { key: "env", label: "Environments", accel: "4" },
  { key: "diff", label: "Diff", accel: "5" },
  { key: "secrets", label: "Secrets", accel: "6" },
];

export function App({ source }: { source: DataSource }) {
  const route = useRoute();
  const [model, setModel] = useState<DashboardModel | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  const [status, setStatus] = useState<SessionStatus | undefined>();
  const [connected, setConnected] = useState(true);

  const reload = useCallback(async () => {
    try {
      const m = await source.model();
      setModel(m);
      setLoadError(undefined);
    } catch (e) {
      setLoadError(String((e as Error).message ?? e));
    }
  }, [source]);

  useEffect(() => {
    reload();
    source.subscribe({
      status: (s) => setStatus(s),
      snapshot: (s) => {
        setStatus(s);
        reload();
      },
      connection: (open) => {
        setConnected(open);
        if (open) reload();
      },
    });
  }, [source, reload]);

  // A layout effect: the view keys work from the first painted frame, not one frame later.
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) return;
      const tab = TABS.find((x) => x.accel === e.key);
      if (tab) {
        location.hash = href(tab.key ? [tab.key] : []);
        document.getElementById("main")?.focus();
      }
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, []);

  const current = route.parts[0] ?? "";
  if (source.mode === "static" && !model && !loadError && source.embeddedDiff) {
    return <DiffOnly source={source} route={route} />;
  }
  return (
    <div class="shell">
      <button type="button" class="skip" onClick={() => document.getElementById("main")?.focus()}>
        Skip to content
      </button>
      <header class="top">
        <div class="brand">
          <span class="logo">Slipway</span>
          <span class="repo">{model?.repo ?? "Slipway"}</span>
          <span class="mode">{source.mode === "live" ? "live" : "report"}</span>
        </div>
        <nav aria-label="Views">
          <ul class="tabs">
            {TABS.map((t) => (
              <li key={t.key}>
                <a
                  href={href(t.key ? [t.key] : [])}
                  aria-current={current === t.key ? "page" : undefined}
                  title={`${t.label} (key ${t.accel})`}
                >
                  {t.label}
                  {t.key === "findings" && model ? (
                    <Count n={model.summary.findings.error + model.summary.findings.warning} />
                  ) : null}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <StatusBar model={model} status={status} connected={connected} live={source.mode === "live"} />
      </header>
      <main id="main" tabIndex={-1}>
        {loadError ? (
          <div class="banner error" role="alert">
            Could not load the platform: {loadError}
          </div>
        ) : null}
        {model?.errors.length ? (
          <div class="banner error" role="alert">
            {model.errors.length} render error{model.errors.length === 1 ? "" : "s"}: Slipway could not render
            part of the platform —{" "}
            <a href={href(["findings"], { group: "rule", severity: "error" })}>see the errors</a>.
          </div>
        ) : null}
        {model ? (
          <Page route={route} model={model} source={source} />
        ) : loadError ? null : (
          <p class="muted">Rendering the platform…</p>
        )}
      </main>
    </div>
  );
}

/** `slipway diff --format html`: the diff alone. */
function DiffOnly({ source, route }: { source: DataSource; route: Route }) {
  const r = source.embeddedDiff!;
  return (
    <div class="shell">
      <header class="top">
        <div class="brand">
          <span class="logo">Slipway</span>
          <span class="repo">{r.mode === "environment" ? "environment diff" : "revision diff"}</span>
          <span class="mode">report</span>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <DiffView source={source} route={route} />
      </main>
    </div>
  );
}

function Count({ n }: { n: number }) {
  return n > 0 ? (
    <span class="count" title={`${n} errors and warnings`}>
      {n}
    </span>
  ) : null;
}

function Page({ route, model, source }: { route: Route; model: DashboardModel; source: DataSource }) {
  switch (route.parts[0] ?? "") {
    case "graph":
      return <GraphView model={model} source={source} route={route} />;
    case "findings":
      return <FindingsView model={model} route={route} />;
    case "env":
      return <EnvironmentsView model={model} source={source} route={route} />;
    case "diff":
      return <DiffView source={source} route={route} />;
    case "secrets":
      return <SecretsView model={model} />;
    case "source":
      return <SourceView source={source} route={route} generation={model.generation} />;
    default:
      return <OverviewView model={model} />;
  }
}
