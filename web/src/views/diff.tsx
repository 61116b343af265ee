import { useEffect, useState } from "preact/hooks";
import type { DataSource, DiffReport, RevisionChoices } from "../data.js";
import { href, navigate, type Route } from "../router.js";
import { DiffReportView } from "./diff-report.js";

/** What a change does to each cluster: pick a base revision; the head is the working tree. */
export function DiffView({ source, route }: { source: DataSource; route: Route }) {
  const base = route.params.get("base") ?? "";
  const [choices, setChoices] = useState<RevisionChoices | undefined>();
  const [report, setReport] = useState<DiffReport | undefined>(source.embeddedDiff);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (source.mode === "live")
      source.revisions().then(setChoices, () => setChoices({ git: false, refs: [], commits: [] }));
  }, [source]);
  useEffect(() => {
    if (source.mode !== "live" || !base) return;
    let live = true;
    setBusy(true);
    setError(undefined);
    source.revisionDiff(base).then(
      (r) => {
        if (!live) return;
        setReport(r);
        setBusy(false);
      },
      (e) => {
        if (!live) return;
        setError(String(e.message ?? e));
        setReport(undefined);
        setBusy(false);
      },
    );
    return () => {
      live = false;
    };
  }, [base, source]);
  return (
    <section aria-labelledby="diff-h">
      <h1 id="diff-h">{report?.mode === "environment" ? "Environment diff" : "Revision diff"}</h1>
      {source.mode === "live" ? (
        choices && !choices.git ? (
          <p class="muted">
            This repository is not in a Git work tree: there is no revision to compare with.
          </p>
        ) : (
          <form
            class="pick"
            onSubmit={(e) => {
              e.preventDefault();
              const f = new FormData(e.target as HTMLFormElement);
              navigate(href(["diff"], { base: String(f.get("base") ?? "").trim() }));
            }}
          >
            <label>
              Base revision{" "}
              <input
                name="base"
                list="revs"
                value={base}
                placeholder="main, v1.4.0, HEAD~1, a1b2c3d"
                required
              />
            </label>
            <datalist id="revs">
              {choices?.refs.map((r) => (
                <option key={r.name} value={r.name}>
                  {r.kind}
                </option>
              ))}
              {choices?.commits.map((c) => (
                <option key={c.rev} value={c.rev}>
                  {c.subject}
                </option>
              ))}
            </datalist>
            <button type="submit">Compare with the working tree</button>
          </form>
        )
      ) : null}
      {busy ? (
        <p class="muted" role="status">
          Rendering both revisions…
        </p>
      ) : null}
      {error ? (
        <p class="banner error" role="alert">
          {error}
        </p>
      ) : null}
      {report ? (
        <DiffReportView report={report} />
      ) : !busy && source.mode === "static" ? (
        <p class="muted">
          This report holds no revision diff (make one with slipway diff --base REV --format html).
        </p>
      ) : null}
    </section>
  );
}
