import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareGoStrings } from "../../src/go/compare.js";
import { goPathMatch } from "../../src/go/path-match.js";
import { parseKubeVersion } from "../../src/helm/capabilities.js";
import { sortTemplates } from "../../src/helm/engine.js";
import { compileGobwasGlob } from "../../src/helm/glob.js";
import {
  filterShowOnly,
  formatTemplateOutput,
  INSTALL_ORDER,
  sortByKind,
  sortManifests,
  splitManifests,
} from "../../src/helm/manifests.js";

describe("splitManifests (Helm's `(?:^|\\s*\\n)---\\s*`)", () => {
  it.each<[string, string, string[]]>([
    ["one document", "kind: A\n", ["kind: A"]],
    [
      "leading separator; after a blank document the next --- stays (quirk)",
      "---\nkind: A\n---\n\n---\nkind: B\n",
      ["kind: A", "---\nkind: B"],
    ],
    ["a comment after the separator starts the next document", "a: 1\n--- # c\nb: 2", ["a: 1", "# c\nb: 2"]],
    ["separator glued to content", "a: 1\n---b: 2", ["a: 1", "b: 2"]],
    ["indentation of the first line is trimmed", "   a: 1\n", ["a: 1"]],
    ["--- not at a line start stays", "a: x---y\n", ["a: x---y"]],
  ])("%s", (_, text, docs) => {
    expect(splitManifests(text)).toEqual(docs);
  });
});

describe("splitManifests agrees with Go's regexp.Split on the separator (seeded)", () => {
  // The reference: the separator as a regular expression, split as Go's regexp.Split(s, -1).
  function referenceSplit(text: string): string[] {
    const re = /(?:^|[\t\n\f\r ]*\n)---[\t\n\f\r ]*/g;
    const s = text.replace(/^[\s\u0085]+|[\s\u0085]+$/g, "");
    const parts: string[] = [];
    if (s.length === 0) parts.push("");
    else {
      let beg = 0;
      let end = 0;
      for (let m = re.exec(s); m !== null; m = re.exec(s)) {
        end = m.index;
        parts.push(s.slice(beg, end));
        beg = m.index + m[0].length;
      }
      if (end !== s.length) parts.push(s.slice(beg));
    }
    return parts.filter((d) => d !== "").map((d) => d.replace(/^[\s\u0085]+|[\s\u0085]+$/g, ""));
  }
  it("on 2000 generated texts of separators, dashes, blanks and newlines", () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pieces = ["---", "--", "-", "\n", " ", "\t", "\r", "a: 1", "\n---\n", "  ", "#"];
    for (let i = 0; i < 2000; i++) {
      let text = "";
      for (let j = rand(14); j > 0; j--) text += pieces[rand(pieces.length)];
      expect(splitManifests(text), JSON.stringify(text)).toEqual(referenceSplit(text));
    }
  });
});

describe("sortManifests", () => {
  it("orders by install order, unknown kinds last by name, stable within a kind", () => {
    const files = new Map([
      ["c/templates/b.yaml", "kind: Zebra\n---\nkind: Deployment\nmetadata: {name: d2}\n---\nkind: Apple\n"],
      ["c/templates/a.yaml", "kind: Deployment\nmetadata: {name: d1}\n---\nkind: Namespace\n---\n# only\n"],
    ]);
    const { manifests } = sortManifests(files);
    expect(manifests.map((m) => `${m.head.kind}:${m.head.metadata?.name ?? ""}`)).toEqual([
      "Namespace:",
      "Deployment:d1",
      "Deployment:d2",
      ":",
      "Apple:",
      "Zebra:",
    ]);
  });

  it("separates hooks, drops unknown hook events, keeps weights and policies", () => {
    const files = new Map([
      [
        "c/templates/h.yaml",
        [
          "kind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: Pre-Install, post-upgrade\n    helm.sh/hook-weight: '-5'\n    helm.sh/hook-delete-policy: hook-succeeded,before-hook-creation",
          "kind: Pod\nmetadata:\n  name: bogus\n  annotations:\n    helm.sh/hook: nope",
          "kind: ConfigMap\nmetadata:\n  name: plain\n  annotations:\n    a: b",
        ].join("\n---\n"),
      ],
    ]);
    const { manifests, hooks } = sortManifests(files);
    expect(manifests.map((m) => m.head.metadata?.name)).toEqual(["plain"]);
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({
      name: "j",
      events: ["pre-install", "post-upgrade"],
      weight: -5,
      deletePolicies: ["hook-succeeded", "before-hook-creation"],
    });
  });

  it("fails on a document that is not a map, naming the template", () => {
    expect(() => sortManifests(new Map([["c/templates/x.yaml", "- a\n"]]))).toThrow(
      /YAML parse error on c\/templates\/x.yaml/,
    );
    // Failures are not remembered: the same text fails again, naming the other template.
    expect(() => sortManifests(new Map([["c/templates/y.yaml", "- a\n"]]))).toThrow(
      /YAML parse error on c\/templates\/y.yaml/,
    );
  });

  it("reads a document met again (another release of the chart) to the same head", () => {
    const doc =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  annotations:\n    helm.sh/hook: pre-install\n";
    const first = sortManifests(new Map([["c/templates/a.yaml", doc]]));
    const again = sortManifests(new Map([["c/templates/b.yaml", doc]]));
    expect(again.hooks[0]).toEqual({ ...first.hooks[0], path: "c/templates/b.yaml" });
  });
});

