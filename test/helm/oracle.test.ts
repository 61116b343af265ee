import { describe, expect, it } from "vitest";
import { requires } from "../support/env.js";
import { both, type Tree } from "./differential.js";

/**
 * Differential tests against Helm 4.1.4: small charts built to probe chart loading, values,
 * dependencies and manifest handling, rendered by the oracle and by Slipway; stdout must be
 * identical and both must fail on the same inputs.
 */

const chartYaml = (name: string, extra = ""): string =>
  `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n${extra}`;
const showValues = '# {{ printf "%#v" .Values }}\n';

interface Scenario {
  name: string;
  files: Tree;
  args?: string[];
}

const scenarios: Scenario[] = [
  {
    name: ".helmignore rules and the default templates/.?* rule",
    files: {
      "chart/Chart.yaml": chartYaml("ig"),
      "chart/.helmignore":
        "# c\n*.bak\n/root-only.txt\ndocs/*.md\nsecret/\n*.tmp\ntemplates/skip-*.yaml\n[ab].txt\n",
      "chart/a.txt": "a",
      "chart/c.txt": "c",
      "chart/x.bak": "x",
      "chart/root-only.txt": "r",
      "chart/docs/root-only.txt": "r",
      "chart/docs/x.md": "x",
      "chart/docs/deep/y.md": "y",
      "chart/secret/s.txt": "s",
      "chart/.hidden": "h",
      "chart/templates/.dot.yaml": "kind: Dot\n",
      "chart/templates/sub/.dot2.yaml": "kind: Dot2\n",
      "chart/templates/skip-me.yaml": "kind: Skip\n",
      "chart/templates/t.yaml": "# {{ range $k, $v := .Files }}{{ $k }} {{ end }}\n",
    },
    args: ["r", "chart"],
  },
  {
    name: "a negated .helmignore rule that does not match ignores everything (Helm's quirk)",
    files: {
      "chart/Chart.yaml": chartYaml("neg"),
      "chart/.helmignore": "!keep.txt\n",
      "chart/templates/t.yaml": "kind: A\n",
    },
    args: ["r", "chart"],
  },
  {
    name: "values files: YAML 1.1 scalars, documents, merge keys",
    files: {
      "chart/Chart.yaml": chartYaml("v"),
      "chart/values.yaml": "a: 1\nb: {c: yes, d: [1, 2.5, '3']}\n---\ne: on\n",
      "chart/templates/t.yaml": showValues,
      "v1.yaml": "b: {d: null, f: 0x10}\nbase: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n",
      "v2.yaml": "a: ~\ng: 1e3\n",
    },
    args: ["r", "chart", "-f", "v1.yaml", "-f", "v2.yaml", "--set", "h=5,i=true"],
  },
  {
    name: "null deletes chart defaults, tables vs scalars keep the higher layer",
    files: {
      "chart/Chart.yaml": chartYaml("n"),
      "chart/values.yaml": "keep: 1\ndrop: 2\ntable: {a: 1, b: 2}\nscalar: x\nlist: [1, 2]\n",
      "chart/templates/t.yaml": showValues,
      "u.yaml": "drop: null\ntable: {a: null, c: 3}\nscalar: {now: table}\nlist: {k: v}\nnew: null\n",
    },
    args: ["r", "chart", "-f", "u.yaml"],
  },
  {
    name: "subcharts: scoping, globals, null removing a subchart default",
    files: {
      "chart/Chart.yaml": chartYaml(
        "parent",
        "dependencies:\n  - name: sub\n    version: 0.1.0\n    repository: file://sub\n",
      ),
      "chart/values.yaml": "global: {g: 1, nested: {a: 1}}\nsub: {x: parent, dropme: null}\nown: p\n",
      "chart/templates/t.yaml": showValues,
      "chart/charts/sub/Chart.yaml": chartYaml("sub"),
      "chart/charts/sub/values.yaml": "x: sub\ndropme: 1\nglobal: {g: 0, nested: {b: 2}, s: sub}\n",
      "chart/charts/sub/templates/t.yaml": showValues,
    },
    args: ["r", "chart", "--set", "global.cli=1"],
  },
  {
    name: "aliases, conditions and tags",
    files: {
      "chart/Chart.yaml": chartYaml(
        "p",
        "dependencies:\n  - name: sub\n    version: '>=0.1.0'\n    repository: ''\n    alias: first\n    condition: first.enabled\n  - name: sub\n    version: 0.1.x\n    repository: ''\n    alias: second\n    condition: second.enabled,global.second\n  - name: other\n    version: 1.0.0\n    repository: ''\n    tags: [t1, t2]\n",
      ),
      "chart/values.yaml": "first: {enabled: true}\nsecond: {enabled: false}\ntags: {t1: false}\n",
      "chart/templates/t.yaml": "# {{ range .Chart.Dependencies }}{{ .Name }}={{ .Enabled }} {{ end }}\n",
      "chart/charts/sub/Chart.yaml": chartYaml("sub"),
      "chart/charts/sub/templates/t.yaml":
        "# {{ .Chart.Name }} {{ .Template.Name }} {{ .Template.BasePath }}\n",
      "chart/charts/other/Chart.yaml": "apiVersion: v2\nname: other\nversion: 1.0.0\n",
      "chart/charts/other/templates/t.yaml": "# other\n",
    },
    args: ["r", "chart", "--set", "tags.t2=true"],
  },
  {
    name: "import-values in both forms, exports",
    files: {
      "chart/Chart.yaml": chartYaml(
        "p",
        "dependencies:\n  - name: sub\n    version: 0.1.0\n    repository: ''\n    import-values:\n      - data\n      - child: deep.table\n        parent: imported\n",
      ),
      "chart/values.yaml": "imported: {own: parent}\n",
      "chart/templates/t.yaml": `${showValues}# {{ range .Chart.Dependencies }}{{ .ImportValues }}{{ end }}\n`,
      "chart/charts/sub/Chart.yaml": chartYaml("sub"),
      "chart/charts/sub/values.yaml":
        "exports: {data: {fromExport: 1}}\ndeep: {table: {own: child, more: 2}}\n",
    },
    args: ["r", "chart"],
  },
  {
    name: "a disabled dependency is still required in charts/",
    files: {
      "chart/Chart.yaml": chartYaml(
        "p",
        "dependencies:\n  - name: gone\n    version: 1.0.0\n    repository: ''\n    condition: gone.enabled\n",
      ),
      "chart/templates/t.yaml": "kind: A\n",
    },
    args: ["r", "chart"],
  },
  {
    name: "subchart archives in charts/",
    files: {
      "chart/Chart.yaml": chartYaml("p"),
      "chart/templates/t.yaml": "# {{ .Subcharts }}\n",
    },
    args: ["r", "chart"],
  },
  {
    name: "document splitting, empty and comment-only documents, kinds order",
    files: {
      "chart/Chart.yaml": chartYaml("d"),
      "chart/templates/a.yaml":
        "\n\n  kind: Service\nmetadata: {name: a}\n---\n---\n# only a comment\n--- # trailing\nkind: ConfigMap\n---\n\n---\nkind: Deployment\n---kind: Weird\n",
      "chart/templates/b.yaml": "kind: Zebra\n---\nkind: Apple\n---\napiVersion: v1\n---\nkind: Namespace\n",
      "chart/templates/empty.yaml": "   \n\n",
      "chart/templates/_partial.yaml": "kind: Partial\n",
      "chart/templates/notes.txt.yaml": "kind: Pod\n",
    },
    args: ["r", "chart"],
  },
  {
    name: "hooks: unknown events dropped, tests, weights, printed after manifests",
    files: {
      "chart/Chart.yaml": chartYaml("h"),
      "chart/templates/a.yaml":
        "kind: Job\nmetadata:\n  name: pre\n  annotations:\n    helm.sh/hook: pre-install,post-upgrade\n    helm.sh/hook-weight: '5'\n---\nkind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test-success\n---\nkind: Secret\nmetadata:\n  name: x\n  annotations:\n    helm.sh/hook: bogus\n---\nkind: ConfigMap\nmetadata:\n  name: plain\n  annotations:\n    other: 1\n---\nkind: ConfigMap\nmetadata:\n  name: emptyhook\n  annotations:\n    helm.sh/hook: ''\n",
    },
    args: ["r", "chart"],
  },
  {
    name: "hooks with --skip-tests",
    files: {
      "chart/Chart.yaml": chartYaml("h"),
      "chart/templates/a.yaml":
        "kind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test\n---\nkind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: post-install\n",
    },
    args: ["r", "chart", "--skip-tests"],
  },
  {
    name: "a document that is not a map fails",
    files: { "chart/Chart.yaml": chartYaml("bad"), "chart/templates/a.yaml": "- a\n- b\n" },
    args: ["r", "chart"],
  },
  {
    name: "CRDs of the chart and its subcharts with --include-crds",
    files: {
      "chart/Chart.yaml": chartYaml("c"),
      "chart/crds/b.yaml":
        "kind: CustomResourceDefinition\nmetadata: {name: b}\n---\nkind: CustomResourceDefinition\nmetadata: {name: b2}\n",
      "chart/crds/a.json": '{"kind": "CustomResourceDefinition"}',
      "chart/crds/notes.txt": "not a crd",
      "chart/templates/t.yaml": "kind: A\n",
      "chart/charts/sub/Chart.yaml": chartYaml("sub"),
      "chart/charts/sub/crds/s.yml": "kind: CustomResourceDefinition\n",
    },
    args: ["r", "chart", "--include-crds"],
  },
  {
    name: "--show-only with a glob and a subchart path",
    files: {
      "chart/Chart.yaml": chartYaml("s"),
      "chart/templates/a.yaml": "kind: A\n---\nkind: B\n",
      "chart/templates/b.yaml": "kind: C\n",
      "chart/charts/sub/Chart.yaml": chartYaml("sub"),
      "chart/charts/sub/templates/a.yaml": "kind: D\n",
    },
    args: ["r", "chart", "--show-only", "templates/*.yaml", "-s", "charts/sub/templates/a.yaml"],
  },
  {
    name: "--show-only of a missing template fails",
    files: { "chart/Chart.yaml": chartYaml("s"), "chart/templates/a.yaml": "kind: A\n" },
    args: ["r", "chart", "--show-only", "templates/nope.yaml"],
  },
  {
    name: "kubeVersion constraint not met",
    files: {
      "chart/Chart.yaml": chartYaml("k", "kubeVersion: '>=1.36.0'\n"),
      "chart/templates/a.yaml": "kind: A\n",
    },
    args: ["r", "chart"],
  },
  {
    name: "kubeVersion constraint met with --kube-version",
    files: {
      "chart/Chart.yaml": chartYaml("k", "kubeVersion: '~1.28.0-0'\n"),
      "chart/templates/a.yaml": "# {{ .Capabilities.KubeVersion }} {{ .Capabilities.KubeVersion.Version }}\n",
    },
    args: ["r", "chart", "--kube-version", "v1.28.3-gke.100"],
  },
  {
    name: "Chart.yaml with numbers where strings go",
    files: {
      "chart/Chart.yaml":
        "apiVersion: v2\nname: num\nversion: 1.0\nappVersion: 2.10\nkeywords: [1, true]\nannotations: {a: 1}\n",
      "chart/templates/a.yaml":
        "# {{ .Chart.Version }} {{ .Chart.AppVersion }} {{ .Chart.Keywords }} {{ .Chart.Annotations }}\n",
    },
    args: ["r", "chart"],
  },
  {
    name: "library chart cannot be installed",
    files: { "chart/Chart.yaml": chartYaml("lib", "type: library\n"), "chart/templates/_h.tpl": "" },
    args: ["r", "chart"],
  },
  {
    name: "stray file in charts/ is an error",
    files: {
      "chart/Chart.yaml": chartYaml("p"),
      "chart/charts/README.md": "hello",
      "chart/templates/a.yaml": "kind: A\n",
    },
    args: ["r", "chart"],
  },
  {
    name: "release name and namespace",
    files: {
      "chart/Chart.yaml": chartYaml("r"),
      "chart/templates/a.yaml": "# {{ .Release.Name }} {{ .Release.Namespace }} {{ .Release.IsInstall }}\n",
    },
    args: ["my-release", "chart", "-n", "team-a", "--is-upgrade"],
  },
  {
    name: ".Capabilities and .Files as Go prints them",
    files: {
      "chart/Chart.yaml": chartYaml("caps"),
      "chart/extra.txt": "hello\n",
      "chart/templates/t.yaml": [
        '# {{ printf "%v|%+v" .Capabilities.KubeVersion .Capabilities.KubeVersion }}',
        "# {{ .Capabilities.KubeVersion }} {{ .Capabilities.KubeVersion.GitVersion }} {{ .Capabilities.KubeVersion.Major }}",
        '# {{ printf "%T" .Files.nope }} {{ .Files.nope }} {{ len .Capabilities.APIVersions }}',
        '# {{ range $k, $v := .Files }}{{ $k }}={{ printf "%q" $v }} {{ end }}',
        '# {{ .Files.Get "extra.txt" }} {{ .Files.Lines "extra.txt" }} {{ printf "%T" .Capabilities }}',
        '# {{ .Capabilities.APIVersions.Has "apps/v1" }} {{ index .Capabilities.APIVersions 0 }} {{ .Capabilities.HelmVersion.Version }}',
        "",
      ].join("\n"),
    },
    args: ["r", "chart", "--api-versions", "x.io/v1"],
  },
  {
    name: ".Capabilities through encoding/json (toJson, toYaml of the struct and its fields)",
    files: {
      "chart/Chart.yaml": chartYaml("capsjson"),
      "chart/templates/t.yaml": [
        "# {{ toJson .Capabilities }}",
        "# {{ toRawJson .Capabilities }} {{ toJson .Capabilities.KubeVersion }}",
        "# {{ toYaml .Capabilities | b64enc }} {{ toYaml .Capabilities.HelmVersion | b64enc }}",
        "# {{ toPrettyJson .Capabilities | b64enc }} {{ toYaml .Capabilities.KubeVersion | b64enc }}",
        "",
      ].join("\n"),
    },
    args: ["r", "chart", "--api-versions", "a<b&c/v1"],
  },
  {
    name: "invalid release name",
    files: { "chart/Chart.yaml": chartYaml("r"), "chart/templates/a.yaml": "kind: A\n" },
    args: ["My_Release", "chart"],
  },
  {
    name: "schema: draft-07 formats asserted, 2020 by default",
    files: {
      "chart/Chart.yaml": chartYaml("s"),
      "chart/values.schema.json":
        '{"$schema":"http://json-schema.org/draft-07/schema#","properties":{"e":{"type":"string","format":"email"},"n":{"type":"integer"}}}',
      "chart/templates/a.yaml": "kind: A\n",
    },
    args: ["r", "chart", "--set", "e=x@example.com,n=3"],
  },
  {
    name: "schema: a violation",
    files: {
      "chart/Chart.yaml": chartYaml("s"),
      "chart/values.schema.json": '{"properties":{"n":{"type":"integer","maximum":2}}}',
      "chart/templates/a.yaml": "kind: A\n",
    },
    args: ["r", "chart", "--set", "n=3"],
  },
];

describe.runIf(requires("helm"))("helm template: Slipway vs Helm 4.1.4 on probe charts", () => {
  it.each(scenarios.map((s) => [s.name, s] as const))("%s", (_, s) => {
    const { helm, slipway } = both(s.files, s.args ?? ["r", "chart"]);
    expect(
      slipway.ok,
      `Helm ${helm.ok ? "succeeded" : `failed: ${helm.stderr}`}; Slipway: ${slipway.stderr}`,
    ).toBe(helm.ok);
    if (helm.ok) expect(slipway.stdout).toBe(helm.stdout);
  });
});
