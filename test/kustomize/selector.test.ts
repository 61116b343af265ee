import { describe, expect, it } from "vitest";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { buildYaml } from "../../src/kustomize/build.js";
import { Resource } from "../../src/kustomize/resource.js";
import { SelectorMatcher } from "../../src/kustomize/selector.js";
import { anchoredGoRegexp, MAX_REGEXP_SUBJECT } from "../../src/re2.js";

/**
 * Selector fields are anchored Go regular expressions; a field without metacharacters is
 * matched as its text (no RE2 run). Both must answer as the anchored regexp does.
 */
describe("SelectorMatcher", () => {
  const patterns = [
    "web",
    "Deployment",
    "apps",
    "v1",
    "app-config",
    "a_b",
    "x/y",
    "a:b",
    "w.b",
    "helm.toolkit.fluxcd.io",
    ".",
    "..",
    "web.*",
    "web|api",
    "w[a-z]b",
  ];
  const subjects = [
    "web",
    "web2",
    "aweb",
    "WEB",
    "web\n",
    "Deployment",
    "apps",
    "v1",
    "app-config",
    "a_b",
    "x/y",
    "a:b",
    "wxb",
    "w.b",
    "w\nb",
    "w\rb",
    "w\u2028b",
    "w\u0085b",
    "wéb",
    "w😀b",
    "w\ud800b",
    "w\udc00b",
    "helm.toolkit.fluxcd.io",
    "helmXtoolkitXfluxcdXio",
    "helm.toolkit.fluxcd.io2",
    "helm.toolkit.fluxcd.i",
    "x",
    "😀",
    "\n",
    "ab",
    "api",
    "",
  ];

  for (const field of ["name", "kind", "group", "version", "namespace"] as const) {
    it(`matches ${field} as the anchored regexp would`, () => {
      for (const pattern of patterns) {
        const m = new SelectorMatcher({ [field]: pattern });
        const re = anchoredGoRegexp(pattern);
        for (const subject of subjects) {
          const r = new Resource({
            apiVersion:
              field === "group" ? `${subject}/v1` : field === "version" ? `apps/${subject}` : "apps/v1",
            kind: field === "kind" ? subject : "Deployment",
            metadata: {
              name: field === "name" ? subject : "n",
              namespace: field === "namespace" ? subject : "ns",
            },
          });
          const value =
            field === "group" || field === "version" || field === "kind" ? r.gvk()[field] : subject;
          // An empty namespace is "default" to kustomize's selectors.
          const expected = field === "namespace" && subject === "" ? re.test("default") : re.test(value);
          expect(m.matches(r), `${field} ${JSON.stringify(pattern)} on ${JSON.stringify(subject)}`).toBe(
            expected,
          );
        }
      }
    });
  }

  it("fails on a name past RE2's limit for a plain-text target too, instead of not matching", () => {
    const over = "a".repeat(MAX_REGEXP_SUBJECT + 1);
    const fs = new MemoryFileSystem({
      "/k/kustomization.yaml": `resources: [cm.yaml]\npatches:\n- target: {name: web}\n  patch: '[{"op":"add","path":"/data/x","value":"y"}]'\n`,
      "/k/cm.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${over}\n`,
    });
    expect(() => buildYaml("/k", { fs })).toThrow(
      /target \{"name":"web"\} on ConfigMap a{60}…: a string of 4194305 characters is more than Slipway's limit of \d+ for regular expressions \(matching "\^\(\?:web\)\$"; Go matches it\)/,
    );
  });
});
