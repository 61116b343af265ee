import { useEffect, useState } from "preact/hooks";
import type { DashboardModel, SessionStatus } from "../data.js";

/** Freshness at a glance: live and current, re-rendering (stale), failed, disconnected, or a static report's time. */
export function StatusBar(props: {
  model: DashboardModel | undefined;
  status: SessionStatus | undefined;
  connected: boolean;
  live: boolean;
}) {
  const { model, status, connected, live } = props;
  const [, tick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => tick((x) => x + 1), 15_000);
    return () => clearInterval(t);
  }, []);
  if (!model) return <div class="status" role="status" aria-live="polite" />;
  const at = new Date(model.renderedAt);
  const when = at.toLocaleTimeString();
  if (!live) {
    return (
      <div class="status" role="status" data-state="static">
        <span class="dot dot-static" aria-hidden="true" />
        Report of {at.toLocaleString()}
      </div>
    );
  }
  let state = "fresh";
  let text = `Live · rendered ${when} · ${model.renderMs} ms`;
  if (!connected) {
    state = "offline";
    text = `Disconnected from slipway serve · showing the render of ${when}`;
  } else if (status?.state === "failed") {
    state = "failed";
    text = `Render failed: ${status.error ?? "unknown error"} · showing the render of ${when}`;
  } else if (status && (status.state === "rendering" || status.pending.length > 0)) {
    state = "stale";
    const n = status.pending.length;
    text = `Stale · ${n > 0 ? `${n} file${n === 1 ? "" : "s"} changed` : "re-rendering"} · re-rendering…`;
  } else if (status && status.generation > 1) {
    text = `Live · rendered ${when} · updated in ${status.lastRenderMs} ms`;
  }
  return (
    <div
      class="status"
      role="status"
      aria-live="polite"
      data-state={state}
      data-generation={model.generation}
    >
      <span class={`dot dot-${state}`} aria-hidden="true" />
      {text}
      {model.changedFiles.length > 0 && state === "fresh" ? (
        <span class="muted" title={model.changedFiles.join("\n")}>
          {" "}
          · after{" "}
          {model.changedFiles.length === 1 ? model.changedFiles[0] : `${model.changedFiles.length} files`}
        </span>
      ) : null}
    </div>
  );
}
