import { gzipSync } from "node:zlib";
import { tgz } from "../support/tgz.js";
import type { Tree } from "./differential.js";

/**
 * Hostile and broken inputs to `helm template`: charts, values files, flags and schemas that
 * Helm 4.1.4 refuses (or accepts against expectation). test/helm/hostile.test.ts runs each
 * through Slipway and the oracle and compares the exit status and the whole stderr text.
 */
export interface Probe {
  name: string;
  files: Tree;
  /** default: ["r", "chart"] */
  args?: string[];
  /**
   * Slipway differs on purpose (a documented safety limit): the test asserts Slipway fails
   * with stderr matching this, rather than Helm's text.
   */
  deliberate?: { why: string; stderr: RegExp; helmOk?: boolean };
}

const chartYaml = (name = "c", extra = ""): string =>
  `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n${extra}`;
const plain = (extra: Tree = {}, chart: string | Uint8Array = chartYaml()): Tree => ({
  "chart/Chart.yaml": chart,
  "chart/templates/a.yaml": "kind: A\n",
  ...extra,
});
const withChart = (chart: string | Uint8Array, extra: Tree = {}): Tree => plain(extra, chart);
const dep = (name: string, more = ""): string =>
  `  - name: ${name}\n    version: 0.1.0\n    repository: ''\n${more}`;
const withDeps = (deps: string, extra: Tree = {}): Tree =>
  withChart(chartYaml("c", `dependencies:\n${deps}`), extra);
const sub = (name: string, extra: Tree = {}, chart = chartYaml(name)): Tree => ({
  [`chart/charts/${name}/Chart.yaml`]: chart,
  ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [`chart/charts/${name}/${k}`, v])),
});
const schema = (s: unknown, values: string, extra: Tree = {}): Tree =>
  plain({
    "chart/values.schema.json": typeof s === "string" ? s : JSON.stringify(s),
    "chart/values.yaml": values,
    ...extra,
  });
const tmpl = (body: string, extra: Tree = {}): Tree => plain({ "chart/templates/a.yaml": body, ...extra });
const aliasBomb = [
  "a: &a [x, x, x, x, x, x, x, x, x]",
  "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
  "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
  "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
  "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]",
  "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]",
  "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]",
  "",
].join("\n");
const okChartFiles = (dir: string): Array<[string, string]> => [
  [`${dir}/Chart.yaml`, chartYaml()],
  [`${dir}/templates/a.yaml`, "kind: A\n"],
];

