/**
 * Where the page gets its data. Live (`slipway serve`): from the server's JSON routes, with
 * server-sent events announcing re-renders. Static (a report file): from the bundle embedded
 * in the page; nothing is fetched.
 */
import type { DiffReport } from "../../src/diff/model.js";
import type {
  DashboardModel,
  NodeDetails,
  ReportBundle,
  RevisionChoices,
  SessionStatus,
  SourceView,
} from "../../src/report/model.js";

export type {
  DashboardModel,
  DiffReport,
  NodeDetails,
  ReportBundle,
  RevisionChoices,
  SessionStatus,
  SourceView,
};

export interface LiveEvents {
  status(s: SessionStatus): void;
  snapshot(s: SessionStatus): void;
  connection(open: boolean): void;
}

export interface DataSource {
  mode: "live" | "static";
  model(): Promise<DashboardModel | undefined>;
  details(cluster: string, id: string): Promise<NodeDetails | undefined>;
  source(file: string): Promise<SourceView | undefined>;
  envDiff(a: string, b: string): Promise<DiffReport | undefined>;
  /** Revisions to diff against (live only). */
  revisions(): Promise<RevisionChoices>;
  revisionDiff(base: string): Promise<DiffReport>;
  /** The diff embedded in a report, if any. */
  embeddedDiff?: DiffReport;
  start?: string;
  subscribe(events: LiveEvents): void;
}

export function liveSource(): DataSource {
  const get = async <T>(path: string): Promise<T | undefined> => {
    const res = await fetch(path, { cache: "no-store" });
    if (res.status === 404) return undefined;
    const body = await res.json();
    if (!res.ok) throw new Error(body?.error ?? `${res.status} ${res.statusText}`);
    return body as T;
  };
  const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
  return {
    mode: "live",
    model: () => get<DashboardModel>("/api/model"),
    details: (cluster, id) => get<NodeDetails>(`/api/node?${q({ cluster, id })}`),
    source: (file) => get<SourceView>(`/api/source?${q({ file })}`),
    envDiff: (a, b) => get<DiffReport>(`/api/env?${q({ a, b })}`),
    revisions: async () =>
      (await get<RevisionChoices>("/api/revisions")) ?? { git: false, refs: [], commits: [] },
    revisionDiff: async (base) => {
      const r = await get<DiffReport>(`/api/diff?${q({ base })}`);
      if (!r) throw new Error("revision diffs are not available");
      return r;
    },
    subscribe(events) {
      const es = new EventSource("/api/events");
      es.addEventListener("open", () => events.connection(true));
      es.addEventListener("error", () => events.connection(false));
      es.addEventListener("status", (e) => events.status(JSON.parse((e as MessageEvent).data)));
      es.addEventListener("snapshot", (e) => events.snapshot(JSON.parse((e as MessageEvent).data)));
    },
  };
}

export function staticSource(bundle: ReportBundle): DataSource {
  return {
    mode: "static",
    model: async () => bundle.model,
    details: async (cluster, id) => bundle.details[`${cluster}|${id}`],
    source: async (file) => bundle.sources[file],
    envDiff: async (a, b) => bundle.envDiffs[`${a}|${b}`],
    revisions: async () => ({ git: false, refs: [], commits: [] }),
    revisionDiff: async () => {
      if (!bundle.revisionDiff) throw new Error("this report holds no revision diff");
      return bundle.revisionDiff;
    },
    ...(bundle.revisionDiff ? { embeddedDiff: bundle.revisionDiff } : {}),
    ...(bundle.start ? { start: bundle.start } : {}),
    subscribe() {},
  };
}
