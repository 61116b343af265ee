import { render } from "preact";
import { App } from "./app.js";
import { type DataSource, liveSource, type ReportBundle, staticSource } from "./data.js";

function dataSource(): DataSource {
  const mode = JSON.parse(document.getElementById("slipway-mode")?.textContent ?? "{}").mode;
  if (mode === "static") {
    const bundle = JSON.parse(document.getElementById("slipway-data")!.textContent!) as ReportBundle;
    return staticSource(bundle);
  }
  return liveSource();
}

const source = dataSource();
if (source.start && (location.hash === "" || location.hash === "#")) location.hash = source.start;
render(<App source={source} />, document.getElementById("app")!);
