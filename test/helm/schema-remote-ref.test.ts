/**
 * values.schema.json files that refer to a schema on the web (bjw-s's app-template: nothing but
 * a `$ref` to its library's schema on GitHub): the missing schema is named without loading ajv
 * when the schema is only that reference, and a HelmRelease render goes on past it without
 * validation in one pass. Both must give what ajv and a second render without validation gave.
 */
import { describe, expect, it } from "vitest";
import { loadChartFiles } from "../../src/helm/loader.js";
import { renderReleaseJob } from "../../src/helm/pool/job.js";
import { renderChart } from "../../src/helm/render.js";
import { forgetValidators, onlyRemoteRef, violations } from "../../src/helm/schema.js";
import { GoMap, type GoValue } from "../../src/helm/template/value.js";

const enc = new TextEncoder();
const file = (name: string, text: string) => ({ name, data: enc.encode(text) });
const notFetched = (url: string) =>
  `failing loading "${url}": Slipway does not fetch schemas over the network (use --skip-schema-validation)`;

const APP_TEMPLATE_REF =
  "https://raw.githubusercontent.com/bjw-s-labs/helm-charts/common-4.1.1/charts/library/common/values.schema.json";

describe("a schema that is only a reference to the web", () => {
  const urls = [
    APP_TEMPLATE_REF,
    "https://example.com/a#",
    "https://example.com/a#/",
    "https://example.com/a#/definitions/x",
    "https://example.com/a.json#anchor",
    "https://example.com/",
    "https://example.com",
    "https://example.com/a/",
    "https://example.com//a",
    "http://example.com/A/B_c~d-e.json",
    "https://Example.com/a",
    "https://example.com:443/a",
    "https://example.com/a?x=1",
    "https://example.com/a%20b",
    "https://example.com/./a",
    "https://example.com/a/../b",
    "http://json-schema.org/draft-07/schema#",
    "https://json-schema.org/draft/2020-12/schema",
    "urn:example:x",
    "defs.json",
    "#/definitions/x",
    "https://localhost/a",
  ];
  const drafts = [
    undefined,
    "https://json-schema.org/draft/2020-12/schema",
    "https://json-schema.org/draft/2019-09/schema",
    "http://json-schema.org/draft-07/schema#",
    "http://json-schema.org/draft-06/schema#",
    "http://json-schema.org/draft-04/schema#",
  ];

  it("names the schema ajv names missing, or leaves the schema to ajv", () => {
    // ajv's answers: with every draft's ajv made first, compile never takes the short way.
    for (const d of drafts)
      violations(JSON.stringify({ ...(d ? { $schema: d } : {}), type: "string" }), 1, undefined);
    let named = 0;
    for (const d of drafts)
      for (const url of urls)
        for (const extra of [{}, { $id: "https://example.com/own.json" }, { id: "x" }, { title: "t" }]) {
          const schema = { ...(d ? { $schema: d } : {}), ...extra, $ref: url };
          forgetValidators();
          const ajv = violations(JSON.stringify(schema), {}, undefined);
          const quick = onlyRemoteRef(schema);
          if (quick === undefined) continue;
          named++;
          expect(notFetched(quick), `${d} ${url} ${JSON.stringify(extra)}`).toBe(ajv);
        }
    forgetValidators();
    // app-template's own and the plain forms, with and without $schema, $id or id
    expect(named).toBeGreaterThanOrEqual(drafts.length * 9 * 3);
    expect(onlyRemoteRef({ $ref: APP_TEMPLATE_REF })).toBe(APP_TEMPLATE_REF);
    expect(onlyRemoteRef({ $ref: APP_TEMPLATE_REF, title: "t" })).toBeUndefined();
    expect(onlyRemoteRef({ $ref: APP_TEMPLATE_REF, id: 1 })).toBeUndefined();
  });
});

describe("a HelmRelease render past a schema Slipway does not fetch", () => {
  const chart = (rootSchema: string | undefined, subSchema: string | undefined) =>
    loadChartFiles([
      file(
        "Chart.yaml",
        "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: common\n    version: 1.0.0\n",
      ),
      file("values.yaml", "replicas: 1\ncommon:\n  enabled: true\n"),
      ...(rootSchema === undefined ? [] : [file("values.schema.json", rootSchema)]),
      file(
        "templates/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  replicas: {{ .Values.replicas | quote }}\n",
      ),
      file("charts/common/Chart.yaml", "apiVersion: v2\nname: common\nversion: 1.0.0\n"),
      ...(subSchema === undefined ? [] : [file("charts/common/values.schema.json", subSchema)]),
    ]);
  const job = (replicas: GoValue) => ({
    releaseName: "app",
    namespace: "ns",
    values: new GoMap([["replicas", replicas]]),
    apiVersions: [],
    skipSchemaValidation: false,
    seed: "s",
    now: 0,
  });
  const unvalidated = (c: ReturnType<typeof chart>, j: ReturnType<typeof job>) =>
    renderChart(c, { ...j, skipSchemaValidation: true });
  const remoteRoot = JSON.stringify({ $ref: APP_TEMPLATE_REF });
  const relativeRef = JSON.stringify({
    $schema: "http://json-schema.org/draft-07/schema",
    $id: "https://example.com/common/values.schema.json",
    properties: { enabled: { $ref: "definitions.json#/x" } },
  });
  const strict = JSON.stringify({ type: "object", properties: { replicas: { type: "integer" } } });

  it("renders without validation and names the first schema not fetched, as a second render did", () => {
    for (const [root, sub, url] of [
      [remoteRoot, relativeRef, APP_TEMPLATE_REF],
      [remoteRoot, undefined, APP_TEMPLATE_REF],
      // the root's own violation comes first in the report; the subchart's reference is named
      [strict, relativeRef, "file:///definitions.json"],
      [undefined, relativeRef, "file:///definitions.json"],
    ] as const) {
      forgetValidators();
      const c = chart(root, sub);
      const j = job("many");
      // What the job did before: a render that failed on the schema, then one without validation.
      let before: string | undefined;
      try {
        renderChart(c, j);
      } catch (e) {
        before = /failing loading "([^"]+)": Slipway (?:does not fetch|reads no schema outside)/.exec(
          (e as Error).message,
        )?.[1];
      }
      expect(before).toBe(url);
      forgetValidators();
      const out = renderReleaseJob(c, j);
      expect(out).toEqual({
        ok: true,
        release: unvalidated(c, j),
        unvalidatedSchemaRef: url,
        apiVersionsRead: { whole: false, has: [] },
      });
    }
  });

  it("fails with the schema error as before when nothing refers to the web", () => {
    forgetValidators();
    const c = chart(strict, undefined);
    const out = renderReleaseJob(c, job("many"));
    let message = "";
    try {
      renderChart(c, job("many"));
    } catch (e) {
      message = (e as { format(): string }).format();
    }
    expect(message).toContain("values don't meet the specifications");
    expect(out).toEqual({ ok: false, error: message });
    expect(renderReleaseJob(c, job(2))).toMatchObject({
      ok: true,
      apiVersionsRead: { whole: false, has: [] },
    });
    expect(renderReleaseJob(c, job(2))).not.toHaveProperty("unvalidatedSchemaRef");
  });
});