const chartProbes: Probe[] = [
  { name: "Chart.yaml: apiVersion missing", files: withChart("name: c\nversion: 0.1.0\n") },
  { name: "Chart.yaml: apiVersion a number", files: withChart("apiVersion: 2\nname: c\nversion: 0.1.0\n") },
  { name: "Chart.yaml: name missing", files: withChart("apiVersion: v2\nversion: 0.1.0\n") },
  { name: "Chart.yaml: name with a slash", files: withChart(chartYaml("a/b")) },
  { name: "Chart.yaml: name ..", files: withChart(chartYaml("..")) },
  { name: "Chart.yaml: name a list", files: withChart("apiVersion: v2\nname: [a]\nversion: 0.1.0\n") },
  { name: "Chart.yaml: version missing", files: withChart("apiVersion: v2\nname: c\n") },
  {
    name: "Chart.yaml: version not semver",
    files: withChart("apiVersion: v2\nname: c\nversion: one.two\n"),
  },
  {
    name: "Chart.yaml: version 1.2 (lenient semver)",
    files: withChart("apiVersion: v2\nname: c\nversion: 1.2\n"),
  },
  { name: "Chart.yaml: version v1.2.3-", files: withChart("apiVersion: v2\nname: c\nversion: v1.2.3-\n") },
  { name: "Chart.yaml: type foo", files: withChart(chartYaml("c", "type: foo\n")) },
  { name: "Chart.yaml: syntax error", files: withChart("apiVersion: v2\nname: c\nversion: [0.1.0\n") },
  {
    name: "Chart.yaml: tab indentation",
    files: withChart("apiVersion: v2\nname: c\nversion: 0.1.0\nx:\n\t- y\n"),
  },
  { name: "Chart.yaml: unknown fields", files: withChart(chartYaml("c", "bogus: 1\nhome: [x]\n")) },
  { name: "Chart.yaml: a list", files: withChart("- apiVersion: v2\n") },
  { name: "Chart.yaml: empty", files: withChart("") },
  { name: "Chart.yaml: duplicate key", files: withChart(chartYaml("c", "name: d\n")) },
  {
    name: "Chart.yaml: invalid UTF-8",
    files: withChart(Buffer.from([...Buffer.from(chartYaml("c", "description: ")), 0xff, 0x0a])),
  },
  {
    name: "Chart.yaml: bad kubeVersion constraint",
    files: withChart(chartYaml("c", "kubeVersion: '>>1'\n")),
  },
  { name: "Chart.yaml: null maintainer", files: withChart(chartYaml("c", "maintainers:\n  -\n")) },
  { name: "Chart.yaml: null dependency", files: withChart(chartYaml("c", "dependencies:\n  -\n")) },
  { name: "Chart.yaml: dependency a string", files: withChart(chartYaml("c", "dependencies: [x]\n")) },
  { name: "Chart.yaml: maintainers a number", files: withChart(chartYaml("c", "maintainers: 5\n")) },
  { name: "Chart.yaml: maintainer a string", files: withChart(chartYaml("c", "maintainers: [x]\n")) },
  {
    name: "Chart.yaml: a directory",
    files: { "chart/Chart.yaml/x": "", "chart/templates/a.yaml": "kind: A\n" },
  },
  { name: "Chart.yaml: apiVersion v3", files: withChart("apiVersion: v3\nname: c\nversion: 0.1.0\n") },
  {
    name: "Chart.yaml: apiVersion v1 with requirements.yaml naming a missing chart",
    files: withChart("apiVersion: v1\nname: c\nversion: 0.1.0\n", {
      "chart/requirements.yaml": "dependencies:\n- name: gone\n  version: 1.0.0\n",
    }),
  },
  {
    name: "v2 chart with requirements.yaml and requirements.lock",
    files: plain({
      "chart/requirements.yaml": "dependencies: []\n",
      "chart/requirements.lock": 'generated: "2020-01-01T00:00:00Z"\n',
    }),
  },
  { name: "Chart.lock: generated not a time", files: plain({ "chart/Chart.lock": "generated: x\n" }) },
  { name: "Chart.lock: a list", files: plain({ "chart/Chart.lock": "- a\n" }) },
  { name: "Chart.lock: generated a number", files: plain({ "chart/Chart.lock": "generated: 5\n" }) },
  {
    name: "Chart.lock: generated a date only",
    files: plain({ "chart/Chart.lock": "generated: '2020-01-01'\n" }),
  },
  {
    name: "Chart.lock: generated month 13",
    files: plain({ "chart/Chart.lock": 'generated: "2020-13-01T00:00:00Z"\n' }),
  },
  {
    name: "Chart.lock: generated with extra text",
    files: plain({ "chart/Chart.lock": 'generated: "2020-01-01T00:00:00.5+01:00 x"\n' }),
  },
  { name: "Chart.lock: dependencies a string", files: plain({ "chart/Chart.lock": "dependencies: x\n" }) },
  { name: "dependency missing in charts/", files: withDeps(dep("gone")) },
  {
    name: "two dependencies missing in charts/",
    files: withDeps(dep("gone") + dep("away")),
  },
  { name: "dependency alias with bad characters", files: withDeps(dep("s", "    alias: a_b!\n"), sub("s")) },
  { name: "dependency listed twice", files: withDeps(dep("s") + dep("s"), sub("s")) },
  {
    name: "dependency alias clashing with a name",
    files: withDeps(dep("s") + dep("t", "    alias: s\n"), { ...sub("s"), ...sub("t") }),
  },
  {
    name: "dependency condition on a string value",
    files: withDeps(dep("s", "    condition: s.on\n"), {
      ...sub("s"),
      "chart/values.yaml": "s: {on: 'yes'}\n",
    }),
  },
  {
    name: "dependency condition path through a scalar",
    files: withDeps(dep("s", "    condition: x.y.z\n"), { ...sub("s"), "chart/values.yaml": "x: 1\n" }),
  },
  {
    name: "dependency tags given a string",
    files: withDeps(dep("s", "    tags: [t]\n"), { ...sub("s"), "chart/values.yaml": "tags: {t: 'no'}\n" }),
  },
  {
    name: "dependency version not satisfied by charts/",
    files: withDeps(`  - name: s\n    version: '>=2.0.0'\n    repository: ''\n`, sub("s")),
  },
  {
    name: "dependency version constraint invalid",
    files: withDeps(`  - name: s\n    version: '!!'\n    repository: ''\n`, sub("s")),
  },
  {
    name: "dependency import-values from a missing key",
    files: withDeps(dep("s", "    import-values: [nope]\n"), sub("s")),
  },
  {
    name: "subchart with an invalid Chart.yaml",
    files: plain(sub("s", {}, "apiVersion: v2\nversion: 0.1.0\n")),
  },
  {
    name: "subchart with a bad values.yaml",
    files: plain(sub("s", { "values.yaml": "a: [\n" })),
  },
  { name: "library chart rendered directly", files: withChart(chartYaml("c", "type: library\n")) },
  {
    name: "library subchart with templates",
    files: plain(sub("lib", { "templates/x.yaml": "kind: X\n" }, chartYaml("lib", "type: library\n"))),
  },
  { name: "Chart.yaml absent", files: { "chart/templates/a.yaml": "kind: A\n", "chart/values.yaml": "" } },
  {
    name: "chart path does not exist",
    files: { "x.txt": "" },
    args: ["r", "nope"],
    deliberate: {
      why: "Slipway renders local charts only: it says so instead of Helm's repository-reference hint",
      stderr: /^Error: path "\$DIR\/nope" not found \(Slipway renders local charts/,
    },
  },
  { name: "chart path is a text file", files: { "notes.txt": "hello\n" }, args: ["r", "notes.txt"] },
  { name: "chart path is a YAML file", files: { "c.yaml": "a: 1\n" }, args: ["r", "c.yaml"] },
  { name: "chart path is an empty directory", files: { "chart/.keep": "" } },
  { name: "charts/ holds a stray file", files: plain({ "chart/charts/README.md": "x" }) },
  { name: "charts/ holds a corrupt archive", files: plain({ "chart/charts/s-0.1.0.tgz": "not gzip" }) },
  { name: ".helmignore with a bad pattern", files: plain({ "chart/.helmignore": "[\n" }) },
  { name: ".helmignore with **", files: plain({ "chart/.helmignore": "docs/**\n" }) },
  {
    name: "charts/ holds a short non-gzip archive",
    files: plain({ "chart/charts/s-0.1.0.tgz": "not gzip, and longer than ten bytes" }),
  },
  {
    name: "charts/ holds a truncated archive",
    files: plain({ "chart/charts/s-0.1.0.tgz": tgz(okChartFiles("s")).subarray(0, 60) }),
  },
  {
    name: "charts/ holds an archive escaping with ..",
    files: plain({ "chart/charts/s-0.1.0.tgz": tgz([...okChartFiles("s"), ["s/../../x", "x"]]) }),
  },
  {
    name: "charts/ holds an empty tar",
    files: plain({ "chart/charts/s-0.1.0.tgz": tgz([]) }),
  },
  {
    name: "archive: not gzip",
    files: { "c.tgz": "this is not gzip at all\n" },
    args: ["r", "c.tgz"],
  },
  {
    name: "archive: truncated gzip",
    files: { "c.tgz": tgz(okChartFiles("c")).subarray(0, 40) },
    args: ["r", "c.tgz"],
  },
  {
    name: "archive: gzip of garbage (not tar)",
    files: { "c.tgz": gzipSync(Buffer.from("garbage ".repeat(100))) },
    args: ["r", "c.tgz"],
  },
  {
    name: "archive: entry escaping with ..",
    files: { "c.tgz": tgz([...okChartFiles("c"), ["c/../../evil.yaml", "kind: Evil\n"]]) },
    args: ["r", "c.tgz"],
  },
  {
    name: "archive: absolute entry",
    files: { "c.tgz": tgz([["/etc/c/Chart.yaml", chartYaml()]]) },
    args: ["r", "c.tgz"],
  },
  {
    name: "archive: two top-level directories",
    files: { "c.tgz": tgz([...okChartFiles("c"), ...okChartFiles("d")]) },
    args: ["r", "c.tgz"],
  },
  {
    name: "archive: files at the top level",
    files: {
      "c.tgz": tgz([
        ["Chart.yaml", chartYaml()],
        ["templates/a.yaml", "kind: A\n"],
      ]),
    },
    args: ["r", "c.tgz"],
  },
  { name: "archive: empty tar", files: { "c.tgz": tgz([]) }, args: ["r", "c.tgz"] },
  {
    name: "archive: an HTML page saved as .tgz",
    files: { "c.tgz": "<!DOCTYPE html>\n<html><body>404</body></html>\n" },
    args: ["r", "c.tgz"],
  },
  {
    name: "archive: long text saved as .tgz",
    files: { "c.tgz": "not an archive\n".repeat(40) },
    args: ["r", "c.tgz"],
  },
  {
    name: "archive: a zip file",
    files: { "c.tgz": Buffer.from("PK\x03\x04\x14\x00\x00\x00", "latin1") },
    args: ["r", "c.tgz"],
  },
  {
    name: "archive: Chart.yaml a list",
    files: { "c.tgz": tgz([["c/Chart.yaml", "- a\n"]]) },
    args: ["r", "c.tgz"],
  },
  {
    name: "archive: invalid Chart.yaml (no name)",
    files: { "c.tgz": tgz([["c/Chart.yaml", "apiVersion: v2\nversion: 1.0.0\n"]]) },
    args: ["r", "c.tgz"],
  },
  {
    name: "archive: no Chart.yaml",
    files: { "c.tgz": tgz([["c/templates/a.yaml", "kind: A\n"]]) },
    args: ["r", "c.tgz"],
  },
];

const valuesProbes: Probe[] = [
  { name: "values.yaml: syntax error", files: plain({ "chart/values.yaml": "a: 1\nb: [2\nc: 3\n" }) },
  { name: "values.yaml: bad indentation", files: plain({ "chart/values.yaml": "a:\n  b: 1\n c: 2\n" }) },
  { name: "values.yaml: a list", files: plain({ "chart/values.yaml": "- a\n- b\n" }) },
  { name: "values.yaml: a scalar", files: plain({ "chart/values.yaml": "hello\n" }) },
  { name: "values.yaml: duplicate keys", files: plain({ "chart/values.yaml": "a: 1\nb: 2\na: 3\n" }) },
  { name: "values.yaml: alias bomb", files: plain({ "chart/values.yaml": aliasBomb }) },
  { name: "values.yaml: undefined alias", files: plain({ "chart/values.yaml": "a: *nope\n" }) },
  {
    name: "values.yaml: YAML 1.1 collection tags are plain collections (a repeated !!omap key, a !!set value)",
    files: tmpl("o: {{ toJson .Values.o | quote }}\ns: {{ toJson .Values.s | quote }}\n", {
      "chart/values.yaml": "o: !!omap [a: 1, a: 2, b]\ns: !!set {x: 1}\n",
    }),
  },
  {
    name: "values.yaml: !!binary without its padding",
    files: plain({ "chart/values.yaml": "b: !!binary aGk\n" }),
  },
  {
    name: "values.yaml: !!binary with a space",
    files: plain({ "chart/values.yaml": "b: !!binary aG k=\n" }),
  },
  {
    name: "values.yaml: !!binary with line breaks",
    files: tmpl("b: {{ .Values.b | quote }}\n", { "chart/values.yaml": "b: !!binary |\n  aG\n  k=\n" }),
  },
  {
    name: "values.yaml: huge numbers",
    files: tmpl("# {{ .Values.a }} {{ .Values.b }} {{ .Values.c }}\n", {
      "chart/values.yaml": "a: 1e400\nb: 123456789012345678901234567890\nc: -0x8000000000000001\n",
    }),
  },
  {
    name: "values.yaml: invalid UTF-8",
    files: plain({ "chart/values.yaml": Buffer.from([0x61, 0x3a, 0x20, 0xc3, 0x28, 0x0a]) }),
  },
  { name: "values.yaml: a tab", files: plain({ "chart/values.yaml": "a:\n\tb: 1\n" }) },
  { name: "values.yaml: map key that is a map", files: plain({ "chart/values.yaml": "? {a: 1}\n: x\n" }) },
  { name: "values.yaml: null key", files: plain({ "chart/values.yaml": "~: x\n" }) },
  { name: "values.yaml: list key", files: plain({ "chart/values.yaml": "? [1, b, 2.5, ~]\n: x\n" }) },
  { name: "values.yaml: uint64 key", files: plain({ "chart/values.yaml": "18446744073709551615: x\n" }) },
  {
    name: "values.yaml: null key with a table value",
    files: plain({ "chart/values.yaml": "~: {b: [1, ~], a: yes}\n" }),
  },
  {
    name: "-f: syntax error",
    files: plain({ "v.yaml": "a: 1\n  b: 2\n" }),
    args: ["r", "chart", "-f", "v.yaml"],
  },
  { name: "-f: a list", files: plain({ "v.yaml": "- 1\n" }), args: ["r", "chart", "-f", "v.yaml"] },
  { name: "-f: a scalar", files: plain({ "v.yaml": "42\n" }), args: ["r", "chart", "-f", "v.yaml"] },
  {
    name: "-f: duplicate keys",
    files: plain({ "v.yaml": "a: 1\na: 2\n" }),
    args: ["r", "chart", "-f", "v.yaml"],
  },
  { name: "-f: alias bomb", files: plain({ "v.yaml": aliasBomb }), args: ["r", "chart", "-f", "v.yaml"] },
  {
    name: "-f: invalid UTF-8",
    files: plain({ "v.yaml": Buffer.from([0x61, 0x3a, 0x20, 0xff, 0x0a]) }),
    args: ["r", "chart", "-f", "v.yaml"],
  },
  { name: "-f: missing", files: plain(), args: ["r", "chart", "-f", "nope.yaml"] },
  {
    name: "-f: a URL",
    files: plain(),
    args: ["r", "chart", "-f", "https://example.invalid/v.yaml"],
    deliberate: {
      why: "Slipway never fetches: Helm downloads the file",
      stderr:
        /^Error: https:\/\/example\.invalid\/v\.yaml: Slipway does not fetch values files over the network\n$/,
    },
  },
  {
    name: "-f: bad document separator",
    files: plain({ "v.yaml": "a: 1\n--- x\nb: 2\n" }),
    args: ["r", "chart", "-f", "v.yaml"],
  },
  {
    name: "values.yaml: error in the third document",
    files: plain({ "chart/values.yaml": "a: 1\n---\nb: 2\n---\nc: 3\n  d: 4\n" }),
  },
  { name: "-f: a directory", files: plain({ "d/x": "" }), args: ["r", "chart", "-f", "d"] },
  {
    name: "-f: second of a list missing",
    files: plain({ "v.yaml": "a: 1\n" }),
    args: ["r", "chart", "-f", "v.yaml,w.yaml"],
  },
  { name: "-f: empty file", files: plain({ "v.yaml": "" }), args: ["r", "chart", "-f", "v.yaml"] },
  {
    name: "-f: two documents, second bad",
    files: plain({ "v.yaml": "a: 1\n---\nb: [\n" }),
    args: ["r", "chart", "-f", "v.yaml"],
  },
  {
    name: "-f: a table where the chart has a scalar",
    files: tmpl("# {{ .Values.a }}\n", { "chart/values.yaml": "a: 1\n", "v.yaml": "a: {b: 1}\n" }),
    args: ["r", "chart", "-f", "v.yaml"],
  },
];

const set = (flag: string, value: string): string[] => ["r", "chart", flag, value];
const flagProbes: Probe[] = [
  { name: "--set: key without value", files: plain(), args: set("--set", "a") },
  { name: "--set: empty key", files: plain(), args: set("--set", "=1") },
  { name: "--set: bad list index", files: plain(), args: set("--set", "a[x]=1") },
  { name: "--set: negative list index", files: plain(), args: set("--set", "a[-1]=1") },
  { name: "--set: list index too large", files: plain(), args: set("--set", "a[70000]=1") },
  { name: "--set: unclosed index", files: plain(), args: set("--set", "a[1=1") },
  { name: "--set: trailing dot", files: plain(), args: set("--set", "a.=1") },
  { name: "--set: list then map", files: plain(), args: ["r", "chart", "--set", "a[0]=1,a.b=2"] },
  { name: "--set: nesting too deep", files: plain(), args: set("--set", `${"a.".repeat(200)}b=1`) },
  { name: "--set-string: key without value", files: plain(), args: set("--set-string", "a") },
  { name: "--set-string: bad index", files: plain(), args: set("--set-string", "a[b]=1") },
  { name: "--set-json: bad JSON", files: plain(), args: set("--set-json", "a={bad") },
  { name: "--set-json: whole object bad", files: plain(), args: set("--set-json", "{bad") },
  { name: "--set-json: no value", files: plain(), args: set("--set-json", "a") },
  { name: "--set-json: whole object a list", files: plain(), args: set("--set-json", "[1]") },
  { name: "--set-file: missing file", files: plain(), args: set("--set-file", "a=nope.txt") },
  { name: "--set-file: no value", files: plain(), args: set("--set-file", "a") },
  { name: "--set-file: a directory", files: plain({ "d/x": "" }), args: set("--set-file", "a=d") },
  { name: "--set-literal: no value", files: plain(), args: set("--set-literal", "a") },
  { name: "--kube-version: garbage", files: plain(), args: set("--kube-version", "banana") },
  { name: "--kube-version: one component", files: plain(), args: set("--kube-version", "v1") },
  { name: "--kube-version: empty", files: plain(), args: set("--kube-version", "") },
  {
    name: "--kube-version: bad, and the chart broken too",
    files: withChart("name: [\n"),
    args: ["r", "chart", "x", "--kube-version", "1"],
  },
  { name: "--kube-version: leading zero", files: plain(), args: set("--kube-version", "1.030.0") },
  {
    name: "--api-versions: odd values",
    files: plain(),
    args: set("--api-versions", "not a version,,x/y/z/w"),
  },
  { name: "--show-only: missing template", files: plain(), args: set("--show-only", "templates/nope.yaml") },
  { name: "--show-only: a bad glob", files: plain(), args: set("--show-only", "templates/[.yaml") },
  {
    name: "--show-only: a partial",
    files: plain({ "chart/templates/_h.tpl": "" }),
    args: set("--show-only", "templates/_h.tpl"),
  },
  { name: "release name: 54 characters", files: plain(), args: ["r".repeat(54), "chart"] },
  { name: "release name: 53 characters", files: plain(), args: ["r".repeat(53), "chart"] },
  { name: "release name: upper case", files: plain(), args: ["Rel", "chart"] },
  { name: "release name: a dot", files: plain(), args: ["a.b", "chart"] },
  { name: "release name: empty", files: plain(), args: ["", "chart"] },
  { name: "release name: leading dash", files: plain(), args: ["--", "-r", "chart"] },
  { name: "namespace: empty", files: tmpl("# {{ .Release.Namespace }}\n"), args: ["r", "chart", "-n", ""] },
  {
    name: "namespace: odd characters",
    files: tmpl("# {{ .Release.Namespace }}\n"),
    args: ["r", "chart", "-n", "Bad_NS!"],
  },
  {
    // The manifest's plain scalar runs on into the next line: go-yaml's "could not find expected ':'".
    name: "namespace: a newline, in a manifest",
    files: tmpl(
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: {{ .Release.Namespace }}\n",
    ),
    args: ["r", "chart", "-n", "x\ny"],
  },
  { name: "too many arguments", files: plain(), args: ["r", "chart", "x", "y"] },
];

const schemaProbes: Probe[] = [
  { name: "schema: invalid JSON", files: schema('{"type": ', "a: 1\n") },
  { name: "schema: empty file", files: schema("", "a: 1\n") },
  { name: "schema: a JSON list", files: schema("[1]", "a: 1\n") },
  { name: "schema: invalid keyword value", files: schema({ type: 5 }, "a: 1\n") },
  { name: "schema: unknown type name", files: schema({ properties: { a: { type: "integr" } } }, "a: 1\n") },
  { name: "schema: type violation", files: schema({ properties: { a: { type: "string" } } }, "a: 1\n") },
  { name: "schema: required missing", files: schema({ required: ["a", "b"] }, "a: 1\n") },
  { name: "schema: enum", files: schema({ properties: { a: { enum: ["x", "y"] } } }, "a: z\n") },
  { name: "schema: pattern", files: schema({ properties: { a: { pattern: "^[0-9]+$" } } }, "a: abc\n") },
  {
    name: "schema: additionalProperties false",
    // One additional property: v6 names several in Go map order.
    files: schema({ properties: { a: {} }, additionalProperties: false }, "a: 1\nb: 2\n"),
  },
  // One violated property per probe: jsonschema v6 lists the properties of a schema in Go map
  // order, which changes from run to run.
  { name: "schema: minimum", files: schema({ properties: { a: { minimum: 5 } } }, "a: 1\n") },
  { name: "schema: maxLength", files: schema({ properties: { b: { maxLength: 2 } } }, "b: abc\n") },
  {
    name: "schema: several violations nested",
    files: schema(
      {
        properties: {
          a: { type: "object", properties: { b: { type: "array", items: { type: "integer" } } } },
        },
      },
      "a: {b: [1, x, 2.5]}\n",
    ),
  },
  {
    name: "schema: violation in a subchart",
    files: plain(
      sub("s", {
        "values.schema.json": JSON.stringify({ properties: { x: { type: "integer" } } }),
        "values.yaml": "x: 1\n",
      }),
    ),
    args: ["r", "chart", "--set", "s.x=oops"],
  },
  {
    name: "schema: global violation seen by a subchart",
    files: plain({
      ...sub("s", {
        "values.schema.json": JSON.stringify({
          properties: { global: { properties: { g: { type: "boolean" } } } },
        }),
      }),
      "chart/values.yaml": "global: {g: 1}\n",
    }),
  },
  {
    name: "schema: subchart values not a map",
    files: plain({
      ...sub("s", { "values.schema.json": JSON.stringify({ type: "object" }) }),
      "chart/values.yaml": "s: 5\n",
    }),
  },
  {
    // One failing subchart: Helm loads charts/ in Go map order, and reports subcharts in that order.
    name: "schema: violations in the parent and a subchart, another subchart valid",
    files: plain({
      "chart/values.schema.json": JSON.stringify({ properties: { p: { type: "string" } } }),
      "chart/values.yaml": "p: 1\nglobal: {g: x}\n",
      ...sub("s", { "values.schema.json": JSON.stringify({ required: ["need"] }) }),
      ...sub("t", {
        "values.schema.json": JSON.stringify({
          properties: { global: { properties: { g: { type: "string" } } } },
        }),
      }),
    }),
  },
  {
    name: "schema: a parent schema that does not parse, a subchart violation",
    files: plain({
      "chart/values.schema.json": "{",
      ...sub("s", { "values.schema.json": JSON.stringify({ required: ["need"] }) }),
    }),
  },
  {
    name: "schema metaschema: a property schema a number",
    files: schema({ properties: { a: 5 } }, "a: 1\n"),
  },
  {
    name: "schema metaschema: nested items a string",
    files: schema({ properties: { a: { properties: { b: { items: "x" } } } } }, "a: 1\n"),
  },
  {
    name: "schema metaschema: type list with a bad name",
    files: schema({ type: ["object", "obj"] }, "a: 1\n"),
  },
  { name: "schema metaschema: type an empty list", files: schema({ type: [] }, "a: 1\n") },
  {
    name: "schema metaschema: draft-07 bad type",
    files: schema(
      { $schema: "http://json-schema.org/draft-07/schema#", properties: { a: { type: "integr" } } },
      "a: 1\n",
    ),
  },
  {
    name: "schema metaschema: draft-07 root a list",
    files: schema('["http://json-schema.org/draft-07/schema#"]', "a: 1\n"),
  },
  {
    name: "schema metaschema: draft-04 property a number",
    files: schema({ $schema: "http://json-schema.org/draft-04/schema#", properties: { a: 5 } }, "a: 1\n"),
  },
  { name: "schema metaschema: allOf member a string", files: schema({ allOf: [{}, "x"] }, "a: 1\n") },
  { name: "schema metaschema: required not a list", files: schema({ required: "a" }, "a: 1\n") },
  {
    name: "schema metaschema: minimum a string",
    files: schema({ properties: { a: { minimum: "1" } } }, "a: 1\n"),
  },
  {
    name: "schema: anyOf, oneOf, not violations",
    files: schema(
      {
        properties: {
          a: { anyOf: [{ type: "string" }, { type: "integer" }] },
        },
      },
      "a: true\n",
    ),
  },
  {
    name: "schema: oneOf violation",
    files: schema({ properties: { a: { oneOf: [{ type: "string" }, { type: "integer" }] } } }, "a: true\n"),
  },
  {
    name: "schema: not violation",
    files: schema({ properties: { a: { not: { type: "integer" } } } }, "a: 1\n"),
  },
  {
    name: "schema: allOf violation",
    files: schema({ properties: { a: { allOf: [{ type: "integer" }, { minimum: 3 }] } } }, "a: 1\n"),
  },
  {
    name: "schema: oneOf matched twice",
    files: schema({ properties: { a: { oneOf: [{ type: "integer" }, { minimum: 0 }] } } }, "a: 1\n"),
  },
  {
    name: "schema: then with two violations",
    files: schema(
      '{"properties": {"a": {"if": {"type": "integer"}, "then": {"minimum": 5, "multipleOf": 2}}}}',
      "a: 3\n",
    ),
  },
  {
    name: "schema: anyOf branch with two violations",
    files: schema(
      { properties: { a: { anyOf: [{ type: "string" }, { minimum: 5, multipleOf: 2 }] } } },
      "a: 3\n",
    ),
  },
  {
    name: "schema: $ref with two violations",
    files: schema(
      { $defs: { x: { minimum: 5, multipleOf: 2 } }, properties: { a: { $ref: "#/$defs/x" } } },
      "a: 3\n",
    ),
  },
  {
    name: "schema: anyOf inside a property of an array item",
    files: schema(
      {
        properties: {
          l: { items: { properties: { v: { anyOf: [{ type: "string" }, { type: "boolean" }] } } } },
        },
      },
      "l: [{v: x}, {v: 1}]\n",
    ),
  },
  {
    name: "schema metaschema: violations nested and at the root",
    files: schema({ type: "obj", properties: { a: { properties: { b: { type: "x" } } } } }, "a: 1\n"),
  },
  {
    name: "schema metaschema: a bad title under a property the values lack",
    files: schema({ properties: { a: { items: { title: 5 } } } }, "b: 1\n"),
  },
  {
    name: "schema: properties.__proto__",
    files: schema('{"properties":{"__proto__":{"type":"string"}}}', "__proto__: 5\n"),
  },
  { name: "schema: required constructor", files: schema({ required: ["constructor"] }, "a: 1\n") },
  { name: "schema: enum []", files: schema({ properties: { a: { enum: [] } } }, "a: 1\n") },
  {
    name: "schema: enum of objects, a value with toString",
    files: schema({ properties: { a: { enum: [{ toString: "x" }] } } }, "a:\n  toString: y\n"),
  },
  { name: "schema: trailing garbage", files: schema('{"type": "object"} x', "a: 1\n") },
  { name: "schema: bad token", files: schema("{'type': 1}", "a: 1\n") },
  {
    name: "schema: $ref to a remote URL",
    files: schema({ $ref: "https://example.invalid/schema.json" }, "a: 1\n"),
    deliberate: {
      why: "Slipway never fetches: the schema is refused, naming the URL",
      stderr:
        /\nc:\nfailing loading "https:\/\/example\.invalid\/schema\.json": Slipway does not fetch schemas over the network \(use --skip-schema-validation\)\n$/,
    },
  },
  {
    name: "schema: $ref to a local file",
    files: schema({ $ref: "file:///etc/passwd" }, "a: 1\n"),
    deliberate: {
      why: "Slipway reads nothing outside the chart: Helm reads the file (and quotes its parse error)",
      stderr:
        /\nc:\nfailing loading "file:\/\/\/etc\/passwd": Slipway reads no schema outside the chart's values\.schema\.json \(use --skip-schema-validation\)\n$/,
    },
  },
  { name: "schema: $ref to a missing definition", files: schema({ $ref: "#/definitions/nope" }, "a: 1\n") },
  {
    name: "schema: draft-04 exclusiveMinimum",
    files: schema(
      {
        $schema: "http://json-schema.org/draft-04/schema#",
        properties: { a: { minimum: 1, exclusiveMinimum: true } },
      },
      "a: 1\n",
    ),
  },
  {
    name: "schema: 2019-09 violation",
    files: schema(
      { $schema: "https://json-schema.org/draft/2019-09/schema", properties: { a: { const: 2 } } },
      "a: 1\n",
    ),
  },
  {
    name: "schema: unknown $schema",
    files: schema({ $schema: "https://example.invalid/my-schema", type: "object" }, "a: 1\n"),
    deliberate: {
      why: "Slipway never fetches a metaschema: refused, naming the URL",
      stderr:
        /\nc:\nfailing loading "https:\/\/example\.invalid\/my-schema": Slipway does not fetch metaschemas over the network \(use --skip-schema-validation\)\n$/,
    },
  },
  {
    name: "schema: violation by a --set value that is a secret",
    files: schema({ properties: { password: { type: "integer" } } }, "password: 1\n"),
    args: ["r", "chart", "--set-string", "password=hunter2"],
  },
];

const templateProbes: Probe[] = [
  // A manifest's head decodes into util.SimpleHead, whose metadata is an anonymous struct:
  // encoding/json names no struct for its fields.
  { name: "manifest: metadata.name a list", files: tmpl("kind: A\nmetadata:\n  name: [a]\n") },
  { name: "manifest: metadata.annotations a list", files: tmpl("kind: A\nmetadata:\n  annotations: [a]\n") },
  {
    name: "manifest: an annotation a list",
    files: tmpl("kind: A\nmetadata:\n  annotations:\n    x: [a]\n"),
  },
  { name: "manifest: metadata a list", files: tmpl("kind: A\nmetadata: [a]\n") },
  { name: "manifest: kind a list", files: tmpl("kind: [A]\n") },
  // Helm's loader removes one UTF-8 BOM from a file; a second one stays in the text.
  { name: "template: two byte order marks", files: tmpl("\ufeff\ufeffkind: A\nx: 1\n") },
  {
    name: ".Files.Get of a file with two byte order marks",
    files: tmpl('x: {{ .Files.Get "f.txt" | quote }}\n', { "chart/f.txt": "\ufeff\ufeffhi" }),
  },
  // The whole manifest becomes JSON before SimpleHead is filled: what JSON cannot hold fails it.
  { name: "manifest: a NaN value", files: tmpl("kind: A\nx: .nan\n") },
  { name: "manifest: an infinity deep inside", files: tmpl("kind: A\nx:\n  y: [-.Inf]\n") },
  { name: "manifest: a null key", files: tmpl("a: 1\n?\n:\n") },
  { name: "manifest: a null key deep inside", files: tmpl("kind: A\nx:\n  ~: 1\n") },
  { name: "manifest: an empty key in a flow mapping", files: tmpl("kind: A\nx: {: 1}\n") },
  { name: "manifest: a uint64 key", files: tmpl("kind: A\nx: {18446744073709551615: 1}\n") },
  { name: "manifest: '.nan' quoted is a string", files: tmpl("kind: A\nx: '.nan'\ny: \"null: 1\"\n") },
  {
    name: ".Files.Get outside the chart",
    files: tmpl('# {{ .Files.Get "../v.yaml" | quote }} {{ .Files.Get "/etc/hostname" | quote }}\n', {
      "v.yaml": "x",
    }),
  },
  {
    name: "required in a subchart",
    files: plain(sub("s", { "templates/t.yaml": '{{ required "s.need is required" .Values.need }}\n' })),
  },
  { name: "fail in a subchart", files: plain(sub("s", { "templates/t.yaml": '{{ fail "no way" }}\n' })) },
  { name: "tpl with a parse error", files: tmpl('# {{ tpl "{{ .Values.x " . }}\n') },
  { name: "tpl with an exec error", files: tmpl('# {{ tpl "{{ include \\"nope\\" . }}" . }}\n') },
  { name: "include of a missing template", files: tmpl('# {{ include "nope" . }}\n') },
  { name: "template of a missing template", files: tmpl('# {{ template "nope" . }}\n') },
  { name: "rendered YAML does not parse", files: tmpl("a: b: c\n") },
  {
    name: "rendered YAML not parsing in a subchart",
    files: plain(sub("s", { "templates/t.yaml": "a: [\n" })),
  },
  { name: "rendered YAML with a duplicate key", files: tmpl("kind: A\nkind: B\n") },
  { name: "rendered documents with the same Source", files: tmpl("kind: A\n---\nkind: A\n") },
  {
    name: "subchart named like a parent template directory",
    files: plain({ ...sub("templates", { "templates/a.yaml": "kind: B\n" }) }),
  },
  { name: "NOTES.txt with an error", files: plain({ "chart/templates/NOTES.txt": "{{ .Values.x.y }}\n" }) },
  { name: "template parse error", files: tmpl("{{ if }}\n") },
  {
    name: "tpl error inside a subchart's define",
    files: plain(
      sub("s", {
        "templates/_h.tpl": '{{ define "s.h" }}{{ tpl .Values.t . }}{{ end }}',
        "templates/t.yaml": '# {{ include "s.h" . }}\n',
        "values.yaml": "t: '{{ .Values.nope.deeper }}'\n",
      }),
    ),
  },
  { name: "required with an empty string", files: tmpl('# {{ required "need x" "" }}\n') },
  {
    name: "fail naming a value",
    files: tmpl('# {{ fail (printf "bad %v" .Values.x) }}\n', { "chart/values.yaml": "x: 1\n" }),
  },
  { name: "template nil pointer", files: tmpl("# {{ .Values.a.b.c }}\n") },
  { name: "toYaml of a value Helm cannot convert", files: tmpl('# {{ fromYaml "a: [" | toJson }}\n') },
];

/** Slipway's documented limits: Helm renders these, Slipway refuses and names the file. */
const limitProbes: Probe[] = [
  {
    name: "limit: until of two million",
    files: tmpl("# {{ len (until 2000000) }}\n"),
    deliberate: {
      why: "lists are capped at 2^20 elements",
      helmOk: true,
      stderr:
        /^Error: template: c\/templates\/a\.yaml:1:10: executing "c\/templates\/a\.yaml" at <until 2000000>: error calling until: until: a list of 2000000 elements is more than Slipway's limit of 1048576 \(Helm builds it\)\n\nUse --debug flag to render out invalid YAML\n$/,
    },
  },
  {
    name: "limit: repeat past the output limit",
    files: tmpl('# {{ repeat 67108865 "x" | len }}\n'),
    deliberate: {
      why: "a function's result is capped like a template's output (64 MiB)",
      helmOk: true,
      stderr:
        /^Error: c\/templates\/a\.yaml:1:5\n {2}executing "c\/templates\/a\.yaml" at <repeat 67108865 "x">:\n {4}error calling repeat: repeat: a result of 67108865 characters is more than Slipway's limit of 67108864 \(a template's output has the same limit\)\n\nUse --debug flag to render out invalid YAML\n$/,
    },
  },
  {
    name: "limit: values.yaml nested 300 levels",
    files: plain({ "chart/values.yaml": `a: ${"[".repeat(300)}${"]".repeat(300)}\n` }),
    deliberate: {
      why: "YAML collections nest at most 256 levels",
      helmOk: true,
      stderr:
        /^Error: cannot load values\.yaml: cannot unmarshal yaml document: error converting YAML to JSON: yaml: line 1: collections nested deeper than 256 levels \(Slipway's limit; go-yaml allows 10000\)\n$/,
    },
  },
  {
    name: "limit: values.schema.json nested 300 levels",
    files: schema(`${'{"not":'.repeat(300)}{}${"}".repeat(300)}`, "a: 1\n"),
    deliberate: {
      why: "schemas nest at most 256 levels",
      helmOk: true,
      stderr: /\nc:\nvalues\.schema\.json: nested deeper than 256 levels \(Slipway's limit\)\n$/,
    },
  },
];

export const probes: Probe[] = [
  ...chartProbes,
  ...valuesProbes,
  ...flagProbes,
  ...schemaProbes,
  ...templateProbes,
  ...limitProbes,
];
