/**
 * Every RE2 match holds its subject to MAX_REGEXP_SUBJECT (src/re2.ts): a longer string is an
 * error that says where it came from, never a silent non-match (which could drop a patch, leave a
 * key unencrypted or turn a finding off), and never a match that costs seconds of CPU per value.
 * Before the limit moved into the wrapper, `helm template` of a chart whose values.schema.json
 * pattern applied to a 40 MB value spent 1.7-3.6 s of CPU in the pattern and, when the value did
 * not match, printed the whole 40 MB value in its error.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { diskIO, runHelmTemplate } from "../../src/cli/helm.js";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { GoRegexp as GoFindRegexp } from "../../src/go/regexp.js";
import { loadChartFiles } from "../../src/helm/loader.js";
import { renderTree } from "../../src/helm/render-chart.js";
import { validateValues } from "../../src/helm/schema.js";
import type { GoMap } from "../../src/helm/template/value.js";
import { readYaml } from "../../src/helm/yaml.js";
import { buildYaml } from "../../src/kustomize/build.js";
import { GoRegexp, MAX_REGEXP_SUBJECT, RegexpSubjectTooLong } from "../../src/re2.js";
import { LeafSelector } from "../../src/sops/rules.js";
import { writeTree } from "../helm/differential.js";

const OVER = "a".repeat(MAX_REGEXP_SUBJECT + 1);
const AT = "a".repeat(MAX_REGEXP_SUBJECT);
const enc = new TextEncoder();

function schemaReport(schema: string, values: GoMap): string {
  const chart = renderTree(
    loadChartFiles([
      { name: "Chart.yaml", data: enc.encode("apiVersion: v2\nname: big\nversion: 0.1.0\n") },
      { name: "values.schema.json", data: enc.encode(schema) },
    ]),
  );
  try {
    validateValues(chart, values, "big");
    return "valid";
  } catch (e) {
    return (e as Error).message;
  }
}

describe("the RE2 wrappers refuse a subject past the limit", () => {
  it("GoRegexp.test throws RegexpSubjectTooLong, carrying pattern and subject", () => {
    const re = GoRegexp.compile("^a+$");
    expect(re.test(AT)).toBe(true);
    let thrown: unknown;
    try {
      re.test(OVER);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(RegexpSubjectTooLong);
    expect((thrown as RegexpSubjectTooLong).pattern).toBe("^a+$");
    expect((thrown as RegexpSubjectTooLong).subject.length).toBe(MAX_REGEXP_SUBJECT + 1);
    expect((thrown as Error).message).toContain(`a string of ${MAX_REGEXP_SUBJECT + 1} characters`);
  });

  it("the find API (src/go/regexp.ts) refuses it too", () => {
    const re = new GoFindRegexp("b");
    expect(() => re.findAllIndex(OVER)).toThrow(RegexpSubjectTooLong);
    expect(() => re.findSubmatchIndex(OVER)).toThrow(RegexpSubjectTooLong);
    expect(re.findAllIndex(`${AT.slice(1)}b`)).toEqual([[MAX_REGEXP_SUBJECT - 1, MAX_REGEXP_SUBJECT]]);
  });
});

describe("values.schema.json patterns", () => {
  const schema = `{"type":"object","properties":{"config":{"type":"object","properties":{"blob":{"type":"string","pattern":"^[a-z]+$"}}}}}`;

  it("a value past the limit is the chart's schema error at its path", () => {
    const values = readYaml(`config:\n  blob: ${OVER}\n`, "values.yaml") as GoMap;
    expect(schemaReport(schema, values)).toBe(
      `values don't meet the specifications of the schema(s) in the following chart(s):\nbig:\n- at '/config/blob': a string of ${MAX_REGEXP_SUBJECT + 1} characters is more than Slipway's limit of ${MAX_REGEXP_SUBJECT} for values.schema.json's pattern '^[a-z]+$' (Helm matches it)\n`,
    );
  });

  it("a value at the limit is matched; a long value no pattern applies to is not an error", () => {
    expect(schemaReport(schema, readYaml(`config:\n  blob: ${AT}\n`, "values.yaml") as GoMap)).toBe("valid");
    expect(schemaReport(schema, readYaml(`config:\n  other: ${OVER}\n`, "values.yaml") as GoMap)).toBe(
      "valid",
    );
  });

  it("a property name past the limit under patternProperties is an error at its object", () => {
    const pp = `{"type":"object","properties":{"env":{"type":"object","patternProperties":{"^[A-Z_]+$":{"type":"string"}}}}}`;
    const values = readYaml(`env:\n  ? ${OVER}\n  : x\n`, "values.yaml") as GoMap;
    expect(schemaReport(pp, values)).toContain(
      `- at '/env': a property name of ${MAX_REGEXP_SUBJECT + 1} characters is more than Slipway's limit`,
    );
  });

  it("slipway helm template with a 40 MB value: one error naming the file and the value path, exit 1", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "slipway-re-limit-"));
    try {
      writeTree(dir, {
        "big/Chart.yaml": "apiVersion: v2\nname: big\nversion: 0.1.0\n",
        "big/values.yaml": "config: {blob: abc}\n",
        "big/values.schema.json": schema,
        "big/templates/cm.yaml":
          'kind: ConfigMap\napiVersion: v1\nmetadata: {name: x}\ndata: {n: "{{ len .Values.config.blob }}"}\n',
      });
      writeFileSync(path.join(dir, "big-values.yaml"), `config:\n  blob: ${"a".repeat(40 << 20)}9\n`);
      let stdout = "";
      let stderr = "";
      const io = {
        ...diskIO(),
        cache: undefined,
        outputCache: undefined,
        cwd: dir,
        stdout: (s: string) => (stdout += s),
        stderr: (s: string) => (stderr += s),
      };
      const code = runHelmTemplate(["r", "big", "-f", "big-values.yaml"], io);
      expect(code).not.toBe(0);
      expect(stdout).toBe("");
      expect(stderr).toContain("big:\n- at '/config/blob': a string of 41943041 characters");
      expect(stderr).toContain("values.schema.json's pattern '^[a-z]+$'");
      // The value itself is not echoed (the failing-pattern reason would print all 40 MB).
      expect(stderr.length).toBeLessThan(1000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("other callers fail loudly instead of not matching", () => {
  it("a kustomize patch target on a name past the limit fails the build", () => {
    const fs = new MemoryFileSystem({
      "/k/kustomization.yaml": `resources: [cm.yaml]\npatches:\n- target: {name: "^a+$"}\n  patch: '[{"op":"add","path":"/data/x","value":"y"}]'\n`,
      "/k/cm.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${OVER}\n`,
    });
    expect(() => buildYaml("/k", { fs })).toThrow(
      /target \{"name":"\^a\+\$"\} on ConfigMap a{60}…: a string of 4194305 characters is more than Slipway's limit/,
    );
  });

  it("a SOPS encrypted_regex on a key past the limit is an error, not a key left in clear", () => {
    const rules = new LeafSelector({ encrypted_regex: "^secret$" });
    expect(() => rules.shouldEncrypt([OVER], [], false)).toThrow(RegexpSubjectTooLong);
  });
});