describe("helm template output", () => {
  const release = {
    crds: [{ path: "c/crds/a.yaml", content: "kind: CustomResourceDefinition\n" }],
    manifests: [
      { path: "c/templates/a.yaml", content: "kind: A", head: { apiVersion: "", kind: "A", metadata: null } },
    ],
    hooks: [
      {
        path: "c/templates/t.yaml",
        content: "kind: Pod",
        head: { apiVersion: "", kind: "Pod", metadata: null },
        name: "t",
        kind: "Pod",
        events: ["test"],
        weight: 0,
        deletePolicies: [],
        outputLogPolicies: [],
      },
    ],
  };

  it("prints CRDs verbatim (a blank line follows), manifests, then hooks", () => {
    expect(formatTemplateOutput(release, { includeCrds: true })).toBe(
      "---\n# Source: c/crds/a.yaml\nkind: CustomResourceDefinition\n\n---\n# Source: c/templates/a.yaml\nkind: A\n---\n# Source: c/templates/t.yaml\nkind: Pod\n",
    );
  });

  it("prints a single newline when nothing renders", () => {
    expect(formatTemplateOutput({ crds: [], manifests: [], hooks: [] })).toBe("\n");
  });

  it("leaves out tests with --skip-tests and hooks with --no-hooks", () => {
    expect(formatTemplateOutput(release, { skipTests: true })).toBe(
      "---\n# Source: c/templates/a.yaml\nkind: A\n",
    );
    expect(formatTemplateOutput(release, { noHooks: true })).toBe(
      "---\n# Source: c/templates/a.yaml\nkind: A\n",
    );
  });

  it("--show-only matches the path after the chart name", () => {
    const text = formatTemplateOutput(release);
    expect(filterShowOnly(text, ["templates/t.yaml"])).toBe("---\n# Source: c/templates/t.yaml\nkind: Pod\n");
    expect(() => filterShowOnly(text, ["templates/none.yaml"])).toThrow(/could not find template/);
  });
});

describe("template parse order (Helm's sortTemplates)", () => {
  it("puts deeper paths first and equal depths in reverse byte order", () => {
    expect(
      sortTemplates([
        "p/templates/a.yaml",
        "p/charts/s/templates/b.yaml",
        "p/templates/b.yaml",
        "p/templates/_h.tpl",
      ]),
    ).toEqual([
      "p/charts/s/templates/b.yaml",
      "p/templates/b.yaml",
      "p/templates/a.yaml",
      "p/templates/_h.tpl",
    ]);
  });
});

describe("--kube-version (ParseGeneric)", () => {
  it.each([
    ["1.28.3", "v1.28.3", "v1.28.3", "1", "28"],
    ["v1.33.4-gke.1245000", "v1.33.4-gke.1245000", "v1.33.4", "1", "33"],
    ["1.30", "v1.30", "v1.30", "1", "30"],
  ])("%s", (text, version, normalized, major, minor) => {
    expect(parseKubeVersion(text)).toEqual({ version, normalized, major, minor });
  });
  it.each(["banana", "1", "01.2.3"])("refuses %s", (text) => {
    expect(() => parseKubeVersion(text)).toThrow();
  });
});

describe("globs", () => {
  it.each<[string, string, boolean]>([
    ["templates/*.yaml", "templates/a.yaml", true],
    ["templates/*.yaml", "templates/sub/a.yaml", false],
    ["templates/?.yaml", "templates/a.yaml", true],
    ["[^a]*", "bcd", true],
    ["\\*", "*", true],
  ])("filepath.Match(%s, %s) = %s", (p, name, want) => {
    expect(goPathMatch(p, name)).toBe(want);
  });

  it.each<[string, string, boolean]>([
    ["files/*", "files/a.txt", true],
    ["files/*", "files/sub/a.txt", false],
    ["files/**", "files/sub/a.txt", true],
    ["**.{yaml,json}", "x/y.json", true],
    ["[!a]*", "b", true],
    ["[!a]*", "a", false],
  ])("gobwas %s on %s = %s", (p, name, want) => {
    expect(compileGobwasGlob(p)?.test(name)).toBe(want);
  });
});

describe("sortByKind agrees with a stable sort by kind_sorter.go's lessByKind (property)", () => {
  // The reference: Helm's lessByKind as a comparator, sorted stably (sort.SliceStable).
  const rank = new Map(INSTALL_ORDER.map((k, i) => [k, i]));
  const lessByKind = (a: string, b: string): boolean => {
    const first = rank.get(a);
    const second = rank.get(b);
    if (first === undefined && second === undefined) return a !== b ? compareGoStrings(a, b) < 0 : false;
    if (first === undefined) return false;
    if (second === undefined) return true;
    return first < second;
  };
  const reference = (kinds: string[]) =>
    kinds
      .map((kind, i) => ({ kind, i }))
      .sort((p, q) => (lessByKind(p.kind, q.kind) ? -1 : lessByKind(q.kind, p.kind) ? 1 : p.i - q.i))
      .map((p) => p.i);
  // Known kinds, unknown ones, kinds equal up to a prefix, astral characters, and lone
  // surrogates (which all encode as U+FFFD, so Go finds them equal).
  const kind = fc.constantFrom(
    ...INSTALL_ORDER.slice(0, 12),
    "Deployment",
    "Service",
    "APIService",
    "",
    "ServiceMonitor",
    "PrometheusRule",
    "Prometheus",
    "prometheus",
    "Zeta",
    "é",
    "\u{1F600}",
    "\uffff",
    "\ud800",
    "\udfff",
    "X\ud801",
    "X\ud802",
    "X",
  );

  it("on generated manifests", () => {
    fc.assert(
      fc.property(fc.array(kind, { maxLength: 40 }), (kinds) => {
        const items = kinds.map((k, i) => ({ k, i }));
        expect(sortByKind(items, (x) => x.k).map((x) => x.i)).toEqual(reference(kinds));
      }),
      { numRuns: 2000, seed: Number(process.env.SLIPWAY_FUZZ_SEED ?? 20261203) },
    );
  });
});
