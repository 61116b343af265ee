/**
 * What a render learned of `.Capabilities.APIVersions` (ApiVersionsRead): every `Has` question,
 * and whether the template saw the whole list by any road (printing, range, index, len, empty,
 * toYaml/toJson of the list, printf of .Capabilities). (deepEqual can only meet the one VersionSet of
 * a render, itself: equal by identity whatever it holds.)
 */
import { describe, expect, it } from "vitest";
import { type ApiVersionsRead, apiVersionsReadChanges } from "../../src/helm/capabilities.js";
import { loadChartFiles } from "../../src/helm/loader.js";
import { renderChart } from "../../src/helm/render.js";

const enc = new TextEncoder();
const chartWith = (template: string) =>
  loadChartFiles([
    { name: "Chart.yaml", data: enc.encode("apiVersion: v2\nname: caps\nversion: 1.0.0\n") },
    { name: "templates/x.yaml", data: enc.encode(template) },
  ]);

function readOf(template: string): ApiVersionsRead {
  const read: ApiVersionsRead = { whole: false, has: new Set() };
  renderChart(chartWith(template), {
    releaseName: "r",
    namespace: "ns",
    apiVersions: ["example.com/v1"],
    seed: "s",
    now: 0,
    apiVersionsRead: read,
  });
  return read;
}

describe("ApiVersionsRead", () => {
  it("records each Has question and nothing else", () => {
    const read = readOf(
      '# {{ .Capabilities.APIVersions.Has "a.io/v1" }} {{ .Capabilities.APIVersions.Has "example.com/v1" }} {{ .Capabilities.KubeVersion }}\n',
    );
    expect(read).toEqual({ whole: false, has: new Set(["a.io/v1", "example.com/v1"]) });
  });

  it.each([
    ["printing", "# {{ .Capabilities.APIVersions }}"],
    ["range", "# {{ range .Capabilities.APIVersions }}{{ . }}{{ end }}"],
    ["index", "# {{ index .Capabilities.APIVersions 0 }}"],
    ["len", "# {{ len .Capabilities.APIVersions }}"],
    ["empty", "# {{ empty .Capabilities.APIVersions }}"],
    ["if", "# {{ if .Capabilities.APIVersions }}y{{ end }}"],
    ["toJson of the list", "# {{ toJson .Capabilities.APIVersions }}"],
    ["toYaml of the list", "# {{ toYaml .Capabilities.APIVersions | sha256sum }}"],
    ["printf of .Capabilities", '# {{ printf "%v" .Capabilities | sha256sum }}'],
  ])("sees the whole list through %s", (_, template) => {
    expect(readOf(`${template}\n`).whole).toBe(true);
  });

  it("says whether added versions could change the render", () => {
    const added = new Set(["b.io/v1"]);
    expect(apiVersionsReadChanges({ whole: false, has: ["a.io/v1"] }, added)).toBe(false);
    expect(apiVersionsReadChanges({ whole: false, has: ["a.io/v1", "b.io/v1"] }, added)).toBe(true);
    expect(apiVersionsReadChanges({ whole: true, has: [] }, added)).toBe(true);
  });
});
