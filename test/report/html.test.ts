import { describe, expect, it } from "vitest";
import { scriptJson, staticPageHtml } from "../../src/report/html.js";
import { MASKED_VALUE, maskSecretManifests } from "../../src/report/source-mask.js";

describe("report page", () => {
  it.each([["</script><script>alert(1)</script>"], ["<!--"], ["\u2028"], ["&lt;"]])(
    "embeds data that cannot end its script element: %j",
    (s) => {
      const json = scriptJson({ s });
      expect(json).not.toMatch(/[<>&\u2028]/);
      expect(JSON.parse(json).s).toBe(s);
    },
  );

  it("inlines the assets and forbids the network", () => {
    const html = staticPageHtml(
      "t",
      { details: {}, sources: {}, envDiffs: {} },
      { js: "x('</script>')", css: "a{}" },
    );
    expect(html).toContain("default-src 'none'");
    expect(html).not.toContain("x('</script>')");
    expect(html).not.toMatch(/src="http|href="http/);
  });
});

describe("source view: plain Secret manifests masked by structure", () => {
  it.each([
    ["data map", "kind: Secret\ndata:\n  a: YQ==\n  b: Yg==\nmetadata:\n  name: x\n", ["YQ==", "Yg=="]],
    ["short stringData", "apiVersion: v1\nkind: Secret\nstringData:\n  p: x1\n", ["x1"]],
    [
      "block scalar",
      "kind: Secret\nstringData:\n  key: |\n    line-one\n    line-two\n",
      ["line-one", "line-two"],
    ],
    ["flow map", "kind: Secret\ndata: {a: c2VjcmV0}\n", ["c2VjcmV0"]],
    ["second document", "kind: ConfigMap\ndata:\n  a: keep\n---\nkind: Secret\ndata:\n  a: c2Vj\n", ["c2Vj"]],
    // Found by the secrets audit (test/security/secrets-audit.test.ts): the line-based masker
    // missed every one of these.
    [
      "JSON manifest",
      '{\n  "apiVersion": "v1",\n  "kind": "Secret",\n  "stringData": {\n    "token": "js-secret-1"\n  }\n}\n',
      ["js-secret-1"],
    ],
    [
      "Secret in a List",
      "apiVersion: v1\nkind: List\nitems:\n  - kind: Secret\n    stringData:\n      token: list-secret-1\n",
      ["list-secret-1"],
    ],
    ["quoted key", 'kind: Secret\n"stringData":\n  token: quoted-secret-1\n', ["quoted-secret-1"]],
    [
      "value from an anchor",
      "kind: Secret\nmetadata:\n  annotations:\n    a: &pw anchored-secret-1\nstringData:\n  token: *pw\n",
      ["anchored-secret-1"],
    ],
    [
      "secretGenerator literals",
      "secretGenerator:\n  - name: s\n    literals: [token=literal-secret-1, 'b=literal-secret-2']\n",
      ["literal-secret-1", "literal-secret-2"],
    ],
    [
      "a file that does not parse",
      "kind: Secret\nstringData:\n  token: bad-secret-1\n  x: [\n",
      ["bad-secret-1"],
    ],
  ])("%s", (_, text, hidden) => {
    const out = maskSecretManifests(text);
    for (const h of hidden) expect(out).not.toContain(h);
    expect(out).toContain(MASKED_VALUE);
    expect(out.split("\n")).toHaveLength(text.split("\n").length);
  });

  it("leaves SOPS files and other kinds alone", () => {
    const sops = "kind: Secret\ndata:\n  a: ENC[AES256_GCM,data:x]\nsops:\n  mac: y\n";
    expect(maskSecretManifests(sops)).toBe(sops);
    const cm = "kind: ConfigMap\ndata:\n  a: keep\n";
    expect(maskSecretManifests(cm)).toBe(cm);
  });

  it("keeps keys, names and line numbers readable", () => {
    const out = maskSecretManifests(
      'kind: Secret\nmetadata:\n  name: db\nstringData:\n  user: |\n    a\n    b\n  pass: "x"\n',
    );
    expect(out).toBe(
      "kind: Secret\nmetadata:\n  name: db\nstringData:\n  user: <masked>\n    <masked>\n    <masked>\n  pass: <masked>\n",
    );
    const gen = maskSecretManifests("secretGenerator:\n  - name: s\n    literals:\n      - token=abc\n");
    expect(gen).toBe("secretGenerator:\n  - name: s\n    literals:\n      - token=<masked>\n");
  });
});
