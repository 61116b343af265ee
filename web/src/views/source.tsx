import { useEffect, useMemo, useState } from "preact/hooks";
import type { DataSource, SourceView as Source } from "../data.js";
import { languageOf } from "../highlight.js";
import type { Route } from "../router.js";
import { Code } from "./code.js";

/** A file the model points at, as the render read it (secrets masked), with the lines the model points at marked. */
export function SourceView({
  source,
  route,
  generation,
}: {
  source: DataSource;
  route: Route;
  generation: number;
}) {
  const file = route.params.get("file") ?? "";
  const line = Number(route.params.get("line") ?? "0") || undefined;
  const [view, setView] = useState<Source | undefined | null>(null);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    setError(undefined);
    source.source(file).then(
      (v) => live && setView(v),
      (e) => live && setError(String(e.message ?? e)),
    );
    return () => {
      live = false;
    };
  }, [file, source, generation]);
  const marks = useMemo(() => {
    const m = new Map<number, { severity?: string; note: string }[]>();
    for (const x of view?.marks ?? []) (m.get(x.line) ?? m.set(x.line, []).get(x.line)!).push(x);
    return m;
  }, [view]);
  return (
    <section aria-labelledby="src-h">
      <h1 id="src-h" class="mono">
        {file}
        {line ? `:${line}` : ""}
      </h1>
      <p>
        <button type="button" class="link" onClick={() => history.back()}>
          ← back
        </button>
      </p>
      {error ? <p class="banner error">{error}</p> : null}
      {view === null ? (
        <p class="muted">Loading…</p>
      ) : view === undefined ? (
        <p>This file is not part of the rendered model.</p>
      ) : (
        <Code text={view.text} language={languageOf(file)} marks={marks} focus={line} />
      )}
    </section>
  );
}
